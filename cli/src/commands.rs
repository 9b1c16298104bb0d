//! The register commands: `read`, `write`, `list`, `dump` and `watch`.
//!
//! Each takes the loaded description, the source options and a writer for
//! its output, so tests can run it in-process; `main` passes standard output.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use mmreg::meta::{RegisterHit, RegisterMeta, WriteAction};

use crate::decode::{self, RegisterReport, read_side_effect};
use crate::error::Error;
use crate::layout;
use crate::memory::{Options, Source, Window};
use crate::model::Description;
use crate::names::{self, FieldRef, Resolved};

/// Output switches shared by the commands.
#[derive(Debug, Clone, Copy, Default)]
pub struct Output {
    /// One JSON object per line instead of text for people.
    pub json: bool,
    /// Colour changed fields (only on a terminal).
    pub colour: bool,
}

fn out_error(error: std::io::Error) -> Error {
    Error::Io {
        message: "cannot write to",
        path: "standard output".into(),
        source: error,
    }
}

fn refused(description: &Description, path: &str, message: String) -> Error {
    Error::Refused {
        description: description.display(),
        path: path.to_string(),
        message,
    }
}

/// Refuses a read that the description says is not a plain read, unless
/// `force`.
fn check_readable(description: &Description, hit: &RegisterHit, force: bool) -> Result<(), Error> {
    if force {
        return Ok(());
    }
    if !hit.register.access.readable() {
        return Err(refused(
            description,
            &hit.path,
            "the register is write-only; a read returns nothing it holds (`--force` reads anyway)"
                .into(),
        ));
    }
    if let Some(effect) = read_side_effect(hit.register) {
        return Err(refused(
            description,
            &hit.path,
            format!("{effect}, so it is not read by accident (`--force` reads it)"),
        ));
    }
    Ok(())
}

fn print_report(out: &mut dyn Write, report: &RegisterReport, output: Output) -> Result<(), Error> {
    if output.json {
        let line = serde_json::to_string(report).map_err(|e| Error::Usage(e.to_string()))?;
        writeln!(out, "{line}").map_err(out_error)
    } else {
        write!(out, "{}", decode::render(report, output.colour)).map_err(out_error)
    }
}

/// `mmreg read PATH`: one register (every field decoded) or one field.
pub fn read(
    description: &Description,
    options: &Options,
    path: &str,
    force: bool,
    output: Output,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let Resolved {
        peripheral,
        hit,
        field,
        ..
    } = names::resolve(description, path)?;
    check_readable(description, &hit, force)?;
    let mut window = Window::open(description, peripheral, options)?;
    let value = window.read(&hit)?;
    let address = window.address_of(&hit);
    window.finish()?;
    if options.dry_run {
        return Ok(());
    }
    let report = decode::register_report(&hit.path, address, hit.register, value);
    match field {
        None => print_report(out, &report, output),
        Some(element) => {
            let field = decode::field_report(hit.register, &element, value);
            if output.json {
                let line = serde_json::json!({
                    "path": format!("{}.{}", hit.path, field.name),
                    "address": report.address,
                    "register": report.value,
                    "field": field,
                });
                writeln!(out, "{line}").map_err(out_error)
            } else {
                let width = element.field.width.into();
                let mut line = format!(
                    "{}.{} {} = {}",
                    hit.path,
                    field.name,
                    field.bits,
                    decode::value_text(width, field.value, field.variant.as_deref())
                );
                if field.changed
                    && let Some(reset) = field.reset
                {
                    line.push_str(&format!(
                        "  (reset {})",
                        decode::value_text(width, reset, None)
                    ));
                }
                writeln!(out, "{line}").map_err(out_error)
            }
        }
    }
}

/// Parses a number: decimal, `0x` hex, `0b` binary, `0o` octal, `_` allowed.
pub fn parse_number(text: &str) -> Option<u64> {
    let clean = text.trim().replace('_', "");
    let lower = clean.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("0x") {
        u64::from_str_radix(hex, 16).ok()
    } else if let Some(binary) = lower.strip_prefix("0b") {
        u64::from_str_radix(binary, 2).ok()
    } else if let Some(octal) = lower.strip_prefix("0o") {
        u64::from_str_radix(octal, 8).ok()
    } else {
        lower.parse().ok()
    }
}

