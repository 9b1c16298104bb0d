//! The YAML front end, and the export back to YAML.
//!
//! The schema is documented with a worked example in `docs/yaml.md`. Reading
//! goes in steps, one file each:
//! - `node`: the text becomes a tree whose nodes keep their line and column;
//! - `read`: values are read out of mappings whose keys are checked against
//!   `schema` (the key lists and words, shared with the export);
//! - `derive`: `derived_from` is resolved among siblings on the tree;
//! - `convert`: the tree becomes the IR, entity by entity.
//!
//! So every error points at a key or value and names the entity path.
//! `export` writes an IR back in the same schema.

mod convert;
mod derive;
mod export;
mod node;
mod read;
mod schema;

pub use export::export;

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::ir::Device;

/// Parses YAML text into the IR. `file` names the input in diagnostics.
/// Returns the device and its warnings, or every diagnostic when it has errors.
pub fn parse(text: &str, file: &str) -> Result<(Device, Vec<Diagnostic>), crate::Diagnostics> {
    let (device, diagnostics) = read(text, file);
    match device {
        Some(device) if !diagnostics.iter().any(Diagnostic::is_error) => Ok((device, diagnostics)),
        _ => Err(crate::Diagnostics(diagnostics)),
    }
}

/// Parses as far as the text allows: the device (`None` only when the text
/// is no YAML document at all) and every diagnostic, errors included, so a
/// caller can validate what was read and report everything together.
pub(crate) fn read(text: &str, file: &str) -> (Option<Device>, Vec<Diagnostic>) {
    let converter = read::Converter::new(file);
    let root = match node::load(text) {
        Ok(Some(root)) => root,
        Ok(None) => {
            let diagnostic = Diagnostic::error(
                DiagnosticKind::MissingElement,
                "",
                "the file holds no YAML document",
            )
            .at(converter.location_at(1, 1));
            return (None, vec![diagnostic]);
        }
        Err(error) => {
            let diagnostic = Diagnostic::error(
                DiagnosticKind::Syntax,
                "",
                format!("YAML syntax: {}", error.message),
            )
            .at(converter.location_at(error.line, error.column));
            return (None, vec![diagnostic]);
        }
    };
    let mut converter = converter;
    let device = converter.device(&root);
    (Some(device), converter.finish())
}
