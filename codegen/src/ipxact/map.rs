//! Component, memory maps, banks and address blocks -> device and
//! peripherals.
//!
//! Addresses in IP-XACT count address units of `addressUnitBits` bits
//! (8 unless the map says otherwise); the IR counts bytes, so every
//! address, offset and range is scaled by `addressUnitBits / 8` (a map
//! whose unit is not a whole number of bytes is refused).

use roxmltree::Node;

use crate::diagnostic::DiagnosticKind;
use crate::ir::{Device, Peripheral};

use super::element::{self, Inherited, Scale};
use super::register;
use super::{Context, join};

/// Reads the component.
pub(super) fn component<'a, 'input>(
    root: Node<'a, 'input>,
    context: &mut Context<'a, 'input>,
) -> Device {
    let name = context
        .text(root, "name")
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "component".to_string());
    let description = context.text(root, "description").filter(|d| !d.is_empty());
    for definitions in ["typeDefinitions", "memoryMapDefinitions"] {
        if let Some(node) = context.child(root, definitions) {
            let message = format!(
                "`{definitions}` ({} type definitions) are not read: \
                 elements that refer to them are left out",
                context.dialect().label()
            );
            context.warn(DiagnosticKind::IgnoredElement, "", node, message);
        }
    }
    let mut maps = Vec::new();
    if let Some(list) = context.child(root, "memoryMaps") {
        maps.extend(context.children(list, "memoryMap"));
    }
    if let Some(list) = context.child(root, "addressSpaces") {
        for space in context.children(list, "addressSpace").collect::<Vec<_>>() {
            maps.extend(context.child(space, "localMemoryMap"));
        }
    }
    let mut placed = Vec::new();
    for map in maps {
        memory_map(map, context, &mut placed);
    }
    disambiguate(&mut placed);
    let peripherals: Vec<Peripheral> = placed.into_iter().map(Placed::into_peripheral).collect();
    if peripherals.is_empty() {
        let message = "the component has no address block with registers \
                       (in `memoryMaps` or an address space's `localMemoryMap`)"
            .to_string();
        context.warn(DiagnosticKind::MissingElement, "", root, message);
    }
    Device {
        name,
        description,
        peripherals,
    }
}

/// A peripheral with the map it came from, until names are settled.
struct Placed {
    map: String,
    peripheral: Peripheral,
}

fn memory_map<'a, 'input>(
    map: Node<'a, 'input>,
    context: &mut Context<'a, 'input>,
    out: &mut Vec<Placed>,
) {
    if !element::present(map, "", context) {
        return;
    }
    let map_name = context.text(map, "name").unwrap_or_default();
    if context.child(map, "memoryMapDefinitionRef").is_some() {
        let message = format!(
            "memory map `{map_name}` refers to a definition ({}), which is not read",
            context.dialect().label()
        );
        context.error(DiagnosticKind::IgnoredElement, &map_name, map, message);
        return;
    }
    let Some(scale) = unit_scale(map, &map_name, context) else {
        return;
    };
    for remap in context.children(map, "memoryRemap").collect::<Vec<_>>() {
        let remap_name = context.text(remap, "name").unwrap_or_default();
        let message = format!(
            "memory remap `{remap_name}` is not read: only the default map of `{map_name}` is generated"
        );
        context.warn(DiagnosticKind::IgnoredElement, &map_name, remap, message);
    }
    let children: Vec<Node> = map.children().filter(Node::is_element).collect();
    for child in children {
        if context.is(child, "addressBlock") {
            let Some(base) = address(child, "baseAddress", &map_name, context) else {
                continue;
            };
            block(child, &map_name, base, scale, context, out);
        } else if context.is(child, "bank") {
            let Some(base) = address(child, "baseAddress", &map_name, context) else {
                continue;
            };
            bank(child, &map_name, base, scale, context, out);
        } else if context.is(child, "subspaceMap") {
            let message =
                "subspace map is not read: registers of other maps it brings in are not generated"
                    .to_string();
            context.warn(DiagnosticKind::IgnoredElement, &map_name, child, message);
        }
    }
}

/// The map's `addressUnitBits` as bytes per unit (a local memory map's are
/// its address space's).
fn unit_scale<'a, 'input>(
    map: Node<'a, 'input>,
    map_name: &str,
    context: &mut Context<'a, 'input>,
) -> Option<Scale> {
    let holder = if context.is(map, "localMemoryMap") {
        map.parent_element().unwrap_or(map)
    } else {
        map
    };
    let Some(node) = context.child(holder, "addressUnitBits") else {
        return Some(Scale::default());
    };
    let bits = match context.evaluate(node) {
        Ok(bits) => bits,
        Err(message) => {
            context.error(DiagnosticKind::BadExpression, map_name, node, message);
            return None;
        }
    };
    match u64::try_from(bits) {
        Ok(bits) if bits > 0 && bits % 8 == 0 && bits <= 64 => Some(Scale {
            bytes_per_unit: bits / 8,
        }),
        _ => {
            let message = format!(
                "`addressUnitBits` is {bits}: only a whole number of bytes up to 64 bits \
                 map onto byte addresses"
            );
            context.error(DiagnosticKind::NonStandardValue, map_name, node, message);
            None
        }
    }
}

