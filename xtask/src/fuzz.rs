//! `cargo xtask fuzz`: runs the cargo-fuzz targets in `fuzz/` (nightly) for a
//! given time each, from seeds it writes into a corpus directory under
//! `target/`, and reports how many inputs each target ran.
//!
//! Seeds: the descriptions in `svd/` and `codegen/tests/inputs/`, the vendor
//! files of `../shared/svd-corpus/` under [`MAX_LEN`], and fragments cut from
//! the larger ones (the device header and a run of whole peripherals, closed
//! properly); YAML targets also get the YAML export of every SVD seed that
//! loads. The vendor files are only read: seeds, the growing corpus
//! (`target/fuzz-corpus/<target>/`), crash inputs (`target/fuzz-artifacts/`)
//! and logs (`target/fuzz-logs/`) stay under `target/`. A crash stops its
//! target and fails the job; minimise it with `cargo fuzz tmin` and keep it
//! under `codegen/tests/fuzz-regressions/<target>/` (see `docs/fuzzing.md`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};

use crate::util;

/// Options.
#[derive(clap::Args)]
pub struct Args {
    /// Seconds each target runs.
    #[arg(long, default_value_t = 60)]
    time: u64,
    /// Run only this target (repeatable, or comma-separated); default: all.
    #[arg(long = "target", value_name = "NAME", value_delimiter = ',')]
    targets: Vec<String>,
    /// Fuzzing jobs per target (libFuzzer `-fork`); 1 runs in-process.
    #[arg(long, default_value_t = 1)]
    jobs: u32,
    /// Start from the seeds alone, in `target/fuzz-corpus-fresh/` (emptied
    /// first), leaving the corpus earlier runs grew alone: a run of bounded
    /// length, whatever those runs added.
    #[arg(long)]
    fresh: bool,
    /// The sanitizer the targets are built with (`cargo fuzz --sanitizer`).
    /// `none` by default: the generator has no `unsafe` code, so what the
    /// fuzzers look for (panics, overflow checks, hangs, memory past
    /// `-rss_limit_mb`) needs no sanitizer.
    #[arg(long, default_value = "none", value_parser = ["none", "address"])]
    sanitizer: String,
}

/// One fuzz target: its name (`fuzz/fuzz_targets/<name>.rs`) and the seeds it gets.
struct Target {
    name: &'static str,
    svd_seeds: bool,
    yaml_seeds: bool,
    /// The libFuzzer dictionary in `fuzz/`.
    dictionary: &'static str,
}

/// Every target, in the order they run.
const TARGETS: &[Target] = &[
    Target {
        name: "svd_reader",
        svd_seeds: true,
        yaml_seeds: false,
        dictionary: "svd.dict",
    },
    Target {
        name: "yaml_reader",
        svd_seeds: false,
        yaml_seeds: true,
        dictionary: "yaml.dict",
    },
    Target {
        name: "load_generate",
        svd_seeds: true,
        yaml_seeds: true,
        dictionary: "svd.dict",
    },
];

/// The largest input libFuzzer makes (`-max_len`), and the largest seed kept.
pub const MAX_LEN: usize = 64 * 1024;
/// libFuzzer's memory bound (`-rss_limit_mb`): past it, an input is a crash.
const RSS_LIMIT_MB: u32 = 2048;
/// libFuzzer's per-input time bound (`-timeout`, seconds): past it, a crash.
const TIMEOUT_SECONDS: u32 = 10;
/// How big a fragment cut from a large vendor file may grow: small inputs
/// run fast, and the mutations add the size back.
const FRAGMENT_BUDGET: usize = 8 * 1024;
/// How many fragments each large vendor file gives at most.
const FRAGMENTS_PER_FILE: usize = 8;
/// The toolchain cargo-fuzz needs (sanitizer flags are nightly-only).
const NIGHTLY: &str = "nightly";
/// The seconds per target of the `fuzz` step of `cargo xtask ci`.
pub const SMOKE_SECONDS: u64 = 20;

/// What one target's run reported.
struct Report {
    name: &'static str,
    executions: u64,
    seconds: f64,
    corpus: usize,
    outcome: anyhow::Result<()>,
}

