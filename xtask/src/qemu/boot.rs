//! Boots QEMU, streams the serial console, and reads the guest's verdict.
//!
//! The guest prints one line per check (`ok <check>` or `FAIL <check>: <why>`)
//! and a closing `N passed, N failed`; `/init` prints markers around it (see
//! [`super::initramfs`]). The test fails on any failed check, on a timeout, and
//! when the kernel never reaches the test.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::guests::Guest;
use super::initramfs::{EXIT_MARKER, START_MARKER};

/// What to boot and how long to wait.
pub struct Boot<'a> {
    /// The machine.
    pub guest: &'a Guest,
    /// The kernel image.
    pub kernel: &'a Path,
    /// The initramfs archive.
    pub initramfs: &'a Path,
    /// Where the whole console is saved for post-mortems.
    pub console_log: &'a Path,
    /// Where the serial port's output goes when the guest has a virtio
    /// console.
    pub serial_log: &'a Path,
    /// How long the guest may take, from QEMU's start to its exit.
    pub timeout: Duration,
    /// Echo every console line, not only the guest's check lines.
    pub verbose: bool,
}

/// What the console said.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Whether `/init` announced the test: the kernel booted and ran it.
    pub reached_test: bool,
    /// Time from QEMU's start to the start marker.
    pub boot_time: Duration,
    /// Checks that passed, from the summary line.
    pub passed: u32,
    /// Checks that failed, from the summary line.
    pub failed: u32,
    /// Whether the summary line was seen.
    pub summarised: bool,
    /// Check lines counted as they went by, to cross-check the summary.
    pub check_lines: u32,
    /// The guest program's exit status, as `/init` printed it.
    pub exit_status: Option<i32>,
    /// Whether QEMU had to be killed.
    pub timed_out: bool,
    /// The console's last lines, shown when the verdict is a failure.
    pub tail: Vec<String>,
}

/// The kernel parameter that tells the guest the host's clock (Unix
/// seconds when QEMU started), for the PL031 check.
pub const HOST_TIME: &str = "mmreg.host_time";

/// Seconds since the Unix epoch.
fn unix_time() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// Lines of console shown after a failure.
const TAIL_LINES: usize = 40;

impl Outcome {
    /// Takes in one console line.
    fn observe(&mut self, line: &str, since_start: Duration) {
        // The firmware's screen-clearing escapes share the marker's line.
        if line.ends_with(START_MARKER) {
            self.reached_test = true;
            self.boot_time = since_start;
        } else if let Some(status) = line.strip_prefix(EXIT_MARKER) {
            self.exit_status = status.trim().parse().ok();
        } else if line.starts_with("ok ") || line.starts_with("FAIL ") {
            self.check_lines += 1;
        } else if let Some((passed, failed)) = parse_summary(line) {
            // Each program run in the guest (the guest program, the `mmreg`
            // checks) closes with its own summary: they add up.
            self.passed += passed;
            self.failed += failed;
            self.summarised = true;
        }
        if self.tail.len() == TAIL_LINES {
            self.tail.remove(0);
        }
        self.tail.push(line.to_owned());
    }

    /// Whether `line` is worth echoing when not verbose.
    fn is_report_line(line: &str) -> bool {
        line.starts_with("ok ")
            || line.starts_with("FAIL ")
            || line.starts_with("mmreg-guest:")
            || parse_summary(line).is_some()
    }

    /// The verdict: `Ok` only when every check ran and passed.
    pub fn into_result(self) -> anyhow::Result<()> {
        let problem = if !self.reached_test && self.timed_out {
            Some("the kernel never reached the test before the timeout".to_owned())
        } else if !self.reached_test {
            Some("the kernel never reached the test".to_owned())
        } else if self.timed_out {
            Some("the guest timed out".to_owned())
        } else if !self.summarised {
            Some("the guest stopped before its summary line".to_owned())
        } else if self.failed > 0 {
            Some(format!("{} checks failed", self.failed))
        } else if self.check_lines != self.passed {
            Some(format!(
                "the summary claims {} passed but {} check lines were printed",
                self.passed, self.check_lines
            ))
        } else if self.passed == 0 {
            Some("the guest ran no checks".to_owned())
        } else if self.exit_status != Some(0) {
            Some(format!(
                "the guest exited with status {:?}",
                self.exit_status
            ))
        } else {
            None
        };
        match problem {
            None => Ok(()),
            Some(problem) => {
                eprintln!("qemu-test: last console lines:");
                for line in &self.tail {
                    eprintln!("  | {line}");
                }
                bail!("{problem}")
            }
        }
    }
}

/// Parses `N passed, M failed`.
fn parse_summary(line: &str) -> Option<(u32, u32)> {
    let (passed, failed) = line.split_once(" passed, ")?;
    let failed = failed.strip_suffix(" failed")?;
    Some((passed.parse().ok()?, failed.parse().ok()?))
}

