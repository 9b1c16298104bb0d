//! Writes, for one model, a `#[test]` of the batched crate: its blocks'
//! `META` against literals computed here from the model, and its accessors
//! on `mmreg::FakeMem` (field setters, then the raw write in the access log
//! and the memory, then the read and the field getters).
//!
//! Everything expected is derived from the model by the rules the project
//! documents (the `ir` and emitter module docs), not from generated code.

use std::fmt::Write as _;

use mmreg_codegen::ir::{
    Access, Cluster, Device, Dim, Field, Item, Peripheral, Register, Usage, WriteAction,
};

use super::generate::{Rng, extent};
use super::names::{block_type, snake};

fn ones(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    }
}

/// `(count, stride)` of a field, 1 and 0 for a plain one.
fn field_dim(field: &Field) -> (u32, u32) {
    field
        .dim
        .as_ref()
        .map_or((1, 0), |d| (d.count, d.stride as u32))
}

/// The bits of every element of `field`.
fn field_bits(field: &Field) -> u64 {
    let (count, stride) = field_dim(field);
    (0..count).fold(0, |bits, i| {
        bits | ones(field.width) << (field.lsb + i * stride)
    })
}

fn covered(register: &Register) -> u64 {
    register
        .fields
        .iter()
        .fold(0, |bits, f| bits | field_bits(f))
}

/// The access the register's handle and `META` get: its own, narrowed by
/// its fields when they cover every bit (issue 13, item 9).
pub fn effective_access(register: &Register) -> Access {
    if register.fields.is_empty() || covered(register) != ones(register.size) {
        return register.access;
    }
    let readable = register.fields.iter().any(|f| f.access.readable());
    let writable = register.fields.iter().any(|f| f.access.writable());
    match (
        register.access.readable() && readable,
        register.access.writable() && writable,
    ) {
        (true, false) => Access::ReadOnly,
        (false, true) if matches!(register.access, Access::WriteOnce | Access::ReadWriteOnce) => {
            Access::WriteOnce
        }
        (false, true) => Access::WriteOnly,
        _ => register.access,
    }
}

fn side_effect_read(register: &Register) -> bool {
    effective_access(register).readable()
        && (register.read_action.is_some()
            || register.fields.iter().any(|f| f.read_action.is_some()))
}

fn is_write_one(action: WriteAction) -> bool {
    matches!(
        action,
        WriteAction::OneToClear | WriteAction::OneToSet | WriteAction::OneToToggle
    )
}

fn is_write_zero(action: WriteAction) -> bool {
    matches!(
        action,
        WriteAction::ZeroToClear | WriteAction::ZeroToSet | WriteAction::ZeroToToggle
    )
}

/// The design's raw-value case: one field over every bit, plain values,
/// plain writes, no read action.
fn is_raw(register: &Register) -> bool {
    matches!(register.fields.as_slice(), [only]
        if only.dim.is_none()
            && only.width == register.size
            && only.enums.is_empty()
            && !is_write_one(only.write_action)
            && !is_write_zero(only.write_action)
            && only.read_action.is_none())
}

const ACTIONS: [WriteAction; 10] = [
    WriteAction::Normal,
    WriteAction::OneToClear,
    WriteAction::OneToSet,
    WriteAction::OneToToggle,
    WriteAction::ZeroToClear,
    WriteAction::ZeroToSet,
    WriteAction::ZeroToToggle,
    WriteAction::Clear,
    WriteAction::Set,
    WriteAction::Modify,
];

/// The bits `action` acts on: its fields' and, for the register's own
/// action, the bits no field covers.
fn action_bits(register: &Register, action: WriteAction) -> u64 {
    let mut bits = register
        .fields
        .iter()
        .filter(|f| f.write_action == action)
        .fold(0, |bits, f| bits | field_bits(f));
    if register.write_action == action {
        bits |= !covered(register);
    }
    bits & ones(register.size)
}