/// Runs the job.
pub fn run(args: Args) -> anyhow::Result<()> {
    let selected: Vec<&Target> = if args.targets.is_empty() {
        TARGETS.iter().collect()
    } else {
        args.targets
            .iter()
            .map(|name| {
                TARGETS
                    .iter()
                    .find(|target| target.name == name)
                    .with_context(|| {
                        let known: Vec<&str> = TARGETS.iter().map(|target| target.name).collect();
                        format!(
                            "no fuzz target `{name}`; the targets are: {}",
                            known.join(", ")
                        )
                    })
            })
            .collect::<anyhow::Result<_>>()?
    };
    install_cargo_fuzz()?;
    let root = util::workspace_root();
    let seeds = Seeds::collect(&root)?;
    println!(
        "seeds: {} SVD, {} YAML (each at most {MAX_LEN} bytes)",
        seeds.svd.len(),
        seeds.yaml.len()
    );
    let mut build = fuzz_command();
    build.arg("build");
    build_options(&mut build, &root, &args.sanitizer);
    util::run(&mut build)?;

    let mut reports = Vec::new();
    for target in selected {
        let corpus = if args.fresh {
            let corpus = root.join("target/fuzz-corpus-fresh").join(target.name);
            if corpus.exists() {
                std::fs::remove_dir_all(&corpus)
                    .with_context(|| format!("cannot empty `{}`", corpus.display()))?;
            }
            corpus
        } else {
            root.join("target/fuzz-corpus").join(target.name)
        };
        seeds.write(target, &corpus)?;
        reports.push(run_target(&root, target, &corpus, &args));
    }

    println!("\n==> fuzz summary ({}s per target)", args.time);
    println!(
        "  {:<14} {:>12} {:>9} {:>8}  result",
        "target", "executions", "exec/s", "corpus"
    );
    for report in &reports {
        let rate = report.executions as f64 / report.seconds.max(f64::EPSILON);
        let result = match &report.outcome {
            Ok(()) => "ok".to_string(),
            Err(error) => format!("FAILED: {error:#}"),
        };
        println!(
            "  {:<14} {:>12} {:>9.0} {:>8}  {result}",
            report.name, report.executions, rate, report.corpus
        );
    }
    let failed: Vec<&str> = reports
        .iter()
        .filter(|report| report.outcome.is_err())
        .map(|report| report.name)
        .collect();
    if !failed.is_empty() {
        bail!(
            "fuzzing found a crash, timeout or memory blow-up in: {}",
            failed.join(", ")
        );
    }
    Ok(())
}

/// The `fuzz` step of `cargo xtask ci`: every target for [`SMOKE_SECONDS`],
/// from the seeds alone (loading a corpus grown by long runs would take longer).
pub fn smoke() -> anyhow::Result<()> {
    run(Args {
        time: SMOKE_SECONDS,
        targets: Vec::new(),
        jobs: 1,
        fresh: true,
        sanitizer: "none".to_string(),
    })
}

/// Installs cargo-fuzz into `~/.cargo/bin` unless `cargo fuzz` already runs.
pub fn install_cargo_fuzz() -> anyhow::Result<()> {
    let installed = util::cargo_with_toolchain(NIGHTLY)
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if installed {
        return Ok(());
    }
    util::run(util::cargo().args(["install", "cargo-fuzz", "--locked"]))
}

/// `cargo +nightly fuzz`, building into `target/fuzz` so everything the job
/// makes is under the workspace's `target/`.
fn fuzz_command() -> Command {
    let mut command = util::cargo_with_toolchain(NIGHTLY);
    command.args(["fuzz"]);
    command
}

/// The options every `cargo fuzz` subcommand takes here.
fn build_options(command: &mut Command, root: &Path, sanitizer: &str) {
    command.arg("--target-dir").arg(root.join("target/fuzz"));
    command.args(["--sanitizer", sanitizer]);
}

