//! Fields: bit range, access, actions, write constraints, enumerated
//! values and (2014/2022) resets.

use roxmltree::Node;

use crate::diagnostic::DiagnosticKind;
use crate::ir::{
    Access, EnumeratedValue, EnumeratedValues, Field, Usage, WriteAction, WriteConstraint,
};

use super::element::{access_of, description, ones, present, property, small, unsigned};
use super::{Context, element_text, join, values};

/// A field as read, before the register settles access and reset.
pub(super) struct ReadField {
    pub(super) field: Field,
    pub(super) access: Option<Access>,
    pub(super) reset: Option<(u64, u64)>,
}

pub(super) fn field<'a, 'input>(
    node: Node<'a, 'input>,
    register_path: &str,
    context: &mut Context<'a, 'input>,
) -> Option<ReadField> {
    let name = context.text(node, "name").unwrap_or_default();
    let path = join(register_path, &name);
    if !present(node, &path, context) {
        return None;
    }
    if context.child(node, "fieldDefinitionRef").is_some() {
        let message = "field refers to a type definition, which is not read".to_string();
        context.error(DiagnosticKind::IgnoredElement, &path, node, message);
        return None;
    }
    let Some(offset_node) = context.child(node, "bitOffset") else {
        let message = "field has no `bitOffset`".to_string();
        context.error(DiagnosticKind::MissingElement, &path, node, message);
        return None;
    };
    let lsb = small(offset_node, "bitOffset", &path, context)?;
    let width = match context.child(node, "bitWidth") {
        Some(width) => small(width, "bitWidth", &path, context)?,
        None => {
            let message = "field has no `bitWidth`".to_string();
            context.error(DiagnosticKind::MissingElement, &path, node, message);
            return None;
        }
    };
    if width == 0 {
        let message = "field is 0 bits wide".to_string();
        context.error(DiagnosticKind::Syntax, &path, node, message);
        return None;
    }
    let access = access_of(node, &path, context);
    let write_action = match property(node, "modifiedWriteValue", context) {
        Some(element) => {
            let word = element_text(element);
            match values::write_action(&word) {
                Some(action) => action,
                None => {
                    let message = format!("`modifiedWriteValue` `{word}` is not a known action");
                    context.error(DiagnosticKind::NonStandardValue, &path, element, message);
                    return None;
                }
            }
        }
        None => WriteAction::Normal,
    };
    let read_action = match property(node, "readAction", context) {
        Some(element) => {
            let word = element_text(element);
            match values::read_action(&word) {
                Some(action) => Some(action),
                None => {
                    let message = format!("`readAction` `{word}` is not a known action");
                    context.error(DiagnosticKind::NonStandardValue, &path, element, message);
                    return None;
                }
            }
        }
        None => None,
    };
    let write_constraint = write_constraint(node, &path, context);
    let enums = enums(node, &path, context);
    let reset = field_reset(node, width, &path, context);
    Some(ReadField {
        field: Field {
            name,
            description: description(node, context),
            lsb,
            width,
            access: Access::ReadWrite,
            write_action,
            read_action,
            write_constraint,
            enums,
            dim: None,
            location: Some(context.location(node)),
        },
        access,
        reset,
    })
}

fn write_constraint<'a, 'input>(
    node: Node<'a, 'input>,
    path: &str,
    context: &mut Context<'a, 'input>,
) -> Option<WriteConstraint> {
    let element = property(node, "writeValueConstraint", context)?;
    if context.text(element, "writeAsRead").as_deref() == Some("true") {
        return Some(WriteConstraint::WriteAsRead);
    }
    if context.text(element, "useEnumeratedValues").as_deref() == Some("true") {
        return Some(WriteConstraint::UseEnumeratedValues);
    }
    let minimum = context.child(element, "minimum")?;
    let maximum = context.child(element, "maximum")?;
    let min = unsigned(minimum, "minimum", path, context)?;
    let max = unsigned(maximum, "maximum", path, context)?;
    Some(WriteConstraint::Range { min, max })
}

