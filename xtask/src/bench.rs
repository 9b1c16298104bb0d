//! `cargo xtask bench`: generation, compile time and access cost against the
//! peer generators, printed as markdown tables and, last, one summary line per
//! figure.
//!
//! ```text
//! cargo xtask bench                  every figure, every corpus file (long)
//! cargo xtask bench --quick          a subset, under 3 minutes once tools are cached
//! cargo xtask bench --figures 1,3    only these figures
//! cargo xtask bench --asm-check      only the instruction-level check
//! ```
//!
//! Figures: 1 generation time and memory (mmreg, svd2rust 0.37.1, svd2pac
//! 0.8.0); 2 `cargo check` / `build --release` / `doc` of the generated
//! crates; 3 access overhead (divan) and the instruction check; 4 the cost of
//! generating in `build.rs`; 5 generated lines with sharing and array
//! inference off and on; 6 `mmreg read` of one register of the largest file,
//! cold and warm, against its 100 ms target. The peers are installed with `cargo install
//! --locked` under `target/bench-tools/`; work files go to `target/bench/`.

mod access;
mod build_script;
mod cli;
mod compile;
mod crates;
mod generation;
mod measure;
mod peers;
mod sharing;

use std::path::PathBuf;

use anyhow::Context;

use crate::util;

/// Options.
#[derive(clap::Args)]
pub struct Args {
    /// A subset that runs in under 3 minutes once the peers are installed:
    /// three corpus files, one `cargo check` of RP2040 per tool, a shorter
    /// microbenchmark, no `build.rs` figure.
    #[arg(long)]
    quick: bool,
    /// Only run the instruction-level check (what CI runs).
    #[arg(long, conflicts_with_all = ["quick", "figures"])]
    asm_check: bool,
    /// Only these figures (1 generation, 2 generated code, 3 access, 4
    /// build.rs, 5 sharing, 6 `mmreg read` cold and warm).
    #[arg(long, value_delimiter = ',', value_name = "N,M")]
    figures: Vec<u8>,
    /// Runs of each generation and `build.rs` measurement (the median is
    /// reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Runs of each `cargo check` / `cargo build --release` of figure 2.
    #[arg(long, default_value_t = 3)]
    compile_runs: usize,
    /// Only these corpus files (stems, e.g. `RP2040`) in figures 1 and 2.
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    files: Vec<String>,
    /// Figure 2 measures `cargo check` only (no release build, no doc).
    #[arg(long)]
    check_only: bool,
    /// Also write the report to this file.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Markdown sections, then one summary line per figure.
#[derive(Default)]
pub struct Report {
    sections: Vec<(String, String)>,
    summaries: Vec<String>,
}

impl Report {
    fn section(&mut self, title: &str, body: String) {
        self.sections.push((title.to_string(), body));
    }

    fn summary(&mut self, line: String) {
        self.summaries.push(line);
    }

    fn render(&self) -> String {
        let mut text = String::new();
        for (title, body) in &self.sections {
            text.push_str(&format!("### {title}\n\n{body}\n"));
        }
        text.push_str("### Summary\n\n");
        for line in &self.summaries {
            text.push_str(&format!("- {line}\n"));
        }
        text
    }
}

/// The files figure 2 compiles.
const COMPILE_FILES: [&str; 4] = ["RP2040", "STM32F407", "nrf54l15-app", "MIMXRT1062"];

/// `target/bench/`, where work files go.
fn work_dir() -> PathBuf {
    util::workspace_root().join("target/bench")
}

/// The SVD files of the shared corpus, sorted.
fn corpus() -> anyhow::Result<Vec<PathBuf>> {
    let directory = util::workspace_root().join("../shared/svd-corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&directory)
        .with_context(|| format!("cannot read the corpus at `{}`", directory.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "svd"))
        .collect();
    files.sort();
    Ok(files)
}

/// Runs the job.
pub fn run(args: Args) -> anyhow::Result<()> {
    if args.asm_check {
        return access::instruction_check();
    }
    anyhow::ensure!(
        args.runs >= 1 && args.compile_runs >= 1,
        "--runs and --compile-runs must be at least 1"
    );
    let mut figures = if args.figures.is_empty() {
        if args.quick {
            vec![1, 2, 3]
        } else {
            vec![1, 2, 3, 4, 5, 6]
        }
    } else {
        args.figures.clone()
    };
    // In order: figure 5 generates in this process, and Linux carries a
    // process's peak memory into every child it later starts (`ru_maxrss`
    // survives `exec`), which would spoil figure 2's peak column.
    figures.sort_unstable();
    figures.dedup();
    let mut corpus = corpus()?;
    if !args.files.is_empty() {
        corpus.retain(|path| args.files.contains(&peers::file_stem(path)));
        anyhow::ensure!(!corpus.is_empty(), "no corpus file matches --files");
    }
    let pick = |names: &[&str]| -> Vec<PathBuf> {
        corpus
            .iter()
            .filter(|path| names.contains(&peers::file_stem(path).as_str()))
            .cloned()
            .collect()
    };
    let started = std::time::Instant::now();
    let mut report = Report::default();
    let binaries = if figures.iter().any(|f| *f == 1 || *f == 2) {
        Some(peers::prepare()?)
    } else {
        None
    };
    for figure in &figures {
        match (figure, &binaries) {
            (1, Some(binaries)) => {
                let files = if args.quick {
                    pick(&["ARM_Sample", "e310x", "RP2040"])
                } else {
                    corpus.clone()
                };
                // Peer output is compile-checked here for the files figure 2
                // does not build (it reports its own).
                let skip_check: &[&str] = if figures.contains(&2) {
                    &COMPILE_FILES
                } else {
                    &[]
                };
                let check = if args.quick { None } else { Some(skip_check) };
                generation::run(binaries, &files, args.runs, check, &mut report)?;
            }
            (2, Some(binaries)) => {
                let files = if args.quick {
                    pick(&["RP2040"])
                } else {
                    pick(&COMPILE_FILES)
                };
                // One run in quick mode keeps it under 3 minutes.
                let runs = if args.quick { 1 } else { args.compile_runs };
                compile::run(
                    binaries,
                    &files,
                    runs,
                    args.quick || args.check_only,
                    &mut report,
                )?;
            }
            (3, _) => access::run(args.quick, &mut report)?,
            (4, _) => build_script::run(args.runs, &mut report)?,
            (5, _) => sharing::run(&corpus, &mut report)?,
            (6, _) => cli::run(args.runs, &mut report)?,
            _ => anyhow::bail!("no figure {figure} (figures are 1 to 6)"),
        }
        // Written after each figure, so a long run that stops keeps what it has.
        if let Some(output) = &args.output {
            std::fs::write(output, report.render())
                .with_context(|| format!("cannot write `{}`", output.display()))?;
        }
    }
    let text = report.render();
    println!("{text}");
    eprintln!("bench took {}", util::format_duration(started.elapsed()));
    if let Some(output) = &args.output {
        std::fs::write(output, &text)
            .with_context(|| format!("cannot write `{}`", output.display()))?;
    }
    Ok(())
}
