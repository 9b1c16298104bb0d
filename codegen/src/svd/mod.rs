//! The CMSIS-SVD front end: SVD text -> [`ir::Device`](crate::ir::Device).
//!
//! Vendor SVD files are often slightly off the schema, so this front end reads
//! the XML itself (with `roxmltree`, which keeps positions) instead of handing
//! it to a strict parser:
//! 1. `read` walks the XML into the `raw` model, normalising values on the
//!    way (`values`): a defect whose meaning is plain (`read-writeonce`,
//!    `<access>write</access>`, a missing `<version>`) becomes a warning with
//!    its line and column; a value that cannot be understood is an error;
//! 2. `derive` resolves `derivedFrom` on peripherals, clusters, registers,
//!    fields and enumerated values (sibling names, dotted paths, forward
//!    references, chains; cycles are reported);
//! 3. `convert` inherits register properties down the tree, checks arrays,
//!    expands peripheral arrays and builds the IR.
//!
//! Every element keeps the location of the XML element it came from, so an
//! element copied by `derivedFrom` points at its source, and a diagnostic on
//! any element can name a line. Diagnostics come back in file order.
//!
//! Choices where the format is loose: a derived element's child lists merge
//! by name (the base's order, the derived element's own children replacing
//! or adding); don't-care bits in enumerated values (`#1x0`, `0b1x0`) read
//! as 0, so the value names the first value it matches; `bitOffset`
//! without `bitWidth` is one bit. `tests/svd_crosscheck.rs` checks the result
//! against `svd-parser`'s expansion on every corpus file.

mod convert;
mod derive;
mod nesting;
mod positions;
mod raw;
mod read;
mod values;

use crate::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
use crate::ir::{Device, Location};

use positions::LineIndex;

/// Parses SVD text into the IR. `file` names the input in diagnostics.
/// Returns the device and its warnings, or every diagnostic when it has errors.
pub fn parse(text: &str, file: &str) -> Result<(Device, Vec<Diagnostic>), Diagnostics> {
    let (device, diagnostics) = read(text, file);
    match device {
        Some(device) if !diagnostics.iter().any(Diagnostic::is_error) => Ok((device, diagnostics)),
        _ => Err(Diagnostics(diagnostics)),
    }
}

/// Parses as far as the text allows: the device (`None` when the text is no
/// well-formed SVD document) and every diagnostic, errors included, so a
/// caller can validate what was read and report everything together.
pub(crate) fn read(text: &str, file: &str) -> (Option<Device>, Vec<Diagnostic>) {
    let mut context = Context {
        lines: LineIndex::new(text, file),
        diagnostics: Vec::new(),
    };
    if let Some(offset) = nesting::too_deep(text) {
        let message = format!(
            "malformed XML: elements nested deeper than {} levels",
            nesting::MAX_DEPTH
        );
        let location = context.location(offset);
        return (
            None,
            vec![Diagnostic::error(DiagnosticKind::Syntax, "", message).at(Some(location))],
        );
    }
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let document = match roxmltree::Document::parse_with_options(text, options) {
        Ok(document) => document,
        Err(error) => {
            // `roxmltree` places errors about the input ending early at 1:1;
            // they are where the text ends.
            let location = match error {
                roxmltree::Error::UnclosedRootNode | roxmltree::Error::UnexpectedEndOfStream => {
                    context.location(text.len())
                }
                _ => {
                    let position = error.pos();
                    context.lines.at_row_column(position.row, position.col)
                }
            };
            let message = format!("malformed XML: {}", xml_error_text(&error));
            return (
                None,
                vec![Diagnostic::error(DiagnosticKind::Syntax, "", message).at(Some(location))],
            );
        }
    };
    let root = document.root_element();
    if root.tag_name().name() != "device" {
        let message = format!(
            "the root element is `<{}>`, not `<device>`: not an SVD file",
            root.tag_name().name()
        );
        let location = context.location(root.range().start);
        return (
            None,
            vec![Diagnostic::error(DiagnosticKind::Syntax, "", message).at(Some(location))],
        );
    }
    let mut raw = read::device(root, &mut context);
    derive::resolve(&mut raw, &mut context);
    let device = convert::device(raw, &mut context);
    // Passes report in their own order; users read in the file's (stable, so
    // several diagnostics at one place keep the order they were found in).
    context
        .diagnostics
        .sort_by(|a, b| a.location.cmp(&b.location));
    (Some(device), context.diagnostics)
}

/// roxmltree's message without its trailing ` at row:column` (the location
/// carries that).
fn xml_error_text(error: &roxmltree::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at ") {
        Some(index)
            if text[index + 4..]
                .chars()
                .all(|c| c.is_ascii_digit() || c == ':') =>
        {
            text[..index].to_string()
        }
        _ => text,
    }
}

/// State shared by the passes: positions and the diagnostics so far.
pub(super) struct Context<'a> {
    lines: LineIndex<'a>,
    diagnostics: Vec<Diagnostic>,
}

impl Context<'_> {
    /// The location of a byte offset in the input.
    pub(super) fn location(&self, offset: usize) -> Location {
        self.lines.location(offset)
    }

    /// Records a warning.
    pub(super) fn warn(
        &mut self,
        kind: DiagnosticKind,
        path: &str,
        location: &Location,
        message: String,
    ) {
        self.diagnostics
            .push(Diagnostic::warning(kind, path, message).at(Some(location.clone())));
    }

    /// Records that an element is left out because of `problem`: a
    /// warning that names the repair (one defect costs one element).
    pub(super) fn leave_out(
        &mut self,
        kind: DiagnosticKind,
        path: &str,
        location: &Location,
        problem: String,
        what: &str,
    ) {
        let message = format!("{problem}; the {what} is left out");
        self.warn(kind, path, location, message);
    }

    /// Turns the errors recorded since `start` (the number of diagnostics
    /// then) into warnings that the element, a `what`, is left out; `true`
    /// if there were any.
    pub(super) fn leave_out_on_errors(&mut self, start: usize, what: &str) -> bool {
        let mut any = false;
        for diagnostic in self.diagnostics.iter_mut().skip(start) {
            if diagnostic.is_error() {
                diagnostic.severity = crate::diagnostic::Severity::Warning;
                diagnostic
                    .message
                    .push_str(&format!("; the {what} is left out"));
                any = true;
            }
        }
        any
    }

    /// Records an error.
    pub(super) fn error(
        &mut self,
        kind: DiagnosticKind,
        path: &str,
        location: &Location,
        message: String,
    ) {
        self.diagnostics
            .push(Diagnostic::error(kind, path, message).at(Some(location.clone())));
    }
}

/// `parent.name`, or `name` at the top.
pub(super) fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}
