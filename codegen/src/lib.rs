//! Generates typed `mmreg` register blocks from CMSIS-SVD and YAML.
//!
//! Start reading here. Data flows one way:
//! 1. a front end ([`svd`] or [`yaml`]) parses a file into the [`ir`], and
//!    [`dma`] marks the registers [`Options::dma_registers`] names;
//! 2. [`validate`] is the gate: it repairs what has a plain repair (leaving
//!    out a defective register, field or value, each a located warning),
//!    collects every [`Diagnostic`], and returns a [`validate::Validated`]
//!    model, the only input the generator takes;
//! 3. [`arrays`] turns numbered registers, clusters and fields into arrays
//!    (unless [`Options::infer_arrays`] is off), and the result is validated
//!    again;
//! 4. [`emit`] turns the validated model into one formatted Rust module,
//!    naming items through [`names`], the rules validation warns with.
//!
//! [`load`] and [`generate`] chain these; [`builder`] wraps them for `build.rs`.

pub mod arrays;
pub mod builder;
pub mod diagnostic;
pub mod dma;
pub mod emit;
pub mod ir;
pub mod manifest;
pub mod names;
pub mod select;
mod source;
pub mod svd;
pub mod validate;
pub mod yaml;

use std::path::{Path, PathBuf};

pub use diagnostic::{Diagnostic, DiagnosticKind, Diagnostics, Severity};
pub use ir::Device;
pub use validate::Validated;

/// Everything that can stop generation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The input's extension is neither `.svd`/`.xml` nor `.yaml`/`.yml`.
    #[error("`{0}`: unknown input format (expected `.svd`, `.xml`, `.yaml` or `.yml`)")]
    UnknownFormat(PathBuf),
    /// The input has errors; every diagnostic (warnings too) is listed.
    #[error("{0}")]
    Invalid(Diagnostics),
    /// The input has warnings and [`Options::deny_warnings`] is on; every
    /// warning is listed.
    #[error("{0}\nwarnings are denied (`--deny-warnings`); nothing was generated")]
    WarningsDenied(Diagnostics),
    /// `--only` named a peripheral the device does not have.
    #[error("no peripheral named `{name}`{}", suggestions_text(.suggestions))]
    UnknownPeripheral {
        /// The name asked for.
        name: String,
        /// Near matches.
        suggestions: Vec<String>,
    },
    /// [`Options::dma_registers`] (`--dma`) named a path that is no register.
    #[error("no register at path `{path}`{}", suggestions_text(.suggestions))]
    UnknownRegister {
        /// The path asked for.
        path: String,
        /// Near matches, as written in the description.
        suggestions: Vec<String>,
    },
    /// Formatting the generated tokens failed, or array inference made a
    /// model validation had to repair (a generator bug).
    #[error("generated code does not parse (generator bug): {0}")]
    Emit(String),
}

fn suggestions_text(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!(
            "; did you mean {}?",
            suggestions
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// A parsed and validated description, with the warnings it raised.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The validated (and repaired) model; reads as a [`Device`].
    pub device: Validated,
    /// Warnings (errors stop loading).
    pub warnings: Vec<Diagnostic>,
}

/// Reads `path` (SVD or YAML, by extension), parses and validates it.
pub fn load(path: &Path) -> Result<Loaded, Error> {
    load_with(path, &Options::default())
}

/// [`load`], applying the options that change the model right after parsing
/// and before validation ([`Options::dma_registers`] marks registers) and
/// [`Options::deny_warnings`]. (The other options shape the output and are
/// applied by [`generate_with`].)
///
/// # Errors
///
/// Every diagnostic of the run together: [`Error::Invalid`] when there are
/// errors, [`Error::WarningsDenied`] for warnings under
/// [`Options::deny_warnings`].
pub fn load_with(path: &Path, options: &Options) -> Result<Loaded, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let file_name = display_name(path);
    let text = source::decode(bytes, &file_name).map_err(Error::Invalid)?;
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let (device, mut diagnostics) = match extension.as_str() {
        "svd" | "xml" => svd::read(&text, &file_name),
        "yaml" | "yml" => yaml::read(&text, &file_name),
        _ => return Err(Error::UnknownFormat(path.to_path_buf())),
    };
    let Some(mut device) = device else {
        return Err(Error::Invalid(Diagnostics(diagnostics)));
    };
    dma::mark(&mut device, &options.dma_registers)?;
    // What the front end could read is validated even when it found errors,
    // so one run reports every diagnostic.
    let validated = match validate::validate(device) {
        Ok((model, warnings)) => {
            diagnostics.extend(warnings);
            Some(model)
        }
        Err(found) => {
            diagnostics.extend(found);
            None
        }
    };
    let mut diagnostics = deduplicate(diagnostics);
    // In the file's order (stable: several at one place keep theirs).
    diagnostics.sort_by(|a, b| a.location.cmp(&b.location));
    match validated {
        Some(model) if !diagnostics.iter().any(Diagnostic::is_error) => {
            if options.deny_warnings && !diagnostics.is_empty() {
                return Err(Error::WarningsDenied(Diagnostics(diagnostics)));
            }
            Ok(Loaded {
                device: model,
                warnings: diagnostics,
            })
        }
        _ => Err(Error::Invalid(Diagnostics(diagnostics))),
    }
}

