//! Resolves `derivedFrom` on peripherals, clusters, registers, fields and
//! enumerated values.
//!
//! A derived element takes from its base everything it does not declare
//! itself; child lists merge by name (the base's children in the base's order,
//! each replaced by the derived element's child of the same name, then the
//! derived element's new children). Its own name, array and location stay its
//! own, and copied children keep their own locations, so diagnostics on them
//! point at the element they came from.
//!
//! Levels are resolved top down (peripherals, then registers and clusters,
//! then fields, then enumerated values), because copying an element copies
//! its children with their own `derivedFrom`s still pending; those then
//! resolve in their new place. Within a level, passes repeat while anything
//! resolves, so forward references and chains of any length work; whatever is left is a
//! missing name or a cycle, and is reported.

use std::collections::HashMap;

use crate::diagnostic::DiagnosticKind;

use super::raw::{
    Derivation, RawCluster, RawDevice, RawEnumSet, RawField, RawItem, RawPeripheral, RawRegister,
    name_matches,
};
use super::{Context, join};

/// Passes always allowed for registers and clusters. Copying a cluster
/// copies its members' pending `derivedFrom`s, which can name the cluster
/// being copied and so nest a copy one level deeper each pass; passes are
/// bounded by this or the number of pending derivations, whichever is larger
/// (every chain of the input's own derivations resolves within that).
const MIN_ITEM_PASSES: usize = 64;

/// Resolves every `derivedFrom` in `device`, reporting those that name
/// nothing or form cycles (they are then dropped: the element keeps what it
/// declares).
pub(super) fn resolve(device: &mut RawDevice, context: &mut Context) {
    peripherals(device, context);
    items(device, context);
    fields(device, context);
    enums(device, context);
}

fn report(
    context: &mut Context,
    path: &str,
    location: &crate::ir::Location,
    derivation: &Derivation,
    exists: bool,
) {
    let target = &derivation.target;
    let message = if exists {
        format!(
            "`derivedFrom` `{target}` cannot be resolved: it derives from this element (a cycle) or contains it"
        )
    } else {
        format!("`derivedFrom` names `{target}`, which does not exist")
    };
    context.warn(
        DiagnosticKind::UnresolvedDerivation,
        path,
        location,
        message,
    );
}

// ---- peripherals -----------------------------------------------------------

fn find_peripheral(device: &RawDevice, wanted: &str, exclude: usize) -> Option<usize> {
    let matches = |(index, peripheral): &(usize, &RawPeripheral)| {
        *index != exclude && name_matches(&peripheral.name, peripheral.dim.as_ref(), wanted)
    };
    device
        .peripherals
        .iter()
        .enumerate()
        .find(matches)
        .map(|(index, _)| index)
}

/// Resolves peripherals by following each chain to its end: the base that
/// derives from nothing is applied first, then each link back down, so a
/// chain of any length resolves in one walk. A chain that comes back to one
/// of its own links is a cycle, reported on every member it reaches with the
/// names around the loop.
fn peripherals(device: &mut RawDevice, context: &mut Context) {
    let count = device.peripherals.len();
    // Whether a peripheral's derivation is known not to resolve.
    let mut failed = vec![false; count];
    for start in 0..count {
        let mut chain = vec![start];
        while let Some(&current) = chain.last() {
            let Some(derivation) = &device.peripherals[current].derived_from else {
                break;
            };
            let Some(base) = find_peripheral(device, &derivation.target, current) else {
                break;
            };
            if failed[base] {
                break;
            }
            if let Some(position) = chain.iter().position(|&link| link == base) {
                report_cycle(device, &chain[position..], context);
                // The loop and what leads into it cannot resolve.
                for &link in &chain {
                    failed[link] = true;
                }
                break;
            }
            if device.peripherals[base].derived_from.is_some() {
                chain.push(base);
                continue;
            }
            // `base` is resolved: apply the chain from its far end down.
            let mut base = base;
            while let Some(link) = chain.pop() {
                let base_peripheral = device.peripherals[base].clone();
                derive_peripheral(&mut device.peripherals[link], &base_peripheral);
                base = link;
            }
            break;
        }
        // Whatever is left on the chain cannot resolve.
        for link in chain {
            if device.peripherals[link].derived_from.is_some() {
                failed[link] = true;
            }
        }
    }
    for index in 0..device.peripherals.len() {
        if let Some(derivation) = device.peripherals[index].derived_from.take() {
            let exists = find_peripheral(device, &derivation.target, index).is_some();
            let peripheral = &device.peripherals[index];
            report(
                context,
                &peripheral.name,
                &peripheral.location,
                &derivation,
                exists,
            );
        }
    }
}

