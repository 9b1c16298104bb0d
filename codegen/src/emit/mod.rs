//! The Rust emitter. (Placeholder: being written.)

use crate::ir::Device;

/// Emits the formatted module for `device`.
pub fn emit(device: &Device, input_name: &str) -> Result<String, crate::Error> {
    let _ = (device, input_name);
    todo!()
}
