//! Generated crates for the compile comparison: one per tool and input, each
//! its own workspace, all sharing one target directory so dependencies build
//! once.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::Context;

use super::measure::{self, Sample};
use super::peers::{Binaries, Tool};
use crate::util;

/// A generated crate ready for `cargo`.
#[derive(Debug, Clone)]
pub struct GeneratedCrate {
    /// Package name.
    pub name: String,
    /// Directory holding `Cargo.toml`.
    pub directory: PathBuf,
    /// Features to enable (svd2pac gates every peripheral).
    pub features: Option<&'static str>,
    /// For svd2rust: the time rustfmt took on its output.
    pub rustfmt: Option<Duration>,
}

/// Where the crates live.
pub fn crates_root() -> PathBuf {
    util::workspace_root().join("target/bench/crates")
}

/// The shared target directory.
pub fn target_dir() -> PathBuf {
    util::workspace_root().join("target/bench/crates-target")
}

/// Generates the crate of `tool` for `input` (untimed). `Ok(Err(reason))`
/// when the tool refuses the input.
pub fn generate(
    binaries: &Binaries,
    tool: Tool,
    input: &Path,
    stem: &str,
) -> anyhow::Result<Result<GeneratedCrate, String>> {
    let name = format!("{}-{}", tool.name(), stem.to_ascii_lowercase());
    let directory = crates_root().join(&name);
    if directory.exists() {
        std::fs::remove_dir_all(&directory)
            .with_context(|| format!("cannot remove `{}`", directory.display()))?;
    }
    let source = directory.join("src");
    std::fs::create_dir_all(&source)?;
    let log = directory.with_extension("log");
    let binary = binaries.of(tool);
    let mut rustfmt = None;
    let sample = match tool {
        Tool::Ours => {
            let sample = measure::measure(
                Command::new(binary).arg(input).arg(source.join("lib.rs")),
                &log,
            )?;
            write(
                &directory.join("Cargo.toml"),
                &format!(
                    "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
                     [dependencies]\nmmreg = {{ path = \"{}\" }}\n\n[workspace]\n",
                    util::workspace_root().join("runtime").display()
                ),
            )?;
            sample
        }
        Tool::Svd2rust => {
            let sample = measure::measure(
                Command::new(binary)
                    .args(["--target", "none", "-i"])
                    .arg(input)
                    .arg("-o")
                    .arg(&source),
                &log,
            )?;
            if sample.success {
                // What svd2rust users run next; timed for the "followed by
                // rustfmt" comparison.
                let formatted = measure::measure(
                    Command::new("rustfmt")
                        .args(["--edition", "2021"])
                        .arg(source.join("lib.rs")),
                    &log.with_extension("rustfmt.log"),
                )?;
                rustfmt = formatted.success.then_some(formatted.wall);
            }
            write(
                &directory.join("Cargo.toml"),
                &format!(
                    "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
                     [dependencies]\nvcell = \"0.1.3\"\ncritical-section = {{ version = \"1.1\", optional = true }}\n\n[workspace]\n"
                ),
            )?;
            sample
        }
        Tool::Svd2pac => {
            std::fs::remove_dir_all(&directory)?;
            let sample = measure::measure(
                Command::new(binary)
                    .arg("--package-name")
                    .arg(&name)
                    .arg(input)
                    .arg(&directory),
                &log,
            )?;
            let manifest = directory.join("Cargo.toml");
            if sample.success {
                let mut text = std::fs::read_to_string(&manifest)
                    .with_context(|| format!("cannot read `{}`", manifest.display()))?;
                if !text.contains("[workspace]") {
                    text.push_str("\n[workspace]\n");
                }
                write(&manifest, &text)?;
            }
            sample
        }
    };
    if !sample.success {
        return Ok(Err(sample.stderr_tail));
    }
    Ok(Ok(GeneratedCrate {
        name,
        directory,
        features: (tool == Tool::Svd2pac).then_some("all"),
        rustfmt,
    }))
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write `{}`", path.display()))
}

/// A cargo command on `krate` with the shared target directory.
pub fn cargo(krate: &GeneratedCrate, subcommand: &[&str]) -> Command {
    let mut command = util::cargo();
    command
        .args(subcommand)
        .arg("--manifest-path")
        .arg(krate.directory.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir());
    command
}

/// Runs `cargo <subcommand>` on the crate and measures it.
pub fn measure_cargo(krate: &GeneratedCrate, subcommand: &[&str]) -> anyhow::Result<Sample> {
    let mut command = cargo(krate, subcommand);
    if let Some(features) = krate.features {
        command.args(["--features", features]);
    }
    let log = krate
        .directory
        .with_extension(format!("{}.log", subcommand.join("-").replace("--", "")));
    measure::measure(&mut command, &log)
}

/// `cargo clean -p` of the crate alone (its dependencies stay built).
pub fn clean(krate: &GeneratedCrate, release: bool) -> anyhow::Result<()> {
    let mut command = cargo(krate, &["clean", "-q", "-p", &krate.name]);
    if release {
        command.arg("--release");
    }
    util::run(&mut command)
}

/// Lines in the crate's `.rs` files.
pub fn lines_of_code(krate: &GeneratedCrate) -> u64 {
    let mut total = 0;
    let mut pending = vec![krate.directory.join("src")];
    while let Some(directory) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&directory) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                total += text.lines().count() as u64;
            }
        }
    }
    total
}

/// Bytes under `path`.
pub fn directory_size(path: &Path) -> u64 {
    let Ok(metadata) = std::fs::symlink_metadata(path) else {
        return 0;
    };
    if !metadata.is_dir() {
        return metadata.len();
    }
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| directory_size(&entry.path()))
                .sum()
        })
        .unwrap_or(0)
}
