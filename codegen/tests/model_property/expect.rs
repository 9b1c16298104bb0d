//! Writes, for one model, a `#[test]` of the batched crate: its blocks'
//! `META` against literals computed here from the model, and its accessors
//! on `mmreg::FakeMem` (field setters, then the raw write in the access log
//! and the memory, then the read and the field getters).
//!
//! Everything expected is derived from the model by the rules the project
//! documents (the `ir` and emitter module docs), not from generated code.

use std::fmt::Write as _;

use mmreg_codegen::ir::{Access, Cluster, Device, Field, Item, Peripheral, Register, Usage};

use super::generate::extent;
use super::names::{block_type, snake};
use super::semantics::{
    ACTIONS, accessor_index, action_bits, effective_access, field_dim, is_raw, ones,
    side_effect_read, write_base,
};
use super::vocabulary::Rng;

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
                        exclusive: format!(
                            "{}.{}_mut{call}",
                            place.exclusive,
                            accessor.trim_end_matches('_')
                        ),
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
