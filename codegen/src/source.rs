//! Input bytes to text: descriptions are UTF-8, and a byte that is not is
//! reported at its line and column like any other input defect.

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
use crate::ir::Location;

/// `bytes` as text; invalid UTF-8 is one located error, naming the byte,
/// at the line and column (in characters) where it stands. `file` names the
/// input in the diagnostic.
pub(crate) fn decode(bytes: Vec<u8>, file: &str) -> Result<String, Diagnostics> {
    let error = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(error) => error,
    };
    let valid_up_to = error.utf8_error().valid_up_to();
    let bytes = error.as_bytes();
    let prefix = bytes
        .get(..valid_up_to)
        .and_then(|prefix| std::str::from_utf8(prefix).ok())
        .unwrap_or("");
    let line = prefix.matches('\n').count().saturating_add(1);
    let column = prefix
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .chars()
        .count()
        .saturating_add(1);
    let byte = bytes.get(valid_up_to).copied().unwrap_or(0);
    let location = Location {
        file: Arc::from(file),
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    };
    let message =
        format!("invalid UTF-8: byte `{byte:#04x}` does not start or continue a character");
    Err(Diagnostics(vec![
        Diagnostic::error(DiagnosticKind::Syntax, "", message).at(Some(location)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_the_first_invalid_byte() {
        assert_eq!(decode(b"ok\n".to_vec(), "f").as_deref(), Ok("ok\n"));
        let error = decode(b"a\n\xC3\xA9b\xFFc".to_vec(), "f").unwrap_err();
        assert_eq!(
            error.to_string(),
            "f:2:3: error: invalid UTF-8: byte `0xff` does not start or continue a character"
        );
        // A character cut short at the end.
        let error = decode(b"ab\xC3".to_vec(), "f").unwrap_err();
        assert!(error.to_string().starts_with("f:1:3: "), "{error}");
    }
}
