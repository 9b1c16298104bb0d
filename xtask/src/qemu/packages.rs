//! Host packages the QEMU test needs, installed from Debian when missing.

use std::process::Command;

use anyhow::Context;

use crate::util::run;

/// Debian packages the test needs: the emulator and a busybox that runs
/// without a dynamic loader inside the initramfs.
const PACKAGES: [&str; 2] = ["qemu-system-x86", "busybox-static"];

/// Installs whichever of [`PACKAGES`] is missing. Does nothing (and touches no
/// network) when all are installed.
pub fn ensure() -> anyhow::Result<()> {
    let missing: Vec<&str> = PACKAGES
        .into_iter()
        .filter(|name| !is_installed(name))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("qemu-test: installing {}", missing.join(", "));
    apt_get(&["update"])?;
    // Bookworm's QEMU replaces a newer `qemu-utils` from backports if the
    // image has one; this project does not use it, so `-y` may remove it.
    let mut install = vec!["install", "-y", "--no-install-recommends"];
    install.extend(&missing);
    apt_get(&install)
}

/// Runs `apt-get` non-interactively, waiting for the dpkg lock rather than
/// failing when another engineer's install holds it.
pub fn apt_get(arguments: &[&str]) -> anyhow::Result<()> {
    run(Command::new("apt-get")
        .args(["-q", "-o", "DPkg::Lock::Timeout=600"])
        .args(arguments)
        .env("DEBIAN_FRONTEND", "noninteractive"))
    .context("apt-get needs root and Debian's package sources")
}

/// Whether dpkg has `package` fully installed.
fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["--show", "--showformat=${db:Status-Status}", package])
        .output()
        .is_ok_and(|output| output.status.success() && output.stdout == b"installed")
}
