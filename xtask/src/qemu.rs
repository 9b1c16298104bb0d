//! `cargo xtask qemu-test`: boot Linux under QEMU on three machines (x86_64,
//! aarch64 `virt`, 32-bit ARM `virt`) and drive real device models (the `edu`
//! PCI device on each; the HPET on x86_64) with generated code.
//!
//! The steps, each in its own module:
//! 1. [`packages`] installs QEMU, a static busybox and the ARM cross linkers
//!    from Debian when missing.
//! 2. [`kernel`] fetches each guest's Debian kernel, its modules and (for the
//!    ARM guests, through [`apt`]) its architecture's busybox, cached under
//!    `target/qemu-test/` so a second run downloads nothing.
//! 3. [`guest`] builds the statically linked guest program (`pci-edu`) for
//!    every guest's target in one cargo run.
//! 4. [`initramfs`] packs busybox, the modules, the guest program, the
//!    guest's extra files and an `/init` script.
//! 5. [`boot`] runs QEMU with a timeout and reads the verdict off the serial
//!    console.
//!
//! [`guests`] is the table of machines.

mod apt;
mod boot;
mod guest;
mod guests;
mod initramfs;
mod kernel;
mod packages;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::util::{format_duration, workspace_root};

/// Options.
#[derive(clap::Args)]
pub struct Args {
    /// Seconds to wait for each guest to finish before killing QEMU.
    #[arg(long, default_value_t = 120)]
    timeout: u64,
    /// Print the whole serial console, not only the check lines.
    #[arg(long)]
    verbose: bool,
    /// Boot only these guests (repeatable, or comma-separated): x86_64,
    /// aarch64, armv7.
    #[arg(long, value_name = "GUEST", value_delimiter = ',')]
    guest: Vec<String>,
}

/// Everything the job writes lives here (`target/qemu-test/`), so it is
/// cached between runs and removed by `cargo clean`.
fn cache_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    target.join("qemu-test")
}

/// How one guest went, for the closing summary.
struct Verdict {
    name: &'static str,
    line: String,
    passed: bool,
}

/// Runs the job.
pub fn run(args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let guests = guests::select(&args.guest)?;
    let cache = cache_dir();
    std::fs::create_dir_all(&cache)
        .with_context(|| format!("cannot create `{}`", cache.display()))?;

    packages::ensure()?;
    let mut kernels = Vec::new();
    for guest in &guests {
        kernels.push(kernel::ensure(&cache, guest)?);
    }
    let names: Vec<&str> = guests.iter().map(|guest| guest.rust_target).collect();
    println!(
        "qemu-test: building the guest program (pci-edu, statically linked) for {}",
        names.join(", ")
    );
    let build_started = Instant::now();
    let programs = guest::build(&cache.join("guest-target"), &guests)?;
    println!(
        "qemu-test: guest programs built in {}",
        format_duration(build_started.elapsed())
    );

    let mut verdicts = Vec::new();
    for ((guest, kernel), program) in guests.iter().zip(&kernels).zip(&programs) {
        let guest_started = Instant::now();
        let directory = cache.join(guest.name);
        std::fs::create_dir_all(&directory)
            .with_context(|| format!("cannot create `{}`", directory.display()))?;
        let image = directory.join("initramfs.cpio");
        initramfs::build(&image, guest, program, kernel)?;
        println!(
            "qemu-test: [{}] booting {} with the edu device (timeout {} s)",
            guest.name,
            kernel.vmlinuz.display(),
            args.timeout
        );
        let outcome = boot::run(&boot::Boot {
            guest,
            kernel: &kernel.vmlinuz,
            initramfs: &image,
            console_log: &directory.join("console.log"),
            timeout: Duration::from_secs(args.timeout),
            verbose: args.verbose,
        })?;
        let counts = if outcome.summarised {
            format!("{} passed, {} failed", outcome.passed, outcome.failed)
        } else {
            "no summary".to_owned()
        };
        let timing = format!(
            "kernel reached the test after {:.1} s; {:.1} s in all",
            outcome.boot_time.as_secs_f64(),
            guest_started.elapsed().as_secs_f64()
        );
        let result = outcome.into_result();
        let line = match &result {
            Ok(()) => format!("{counts} ({timing})"),
            Err(error) => format!("{counts}: {error:#} ({timing})"),
        };
        println!("qemu-test: [{}] {line}", guest.name);
        verdicts.push(Verdict {
            name: guest.name,
            line,
            passed: result.is_ok(),
        });
    }

    println!("qemu-test: summary");
    for verdict in &verdicts {
        println!("  {:<8} {}", verdict.name, verdict.line);
    }
    println!("  total    {}", format_duration(started.elapsed()));
    let failed: Vec<&str> = verdicts
        .iter()
        .filter(|verdict| !verdict.passed)
        .map(|verdict| verdict.name)
        .collect();
    if !failed.is_empty() {
        bail!("guests failed: {}", failed.join(", "));
    }
    Ok(())
}
