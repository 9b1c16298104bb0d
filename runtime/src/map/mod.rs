//! Mapping physical memory into the process. (Placeholder: being written.)

/// Errors from mapping.
#[derive(Debug)]
pub enum MapError {}

/// `/dev/mem`.
#[derive(Debug)]
pub struct DevMem {}

/// A mapped range.
#[derive(Debug)]
pub struct Mapping {}
