//! Array inference: registers, clusters and fields numbered `k..k + n` at a
//! constant stride, and otherwise identical, become one array.
//!
//! Runs on the validated IR, before emission, and returns a new IR: the
//! front ends and the exported YAML keep the input as written.
//!
//! The rules, applied bottom-up (fields, then the registers holding them,
//! then the clusters holding those):
//! - Only items without a `dim` (and registers without an alternate group or
//!   alternate register) take part; existing arrays and peripherals are
//!   never touched.
//! - Each decimal digit run of a name can be the index: the run becomes `%s`
//!   (the name pattern) and its value the index.
//! - Items with the same pattern and the same content (everything that shapes
//!   generated code: all but name, position, descriptions and locations; a
//!   field named like its register is keyed by that fact, not by its name)
//!   form a candidate group. Candidates from every digit run compete, the
//!   largest first (`CH0_AL1_CTRL`..`CH11_AL1_CTRL` by channel beats
//!   `CH0_AL1_CTRL`..`CH0_AL3_CTRL` by alias), then the last run, then by
//!   name; an item joins one group at most.
//! - A group becomes one array only if its indices are exactly `k..k + n`
//!   for some `k >= 0` (`n >= 2`, consecutive, spelt without
//!   leading zeros) and its positions (bit for fields, byte offset
//!   otherwise) are `start + (index - k) * stride`, `start` being the
//!   lowest-numbered element's, with `stride > 0` and at least one element's
//!   extent, so elements never overlap. Anything else is left as written.
//! - A group whose array would take an identifier another member of its
//!   scope (or the generated code itself) already has stays as written:
//!   validation ran before inference, so a rename here would be silent.
//! - The array takes the lowest-numbered element's position and location,
//!   the place of the earliest member in input order, and each description
//!   only where all members agree on it. A field named like its register
//!   takes the array's name without the index (`CH_READ_ADDR` in
//!   `CH%s_READ_ADDR`). Numbered from `k > 0`, its
//!   `index_names` are the numbers `k..k + n` in decimal (the emitter then
//!   takes the number in the name as the index: `CCR%s` from `CCR1` gives
//!   `ccr(1)`); from 0 they stay empty.
//!
//! Grouping sorts content keys (strings) in `BTreeMap`s: no pairwise
//! comparison of whole items, and output order follows input order.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::ir::{
    Cluster, Device, Dim, EnumeratedValue, EnumeratedValues, Field, Item, Peripheral, Register,
};
use crate::names;

/// The device with numbered runs of identical items turned into arrays.
///
/// A peripheral whose clusters nest deeper than
/// [`crate::validate::MAX_CLUSTER_DEPTH`] (an error in validation) is copied
/// as written, without recursion, so no input exhausts the stack here.
pub fn infer(device: &Device) -> Device {
    let Device {
        name,
        description,
        peripherals,
    } = device;
    let peripherals = peripherals
        .iter()
        .map(|peripheral| {
            let Peripheral {
                name,
                description,
                group,
                base_address,
                size,
                derived_from,
                items,
                location,
            } = peripheral;
            let copy = copy_items(items);
            let items = if crate::validate::too_deep(items).is_some() {
                copy
            } else {
                infer_items(copy)
            };
            Peripheral {
                name: name.clone(),
                description: description.clone(),
                group: group.clone(),
                base_address: *base_address,
                size: *size,
                derived_from: derived_from.clone(),
                items,
                location: location.clone(),
            }
        })
        .collect();
    Device {
        name: name.clone(),
        description: description.clone(),
        peripherals,
    }
}

/// A copy of `items` made with an explicit stack (a derived `clone`
/// recurses once per nesting level).
fn copy_items(items: &[Item]) -> Vec<Item> {
    /// One block being copied: its source, the next item to copy, the copy
    /// so far and the cluster it belongs to (`None` for the top).
    struct Frame<'a> {
        source: &'a [Item],
        next: usize,
        copied: Vec<Item>,
        cluster: Option<&'a Cluster>,
    }
    let mut stack = vec![Frame {
        source: items,
        next: 0,
        copied: Vec::with_capacity(items.len()),
        cluster: None,
    }];
    loop {
        let Some(top) = stack.last_mut() else {
            return Vec::new();
        };
        if let Some(item) = top.source.get(top.next) {
            top.next += 1;
            match item {
                Item::Register(register) => top.copied.push(Item::Register(register.clone())),
                Item::Cluster(cluster) => stack.push(Frame {
                    source: &cluster.items,
                    next: 0,
                    copied: Vec::with_capacity(cluster.items.len()),
                    cluster: Some(cluster),
                }),
            }
            continue;
        }
        let Some(done) = stack.pop() else {
            return Vec::new();
        };
        let (Some(cluster), Some(parent)) = (done.cluster, stack.last_mut()) else {
            return done.copied;
        };
        let Cluster {
            name,
            description,
            offset,
            dim,
            items: _,
            location,
        } = cluster;
        parent.copied.push(Item::Cluster(Cluster {
            name: name.clone(),
            description: description.clone(),
            offset: *offset,
            dim: dim.clone(),
            items: done.copied,
            location: location.clone(),
        }));
    }
}

