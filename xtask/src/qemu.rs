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
mod cli_guest;
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

/// What the ARM guests write through the PL011's data register
/// (`examples/pci-edu/src/self_test/primecell.rs` has the same text); the
/// host finds it in the file QEMU writes the serial port to.
const PL011_GREETING: &str = "mmreg-pl011: written through the generated PL011 data register";

/// The host side of the PL011 check: the guest's bytes arrived.
fn pl011_arrived(serial_log: &std::path::Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(serial_log)
        .with_context(|| format!("cannot read `{}`", serial_log.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    if text
        .lines()
        .any(|line| line.trim_end_matches('\r') == PL011_GREETING)
    {
        Ok(format!(
            "`{PL011_GREETING}` arrived in `{}`",
            serial_log.display()
        ))
    } else {
        bail!(
            "`{}` ({} bytes) lacks the line `{PL011_GREETING}`",
            serial_log.display(),
            bytes.len()
        )
    }
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
    // Issue 15: the `mmreg` command and its checks, in the guest of its
    // target.
    let cli = if guests
        .iter()
        .any(|guest| guest.rust_target == cli_guest::TARGET)
    {
        let cli_started = Instant::now();
        let binary = cli_guest::build(&cache.join("guest-target"))?;
        println!(
            "qemu-test: the mmreg command built in {}",
            format_duration(cli_started.elapsed())
        );
        Some(binary)
    } else {
        None
    };

    let mut verdicts = Vec::new();
    for ((guest, kernel), program) in guests.iter().zip(&kernels).zip(&programs) {
        let guest_started = Instant::now();
        let directory = cache.join(guest.name);
        std::fs::create_dir_all(&directory)
            .with_context(|| format!("cannot create `{}`", directory.display()))?;
        let image = directory.join("initramfs.cpio");
        let serial_log = directory.join("serial.log");
        // A stale file must not pass the PL011 check.
        let _ = std::fs::remove_file(&serial_log);
        let guest_cli = cli
            .as_deref()
            .filter(|_| guest.rust_target == cli_guest::TARGET);
        initramfs::build(&image, guest, program, guest_cli, kernel)?;
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
            serial_log: &serial_log,
            timeout: Duration::from_secs(args.timeout),
            verbose: args.verbose,
        })?;
        // The host's own check: the bytes the guest wrote to the PL011.
        let mut host = (0, 0);
        if guest.virtio_console && outcome.summarised {
            match pl011_arrived(&serial_log) {
                Ok(seen) => {
                    host.0 += 1;
                    println!("ok pl011 on the host: {seen}");
                }
                Err(error) => {
                    host.1 += 1;
                    println!("FAIL pl011 on the host: {error:#}");
                }
            }
        }
        let counts = if outcome.summarised {
            format!(
                "{} passed, {} failed",
                outcome.passed + host.0,
                outcome.failed + host.1
            )
        } else {
            "no summary".to_owned()
        };
        if !outcome.reached_test && guest.virtio_console {
            // The kernel's messages went to the serial port's file.
            let serial = std::fs::read(&serial_log).unwrap_or_default();
            let serial = String::from_utf8_lossy(&serial);
            let lines: Vec<&str> = serial.lines().collect();
            eprintln!("qemu-test: [{}] last lines of the serial port:", guest.name);
            for line in &lines[lines.len().saturating_sub(30)..] {
                eprintln!("  | {line}");
            }
        }
        let timing = format!(
            "kernel reached the test after {:.1} s; {:.1} s in all",
            outcome.boot_time.as_secs_f64(),
            guest_started.elapsed().as_secs_f64()
        );
        let result = outcome.into_result().and_then(|()| {
            if host.1 > 0 {
                bail!("the host-side PL011 check failed")
            }
            Ok(())
        });
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