/// Reports the peripherals of `cycle` (each deriving from the next, the last
/// from the first), naming the loop, and clears their derivations so the
/// general report skips them.
fn report_cycle(device: &mut RawDevice, cycle: &[usize], context: &mut Context) {
    let names: Vec<String> = cycle
        .iter()
        .chain(cycle.first())
        .map(|&index| format!("`{}`", device.peripherals[index].name))
        .collect();
    let loop_text = names.join(" -> ");
    for &index in cycle {
        let peripheral = &mut device.peripherals[index];
        if let Some(derivation) = peripheral.derived_from.take() {
            let message = format!(
                "`derivedFrom` `{}` cannot be resolved: it is part of a cycle, {loop_text}",
                derivation.target
            );
            context.warn(
                DiagnosticKind::UnresolvedDerivation,
                &peripheral.name,
                &peripheral.location,
                message,
            );
        }
    }
}

fn derive_peripheral(peripheral: &mut RawPeripheral, base: &RawPeripheral) {
    peripheral.derived_from = None;
    peripheral.resolved_from = Some(base.name.clone());
    fill(&mut peripheral.description, &base.description);
    fill(&mut peripheral.group, &base.group);
    fill(&mut peripheral.base_address, &base.base_address);
    peripheral.properties = peripheral.properties.or(base.properties);
    if peripheral.address_blocks.is_empty() {
        peripheral.address_blocks = base.address_blocks.clone();
    }
    merge_by_name(&mut peripheral.items, &base.items, RawItem::name);
}

fn fill<T: Clone>(own: &mut Option<T>, base: &Option<T>) {
    if own.is_none() {
        own.clone_from(base);
    }
}

/// The base's children in its order, each replaced by `own`'s child of the
/// same name, then `own`'s children the base does not have.
fn merge_by_name<T: Clone>(own: &mut Vec<T>, base: &[T], name: fn(&T) -> &str) {
    if base.is_empty() {
        return;
    }
    if own.is_empty() {
        *own = base.to_vec();
        return;
    }
    let mut own_items: Vec<Option<T>> = std::mem::take(own).into_iter().map(Some).collect();
    let mut merged = Vec::with_capacity(base.len() + own_items.len());
    for base_item in base {
        let replacement = own_items.iter().position(|item| {
            item.as_ref()
                .is_some_and(|item| name(item) == name(base_item))
        });
        match replacement {
            Some(position) => merged.extend(own_items[position].take()),
            None => merged.push(base_item.clone()),
        }
    }
    merged.extend(own_items.into_iter().flatten());
    *own = merged;
}

// ---- registers and clusters ------------------------------------------------

/// A register or cluster: its peripheral and the index path through clusters.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ItemAddress {
    peripheral: usize,
    path: Vec<usize>,
}

impl ItemAddress {
    /// Whether `self` is `other` or one of its ancestors.
    fn contains(&self, other: &ItemAddress) -> bool {
        self.peripheral == other.peripheral && other.path.starts_with(&self.path)
    }
}

/// The members of the block at `scope` (a peripheral when the path is empty).
fn scope_items<'d>(
    device: &'d RawDevice,
    peripheral: usize,
    scope: &[usize],
) -> Option<&'d Vec<RawItem>> {
    let mut list = &device.peripherals.get(peripheral)?.items;
    for &index in scope {
        list = list.get(index)?.children()?;
    }
    Some(list)
}

