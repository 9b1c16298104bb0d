//! The register commands: `read`, `write`, `list`, `dump` and `watch`.
//!
//! Each takes the loaded description, the source options and a writer for
//! its output, so tests can run it in-process; `main` passes standard output.

use std::io::Write;

use mmreg::meta::RegisterHit;

use crate::decode::{self, RegisterReport, read_side_effect};
use crate::error::Error;
use crate::model::Description;

mod access;
mod listing;
mod watch;

pub use access::{neutralise, read, write};
pub use listing::{dump, list};
pub use watch::watch;

/// Output switches shared by the commands.
#[derive(Debug, Clone, Copy, Default)]
pub struct Output {
    /// One JSON object per line instead of text for people.
    pub json: bool,
    /// Colour changed fields (only on a terminal).
    pub colour: bool,
}

pub(crate) fn out_error(error: std::io::Error) -> Error {
    Error::Io {
        message: "cannot write to",
        path: "standard output".into(),
        source: error,
    }
}

pub(crate) fn refused(description: &Description, path: &str, message: String) -> Error {
    Error::Refused {
        description: description.display(),
        path: path.to_string(),
        message,
    }
}

/// Refuses a read that the description says is not a plain read, unless
/// `force`.
pub(crate) fn check_readable(
    description: &Description,
    hit: &RegisterHit,
    force: bool,
) -> Result<(), Error> {
    if force {
        return Ok(());
    }
    if !hit.register.access.readable() {
        return Err(refused(
            description,
            &hit.path,
            "the register is write-only; a read returns nothing it holds (`--force` reads anyway)"
                .into(),
        ));
    }
    if let Some(effect) = read_side_effect(hit.register) {
        return Err(refused(
            description,
            &hit.path,
            format!("{effect}, so it is not read by accident (`--force` reads it)"),
        ));
    }
    Ok(())
}

pub(crate) fn print_report(
    out: &mut dyn Write,
    report: &RegisterReport,
    output: Output,
) -> Result<(), Error> {
    if output.json {
        let line = serde_json::to_string(report).map_err(|e| Error::Usage(e.to_string()))?;
        writeln!(out, "{line}").map_err(out_error)
    } else {
        write!(out, "{}", decode::render(report, output.colour)).map_err(out_error)
    }
}
/// Parses a number: decimal, `0x` hex, `0b` binary, `0o` octal, `_` allowed.
pub fn parse_number(text: &str) -> Option<u64> {
    let clean = text.trim().replace('_', "");
    let lower = clean.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("0x") {
        u64::from_str_radix(hex, 16).ok()
    } else if let Some(binary) = lower.strip_prefix("0b") {
        u64::from_str_radix(binary, 2).ok()
    } else if let Some(octal) = lower.strip_prefix("0o") {
        u64::from_str_radix(octal, 8).ok()
    } else {
        lower.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mmreg::meta::{FieldMeta, RegisterMeta, WriteAction};

    #[test]
    fn numbers_in_every_base() {
        assert_eq!(parse_number("0x1F"), Some(31));
        assert_eq!(parse_number("0b101"), Some(5));
        assert_eq!(parse_number("0o17"), Some(15));
        assert_eq!(parse_number("1_000"), Some(1000));
        assert_eq!(parse_number("RUN"), None);
        assert_eq!(parse_number("0x"), None);
    }

    static FLAGS: [FieldMeta; 2] = [
        FieldMeta::new("DATA", 0, 8),
        FieldMeta::new("ERR", 8, 1).with_write_action(WriteAction::OneToClear),
    ];

    #[test]
    fn field_writes_start_with_action_bits_neutral() {
        let register = RegisterMeta::new("SR", 0, 16, &FLAGS);
        // ERR (write-1-to-clear) reads 1: left 0 so the write does not clear it.
        assert_eq!(neutralise(&register, 0x1ff), 0xff);
        let zero = RegisterMeta::new("Z", 0, 8, &[]).with_write_action(WriteAction::ZeroToClear);
        assert_eq!(neutralise(&zero, 0x00), 0xff);
    }
}
