//! Random valid models: every register aligned to its width, no two
//! registers or clusters sharing a byte, clusters aligned to their widest
//! register, fields inside their register and apart from each other,
//! enumerated values that fit, reset values and masks of the register's
//! width, access and actions that agree between a register and its fields.
//! Names are varied (case styles, separators, keywords, leading digits) but
//! never collide once turned into identifiers, and never differ only in
//! digits (so array inference leaves the model as written).

use std::collections::BTreeSet;

use mmreg_codegen::ir::{
    Access, Cluster, Device, Dim, EnumeratedValue, EnumeratedValues, Field, Item, Peripheral,
    ReadAction, Register, Usage, WordOrder, WriteAction, WriteConstraint,
};

use super::names::{block_type, snake};
use super::vocabulary::{Rng, Scope, fresh_name, index_names};

fn access(rng: &mut Rng) -> Access {
    rng.pick(&[
        Access::ReadWrite,
        Access::ReadWrite,
        Access::ReadOnly,
        Access::WriteOnly,
        Access::WriteOnce,
        Access::ReadWriteOnce,
    ])
}

/// A field access that agrees with its register's.
fn field_access(rng: &mut Rng, register: Access) -> Access {
    match register {
        Access::ReadOnly => Access::ReadOnly,
        Access::WriteOnly => rng.pick(&[Access::WriteOnly, Access::WriteOnce]),
        Access::WriteOnce => Access::WriteOnce,
        Access::ReadWrite | Access::ReadWriteOnce => {
            if rng.chance(60) {
                register
            } else {
                access(rng)
            }
        }
    }
}

const WRITE_ACTIONS: &[WriteAction] = &WriteAction::ALL;

const READ_ACTIONS: &[ReadAction] = &[
    ReadAction::Clear,
    ReadAction::Set,
    ReadAction::Modify,
    ReadAction::ModifyExternal,
];

fn write_action(rng: &mut Rng, writable: bool) -> WriteAction {
    if writable && rng.chance(35) {
        rng.pick(WRITE_ACTIONS)
    } else {
        WriteAction::Normal
    }
}

fn read_action(rng: &mut Rng, readable: bool, percent: u64) -> Option<ReadAction> {
    (readable && rng.chance(percent)).then(|| rng.pick(READ_ACTIONS))
}

fn ones(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    }
}

fn enums(rng: &mut Rng, width: u32, access: Access) -> Vec<EnumeratedValues> {
    let limit = ones(width.min(63));
    let set = |rng: &mut Rng, usage: Usage| {
        // A closed set (every value named) for narrow fields now and then.
        let count = if width <= 2 && rng.chance(40) {
            1u64 << width
        } else {
            rng.range(1, 4).min(limit + 1)
        };
        let mut values = BTreeSet::new();
        let mut names = Scope::default();
        let mut out = Vec::new();
        while (out.len() as u64) < count {
            let value = if count == limit + 1 {
                out.len() as u64
            } else {
                rng.next() & limit
            };
            if !values.insert(value) {
                continue;
            }
            let name = fresh_name(rng, &mut names, None, false);
            let description = rng.chance(30).then(|| format!("Means {name} <{value}>"));
            out.push(EnumeratedValue {
                name,
                description,
                value: Some(value),
            });
        }
        EnumeratedValues {
            name: None,
            usage,
            values: out,
        }
    };
    match rng.range(0, 5) {
        0 if access.readable() => vec![set(rng, Usage::Read)],
        1 if access.writable() => vec![set(rng, Usage::Write)],
        2 if access.readable() && access.writable() => {
            vec![set(rng, Usage::Read), set(rng, Usage::Write)]
        }
        _ => vec![set(rng, Usage::ReadWrite)],
    }
}

