//! The guest program: `examples/pci-edu`, linked statically so the initramfs
//! needs no C library.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{run, workspace_root};

/// The workspace package that holds the guest program, and its binary.
pub const PACKAGE: &str = "pci-edu";

/// The target the guest is built for: the host's, named explicitly so that
/// `RUSTFLAGS` reaches only the guest and not build scripts.
const TARGET: &str = "x86_64-unknown-linux-gnu";

/// Builds the guest in `target_dir` (its own directory, so static linking
/// does not invalidate the host build cache) and returns the binary's path.
pub fn build(target_dir: &Path) -> anyhow::Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    run(Command::new(cargo)
        .current_dir(workspace_root())
        .args([
            "build",
            "--quiet",
            "--release",
            "--package",
            PACKAGE,
            "--target",
            TARGET,
        ])
        .arg("--target-dir")
        .arg(target_dir)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env("RUSTFLAGS", "-C target-feature=+crt-static"))?;
    Ok(target_dir.join(TARGET).join("release").join(PACKAGE))
}
