//! Helpers shared by the jobs: running commands, the workspace root, cargo and
//! rustup invocations, Debian packages.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Runs `command`, failing with its rendering when it exits non-zero.
pub fn run(command: &mut Command) -> anyhow::Result<()> {
    let rendered = format!("{command:?}");
    let status = command
        .status()
        .with_context(|| format!("cannot start {rendered}"))?;
    if !status.success() {
        bail!("{rendered} failed with {status}");
    }
    Ok(())
}

/// Runs `command` like [`run`], echoing its standard output line by line as it
/// comes and also returning it, so a caller can check what the tool reported
/// (test counts, say) while the log still shows everything live.
pub fn run_echoing_stdout(command: &mut Command) -> anyhow::Result<String> {
    let rendered = format!("{command:?}");
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {rendered}"))?;
    let stdout = child.stdout.take().expect("stdout was piped");
    let echoed = echo_and_capture(BufReader::new(stdout), std::io::stdout().lock());
    // Reaped even when echoing failed, so no zombie is left behind.
    let status = child
        .wait()
        .with_context(|| format!("cannot wait for {rendered}"))?;
    let captured = echoed.with_context(|| format!("cannot relay the output of {rendered}"))?;
    if !status.success() {
        bail!("{rendered} failed with {status}");
    }
    Ok(captured)
}

/// Copies `reader` to `terminal` line by line and returns it as text (lossily:
/// a tool's stray non-UTF-8 byte must not fail the step).
fn echo_and_capture(mut reader: impl BufRead, mut terminal: impl Write) -> std::io::Result<String> {
    let mut captured = Vec::new();
    let mut line = Vec::new();
    while reader.read_until(b'\n', &mut line)? > 0 {
        // Flushed per line so the output interleaves sensibly with the child's stderr.
        terminal.write_all(&line)?;
        terminal.flush()?;
        captured.append(&mut line);
    }
    Ok(String::from_utf8_lossy(&captured).into_owned())
}

/// A `cargo` command for the toolchain running xtask, in the workspace root,
/// with no standard input (CI has none; nothing may wait for a prompt).
pub fn cargo() -> Command {
    // `CARGO` is the exact cargo that started xtask, so the steps use the same
    // toolchain even when `cargo` on PATH would resolve to another.
    let program = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut command = Command::new(program);
    command.current_dir(workspace_root()).stdin(Stdio::null());
    command
}

/// A `cargo +toolchain` command (through the rustup proxy on PATH), in the
/// workspace root, with no standard input.
pub fn cargo_with_toolchain(toolchain: &str) -> Command {
    let mut command = Command::new("cargo");
    command
        .arg(format!("+{toolchain}"))
        .current_dir(workspace_root())
        .stdin(Stdio::null())
        // Set by the rustup proxy that started xtask; `+toolchain` wins anyway,
        // but leaving it would make the environment contradict the command.
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO");
    command
}

/// A `rustup` command with no standard input.
pub fn rustup() -> Command {
    let mut command = Command::new("rustup");
    command.stdin(Stdio::null());
    command
}

/// Whether the Debian package `name` is installed (`dpkg-query` says
/// `install ok installed`).
pub fn debian_package_installed(name: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", name])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|output| output.status.success() && output.stdout == b"install ok installed")
}

/// Installs the Debian packages among `packages` that are missing: one
/// `apt-get update` and one `apt-get install`, and nothing at all (no network)
/// when every package is already there. Uses `sudo -n` when not root.
pub fn ensure_debian_packages(packages: &[&str]) -> anyhow::Result<()> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|name| !debian_package_installed(name))
        .collect();
    if missing.is_empty() {
        println!("Debian packages already installed: {}", packages.join(" "));
        return Ok(());
    }
    println!("installing Debian packages: {}", missing.join(" "));
    // Another apt run (an engineer's, unattended upgrades) may hold the lock: wait for it.
    let lock_timeout = ["-o", "DPkg::Lock::Timeout=600"];
    run(privileged("apt-get")
        .args(["-q", "update"])
        .args(lock_timeout))?;
    run(privileged("apt-get")
        .args(["-q", "install", "-y", "--no-install-recommends"])
        .args(lock_timeout)
        .args(&missing))?;
    let still_missing: Vec<&str> = missing
        .into_iter()
        .filter(|name| !debian_package_installed(name))
        .collect();
    if !still_missing.is_empty() {
        bail!(
            "apt-get succeeded but these packages are still not installed: {}",
            still_missing.join(" ")
        );
    }
    Ok(())
}

/// `program` run as root, non-interactively: directly when already root,
/// through `sudo -n` otherwise.
fn privileged(program: &str) -> Command {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.status.success() && output.stdout.trim_ascii() == b"0");
    let mut command = if is_root {
        Command::new(program)
    } else {
        let mut sudo = Command::new("sudo");
        sudo.args(["-n", "--preserve-env=DEBIAN_FRONTEND", program]);
        sudo
    };
    command
        .stdin(Stdio::null())
        .env("DEBIAN_FRONTEND", "noninteractive");
    command
}

/// Whether `program` can be started from PATH (it runs `program --version`).
pub fn program_on_path(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// `duration` for people: `12.3s`, or `4m05s` from a minute up.
pub fn format_duration(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds < 60.0 {
        format!("{seconds:.1}s")
    } else {
        let whole = duration.as_secs();
        format!("{}m{:02}s", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{echo_and_capture, format_duration};

    #[test]
    fn durations_read_as_seconds_then_minutes() {
        assert_eq!(format_duration(Duration::from_millis(12_345)), "12.3s");
        assert_eq!(format_duration(Duration::from_secs(245)), "4m05s");
    }

    #[test]
    fn captured_output_keeps_every_line_and_survives_stray_bytes() {
        let output: &[u8] = b"line one\nbad \xff byte\nno final newline";
        let mut terminal = Vec::new();
        let captured = echo_and_capture(output, &mut terminal).unwrap();
        assert_eq!(captured, "line one\nbad \u{fffd} byte\nno final newline");
        assert_eq!(terminal, output, "the terminal gets the bytes unchanged");
    }
}