/// Fields of a `bits`-wide register: non-overlapping, sometimes one field
/// over every bit (which the emitter turns into a raw value).
fn fields(rng: &mut Rng, bits: u32, register_access: Access) -> Vec<Field> {
    let mut out = Vec::new();
    let mut names = Scope::default();
    let mut field = |rng: &mut Rng, lsb: u32, width: u32, dim: Option<Dim>| {
        let access = field_access(rng, register_access);
        let enums = if width <= 16 && rng.chance(30) {
            enums(rng, width, access)
        } else {
            Vec::new()
        };
        let write_constraint = if access.writable() && rng.chance(15) {
            Some(if enums.is_empty() {
                let max = rng.next() & ones(width);
                WriteConstraint::Range { min: 0, max }
            } else {
                WriteConstraint::UseEnumeratedValues
            })
        } else {
            None
        };
        let name = fresh_name(rng, &mut names, None, dim.is_some());
        Field {
            description: rng.chance(30).then(|| format!("The [{name}] field & more")),
            name,
            lsb,
            width,
            write_action: write_action(rng, access.writable()),
            read_action: read_action(rng, access.readable(), 8),
            access,
            write_constraint,
            enums,
            dim,
            location: None,
        }
    };
    if rng.chance(15) {
        out.push(field(rng, 0, bits, None));
        return out;
    }
    let mut cursor = 0u32;
    let wanted = rng.range(0, 4);
    while (out.len() as u64) < wanted && cursor < bits {
        cursor += rng.range(0, 3) as u32;
        if cursor >= bits {
            break;
        }
        let room = bits - cursor;
        let widest = if rng.chance(20) { 64 } else { 8 };
        let width = rng.range(1, u64::from(room.min(widest))) as u32;
        let lsb = cursor;
        if rng.chance(20) && room >= 2 * width {
            let stride = width + rng.range(0, 2) as u32;
            let count = ((room - width) / stride + 1).min(rng.range(2, 4) as u32);
            if count >= 2 {
                let dim = Dim {
                    count,
                    stride: u64::from(stride),
                    index_names: index_names(rng, count),
                };
                out.push(field(rng, lsb, width, Some(dim)));
                cursor = lsb + (count - 1) * stride + width;
                continue;
            }
        }
        out.push(field(rng, lsb, width, None));
        cursor = lsb + width;
    }
    // Fields in any order: the generated `FIELDS` are sorted by bit.
    if rng.chance(30) {
        out.reverse();
    }
    out
}

fn register(
    rng: &mut Rng,
    names: &mut Scope,
    offset: u64,
    bits: u32,
    dim: Option<Dim>,
) -> Register {
    register_as_drawn(rng, names, offset, bits, dim)
}

fn register_as_drawn(
    rng: &mut Rng,
    names: &mut Scope,
    offset: u64,
    bits: u32,
    dim: Option<Dim>,
) -> Register {
    let access = access(rng);
    let width_mask = ones(bits);
    let reset_mask = if rng.chance(70) {
        width_mask
    } else {
        rng.next() & width_mask
    };
    let name = fresh_name(rng, names, None, dim.is_some());
    Register {
        description: rng
            .chance(50)
            .then(|| format!("The `{name}` register\n  [see <manual>]")),
        name,
        offset,
        size: bits,
        access,
        reset_value: if rng.chance(30) {
            0
        } else {
            rng.next() & width_mask
        },
        reset_mask,
        dim,
        read_action: read_action(rng, access.readable(), 8),
        write_action: write_action(rng, access.writable()),
        dma: access.writable() && rng.chance(5),
        word_order: if bits == 64 && rng.chance(30) {
            WordOrder::HighFirst
        } else {
            WordOrder::LowFirst
        },
        alternate_register: None,
        alternate_group: None,
        fields: fields(rng, bits, access),
        location: None,
    }
}

fn align_up(value: u64, align: u64) -> u64 {
    value.div_ceil(align) * align
}

/// The widest register in `items`, in bytes.
pub fn widest(items: &[Item]) -> u64 {
    items
        .iter()
        .map(|item| match item {
            Item::Register(register) => u64::from(register.size / 8),
            Item::Cluster(cluster) => widest(&cluster.items),
        })
        .max()
        .unwrap_or(1)
}

