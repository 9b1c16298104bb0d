//! The guest program: `examples/pci-edu`, linked statically for each guest's
//! target so the initramfs needs no C library.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::guests::Guest;
use crate::util::{run, workspace_root};

/// The cargo profile the guest programs are built with (`Cargo.toml`:
/// release at `opt-level = 1`, for the build's speed).
pub const PROFILE: &str = "guest";

/// The workspace package that holds the guest program, and its binary.
pub const PACKAGE: &str = "pci-edu";

/// Builds the guest program for every guest's target in one cargo run (the
/// targets share cargo's job queue), in `target_dir` (its own directory, so
/// static linking does not invalidate the host build cache), and returns
/// the binaries, in `guests` order.
///
/// Each target is named explicitly, the host's too, so that `RUSTFLAGS`
/// reaches only the guest program and not build scripts.
pub fn build(target_dir: &Path, guests: &[Guest]) -> anyhow::Result<Vec<PathBuf>> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace_root())
        .args([
            "build",
            "--quiet",
            "--profile",
            PROFILE,
            "--package",
            PACKAGE,
        ])
        .arg("--target-dir")
        .arg(target_dir)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env("RUSTFLAGS", "-C target-feature=+crt-static");
    for guest in guests {
        command.args(["--target", guest.rust_target]);
        if let Some(linker) = guest.linker {
            command.env(linker_variable(guest.rust_target), linker);
        }
    }
    run(&mut command)?;
    Ok(guests
        .iter()
        .map(|guest| {
            target_dir
                .join(guest.rust_target)
                .join(PROFILE)
                .join(PACKAGE)
        })
        .collect())
}

/// Cargo's linker variable for `target`: `CARGO_TARGET_<TRIPLE>_LINKER`.
fn linker_variable(target: &str) -> String {
    format!(
        "CARGO_TARGET_{}_LINKER",
        target.to_ascii_uppercase().replace(['-', '.'], "_")
    )
}

#[cfg(test)]
mod tests {
    use super::linker_variable;

    #[test]
    fn linker_variables_follow_cargo_naming() {
        assert_eq!(
            linker_variable("armv7-unknown-linux-gnueabihf"),
            "CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_LINKER"
        );
    }
}