/// A field value from text: a number that fits, or one of the field's value
/// names (ignoring case).
fn field_value(
    description: &Description,
    path: &str,
    element: &FieldRef,
    text: &str,
) -> Result<u64, Error> {
    let field = element.field;
    let bad = |message: String| Error::BadValue {
        description: description.display(),
        path: path.to_string(),
        message,
    };
    let max = if field.width >= 64 {
        u64::MAX
    } else {
        (1u64 << field.width) - 1
    };
    if let Some(value) = parse_number(text) {
        if value > max {
            return Err(bad(format!(
                "`{text}` does not fit the {}-bit field (at most {max:#x})",
                field.width
            )));
        }
        return Ok(value);
    }
    let wanted = names::normalise(text);
    if let Some(variant) = field
        .values
        .iter()
        .find(|v| names::normalise(v.name) == wanted)
    {
        return Ok(variant.value);
    }
    if field.values.is_empty() {
        return Err(bad(format!(
            "`{text}` is not a number, and the field has no named values"
        )));
    }
    let suggestions = mmreg_codegen::select::near_matches(
        &text.to_lowercase(),
        field.values.iter().map(|v| v.name),
    );
    let all: Vec<&str> = field.values.iter().map(|v| v.name).collect();
    let hint = if suggestions.is_empty() {
        format!("the names are {}", all.join(", "))
    } else {
        format!("did you mean {}?", suggestions.join(", "))
    };
    Err(bad(format!("`{text}` is no value of the field; {hint}")))
}

/// Whether a field can be written: writable access, or a write action of its
/// own (a read-only flag cleared by writing 1).
fn field_writable(element: &FieldRef) -> bool {
    element.field.access.writable() || element.field.write_action != WriteAction::Normal
}

/// The value a write of fields starts from, as the runtime's `modify` and
/// `write` build it: what was read (or, for a write-only register, the reset
/// value) with every action bit neutral.
pub fn neutralise(register: &RegisterMeta, bits: u64) -> u64 {
    ((bits & !register.write_one_action_mask()) | register.write_zero_action_mask())
        & register.width_mask()
}

