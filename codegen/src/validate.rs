//! Checks over the IR, collecting every problem before anything is reported.
//!
//! Validation only reads the IR. Defects whose meaning is plain are warnings
//! (the emitter resolves them deterministically); input that cannot be turned
//! into correct register accesses is an error.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::ir::{
    Cluster, Device, EnumeratedValues, Field, Item, Location, Peripheral, Register, WriteConstraint,
};

/// The deepest nesting of clusters accepted (a cluster directly in a
/// peripheral is at depth 1). Deeper input is an error ([`DiagnosticKind::TooDeep`])
/// reported before any recursive check, so neither validation, array
/// inference nor the emitter recurses without bound. Real devices nest two
/// or three levels.
pub const MAX_CLUSTER_DEPTH: usize = 64;

/// Every problem in `device`, warnings and errors, in input order.
pub fn validate(device: &Device) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_peripheral_names(device, &mut out);
    for peripheral in &device.peripherals {
        // The other checks recurse; they run only when the nesting is
        // bounded.
        if check_layout(peripheral, &mut out) {
            check_peripheral(peripheral, &mut out);
        }
    }
    out
}

/// The errors that stop generation because the emitter could not produce
/// correct code at all: nesting too deep, extents past `u64::MAX`,
/// misaligned clusters. [`crate::generate_with`] runs these on any device it
/// is given, validated or not, so the emitter and array inference never see
/// such input.
pub fn layout_errors(device: &Device) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for peripheral in &device.peripherals {
        check_layout(peripheral, &mut out);
    }
    out.retain(Diagnostic::is_error);
    out
}

/// Nesting depth (iteratively), then extents and cluster alignment;
/// `false` if the nesting is too deep to look further.
fn check_layout(peripheral: &Peripheral, out: &mut Vec<Diagnostic>) -> bool {
    if !check_depth(peripheral, out) {
        return false;
    }
    let _ = extent(&peripheral.items, &peripheral.name, out);
    true
}

/// Errors on the first cluster nested deeper than [`MAX_CLUSTER_DEPTH`];
/// `false` if there is one.
fn check_depth(peripheral: &Peripheral, out: &mut Vec<Diagnostic>) -> bool {
    let Some(cluster) = too_deep(&peripheral.items) else {
        return true;
    };
    out.push(
        Diagnostic::error(
            DiagnosticKind::TooDeep,
            format!("{}.….{}", peripheral.name, cluster.name),
            format!(
                "clusters are nested more than {MAX_CLUSTER_DEPTH} deep here; \
                 the limit is {MAX_CLUSTER_DEPTH}"
            ),
        )
        .at(cluster.location.clone()),
    );
    false
}

/// The first cluster in `items` nested deeper than [`MAX_CLUSTER_DEPTH`]
/// (a cluster in `items` is at depth 1), found with an explicit stack.
pub(crate) fn too_deep(items: &[Item]) -> Option<&Cluster> {
    let mut stack: Vec<(&[Item], usize)> = vec![(items, 0)];
    while let Some((items, depth)) = stack.pop() {
        for item in items {
            let Item::Cluster(cluster) = item else {
                continue;
            };
            let depth = depth.saturating_add(1);
            if depth > MAX_CLUSTER_DEPTH {
                return Some(cluster);
            }
            stack.push((&cluster.items, depth));
        }
    }
    None
}

/// One past the last byte of the last element of an array of `count`
/// elements `stride` apart, each `span` bytes, from `offset`; `None` past
/// `u64::MAX`.
pub(crate) fn array_end(offset: u64, count: u32, stride: u64, span: u64) -> Option<u64> {
    u64::from(count.saturating_sub(1))
        .checked_mul(stride)?
        .checked_add(offset)?
        .checked_add(span)
}

/// Bytes a register's integer type spans (its width rounded up to 8, 16, 32
/// or 64 bits, as the emitter's types do).
fn register_span(register: &Register) -> u64 {
    u64::from(register.size.div_ceil(8).clamp(1, 8).next_power_of_two())
}

