//! The YAML front end. (Placeholder: being written.)

use crate::diagnostic::Diagnostic;
use crate::ir::Device;

/// Parses YAML text into the IR. `file` names the input in diagnostics.
pub fn parse(text: &str, file: &str) -> Result<(Device, Vec<Diagnostic>), crate::Diagnostics> {
    let _ = (text, file);
    todo!()
}