fn item_at<'d>(device: &'d RawDevice, address: &ItemAddress) -> Option<&'d RawItem> {
    let (last, scope) = address.path.split_last()?;
    scope_items(device, address.peripheral, scope)?.get(*last)
}

fn item_at_mut<'d>(device: &'d mut RawDevice, address: &ItemAddress) -> Option<&'d mut RawItem> {
    let (last, scope) = address.path.split_last()?;
    let mut list = &mut device.peripherals.get_mut(address.peripheral)?.items;
    for &index in scope {
        list = list.get_mut(index)?.children_mut()?;
    }
    list.get_mut(*last)
}

/// Follows dotted `parts` down from `scope`.
fn descend(
    device: &RawDevice,
    peripheral: usize,
    scope: &[usize],
    parts: &[&str],
) -> Option<ItemAddress> {
    let mut path = scope.to_vec();
    let mut list = scope_items(device, peripheral, scope)?;
    for (position, part) in parts.iter().enumerate() {
        let index = list
            .iter()
            .position(|item| name_matches(item.name(), item.dim(), part))?;
        path.push(index);
        if position + 1 < parts.len() {
            list = list[index].children()?;
        }
    }
    Some(ItemAddress { peripheral, path })
}

/// Finds the register or cluster `target` names, seen from `from` (an element
/// in the block `from.path` minus its last index): in the enclosing blocks from
/// the innermost out, then as a path from the top of a peripheral.
fn find_item(
    device: &RawDevice,
    from: &ItemAddress,
    target: &str,
    exclude: Option<&ItemAddress>,
) -> Option<ItemAddress> {
    let parts: Vec<&str> = target.split('.').collect();
    for depth in (0..from.path.len()).rev() {
        if let Some(found) = descend(device, from.peripheral, &from.path[..depth], &parts)
            && exclude != Some(&found)
        {
            return Some(found);
        }
    }
    let (first, rest) = parts.split_first()?;
    if rest.is_empty() {
        return None;
    }
    let peripheral = device
        .peripherals
        .iter()
        .position(|p| name_matches(&p.name, p.dim.as_ref(), first))?;
    descend(device, peripheral, &[], rest).filter(|found| exclude != Some(found))
}

/// Every register and cluster with a pending `derivedFrom`, in document order.
fn pending_items(device: &RawDevice) -> Vec<ItemAddress> {
    fn walk(
        list: &[RawItem],
        peripheral: usize,
        path: &mut Vec<usize>,
        out: &mut Vec<ItemAddress>,
    ) {
        for (index, item) in list.iter().enumerate() {
            path.push(index);
            if item.derived_from().is_some() {
                out.push(ItemAddress {
                    peripheral,
                    path: path.clone(),
                });
            }
            if let Some(children) = item.children() {
                walk(children, peripheral, path, out);
            }
            path.pop();
        }
    }
    let mut out = Vec::new();
    for (peripheral, raw) in device.peripherals.iter().enumerate() {
        walk(&raw.items, peripheral, &mut Vec::new(), &mut out);
    }
    out
}

