//! A register value decoded into its fields, for people (aligned columns,
//! colour on a terminal) and for scripts (JSON, one object per register,
//! fields in a stable order).

use std::fmt::Write as _;

use mmreg::meta::{Access, FieldMeta, ReadAction, RegisterMeta};
use serde::Serialize;

use crate::names::{FieldRef, field_elements};

/// One field element's value.
#[derive(Debug, Clone, Serialize)]
pub struct FieldReport {
    /// The element's name.
    pub name: String,
    /// The bits, `[7]` or `[15:8]`.
    pub bits: String,
    /// The value.
    pub value: u64,
    /// The name of the value, if the description has one.
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// The value after reset, when the reset mask defines every bit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reset: Option<u64>,
    /// Whether the value differs from the reset value.
    pub changed: bool,
}

/// One register's value.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterReport {
    /// The dotted path.
    pub path: String,
    /// The register's address, in hex.
    pub address: String,
    /// Width in bits.
    pub width: u8,
    /// Access rule: `ro`, `wo`, `rw`, `w1`, `rw1`.
    pub access: &'static str,
    /// The value, in hex padded to the width.
    pub value: String,
    /// The reset value (undefined bits 0), in hex, when any bit is defined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reset: Option<String>,
    /// Whether the defined bits differ from the reset value.
    pub changed: bool,
    /// The fields, lowest first.
    pub fields: Vec<FieldReport>,
}

/// The short word for an access rule.
pub fn access_word(access: Access) -> &'static str {
    match access {
        Access::ReadOnly => "ro",
        Access::WriteOnly => "wo",
        Access::ReadWrite => "rw",
        Access::WriteOnce => "w1",
        Access::ReadWriteOnce => "rw1",
    }
}

/// `0x` and two hex digits per byte of `width` bits.
pub fn hex(value: u64, width: u8) -> String {
    let digits = usize::from(width / 4).max(1);
    format!("{value:#0w$x}", w = digits + 2)
}

fn bits_text(mask: u64) -> String {
    let low = mask.trailing_zeros();
    let high = 63 - mask.leading_zeros();
    if low == high {
        format!("[{low}]")
    } else {
        format!("[{high}:{low}]")
    }
}

fn field_value(mask: u64, bits: u64) -> u64 {
    if mask == 0 {
        0
    } else {
        (bits & mask) >> mask.trailing_zeros()
    }
}

/// Decodes one field element of `value`.
pub fn field_report(register: &RegisterMeta, element: &FieldRef, value: u64) -> FieldReport {
    let mask = element.mask() & register.width_mask();
    let field_value = field_value(mask, value);
    let reset = (register.reset_mask & mask == mask).then(|| field_value_of(mask, register.reset));
    FieldReport {
        name: element.name.clone(),
        bits: bits_text(mask),
        value: field_value,
        variant: variant(element.field, field_value).map(str::to_string),
        reset,
        changed: reset.is_some_and(|reset| reset != field_value),
    }
}

fn field_value_of(mask: u64, bits: u64) -> u64 {
    field_value(mask, bits)
}

/// The name of `value` in `field`'s named values.
pub fn variant(field: &FieldMeta, value: u64) -> Option<&'static str> {
    field
        .values
        .iter()
        .find(|v| v.value == value)
        .map(|v| v.name)
}

/// Decodes a register value.
pub fn register_report(
    path: &str,
    address: u64,
    register: &RegisterMeta,
    value: u64,
) -> RegisterReport {
    let defined = register.reset_mask & register.width_mask();
    let reset = register.reset & defined;
    RegisterReport {
        path: path.to_string(),
        address: format!("{address:#x}"),
        width: register.width,
        access: access_word(register.access),
        value: hex(value, register.width),
        reset: (defined != 0).then(|| hex(reset, register.width)),
        changed: defined != 0 && value & defined != reset,
        fields: field_elements(register.fields)
            .iter()
            .filter(|element| element.mask() & register.width_mask() != 0)
            .map(|element| field_report(register, element, value))
            .collect(),
    }
}

/// Whether to colour output: standard output is a terminal and `NO_COLOR`
/// is not set.
pub fn colour() -> bool {
    // SAFETY: `isatty` only inspects the descriptor.
    let terminal = unsafe { libc::isatty(libc::STDOUT_FILENO) } == 1;
    terminal && std::env::var_os("NO_COLOR").is_none()
}

