//! The CMSIS-SVD front end. (Placeholder: being written.)

use crate::diagnostic::Diagnostic;
use crate::ir::Device;

/// Parses SVD text into the IR. `file` names the input in diagnostics.
/// Returns the device and its warnings, or every diagnostic when it has errors.
pub fn parse(text: &str, file: &str) -> Result<(Device, Vec<Diagnostic>), crate::Diagnostics> {
    let _ = (text, file);
    todo!()
}
