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

/// The file name without its extension.
pub fn file_stem(file: &Path) -> String {
    file.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Corpus files whose enumerated values repeat a name or a value within one
/// field, which both peers turn into duplicate Rust items.
pub const DEDUPLICATED: &[&str] = &["MIMXRT1062", "nrf54l15-app"];

/// The input a peer gets for the compile comparison: the shipped file, or a
/// fixed copy under `work` when [`PEER_FIXES`] or [`DEDUPLICATED`] lists the
/// file. Returns the fixes made, one line each.
pub fn peer_input(file: &Path, work: &Path) -> anyhow::Result<(PathBuf, Vec<String>)> {
    let stem = file_stem(file);
    let fixes = PEER_FIXES
        .iter()
        .find(|(name, _, _)| *name == stem)
        .map_or(&[][..], |(_, fixes, _)| *fixes);
    let deduplicate = DEDUPLICATED.contains(&stem.as_str());
    if fixes.is_empty() && !deduplicate {
        return Ok((file.to_path_buf(), Vec::new()));
    }
    let mut text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read `{}`", file.display()))?;
    let mut made = Vec::new();
    for (from, to) in fixes {
        made.push(format!(
            "`{from}` -> `{to}` ({}x)",
            text.matches(from).count()
        ));
        text = text.replace(from, to);
    }
    if deduplicate {
        let (fixed, dropped) = drop_wide_interrupts(&text);
        text = fixed;
        if dropped > 0 {
            made.push(format!(
                "{dropped} interrupts numbered above 255 dropped (svd2rust numbers them in a `u8`)"
            ));
        }
        let (fixed, renamed, dropped) = deduplicate_enumerated_values(&text);
        text = fixed;
        made.push(format!(
            "enumerated values: {renamed} repeated names suffixed with their value, {dropped} repeated values dropped"
        ));
    }
    std::fs::create_dir_all(work)?;
    let copy = work.join(format!("{stem}.fixed.svd"));
    std::fs::write(&copy, text).with_context(|| format!("cannot write `{}`", copy.display()))?;
    Ok((copy, made))
}

/// Within each `<enumeratedValues>`, drops an `<enumeratedValue>` whose value
/// an earlier one has, and suffixes `_<value>` to one whose name an earlier
/// one has (ignoring case and `_`). Returns the text and both counts.
fn deduplicate_enumerated_values(text: &str) -> (String, usize, usize) {
    const OPEN: &str = "<enumeratedValue>";
    const CLOSE: &str = "</enumeratedValue>";
    let mut out = String::with_capacity(text.len());
    let (mut renamed, mut dropped) = (0, 0);
    let mut names = std::collections::BTreeSet::new();
    let mut values = std::collections::BTreeSet::new();
    let mut rest = text;
    loop {
        let next_value = rest.find(OPEN);
        let next_group = rest.find("<enumeratedValues");
        match (next_value, next_group) {
            (_, Some(group)) if next_value.is_none_or(|value| group < value) => {
                // A new group: names and values start afresh.
                names.clear();
                values.clear();
                let end = group + "<enumeratedValues".len();
                out.push_str(&rest[..end]);
                rest = &rest[end..];
            }
            (Some(start), _) => {
                let Some(length) = rest[start..].find(CLOSE) else {
                    break;
                };
                let end = start + length + CLOSE.len();
                out.push_str(&rest[..start]);
                let entry = &rest[start..end];
                let name = tag(entry, "name").unwrap_or_default();
                let value = tag(entry, "value").unwrap_or_default().to_ascii_lowercase();
                let key = name.to_ascii_lowercase().replace('_', "");
                if !value.is_empty() && !values.insert(value.clone()) {
                    dropped += 1;
                } else if !names.insert(key) {
                    renamed += 1;
                    let suffix: String =
                        value.chars().filter(char::is_ascii_alphanumeric).collect();
                    out.push_str(&entry.replacen(
                        &format!("<name>{name}</name>"),
                        &format!("<name>{name}_{suffix}</name>"),
                        1,
                    ));
                } else {
                    out.push_str(entry);
                }
                rest = &rest[end..];
            }
            _ => break,
        }
    }
    out.push_str(rest);
    (out, renamed, dropped)
}

/// Drops every `<interrupt>` whose `<value>` is above 255. Returns the text
/// and how many were dropped.
fn drop_wide_interrupts(text: &str) -> (String, usize) {
    const OPEN: &str = "<interrupt>";
    const CLOSE: &str = "</interrupt>";
    let mut out = String::with_capacity(text.len());
    let mut dropped = 0;
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        let Some(length) = rest[start..].find(CLOSE) else {
            break;
        };
        let end = start + length + CLOSE.len();
        out.push_str(&rest[..start]);
        let entry = &rest[start..end];
        let value = tag(entry, "value").and_then(|value| parse_number(&value));
        if value.is_some_and(|value| value > 255) {
            dropped += 1;
            // Keep the line structure: drop the now empty line's indentation.
            let trimmed = out.trim_end_matches([' ', '\t']).len();
            out.truncate(trimmed);
            rest = rest[end..].strip_prefix('\n').unwrap_or(&rest[end..]);
        } else {
            out.push_str(entry);
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    (out, dropped)
}

fn parse_number(text: &str) -> Option<u64> {
    let text = text.trim();
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// The trimmed text of the first `<name>` element in `entry`.
fn tag(entry: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = entry.find(&open)? + open.len();
    let end = start + entry[start..].find('<')?;
    Some(entry[start..end].trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interrupts_above_255_are_dropped() {
        let text = "<interrupts>\n  <interrupt><name>A</name><value>3</value></interrupt>\n  <interrupt><name>B</name><value>0x104</value></interrupt>\n</interrupts>";
        let (fixed, dropped) = drop_wide_interrupts(text);
        assert_eq!(dropped, 1);
        assert_eq!(
            fixed,
            "<interrupts>\n  <interrupt><name>A</name><value>3</value></interrupt>\n</interrupts>"
        );
    }

    #[test]
    fn repeated_enumerated_names_are_suffixed_and_repeated_values_dropped() {
        let text = "<enumeratedValues>\
            <enumeratedValue><name>OPEN</name><value>1</value></enumeratedValue>\
            <enumeratedValue><name>OPEN</name><value>0x2</value></enumeratedValue>\
            <enumeratedValue><name>Other</name><value>1</value></enumeratedValue>\
            </enumeratedValues><enumeratedValues>\
            <enumeratedValue><name>OPEN</name><value>1</value></enumeratedValue>\
            </enumeratedValues>";
        let (fixed, renamed, dropped) = deduplicate_enumerated_values(text);
        assert_eq!((renamed, dropped), (1, 1));
        assert_eq!(
            fixed,
            "<enumeratedValues>\
            <enumeratedValue><name>OPEN</name><value>1</value></enumeratedValue>\
            <enumeratedValue><name>OPEN_0x2</name><value>0x2</value></enumeratedValue>\
            </enumeratedValues><enumeratedValues>\
            <enumeratedValue><name>OPEN</name><value>1</value></enumeratedValue>\
            </enumeratedValues>"
        );
    }
}
