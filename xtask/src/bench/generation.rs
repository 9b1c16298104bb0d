//! Figure 1: generation time and peak memory per corpus file, per tool.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::Report;
use super::crates;
use super::measure::{self, Median, Sample, mebibytes, seconds};
use super::peers::{self, Binaries, TOOLS, Tool};

/// What one tool did with one file.
#[derive(Debug, Clone)]
enum Outcome {
    Generated(Median),
    Refused(String),
}

/// Times every tool on every file in `files`, `runs` times, alternating the
/// order, and adds the table and summary to `report`. With `compile_check`,
/// also runs `cargo check` once on each peer's output, except for the files
/// it names.
pub fn run(
    binaries: &Binaries,
    files: &[PathBuf],
    runs: usize,
    compile_check: Option<&[&str]>,
    report: &mut Report,
) -> anyhow::Result<()> {
    let work = super::work_dir().join("generation");
    std::fs::create_dir_all(&work)?;
    let mut table = String::from(
        "| file | SVD size | mmreg | svd2rust | svd2pac | svd2rust / mmreg | svd2rust + rustfmt |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut ratios = Vec::new();
    let mut notes = Vec::new();
    for file in files {
        let stem = peers::file_stem(file);
        eprintln!("generation: {stem}");
        let mut samples: [Vec<Sample>; 3] = Default::default();
        let mut refused: [Option<String>; 3] = Default::default();
        for run in 0..runs {
            for position in 0..TOOLS.len() {
                let index = (position + run) % TOOLS.len();
                if refused[index].is_some() {
                    continue;
                }
                let sample = generate_once(
                    binaries,
                    TOOLS[index],
                    file,
                    &work.join(TOOLS[index].name()),
                )?;
                if sample.success {
                    samples[index].push(sample);
                } else {
                    refused[index] = Some(sample.stderr_tail);
                }
            }
        }
        let outcomes: Vec<Outcome> = (0..TOOLS.len())
            .map(|index| match &refused[index] {
                Some(reason) => Outcome::Refused(reason.clone()),
                None => Outcome::Generated(measure::median(&samples[index]).expect("runs >= 1")),
            })
            .collect();
        let rustfmt = match &outcomes[1] {
            Outcome::Generated(_) => rustfmt_time(&work.join("svd2rust").join(&stem))?,
            Outcome::Refused(_) => None,
        };
        let mut compile_notes = [None, None, None];
        if compile_check.is_some_and(|skip| !skip.contains(&stem.as_str())) {
            for (index, tool) in TOOLS.iter().enumerate().skip(1) {
                if matches!(outcomes[index], Outcome::Generated(_)) {
                    compile_notes[index] = compiles(binaries, *tool, file, &stem)?;
                }
            }
        }
        let mut cell = |index: usize| match &outcomes[index] {
            Outcome::Generated(median) => {
                let mut text = format!("{} / {}", seconds(median.wall), mebibytes(median.peak_kib));
                if let Some(reason) = &compile_notes[index] {
                    text.push_str(" (output does not compile)");
                    notes.push(format!(
                        "- {stem}, {}: output does not compile: `{reason}`",
                        TOOLS[index].name()
                    ));
                }
                text
            }
            Outcome::Refused(reason) => {
                notes.push(format!(
                    "- {stem}, {}: refused: `{reason}`",
                    TOOLS[index].name()
                ));
                "refused".to_string()
            }
        };
        let ratio = match (&outcomes[0], &outcomes[1]) {
            (Outcome::Generated(ours), Outcome::Generated(peer)) => {
                let ratio = peer.wall.as_secs_f64() / ours.wall.as_secs_f64();
                ratios.push((ratio, stem.clone()));
                format!("{ratio:.2}")
            }
            _ => "n/a".to_string(),
        };
        let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        let _ = writeln!(
            table,
            "| {stem} | {} KiB | {} | {} | {} | {ratio} | {} |",
            size / 1024,
            cell(0),
            cell(1),
            cell(2),
            rustfmt.map_or("n/a".to_string(), |wall| {
                let svd2rust = match &outcomes[1] {
                    Outcome::Generated(median) => median.wall,
                    Outcome::Refused(_) => Default::default(),
                };
                seconds(svd2rust + wall)
            }),
        );
    }
    table.push_str(&format!(
        "\nWall time / peak resident memory, median of {runs} alternating runs. \
         mmreg's output is formatted (prettyplease); svd2rust's is not; svd2pac runs rustfmt itself. \
         The last column adds one rustfmt run on svd2rust's output.\n"
    ));
    if !notes.is_empty() {
        table.push('\n');
        table.push_str(&notes.join("\n"));
        table.push('\n');
    }
    report.section("1. Generation", table);
    ratios.sort_by(|a, b| a.0.total_cmp(&b.0));
    if let (Some(worst), Some(median)) = (ratios.first(), ratios.get((ratios.len().max(1) - 1) / 2))
    {
        report.summary(format!(
            "generation: median svd2rust / mmreg wall-time ratio {:.2} over {} files; worst file {} ({:.2})",
            median.0,
            ratios.len(),
            worst.1,
            worst.0
        ));
    }
    Ok(())
}

/// One timed run of `tool` on `file` into a fresh directory under `work`.
fn generate_once(
    binaries: &Binaries,
    tool: Tool,
    file: &Path,
    work: &Path,
) -> anyhow::Result<Sample> {
    let stem = peers::file_stem(file);
    let output = work.join(&stem);
    if output.exists() {
        std::fs::remove_dir_all(&output)?;
    }
    let binary = binaries.of(tool);
    let log = work.join(format!("{stem}.log"));
    std::fs::create_dir_all(work)?;
    let mut command = Command::new(binary);
    match tool {
        Tool::Ours => {
            std::fs::create_dir_all(&output)?;
            command.arg(file).arg(output.join("lib.rs"));
        }
        Tool::Svd2rust => {
            std::fs::create_dir_all(&output)?;
            command
                .args(["--target", "none", "-i"])
                .arg(file)
                .arg("-o")
                .arg(&output);
        }
        Tool::Svd2pac => {
            command.arg(file).arg(&output);
        }
    }
    measure::measure(&mut command, &log)
}

/// One rustfmt run on a copy of svd2rust's output.
fn rustfmt_time(output: &Path) -> anyhow::Result<Option<std::time::Duration>> {
    let copy = output.join("formatted.rs");
    std::fs::copy(output.join("lib.rs"), &copy)?;
    let sample = measure::measure(
        Command::new("rustfmt")
            .args(["--edition", "2021"])
            .arg(&copy),
        &output.join("rustfmt.log"),
    )?;
    Ok(sample.success.then_some(sample.wall))
}

/// `None` when the tool's output for the shipped file passes `cargo check`,
/// else the first error.
fn compiles(
    binaries: &Binaries,
    tool: Tool,
    file: &Path,
    stem: &str,
) -> anyhow::Result<Option<String>> {
    let krate = match crates::generate(binaries, tool, file, &format!("{stem}-as-shipped"))? {
        Ok(krate) => krate,
        Err(reason) => return Ok(Some(reason)),
    };
    let sample = crates::measure_cargo(&krate, &["check", "-q"])?;
    Ok((!sample.success).then_some(sample.stderr_tail))
}