/// The value `write` starts from: the reset value (defined bits) with
/// write-1 action bits at 0 and write-0 action bits at 1.
fn write_base(register: &Register) -> u64 {
    let reset = register.reset_value & register.reset_mask & ones(register.size);
    let one: u64 = ACTIONS
        .iter()
        .filter(|a| is_write_one(**a))
        .map(|a| action_bits(register, *a))
        .fold(0, |x, y| x | y);
    let zero: u64 = ACTIONS
        .iter()
        .filter(|a| is_write_zero(**a))
        .map(|a| action_bits(register, *a))
        .fold(0, |x, y| x | y);
    (reset & !one) | zero
}

/// The accessor index of array element `position` (the number in the name
/// when the index names are the numbers `k..k + count`).
fn accessor_index(dim: &Dim, position: u32) -> u64 {
    let numbered = !dim.index_names.is_empty()
        && dim.index_names.iter().all(|n| {
            n.bytes().all(|b| b.is_ascii_digit()) && (n.len() == 1 || !n.starts_with('0'))
        });
    let start = if numbered {
        let first: u64 = dim.index_names[0].parse().expect("digits");
        let consecutive = dim
            .index_names
            .iter()
            .enumerate()
            .all(|(i, n)| n.parse::<u64>().ok() == Some(first + i as u64));
        if consecutive { first } else { 0 }
    } else {
        0
    };
    start + u64::from(position)
}

fn string_list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    format!("&[{}]", quoted.join(", "))
}

fn meta_access(access: Access) -> String {
    format!("::mmreg::meta::Access::{access:?}")
}

