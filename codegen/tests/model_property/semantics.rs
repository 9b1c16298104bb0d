//! The model's meaning for generated code, as the project documents it:
//! which access a register's handle gets, which bits each write action
//! covers, what `write` starts from, when a register is a raw value, and
//! which number indexes an array element.

use mmreg_codegen::ir::{Access, Dim, Field, Register, WriteAction};

pub fn ones(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    }
}

/// `(count, stride)` of a field, 1 and 0 for a plain one.
pub fn field_dim(field: &Field) -> (u32, u32) {
    field
        .dim
        .as_ref()
        .map_or((1, 0), |d| (d.count, d.stride as u32))
}

/// The bits of every element of `field`.
pub fn field_bits(field: &Field) -> u64 {
    let (count, stride) = field_dim(field);
    (0..count).fold(0, |bits, i| {
        bits | ones(field.width) << (field.lsb + i * stride)
    })
}

pub fn covered(register: &Register) -> u64 {
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

pub fn side_effect_read(register: &Register) -> bool {
    effective_access(register).readable()
        && (register.read_action.is_some()
            || register.fields.iter().any(|f| f.read_action.is_some()))
}

pub fn is_write_one(action: WriteAction) -> bool {
    matches!(
        action,
        WriteAction::OneToClear | WriteAction::OneToSet | WriteAction::OneToToggle
    )
}

pub fn is_write_zero(action: WriteAction) -> bool {
    matches!(
        action,
        WriteAction::ZeroToClear | WriteAction::ZeroToSet | WriteAction::ZeroToToggle
    )
}

/// The design's raw-value case: one field over every bit, plain values,
/// plain writes (the register's own write action), no read action.
pub fn is_raw(register: &Register) -> bool {
    matches!(register.fields.as_slice(), [only]
        if only.dim.is_none()
            && only.width == register.size
            && only.enums.is_empty()
            && !is_write_one(only.write_action)
            && !is_write_zero(only.write_action)
            && only.write_action == register.write_action
            && only.read_action.is_none())
}

pub const ACTIONS: [WriteAction; 10] = WriteAction::ALL;

/// The bits `action` acts on: its fields' and, for the register's own
/// action, the bits no field covers.
pub fn action_bits(register: &Register, action: WriteAction) -> u64 {
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
pub fn write_base(register: &Register) -> u64 {
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
pub fn accessor_index(dim: &Dim, position: u32) -> u64 {
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
