//! From the IR to YAML text in our schema (`--emit-yaml`).
//!
//! The text reads back into an equal IR: every property is written unless it
//! equals what the reader assumes when the key is left out, so the output is
//! as short as the schema allows and the same IR always gives the same bytes.

use std::fmt::Write as _;

use super::schema::{self, word_of};
use crate::ir::{
    Access, Cluster, Device, Dim, EnumeratedValues, Field, Item, Peripheral, Register, Usage,
    WriteConstraint,
};

/// Writes `device` as YAML text in the schema of `docs/yaml.md`.
pub fn export(device: &Device) -> Result<String, crate::Error> {
    let mut out = Out::default();
    out.text.push_str(
        "# Exported by mmreg-codegen; the schema is described in mmreg's docs/yaml.md.\n",
    );
    let mut map = out.map(0, false);
    map.scalar("device", &quote(&device.name, false));
    if let Some(description) = &device.description {
        map.scalar("description", &quote(description, false));
    }
    if device.peripherals.is_empty() {
        map.scalar("peripherals", "[]");
        return Ok(out.text);
    }
    map.open("peripherals");
    for peripheral in &device.peripherals {
        let base = peripheral
            .derived_from
            .as_ref()
            .and_then(|name| {
                device
                    .peripherals
                    .iter()
                    .find(|candidate| &candidate.name == name)
            })
            .filter(|base| base.name != peripheral.name);
        write_peripheral(&mut out, 2, peripheral, base);
    }
    Ok(out.text)
}

/// The text being written.
#[derive(Default)]
struct Out {
    text: String,
}

impl Out {
    /// Starts a mapping at `indent`; `item` makes it a list item (`- `).
    fn map(&mut self, indent: usize, item: bool) -> MapOut<'_> {
        MapOut {
            out: self,
            indent,
            item,
        }
    }
}

/// One mapping being written: keys at `indent`, the first one after `- `
/// when the mapping is a list item.
struct MapOut<'o> {
    out: &'o mut Out,
    indent: usize,
    item: bool,
}

impl MapOut<'_> {
    fn prefix(&mut self) {
        if self.item {
            self.out.text.push_str(&" ".repeat(self.indent - 2));
            self.out.text.push_str("- ");
            self.item = false;
        } else {
            self.out.text.push_str(&" ".repeat(self.indent));
        }
    }

    /// `key: value` (value already quoted as needed).
    fn scalar(&mut self, key: &str, value: &str) {
        self.prefix();
        let _ = writeln!(self.out.text, "{key}: {value}");
    }

    /// `key:` with a nested block below at `indent + 2`.
    fn open(&mut self, key: &str) {
        self.prefix();
        let _ = writeln!(self.out.text, "{key}:");
    }
}

fn write_peripheral(
    out: &mut Out,
    indent: usize,
    peripheral: &Peripheral,
    base: Option<&Peripheral>,
) {
    let mut map = out.map(indent + 2, true);
    map.scalar("name", &quote(&peripheral.name, false));
    if let Some(base) = base {
        map.scalar("derived_from", &quote(&base.name, false));
    }
    let text = |value: &String| quote(value, false);
    if let Some(line) = inherited(
        &peripheral.description,
        base.map(|base| &base.description),
        text,
    ) {
        map.scalar("description", &line);
    }
    if let Some(line) = inherited(&peripheral.group, base.map(|base| &base.group), text) {
        map.scalar("group", &line);
    }
    if peripheral.base_address != base.map_or(0, |base| base.base_address) {
        map.scalar("base", &hex(peripheral.base_address));
    }
    if let Some(line) = inherited(&peripheral.size, base.map(|base| &base.size), |size| {
        hex(*size)
    }) {
        map.scalar("size", &line);
    }
    let items = items_text(&peripheral.items, indent + 4);
    let base_items = base.map(|base| items_text(&base.items, indent + 4));
    if base_items.as_ref() == Some(&items) {
        return;
    }
    if items.is_empty() {
        if base.is_some() {
            map.scalar("registers", "[]");
        }
        return;
    }
    map.open("registers");
    out.text.push_str(&items);
}

/// How to write an optional property of a peripheral derived from `base`
/// (or of one derived from nothing, when `base` is `None`): left out when
/// inherited unchanged, `~` to clear what the base has.
fn inherited<T: PartialEq>(
    own: &Option<T>,
    base: Option<&Option<T>>,
    render: impl Fn(&T) -> String,
) -> Option<String> {
    match (own, base) {
        (own, Some(base_value)) if own == base_value => None,
        (None, Some(_)) => Some("~".to_string()),
        (Some(value), _) => Some(render(value)),
        (None, None) => None,
    }
}

