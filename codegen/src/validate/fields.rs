//! Fields and their enumerated values: what does not fit is left out.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::ir::{EnumeratedValues, Field, Register, Usage, WriteConstraint};

use super::layout::left_out;
use super::registers::check_dim_names;
use super::{join, ones};

/// Repairs `register`'s fields in input order: a field of zero width, past
/// the register, overlapping itself (an array stride below its width) or an
/// earlier field is left out; an empty write constraint is dropped; enum
/// values that cannot be represented are left out.
pub(super) fn repair(register: &mut Register, path: &str, out: &mut Vec<Diagnostic>) {
    let size = register.size;
    let mut claimed: Vec<(u64, String)> = Vec::new();
    register.fields.retain_mut(|field| {
        let field_path = join(path, &field.name);
        let Some(mask) = keep_field(field, size, &field_path, out) else {
            return false;
        };
        if let Some((_, other)) = claimed.iter().find(|(other, _)| other & mask != 0) {
            out.push(left_out(
                DiagnosticKind::OverlappingFields,
                &field_path,
                field.location.clone(),
                &format!("field overlaps field `{other}`"),
                "field",
            ));
            return false;
        }
        claimed.push((mask, field.name.clone()));
        repair_constraint(field, &field_path, out);
        for set in &mut field.enums {
            repair_enum_set(set, field.width, field.location.as_ref(), &field_path, out);
        }
        check_constraint_against_enums(field, &field_path, out);
        true
    });
}

/// The bits `field` (all its elements) covers, or `None` (with a warning)
/// when it is left out.
fn keep_field(field: &Field, size: u32, path: &str, out: &mut Vec<Diagnostic>) -> Option<u64> {
    let location = || field.location.clone();
    let skip = |kind, problem: &str, out: &mut Vec<Diagnostic>| {
        out.push(left_out(kind, path, location(), problem, "field"));
        None
    };
    if field.width == 0 {
        return skip(
            DiagnosticKind::FieldPastRegister,
            "field has zero width",
            out,
        );
    }
    let (count, stride) = field
        .dim
        .as_ref()
        .map_or((1, 0), |dim| (u64::from(dim.count), dim.stride));
    if let Some(dim) = &field.dim {
        if dim.count == 0 {
            return skip(DiagnosticKind::BadArray, "field array has no elements", out);
        }
        if !check_dim_names(dim, path, location(), "field", out) {
            return None;
        }
        if dim.count > 1 && dim.stride < u64::from(field.width) {
            let problem = format!(
                "field array stride `{}` is smaller than the field width `{}`",
                dim.stride, field.width
            );
            return skip(DiagnosticKind::OverlappingFields, &problem, out);
        }
    }
    let last_end = stride
        .checked_mul(count.saturating_sub(1))
        .and_then(|last| last.checked_add(u64::from(field.lsb)))
        .and_then(|lsb| lsb.checked_add(u64::from(field.width)));
    if last_end.is_none_or(|end| end > u64::from(size)) {
        let problem = match last_end {
            Some(end) => format!(
                "field ends at bit `{}`, past the {size}-bit register",
                end.saturating_sub(1)
            ),
            None => format!("field lies past the {size}-bit register"),
        };
        return skip(DiagnosticKind::FieldPastRegister, &problem, out);
    }
    // Every element lies below bit 64 now, so the shifts cannot overflow.
    let mut mask = 0u64;
    for index in 0..count {
        let shift = index * stride + u64::from(field.lsb);
        mask |= ones(field.width) << shift;
    }
    Some(mask)
}

/// Drops a write constraint that allows no value (`min > max`).
fn repair_constraint(field: &mut Field, path: &str, out: &mut Vec<Diagnostic>) {
    if let Some(WriteConstraint::Range { min, max }) = &field.write_constraint
        && min > max
    {
        out.push(
            Diagnostic::warning(
                DiagnosticKind::BadConstraint,
                path,
                format!(
                    "write constraint `{min}..={max}` allows no value (minimum above maximum); \
                     the constraint is dropped"
                ),
            )
            .at(field.location.clone()),
        );
        field.write_constraint = None;
    }
}

/// Leaves out the values of `set` wider than the field and the later of
/// two values that are equal.
fn repair_enum_set(
    set: &mut EnumeratedValues,
    width: u32,
    location: Option<&crate::ir::Location>,
    path: &str,
    out: &mut Vec<Diagnostic>,
) {
    let limit = ones(width);
    let mut by_value: BTreeMap<u64, String> = BTreeMap::new();
    set.values.retain(|value| {
        let Some(number) = value.value else {
            return true;
        };
        let value_path = join(path, &value.name);
        let problem = if number > limit {
            (
                DiagnosticKind::EnumValueTooWide,
                format!("value `{number:#x}` does not fit in the {width}-bit field"),
            )
        } else if let Some(first) = by_value.get(&number) {
            (
                DiagnosticKind::DuplicateEnumValue,
                format!("value `{number:#x}` is also named `{first}`, which is kept"),
            )
        } else {
            by_value.insert(number, value.name.clone());
            return true;
        };
        out.push(left_out(
            problem.0,
            &value_path,
            location.cloned(),
            &problem.1,
            "value",
        ));
        false
    });
}

/// Warns when a write constraint excludes values the field's writable value
/// sets name.
fn check_constraint_against_enums(field: &Field, path: &str, out: &mut Vec<Diagnostic>) {
    let Some(WriteConstraint::Range { min, max }) = &field.write_constraint else {
        return;
    };
    for set in field.enums.iter().filter(|set| set.usage != Usage::Read) {
        let outside: Vec<String> = set
            .values
            .iter()
            .filter(|v| v.value.is_some_and(|n| n < *min || n > *max))
            .map(|v| format!("`{}`", v.name))
            .collect();
        if !outside.is_empty() {
            out.push(
                Diagnostic::warning(
                    DiagnosticKind::ContradictoryConstraint,
                    path,
                    format!(
                        "write constraint `{min}..={max}` excludes enumerated values {}",
                        outside.join(", ")
                    ),
                )
                .at(field.location.clone()),
            );
        }
    }
}
