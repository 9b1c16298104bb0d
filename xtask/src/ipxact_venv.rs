//! The Python side of the IP-XACT cross-check (`codegen/tests/ipxact_crosscheck.rs`):
//! a private virtual environment in `target/ipxact-venv` with PeakRDL-ipxact,
//! made with Debian's `python3-venv`. Created by the gate's install step;
//! a no-op (no network) when it already holds the pinned versions.

use std::path::PathBuf;
use std::process::Command;

use anyhow::Context;

use crate::util;

/// What is installed, pinned so every machine compares with the same reader.
const REQUIREMENTS: &[&str] = &["peakrdl-ipxact==3.5.0", "systemrdl-compiler==1.33.0"];

/// Debian's interpreter (not one a version manager may put first on `PATH`).
const PYTHON: &str = "/usr/bin/python3";

/// The environment's directory: `ipxact-venv` in the target directory.
pub fn directory() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| util::workspace_root().join("target"), PathBuf::from)
        .join("ipxact-venv")
}

/// Creates the environment and installs [`REQUIREMENTS`] unless a stamp says
/// they are there.
pub fn install() -> anyhow::Result<()> {
    util::ensure_debian_packages(&["python3", "python3-venv"])?;
    let venv = directory();
    let stamp = venv.join("mmreg-requirements.txt");
    let wanted = REQUIREMENTS.join("\n");
    if std::fs::read_to_string(&stamp).is_ok_and(|text| text == wanted) {
        println!(
            "{} already holds {}",
            venv.display(),
            REQUIREMENTS.join(" ")
        );
        return Ok(());
    }
    util::run(Command::new(PYTHON).args(["-m", "venv"]).arg(&venv))?;
    util::run(
        Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args(REQUIREMENTS),
    )?;
    std::fs::write(&stamp, wanted).with_context(|| format!("cannot write {}", stamp.display()))
}