/// `mmreg write PATH VALUE` or `mmreg write PATH FIELD=VALUE...` or
/// `mmreg write PATH.FIELD VALUE`.
#[allow(clippy::too_many_arguments)]
pub fn write(
    description: &Description,
    options: &Options,
    path: &str,
    values: &[String],
    readback: bool,
    force: bool,
    output: Output,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let Resolved {
        peripheral,
        hit,
        field,
        ..
    } = names::resolve(description, path)?;
    let register = hit.register;
    let bad = |message: String| Error::BadValue {
        description: description.display(),
        path: hit.path.clone(),
        message,
    };
    // What to write: a raw value, or field assignments.
    let mut assignments: Vec<(FieldRef, u64)> = Vec::new();
    let mut raw = None;
    match (&field, values) {
        (Some(element), [value]) => {
            let path = format!("{}.{}", hit.path, element.name);
            assignments.push((
                element.clone(),
                field_value(description, &path, element, value)?,
            ));
        }
        (Some(_), _) => {
            return Err(Error::Usage(format!(
                "`mmreg write {path}` takes one value"
            )));
        }
        (None, []) => {
            return Err(Error::Usage(format!(
                "`mmreg write {path}` needs a value or FIELD=VALUE assignments"
            )));
        }
        (None, [value]) if !value.contains('=') => {
            let number = parse_number(value).ok_or_else(|| {
                bad(format!(
                    "`{value}` is not a number (for fields, write FIELD=VALUE)"
                ))
            })?;
            if number & !register.width_mask() != 0 {
                return Err(bad(format!(
                    "`{value}` does not fit the {}-bit register",
                    register.width
                )));
            }
            raw = Some(number);
        }
        (None, assignments_text) => {
            for text in assignments_text {
                let Some((name, value)) = text.split_once('=') else {
                    return Err(Error::Usage(format!(
                        "`{text}`: write FIELD=VALUE, or one raw value for the whole register"
                    )));
                };
                let element = names::field(description, &hit.path, register.fields, name.trim())?;
                let field_path = format!("{}.{}", hit.path, element.name);
                let value = field_value(description, &field_path, &element, value.trim())?;
                assignments.push((element, value));
            }
        }
    }
    if !register.access.writable() && !assignments.iter().any(|(e, _)| field_writable(e)) {
        return Err(refused(
            description,
            &hit.path,
            "the register is read-only".into(),
        ));
    }
    for (element, _) in &assignments {
        if !field_writable(element) {
            return Err(refused(
                description,
                &format!("{}.{}", hit.path, element.name),
                "the field is read-only".into(),
            ));
        }
    }
    let mut window = Window::open(description, peripheral, options)?;
    let value = match raw {
        Some(value) => value,
        None => {
            let start = if register.access.readable() {
                if layout::every_bit_acts_on_write(register) {
                    return Err(refused(
                        description,
                        &hit.path,
                        "every bit acts on any write, so a read-modify-write would act on all of them; write the whole register".into(),
                    ));
                }
                if let Some(effect) = read_side_effect(register)
                    && !force
                {
                    return Err(refused(
                        description,
                        &hit.path,
                        format!(
                            "a field write reads the register first and {effect}; write the whole register, or `--force`"
                        ),
                    ));
                }
                window.read(&hit)?
            } else {
                register.reset & register.reset_mask
            };
            let mut value = neutralise(register, start);
            for (element, field_value) in &assignments {
                let mask = element.mask();
                value = (value & !mask) | ((field_value << mask.trailing_zeros()) & mask);
            }
            value
        }
    };
    window.write(&hit, value)?;
    let address = window.address_of(&hit);
    let mut read_back = None;
    if readback {
        check_readable(description, &hit, force)?;
        read_back = Some(window.read(&hit)?);
    }
    let log = window.finish()?;
    if options.dry_run {
        return Ok(());
    }
    let written_line = log
        .iter()
        .rev()
        .find(|line| line.contains(" <- "))
        .cloned()
        .unwrap_or_default();
    if output.json {
        let mut object = serde_json::Map::new();
        object.insert("path".into(), hit.path.clone().into());
        object.insert("address".into(), format!("{address:#x}").into());
        object.insert("written".into(), decode::hex(value, register.width).into());
        if let Some(back) = read_back {
            let report = decode::register_report(&hit.path, address, register, back);
            object.insert(
                "readback".into(),
                serde_json::to_value(report).map_err(|e| Error::Usage(e.to_string()))?,
            );
        }
        writeln!(out, "{}", serde_json::Value::Object(object)).map_err(out_error)?;
    } else {
        writeln!(out, "{written_line}").map_err(out_error)?;
        if let Some(back) = read_back {
            let report = decode::register_report(&hit.path, address, register, back);
            print_report(out, &report, output)?;
        }
    }
    Ok(())
}

/// The peripherals a pattern's first segment selects, and the register
/// pattern (`PERIPHERAL` alone selects all its registers).
fn select(description: &Description, pattern: &str) -> (Vec<usize>, String) {
    let (first, register_pattern) = match pattern.split_once('.') {
        Some((first, _)) => (first, pattern.to_string()),
        None => (pattern, format!("{pattern}.*")),
    };
    let peripherals = description
        .peripherals
        .iter()
        .enumerate()
        .filter(|(_, p)| names::glob(first, &p.name))
        .map(|(index, _)| index)
        .collect();
    (peripherals, register_pattern)
}

/// The registers of `pattern`, by peripheral, in description order.
fn registers_matching(
    description: &Description,
    pattern: &str,
) -> Result<Vec<(usize, Vec<RegisterHit>)>, Error> {
    let (peripherals, register_pattern) = select(description, pattern);
    let mut found = Vec::new();
    for index in peripherals {
        let block = description.block(index)?;
        let hits: Vec<RegisterHit> = block
            .registers_expanded()
            .into_iter()
            .filter(|hit| names::glob(&register_pattern, &hit.path))
            .collect();
        if !hits.is_empty() {
            found.push((index, hits));
        }
    }
    if found.is_empty() {
        let first = pattern.split('.').next().unwrap_or(pattern);
        return Err(Error::UnknownName {
            description: description.display(),
            what: "register matching",
            name: pattern.to_string(),
            suggestions: mmreg_codegen::select::near_matches(
                &first.replace('*', "").to_lowercase(),
                description.peripherals.iter().map(|p| p.name.as_str()),
            ),
        });
    }
    Ok(found)
}