/// Fuzzes `target` for `seconds`, its log in `target/fuzz-logs/<name>.log`.
fn run_target(root: &Path, target: &Target, corpus: &Path, args: &Args) -> Report {
    let (seconds, jobs) = (args.time, args.jobs);
    println!("\n==> fuzz {} for {seconds}s", target.name);
    let logs = root.join("target/fuzz-logs");
    let artifacts = root.join("target/fuzz-artifacts").join(target.name);
    let log = logs.join(format!("{}.log", target.name));
    let start = Instant::now();
    let outcome = (|| {
        std::fs::create_dir_all(&logs)
            .and_then(|()| std::fs::create_dir_all(&artifacts))
            .context("cannot create the fuzz log and artifact directories")?;
        let log_file = std::fs::File::create(&log)
            .with_context(|| format!("cannot create `{}`", log.display()))?;
        let mut command = fuzz_command();
        command.args(["run", target.name]);
        build_options(&mut command, root, &args.sanitizer);
        command.arg(corpus).arg("--");
        command.args([
            format!("-max_len={MAX_LEN}"),
            format!("-rss_limit_mb={RSS_LIMIT_MB}"),
            format!("-timeout={TIMEOUT_SECONDS}"),
            format!("-max_total_time={seconds}"),
            "-print_final_stats=1".to_string(),
            format!(
                "-dict={}",
                root.join("fuzz").join(target.dictionary).display()
            ),
            // libFuzzer joins prefix and file name as text: keep the slash.
            format!("-artifact_prefix={}/", artifacts.display()),
        ]);
        if jobs > 1 {
            command.arg(format!("-fork={jobs}"));
        }
        command.stdout(log_file.try_clone()?).stderr(log_file);
        util::run(&mut command)
    })();
    let seconds = start.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let executions = executed_units(&text);
    let corpus_size = std::fs::read_dir(corpus).map_or(0, |entries| entries.count());
    let outcome = outcome.map_err(|error| {
        let tail: Vec<&str> = text.lines().rev().take(30).collect();
        for line in tail.iter().rev() {
            println!("  | {line}");
        }
        error.context(format!(
            "see `{}`; inputs that failed are in `{}`",
            log.display(),
            artifacts.display()
        ))
    });
    println!(
        "{}: {executions} executions in {seconds:.0}s ({:.0}/s), corpus {corpus_size}",
        target.name,
        executions as f64 / seconds.max(f64::EPSILON)
    );
    Report {
        name: target.name,
        executions,
        seconds,
        corpus: corpus_size,
        outcome,
    }
}