/// Infers inside every item first (fields, cluster contents), then among
/// the items of this block.
fn infer_items(items: Vec<Item>) -> Vec<Item> {
    let inner = items
        .into_iter()
        .map(|item| match item {
            Item::Register(mut register) => {
                register.fields = group(std::mem::take(&mut register.fields));
                Item::Register(register)
            }
            Item::Cluster(mut cluster) => {
                cluster.items = infer_items(std::mem::take(&mut cluster.items));
                Item::Cluster(cluster)
            }
        })
        .collect();
    group(inner)
}

/// What grouping needs to know of a field or an item.
trait Member: Sized {
    /// The name as written.
    fn name(&self) -> &str;
    /// Everything but name, position, descriptions and locations, as a
    /// string; `None` when the member may not join an array.
    fn content_key(&self) -> Option<String>;
    /// Bit (fields) or byte offset (items).
    fn position(&self) -> u64;
    /// Bits (fields) or bytes (items) one element spans from its position.
    fn extent(&self) -> u64;
    /// Drops every description (recursively) that differs from `other`'s.
    fn merge_docs(&mut self, other: &Self);
    /// Turns element 0 into the array.
    fn make_array(&mut self, name: String, dim: Dim);
    /// Identifiers the generated scope of such members uses itself.
    const RESERVED: &'static [&'static str];
}

/// An array about to be built: members in index order, its stride and the
/// lowest index.
struct Group {
    name: String,
    members: Vec<usize>,
    stride: u64,
    first: u32,
}

/// Replaces every valid numbered group in `members` by one array, keeping
/// the rest (and the order) as it was.
fn group<T: Member>(members: Vec<T>) -> Vec<T> {
    let runs: Vec<Vec<(usize, usize)>> = members.iter().map(|m| digit_runs(m.name())).collect();
    // Keys cost the most; a name without digits never needs one.
    let keys: Vec<Option<String>> = members
        .iter()
        .zip(&runs)
        .map(|(m, r)| if r.is_empty() { None } else { m.content_key() })
        .collect();
    let most_runs = runs.iter().map(Vec::len).max().unwrap_or(0);
    // Candidates from every digit run, largest first: `CH0_AL1_CTRL` ..
    // `CH11_AL1_CTRL` (12, by channel) wins over `CH0_AL1_CTRL` ..
    // `CH0_AL3_CTRL` (3, by alias). Ties go to the last run, then by name,
    // so the choice is the same on every run.
    let unassigned: Vec<Option<usize>> = vec![None; members.len()];
    // An array must not take an identifier another member of the scope (or
    // the generated code) has: the emitter would rename one of them, and
    // validation, which ran before inference, could not have said so.
    let mut taken: BTreeSet<String> = members.iter().map(|m| names::snake(m.name())).collect();
    taken.extend(T::RESERVED.iter().map(|r| r.to_string()));
    let mut candidates = Vec::new();
    for pass in 0..most_runs {
        for ((name, _), entries) in bucket(&members, &keys, &runs, &unassigned, pass) {
            if !looks_like_trait_method(&name) && !taken.contains(&names::snake(&name)) {
                candidates.push((entries.len(), pass, name, entries));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut assigned: Vec<Option<usize>> = vec![None; members.len()];
    let mut groups: Vec<Group> = Vec::new();
    for (_, _, name, entries) in candidates {
        if entries
            .iter()
            .any(|(member, _)| assigned[*member].is_some())
        {
            continue;
        }
        if taken.contains(&names::snake(&name)) {
            continue;
        }
        if let Some((order, stride, first)) = check(&members, entries) {
            taken.insert(names::snake(&name));
            for &member in &order {
                assigned[member] = Some(groups.len());
            }
            groups.push(Group {
                name,
                members: order,
                stride,
                first,
            });
        }
    }
    if groups.is_empty() {
        return members;
    }
    assemble(members, &assigned, groups)
}

/// Candidates by (pattern, content key), each with its member position and
/// index.
type Buckets<'k> = BTreeMap<(String, &'k str), Vec<(usize, Option<u32>)>>;

/// Ungrouped candidates keyed by (pattern, content), with their index
/// (`None` when the run is not a valid index spelling), for digit run
/// `pass` counted from the end.
fn bucket<'k, T: Member>(
    members: &[T],
    keys: &'k [Option<String>],
    runs: &[Vec<(usize, usize)>],
    assigned: &[Option<usize>],
    pass: usize,
) -> Buckets<'k> {
    let mut buckets = Buckets::new();
    for (position, member) in members.iter().enumerate() {
        let (Some(key), None) = (&keys[position], assigned[position]) else {
            continue;
        };
        let member_runs = &runs[position];
        let Some(&(start, end)) = member_runs
            .len()
            .checked_sub(pass + 1)
            .and_then(|i| member_runs.get(i))
        else {
            continue;
        };
        let name = member.name();
        let pattern = format!("{}%s{}", &name[..start], &name[end..]);
        buckets
            .entry((pattern, key.as_str()))
            .or_default()
            .push((position, parse_index(&name[start..end])));
    }
    buckets
}

