//! Validation: the gate between the front ends and the generator.
//!
//! [`validate`] takes a device as a front end built it, repairs every defect
//! whose repair is plain, and returns a [`Validated`] model, the only type
//! the emitter accepts, with every diagnostic of the run. Degrade, don't
//! refuse: a defect costs the element that has it, never the device. Each
//! repair is a located warning that says what was done:
//! - a register at an offset not aligned to its width, with a width other
//!   than 8, 16, 32 or 64 bits, or with a malformed array is left out
//!   (`registers.rs`);
//! - a cluster with a malformed array, misaligned for its widest register,
//!   or with no register left, and any register or cluster reaching past
//!   the 64-bit address space, is left out (`layout.rs`);
//! - a field of zero width, past its register or overlapping another is left
//!   out, and a write constraint that allows no value is dropped
//!   (`fields.rs`);
//! - an enumerated value too wide for its field or repeating another's value
//!   is left out (`fields.rs`);
//! - names that turn into the same identifier keep both, the later one
//!   renamed; the warning names both source names and both identifiers
//!   (`collisions.rs`, from the same plans the emitter names with).
//!
//! Errors are kept for what leaves nothing meaningful to generate: no
//! peripherals, and clusters nested past [`MAX_CLUSTER_DEPTH`]. (Unreadable
//! files and derivation cycles are the front ends' errors.)

mod collisions;
mod fields;
mod layout;
mod registers;

use std::ops::Deref;

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::ir::{Device, Item, Peripheral, Register};

pub use layout::MAX_CLUSTER_DEPTH;
pub(crate) use layout::too_deep;

/// A device that passed validation, repaired: only [`validate`] makes one,
/// and the generator takes nothing else. Reads as the [`Device`] it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validated(Device);

impl Deref for Validated {
    type Target = Device;

    fn deref(&self) -> &Device {
        &self.0
    }
}

impl Validated {
    /// The repaired device.
    pub fn into_device(self) -> Device {
        self.0
    }

    /// Keeps the peripherals `keep` says yes to. Dropping whole peripherals
    /// keeps a model valid (names of the rest do not change), so no
    /// re-validation is needed.
    pub(crate) fn retain_peripherals(&mut self, keep: impl FnMut(usize) -> bool) {
        let mut keep = keep;
        let mut index = 0;
        self.0.peripherals.retain(|_| {
            let kept = keep(index);
            index += 1;
            kept
        });
    }
}

/// Validates and repairs `device`: the [`Validated`] model and every
/// warning, or, when an error leaves nothing to generate, every diagnostic
/// (errors and warnings, in input order).
pub fn validate(mut device: Device) -> Result<(Validated, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut deep = false;
    for peripheral in &mut device.peripherals {
        // Every other pass recurses; each runs only when the nesting is
        // bounded.
        if layout::check_depth(peripheral, &mut out) {
            repair_peripheral(peripheral, &mut out);
        } else {
            deep = true;
        }
    }
    if device.peripherals.is_empty() {
        out.push(Diagnostic::error(
            DiagnosticKind::NoPeripherals,
            "",
            "the description has no peripherals; there is nothing to generate",
        ));
    }
    if !deep {
        collisions::check_device(&device, &mut out);
    }
    if out.iter().any(Diagnostic::is_error) {
        return Err(out);
    }
    Ok((Validated(device), out))
}

/// Every diagnostic validation has for `device` (errors and warnings, in
/// input order), without keeping the repaired model: what a linter or a
/// test asks.
pub fn check(device: &Device) -> Vec<Diagnostic> {
    // Cloning recurses: a model nested too deep gets its depth error only.
    let mut deep = Vec::new();
    for peripheral in &device.peripherals {
        layout::check_depth(peripheral, &mut deep);
    }
    if !deep.is_empty() {
        return deep;
    }
    match validate(device.clone()) {
        Ok((_, diagnostics)) | Err(diagnostics) => diagnostics,
    }
}

/// Repairs one peripheral's items, then warns about what stays as written.
fn repair_peripheral(peripheral: &mut Peripheral, out: &mut Vec<Diagnostic>) {
    let path = peripheral.name.clone();
    repair_items(&mut peripheral.items, &path, out);
    registers::check_block_extent(peripheral, out);
}

/// Repairs a block's items bottom-up (bounded by [`MAX_CLUSTER_DEPTH`]):
/// registers and fields first, then each cluster once its contents are
/// final, then the extents, which depend on both.
fn repair_items(items: &mut Vec<Item>, path: &str, out: &mut Vec<Diagnostic>) {
    items.retain_mut(|item| match item {
        Item::Register(register) => {
            let register_path = join(path, &register.name);
            registers::repair(register, &register_path, out)
        }
        Item::Cluster(cluster) => {
            let cluster_path = join(path, &cluster.name);
            repair_items(&mut cluster.items, &cluster_path, out);
            layout::keep_cluster(cluster, &cluster_path, out)
        }
    });
    layout::drop_overflowing(items, path, out);
    registers::check_overlaps(items, path, out);
}

/// Every register of `items`, nested clusters included, with one past the
/// last byte of its last element (relative to the block, saturating) and
/// its dotted path.
fn for_each_register<'a>(
    items: &'a [Item],
    path: &str,
    base: u64,
    visit: &mut impl FnMut(&'a Register, u64, &str),
) {
    let last = |dim: &Option<crate::ir::Dim>| {
        dim.as_ref().map_or(0, |d| {
            u64::from(d.count.saturating_sub(1)).saturating_mul(d.stride)
        })
    };
    for item in items {
        match item {
            Item::Register(register) => {
                let end = base
                    .saturating_add(register.offset)
                    .saturating_add(last(&register.dim))
                    .saturating_add(u64::from(register.size / 8));
                visit(register, end, &join(path, &register.name));
            }
            Item::Cluster(cluster) => {
                let start = base
                    .saturating_add(cluster.offset)
                    .saturating_add(last(&cluster.dim));
                for_each_register(&cluster.items, &join(path, &cluster.name), start, visit);
            }
        }
    }
}

/// `path.name`, or `name` at the top.
fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// `width` ones from bit 0 (all 64 from 64 up).
fn ones(width: u32) -> u64 {
    if width >= 64 {
        u64::MAX
    } else {
        (1u64 << width) - 1
    }
}
