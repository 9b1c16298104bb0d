//! The manifest of checked-in generated files: `codegen.toml` at the
//! workspace root.
//!
//! Each `[[file]]` entry names an input description, an optional peripheral
//! subset, optional DMA-capable registers and the output path, both relative
//! to the workspace root:
//!
//! ```toml
//! [[file]]
//! input = "svd/qemu-edu.yaml"
//! output = "examples/pci-edu/src/generated/qemu_edu.rs"
//! only = ["EDU"]   # optional
//! dma = ["EDU.DMA_SOURCE", "EDU.DMA_COMMAND"]   # optional, see `Options::dma_registers`
//! params = { DATA_WIDTH = 32, BASE = "'h40" }   # optional, IP-XACT parameters (`Options::params`)
//! ```
//!
//! [`regenerate`] rewrites every output; [`check`] regenerates in memory and
//! reports the outputs that differ, so `cargo xtask codegen --check` and a
//! plain `cargo test` catch drift the same way.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::Diagnostic;

/// The manifest's file name, at the workspace root.
pub const FILE_NAME: &str = "codegen.toml";

/// Everything that can go wrong reading the manifest or producing its files.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The manifest file could not be read.
    #[error("cannot read `{path}`: {source}")]
    ReadManifest {
        /// The manifest.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The manifest is not valid TOML or does not follow the format.
    #[error("`{path}` is not a valid manifest: {source}")]
    ParseManifest {
        /// The manifest.
        path: PathBuf,
        /// The cause, with its line and column.
        source: toml::de::Error,
    },
    /// An entry's input could not be loaded or generated.
    #[error("cannot generate `{output}` from `{input}`: {source}")]
    Generate {
        /// The entry's input, as the manifest names it.
        input: PathBuf,
        /// The entry's output, as the manifest names it.
        output: PathBuf,
        /// The cause (for invalid input, every diagnostic).
        source: crate::Error,
    },
    /// An existing output could not be read for comparison.
    #[error("cannot read `{path}`: {source}")]
    ReadOutput {
        /// The output file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// An output could not be written.
    #[error("cannot write `{path}`: {source}")]
    WriteOutput {
        /// The output file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// The parsed manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The generated files, in manifest order.
    #[serde(default, rename = "file")]
    pub files: Vec<Entry>,
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The description (SVD or YAML), relative to the workspace root.
    pub input: PathBuf,
    /// The generated module, relative to the workspace root.
    pub output: PathBuf,
    /// Peripherals to keep (case-insensitive); empty keeps all.
    #[serde(default)]
    pub only: Vec<String>,
    /// Registers to mark DMA-capable, by path (see
    /// [`crate::Options::dma_registers`]); empty marks none.
    #[serde(default)]
    pub dma: Vec<String>,
    /// IP-XACT parameter values by name or `parameterId` (see
    /// [`crate::Options::params`]); empty keeps the declared values.
    #[serde(default)]
    pub params: std::collections::BTreeMap<String, ParamValue>,
}

/// A parameter value in the manifest: a TOML integer or a string holding a
/// constant (`"'h40"`, `"0x1000"`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// An integer.
    Integer(i64),
    /// A constant as text.
    Text(String),
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Integer(value) => write!(f, "{value}"),
            ParamValue::Text(text) => f.write_str(text),
        }
    }
}

/// An entry's output generated in memory.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The entry it came from.
    pub entry: Entry,
    /// The formatted module.
    pub code: String,
    /// Warnings the input raised.
    pub warnings: Vec<Diagnostic>,
}

/// What [`regenerate`] did with one entry.
#[derive(Debug, Clone)]
pub struct Regenerated {
    /// The entry.
    pub entry: Entry,
    /// Whether the file on disk changed (was missing or differed).
    pub changed: bool,
    /// Warnings the input raised.
    pub warnings: Vec<Diagnostic>,
}

/// A checked-in output that does not match what its input generates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleFile {
    /// The output, as the manifest names it.
    pub output: PathBuf,
    /// Its input, as the manifest names it.
    pub input: PathBuf,
    /// How it is stale.
    pub reason: StaleReason,
}

/// How a checked-in output is stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleReason {
    /// The output does not exist.
    Missing,
    /// The output exists but its bytes differ.
    Differs,
}

impl fmt::Display for StaleFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.reason {
            StaleReason::Missing => "is missing",
            StaleReason::Differs => "is stale",
        };
        write!(
            f,
            "`{}` {what}: regenerate it from `{}` with `cargo xtask codegen`",
            self.output.display(),
            self.input.display()
        )
    }
}

impl Manifest {
    /// Reads `codegen.toml` from `workspace_root`.
    pub fn read(workspace_root: &Path) -> Result<Manifest, Error> {
        let path = workspace_root.join(FILE_NAME);
        let text = std::fs::read_to_string(&path).map_err(|source| Error::ReadManifest {
            path: path.clone(),
            source,
        })?;
        Manifest::parse(&text, &path)
    }

    /// Parses manifest text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Manifest, Error> {
        toml::from_str(text).map_err(|source| Error::ParseManifest {
            path: path.to_path_buf(),
            source,
        })
    }
}

impl Entry {
    /// Loads the input, applies the subset and generates the module, in memory.
    pub fn render(&self, workspace_root: &Path) -> Result<Rendered, Error> {
        let generate_error = |source| Error::Generate {
            input: self.input.clone(),
            output: self.output.clone(),
            source,
        };
        let options = crate::Options {
            dma_registers: self.dma.clone(),
            params: self
                .params
                .iter()
                .map(|(name, value)| (name.clone(), value.to_string()))
                .collect(),
            ..crate::Options::default()
        };
        let loaded = crate::load_with(&workspace_root.join(&self.input), &options)
            .map_err(generate_error)?;
        let device = crate::select::only(loaded.device, &self.only).map_err(generate_error)?;
        // The header names the input as the manifest does: relative, with `/`,
        // so the bytes are the same on every machine.
        let input_name = self.input.to_string_lossy().replace('\\', "/");
        let code = crate::generate_with(&device, &input_name, options).map_err(generate_error)?;
        Ok(Rendered {
            entry: self.clone(),
            code,
            warnings: loaded.warnings,
        })
    }
}