/// Drops repeats of a diagnostic at one input location: a defect in a
/// peripheral that others derive from is reported once, at its source.
fn deduplicate(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = std::collections::BTreeSet::new();
    diagnostics
        .into_iter()
        .filter(|d| match &d.location {
            Some(location) => seen.insert((location.clone(), d.kind, d.message.clone())),
            None => true,
        })
        .collect()
}

/// How the generator reads the model and shapes its output. The default is
/// what users get: both switches on, no registers marked. Turning the
/// switches off shows what they save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Emit structurally identical blocks, clusters, fieldsets and enums once
    /// and re-export them under every other name.
    pub share_types: bool,
    /// Turn registers, clusters and fields numbered `0..n` at a constant
    /// stride into arrays (`GPIO0_CTRL`..`GPIO29_CTRL` becomes
    /// `gpio_ctrl(index)`); see [`arrays`].
    pub infer_arrays: bool,
    /// Registers whose writes can make the device access arbitrary memory
    /// (DMA addresses, lengths, commands), by path: `PERIPHERAL.REGISTER` or
    /// `PERIPHERAL.CLUSTER.REGISTER`, names matched ignoring case and array
    /// placeholders (see [`dma`]). Their `write`/`modify` become `unsafe fn`.
    /// Applied by [`load_with`], before validation; a path that names no
    /// register is [`Error::UnknownRegister`]. YAML can also say `dma: true`.
    pub dma_registers: Vec<String>,
    /// Refuse input that draws any warning ([`Error::WarningsDenied`]),
    /// for users who want every repair to be a failure. Off by default:
    /// validation leaves out what is defective and generates the rest.
    pub deny_warnings: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            share_types: true,
            infer_arrays: true,
            dma_registers: Vec::new(),
            deny_warnings: false,
        }
    }
}

/// Generates the formatted Rust module for `model` with the default
/// [`Options`]; `input_name` is the file name the `@generated` header names.
pub fn generate(model: &Validated, input_name: &str) -> Result<String, Error> {
    generate_with(model, input_name, Options::default())
}

/// Generates the formatted Rust module for `model` with `options`.
///
/// Only the output switches are applied here; [`Options::dma_registers`]
/// and [`Options::deny_warnings`] act when loading ([`load_with`]). A model
/// built in code is validated first with [`validate::validate`].
///
/// # Errors
///
/// [`Error::Emit`] on a generator bug: array inference made a model that
/// validation had to repair, or the tokens do not parse.
pub fn generate_with(
    model: &Validated,
    input_name: &str,
    options: Options,
) -> Result<String, Error> {
    if !options.infer_arrays {
        return emit::emit(model, input_name, options.share_types);
    }
    let inferred = arrays::infer(model);
    let generator_bug = |found: Vec<Diagnostic>| {
        Error::Emit(format!(
            "array inference made a model validation rejects:\n{}",
            Diagnostics(found)
        ))
    };
    let (model, warnings) = validate::validate(inferred).map_err(generator_bug)?;
    let repairs: Vec<Diagnostic> = warnings.into_iter().filter(Diagnostic::is_repair).collect();
    if !repairs.is_empty() {
        return Err(generator_bug(repairs));
    }
    emit::emit(&model, input_name, options.share_types)
}

/// The name diagnostics and headers use for an input: as the user gave it.
fn display_name(path: &Path) -> String {
    path.display().to_string()
}
