//! Generates typed `mmreg` register blocks from CMSIS-SVD and YAML.
//!
//! Start reading here. Data flows one way:
//! 1. a front end ([`svd`] or [`yaml`]) parses a file into the [`ir`], and
//!    [`dma`] marks the registers [`Options::dma_registers`] names;
//! 2. [`validate`] checks the IR and collects every [`Diagnostic`];
//! 3. [`arrays`] turns numbered registers, clusters and fields into arrays
//!    (unless [`Options::infer_arrays`] is off);
//! 4. [`emit`] turns the IR into one formatted Rust module.
//!
//! [`load`] and [`generate`] chain these; [`builder`] wraps them for `build.rs`,
//! and [`driver`] for the generator commands (`mmreg gen`, `cargo xtask codegen`).

pub mod arrays;
pub mod builder;
pub mod diagnostic;
pub mod dma;
pub mod driver;
pub mod emit;
pub mod ir;
pub mod manifest;
pub mod select;
mod source;
pub mod svd;
pub mod validate;
pub mod yaml;

use std::path::{Path, PathBuf};

pub use diagnostic::{Diagnostic, DiagnosticKind, Diagnostics, Severity};
pub use ir::Device;

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
    /// Formatting the generated tokens failed (a generator bug).
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
    /// The model.
    pub device: Device,
    /// Warnings (errors stop loading).
    pub warnings: Vec<Diagnostic>,
}

/// Reads `path` (SVD or YAML, by extension), parses and validates it.
pub fn load(path: &Path) -> Result<Loaded, Error> {
    load_with(path, &Options::default())
}

/// [`load`], applying the options that change the model right after parsing
/// and before validation: [`Options::dma_registers`] marks registers.
/// (The other options shape the output and are applied by [`generate_with`].)
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
    let parsed = match extension.as_str() {
        "svd" | "xml" => svd::parse(&text, &file_name),
        "yaml" | "yml" => yaml::parse(&text, &file_name),
        _ => return Err(Error::UnknownFormat(path.to_path_buf())),
    };
    let (mut device, mut diagnostics) = parsed.map_err(Error::Invalid)?;
    dma::mark(&mut device, &options.dma_registers)?;
    diagnostics.extend(validate::validate(&device));
    let diagnostics = deduplicate(diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::Invalid(Diagnostics(diagnostics)));
    }
    Ok(Loaded {
        device,
        warnings: diagnostics,
    })
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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            share_types: true,
            infer_arrays: true,
            dma_registers: Vec::new(),
        }
    }
}

/// Generates the formatted Rust module for `device` with the default
/// [`Options`]; `input_name` is the file name the `@generated` header names.
pub fn generate(device: &Device, input_name: &str) -> Result<String, Error> {
    generate_with(device, input_name, Options::default())
}

/// Generates the formatted Rust module for `device` with `options`.
///
/// Only the output switches are applied here; [`Options::dma_registers`]
/// changes the model and is applied when loading ([`load_with`]).
///
/// # Errors
///
/// [`Error::Invalid`] for a device whose layout no correct code can
/// describe ([`validate::layout_errors`]: clusters nested too deep, extents
/// past `u64::MAX`, misaligned clusters), checked here too, because the
/// device may not come from [`load`]; [`Error::Emit`] on a generator bug.
pub fn generate_with(device: &Device, input_name: &str, options: Options) -> Result<String, Error> {
    let layout = validate::layout_errors(device);
    if !layout.is_empty() {
        return Err(Error::Invalid(Diagnostics(layout)));
    }
    if options.infer_arrays {
        emit::emit(&arrays::infer(device), input_name, options.share_types)
    } else {
        emit::emit(device, input_name, options.share_types)
    }
}

/// The name diagnostics and headers use for an input: as the user gave it.
fn display_name(path: &Path) -> String {
    path.display().to_string()
}
