//! Figure 2: compiling the generated crates.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::Report;
use super::crates::{self, GeneratedCrate};
use super::measure::{self, Median, mebibytes, seconds};
use super::peers::{self, Binaries, TOOLS, Tool};

/// Measurements of one crate.
struct Measured {
    check: Option<Median>,
    build: Option<Median>,
    lines: u64,
    doc: Option<(std::time::Duration, u64)>,
}

/// Measures `cargo check` (and, unless `check_only`, `cargo build
/// --release` and `cargo doc --no-deps`) of each tool's crate for `files`.
pub fn run(
    binaries: &Binaries,
    files: &[PathBuf],
    runs: usize,
    check_only: bool,
    report: &mut Report,
) -> anyhow::Result<()> {
    let work = super::work_dir().join("inputs");
    let mut table = String::from(
        "| file | tool | lines | `cargo check` wall / CPU / peak | `cargo build --release` wall / CPU / peak | `cargo doc --no-deps` time / size |\n\
         |---|---|---:|---|---|---|\n",
    );
    let mut notes = Vec::new();
    let mut summary = Vec::new();
    for file in files {
        let stem = peers::file_stem(file);
        let mut checks: [Option<Median>; 3] = [None, None, None];
        for (index, tool) in TOOLS.iter().enumerate() {
            eprintln!("compile: {stem} with {}", tool.name());
            let input = match tool {
                Tool::Ours => file.clone(),
                _ => {
                    let (input, fixes) = peers::peer_input(file, &work)?;
                    if *tool == Tool::Svd2rust && !fixes.is_empty() {
                        notes.push(format!(
                            "- {stem}: peers read a fixed copy: {}",
                            fixes.join("; ")
                        ));
                    }
                    input
                }
            };
            let krate = match crates::generate(binaries, *tool, &input, &stem)? {
                Ok(krate) => krate,
                Err(reason) => {
                    notes.push(format!("- {stem}, {}: refused: `{reason}`", tool.name()));
                    let _ = writeln!(table, "| {stem} | {} | refused | | | |", tool.name());
                    continue;
                }
            };
            if let Some(rustfmt) = krate.rustfmt {
                notes.push(format!(
                    "- {stem}: rustfmt on svd2rust's output took {}",
                    seconds(rustfmt)
                ));
            }
            match measure_crate(&krate, runs, check_only)? {
                Ok(measured) => {
                    checks[index] = measured.check;
                    let cell = |median: Option<Median>| {
                        median.map_or("n/a".to_string(), |m| {
                            format!(
                                "{} / {} / {}",
                                seconds(m.wall),
                                seconds(m.cpu),
                                mebibytes(m.peak_kib)
                            )
                        })
                    };
                    let doc = measured.doc.map_or("n/a".to_string(), |(time, bytes)| {
                        format!("{} / {:.1} MiB", seconds(time), bytes as f64 / 1048576.0)
                    });
                    let _ = writeln!(
                        table,
                        "| {stem} | {} | {} | {} | {} | {doc} |",
                        tool.name(),
                        measured.lines,
                        cell(measured.check),
                        cell(measured.build),
                    );
                }
                Err(reason) => {
                    notes.push(format!(
                        "- {stem}, {}: does not compile: `{reason}`",
                        tool.name()
                    ));
                    let _ = writeln!(
                        table,
                        "| {stem} | {} | {} | does not compile | | |",
                        tool.name(),
                        crates::lines_of_code(&krate)
                    );
                }
            }
        }
        if let (Some(ours), Some(peer)) = (checks[0], checks[1]) {
            summary.push(format!(
                "{stem} {:.1}x wall, {:.1}x CPU",
                peer.wall.as_secs_f64() / ours.wall.as_secs_f64(),
                peer.cpu.as_secs_f64() / ours.cpu.as_secs_f64()
            ));
        } else {
            summary.push(format!("{stem} n/a"));
        }
    }
    let _ = write!(
        table,
        "\nMedian of {runs} runs of each command on the generated crate alone (dependencies built \
         beforehand, then `cargo clean -p` of the crate before each run). CPU is user + system time \
         of cargo and every rustc; peak is the largest process. svd2rust's output is formatted with \
         rustfmt first (lines counted after it); svd2pac's crate is built with `--features all`.\n"
    );
    if !notes.is_empty() {
        table.push('\n');
        table.push_str(&notes.join("\n"));
        table.push('\n');
    }
    report.section("2. Generated code", table);
    report.summary(format!(
        "cargo check, svd2rust / mmreg: {}",
        summary.join("; ")
    ));
    Ok(())
}

/// Builds dependencies, then times the crate alone. `Ok(Err(reason))` when it
/// does not compile.
fn measure_crate(
    krate: &GeneratedCrate,
    runs: usize,
    check_only: bool,
) -> anyhow::Result<Result<Measured, String>> {
    let warm = crates::measure_cargo(krate, &["check"])?;
    if !warm.success {
        return Ok(Err(warm.stderr_tail));
    }
    let mut samples = Vec::new();
    for _ in 0..runs {
        crates::clean(krate, false)?;
        samples.push(crates::measure_cargo(krate, &["check"])?);
    }
    let check = measure::median(&samples);
    let mut build = None;
    let mut doc = None;
    if !check_only {
        let warm = crates::measure_cargo(krate, &["build", "--release"])?;
        if warm.success {
            let mut samples = Vec::new();
            for _ in 0..runs {
                crates::clean(krate, true)?;
                samples.push(crates::measure_cargo(krate, &["build", "--release"])?);
            }
            build = measure::median(&samples);
        }
        let doc_directory = crates::target_dir()
            .join("doc")
            .join(krate.name.replace('-', "_"));
        if doc_directory.exists() {
            std::fs::remove_dir_all(&doc_directory)?;
        }
        let sample = crates::measure_cargo(krate, &["doc", "--no-deps"])?;
        if sample.success {
            doc = Some((sample.wall, crates::directory_size(&doc_directory)));
        }
    }
    Ok(Ok(Measured {
        check,
        build,
        lines: crates::lines_of_code(krate),
        doc,
    }))
}