/// `mmreg list [PATTERN...]`: peripherals, or the registers patterns match.
pub fn list(
    description: &Description,
    patterns: &[String],
    output: Output,
    out: &mut dyn Write,
) -> Result<(), Error> {
    if patterns.is_empty() {
        let width = description
            .peripherals
            .iter()
            .map(|p| p.name.len())
            .max()
            .unwrap_or(0);
        for entry in &description.peripherals {
            if output.json {
                let line = serde_json::json!({
                    "peripheral": entry.name,
                    "base": format!("{:#x}", entry.base_address),
                    "size": entry.size.map(|size| format!("{size:#x}")),
                });
                writeln!(out, "{line}").map_err(out_error)?;
            } else {
                let size = entry
                    .size
                    .map(|s| format!("{s:#x}"))
                    .unwrap_or_else(|| "-".into());
                writeln!(
                    out,
                    "{:<width$}  {:#010x}  {size}",
                    entry.name, entry.base_address
                )
                .map_err(out_error)?;
            }
        }
        return Ok(());
    }
    let mut rows = Vec::new();
    for pattern in patterns {
        for (index, hits) in registers_matching(description, pattern)? {
            let base = description.peripherals[index].base_address;
            for hit in hits {
                rows.push((base + hit.offset as u64, hit));
            }
        }
    }
    let width = rows.iter().map(|(_, h)| h.path.len()).max().unwrap_or(0);
    for (address, hit) in rows {
        let register = hit.register;
        let reset = decode::hex(register.reset & register.reset_mask, register.width);
        let effect = read_side_effect(register);
        let fields: Vec<String> = names::field_elements(register.fields)
            .into_iter()
            .map(|element| element.name)
            .collect();
        if output.json {
            let line = serde_json::json!({
                "path": hit.path,
                "address": format!("{address:#x}"),
                "width": register.width,
                "access": decode::access_word(register.access),
                "reset": reset,
                "read_side_effect": effect,
                "fields": fields,
            });
            writeln!(out, "{line}").map_err(out_error)?;
        } else {
            let mut line = format!(
                "{:<width$}  {address:#010x}  {:>2}  {:<3}  reset {reset}",
                hit.path,
                register.width,
                decode::access_word(register.access)
            );
            if let Some(effect) = effect {
                line.push_str(&format!("  ({effect})"));
            }
            writeln!(out, "{line}").map_err(out_error)?;
        }
    }
    Ok(())
}

/// Refuses `--base` for more than one peripheral.
fn one_peripheral_for_base(options: &Options, count: usize) -> Result<(), Error> {
    let moved = matches!(
        options.source,
        Source::DevMem { base: Some(_) } | Source::Fake { base: Some(_), .. }
    );
    if moved && count > 1 {
        return Err(Error::Usage(
            "`--base` moves one peripheral, but the patterns select several".into(),
        ));
    }
    Ok(())
}

/// `mmreg dump PATTERN...`: every readable register without read side
/// effects (all with `force`); skipped ones are named on standard error.
pub fn dump(
    description: &Description,
    options: &Options,
    patterns: &[String],
    force: bool,
    output: Output,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let mut by_peripheral: BTreeMap<usize, Vec<RegisterHit>> = BTreeMap::new();
    for pattern in patterns {
        for (index, hits) in registers_matching(description, pattern)? {
            let list = by_peripheral.entry(index).or_default();
            for hit in hits {
                if !list
                    .iter()
                    .any(|h| h.offset == hit.offset && h.path == hit.path)
                {
                    list.push(hit);
                }
            }
        }
    }
    one_peripheral_for_base(options, by_peripheral.len())?;
    for (index, hits) in by_peripheral {
        let mut window = Window::open(description, index, options)?;
        for hit in hits {
            if !force {
                let why = if !hit.register.access.readable() {
                    Some("write-only".to_string())
                } else {
                    read_side_effect(hit.register)
                };
                if let Some(why) = why {
                    eprintln!("skipped {}: {why} (`--force` reads it)", hit.path);
                    continue;
                }
            }
            let value = window.read(&hit)?;
            if !options.dry_run {
                let report = decode::register_report(
                    &hit.path,
                    window.address_of(&hit),
                    hit.register,
                    value,
                );
                print_report(out, &report, output)?;
            }
        }
        window.finish()?;
    }
    Ok(())
}

/// `HH:MM:SS.mmm` (UTC) of now.
fn timestamp() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let seconds = now.as_secs() % 86_400;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        now.subsec_millis()
    )
}