/// The executions libFuzzer reported: `stat::number_of_executed_units` from
/// `-print_final_stats`, else the count on its last status line (`#1234 ...`),
/// summed over the jobs when it forked.
fn executed_units(log: &str) -> u64 {
    let stats: u64 = log
        .lines()
        .filter_map(|line| line.strip_prefix("stat::number_of_executed_units:"))
        .filter_map(|count| count.trim().parse::<u64>().ok())
        .sum();
    if stats > 0 {
        return stats;
    }
    log.lines()
        .rev()
        .filter_map(|line| line.strip_prefix('#'))
        .find_map(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// The seed inputs, by name (file names in the corpus directory).
struct Seeds {
    svd: Vec<(String, String)>,
    yaml: Vec<(String, String)>,
}

impl Seeds {
    /// Reads every seed source (see the module docs).
    fn collect(root: &Path) -> anyhow::Result<Seeds> {
        let mut seeds = Seeds {
            svd: Vec::new(),
            yaml: Vec::new(),
        };
        for directory in [root.join("svd"), root.join("codegen/tests/inputs")] {
            for path in files_in(&directory)? {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read `{}`", path.display()))?;
                let name = format!("seed-{}", file_name(&path));
                match extension(&path).as_str() {
                    "svd" | "xml" => seeds.svd.push((name, text)),
                    "yaml" | "yml" => seeds.yaml.push((name, text)),
                    _ => {}
                }
            }
        }
        let vendor = root.join("../shared/svd-corpus");
        if vendor.is_dir() {
            for path in files_in(&vendor)? {
                if extension(&path) != "svd" {
                    continue;
                }
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read `{}`", path.display()))?;
                let stem = file_name(&path);
                if text.len() <= MAX_LEN {
                    seeds.svd.push((format!("seed-{stem}"), text));
                } else {
                    for (index, fragment) in fragments(&text).into_iter().enumerate() {
                        seeds
                            .svd
                            .push((format!("seed-{stem}-part{index}.svd"), fragment));
                    }
                }
            }
        } else {
            println!(
                "no vendor corpus at `{}`: seeding without it",
                vendor.display()
            );
        }
        // The same devices in YAML: the export of every SVD seed that loads.
        for (name, text) in &seeds.svd {
            let Ok((device, _)) = mmreg_codegen::svd::parse(text, name) else {
                continue;
            };
            if let Ok(exported) = mmreg_codegen::yaml::export(&device)
                && exported.len() <= MAX_LEN
            {
                seeds.yaml.push((format!("{name}.yaml"), exported));
            }
        }
        Ok(seeds)
    }

    /// Writes the seeds `target` gets into `corpus` (created if missing; the
    /// inputs libFuzzer added there on earlier runs stay).
    fn write(&self, target: &Target, corpus: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(corpus)
            .with_context(|| format!("cannot create `{}`", corpus.display()))?;
        let svd = self.svd.iter().filter(|_| target.svd_seeds);
        let yaml = self.yaml.iter().filter(|_| target.yaml_seeds);
        for (name, text) in svd.chain(yaml) {
            let path = corpus.join(name);
            std::fs::write(&path, text)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
        }
        Ok(())
    }
}

/// Small SVD files cut from a large one: its text up to the first
/// `<peripheral>`, then consecutive whole peripherals (up to
/// [`FRAGMENT_BUDGET`] bytes), then `</peripherals></device>`. Runs start
/// spread over the file, so later peripherals are seeds too; a run that
/// starts past the first peripheral can name a missing `derivedFrom` base,
/// which is an input like any other.
fn fragments(text: &str) -> Vec<String> {
    let Some(first) = text
        .find("<peripheral>")
        .or_else(|| text.find("<peripheral "))
    else {
        return Vec::new();
    };
    let header = &text[..first];
    // Every peripheral's [start, end) in the text.
    let mut peripherals = Vec::new();
    let mut cursor = first;
    while let Some(end) = text[cursor..].find("</peripheral>") {
        let end = cursor + end + "</peripheral>".len();
        peripherals.push((cursor, end));
        let next = text[end..]
            .find("<peripheral>")
            .or_else(|| text[end..].find("<peripheral "));
        match next {
            Some(next) => cursor = end + next,
            None => break,
        }
    }
    let step = peripherals.len().div_ceil(FRAGMENTS_PER_FILE).max(1);
    let mut fragments = Vec::new();
    for start in (0..peripherals.len()).step_by(step) {
        let mut fragment = header.to_string();
        for &(begin, end) in &peripherals[start..] {
            let piece = &text[begin..end];
            if fragment.len() + piece.len() > FRAGMENT_BUDGET && fragment.len() > header.len() {
                break;
            }
            fragment.push_str(piece);
            fragment.push('\n');
        }
        fragment.push_str("</peripherals>\n</device>\n");
        if fragment.len() <= MAX_LEN {
            fragments.push(fragment);
        }
    }
    fragments
}

/// The files directly in `directory`, sorted.
fn files_in(directory: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(directory)
        .with_context(|| format!("cannot read `{}`", directory.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// The lower-case extension of `path`, or "".
fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|extension| extension.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The file name of `path` as text.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{executed_units, fragments};

    #[test]
    fn executions_come_from_final_stats_or_the_last_status_line() {
        let stats =
            "#100\tpulse\nstat::number_of_executed_units: 1234\nstat::average_exec_per_sec: 41\n";
        assert_eq!(executed_units(stats), 1234);
        let status = "#2\tINITED cov: 1\n#4096\tpulse  cov: 9 exec/s: 2048\nDone 5000 runs\n";
        assert_eq!(executed_units(status), 4096);
        assert_eq!(executed_units(""), 0);
    }

    #[test]
    fn fragments_keep_the_header_and_close_the_device() {
        let text = "<device><name>D</name><peripherals>\n\
            <peripheral><name>A</name></peripheral>\n\
            <peripheral derivedFrom=\"A\"><name>B</name></peripheral>\n\
            </peripherals></device>";
        let cut = fragments(text);
        assert!(!cut.is_empty());
        for fragment in &cut {
            assert!(fragment.starts_with("<device><name>D</name><peripherals>\n<peripheral"));
            assert!(fragment.ends_with("</peripherals>\n</device>\n"));
            assert_eq!(
                fragment.matches("<peripheral").count() - fragment.matches("<peripherals>").count(),
                fragment.matches("</peripheral>").count(),
                "{fragment}"
            );
        }
    }
}