fn items(device: &mut RawDevice, context: &mut Context) {
    let passes = pending_items(device)
        .len()
        .saturating_add(1)
        .max(MIN_ITEM_PASSES);
    for _ in 0..passes {
        let pending = pending_items(device);
        let mut progress = false;
        // Last first: resolving an element reorders only its own children,
        // which come after it in document order, so the addresses still to
        // visit stay valid.
        for address in pending.iter().rev() {
            let Some(target) = item_at(device, address)
                .and_then(RawItem::derived_from)
                .map(|d| d.target.clone())
            else {
                continue;
            };
            let Some(base_address) = find_item(device, address, &target, Some(address)) else {
                continue;
            };
            // A copy nested past the XML bound would only come from a
            // cluster copied into itself, pass after pass.
            if base_address.contains(address) || address.path.len() > super::nesting::MAX_DEPTH {
                continue;
            }
            let Some(base) = item_at(device, &base_address)
                .filter(|base| base.derived_from().is_none())
                .cloned()
            else {
                continue;
            };
            if let Some(item) = item_at_mut(device, address) {
                derive_item(item, &base);
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
    for address in pending_items(device).iter().rev() {
        let Some(item) = item_at_mut(device, address) else {
            continue;
        };
        let Some(derivation) = item.take_derived_from() else {
            continue;
        };
        let location = item.location().clone();
        let exists = find_item(device, address, &derivation.target, Some(address)).is_some();
        report(
            context,
            &item_path(device, address),
            &location,
            &derivation,
            exists,
        );
    }
}

fn item_path(device: &RawDevice, address: &ItemAddress) -> String {
    let Some(peripheral) = device.peripherals.get(address.peripheral) else {
        return String::new();
    };
    let mut path = peripheral.name.clone();
    for depth in 1..=address.path.len() {
        let partial = ItemAddress {
            peripheral: address.peripheral,
            path: address.path[..depth].to_vec(),
        };
        if let Some(item) = item_at(device, &partial) {
            path = join(&path, item.name());
        }
    }
    path
}

fn derive_item(item: &mut RawItem, base: &RawItem) {
    match (item, base) {
        (RawItem::Register(register), RawItem::Register(base)) => derive_register(register, base),
        (RawItem::Cluster(cluster), RawItem::Cluster(base)) => derive_cluster(cluster, base),
        (RawItem::Register(register), RawItem::Cluster(base)) => {
            // A register cannot take a cluster's members; it takes what both have.
            register.derived_from = None;
            fill(&mut register.description, &base.description);
            fill(&mut register.offset, &base.offset);
            register.properties = register.properties.or(base.properties);
        }
        (RawItem::Cluster(cluster), RawItem::Register(base)) => {
            cluster.derived_from = None;
            fill(&mut cluster.description, &base.description);
            fill(&mut cluster.offset, &base.offset);
            cluster.properties = cluster.properties.or(base.properties);
        }
    }
}

fn derive_cluster(cluster: &mut RawCluster, base: &RawCluster) {
    cluster.derived_from = None;
    fill(&mut cluster.description, &base.description);
    fill(&mut cluster.offset, &base.offset);
    cluster.properties = cluster.properties.or(base.properties);
    merge_by_name(&mut cluster.items, &base.items, RawItem::name);
}

fn derive_register(register: &mut RawRegister, base: &RawRegister) {
    register.derived_from = None;
    fill(&mut register.description, &base.description);
    fill(&mut register.offset, &base.offset);
    register.properties = register.properties.or(base.properties);
    fill(&mut register.read_action, &base.read_action);
    fill(&mut register.write_action, &base.write_action);
    merge_by_name(&mut register.fields, &base.fields, |field: &RawField| {
        &field.name
    });
}

// ---- fields -----------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
struct FieldAddress {
    register: ItemAddress,
    field: usize,
}

fn field_at<'d>(device: &'d RawDevice, address: &FieldAddress) -> Option<&'d RawField> {
    item_at(device, &address.register)?
        .fields()?
        .get(address.field)
}

fn field_at_mut<'d>(device: &'d mut RawDevice, address: &FieldAddress) -> Option<&'d mut RawField> {
    item_at_mut(device, &address.register)?
        .fields_mut()?
        .get_mut(address.field)
}

/// Every register, in document order.
fn all_registers(device: &RawDevice) -> Vec<ItemAddress> {
    fn walk(
        list: &[RawItem],
        peripheral: usize,
        path: &mut Vec<usize>,
        out: &mut Vec<ItemAddress>,
    ) {
        for (index, item) in list.iter().enumerate() {
            path.push(index);
            match item.children() {
                Some(children) => walk(children, peripheral, path, out),
                None => out.push(ItemAddress {
                    peripheral,
                    path: path.clone(),
                }),
            }
            path.pop();
        }
    }
    let mut out = Vec::new();
    for (peripheral, raw) in device.peripherals.iter().enumerate() {
        walk(&raw.items, peripheral, &mut Vec::new(), &mut out);
    }
    out
}