fn items_text(items: &[Item], indent: usize) -> String {
    let mut out = Out::default();
    for item in items {
        match item {
            Item::Register(register) => write_register(&mut out, indent, register),
            Item::Cluster(cluster) => write_cluster(&mut out, indent, cluster),
        }
    }
    out.text
}

fn write_cluster(out: &mut Out, indent: usize, cluster: &Cluster) {
    let mut map = out.map(indent + 2, true);
    map.scalar("cluster", &quote(&cluster.name, false));
    if let Some(description) = &cluster.description {
        map.scalar("description", &quote(description, false));
    }
    map.scalar("offset", &hex(cluster.offset));
    if let Some(dim) = &cluster.dim {
        write_dim(&mut map, dim, None, hex);
    }
    if cluster.items.is_empty() {
        return;
    }
    map.open("registers");
    let items = items_text(&cluster.items, indent + 4);
    out.text.push_str(&items);
}

fn write_register(out: &mut Out, indent: usize, register: &Register) {
    let mut map = out.map(indent + 2, true);
    map.scalar("name", &quote(&register.name, false));
    if let Some(description) = &register.description {
        map.scalar("description", &quote(description, false));
    }
    map.scalar("offset", &hex(register.offset));
    if register.size != 32 {
        map.scalar("size", &register.size.to_string());
    }
    if register.access != Access::default() {
        map.scalar("access", word_of(schema::ACCESS_WORDS, register.access));
    }
    if register.reset_value != 0 {
        map.scalar("reset", &hex(register.reset_value));
    }
    if register.reset_mask != schema::full_mask(register.size) {
        map.scalar("reset_mask", &hex(register.reset_mask));
    }
    if let Some(dim) = &register.dim {
        write_dim(
            &mut map,
            dim,
            Some(u64::from(register.size.div_ceil(8))),
            hex,
        );
    }
    if let Some(action) = register.read_action {
        map.scalar("read_action", word_of(schema::READ_ACTION_WORDS, action));
    }
    if !register.write_action.is_normal() {
        map.scalar(
            "write_action",
            word_of(schema::WRITE_ACTION_WORDS, register.write_action),
        );
    }
    if register.dma {
        map.scalar("dma", "true");
    }
    if !register.word_order.is_low_first() {
        map.scalar(
            "word_order",
            word_of(schema::WORD_ORDER_WORDS, register.word_order),
        );
    }
    if let Some(name) = &register.alternate_register {
        map.scalar("alternate_register", &quote(name, false));
    }
    if let Some(name) = &register.alternate_group {
        map.scalar("alternate_group", &quote(name, false));
    }
    if register.fields.is_empty() {
        return;
    }
    map.open("fields");
    for field in &register.fields {
        write_field(out, indent + 4, field, register);
    }
}

fn write_dim(
    map: &mut MapOut<'_>,
    dim: &Dim,
    default_stride: Option<u64>,
    number: fn(u64) -> String,
) {
    map.scalar("count", &dim.count.to_string());
    if default_stride != Some(dim.stride) {
        map.scalar("stride", &number(dim.stride));
    }
    if !dim.index_names.is_empty() {
        let names: Vec<String> = dim
            .index_names
            .iter()
            .map(|name| quote(name, true))
            .collect();
        map.scalar("index_names", &format!("[{}]", names.join(", ")));
    }
}

/// One field; its access and write action are written when they differ
/// from the register's, which the reader takes as their defaults.
fn write_field(out: &mut Out, indent: usize, field: &Field, register: &Register) {
    let mut map = out.map(indent + 2, true);
    map.scalar("name", &quote(&field.name, false));
    if let Some(description) = &field.description {
        map.scalar("description", &quote(description, false));
    }
    match field.width {
        1 => map.scalar("bit", &field.lsb.to_string()),
        // Invalid (validation says so), but it must survive the round trip.
        0 => {
            map.scalar("lsb", &field.lsb.to_string());
            map.scalar("width", "0");
        }
        width => {
            let msb = u64::from(field.lsb) + u64::from(width) - 1;
            map.scalar("bits", &format!("\"[{msb}:{}]\"", field.lsb));
        }
    }
    if field.access != register.access {
        map.scalar("access", word_of(schema::ACCESS_WORDS, field.access));
    }
    if field.write_action != register.write_action {
        map.scalar(
            "modified_write_values",
            word_of(schema::WRITE_ACTION_WORDS, field.write_action),
        );
    }
    if let Some(action) = field.read_action {
        map.scalar("read_action", word_of(schema::READ_ACTION_WORDS, action));
    }
    match &field.write_constraint {
        None => {}
        Some(WriteConstraint::WriteAsRead) => map.scalar("write_constraint", schema::WRITE_AS_READ),
        Some(WriteConstraint::UseEnumeratedValues) => {
            map.scalar("write_constraint", schema::USE_ENUMERATED_VALUES)
        }
        Some(WriteConstraint::Range { min, max }) => {
            map.scalar(
                "write_constraint",
                &format!("{{ min: {}, max: {} }}", number(*min), number(*max)),
            );
        }
    }
    if let Some(dim) = &field.dim {
        write_dim(&mut map, dim, Some(u64::from(field.width)), |stride| {
            stride.to_string()
        });
    }
    match field.enums.as_slice() {
        [] => {}
        [set] => {
            if let Some(name) = &set.name {
                map.scalar("enum", &quote(name, false));
            }
            if set.usage != Usage::ReadWrite {
                map.scalar("usage", word_of(schema::USAGE_WORDS, set.usage));
            }
            write_values(&mut map, set, indent + 4);
        }
        sets => {
            map.open("enums");
            for set in sets {
                let mut set_map = map.out.map(indent + 6, true);
                if let Some(name) = &set.name {
                    set_map.scalar("name", &quote(name, false));
                }
                if set.usage != Usage::ReadWrite {
                    set_map.scalar("usage", word_of(schema::USAGE_WORDS, set.usage));
                }
                write_values(&mut set_map, set, indent + 8);
            }
        }
    }
}