/// Whether an array named `pattern` would get an accessor that clippy takes
/// for a trait method (`CMP%s` -> `cmp(&self, index)`). The numbered names
/// (`cmp0`) are safe, so such a group stays as written.
fn looks_like_trait_method(pattern: &str) -> bool {
    names::TRAIT_METHODS.contains(&names::snake(pattern).as_str())
}

/// Byte ranges of the maximal ASCII digit runs in `name`, in order.
fn digit_runs(name: &str) -> Vec<(usize, usize)> {
    // Names already holding a placeholder are arrays in spirit; leave them.
    if name.contains('%') {
        return Vec::new();
    }
    let bytes = name.as_bytes();
    let mut runs = Vec::new();
    let mut start = None;
    for (i, byte) in bytes.iter().enumerate() {
        match (byte.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push((s, bytes.len()));
    }
    runs
}

/// The index a digit run spells; `None` for leading zeros (`01`), which
/// suggest a naming scheme other than `k..k + n`, or for overflow.
fn parse_index(digits: &str) -> Option<u32> {
    if digits.len() > 1 && digits.starts_with('0') {
        return None;
    }
    digits.parse().ok()
}

/// The members of a bucket in index order, the array stride and the lowest
/// index `k`, if the bucket is exactly `k..k + n` (`n >= 2`) at a constant,
/// non-overlapping stride.
fn check<T: Member>(
    members: &[T],
    entries: Vec<(usize, Option<u32>)>,
) -> Option<(Vec<usize>, u64, u32)> {
    // `Dim::count` is a `u32`; checked here so that building cannot fail.
    if entries.len() < 2 || u32::try_from(entries.len()).is_err() {
        return None;
    }
    let mut indexed: Vec<(u32, usize)> = entries
        .into_iter()
        .map(|(member, index)| index.map(|i| (i, member)))
        .collect::<Option<_>>()?;
    indexed.sort_unstable();
    let lowest = indexed.first()?.0;
    let in_order = (u64::from(lowest)..)
        .zip(&indexed)
        .all(|(expected, &(index, _))| u64::from(index) == expected);
    if !in_order {
        return None;
    }
    let order: Vec<usize> = indexed.into_iter().map(|(_, member)| member).collect();
    let first = members.get(*order.first()?)?;
    let start = first.position();
    let stride = members.get(*order.get(1)?)?.position().checked_sub(start)?;
    if stride == 0 || stride < first.extent() {
        return None;
    }
    let constant = order.iter().enumerate().all(|(i, &member)| {
        let expected = u64::try_from(i)
            .ok()
            .and_then(|i| i.checked_mul(stride))
            .and_then(|step| step.checked_add(start));
        members.get(member).map(Member::position) == expected
    });
    constant.then_some((order, stride, lowest))
}

/// Builds the output: each array at the place of its earliest member,
/// everything ungrouped where it was.
fn assemble<T: Member>(members: Vec<T>, assigned: &[Option<usize>], groups: Vec<Group>) -> Vec<T> {
    let mut slots: Vec<Option<T>> = members.into_iter().map(Some).collect();
    let mut built: Vec<Option<T>> = groups.iter().map(|g| build(&mut slots, g)).collect();
    let mut out = Vec::with_capacity(slots.len());
    for (position, slot) in slots.into_iter().enumerate() {
        match assigned.get(position).copied().flatten() {
            None => out.extend(slot),
            Some(group) => {
                let earliest = groups
                    .get(group)
                    .and_then(|g| g.members.iter().min())
                    .is_some_and(|&m| m == position);
                if earliest && let Some(array) = built.get_mut(group).and_then(Option::take) {
                    out.push(array);
                }
            }
        }
    }
    out
}

/// Takes a group's members out of `slots` and merges them into one array.
fn build<T: Member>(slots: &mut [Option<T>], group: &Group) -> Option<T> {
    let mut taken = group
        .members
        .iter()
        .map(|&m| slots.get_mut(m).and_then(Option::take));
    let mut array = taken.next().flatten()?;
    for other in taken.flatten() {
        array.merge_docs(&other);
    }
    let count = u32::try_from(group.members.len()).ok()?;
    array.make_array(
        group.name.clone(),
        Dim {
            count,
            stride: group.stride,
            index_names: if group.first == 0 {
                Vec::new()
            } else {
                (u64::from(group.first)..)
                    .take(group.members.len())
                    .map(|index| index.to_string())
                    .collect()
            },
        },
    );
    Some(array)
}

/// `target` unless it differs from `other`: a description shared by all
/// members describes the array; one that differs would describe element 0.
fn merge_text(target: &mut Option<String>, other: &Option<String>) {
    if target != other {
        *target = None;
    }
}

/// Appends a field's content key: everything but name, lsb, descriptions,
/// location and value-set names (only a type name; merged like docs).
/// Destructuring without `..` makes a new IR property a compile error here,
/// so the key cannot silently ignore it.
fn field_key(field: &Field, out: &mut String) {
    let Field {
        name: _,
        description: _,
        lsb: _,
        width,
        access,
        write_action,
        read_action,
        write_constraint,
        enums,
        dim,
        location: _,
    } = field;
    let _ = write!(
        out,
        "{width}|{access:?}|{write_action:?}|{read_action:?}|{write_constraint:?}|{dim:?}|"
    );
    for set in enums {
        let EnumeratedValues {
            name: _,
            usage,
            values,
        } = set;
        let _ = write!(out, "{usage:?}[");
        for value in values {
            let EnumeratedValue {
                name,
                description: _,
                value,
            } = value;
            let _ = write!(out, "{name:?}={value:?},");
        }
        out.push(']');
    }
    out.push(';');
}

/// Appends a register's content key: as [`field_key`], with every field's
/// name and lsb included. A field named like its register (a common SVD
/// habit for one-field registers: `CH0_READ_ADDR` in `CH0_READ_ADDR`) is
/// keyed as such, so the numbered copies still match; the array renames it
/// (see [`Member::make_array`]).
fn register_key(register: &Register, out: &mut String) {
    let Register {
        name,
        description: _,
        offset: _,
        size,
        access,
        reset_value,
        reset_mask,
        dim,
        read_action,
        write_action,
        dma,
        word_order,
        alternate_register,
        alternate_group,
        fields,
        location: _,
    } = register;
    let _ = write!(
        out,
        "R{size}|{access:?}|{reset_value:#x}|{reset_mask:#x}|{dim:?}|{read_action:?}|\
         {write_action:?}|{dma}|{word_order:?}|{alternate_register:?}|{alternate_group:?}{{"
    );
    for field in fields {
        if field.name == *name {
            let _ = write!(out, "<register>@{}:", field.lsb);
        } else {
            let _ = write!(out, "{:?}@{}:", field.name, field.lsb);
        }
        field_key(field, out);
    }
    out.push('}');
}

/// Appends a cluster's content key: every item inside with its name and
/// offset.
fn cluster_key(cluster: &Cluster, out: &mut String) {
    let Cluster {
        name: _,
        description: _,
        offset: _,
        dim,
        items,
        location: _,
    } = cluster;
    let _ = write!(out, "C{dim:?}{{");
    for item in items {
        let _ = write!(out, "{:?}@{}:", item.name(), item.position());
        match item {
            Item::Register(register) => register_key(register, out),
            Item::Cluster(inner) => cluster_key(inner, out),
        }
    }
    out.push('}');
}

fn merge_enums(target: &mut [EnumeratedValues], other: &[EnumeratedValues]) {
    for (set, other_set) in target.iter_mut().zip(other) {
        merge_text(&mut set.name, &other_set.name);
        for (value, other_value) in set.values.iter_mut().zip(&other_set.values) {
            merge_text(&mut value.description, &other_value.description);
        }
    }
}

impl Member for Field {
    const RESERVED: &'static [&'static str] = names::scopes::RESERVED_FIELDSET_METHODS;

    fn name(&self) -> &str {
        &self.name
    }

    fn content_key(&self) -> Option<String> {
        if self.dim.is_some() {
            return None;
        }
        let mut key = String::new();
        field_key(self, &mut key);
        Some(key)
    }

    fn position(&self) -> u64 {
        u64::from(self.lsb)
    }

    fn extent(&self) -> u64 {
        u64::from(self.width)
    }

    fn merge_docs(&mut self, other: &Self) {
        merge_text(&mut self.description, &other.description);
        merge_enums(&mut self.enums, &other.enums);
    }

    fn make_array(&mut self, name: String, dim: Dim) {
        self.name = name;
        self.dim = Some(dim);
    }
}

