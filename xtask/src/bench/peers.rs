//! The peer generators, installed with `cargo install --locked` into a cache
//! folder under `target/bench-tools/`, and the copies of inputs they need.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::util;

/// A peer generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// This project: the `mmreg-generate` binary (release build).
    Ours,
    /// svd2rust 0.37.1, `--target none`.
    Svd2rust,
    /// svd2pac 0.8.0 (formats with rustfmt itself).
    Svd2pac,
}

/// Every tool, ours first.
pub const TOOLS: [Tool; 3] = [Tool::Ours, Tool::Svd2rust, Tool::Svd2pac];

impl Tool {
    /// The name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Ours => "mmreg",
            Tool::Svd2rust => "svd2rust",
            Tool::Svd2pac => "svd2pac",
        }
    }

    fn version(self) -> &'static str {
        match self {
            Tool::Ours => env!("CARGO_PKG_VERSION"),
            Tool::Svd2rust => "0.37.1",
            Tool::Svd2pac => "0.8.0",
        }
    }
}

/// Installed binaries.
#[derive(Debug, Clone)]
pub struct Binaries {
    /// `mmreg-generate`.
    pub ours: PathBuf,
    /// `svd2rust`.
    pub svd2rust: PathBuf,
    /// `svd2pac`.
    pub svd2pac: PathBuf,
}

impl Binaries {
    /// The binary of `tool`.
    pub fn of(&self, tool: Tool) -> &Path {
        match tool {
            Tool::Ours => &self.ours,
            Tool::Svd2rust => &self.svd2rust,
            Tool::Svd2pac => &self.svd2pac,
        }
    }
}

/// Builds ours in release and installs the peers unless cached.
pub fn prepare() -> anyhow::Result<Binaries> {
    util::run(util::cargo().args([
        "build",
        "--release",
        "-p",
        "mmreg-bench",
        "--features",
        "generator",
        "--bin",
        "mmreg-generate",
    ]))?;
    let ours = util::workspace_root().join("target/release/mmreg-generate");
    Ok(Binaries {
        ours,
        svd2rust: install(Tool::Svd2rust)?,
        svd2pac: install(Tool::Svd2pac)?,
    })
}

fn install(tool: Tool) -> anyhow::Result<PathBuf> {
    let root = util::workspace_root()
        .join("target/bench-tools")
        .join(format!("{}-{}", tool.name(), tool.version()));
    let binary = root.join("bin").join(tool.name());
    if !binary.exists() {
        eprintln!(
            "installing {} {} into {}",
            tool.name(),
            tool.version(),
            root.display()
        );
        util::run(
            util::cargo()
                .args([
                    "install",
                    "--locked",
                    tool.name(),
                    "--version",
                    tool.version(),
                    "--root",
                ])
                .arg(&root),
        )
        .with_context(|| format!("cannot install {}", tool.name()))?;
    }
    Ok(binary)
}

/// A fix for the peers: the corpus file's stem, text replacements
/// `(from, to)`, and why.
pub type PeerFix = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
);

/// The smallest fixes that let the peers read a corpus file, for the compile
/// comparisons only.
pub const PEER_FIXES: &[PeerFix] = &[(
    "nrf54l15-app",
    &[
        (
            "<access>read-writeonce</access>",
            "<access>read-writeOnce</access>",
        ),
        ("<access>writeonce</access>", "<access>writeOnce</access>"),
    ],
    "access words in lower case (`read-writeonce`, `writeonce`; 38 registers): both peers reject them",
)];

/// The input a peer gets for the compile comparison: the shipped file, or a
/// fixed copy under `work` when [`PEER_FIXES`] lists the file.
pub fn peer_input(file: &Path, work: &Path) -> anyhow::Result<PathBuf> {
    let stem = file_stem(file);
    let Some((_, fixes, _)) = PEER_FIXES.iter().find(|(name, _, _)| *name == stem) else {
        return Ok(file.to_path_buf());
    };
    let mut text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read `{}`", file.display()))?;
    for (from, to) in *fixes {
        text = text.replace(from, to);
    }
    std::fs::create_dir_all(work)?;
    let copy = work.join(format!("{stem}.fixed.svd"));
    std::fs::write(&copy, text).with_context(|| format!("cannot write `{}`", copy.display()))?;
    Ok(copy)
}

/// The file name without its extension.
pub fn file_stem(file: &Path) -> String {
    file.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}