/// An address-valued child (in units), required.
fn address<'a, 'input>(
    node: Node<'a, 'input>,
    element: &str,
    path: &str,
    context: &mut Context<'a, 'input>,
) -> Option<u64> {
    let Some(child) = context.child(node, element) else {
        let name = context.text(node, "name").unwrap_or_default();
        let message = format!("`{name}` has no `{element}`");
        context.error(DiagnosticKind::MissingElement, path, node, message);
        return None;
    };
    element::unsigned(child, element, path, context)
}

/// A bank and its contents, laid out from `base` (units). Returns the
/// bank's span in units.
fn bank<'a, 'input>(
    node: Node<'a, 'input>,
    map_name: &str,
    base: u64,
    scale: Scale,
    context: &mut Context<'a, 'input>,
    out: &mut Vec<Placed>,
) -> Option<u64> {
    if !element::present(node, map_name, context) {
        return Some(0);
    }
    let bank_name = context.text(node, "name").unwrap_or_default();
    let path = join(map_name, &bank_name);
    let serial = match context.attribute(node, "bankAlignment") {
        Some("serial") => true,
        Some("parallel") => false,
        other => {
            let message = format!(
                "bank alignment `{}` is neither `serial` nor `parallel`",
                other.unwrap_or("")
            );
            context.error(DiagnosticKind::NonStandardValue, &path, node, message);
            return None;
        }
    };
    let mut cursor = base;
    let mut span: u64 = 0;
    let children: Vec<Node> = node.children().filter(Node::is_element).collect();
    let mut parallel_blocks = 0usize;
    for child in children {
        let at = if serial { cursor } else { base };
        let size = if context.is(child, "addressBlock") {
            parallel_blocks += 1;
            block(child, map_name, at, scale, context, out)
        } else if context.is(child, "bank") {
            bank(child, map_name, at, scale, context, out)
        } else {
            if context.is(child, "subspaceMap") {
                let message = "subspace map in a bank is not read".to_string();
                context.warn(DiagnosticKind::IgnoredElement, &path, child, message);
            }
            continue;
        };
        let size = size?;
        if serial {
            let Some(next) = cursor.checked_add(size) else {
                let message = "the bank's blocks reach past the 64-bit address space".to_string();
                context.error(DiagnosticKind::AddressOverflow, &path, child, message);
                return None;
            };
            cursor = next;
            span = next - base;
        } else {
            span = span.max(size);
        }
    }
    if !serial && parallel_blocks > 1 {
        let message = format!(
            "parallel bank: its {parallel_blocks} blocks share the base address and are \
             generated as separate peripherals there (their data-lane positions are not modelled)"
        );
        context.warn(DiagnosticKind::IgnoredElement, &path, node, message);
    }
    Some(span)
}

/// An address block at `base` (units) -> a peripheral. Returns its range in
/// units (declared, or implied by its registers).
fn block<'a, 'input>(
    node: Node<'a, 'input>,
    map_name: &str,
    base: u64,
    scale: Scale,
    context: &mut Context<'a, 'input>,
    out: &mut Vec<Placed>,
) -> Option<u64> {
    if !element::present(node, map_name, context) {
        return Some(0);
    }
    let name = context.text(node, "name").unwrap_or_default();
    let path = name.clone();
    if context.child(node, "addressBlockDefinitionRef").is_some() {
        let message = "address block refers to a type definition, which is not read".to_string();
        context.error(DiagnosticKind::IgnoredElement, &path, node, message);
        return None;
    }
    let access = element::access_of(node, &path, context);
    let default_size = context
        .child(node, "width")
        .and_then(|width| element::unsigned(width, "width", &path, context));
    let items = register::items(
        node,
        &path,
        Inherited {
            access,
            size: default_size
                .and_then(|size| u32::try_from(size).ok())
                .filter(|size| *size > 0),
        },
        scale,
        context,
    );
    let base_address = scale.bytes(base, "baseAddress", &path, node, context)?;
    let range = match context.child(node, "range") {
        Some(range) => element::unsigned(range, "range", &path, context)?,
        None => {
            let end = register::extent(&items);
            let units = end.div_ceil(scale.bytes_per_unit);
            let message = format!(
                "address block has no `range`; its registers imply {units:#x} address units"
            );
            context.warn(DiagnosticKind::MissingElement, &path, node, message);
            units
        }
    };
    let size = scale.bytes(range, "range", &path, node, context)?;
    let description = context.text(node, "description").filter(|d| !d.is_empty());
    out.push(Placed {
        map: map_name.to_string(),
        peripheral: Peripheral {
            name,
            description,
            group: None,
            base_address,
            size: Some(size),
            derived_from: None,
            items,
            location: Some(context.location(node)),
        },
    });
    Some(range)
}

/// Peripheral names must be unique in the device: a block name used in
/// several maps becomes `MAP_BLOCK` in each.
fn disambiguate(placed: &mut [Placed]) {
    let mut counts = std::collections::HashMap::new();
    for entry in placed.iter() {
        *counts
            .entry(entry.peripheral.name.to_ascii_lowercase())
            .or_insert(0usize) += 1;
    }
    for entry in placed.iter_mut() {
        if counts
            .get(&entry.peripheral.name.to_ascii_lowercase())
            .is_some_and(|count| *count > 1)
            && !entry.map.is_empty()
        {
            entry.peripheral.name = format!("{}_{}", entry.map, entry.peripheral.name);
        }
    }
}

impl Placed {
    /// The peripheral.
    fn into_peripheral(self) -> Peripheral {
        self.peripheral
    }
}
