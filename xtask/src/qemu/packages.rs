//! Host packages the QEMU test needs, installed from Debian when missing.

use std::process::Command;

use anyhow::Context;

use crate::util::{self, run};

/// Debian packages the test needs: the emulator and a busybox that runs
/// without a dynamic loader inside the initramfs.
const PACKAGES: [&str; 2] = ["qemu-system-x86", "busybox-static"];

/// Installs whichever of [`PACKAGES`] is missing. Does nothing (and touches no
/// network) when all are installed. Bookworm's QEMU replaces a newer
/// `qemu-utils` from backports if the image has one; this project does not
/// use it.
pub fn ensure() -> anyhow::Result<()> {
    util::ensure_debian_packages(&PACKAGES)
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
