//! Layout: nesting depth, clusters, and extents that must fit in 64 bits.

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::ir::{Cluster, Item, Location, Peripheral, Register};

use super::registers::check_dim_names;

/// The deepest nesting of clusters accepted (a cluster directly in a
/// peripheral is at depth 1). Deeper input is an error
/// ([`DiagnosticKind::TooDeep`]) reported before any recursive pass, so
/// neither validation, array inference nor the emitter recurses without
/// bound. Real devices nest two or three levels.
pub const MAX_CLUSTER_DEPTH: usize = 64;

/// Errors on the first cluster nested deeper than [`MAX_CLUSTER_DEPTH`];
/// `false` if there is one.
pub(super) fn check_depth(peripheral: &Peripheral, out: &mut Vec<Diagnostic>) -> bool {
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
pub(super) fn register_span(register: &Register) -> u64 {
    u64::from(register.size.div_ceil(8).clamp(1, 8).next_power_of_two())
}

/// Whether to keep a cluster whose contents are already repaired: one with
/// a malformed array, no register left, or an offset or stride that is not
/// a multiple of its widest register is left out, with a warning.
pub(super) fn keep_cluster(cluster: &Cluster, path: &str, out: &mut Vec<Diagnostic>) -> bool {
    let location = || cluster.location.clone();
    if let Some(dim) = &cluster.dim {
        if dim.count == 0 {
            out.push(left_out(
                DiagnosticKind::BadArray,
                path,
                location(),
                "cluster array has no elements",
                "cluster",
            ));
            return false;
        }
        if !check_dim_names(dim, path, location(), "cluster", out) {
            return false;
        }
    }
    if cluster.items.is_empty() {
        out.push(left_out(
            DiagnosticKind::MissingElement,
            path,
            location(),
            "cluster has no registers",
            "cluster",
        ));
        return false;
    }
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
        out.push(left_out(
            DiagnosticKind::MisalignedCluster,
            path,
            location(),
            &format!("cluster {problem} is not a multiple of its widest register ({align} bytes)"),
            "cluster",
        ));
        return false;
    }
    true
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

/// One past the last byte `item` touches, relative to its block; `None`
/// past `u64::MAX`. Nested clusters were checked first, so their contents
/// fit.
pub(super) fn item_end(item: &Item) -> Option<u64> {
    match item {
        Item::Register(register) => {
            let (count, stride) = register
                .dim
                .as_ref()
                .map_or((1, 0), |d| (d.count, d.stride));
            array_end(register.offset, count, stride, register_span(register))
        }
        Item::Cluster(cluster) => {
            let inner = items_end(&cluster.items)?;
            let (count, stride) = cluster.dim.as_ref().map_or((1, 0), |d| (d.count, d.stride));
            array_end(cluster.offset, count, stride, inner)
        }
    }
}

/// One past the last byte any of `items` touches; `None` past `u64::MAX`.
pub(super) fn items_end(items: &[Item]) -> Option<u64> {
    items
        .iter()
        .try_fold(0u64, |end, item| Some(end.max(item_end(item)?)))
}

/// Leaves out, with a warning, every item whose extent does not fit in the
/// 64-bit address space.
pub(super) fn drop_overflowing(items: &mut Vec<Item>, path: &str, out: &mut Vec<Diagnostic>) {
    items.retain(|item| {
        if item_end(item).is_some() {
            return true;
        }
        let (what, name, location, offset, dim) = match item {
            Item::Register(r) => ("register", &r.name, &r.location, r.offset, &r.dim),
            Item::Cluster(c) => ("cluster", &c.name, &c.location, c.offset, &c.dim),
        };
        let elements = match dim {
            Some(dim) if dim.count > 1 => {
                format!(
                    " with {} elements every `{:#x}` bytes",
                    dim.count, dim.stride
                )
            }
            _ => String::new(),
        };
        out.push(left_out(
            DiagnosticKind::AddressOverflow,
            &super::join(path, name),
            location.clone(),
            &format!(
                "{what} at offset `{offset:#x}`{elements} does not fit in the 64-bit address space"
            ),
            what,
        ));
        false
    });
}

/// A warning for an element that validation leaves out.
pub(super) fn left_out(
    kind: DiagnosticKind,
    path: &str,
    location: Option<Location>,
    problem: &str,
    what: &str,
) -> Diagnostic {
    Diagnostic::warning(kind, path, format!("{problem}; the {what} is left out")).at(location)
}