/// Generates every entry of the manifest in `workspace_root` in memory and
/// returns the outputs on disk that differ, in manifest order.
pub fn check(workspace_root: &Path) -> Result<Vec<StaleFile>, Error> {
    let manifest = Manifest::read(workspace_root)?;
    let mut stale = Vec::new();
    for entry in &manifest.files {
        let rendered = entry.render(workspace_root)?;
        if let Some(reason) = compare(workspace_root, &rendered)? {
            stale.push(StaleFile {
                output: entry.output.clone(),
                input: entry.input.clone(),
                reason,
            });
        }
    }
    Ok(stale)
}

/// Generates every entry of the manifest in `workspace_root` and writes the
/// outputs that changed (creating their directories); unchanged files are
/// left untouched so their timestamps do not trigger rebuilds.
pub fn regenerate(workspace_root: &Path) -> Result<Vec<Regenerated>, Error> {
    let manifest = Manifest::read(workspace_root)?;
    let mut report = Vec::new();
    for entry in &manifest.files {
        let rendered = entry.render(workspace_root)?;
        let changed = compare(workspace_root, &rendered)?.is_some();
        if changed {
            let path = workspace_root.join(&entry.output);
            let write_error = |source| Error::WriteOutput {
                path: path.clone(),
                source,
            };
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(write_error)?;
            }
            std::fs::write(&path, &rendered.code).map_err(write_error)?;
        }
        report.push(Regenerated {
            entry: entry.clone(),
            changed,
            warnings: rendered.warnings,
        });
    }
    Ok(report)
}

/// How the output on disk differs from `rendered`, if it does.
fn compare(workspace_root: &Path, rendered: &Rendered) -> Result<Option<StaleReason>, Error> {
    let path = workspace_root.join(&rendered.entry.output);
    match std::fs::read(&path) {
        Ok(bytes) if bytes == rendered.code.as_bytes() => Ok(None),
        Ok(_) => Ok(Some(StaleReason::Differs)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            Ok(Some(StaleReason::Missing))
        }
        Err(source) => Err(Error::ReadOutput { path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries_with_and_without_subset() {
        let text = r#"
            [[file]]
            input = "svd/qemu-edu.yaml"
            output = "examples/pci-edu/src/generated/qemu_edu.rs"

            [[file]]
            input = "svd/soc.svd"
            output = "out/soc.rs"
            only = ["GPIO", "UART0"]
            dma = ["DMA.CH%s.SRC"]
        "#;
        let manifest = Manifest::parse(text, Path::new("codegen.toml")).unwrap();
        assert_eq!(manifest.files.len(), 2);
        assert_eq!(manifest.files[0].input, Path::new("svd/qemu-edu.yaml"));
        assert_eq!(
            manifest.files[0].output,
            Path::new("examples/pci-edu/src/generated/qemu_edu.rs")
        );
        assert!(manifest.files[0].only.is_empty());
        assert_eq!(manifest.files[1].only, ["GPIO", "UART0"]);
        assert!(manifest.files[0].dma.is_empty());
        assert_eq!(manifest.files[1].dma, ["DMA.CH%s.SRC"]);
    }

    #[test]
    fn params_take_integers_and_constants() {
        let text = r#"
            [[file]]
            input = "ip/component.xml"
            output = "out/ip.rs"
            params = { DATA_WIDTH = 16, BASE = "'h40" }
        "#;
        let manifest = Manifest::parse(text, Path::new("codegen.toml")).unwrap();
        let params: Vec<(String, String)> = manifest.files[0]
            .params
            .iter()
            .map(|(name, value)| (name.clone(), value.to_string()))
            .collect();
        assert_eq!(
            params,
            [
                ("BASE".to_string(), "'h40".to_string()),
                ("DATA_WIDTH".to_string(), "16".to_string())
            ]
        );
    }

    #[test]
    fn empty_manifest_has_no_files() {
        assert_eq!(
            Manifest::parse("# nothing yet\n", Path::new("codegen.toml")).unwrap(),
            Manifest::default()
        );
        assert_eq!(
            Manifest::parse("file = []\n", Path::new("codegen.toml")).unwrap(),
            Manifest::default()
        );
    }

    #[test]
    fn unknown_key_is_an_error_naming_the_manifest() {
        let text = "[[file]]\ninput = \"a.svd\"\noutput = \"a.rs\"\nonyl = [\"X\"]\n";
        let error = Manifest::parse(text, Path::new("codegen.toml")).unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("`codegen.toml` is not a valid manifest"),
            "{message}"
        );
        assert!(message.contains("onyl"), "{message}");
    }

    #[test]
    fn missing_output_key_is_an_error() {
        let error = Manifest::parse("[[file]]\ninput = \"a.svd\"\n", Path::new("codegen.toml"))
            .unwrap_err();
        assert!(error.to_string().contains("output"), "{error}");
    }

    #[test]
    fn stale_file_message_names_output_and_input() {
        let stale = StaleFile {
            output: PathBuf::from("examples/a/src/regs.rs"),
            input: PathBuf::from("svd/a.yaml"),
            reason: StaleReason::Differs,
        };
        assert_eq!(
            stale.to_string(),
            "`examples/a/src/regs.rs` is stale: regenerate it from `svd/a.yaml` with `cargo xtask codegen`"
        );
    }
}
