//! `read` and `write`: one register or field, decoded; field writes as the
//! runtime's `modify` does them.

use std::io::Write;

use mmreg::meta::{RegisterMeta, WriteAction};

use super::{Output, check_readable, out_error, parse_number, print_report, refused};
use crate::decode::{self, read_side_effect};
use crate::error::Error;
use crate::layout;
use crate::memory::{Options, Window};
use crate::model::Description;
use crate::names::{self, FieldRef, Resolved};

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
        return constrained(field, value).map_err(bad);
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

/// Checks a number against the field's write constraint, if any.
fn constrained(field: &'static mmreg::meta::FieldMeta, value: u64) -> Result<u64, String> {
    use mmreg_codegen::ir::WriteConstraint;
    match layout::write_constraint(field) {
        Some(WriteConstraint::Range { min, max }) if value < min || value > max => Err(format!(
            "`{value:#x}` is outside the values the description allows ({min:#x} to {max:#x})"
        )),
        Some(WriteConstraint::UseEnumeratedValues)
            if !field.values.iter().any(|v| v.value == value) =>
        {
            let names: Vec<&str> = field.values.iter().map(|v| v.name).collect();
            Err(format!(
                "`{value:#x}` is no named value, and the description allows only those: {}",
                names.join(", ")
            ))
        }
        _ => Ok(value),
    }
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