fn field_meta(field: &Field) -> String {
    let (count, stride) = field
        .dim
        .as_ref()
        .map_or((1, 0), |d| (d.count, d.stride as u32));
    let index_names = field.dim.as_ref().map_or(&[][..], |d| &d.index_names[..]);
    let values = field
        .enums
        .iter()
        .find(|s| matches!(s.usage, Usage::Read | Usage::ReadWrite))
        .or(field.enums.first())
        .map(|set| {
            set.values
                .iter()
                .map(|v| {
                    format!(
                        "::mmreg::meta::EnumValueMeta {{ name: {:?}, value: {:#x} }}",
                        v.name,
                        v.value.expect("generated values are numbers")
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let read_action = match field.read_action {
        Some(action) => format!("Some(::mmreg::meta::ReadAction::{action:?})"),
        None => "None".to_string(),
    };
    format!(
        "::mmreg::meta::FieldMeta {{ name: {:?}, lsb: {}, width: {}, count: {count}, stride: {stride}, \
         index_names: {}, access: {}, write_action: ::mmreg::meta::WriteAction::{:?}, \
         read_action: {read_action}, values: &[{values}] }}",
        field.name,
        field.lsb,
        field.width,
        string_list(index_names),
        meta_access(field.access),
        field.write_action,
    )
}

fn register_meta(register: &Register) -> String {
    let mut fields: Vec<&Field> = register.fields.iter().collect();
    fields.sort_by_key(|f| f.lsb);
    let fields: Vec<String> = fields.iter().map(|f| field_meta(f)).collect();
    let (count, stride, index_names) = register
        .dim
        .as_ref()
        .map_or((1, 0, &[][..]), |d| (d.count, d.stride, &d.index_names[..]));
    let full = ones(register.size);
    let read_action = match register.read_action {
        Some(action) => format!("Some(::mmreg::meta::ReadAction::{action:?})"),
        None => "None".to_string(),
    };
    let action_bits: Vec<String> = ACTIONS
        .iter()
        .map(|a| format!("{:#x}", action_bits(register, *a)))
        .collect();
    format!(
        "crate::check::ExpRegister {{ meta: ::mmreg::meta::RegisterMeta {{ name: {:?}, offset: {:#x}, \
         width: {}, count: {count}, stride: {stride:#x}, index_names: {}, access: {}, reset: {:#x}, \
         reset_mask: {:#x}, read_action: {read_action}, write_action: ::mmreg::meta::WriteAction::{:?}, \
         fields: &[{}] }}, raw: {}, action_bits: [{}] }}",
        register.name,
        register.offset,
        register.size,
        string_list(index_names),
        meta_access(effective_access(register)),
        register.reset_value & register.reset_mask & full,
        register.reset_mask & full,
        register.write_action,
        fields.join(",\n"),
        is_raw(register),
        action_bits.join(", "),
    )
}

fn block_meta(name: &str, size: u64, items: &[Item]) -> String {
    let mut registers: Vec<&Register> = Vec::new();
    let mut clusters: Vec<&Cluster> = Vec::new();
    for item in items {
        match item {
            Item::Register(register) => registers.push(register),
            Item::Cluster(cluster) => clusters.push(cluster),
        }
    }
    registers.sort_by_key(|r| r.offset);
    clusters.sort_by_key(|c| c.offset);
    let registers: Vec<String> = registers.iter().map(|r| register_meta(r)).collect();
    let clusters: Vec<String> = clusters
        .iter()
        .map(|c| {
            let (count, stride, index_names) = c
                .dim
                .as_ref()
                .map_or((1, 0, &[][..]), |d| (d.count, d.stride, &d.index_names[..]));
            format!(
                "crate::check::ExpCluster {{ name: {:?}, offset: {:#x}, count: {count}, stride: {stride:#x}, \
                 index_names: {}, block: {} }}",
                c.name,
                c.offset,
                string_list(index_names),
                block_meta(
                    &c.name.replace("[%s]", "").replace("%s", ""),
                    extent(&c.items),
                    &c.items
                ),
            )
        })
        .collect();
    format!(
        "crate::check::ExpBlock {{ name: {name:?}, size: {size:#x}, registers: &[{}], clusters: &[{}] }}",
        registers.join(",\n"),
        clusters.join(",\n")
    )
}

/// How to reach a block from the test: the expression for pure accesses,
/// the one through `&mut` (for side-effect reads), and its byte offset.
#[derive(Clone)]
struct Place {
    pure: String,
    exclusive: String,
    offset: u64,
}

/// The statements that check one register element at `place` (the
/// accessor call included) in fake memory of the block's module `io`.
fn register_steps(
    out: &mut String,
    register: &Register,
    accessor: &str,
    place: &Place,
    rng: &mut Rng,
) {
    let access = effective_access(register);
    let bits = register.size;
    let offset = place.offset;
    let int = format!("u{bits}");
    let full = ones(bits);
    let path = format!("{} at {offset:#x}", register.name);
    // A register read with a side effect is reached through `&mut` only.
    let handle = if side_effect_read(register) {
        format!("{}.{accessor}", place.exclusive)
    } else {
        format!("{}.{accessor}", place.pure)
    };
    let raw = is_raw(register);
    let mut value = rng.next() & full;
    if access.writable() {
        let (open, close) = if register.dma {
            (
                "// SAFETY: fake memory; no device reads it.\nunsafe { ",
                " }",
            )
        } else {
            ("", "")
        };
        let base = write_base(register);
        let _ = writeln!(
            out,
            "p.io().clear_log();\n{open}{handle}.write(|_| {{}});{close}\n\
             assert_eq!(p.io().take_log(), [::mmreg::Access::write{bits}({offset:#x}, {base:#x})], \"{path}: write from reset\");"
        );
        // Setters, for every writable field element whose value type the
        // test can build (plain, or an enum read and written alike).
        let mut setters = String::new();
        let mut expected = base;
        if !raw {
            for field in register.fields.iter().filter(|f| f.access.writable()) {
                let getter = snake(&field.name);
                let write_enum = field
                    .enums
                    .iter()
                    .any(|s| matches!(s.usage, Usage::Write | Usage::ReadWrite));
                let same_enum =
                    matches!(field.enums.as_slice(), [set] if set.usage == Usage::ReadWrite);
                if write_enum && !same_enum {
                    continue;
                }
                let (count, stride) = field_dim(field);
                for position in 0..count {
                    let shift = field.lsb + position * stride;
                    let element = rng.next() & ones(field.width);
                    let index = match &field.dim {
                        Some(dim) => format!("{}, ", accessor_index(dim, position)),
                        None => String::new(),
                    };
                    let argument = if same_enum {
                        // The enum value from the getter of a value with
                        // those bits: the test need not name the enum.
                        let _ = write!(
                            setters,
                            "let e = {{ let mut t = *w; t.0 = {:#x}; t.{getter}({}) }}; ",
                            element << shift,
                            index.trim_end_matches(", ")
                        );
                        "e".to_string()
                    } else if field.width == 1 {
                        (element == 1).to_string()
                    } else {
                        format!("{element:#x}")
                    };
                    let _ = write!(setters, "w.set_{getter}({index}{argument}); ");
                    expected = (expected & !(ones(field.width) << shift)) | (element << shift);
                }
            }
        }
        if setters.is_empty() {
            setters = format!("w.0 = {value:#x};");
            expected = value;
        }
        let _ = writeln!(
            out,
            "{open}{handle}.write(|w| {{ {setters} }});{close}\n\
             assert_eq!(p.io().take_log(), [::mmreg::Access::write{bits}({offset:#x}, {expected:#x})], \"{path}: write\");\n\
             assert_eq!(p.io().peek::<{int}>({offset:#x}), {expected:#x}, \"{path}: memory after write\");"
        );
        value = expected;
    }
    if access.readable() {
        if !access.writable() {
            let _ = writeln!(out, "p.io().poke::<{int}>({offset:#x}, {value:#x});");
        }
        let _ = writeln!(
            out,
            "p.io().clear_log();\nlet v = {handle}.read();\n\
             assert_eq!(::mmreg::RegisterValue::to_bits(v), {value:#x}, \"{path}: read\");\n\
             assert_eq!(p.io().take_log(), [::mmreg::Access::read{bits}({offset:#x}, {value:#x})], \"{path}: read log\");"
        );
        if !raw {
            for field in &register.fields {
                let getter = snake(&field.name);
                let read_enum = field
                    .enums
                    .iter()
                    .any(|s| matches!(s.usage, Usage::Read | Usage::ReadWrite));
                let (count, stride) = field_dim(field);
                for position in 0..count {
                    let shift = field.lsb + position * stride;
                    let element = (value >> shift) & ones(field.width);
                    let index = match &field.dim {
                        Some(dim) => accessor_index(dim, position).to_string(),
                        None => String::new(),
                    };
                    let call = if read_enum {
                        format!("v.{getter}({index}).to_bits()")
                    } else {
                        format!("v.{getter}({index})")
                    };
                    let _ = writeln!(
                        out,
                        "assert_eq!(u64::from({call}), {element:#x}, \"{path}: field {}[{position}]\");",
                        field.name
                    );
                }
            }
        }
    }
}

/// The checks of every register in `items`, reached through `place`
/// (first and last element of each array, clusters included).
fn block_steps(out: &mut String, items: &[Item], place: &Place, rng: &mut Rng) {
    for item in items {
        let (name, dim, offset) = match item {
            Item::Register(r) => (&r.name, r.dim.as_ref(), r.offset),
            Item::Cluster(c) => (&c.name, c.dim.as_ref(), c.offset),
        };
        let accessor = snake(name);
        let positions: Vec<u32> = match dim {
            Some(dim) => vec![0, dim.count - 1],
            None => vec![0],
        };
        for position in positions {
            let (call, element_offset) = match dim {
                Some(dim) => (
                    format!("({})", accessor_index(dim, position)),
                    offset + u64::from(position) * dim.stride,
                ),
                None => ("()".to_string(), offset),
            };
            match item {
                Item::Register(register) => {
                    let _ = writeln!(out, "{{");
                    register_steps(
                        out,
                        register,
                        &format!("{accessor}{call}"),
                        &Place {
                            offset: place.offset + element_offset,
                            ..place.clone()
                        },
                        rng,
                    );
                    let _ = writeln!(out, "}}");
                }
                Item::Cluster(cluster) => {
                    let inner = Place {
                        pure: format!("{}.{accessor}{call}", place.pure),
                        exclusive: format!("{}.{accessor}_mut{call}", place.exclusive),
                        offset: place.offset + element_offset,
                    };
                    block_steps(out, &cluster.items, &inner, rng);
                }
            }
        }
    }
}

/// Fake memory seeded from `META` holds every register element's reset
/// value (defined bits) at its offset.
fn reset_steps(out: &mut String, items: &[Item], base: u64) {
    for item in items {
        let (dim, offset) = match item {
            Item::Register(r) => (r.dim.as_ref(), r.offset),
            Item::Cluster(c) => (c.dim.as_ref(), c.offset),
        };
        let (count, stride) = dim.map_or((1, 0), |d| (d.count, d.stride));
        for position in 0..count {
            let start = base + offset + u64::from(position) * stride;
            match item {
                Item::Register(register) => {
                    let reset = register.reset_value & register.reset_mask & ones(register.size);
                    let _ = writeln!(
                        out,
                        "assert_eq!(seeded.peek::<u{}>({start:#x}), {reset:#x}, \"{}[{position}]: seeded reset\");",
                        register.size, register.name
                    );
                }
                Item::Cluster(cluster) => reset_steps(out, &cluster.items, start),
            }
        }
    }
}

fn peripheral_steps(out: &mut String, model: &str, peripheral: &Peripheral, rng: &mut Rng) {
    let module = snake(&peripheral.name);
    let type_name = block_type(&module);
    let path = format!("crate::{model}::{module}");
    let size = peripheral.size.unwrap_or_else(|| extent(&peripheral.items));
    let _ = writeln!(
        out,
        "assert_eq!({path}::BASE_ADDRESS, {:#x});\nassert_eq!({path}::SIZE, {size:#x});\n\
         {{\nconst EXPECTED: crate::check::ExpBlock = {};\n\
         crate::check::block({path}::META, &EXPECTED, \"{model}.{}\");\n}}",
        peripheral.base_address,
        block_meta(&peripheral.name, size, &peripheral.items),
        peripheral.name.escape_default(),
    );
    let _ = writeln!(
        out,
        "{{\nlet seeded = ::mmreg::FakeMem::from_meta({path}::META);"
    );
    reset_steps(out, &peripheral.items, 0);
    let _ = writeln!(
        out,
        "}}\n{{\n#[allow(unused_mut)]\nlet mut p = {path}::{type_name}::new(::mmreg::FakeMem::new({path}::SIZE)).unwrap();\n\
"
    );
    let place = Place {
        pure: "p".to_string(),
        exclusive: "p".to_string(),
        offset: 0,
    };
    block_steps(out, &peripheral.items, &place, rng);
    let _ = writeln!(out, "}}");
}

/// The test module for model `index` (module `m<index>` of the crate).
pub fn model_test(index: usize, device: &Device, seed: u64) -> String {
    let model = format!("m{index}");
    let mut rng = Rng::new(seed ^ 0x5eed);
    let mut out = format!(
        "//! Checks of model {index} (seed {seed:#x}); its YAML is `models/{model}.yaml`.\n\
         #[test]\nfn {model}() {{\n"
    );
    for peripheral in &device.peripherals {
        peripheral_steps(&mut out, &model, peripheral, &mut rng);
    }
    out.push_str("}\n");
    out
}