/// One past the last byte any item in `items` touches, checked; errors (at
/// the item) for every item whose extent does not fit, and for misaligned
/// clusters. `None` if anything did not fit.
fn extent(items: &[Item], path: &str, out: &mut Vec<Diagnostic>) -> Option<u64> {
    let mut end = Some(0u64);
    for item in items {
        let item_end = match item {
            Item::Register(register) => {
                let (count, stride) = register
                    .dim
                    .as_ref()
                    .map_or((1, 0), |d| (d.count, d.stride));
                let found = array_end(register.offset, count, stride, register_span(register));
                if found.is_none() {
                    out.push(overflow(
                        join(path, &register.name),
                        register.location.clone(),
                        "register",
                        register.offset,
                        count,
                        stride,
                    ));
                }
                found
            }
            Item::Cluster(cluster) => {
                let cluster_path = join(path, &cluster.name);
                let inner = extent(&cluster.items, &cluster_path, out);
                check_cluster_alignment(cluster, &cluster_path, out);
                let (count, stride) = cluster.dim.as_ref().map_or((1, 0), |d| (d.count, d.stride));
                let found = inner.and_then(|inner| array_end(cluster.offset, count, stride, inner));
                if inner.is_some() && found.is_none() {
                    out.push(overflow(
                        cluster_path,
                        cluster.location.clone(),
                        "cluster",
                        cluster.offset,
                        count,
                        stride,
                    ));
                }
                found
            }
        };
        end = match (end, item_end) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
    }
    end
}

fn overflow(
    path: String,
    location: Option<Location>,
    what: &str,
    offset: u64,
    count: u32,
    stride: u64,
) -> Diagnostic {
    let elements = if count > 1 {
        format!(" with {count} elements every `{stride:#x}` bytes")
    } else {
        String::new()
    };
    Diagnostic::error(
        DiagnosticKind::AddressOverflow,
        path,
        format!(
            "{what} at offset `{offset:#x}`{elements} does not fit in the 64-bit address space"
        ),
    )
    .at(location)
}

/// Errors when a cluster's offset or stride is not a multiple of its widest
/// register: its block type is placed at that offset and checks its
/// alignment.
fn check_cluster_alignment(cluster: &Cluster, path: &str, out: &mut Vec<Diagnostic>) {
    let align = widest(&cluster.items);
    let stride = cluster
        .dim
        .as_ref()
        .filter(|d| d.count > 1)
        .map(|d| d.stride);
    let problem = if !cluster.offset.is_multiple_of(align) {
        Some(format!("offset `{:#x}`", cluster.offset))
    } else {
        stride
            .filter(|stride| stride % align != 0)
            .map(|stride| format!("array stride `{stride:#x}`"))
    };
    if let Some(problem) = problem {
        out.push(
            Diagnostic::error(
                DiagnosticKind::MisalignedCluster,
                path,
                format!(
                    "cluster {problem} is not a multiple of its widest register ({align} bytes)"
                ),
            )
            .at(cluster.location.clone()),
        );
    }
}

/// The widest register in `items` (nested clusters included), in bytes; 1
/// when there is none.
fn widest(items: &[Item]) -> u64 {
    items
        .iter()
        .map(|item| match item {
            Item::Register(register) => register_span(register),
            Item::Cluster(cluster) => widest(&cluster.items),
        })
        .max()
        .unwrap_or(1)
}

fn check_peripheral_names(device: &Device, out: &mut Vec<Diagnostic>) {
    let names = device
        .peripherals
        .iter()
        .map(|p| (p.name.as_str(), p.location.clone()));
    check_collisions(names, "", "peripheral", out);
}

fn check_peripheral(peripheral: &Peripheral, out: &mut Vec<Diagnostic>) {
    let path = peripheral.name.clone();
    check_items(&peripheral.items, &path, out);
    if let Some(size) = peripheral.size {
        for (register, offset, register_path) in flatten(&peripheral.items, &path, 0) {
            let end = offset.saturating_add(u64::from(register.size / 8));
            if end > size {
                out.push(
                    Diagnostic::warning(
                        DiagnosticKind::RegisterPastBlock,
                        register_path,
                        format!(
                            "register ends at offset `{end:#x}`, past the address block of `{size:#x}` bytes"
                        ),
                    )
                    .at(register.location.clone()),
                );
                break;
            }
        }
    }
}

