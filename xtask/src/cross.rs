//! Cross-target checks: the runtime's tests run on armv7 under qemu-user (a
//! 32-bit target, where `usize` and 64-bit registers differ from the host), and
//! the runtime passes clippy for aarch64 (where register access has its own
//! code path). The runner and linker for armv7 live in `.cargo/config.toml`.

use std::path::Path;

use anyhow::{Context, bail, ensure};

use crate::util;

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
    let output =
        util::run_echoing_stdout(util::cargo().args(["test", "-p", "mmreg", "--target", ARMV7]))?;
    // An Arm executable cannot start on this host without qemu, so passed tests
    // prove the runner ran them; zero tests would prove nothing.
    let passed = passed_test_count(&output).context("cannot read the test counts")?;
    if passed == 0 {
        bail!("no runtime test ran on {ARMV7}");
    }
    println!("{passed} runtime tests passed on {ARMV7} under qemu-arm");
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

/// The sum of `N passed` over cargo's `test result:` lines.
fn passed_test_count(output: &str) -> anyhow::Result<u64> {
    let mut total = 0;
    for line in output
        .lines()
        .filter_map(|line| line.trim().strip_prefix("test result: "))
    {
        // "ok. 12 passed; 0 failed; 1 ignored; ..."
        let passed = line
            .split(['.', ';'])
            .find_map(|part| part.trim().strip_suffix(" passed"))
            .with_context(|| format!("no `passed` count in `test result: {line}`"))?;
        total += passed
            .parse::<u64>()
            .with_context(|| format!("bad `passed` count `{passed}`"))?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::passed_test_count;

    #[test]
    fn sums_passed_counts_over_test_result_lines() {
        let output = "\
running 3 tests
test a ... ok
test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
   Doc-tests mmreg
test result: ok. 12 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 1.20s
";
        assert_eq!(passed_test_count(output).unwrap(), 15);
    }

    #[test]
    fn no_test_result_line_counts_zero() {
        assert_eq!(passed_test_count("   Compiling mmreg\n").unwrap(), 0);
    }
}
