//! Host packages the QEMU test needs, installed from Debian when missing.

use std::process::Command;

use anyhow::Context;

use crate::util::{self, run};

/// Debian packages the test needs: the emulators, a busybox that runs
/// without a dynamic loader inside the x86_64 initramfs (the ARM guests'
/// busybox is downloaded for their architecture), and the cross linkers and
/// static C libraries for the ARM guest programs.
const PACKAGES: [&str; 7] = [
    "qemu-system-x86",
    "qemu-system-arm",
    "busybox-static",
    "gcc-aarch64-linux-gnu",
    "libc6-dev-arm64-cross",
    "gcc-arm-linux-gnueabihf",
    "libc6-dev-armhf-cross",
];

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