/// Boots the guest and returns what its console said.
pub fn run(boot: &Boot<'_>) -> anyhow::Result<Outcome> {
    let mut command = Command::new(boot.guest.qemu);
    command.args(boot.guest.machine);
    if boot.guest.virtio_console {
        // The test's output on a virtio console on standard output; the
        // serial port (the kernel's console) into a file, where the PL011
        // check finds what the guest wrote through the UART's registers.
        command
            .args(["-display", "none", "-monitor", "none", "-serial"])
            .arg(format!("file:{}", boot.serial_log.display()))
            .args(["-chardev", "stdio,id=verdict,signal=off"])
            .args(["-device", "virtio-serial-device"])
            .args(["-device", "virtconsole,chardev=verdict"]);
    } else {
        command.arg("-nographic");
    }
    command
        .args(["-no-reboot", "-nic", "none", "-m", "256M", "-smp", "1"])
        // `/dev/kvm` exists on these machines but KVM does not work, and the
        // ARM guests need TCG anyway.
        .args(["-accel", "tcg"])
        .args(["-device", "edu"])
        .arg("-kernel")
        .arg(boot.kernel)
        .arg("-initrd")
        .arg(boot.initramfs)
        // No `iomem=relaxed`: the test checks that driver-claimed ranges are
        // refused. `panic=-1` turns a crash of `/init` into an exit.
        .arg("-append")
        .arg(format!(
            "{} panic=-1 quiet {HOST_TIME}={}",
            boot.guest.kernel_args,
            unix_time()
        ))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot start {}", boot.guest.qemu))?;

    let (sender, receiver) = mpsc::channel();
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    for stream in [
        Box::new(stdout) as Box<dyn std::io::Read + Send>,
        Box::new(stderr),
    ] {
        let sender = sender.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).split(b'\n') {
                let Ok(line) = line else { break };
                let text = String::from_utf8_lossy(&line)
                    .trim_end_matches('\r')
                    .to_owned();
                if sender.send(text).is_err() {
                    break;
                }
            }
        });
    }
    drop(sender);

    let mut log = std::fs::File::create(boot.console_log)
        .with_context(|| format!("cannot create `{}`", boot.console_log.display()))?;
    let mut outcome = Outcome::default();
    let deadline = started + boot.timeout;
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        match receiver.recv_timeout(remaining) {
            Ok(line) => {
                writeln!(log, "{line}")?;
                if boot.verbose || Outcome::is_report_line(&line) {
                    println!("{line}");
                }
                outcome.observe(&line, started.elapsed());
            }
            // Both streams closed: QEMU exited.
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                outcome.timed_out = true;
                // Killing an already-exited child is not an error worth reporting.
                let _ = child.kill();
                break;
            }
        }
    }
    let status = child.wait().context("cannot wait for QEMU")?;
    if !outcome.timed_out && !status.success() && !outcome.reached_test {
        eprintln!("qemu-test: QEMU exited with {status}");
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn console(lines: &[&str]) -> Outcome {
        let mut outcome = Outcome::default();
        for line in lines {
            outcome.observe(line, Duration::from_secs(1));
        }
        outcome
    }

    #[test]
    fn a_clean_run_passes() {
        let outcome = console(&[
            "[    0.000000] Linux version 6.1.0",
            START_MARKER,
            "ok edu identification: 0x010000ed",
            "ok hpet vendor: 0x8086",
            "2 passed, 0 failed",
            "mmreg-guest: exit status 0",
        ]);
        assert_eq!(
            (outcome.passed, outcome.failed, outcome.check_lines),
            (2, 0, 2)
        );
        assert_eq!(outcome.exit_status, Some(0));
        outcome.into_result().unwrap();
    }

    #[test]
    fn a_failed_check_fails() {
        let outcome = console(&[
            START_MARKER,
            "ok edu identification: 0x010000ed",
            "FAIL edu liveness: wrote 0x1, read 0x1",
            "1 passed, 1 failed",
            "mmreg-guest: exit status 1",
        ]);
        let error = outcome.into_result().unwrap_err();
        assert_eq!(error.to_string(), "1 checks failed");
    }

    #[test]
    fn a_timeout_fails_naming_how_far_the_guest_got() {
        let mut outcome = console(&["Booting from ROM..."]);
        outcome.timed_out = true;
        let error = outcome.into_result().unwrap_err();
        assert_eq!(
            error.to_string(),
            "the kernel never reached the test before the timeout"
        );

        let mut outcome = console(&[START_MARKER, "ok edu identification: 0x010000ed"]);
        outcome.timed_out = true;
        let error = outcome.into_result().unwrap_err();
        assert_eq!(error.to_string(), "the guest timed out");
    }

    #[test]
    fn a_kernel_that_never_reaches_the_test_fails() {
        let outcome = console(&["Kernel panic - not syncing: VFS: Unable to mount root fs"]);
        let error = outcome.into_result().unwrap_err();
        assert_eq!(error.to_string(), "the kernel never reached the test");
    }

    #[test]
    fn a_missing_summary_fails() {
        let outcome = console(&[START_MARKER, "ok edu identification: 0x010000ed"]);
        let error = outcome.into_result().unwrap_err();
        assert_eq!(
            error.to_string(),
            "the guest stopped before its summary line"
        );
    }

    #[test]
    fn summary_lines_parse_only_in_their_exact_form() {
        assert_eq!(parse_summary("12 passed, 3 failed"), Some((12, 3)));
        assert_eq!(parse_summary("12 passed, 3 failed!"), None);
        assert_eq!(parse_summary("passed, failed"), None);
    }
}
