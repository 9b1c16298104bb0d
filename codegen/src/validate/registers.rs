//! Registers: width, alignment and arrays (repaired by leaving the register
//! out), overlaps and properties that cannot take effect (warnings).

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::ir::{Dim, Item, Location, Peripheral, Register};

use super::layout::left_out;
use super::{fields, join, ones};

/// Whether to keep `register`; repairs its fields and warns about its
/// properties on the way. A register with an unsupported width, a
/// misaligned offset or stride, or a malformed array is left out.
pub(super) fn repair(register: &mut Register, path: &str, out: &mut Vec<Diagnostic>) -> bool {
    let location = || register.location.clone();
    let skip = |kind, problem: &str, out: &mut Vec<Diagnostic>| {
        out.push(left_out(kind, path, location(), problem, "register"));
        false
    };
    if !matches!(register.size, 8 | 16 | 32 | 64) {
        let problem = format!(
            "register width `{}` bits is not one of 8, 16, 32 or 64",
            register.size
        );
        return skip(DiagnosticKind::UnsupportedWidth, &problem, out);
    }
    let bytes = u64::from(register.size / 8);
    if !register.offset.is_multiple_of(bytes) {
        let problem = format!(
            "offset `{:#x}` is not a multiple of the register width ({bytes} bytes)",
            register.offset
        );
        return skip(DiagnosticKind::MisalignedRegister, &problem, out);
    }
    if let Some(dim) = &register.dim {
        if dim.count == 0 {
            return skip(
                DiagnosticKind::BadArray,
                "register array has no elements",
                out,
            );
        }
        if !check_dim_names(dim, path, location(), "register", out) {
            return false;
        }
        if dim.count > 1 && dim.stride % bytes != 0 {
            let problem = format!(
                "array stride `{:#x}` is not a multiple of the register width ({bytes} bytes)",
                dim.stride
            );
            return skip(DiagnosticKind::MisalignedRegister, &problem, out);
        }
        if dim.count > 1 && dim.stride < bytes {
            out.push(
                Diagnostic::warning(
                    DiagnosticKind::OverlappingRegisters,
                    path,
                    format!(
                        "array stride `{:#x}` is smaller than the register width ({bytes} bytes)",
                        dim.stride
                    ),
                )
                .at(location()),
            );
        }
    }
    check_properties(register, path, out);
    fields::repair(register, path, out);
    true
}

/// Whether an array's index names match its count; if not, a warning that
/// the element (`what`) is left out.
pub(super) fn check_dim_names(
    dim: &Dim,
    path: &str,
    location: Option<Location>,
    what: &str,
    out: &mut Vec<Diagnostic>,
) -> bool {
    let listed = dim.index_names.len();
    if listed == 0 || u32::try_from(listed).is_ok_and(|n| n == dim.count) {
        return true;
    }
    out.push(left_out(
        DiagnosticKind::BadArray,
        path,
        location,
        &format!("array of {} elements lists {listed} index names", dim.count),
        what,
    ));
    false
}

/// Warns about register-level properties that cannot take effect: a write
/// action or a DMA mark on a read-only register, a word order on a register
/// that is not 64 bits wide, reset bits past the width.
fn check_properties(register: &Register, path: &str, out: &mut Vec<Diagnostic>) {
    let location = || register.location.clone();
    check_reset_width(register, path, out);
    if !register.access.writable() {
        if !register.write_action.is_normal() {
            out.push(
                Diagnostic::warning(
                    DiagnosticKind::AccessMismatch,
                    path,
                    format!(
                        "write action `{}` on a read-only register has no effect",
                        register.write_action.word()
                    ),
                )
                .at(location()),
            );
        }
        if register.dma {
            out.push(
                Diagnostic::warning(
                    DiagnosticKind::AccessMismatch,
                    path,
                    "`dma` on a read-only register has no effect",
                )
                .at(location()),
            );
        }
    }
    if register.size != 64 && !register.word_order.is_low_first() {
        out.push(
            Diagnostic::warning(
                DiagnosticKind::IneffectiveProperty,
                path,
                format!(
                    "word order `{}` on a {}-bit register has no effect (only 64-bit registers are split in two)",
                    register.word_order.word(),
                    register.size
                ),
            )
            .at(location()),
        );
    }
}

