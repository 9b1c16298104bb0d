//! Rendering logged accesses with register and field names.
//!
//! The format, one access per line:
//! - `GPIO.GPSET0 <- 0x00020000 {SET17}` for a write and
//!   `GPIO.GPLEV0 -> 0x00000001 {LEV0}` for a read: the register's dotted path
//!   (array indices and clusters expanded), `<-` (write) or `->` (read), the
//!   value in hex padded to the register width, then the fields whose value is
//!   not zero, lowest bit first, separated by `, `. A field is shown as
//!   `NAME=VARIANT` when its value has a name, else as `NAME` when it is one
//!   bit wide, else as `NAME=0x3`. Set bits outside every field show as
//!   `?=0x80000000` (in register position), whether or not the register
//!   gives them a write action of its own (write-1-to-clear flags beside a
//!   data field: `IRQ.SR <- 0x00000334 {DATA=0x34, ?=0x300}`). The braces are
//!   left out when nothing is set or the register has no fields.
//! - an access narrower or wider than the register at its offset names the
//!   register but decodes no fields: `GPIO.GPSET0 <- 0x02 (8-bit access)`;
//! - an offset inside a block where no register starts is shown relative to
//!   the block, `GPIO+0x1d <- 0x02`; one outside every known block as the
//!   absolute offset, `+0x1d <- 0x02`.

use core::fmt::Write as _;

use super::log::{Access, PaddedHex};
use crate::meta::{BlockMeta, RegisterMeta};

/// Renders `access` (an offset in fake memory) for the block described by
/// `block`, which starts at byte `base` of that memory. See the module
/// documentation for the format.
pub fn render_access(access: &Access, block: &'static BlockMeta, base: usize) -> String {
    let Some(relative) = access.offset.checked_sub(base) else {
        return render_unknown(access, None);
    };
    let Some(hit) = block.register_at(relative) else {
        if relative < block.size {
            return render_unknown(access, Some((block.name, relative)));
        }
        return render_unknown(access, None);
    };
    let value = PaddedHex {
        value: access.value,
        width: access.width,
    };
    let mut line = format!("{} {} {value}", hit.path, access.arrow());
    if u32::from(hit.register.width) != access.bits() {
        let _ = write!(line, " ({}-bit access)", access.bits());
        return line;
    }
    let fields = describe_fields(hit.register, access.value);
    if !fields.is_empty() {
        let _ = write!(line, " {{{fields}}}");
    }
    line
}

/// Renders an access to an offset no described register starts at: relative
/// to `block` (name and offset within it) when given, else absolute.
pub(super) fn render_unknown(access: &Access, block: Option<(&str, usize)>) -> String {
    let (name, offset) = block.unwrap_or(("", access.offset));
    let value = PaddedHex {
        value: access.value,
        width: access.width,
    };
    format!("{name}+{offset:#x} {} {value}", access.arrow())
}

/// The non-zero fields of `value`, as `A, B=0x3, C=OUTPUT, ?=0x80`; empty
/// when the register has no fields or nothing is set.
fn describe_fields(register: &RegisterMeta, value: u64) -> String {
    if register.fields.is_empty() {
        return String::new();
    }
    let mut parts = Vec::new();
    let mut covered = 0u64;
    for field in register.fields {
        for index in 0..usize::from(field.count.max(1)) {
            let mask = field.mask(index);
            if mask == 0 {
                continue;
            }
            covered |= mask;
            let field_value = (value & mask) >> mask.trailing_zeros();
            if field_value == 0 {
                continue;
            }
            let name = field.element_name(index);
            let variant = field
                .values
                .iter()
                .find(|variant| variant.value == field_value);
            parts.push(match variant {
                Some(variant) => format!("{name}={}", variant.name),
                None if field.width == 1 => name,
                None => format!("{name}={field_value:#x}"),
            });
        }
    }
    let unnamed = value & !covered;
    if unnamed != 0 {
        parts.push(format!("?={unnamed:#x}"));
    }
    parts.join(", ")
}