/// `values:` as a block mapping of names to numbers when that says it all,
/// else as a list of flow mappings.
fn write_values(map: &mut MapOut<'_>, set: &EnumeratedValues, indent: usize) {
    if set.values.is_empty() {
        map.scalar("values", "[]");
        return;
    }
    map.open("values");
    let unique = set
        .values
        .iter()
        .enumerate()
        .all(|(index, value)| set.values[..index].iter().all(|v| v.name != value.name));
    let compact = unique
        && set
            .values
            .iter()
            .all(|value| value.description.is_none() && value.value.is_some());
    for value in &set.values {
        let name = quote(&value.name, true);
        let line = if compact {
            format!("{name}: {}", value.value.map(number).unwrap_or_default())
        } else {
            let mut parts = vec![format!("name: {name}")];
            match value.value {
                Some(number_value) => parts.push(format!("value: {}", number(number_value))),
                None => parts.push("default: true".to_string()),
            }
            if let Some(description) = &value.description {
                parts.push(format!("description: {}", quote(description, true)));
            }
            format!("- {{ {} }}", parts.join(", "))
        };
        let _ = writeln!(map.out.text, "{}{line}", " ".repeat(indent));
    }
}

fn hex(value: u64) -> String {
    format!("{value:#x}")
}

/// Small numbers in decimal, the rest in hex.
fn number(value: u64) -> String {
    if value < 10 {
        value.to_string()
    } else {
        hex(value)
    }
}

/// `text` as a YAML scalar: plain when that is unambiguous (in `flow`
/// context, also free of `[]{},`), else double-quoted with escapes.
fn quote(text: &str, flow: bool) -> String {
    if plain_is_safe(text, flow) {
        return text.to_string();
    }
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for character in text.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            '\r' => quoted.push_str("\\r"),
            // Control characters and the characters YAML treats as line
            // breaks or a byte-order mark would not survive unescaped.
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                let _ = write!(quoted, "\\u{:04x}", u32::from(c));
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

fn plain_is_safe(text: &str, flow: bool) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '_') || text.ends_with(' ') {
        return false;
    }
    // Words YAML 1.1 readers take for booleans or null.
    let lower = text.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
    ) {
        return false;
    }
    text.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '_' | '.'
                    | '%'
                    | '-'
                    | '/'
                    | '('
                    | ')'
                    | '\''
                    | '+'
                    | '='
                    | '<'
                    | '>'
                    | ';'
                    | '*'
                    | '&'
                    | '!'
            )
            // In flow context (`[a, b]`, `{ k: v }`) words stay single: a
            // space before `-` or `,` confuses readers there.
            || (!flow && matches!(c, '[' | ']' | ',' | ' '))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote("GPSET%s", false), "GPSET%s");
        assert_eq!(quote("GPSET[%s]", false), "GPSET[%s]");
        assert_eq!(quote("GPSET[%s]", true), "\"GPSET[%s]\"");
        assert_eq!(quote("Reset value: 0", false), "\"Reset value: 0\"");
        assert_eq!(quote("1", false), "\"1\"");
        assert_eq!(quote("off", true), "\"off\"");
        assert_eq!(quote("a -", true), "\"a -\"");
        assert_eq!(quote("Any other value", false), "Any other value");
        assert_eq!(quote("a\"b\\\nc\u{1}", false), "\"a\\\"b\\\\\\nc\\u0001\"");
        assert_eq!(quote("", false), "\"\"");
    }
}