/// Warns about a reset value or mask with bits past the register's width:
/// the generated code keeps only the register's bits. A mask of all ones at
/// a wider standard width (inherited from a device or peripheral default) is
/// no defect and draws no warning.
fn check_reset_width(register: &Register, path: &str, out: &mut Vec<Diagnostic>) {
    let width_mask = ones(register.size);
    let inherited_mask = [ones(16), ones(32), ones(64)].contains(&register.reset_mask);
    let checks = [
        ("reset value", register.reset_value, false),
        ("reset mask", register.reset_mask, inherited_mask),
    ];
    for (what, value, exempt) in checks {
        if value & !width_mask != 0 && !exempt {
            out.push(
                Diagnostic::warning(
                    DiagnosticKind::ValueTooWide,
                    path,
                    format!(
                        "{what} `{value:#x}` does not fit in the {}-bit register; truncated to `{:#x}`",
                        register.size,
                        value & width_mask
                    ),
                )
                .at(register.location.clone()),
            );
        }
    }
}

/// Warns about the first register that ends past the peripheral's declared
/// address block (the generated block grows to hold it).
pub(super) fn check_block_extent(peripheral: &Peripheral, out: &mut Vec<Diagnostic>) {
    let Some(size) = peripheral.size else {
        return;
    };
    let mut found = None;
    super::for_each_register(
        &peripheral.items,
        &peripheral.name,
        0,
        &mut |register, end, path| {
            if found.is_none() && end > size {
                found = Some((register.location.clone(), end, path.to_string()));
            }
        },
    );
    if let Some((location, end, path)) = found {
        out.push(
            Diagnostic::warning(
                DiagnosticKind::RegisterPastBlock,
                path,
                format!(
                    "register ends at offset `{end:#x}`, past the address block of `{size:#x}` bytes"
                ),
            )
            .at(location),
        );
    }
}

/// Warns about registers (array elements expanded) of one block that share
/// bytes with another register or a cluster, unless a register involved is
/// declared as an alternate. Two clusters that overlap draw no warning: they
/// are usually alternate views of one block (SVD's `alternateCluster`, as in
/// the SAMD21's `RTC.MODE0`/`MODE1`/`MODE2`), which the model does not
/// record.
pub(super) fn check_overlaps(items: &[Item], path: &str, out: &mut Vec<Diagnostic>) {
    struct Span<'a> {
        start: u64,
        end: u64,
        what: &'static str,
        name: &'a str,
        alternate: bool,
        location: &'a Option<Location>,
    }
    let mut spans: Vec<Span<'_>> = Vec::new();
    for item in items {
        let (what, name, offset, dim, bytes, alternate, location) = match item {
            Item::Register(register) => (
                "register",
                register.name.as_str(),
                register.offset,
                &register.dim,
                u64::from(register.size / 8).max(1),
                register.alternate_register.is_some() || register.alternate_group.is_some(),
                &register.location,
            ),
            Item::Cluster(cluster) => (
                "cluster",
                cluster.name.as_str(),
                cluster.offset,
                &cluster.dim,
                // Repaired contents fit; an empty extent overlaps nothing.
                super::layout::items_end(&cluster.items).unwrap_or(0),
                false,
                &cluster.location,
            ),
        };
        let (count, stride) = dim
            .as_ref()
            .map_or((1, 0), |d| (u64::from(d.count), d.stride));
        for index in 0..count.min(4096) {
            let start = offset.saturating_add(index.saturating_mul(stride));
            spans.push(Span {
                start,
                end: start.saturating_add(bytes),
                what,
                name,
                alternate,
                location,
            });
        }
    }
    spans.sort_by(|a, b| (a.start, a.end, a.name).cmp(&(b.start, b.end, b.name)));
    let mut reported = std::collections::BTreeSet::new();
    let mut furthest: Option<(u64, &str, &str, bool)> = None;
    for span in spans {
        if let Some((furthest_end, other_what, other, other_alternate)) = furthest
            && span.start < furthest_end
            && other != span.name
            && !span.alternate
            && !other_alternate
            && (span.what, other_what) != ("cluster", "cluster")
            && reported.insert((other, span.name))
        {
            out.push(
                Diagnostic::warning(
                    DiagnosticKind::OverlappingRegisters,
                    join(path, span.name),
                    format!(
                        "{} at offset `{:#x}` overlaps {other_what} `{other}`",
                        span.what, span.start
                    ),
                )
                .at(span.location.clone()),
            );
        }
        if furthest.is_none_or(|(furthest_end, ..)| span.end > furthest_end) {
            furthest = Some((span.end, span.what, span.name, span.alternate));
        }
    }
}
