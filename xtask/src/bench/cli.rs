//! Figure 6: how long `mmreg read` of one register takes on the largest
//! corpus file (MIMXRT1062, 10.8 MB of SVD), cold (no cache entry: parse,
//! then write the model cache) and warm (the cache entry exists), against
//! the 100 ms target for a warm read (pass/fail). The binary is built with
//! `--release`, reads fake memory (no root), and caches under
//! `target/bench/mmreg-cache/`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::Report;
use crate::util;

/// The register read: a plain read-write register of the largest file.
const FILE: &str = "MIMXRT1062.svd";
const REGISTER: &str = "GPIO1.DR";
/// The target for a warm read.
const TARGET: Duration = Duration::from_millis(100);

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Runs `mmreg read` once, returning its wall time.
fn read_once(
    mmreg: &Path,
    description: &Path,
    cache: &Path,
    extra: &[&str],
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let output = Command::new(mmreg)
        .args(["read", "--fake", REGISTER, "-d"])
        .arg(description)
        .args(extra)
        .env("XDG_CACHE_HOME", cache)
        .output()
        .with_context(|| format!("cannot run `{}`", mmreg.display()))?;
    let elapsed = started.elapsed();
    if !output.status.success() {
        bail!(
            "`mmreg read {REGISTER}` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(elapsed)
}

/// Measures and adds the figure; fails the bench when a warm read misses
/// the target.
pub fn run(runs: usize, report: &mut Report) -> anyhow::Result<()> {
    let root = util::workspace_root();
    util::run(util::cargo().args(["build", "--release", "-p", "mmreg-cli", "--bin", "mmreg"]))?;
    let mmreg = root.join("target/release/mmreg");
    let description = root.join("../shared/svd-corpus").join(FILE);
    let cache = root.join("target/bench/mmreg-cache");
    let runs = runs.max(5);
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    let mut uncached = Vec::new();
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(&cache);
        cold.push(read_once(&mmreg, &description, &cache, &[])?);
        warm.push(read_once(&mmreg, &description, &cache, &[])?);
        uncached.push(read_once(&mmreg, &description, &cache, &["--no-cache"])?);
    }
    // More warm samples: the figure that has a target.
    for _ in 0..runs {
        warm.push(read_once(&mmreg, &description, &cache, &[])?);
    }
    let (cold, warm_median, uncached) =
        (median(&mut cold), median(&mut warm), median(&mut uncached));
    let worst = *warm.iter().max().unwrap_or(&warm_median);
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    let verdict = if warm_median <= TARGET {
        "pass"
    } else {
        "FAIL"
    };
    let mut table = String::from(
        "| `mmreg read --fake GPIO1.DR -d MIMXRT1062.svd` | wall time (median) |\n|---|---:|\n",
    );
    let _ = writeln!(
        table,
        "| cold: no cache entry (parse, write the cache) | {} |",
        ms(cold)
    );
    let _ = writeln!(table, "| `--no-cache` (parse only) | {} |", ms(uncached));
    let _ = writeln!(
        table,
        "| warm: cache entry present | {} (slowest of {}: {}) |",
        ms(warm_median),
        warm.len(),
        ms(worst)
    );
    let _ = write!(
        table,
        "\nRelease build; {runs} cold runs, each with the cache directory removed first. \
         Target: a warm read in at most {} — {verdict}.\n",
        ms(TARGET)
    );
    report.section("6. `mmreg read` on the largest description", table);
    report.summary(format!(
        "mmreg read (MIMXRT1062, 10.8 MB): cold {}, warm {} (target {}: {verdict})",
        ms(cold),
        ms(warm_median),
        ms(TARGET)
    ));
    if warm_median > TARGET {
        bail!(
            "a warm `mmreg read` took {} (target {})",
            ms(warm_median),
            ms(TARGET)
        );
    }
    Ok(())
}