/// `mmreg watch PATH...`: polls every `interval`, printing the fields that
/// changed (all of them at the first poll), `count` polls or forever.
#[allow(clippy::too_many_arguments)]
pub fn watch(
    description: &Description,
    options: &Options,
    paths: &[String],
    interval: Duration,
    count: Option<u64>,
    force: bool,
    output: Output,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let mut targets = Vec::new();
    for path in paths {
        let resolved = names::resolve(description, path)?;
        check_readable(description, &resolved.hit, force)?;
        targets.push(resolved);
    }
    let mut windows: BTreeMap<usize, Window> = BTreeMap::new();
    for target in &targets {
        if let std::collections::btree_map::Entry::Vacant(slot) = windows.entry(target.peripheral) {
            slot.insert(Window::open(description, target.peripheral, options)?);
        }
    }
    let mut last: Vec<Option<BTreeMap<String, u64>>> = vec![None; targets.len()];
    let mut polls = 0u64;
    loop {
        let time = timestamp();
        for (slot, target) in targets.iter().enumerate() {
            let window = windows.get_mut(&target.peripheral).expect("opened above");
            window.refresh()?;
            let value = window.read(&target.hit)?;
            let mut now = BTreeMap::new();
            let register = target.hit.register;
            let elements = match &target.field {
                Some(element) => vec![element.clone()],
                None => names::field_elements(register.fields),
            };
            if elements.is_empty() {
                now.insert(String::new(), value);
            }
            for element in &elements {
                let mask = element.mask() & register.width_mask();
                now.insert(
                    element.name.clone(),
                    if mask == 0 {
                        0
                    } else {
                        (value & mask) >> mask.trailing_zeros()
                    },
                );
            }
            for (name, new) in &now {
                let old = last[slot].as_ref().and_then(|l| l.get(name)).copied();
                if old == Some(*new) {
                    continue;
                }
                let path = if name.is_empty() {
                    target.hit.path.clone()
                } else {
                    format!("{}.{name}", target.hit.path)
                };
                let field = elements.iter().find(|e| &e.name == name);
                let variant = field.and_then(|e| decode::variant(e.field, *new));
                let bits = field
                    .map(|e| u32::from(e.field.width))
                    .unwrap_or(u32::from(register.width));
                if output.json {
                    let line = serde_json::json!({
                        "time": time,
                        "path": path,
                        "old": old,
                        "new": new,
                        "enum": variant,
                    });
                    writeln!(out, "{line}").map_err(out_error)?;
                } else {
                    let new_text = decode::value_text(bits, *new, variant);
                    match old {
                        None => writeln!(out, "{time} {path} = {new_text}"),
                        Some(old) => {
                            let old_text = decode::value_text(
                                bits,
                                old,
                                field.and_then(|e| decode::variant(e.field, old)),
                            );
                            writeln!(out, "{time} {path} {old_text} -> {new_text}")
                        }
                    }
                    .map_err(out_error)?;
                }
            }
            last[slot] = Some(now);
        }
        out.flush().map_err(out_error)?;
        polls += 1;
        if count.is_some_and(|count| polls >= count) {
            break;
        }
        std::thread::sleep(interval);
    }
    for (_, window) in windows {
        window.finish()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mmreg::meta::FieldMeta;

    #[test]
    fn numbers_in_every_base() {
        assert_eq!(parse_number("0x1F"), Some(31));
        assert_eq!(parse_number("0b101"), Some(5));
        assert_eq!(parse_number("0o17"), Some(15));
        assert_eq!(parse_number("1_000"), Some(1000));
        assert_eq!(parse_number("RUN"), None);
        assert_eq!(parse_number("0x"), None);
    }

    static FLAGS: [FieldMeta; 2] = [
        FieldMeta::new("DATA", 0, 8),
        FieldMeta::new("ERR", 8, 1).with_write_action(WriteAction::OneToClear),
    ];

    #[test]
    fn field_writes_start_with_action_bits_neutral() {
        let register = RegisterMeta::new("SR", 0, 16, &FLAGS);
        // ERR (write-1-to-clear) reads 1: left 0 so the write does not clear it.
        assert_eq!(neutralise(&register, 0x1ff), 0xff);
        let zero = RegisterMeta::new("Z", 0, 8, &[]).with_write_action(WriteAction::ZeroToClear);
        assert_eq!(neutralise(&zero, 0x00), 0xff);
    }
}
