//! Reading values off elements: address units, `isPresent`, numbers,
//! access, and what a block passes down to its registers.

use roxmltree::Node;

use crate::diagnostic::DiagnosticKind;
use crate::ir::Access;

use super::values::{self, access_word};
use super::{Context, element_text};

/// Bytes per address unit (`addressUnitBits / 8`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Scale {
    /// Bytes in one address unit.
    pub(super) bytes_per_unit: u64,
}

impl Default for Scale {
    fn default() -> Self {
        Scale { bytes_per_unit: 1 }
    }
}

impl Scale {
    /// `units` in bytes; an error at `node` when that passes 64 bits.
    pub(super) fn bytes<'a, 'input>(
        self,
        units: u64,
        what: &str,
        path: &str,
        node: Node<'a, 'input>,
        context: &mut Context<'a, 'input>,
    ) -> Option<u64> {
        let bytes = units.checked_mul(self.bytes_per_unit);
        if bytes.is_none() {
            let message = format!(
                "`{what}` of {units:#x} address units of {} bytes is past the 64-bit address space",
                self.bytes_per_unit
            );
            context.error(DiagnosticKind::AddressOverflow, path, node, message);
        }
        bytes
    }

    /// The bytes a register of `bits` occupies: whole address units.
    pub(super) fn register_bytes(self, bits: u32) -> u64 {
        let unit_bits = self.bytes_per_unit.saturating_mul(8).max(1);
        u64::from(bits)
            .div_ceil(unit_bits)
            .saturating_mul(self.bytes_per_unit)
    }
}

/// What a block passes down to its registers.
#[derive(Debug, Clone, Copy)]
pub(super) struct Inherited {
    /// The block's access.
    pub(super) access: Option<Access>,
    /// The block's `width`, for registers without `size`.
    pub(super) size: Option<u32>,
}

/// Whether `node`'s `isPresent` (absent: true) holds; a value that cannot
/// be evaluated is an error and leaves the element out.
pub(super) fn present<'a, 'input>(
    node: Node<'a, 'input>,
    path: &str,
    context: &mut Context<'a, 'input>,
) -> bool {
    let Some(flag) = context.child(node, "isPresent") else {
        return true;
    };
    let text = element_text(flag);
    match text.as_str() {
        "true" => return true,
        "false" => return false,
        _ => {}
    }
    match context.evaluate(flag) {
        Ok(value) => value != 0,
        Err(message) => {
            let message = format!("`isPresent`: {message}");
            context.error(DiagnosticKind::BadExpression, path, flag, message);
            false
        }
    }
}

/// A non-negative value that fits in 64 bits, from element `node`.
pub(super) fn unsigned<'a, 'input>(
    node: Node<'a, 'input>,
    what: &str,
    path: &str,
    context: &mut Context<'a, 'input>,
) -> Option<u64> {
    match context.evaluate(node) {
        Ok(value) => match u64::try_from(value) {
            Ok(value) => Some(value),
            Err(_) => {
                let message = format!(
                    "`{what}` is `{}` = {value}, not a number from 0 to 2^64-1",
                    element_text(node)
                );
                context.error(DiagnosticKind::BadExpression, path, node, message);
                None
            }
        },
        Err(message) => {
            let kind = if message.contains("--param") {
                DiagnosticKind::UnresolvedParameter
            } else {
                DiagnosticKind::BadExpression
            };
            let message = format!("`{what}` `{}`: {message}", element_text(node));
            context.error(kind, path, node, message);
            None
        }
    }
}

/// A `u32` (bit offsets and widths, register sizes, array counts).
pub(super) fn small<'a, 'input>(
    node: Node<'a, 'input>,
    what: &str,
    path: &str,
    context: &mut Context<'a, 'input>,
) -> Option<u32> {
    let value = unsigned(node, what, path, context)?;
    match u32::try_from(value) {
        Ok(value) => Some(value),
        Err(_) => {
            let message = format!("`{what}` is {value}, more than 32 bits can count");
            context.error(DiagnosticKind::BadExpression, path, node, message);
            None
        }
    }
}

/// The element holding property `name` of `node`: a child, or (2022) inside
/// the first `accessPolicies/accessPolicy` or
/// `fieldAccessPolicies/fieldAccessPolicy`.
pub(super) fn property<'a, 'input>(
    node: Node<'a, 'input>,
    name: &str,
    context: &Context<'a, 'input>,
) -> Option<Node<'a, 'input>> {
    context.child(node, name).or_else(|| {
        [
            ("accessPolicies", "accessPolicy"),
            ("fieldAccessPolicies", "fieldAccessPolicy"),
        ]
        .iter()
        .find_map(|(list, item)| {
            let policy = context.child(context.child(node, list)?, item)?;
            context.child(policy, name)
        })
    })
}

/// `node`'s own `access`, if declared (repaired words warn; unknown words
/// are errors).
pub(super) fn access_of<'a, 'input>(
    node: Node<'a, 'input>,
    path: &str,
    context: &mut Context<'a, 'input>,
) -> Option<Access> {
    let element = property(node, "access", context)?;
    let word = element_text(element);
    match values::access(&word) {
        Some((access, false)) => Some(access),
        Some((access, true)) => {
            let message = format!(
                "access `{word}` is not an IP-XACT access value; read as `{}`",
                access_word(access)
            );
            context.warn(DiagnosticKind::NonStandardValue, path, element, message);
            Some(access)
        }
        None => {
            let message = format!(
                "access `{word}` is not one of read-write, read-only, write-only, \
                 read-writeOnce, writeOnce"
            );
            context.error(DiagnosticKind::NonStandardValue, path, element, message);
            None
        }
    }
}

pub(super) fn description(node: Node, context: &Context) -> Option<String> {
    context
        .text(node, "description")
        .or_else(|| context.text(node, "displayName"))
        .filter(|text| !text.is_empty())
}

pub(super) fn ones(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}
