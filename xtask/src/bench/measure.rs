//! Timing one process: wall time, CPU time and peak resident memory.
//!
//! The child is reaped with `wait4`, whose resource usage covers the child and
//! every descendant it waited for, so `cargo check` reports the peak of its
//! largest `rustc` and the CPU time of all of them.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

/// One run of one command.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Wall-clock time.
    pub wall: Duration,
    /// User plus system CPU time of the process and its waited-for children.
    pub cpu: Duration,
    /// Peak resident set of the largest process, in KiB.
    pub peak_kib: u64,
    /// Whether it exited with status 0.
    pub success: bool,
    /// The last lines of its standard error (for failures).
    pub stderr_tail: String,
}

/// Runs `command` to completion with its output captured in `log` (stderr)
/// and measures it.
pub fn measure(command: &mut Command, log: &Path) -> anyhow::Result<Sample> {
    let rendered = format!("{command:?}");
    let stderr = File::create(log).with_context(|| format!("cannot create `{}`", log.display()))?;
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(stderr));
    let start = Instant::now();
    let child = command
        .spawn()
        .with_context(|| format!("cannot start {rendered}"))?;
    let pid = libc::pid_t::try_from(child.id()).context("process id out of range")?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data; all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our child and not yet reaped (`child` is never
        // waited on through std); both pointers are to live locals.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            break;
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(error).with_context(|| format!("cannot wait for {rendered}"));
        }
    }
    let wall = start.elapsed();
    drop(child);
    let cpu = timeval(usage.ru_utime) + timeval(usage.ru_stime);
    let success = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    let text = std::fs::read_to_string(log).unwrap_or_default();
    Ok(Sample {
        wall,
        cpu,
        peak_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        success,
        stderr_tail: failure_summary(&text),
    })
}

fn timeval(value: libc::timeval) -> Duration {
    Duration::from_secs(u64::try_from(value.tv_sec).unwrap_or(0))
        + Duration::from_micros(u64::try_from(value.tv_usec).unwrap_or(0))
}

/// The first line that looks like an error, else the last non-empty line,
/// without terminal colours; for an `anyhow` report (svd2rust), the error
/// line and its innermost cause.
pub fn failure_summary(text: &str) -> String {
    let plain = strip_ansi(text);
    let lines: Vec<&str> = plain
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if let Some(start) = lines.iter().position(|line| *line == "Caused by:") {
        let causes = lines[start + 1..]
            .iter()
            .take_while(|line| !line.starts_with("Stack backtrace"))
            .filter_map(|line| line.split_once(": ").map(|(_, cause)| cause));
        if let (Some(cause), Some(error)) = (causes.last(), start.checked_sub(1)) {
            let text = format!("{}: {cause}", lines[error]);
            return text.chars().take(200).collect();
        }
    }
    let chosen = lines
        .iter()
        .find(|line| {
            line.starts_with("error") || line.contains("ERROR") || line.contains("unknown")
        })
        .or_else(|| lines.last())
        .copied()
        .unwrap_or("");
    chosen.chars().take(160).collect()
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Skip `ESC [ ... letter`.
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Medians of several runs.
#[derive(Debug, Clone, Copy)]
pub struct Median {
    /// Median wall time.
    pub wall: Duration,
    /// Median CPU time.
    pub cpu: Duration,
    /// Median peak memory in KiB.
    pub peak_kib: u64,
}

/// The medians of `samples` (the lower middle for an even count).
pub fn median(samples: &[Sample]) -> Option<Median> {
    if samples.is_empty() {
        return None;
    }
    let middle = |mut values: Vec<u128>| {
        values.sort_unstable();
        values[(values.len() - 1) / 2]
    };
    let nanos = |d: Duration| d.as_nanos();
    let to_duration = |n: u128| Duration::from_nanos(u64::try_from(n).unwrap_or(u64::MAX));
    Some(Median {
        wall: to_duration(middle(samples.iter().map(|s| nanos(s.wall)).collect())),
        cpu: to_duration(middle(samples.iter().map(|s| nanos(s.cpu)).collect())),
        peak_kib: u64::try_from(middle(
            samples.iter().map(|s| u128::from(s.peak_kib)).collect(),
        ))
        .unwrap_or(0),
    })
}

/// `1.23 s` or `456 ms`.
pub fn seconds(duration: Duration) -> String {
    let value = duration.as_secs_f64();
    if value < 1.0 {
        format!("{:.0} ms", value * 1000.0)
    } else {
        format!("{value:.2} s")
    }
}

/// `123 MiB`.
pub fn mebibytes(kib: u64) -> String {
    format!("{} MiB", kib.div_ceil(1024))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_takes_the_middle_of_each_figure() {
        let sample = |wall_ms, peak_kib| Sample {
            wall: Duration::from_millis(wall_ms),
            cpu: Duration::from_millis(wall_ms * 2),
            peak_kib,
            success: true,
            stderr_tail: String::new(),
        };
        let median = median(&[sample(30, 5), sample(10, 9), sample(20, 7)]).unwrap();
        assert_eq!(median.wall, Duration::from_millis(20));
        assert_eq!(median.cpu, Duration::from_millis(40));
        assert_eq!(median.peak_kib, 7);
    }

    #[test]
    fn a_child_is_timed_and_its_memory_seen() {
        let log = std::env::temp_dir().join("mmreg-bench-measure-test.log");
        // `head -c` of 64 MiB through a pipe stays small; allocate instead
        // with `sort` of a generated input is slow: plain `sleep` suffices for
        // time, and any process has a non-zero peak.
        let sample = measure(Command::new("sleep").arg("0.2"), &log).unwrap();
        assert!(sample.success);
        assert!(
            sample.wall >= Duration::from_millis(200),
            "{:?}",
            sample.wall
        );
        assert!(sample.peak_kib > 0);
        let failed = measure(
            Command::new("sh").args(["-c", "echo 'error: nope' >&2; exit 3"]),
            &log,
        )
        .unwrap();
        assert!(!failed.success);
        assert_eq!(failed.stderr_tail, "error: nope");
    }

    #[test]
    fn failure_summary_names_the_innermost_cause_of_an_anyhow_report() {
        let text = "[ERROR svd2rust] Error parsing SVD XML file\n    \n    Caused by:\n        0: In device `x`\n        1: unknown access variant 'writeonce' found\n    \n    Stack backtrace:\n       0: main\n";
        assert_eq!(
            failure_summary(text),
            "[ERROR svd2rust] Error parsing SVD XML file: unknown access variant 'writeonce' found"
        );
    }

    #[test]
    fn failure_summary_prefers_error_lines_and_drops_colours() {
        let text = "\u{1b}[32mINFO\u{1b}[0m start\nerror: unknown access `x`\nbacktrace\n";
        assert_eq!(failure_summary(text), "error: unknown access `x`");
    }
}
