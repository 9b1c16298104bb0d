//! Figure 4: what generating in `build.rs` adds to a clean build of the
//! `build-rs` example.
//!
//! Two copies of the example are built from scratch: as shipped (its build
//! script generates the module, with `mmreg-codegen` as a build dependency
//! compiled with optimisation, as the README recommends), and with the module
//! generated beforehand and included directly (no build script, no build
//! dependency). The difference of the medians is the cost of generating.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::Report;
use super::measure::{self, seconds};
use crate::util;

/// Measures both copies `runs` times, alternating.
pub fn run(runs: usize, report: &mut Report) -> anyhow::Result<()> {
    let example = util::workspace_root().join("examples/build-rs");
    let work = super::work_dir().join("build-rs");
    if work.exists() {
        std::fs::remove_dir_all(&work)?;
    }
    let with = copy_example(&example, &work.join("with-build-script"))?;
    // One build of the shipped copy yields the generated module for the other.
    let generated = build(&with, &work.join("probe-target"))?;
    if !generated.1.success {
        anyhow::bail!(
            "the build-rs example does not build: {}",
            generated.1.stderr_tail
        );
    }
    let module = find_generated(&work.join("probe-target"))?;
    let without = copy_example(&example, &work.join("pregenerated"))?;
    std::fs::remove_file(without.join("build.rs"))?;
    std::fs::copy(&module, without.join("src/soc.rs"))?;
    let manifest = without.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)?;
    let text = text
        .split("[build-dependencies]")
        .next()
        .unwrap_or(&text)
        .to_string()
        + "\n[workspace]\n";
    std::fs::write(&manifest, text)?;
    let library = without.join("src/lib.rs");
    let source = std::fs::read_to_string(&library)?;
    std::fs::write(
        &library,
        source.replace(
            r#"include!(concat!(env!("OUT_DIR"), "/soc.rs"));"#,
            r#"include!("soc.rs");"#,
        ),
    )?;
    let mut with_samples = Vec::new();
    let mut without_samples = Vec::new();
    for run in 0..runs {
        let order: [(&Path, bool); 2] = if run % 2 == 0 {
            [(&with, true), (&without, false)]
        } else {
            [(&without, false), (&with, true)]
        };
        for (directory, is_with) in order {
            let target = work.join("target");
            if target.exists() {
                std::fs::remove_dir_all(&target)?;
            }
            let (_, sample) = build(directory, &target)?;
            anyhow::ensure!(
                sample.success,
                "building {} failed: {}",
                directory.display(),
                sample.stderr_tail
            );
            if is_with {
                with_samples.push(sample);
            } else {
                without_samples.push(sample);
            }
        }
    }
    let with_median = measure::median(&with_samples).expect("runs >= 1");
    let without_median = measure::median(&without_samples).expect("runs >= 1");
    let added = with_median.wall.saturating_sub(without_median.wall);
    report.section(
        "4. `build.rs` cost",
        format!(
            "| clean `cargo build` of the `build-rs` example | wall | CPU |\n|---|---:|---:|\n\
             | generating in `build.rs` (codegen at opt-level 3) | {} | {} |\n\
             | module generated beforehand | {} | {} |\n\
             | added by generation | {} | {} |\n\n\
             Median of {runs} alternating clean builds (fresh target directory each, dependencies included).\n",
            seconds(with_median.wall),
            seconds(with_median.cpu),
            seconds(without_median.wall),
            seconds(without_median.cpu),
            seconds(added),
            seconds(with_median.cpu.saturating_sub(without_median.cpu)),
        ),
    );
    report.summary(format!(
        "build.rs: generation adds {} wall ({} CPU) to a clean build of the build-rs example",
        seconds(added),
        seconds(with_median.cpu.saturating_sub(without_median.cpu))
    ));
    Ok(())
}

/// Copies the example to `destination` as a standalone crate: workspace keys
/// made concrete, paths absolute, its own `[workspace]`.
fn copy_example(example: &Path, destination: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(destination.join("src"))?;
    for entry in std::fs::read_dir(example.join("src"))? {
        let entry = entry?;
        std::fs::copy(
            entry.path(),
            destination.join("src").join(entry.file_name()),
        )?;
    }
    for entry in std::fs::read_dir(example)? {
        let entry = entry?;
        if entry.path().is_file() {
            std::fs::copy(entry.path(), destination.join(entry.file_name()))?;
        }
    }
    let root = util::workspace_root();
    let manifest = destination.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).context("the example has a Cargo.toml")?;
    let text = text
        // `rust-version` first: it ends with `version.workspace`.
        .replace("rust-version.workspace = true", "")
        .replace("version.workspace = true", "version = \"0.1.0\"")
        .replace("edition.workspace = true", "edition = \"2024\"")
        .replace("license.workspace = true", "")
        .replace("anyhow.workspace = true", "anyhow = \"1\"")
        .replace("\"../../", &format!("\"{}/", root.display()))
        + "\n[workspace]\n\n[profile.dev.build-override]\nopt-level = 3\n";
    std::fs::write(&manifest, text)?;
    Ok(destination.to_path_buf())
}

fn build(directory: &Path, target: &Path) -> anyhow::Result<((), measure::Sample)> {
    let mut command = util::cargo();
    command
        .arg("build")
        .arg("--manifest-path")
        .arg(directory.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target);
    let log = target.with_extension("log");
    Ok(((), measure::measure(&mut command, &log)?))
}

/// The `soc.rs` the build script wrote under `target`.
fn find_generated(target: &Path) -> anyhow::Result<PathBuf> {
    let build = target.join("debug/build");
    for entry in
        std::fs::read_dir(&build).with_context(|| format!("cannot read `{}`", build.display()))?
    {
        let candidate = entry?.path().join("out/soc.rs");
        if candidate.exists() {
            return Ok(candidate);
        }
    }
    anyhow::bail!(
        "the build script wrote no `soc.rs` under `{}`",
        build.display()
    )
}