/// A field's value for people: `1`, `0x3`, `0x1 (RUN)`.
pub fn value_text(width_bits: u32, value: u64, variant: Option<&str>) -> String {
    let number = if width_bits == 1 {
        value.to_string()
    } else {
        format!("{value:#x}")
    };
    match variant {
        Some(name) => format!("{number} ({name})"),
        None => number,
    }
}

/// The register for people: a heading line, then one aligned line per field.
pub fn render(report: &RegisterReport, colour: bool) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "{} @ {} = {}",
        report.path, report.address, report.value
    );
    if let Some(reset) = &report.reset
        && report.changed
    {
        let _ = write!(out, "  (reset {reset})");
    }
    out.push('\n');
    let name_width = report
        .fields
        .iter()
        .map(|f| f.name.len())
        .max()
        .unwrap_or(0);
    let bits_width = report
        .fields
        .iter()
        .map(|f| f.bits.len())
        .max()
        .unwrap_or(0);
    for field in &report.fields {
        let width_bits = field_width(&field.bits);
        let value = value_text(width_bits, field.value, field.variant.as_deref());
        let mut line = format!(
            "  {:<name_width$}  {:<bits_width$}  {value}",
            field.name, field.bits
        );
        if field.changed
            && let Some(reset) = field.reset
        {
            let _ = write!(line, "  (reset {})", value_text(width_bits, reset, None));
            if colour {
                line = format!("\x1b[33m{line}\x1b[0m");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The width of a `[h:l]` or `[b]` bit range.
fn field_width(bits: &str) -> u32 {
    let inner = bits.trim_matches(['[', ']']);
    match inner.split_once(':') {
        Some((high, low)) => {
            let high: u32 = high.parse().unwrap_or(0);
            let low: u32 = low.parse().unwrap_or(0);
            high - low.min(high) + 1
        }
        None => 1,
    }
}

/// Why reading `register` changes the device, if it does: `a read clears
/// it`, `a read clears field `RXNE``.
pub fn read_side_effect(register: &RegisterMeta) -> Option<String> {
    let word = |action: ReadAction| match action {
        ReadAction::Clear => "clears",
        ReadAction::Set => "sets",
        ReadAction::Modify => "modifies",
        ReadAction::ModifyExternal => "has a side effect through",
    };
    if let Some(action) = register.read_action {
        return Some(format!("a read {} it", word(action)));
    }
    let fields: Vec<String> = register
        .fields
        .iter()
        .filter_map(|f| {
            f.read_action
                .map(|a| format!("{} field `{}`", word(a), f.name))
        })
        .collect();
    (!fields.is_empty()).then(|| format!("a read {}", fields.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mmreg::meta::{EnumValueMeta, WriteAction};

    static MODE: [EnumValueMeta; 2] = [EnumValueMeta::new("IDLE", 0), EnumValueMeta::new("RUN", 1)];
    static FIELDS: [FieldMeta; 3] = [
        FieldMeta::new("EN", 0, 1),
        FieldMeta::new("MODE", 1, 2).with_values(&MODE),
        FieldMeta::new("FLAG", 8, 1)
            .with_write_action(WriteAction::OneToClear)
            .with_read_action(ReadAction::Clear),
    ];

    #[test]
    fn decodes_fields_enums_and_reset_differences() {
        let register = RegisterMeta::new("CTRL", 4, 32, &FIELDS).with_reset(0x2, 0xffff_ffff);
        let report = register_report("P.CTRL", 0x1004, &register, 0x103);
        assert_eq!(report.value, "0x00000103");
        assert_eq!(report.reset.as_deref(), Some("0x00000002"));
        assert!(report.changed);
        let text = render(&report, false);
        assert_eq!(
            text,
            "P.CTRL @ 0x1004 = 0x00000103  (reset 0x00000002)\n  EN    [0]    1  (reset 0)\n  MODE  [2:1]  0x1 (RUN)\n  FLAG  [8]    1  (reset 0)\n"
        );
        let json = serde_json::to_string(&report.fields[1]).unwrap();
        assert_eq!(
            json,
            r#"{"name":"MODE","bits":"[2:1]","value":1,"enum":"RUN","reset":1,"changed":false}"#
        );
        assert_eq!(
            read_side_effect(&register).as_deref(),
            Some("a read clears field `FLAG`")
        );
    }
}
