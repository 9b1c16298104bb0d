//! Picking a subset of peripherals (`--only`). (Placeholder: being written.)

use crate::ir::Device;

/// Keeps the named peripherals (case-insensitive) and those they derive from.
pub fn only(device: Device, names: &[String]) -> Result<Device, crate::Error> {
    let _ = names;
    Ok(device)
}