/// One past the last byte of `items` (array elements and clusters included).
pub fn extent(items: &[Item]) -> u64 {
    items
        .iter()
        .map(|item| match item {
            Item::Register(register) => {
                let (count, stride) = register
                    .dim
                    .as_ref()
                    .map_or((1, 0), |d| (u64::from(d.count), d.stride));
                register.offset + (count - 1) * stride + u64::from(register.size / 8)
            }
            Item::Cluster(cluster) => {
                let (count, stride) = cluster
                    .dim
                    .as_ref()
                    .map_or((1, 0), |d| (u64::from(d.count), d.stride));
                cluster.offset + (count - 1) * stride + extent(&cluster.items)
            }
        })
        .max()
        .unwrap_or(0)
}

/// Items laid out one after another from offset 0 with random gaps; `types`
/// holds the peripheral's block type names (cluster types share them).
fn items(rng: &mut Rng, depth: u32, types: &mut Scope) -> Vec<Item> {
    let mut out = Vec::new();
    let mut names = Scope::default();
    let mut cursor = 0u64;
    let count = rng.range(1, if depth == 0 { 5 } else { 3 });
    for _ in 0..count {
        cursor += rng.pick(&[0, 0, 0, 4, 8, 0x10]);
        if depth < 2 && rng.chance(20) {
            let inner = items(rng, depth + 1, types);
            let align = widest(&inner);
            let size = extent(&inner);
            let offset = align_up(cursor, align);
            let dim = rng.chance(50).then(|| {
                let count = rng.range(2, 3) as u32;
                let stride = align_up(size, align) + align * rng.range(0, 2);
                Dim {
                    count,
                    stride,
                    index_names: index_names(rng, count),
                }
            });
            let name = fresh_name(rng, &mut names, Some(&mut *types), dim.is_some());
            let cluster = Cluster {
                description: rng.chance(50).then(|| format!("Cluster {name}")),
                name,
                offset,
                dim,
                items: inner,
                location: None,
            };
            let item = Item::Cluster(cluster);
            cursor = extent(std::slice::from_ref(&item));
            out.push(item);
            continue;
        }
        let bits = rng.pick(&[8u32, 16, 32, 32, 32, 64]);
        let bytes = u64::from(bits / 8);
        let offset = align_up(cursor, bytes);
        let dim = rng.chance(25).then(|| {
            let count = rng.range(2, 4) as u32;
            Dim {
                count,
                stride: bytes * rng.range(1, 2),
                index_names: index_names(rng, count),
            }
        });
        let item = Item::Register(register(rng, &mut names, offset, bits, dim));
        cursor = extent(std::slice::from_ref(&item));
        out.push(item);
    }
    // Input order need not be offset order.
    if rng.chance(25) {
        out.reverse();
    }
    out
}

/// A random valid device named `name`.
pub fn device(rng: &mut Rng, name: &str) -> Device {
    let mut names = Scope::default();
    let mut peripherals = Vec::new();
    let mut first_types = None;
    for _ in 0..rng.range(1, 2) {
        let name = fresh_name(rng, &mut names, None, false);
        // The block type is named after the module.
        let mut types = Scope::default();
        types.take(&block_type(&snake(&name)));
        let items = items(rng, 0, &mut types);
        let end = extent(&items);
        peripherals.push(Peripheral {
            description: rng.chance(50).then(|| format!("Peripheral *{name}*")),
            name,
            group: None,
            base_address: 0x4000_0000 + rng.range(0, 0xff) * 0x1000,
            size: rng
                .chance(50)
                .then(|| align_up(end, 4) + rng.pick(&[0, 4, 0x100])),
            derived_from: None,
            items,
            location: None,
        });
        first_types.get_or_insert(types);
    }
    if rng.chance(25)
        && let Some(mut types) = first_types
    {
        // A derived instance: the same registers at another base, which the
        // emitter shares (its module re-exports the first one's types, whose
        // cluster type names its own block type must not take).
        let name = loop {
            let name = fresh_name(rng, &mut names, None, false);
            if types.take(&block_type(&snake(&name))) {
                break name;
            }
        };
        let first = &peripherals[0];
        peripherals.push(Peripheral {
            description: None,
            derived_from: Some(first.name.clone()),
            base_address: first.base_address + 0x10_0000,
            name,
            ..first.clone()
        });
    }
    Device {
        name: name.to_string(),
        description: None,
        peripherals,
    }
}
