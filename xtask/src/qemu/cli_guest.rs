//! The `mmreg` command in the x86_64 guest (issue 15), kept apart from the
//! guest program so the QEMU job can wire it into whichever guests it boots:
//! [`build`] builds `mmreg` statically linked, like the guest program;
//! [`FILES`] and [`CHECKS`] are what the initramfs needs (the binary, the
//! two descriptions, and the check script, `cli_checks.sh`, which `/init`
//! runs after the guest program).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{run, workspace_root};

/// The package and its binary.
const PACKAGE: &str = "mmreg-cli";
const BINARY: &str = "mmreg";

/// The guest's target, as for the guest program.
pub const TARGET: &str = "x86_64-unknown-linux-gnu";

/// The check script, installed as `/bin/mmreg-checks`.
pub const CHECKS: &str = include_str!("cli_checks.sh");

/// Where the check script goes in the initramfs.
pub const CHECKS_PATH: &str = "bin/mmreg-checks";

/// Descriptions the checks read: (path in the initramfs, path in the workspace).
pub const FILES: [(&str, &str); 2] = [
    ("svd/hpet.yaml", "svd/hpet.yaml"),
    ("svd/qemu-edu.yaml", "svd/qemu-edu.yaml"),
];

/// Builds `mmreg` in `target_dir` (the guest program's, so the shared
/// dependencies are built once) and returns the binary's path.
pub fn build(target_dir: &Path) -> anyhow::Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    run(Command::new(cargo)
        .current_dir(workspace_root())
        .args([
            "build",
            "--quiet",
            "--profile",
            super::guest::PROFILE,
            "--package",
            PACKAGE,
            "--bin",
            BINARY,
            "--target",
            TARGET,
        ])
        .arg("--target-dir")
        .arg(target_dir)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env("RUSTFLAGS", "-C target-feature=+crt-static"))?;
    Ok(target_dir
        .join(TARGET)
        .join(super::guest::PROFILE)
        .join(BINARY))
}