/// Checks one block's registers and clusters (recursively).
fn check_items(items: &[Item], path: &str, out: &mut Vec<Diagnostic>) {
    let names = items.iter().map(|item| match item {
        Item::Register(register) => (register.name.as_str(), register.location.clone()),
        Item::Cluster(cluster) => (cluster.name.as_str(), cluster.location.clone()),
    });
    check_collisions(names, path, "register or cluster", out);
    check_overlaps(items, path, out);
    for item in items {
        match item {
            Item::Register(register) => check_register(register, &join(path, &register.name), out),
            Item::Cluster(cluster) => check_cluster(cluster, path, out),
        }
    }
}

fn check_cluster(cluster: &Cluster, parent: &str, out: &mut Vec<Diagnostic>) {
    let path = join(parent, &cluster.name);
    if let Some(dim) = &cluster.dim {
        check_dim_names(
            dim.count,
            &dim.index_names,
            &path,
            cluster.location.clone(),
            out,
        );
        if dim.count == 0 {
            out.push(
                Diagnostic::error(
                    DiagnosticKind::BadArray,
                    path.clone(),
                    "cluster array has no elements",
                )
                .at(cluster.location.clone()),
            );
        }
    }
    check_items(&cluster.items, &path, out);
}

fn check_register(register: &Register, path: &str, out: &mut Vec<Diagnostic>) {
    let location = || register.location.clone();
    if !matches!(register.size, 8 | 16 | 32 | 64) {
        out.push(
            Diagnostic::error(
                DiagnosticKind::UnsupportedWidth,
                path,
                format!(
                    "register width `{}` bits is not one of 8, 16, 32 or 64",
                    register.size
                ),
            )
            .at(location()),
        );
        return;
    }
    let bytes = u64::from(register.size / 8);
    if !register.offset.is_multiple_of(bytes) {
        out.push(
            Diagnostic::error(
                DiagnosticKind::MisalignedRegister,
                path,
                format!(
                    "offset `{:#x}` is not a multiple of the register width ({bytes} bytes)",
                    register.offset
                ),
            )
            .at(location()),
        );
    }
    if let Some(dim) = &register.dim {
        check_dim_names(dim.count, &dim.index_names, path, location(), out);
        if dim.count == 0 {
            out.push(
                Diagnostic::error(
                    DiagnosticKind::BadArray,
                    path,
                    "register array has no elements",
                )
                .at(location()),
            );
        } else if dim.count > 1 && dim.stride % bytes != 0 {
            out.push(
                Diagnostic::error(
                    DiagnosticKind::MisalignedRegister,
                    path,
                    format!("array stride `{:#x}` is not a multiple of the register width ({bytes} bytes)", dim.stride),
                )
                .at(location()),
            );
        } else if dim.count > 1 && dim.stride < bytes {
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
    check_register_properties(register, path, out);
    let names = register
        .fields
        .iter()
        .map(|field| (field.name.as_str(), field.location.clone()));
    check_collisions(names, path, "field", out);
    for field in &register.fields {
        check_field(field, register, &join(path, &field.name), out);
    }
    check_field_overlaps(register, path, out);
}

/// Warns about register-level properties that cannot take effect: a write
/// action or a DMA mark on a read-only register, a word order on a register
/// that is not 64 bits wide.
fn check_register_properties(register: &Register, path: &str, out: &mut Vec<Diagnostic>) {
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

/// `width` ones from bit 0 (all 64 from 64 up).
fn ones(width: u32) -> u64 {
    if width >= 64 {
        u64::MAX
    } else {
        (1u64 << width) - 1
    }
}

fn check_field(field: &Field, register: &Register, path: &str, out: &mut Vec<Diagnostic>) {
    let location = || field.location.clone();
    if let Some(WriteConstraint::Range { min, max }) = &field.write_constraint
        && min > max
    {
        out.push(
            Diagnostic::error(
                DiagnosticKind::BadConstraint,
                path,
                format!("write constraint `{min}..={max}` allows no value (minimum above maximum)"),
            )
            .at(location()),
        );
    }
    if field.width == 0 {
        out.push(
            Diagnostic::warning(
                DiagnosticKind::FieldPastRegister,
                path,
                "field has zero width; it is left out",
            )
            .at(location()),
        );
        return;
    }
    let (count, stride) = field
        .dim
        .as_ref()
        .map_or((1, 0), |dim| (u64::from(dim.count), dim.stride));
    let last_end = stride
        .saturating_mul(count.saturating_sub(1))
        .saturating_add(u64::from(field.lsb))
        .saturating_add(u64::from(field.width));
    if last_end > u64::from(register.size) {
        out.push(
            Diagnostic::warning(
                DiagnosticKind::FieldPastRegister,
                path,
                format!(
                    "field ends at bit `{}`, past the {}-bit register; it is left out",
                    last_end.saturating_sub(1),
                    register.size
                ),
            )
            .at(location()),
        );
    }
    if let Some(dim) = &field.dim {
        check_dim_names(dim.count, &dim.index_names, path, location(), out);
        if dim.count > 1 && dim.stride < u64::from(field.width) {
            out.push(
                Diagnostic::warning(
                    DiagnosticKind::OverlappingFields,
                    path,
                    format!(
                        "field array stride `{}` is smaller than the field width `{}`",
                        dim.stride, field.width
                    ),
                )
                .at(location()),
            );
        }
    }
    for set in &field.enums {
        check_enum_set(set, field, path, out);
    }
}

fn check_enum_set(set: &EnumeratedValues, field: &Field, path: &str, out: &mut Vec<Diagnostic>) {
    let location = || field.location.clone();
    let limit = if field.width >= 64 {
        u64::MAX
    } else {
        (1u64 << field.width) - 1
    };
    let mut by_value: BTreeMap<u64, &str> = BTreeMap::new();
    let mut by_name: BTreeMap<String, &str> = BTreeMap::new();
    for value in &set.values {
        let value_path = join(path, &value.name);
        if let Some(number) = value.value {
            if number > limit {
                out.push(
                    Diagnostic::warning(
                        DiagnosticKind::EnumValueTooWide,
                        value_path.clone(),
                        format!(
                            "value `{number:#x}` does not fit in the {}-bit field; it is left out",
                            field.width
                        ),
                    )
                    .at(location()),
                );
            } else if let Some(first) = by_value.insert(number, &value.name) {
                out.push(
                    Diagnostic::warning(
                        DiagnosticKind::DuplicateEnumValue,
                        value_path.clone(),
                        format!(
                            "value `{number:#x}` is also named `{first}`; the first name is kept"
                        ),
                    )
                    .at(location()),
                );
            }
        }
        if let Some(first) = by_name.insert(rust_key(&value.name), &value.name) {
            out.push(
                Diagnostic::warning(
                    DiagnosticKind::DuplicateEnumValue,
                    value_path,
                    format!(
                        "name `{}` collides with `{first}`; the later one is renamed",
                        value.name
                    ),
                )
                .at(location()),
            );
        }
    }
    if let Some(WriteConstraint::Range { min, max }) = &field.write_constraint {
        let outside: Vec<String> = set
            .values
            .iter()
            .filter(|v| v.value.is_some_and(|n| n < *min || n > *max))
            .map(|v| format!("`{}`", v.name))
            .collect();
        if !outside.is_empty() && set.usage != crate::ir::Usage::Read {
            out.push(
                Diagnostic::warning(
                    DiagnosticKind::ContradictoryConstraint,
                    path,
                    format!(
                        "write constraint `{min}..={max}` excludes enumerated values {}",
                        outside.join(", ")
                    ),
                )
                .at(location()),
            );
        }
    }
}

/// Warns about registers (array elements expanded) that share bytes, unless
/// either is declared as an alternate.
fn check_overlaps(items: &[Item], path: &str, out: &mut Vec<Diagnostic>) {
    let mut spans: Vec<(u64, u64, String, bool, Option<Location>)> = Vec::new();
    for item in items {
        let Item::Register(register) = item else {
            continue;
        };
        let bytes = u64::from(register.size / 8).max(1);
        let alternate = register.alternate_register.is_some() || register.alternate_group.is_some();
        let (count, stride) = register
            .dim
            .as_ref()
            .map_or((1, 0), |d| (u64::from(d.count), d.stride));
        for index in 0..count.min(4096) {
            let start = register.offset.saturating_add(index.saturating_mul(stride));
            spans.push((
                start,
                start.saturating_add(bytes),
                register.name.clone(),
                alternate,
                register.location.clone(),
            ));
        }
    }
    spans.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
    let mut reported = std::collections::BTreeSet::new();
    let mut furthest: Option<(u64, String, bool)> = None;
    for (start, end, name, alternate, location) in spans {
        if let Some((furthest_end, other, other_alternate)) = &furthest
            && start < *furthest_end
            && *other != name
            && !alternate
            && !other_alternate
            && reported.insert((other.clone(), name.clone()))
        {
            out.push(
                Diagnostic::warning(
                    DiagnosticKind::OverlappingRegisters,
                    join(path, &name),
                    format!("register at offset `{start:#x}` overlaps register `{other}`"),
                )
                .at(location),
            );
        }
        if furthest
            .as_ref()
            .is_none_or(|(furthest_end, ..)| end > *furthest_end)
        {
            furthest = Some((end, name, alternate));
        }
    }
}

fn check_field_overlaps(register: &Register, path: &str, out: &mut Vec<Diagnostic>) {
    let mut claimed: Vec<(u64, &Field)> = Vec::new();
    for field in &register.fields {
        let mut mask = 0u64;
        let (count, stride) = field
            .dim
            .as_ref()
            .map_or((1, 0), |d| (u64::from(d.count), d.stride));
        for index in 0..count.min(64) {
            let shift = index
                .saturating_mul(stride)
                .saturating_add(u64::from(field.lsb));
            if shift < 64 {
                let ones = if field.width >= 64 {
                    u64::MAX
                } else {
                    (1u64 << field.width) - 1
                };
                mask |= ones << shift;
            }
        }
        if let Some((_, other)) = claimed
            .iter()
            .find(|(other_mask, _)| other_mask & mask != 0)
        {
            out.push(
                Diagnostic::warning(
                    DiagnosticKind::OverlappingFields,
                    join(path, &field.name),
                    format!("field overlaps field `{}`", other.name),
                )
                .at(field.location.clone()),
            );
        }
        claimed.push((mask, field));
    }
}

fn check_dim_names(
    count: u32,
    index_names: &[String],
    path: &str,
    location: Option<Location>,
    out: &mut Vec<Diagnostic>,
) {
    if !index_names.is_empty() && index_names.len() != count as usize {
        out.push(
            Diagnostic::error(
                DiagnosticKind::BadArray,
                path,
                format!(
                    "array of {count} elements lists {} index names",
                    index_names.len()
                ),
            )
            .at(location),
        );
    }
}

/// Warns about names in one scope that turn into the same Rust identifier.
fn check_collisions<'a>(
    names: impl Iterator<Item = (&'a str, Option<Location>)>,
    path: &str,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (name, location) in names {
        if let Some(first) = seen.insert(rust_key(name), name) {
            let message = if first == name {
                format!(
                    "{what} name `{name}` is used twice in one scope; the later one gets a suffix"
                )
            } else {
                format!(
                    "{what} name `{name}` becomes the same Rust identifier as `{first}`; the later one gets a suffix"
                )
            };
            out.push(
                Diagnostic::warning(DiagnosticKind::NameCollision, join(path, name), message)
                    .at(location),
            );
        }
    }
}

/// The identifier a name turns into, up to case: array markers dropped, runs of
/// other characters folded to one `_`.
fn rust_key(name: &str) -> String {
    let stripped = crate::ir::strip_placeholder(name);
    let mut key = String::new();
    for character in stripped.chars() {
        if character.is_ascii_alphanumeric() {
            key.push(character.to_ascii_lowercase());
        } else if !key.ends_with('_') {
            key.push('_');
        }
    }
    key.trim_matches('_').to_string()
}

/// Registers of a block with their absolute offsets (clusters and array
/// elements expanded; only the last element of an array matters for extent).
fn flatten<'a>(items: &'a [Item], path: &str, base: u64) -> Vec<(&'a Register, u64, String)> {
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::Register(register) => {
                let last = register.dim.as_ref().map_or(0, |d| {
                    u64::from(d.count.saturating_sub(1)).saturating_mul(d.stride)
                });
                out.push((
                    register,
                    base.saturating_add(register.offset).saturating_add(last),
                    join(path, &register.name),
                ));
            }
            Item::Cluster(cluster) => {
                let last = cluster.dim.as_ref().map_or(0, |d| {
                    u64::from(d.count.saturating_sub(1)).saturating_mul(d.stride)
                });
                let start = base.saturating_add(cluster.offset).saturating_add(last);
                out.extend(flatten(&cluster.items, &join(path, &cluster.name), start));
            }
        }
    }
    out
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}