/// Finds the field `target` names from the field at `from`: a sibling, or
/// `REGISTER.FIELD` / `PERIPHERAL.CLUSTER.REGISTER.FIELD`.
fn find_field(device: &RawDevice, from: &FieldAddress, target: &str) -> Option<FieldAddress> {
    let (register, field_name) = match target.rsplit_once('.') {
        None => (from.register.clone(), target),
        Some((register_path, field_name)) => (
            find_item(device, &from.register, register_path, None)?,
            field_name,
        ),
    };
    let fields = item_at(device, &register)?.fields()?;
    let index = fields.iter().enumerate().position(|(index, field)| {
        let this = FieldAddress {
            register: register.clone(),
            field: index,
        };
        this != *from && name_matches(&field.name, field.dim.as_ref(), field_name)
    })?;
    Some(FieldAddress {
        register,
        field: index,
    })
}

fn pending_fields(device: &RawDevice) -> Vec<FieldAddress> {
    let mut out = Vec::new();
    for register in all_registers(device) {
        let Some(fields) = item_at(device, &register).and_then(RawItem::fields) else {
            continue;
        };
        for (index, field) in fields.iter().enumerate() {
            if field.derived_from.is_some() {
                out.push(FieldAddress {
                    register: register.clone(),
                    field: index,
                });
            }
        }
    }
    out
}

fn fields(device: &mut RawDevice, context: &mut Context) {
    // Deriving a field changes only that field, so addresses stay valid.
    let pending = pending_fields(device);
    if pending.is_empty() {
        return;
    }
    // Each pass that makes progress resolves at least one of `pending`.
    for _ in 0..pending.len() {
        let mut progress = false;
        for address in &pending {
            let Some(target) = field_at(device, address)
                .and_then(|f| f.derived_from.as_ref())
                .map(|d| d.target.clone())
            else {
                continue;
            };
            let Some(base_address) = find_field(device, address, &target) else {
                continue;
            };
            let Some(base) = field_at(device, &base_address)
                .filter(|base| base.derived_from.is_none())
                .cloned()
            else {
                continue;
            };
            if let Some(field) = field_at_mut(device, address) {
                derive_field(field, &base);
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
    for address in &pending {
        let exists = field_at(device, address)
            .and_then(|field| field.derived_from.as_ref())
            .map(|derivation| find_field(device, address, &derivation.target).is_some());
        let path = item_path(device, &address.register);
        let Some(field) = field_at_mut(device, address) else {
            continue;
        };
        if let (Some(derivation), Some(exists)) = (field.derived_from.take(), exists) {
            let location = field.location.clone();
            report(
                context,
                &join(&path, &field.name),
                &location,
                &derivation,
                exists,
            );
        }
    }
}

fn derive_field(field: &mut RawField, base: &RawField) {
    field.derived_from = None;
    fill(&mut field.description, &base.description);
    fill(&mut field.lsb, &base.lsb);
    fill(&mut field.width, &base.width);
    fill(&mut field.access, &base.access);
    fill(&mut field.write_action, &base.write_action);
    fill(&mut field.read_action, &base.read_action);
    fill(&mut field.write_constraint, &base.write_constraint);
    if field.enums.is_empty() {
        field.enums = base.enums.clone();
    }
}

// ---- enumerated values -----------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
struct EnumAddress {
    field: FieldAddress,
    set: usize,
}

fn set_at<'d>(device: &'d RawDevice, address: &EnumAddress) -> Option<&'d RawEnumSet> {
    field_at(device, &address.field)?.enums.get(address.set)
}

fn set_at_mut<'d>(device: &'d mut RawDevice, address: &EnumAddress) -> Option<&'d mut RawEnumSet> {
    field_at_mut(device, &address.field)?
        .enums
        .get_mut(address.set)
}

