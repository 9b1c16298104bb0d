//! Helpers shared by the `mmreg` binary's integration tests.
#![allow(dead_code)]

use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary under test.
pub const MMREG: &str = env!("CARGO_BIN_EXE_mmreg");
/// The tests' description: one register of each kind the command treats
/// differently.
pub const TIMER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/timer.yaml");

/// A fresh scratch directory for one test (also its model cache).
pub fn scratch(name: &str) -> PathBuf {
    let directory = std::env::temp_dir().join(format!("mmreg-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

/// Runs `mmreg` with `args`, its model cache in `directory`.
pub fn mmreg(directory: &Path, args: &[&str]) -> Output {
    Command::new(MMREG)
        .args(args)
        .env("XDG_CACHE_HOME", directory.join("cache"))
        .env("NO_COLOR", "1")
        .env_remove("MMREG_DESCRIPTION")
        .output()
        .unwrap()
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs and expects success, returning standard output.
pub fn ok(directory: &Path, args: &[&str]) -> String {
    let output = mmreg(directory, args);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    stdout(&output)
}

/// Runs and expects exit code `code`, returning standard error.
pub fn fails(directory: &Path, args: &[&str], code: i32) -> String {
    let output = mmreg(directory, args);
    assert_eq!(
        output.status.code(),
        Some(code),
        "{args:?}: {}{}",
        stdout(&output),
        stderr(&output)
    );
    stderr(&output)
}

/// Sets a 32-bit register in a fake memory file as the device would.
pub fn poke_file(file: &Path, address: u64, value: u32) {
    let handle = std::fs::OpenOptions::new().write(true).open(file).unwrap();
    handle.write_at(&value.to_le_bytes(), address).unwrap();
}