impl Member for Item {
    const RESERVED: &'static [&'static str] = names::scopes::RESERVED_BLOCK_METHODS;

    fn name(&self) -> &str {
        match self {
            Item::Register(register) => &register.name,
            Item::Cluster(cluster) => &cluster.name,
        }
    }

    fn content_key(&self) -> Option<String> {
        match self {
            Item::Register(register) => {
                let alternate =
                    register.alternate_group.is_some() || register.alternate_register.is_some();
                if register.dim.is_some() || alternate {
                    return None;
                }
                let mut key = String::new();
                register_key(register, &mut key);
                Some(key)
            }
            Item::Cluster(cluster) => {
                if cluster.dim.is_some() {
                    return None;
                }
                let mut key = String::new();
                cluster_key(cluster, &mut key);
                Some(key)
            }
        }
    }

    fn position(&self) -> u64 {
        match self {
            Item::Register(register) => register.offset,
            Item::Cluster(cluster) => cluster.offset,
        }
    }

    fn extent(&self) -> u64 {
        item_end(self).saturating_sub(self.position()).max(1)
    }

    fn merge_docs(&mut self, other: &Self) {
        match (self, other) {
            (Item::Register(register), Item::Register(other)) => merge_register(register, other),
            (Item::Cluster(cluster), Item::Cluster(other)) => {
                merge_text(&mut cluster.description, &other.description);
                for (item, other_item) in cluster.items.iter_mut().zip(&other.items) {
                    item.merge_docs(other_item);
                }
            }
            _ => {}
        }
    }

    fn make_array(&mut self, name: String, dim: Dim) {
        match self {
            Item::Register(register) => {
                // A field named after the register is named after the array.
                let field_name = crate::ir::strip_placeholder(&name);
                for field in &mut register.fields {
                    if field.name == register.name {
                        field.name.clone_from(&field_name);
                    }
                }
                register.name = name;
                register.dim = Some(dim);
            }
            Item::Cluster(cluster) => {
                cluster.name = name;
                cluster.dim = Some(dim);
            }
        }
    }
}

fn merge_register(register: &mut Register, other: &Register) {
    merge_text(&mut register.description, &other.description);
    for (field, other_field) in register.fields.iter_mut().zip(&other.fields) {
        field.merge_docs(other_field);
    }
}

/// One past the last byte an item (all its elements) can touch, counted
/// from its parent's start. Register widths round up to a power-of-two
/// number of bytes, as the emitter's integer types do, so the bound is never
/// too small.
fn item_end(item: &Item) -> u64 {
    let (start, dim, span) = match item {
        Item::Register(register) => {
            let bytes = u64::from(register.size.div_ceil(8).max(1)).next_power_of_two();
            (register.offset, register.dim.as_ref(), bytes)
        }
        Item::Cluster(cluster) => {
            let span = cluster.items.iter().map(item_end).max().unwrap_or(0);
            (cluster.offset, cluster.dim.as_ref(), span)
        }
    };
    let repeat = dim.map_or(0, |d| {
        u64::from(d.count.max(1) - 1).saturating_mul(d.stride)
    });
    start.saturating_add(repeat).saturating_add(span)
}
