//! Checks over the IR. (Placeholder: being written.)

use crate::diagnostic::Diagnostic;
use crate::ir::Device;

/// Every problem in `device`, warnings and errors.
pub fn validate(device: &Device) -> Vec<Diagnostic> {
    let _ = device;
    Vec::new()
}