/// Every enumerated-value set, in document order.
fn all_sets(device: &RawDevice) -> Vec<EnumAddress> {
    let mut out = Vec::new();
    for register in all_registers(device) {
        let Some(fields) = item_at(device, &register).and_then(RawItem::fields) else {
            continue;
        };
        for (field_index, field) in fields.iter().enumerate() {
            for set in 0..field.enums.len() {
                out.push(EnumAddress {
                    field: FieldAddress {
                        register: register.clone(),
                        field: field_index,
                    },
                    set,
                });
            }
        }
    }
    out
}

/// How close two sets are: same field, same register, same peripheral.
fn closeness(a: &EnumAddress, b: &EnumAddress) -> u8 {
    if a.field == b.field {
        3
    } else if a.field.register == b.field.register {
        2
    } else if a.field.register.peripheral == b.field.register.peripheral {
        1
    } else {
        0
    }
}

/// Finds the set `target` names from the set at `from`: by set name, nearest
/// first; or a dotted path `...REGISTER.FIELD.SET`, or `...REGISTER.FIELD`
/// (that field's first set).
fn find_set(
    device: &RawDevice,
    by_name: &HashMap<String, Vec<EnumAddress>>,
    from: &EnumAddress,
    target: &str,
) -> Option<EnumAddress> {
    if let Some((prefix, set_name)) = target.rsplit_once('.') {
        if let Some(field) = find_field(device, &from.field, prefix) {
            let sets = &field_at(device, &field)?.enums;
            if let Some(set) = sets
                .iter()
                .position(|set| set.name.as_deref() == Some(set_name))
            {
                return Some(EnumAddress { field, set });
            }
        }
        let field = find_field(device, &from.field, target)?;
        return Some(EnumAddress { field, set: 0 }).filter(|found| set_at(device, found).is_some());
    }
    let candidates = by_name.get(target)?;
    let mut best: Option<&EnumAddress> = None;
    for candidate in candidates.iter().filter(|candidate| *candidate != from) {
        if best.is_none_or(|best| closeness(candidate, from) > closeness(best, from)) {
            best = Some(candidate);
        }
    }
    best.cloned()
}

fn enums(device: &mut RawDevice, context: &mut Context) {
    let sets = all_sets(device);
    let pending: Vec<EnumAddress> = sets
        .iter()
        .filter(|address| set_at(device, address).is_some_and(|set| set.derived_from.is_some()))
        .cloned()
        .collect();
    if pending.is_empty() {
        return;
    }
    let mut by_name: HashMap<String, Vec<EnumAddress>> = HashMap::new();
    for address in &sets {
        if let Some(name) = set_at(device, address).and_then(|set| set.name.clone()) {
            by_name.entry(name).or_default().push(address.clone());
        }
    }
    // Each pass that makes progress resolves at least one of `pending`.
    for _ in 0..pending.len() {
        let mut progress = false;
        for address in &pending {
            let Some(target) = set_at(device, address)
                .and_then(|s| s.derived_from.as_ref())
                .map(|d| d.target.clone())
            else {
                continue;
            };
            let Some(base_address) = find_set(device, &by_name, address, &target) else {
                continue;
            };
            let Some(base) = set_at(device, &base_address)
                .filter(|base| base.derived_from.is_none())
                .cloned()
            else {
                continue;
            };
            if let Some(set) = set_at_mut(device, address) {
                set.derived_from = None;
                fill(&mut set.name, &base.name);
                fill(&mut set.usage, &base.usage);
                if set.values.is_empty() {
                    set.values = base.values;
                }
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
    for address in &pending {
        let exists = set_at(device, address)
            .and_then(|set| set.derived_from.as_ref())
            .map(|derivation| find_set(device, &by_name, address, &derivation.target).is_some());
        let path = item_path(device, &address.field.register);
        let field_name = field_at(device, &address.field)
            .map(|field| field.name.clone())
            .unwrap_or_default();
        let Some(set) = set_at_mut(device, address) else {
            continue;
        };
        if let (Some(derivation), Some(exists)) = (set.derived_from.take(), exists) {
            let location = set.location.clone();
            report(
                context,
                &join(&path, &field_name),
                &location,
                &derivation,
                exists,
            );
        }
    }
}
