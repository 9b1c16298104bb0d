//! `cargo xtask qemu-test`: boot Linux under QEMU and drive real device models
//! (the `edu` PCI device and the HPET) with generated code.
//!
//! The steps, each in its own module:
//! 1. [`packages`] installs QEMU and a static busybox from Debian when missing.
//! 2. [`kernel`] fetches Debian's cloud kernel and the two UIO modules, cached
//!    under `target/qemu-test/kernel/` so a second run downloads nothing.
//! 3. [`guest`] builds the statically linked guest program (`pci-edu`).
//! 4. [`initramfs`] packs busybox, the modules, the guest and an `/init` script.
//! 5. [`boot`] runs QEMU with a timeout and reads the verdict off the serial
//!    console.

mod boot;
mod cli_guest;
mod guest;
mod initramfs;
mod kernel;
mod packages;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::util::workspace_root;

/// Options.
#[derive(clap::Args)]
pub struct Args {
    /// Seconds to wait for the guest to finish before killing QEMU.
    #[arg(long, default_value_t = 120)]
    timeout: u64,
    /// Print the whole serial console, not only the check lines.
    #[arg(long)]
    verbose: bool,
}

/// Everything the job writes lives here (`target/qemu-test/`), so it is
/// cached between runs and removed by `cargo clean`.
fn cache_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    target.join("qemu-test")
}

/// Runs the job.
pub fn run(args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let cache = cache_dir();
    std::fs::create_dir_all(&cache)
        .with_context(|| format!("cannot create `{}`", cache.display()))?;

    packages::ensure()?;
    let kernel = kernel::ensure(&cache.join("kernel"))?;
    println!("qemu-test: building the guest program (pci-edu, statically linked)");
    let guest = guest::build(&cache.join("guest-target"))?;
    // Issue 15: the `mmreg` command and its checks, in the same guest.
    println!("qemu-test: building the mmreg command (statically linked)");
    let cli = cli_guest::build(&cache.join("guest-target"))?;
    let image = cache.join("initramfs.cpio");
    initramfs::build(&image, &guest, Some(&cli), &kernel)?;

    println!(
        "qemu-test: booting {} with the edu device (timeout {} s)",
        kernel.vmlinuz.display(),
        args.timeout
    );
    let outcome = boot::run(&boot::Boot {
        kernel: &kernel.vmlinuz,
        initramfs: &image,
        console_log: &cache.join("console.log"),
        timeout: Duration::from_secs(args.timeout),
        verbose: args.verbose,
    })?;
    if outcome.summarised {
        println!(
            "qemu-test: {} passed, {} failed (kernel reached the test after {:.1} s; {:.1} s in all)",
            outcome.passed,
            outcome.failed,
            outcome.boot_time.as_secs_f64(),
            started.elapsed().as_secs_f64()
        );
    }
    outcome.into_result()
}
