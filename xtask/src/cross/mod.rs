//! Cross-target checks: the runtime's tests run on armv7 under qemu-user (a
//! 32-bit target, where `usize` and 64-bit registers differ from the host), and
//! the runtime passes clippy for aarch64 (where register access has its own
//! code path). The runner and linker for armv7 live in `.cargo/config.toml`.

use std::path::Path;

use anyhow::{bail, ensure};

use crate::util;

mod qemu_user;

/// The 32-bit Arm target whose tests run under `qemu-arm`.
pub const ARMV7: &str = "armv7-unknown-linux-gnueabihf";
/// The 64-bit Arm target checked with clippy.
pub const AARCH64: &str = "aarch64-unknown-linux-gnu";
/// Every rustup target the cross steps need.
pub const TARGETS: &[&str] = &[ARMV7, AARCH64];
/// Debian packages the cross steps need: the armv7 linker and C library, and
/// `qemu-arm`.
pub const DEBIAN_PACKAGES: &[&str] = &[
    "gcc-arm-linux-gnueabihf",
    "libc6-dev-armhf-cross",
    "qemu-user",
];

/// The armv7 sysroot `qemu-arm -L` loads the dynamic linker and libc from.
const ARMV7_SYSROOT: &str = "/usr/arm-linux-gnueabihf";

/// Runs the runtime's tests (unit, integration and doc tests) for armv7 under
/// `qemu-arm`, and fails unless some tests really ran there.
pub fn armv7_test() -> anyhow::Result<()> {
    // Say what is missing up front, rather than as a linker or runner error.
    ensure!(
        util::program_on_path("qemu-arm"),
        "`qemu-arm` is not on PATH (Debian package `qemu-user`)"
    );
    ensure!(
        util::program_on_path("arm-linux-gnueabihf-gcc"),
        "`arm-linux-gnueabihf-gcc` is not on PATH (Debian package `gcc-arm-linux-gnueabihf`)"
    );
    ensure!(
        Path::new(ARMV7_SYSROOT).join("lib").is_dir(),
        "`{ARMV7_SYSROOT}/lib` is missing (Debian package `libc6-dev-armhf-cross`)"
    );
    let qemu = qemu_user::find();
    let runner = format!("{} -L {ARMV7_SYSROOT}", qemu.program.display());
    println!(
        "runner: {runner} (64-bit mmap offsets checked: {})",
        qemu.full_offsets
    );
    let mut command = util::cargo();
    command
        .args(["test", "-p", "mmreg", "--target", ARMV7])
        .env("CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_RUNNER", &runner);
    if qemu.full_offsets {
        // The emulator keeps every offset bit: the test must see them all.
        command.env("MMREG_EXPECT_FULL_MMAP_OFFSETS", "1");
    }
    let output = util::run_echoing_stdout(&mut command)?;
    // An Arm executable cannot start on this host without qemu, so tests that
    // ran and passed prove the runner ran them; none would prove nothing.
    let executed = executed_passing_tests(&output);
    if executed == 0 {
        bail!("no runtime test executed on {ARMV7}");
    }
    println!("{executed} runtime tests executed and passed on {ARMV7} under qemu-arm");
    Ok(())
}

/// Runs clippy on the runtime for aarch64 (type checking only: no linker).
pub fn aarch64_clippy() -> anyhow::Result<()> {
    util::run(util::cargo().args([
        "clippy",
        "-p",
        "mmreg",
        "--target",
        AARCH64,
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

/// How many tests libtest reports as run and passed (`test NAME ... ok`),
/// leaving out doc tests that are only compiled (`compile_fail`, `no_run`),
/// since those pass without executing anything on the target.
fn executed_passing_tests(output: &str) -> usize {
    output
        .lines()
        .filter_map(|line| line.strip_prefix("test ")?.strip_suffix(" ... ok"))
        .filter(|name| !name.contains(") - compile"))
        .count()
}

#[cfg(test)]
mod tests {
    use super::executed_passing_tests;

    #[test]
    fn counts_executed_passing_tests_only() {
        let output = "\
running 3 tests
test fake::tests::logs_reads ... ok
test fake::tests::slow ... ignored
test fake::tests::fails ... FAILED
test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s

   Doc-tests mmreg
running 4 tests
test runtime/src/reg.rs - reg (line 9) ... ok
test runtime/src/reg.rs - reg (line 20) - compile fail ... ok
test runtime/src/map/mod.rs - map::DevMem::open (line 40) - compile ... ok
test runtime/src/io.rs - io::Io (line 59) ... ok
test result: ok. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.20s
";
        assert_eq!(executed_passing_tests(output), 3);
    }

    #[test]
    fn output_without_tests_counts_zero() {
        let output = "   Compiling mmreg\ntest result: ok. 0 passed; 0 failed\n";
        assert_eq!(executed_passing_tests(output), 0);
    }
}