/// 2014/2022 field `resets/reset`: the one without a `resetTypeRef` (the
/// hard reset), else the first.
fn field_reset<'a, 'input>(
    node: Node<'a, 'input>,
    width: u32,
    path: &str,
    context: &mut Context<'a, 'input>,
) -> Option<(u64, u64)> {
    let list = context.child(node, "resets")?;
    let resets: Vec<Node> = context.children(list, "reset").collect();
    let reset = resets
        .iter()
        .find(|reset| context.attribute(**reset, "resetTypeRef").is_none())
        .or_else(|| resets.first())
        .copied()?;
    let value = context
        .child(reset, "value")
        .and_then(|value| unsigned(value, "reset value", path, context))?;
    let field_ones = ones(width);
    let mask = match context.child(reset, "mask") {
        Some(mask) => unsigned(mask, "reset mask", path, context)?,
        None => field_ones,
    };
    if value & !field_ones != 0 {
        let message = format!(
            "reset value {value:#x} has bits past the field's {width} bits; they are dropped"
        );
        context.warn(DiagnosticKind::ValueTooWide, path, reset, message);
    }
    Some((value & field_ones, mask & field_ones))
}

/// Enumerated values, one set per usage. Values for reads and writes
/// (`read-write`, the default) join both the read and the write set when
/// the field has usage-specific values too. SPIRIT 1.4's `values`
/// (value and name), which some 1.5 writers still use, are read with a
/// warning.
fn enums<'a, 'input>(
    node: Node<'a, 'input>,
    path: &str,
    context: &mut Context<'a, 'input>,
) -> Vec<EnumeratedValues> {
    let mut values: Vec<(Usage, EnumeratedValue)> = Vec::new();
    for list in context
        .children(node, "enumeratedValues")
        .collect::<Vec<_>>()
    {
        for entry in context
            .children(list, "enumeratedValue")
            .collect::<Vec<_>>()
        {
            let name = context.text(entry, "name").unwrap_or_default();
            let value_path = join(path, &name);
            let Some(value_node) = context.child(entry, "value") else {
                let message = "enumerated value has no `value`".to_string();
                context.error(DiagnosticKind::MissingElement, &value_path, entry, message);
                continue;
            };
            let Some(value) = unsigned(value_node, "value", &value_path, context) else {
                continue;
            };
            let usage = match context.attribute(entry, "usage") {
                None | Some("read-write") => Usage::ReadWrite,
                Some("read") => Usage::Read,
                Some("write") => Usage::Write,
                Some(other) => {
                    let message = format!("usage `{other}` is not read, write or read-write");
                    context.error(
                        DiagnosticKind::NonStandardValue,
                        &value_path,
                        entry,
                        message,
                    );
                    continue;
                }
            };
            values.push((
                usage,
                EnumeratedValue {
                    name,
                    description: description(entry, context),
                    value: Some(value),
                },
            ));
        }
    }
    let legacy: Vec<Node> = context.children(node, "values").collect();
    if let Some(first) = legacy.first() {
        let message = format!(
            "{} `values` elements (SPIRIT 1.4 style) are read as enumerated values",
            legacy.len()
        );
        context.warn(DiagnosticKind::NonStandardValue, path, *first, message);
    }
    for entry in legacy {
        let name = context.text(entry, "name").unwrap_or_default();
        let value_path = join(path, &name);
        let Some(value) = context
            .child(entry, "value")
            .and_then(|value| unsigned(value, "value", &value_path, context))
        else {
            continue;
        };
        values.push((
            Usage::ReadWrite,
            EnumeratedValue {
                name,
                description: description(entry, context),
                value: Some(value),
            },
        ));
    }
    let set = |usages: &[Usage]| -> Vec<EnumeratedValue> {
        values
            .iter()
            .filter(|(usage, _)| usages.contains(usage))
            .map(|(_, value)| value.clone())
            .collect()
    };
    let split = values.iter().any(|(usage, _)| *usage != Usage::ReadWrite);
    let sets = if split {
        vec![
            (Usage::Read, set(&[Usage::Read, Usage::ReadWrite])),
            (Usage::Write, set(&[Usage::Write, Usage::ReadWrite])),
        ]
    } else {
        vec![(Usage::ReadWrite, set(&[Usage::ReadWrite]))]
    };
    sets.into_iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(usage, values)| EnumeratedValues {
            name: None,
            usage,
            values,
        })
        .collect()
}
