//! Register files, registers and alternate registers -> clusters and
//! registers (their fields: `field`).
//!
//! Resets: 2014/2022 fields carry `resets/reset` (value and mask, in field
//! bits), which are put together into the register's reset value and mask;
//! 2009/SPIRIT registers carry `reset` (value and mask) themselves. Bits
//! with no reset are undefined (mask 0). Access: a field without `access`
//! inherits its register's; a register without one inherits its address
//! block's, or else is derived from its fields' (all read-only: read-only;
//! all write-only: write-only; otherwise read-write).

use roxmltree::Node;

use crate::diagnostic::DiagnosticKind;
use crate::ir::{Access, Cluster, Dim, Item, Register, WordOrder, WriteAction};

use super::element::{Inherited, Scale, access_of, description, ones, present, small, unsigned};
use super::field::field;
use super::{Context, join};

/// Largest array accepted; beyond this a `dim` is a typo, not hardware.
const MAX_ARRAY: u64 = 1 << 20;

/// Registers and register files of a block or register file, in order.
pub(super) fn items<'a, 'input>(
    parent: Node<'a, 'input>,
    path: &str,
    inherited: Inherited,
    scale: Scale,
    context: &mut Context<'a, 'input>,
) -> Vec<Item> {
    let mut out = Vec::new();
    let children: Vec<Node> = parent.children().filter(Node::is_element).collect();
    for child in children {
        if context.is(child, "register") {
            register(child, path, inherited, scale, context, &mut out);
        } else if context.is(child, "registerFile") {
            out.extend(cluster(child, path, inherited, scale, context).map(Item::Cluster));
        }
    }
    out
}

/// The element count of `node`'s `dim`s (their product); `Some(None)` for
/// no array (no `dim`, or `dim` 0 as Kactus2 writes on every register).
fn dims<'a, 'input>(
    node: Node<'a, 'input>,
    path: &str,
    context: &mut Context<'a, 'input>,
) -> Option<Option<u32>> {
    let list: Vec<Node> = context.children(node, "dim").collect();
    if list.is_empty() {
        return Some(None);
    }
    let mut count: u64 = 1;
    for dim in list {
        let value = unsigned(dim, "dim", path, context)?;
        if value == 0 {
            return Some(None);
        }
        count = count.saturating_mul(value);
        if count > MAX_ARRAY {
            let message = format!("array of more than {MAX_ARRAY} elements");
            context.error(DiagnosticKind::BadArray, path, dim, message);
            return None;
        }
    }
    u32::try_from(count).ok().map(Some)
}

/// The explicit array stride of `node` in bytes (2022 `stride`), if any.
fn explicit_stride<'a, 'input>(
    node: Node<'a, 'input>,
    scale: Scale,
    path: &str,
    context: &mut Context<'a, 'input>,
) -> Option<u64> {
    let stride = context.child(node, "stride")?;
    let units = unsigned(stride, "stride", path, context)?;
    scale.bytes(units, "stride", path, stride, context)
}

fn array_name(name: &str, dim: &Option<Dim>) -> String {
    if dim.is_some() {
        format!("{name}[%s]")
    } else {
        name.to_string()
    }
}

fn cluster<'a, 'input>(
    node: Node<'a, 'input>,
    parent_path: &str,
    inherited: Inherited,
    scale: Scale,
    context: &mut Context<'a, 'input>,
) -> Option<Cluster> {
    let name = context.text(node, "name").unwrap_or_default();
    let path = join(parent_path, &name);
    if !present(node, &path, context) {
        return None;
    }
    if context.child(node, "registerFileDefinitionRef").is_some() {
        let message = "register file refers to a type definition, which is not read".to_string();
        context.error(DiagnosticKind::IgnoredElement, &path, node, message);
        return None;
    }
    let offset = offset(node, &path, scale, context)?;
    let count = dims(node, &path, context)?;
    let dim = match count {
        None => None,
        Some(count) => {
            let stride = match explicit_stride(node, scale, &path, context) {
                Some(stride) => stride,
                None => {
                    let Some(range) = context.child(node, "range") else {
                        let message = "register file array has no `range` to step by".to_string();
                        context.error(DiagnosticKind::BadArray, &path, node, message);
                        return None;
                    };
                    let units = unsigned(range, "range", &path, context)?;
                    scale.bytes(units, "range", &path, range, context)?
                }
            };
            Some(Dim {
                count,
                stride,
                index_names: Vec::new(),
            })
        }
    };
    let inherited = Inherited {
        access: access_of(node, &path, context).or(inherited.access),
        ..inherited
    };
    let items = items(node, &path, inherited, scale, context);
    Some(Cluster {
        name: array_name(&name, &dim),
        description: description(node, context),
        offset,
        dim,
        items,
        location: Some(context.location(node)),
    })
}

/// `addressOffset` in bytes.
fn offset<'a, 'input>(
    node: Node<'a, 'input>,
    path: &str,
    scale: Scale,
    context: &mut Context<'a, 'input>,
) -> Option<u64> {
    let Some(element) = context.child(node, "addressOffset") else {
        let message = "no `addressOffset`".to_string();
        context.error(DiagnosticKind::MissingElement, path, node, message);
        return None;
    };
    let units = unsigned(element, "addressOffset", path, context)?;
    scale.bytes(units, "addressOffset", path, element, context)
}

/// What the layout of a register gives its alternates.
struct Shape {
    offset: u64,
    size: u32,
    dim: Option<Dim>,
    access: Option<Access>,
    reset: Option<(u64, u64)>,
}

fn register<'a, 'input>(
    node: Node<'a, 'input>,
    parent_path: &str,
    inherited: Inherited,
    scale: Scale,
    context: &mut Context<'a, 'input>,
    out: &mut Vec<Item>,
) {
    let name = context.text(node, "name").unwrap_or_default();
    let path = join(parent_path, &name);
    if !present(node, &path, context) {
        return;
    }
    if context.child(node, "registerDefinitionRef").is_some() {
        let message = "register refers to a type definition, which is not read".to_string();
        context.error(DiagnosticKind::IgnoredElement, &path, node, message);
        return;
    }
    let Some(offset) = offset(node, &path, scale, context) else {
        return;
    };
    let size = match context.child(node, "size") {
        Some(element) => match small(element, "size", &path, context) {
            Some(0) => {
                let message = "register `size` is 0".to_string();
                context.error(DiagnosticKind::UnsupportedWidth, &path, element, message);
                return;
            }
            Some(size) => size,
            None => return,
        },
        None => {
            let size = inherited.size.unwrap_or(32);
            let message = format!("register has no `size`; the block's width, {size}, is used");
            context.warn(DiagnosticKind::MissingElement, &path, node, message);
            size
        }
    };
    let Some(count) = dims(node, &path, context) else {
        return;
    };
    let dim = count.map(|count| Dim {
        count,
        stride: explicit_stride(node, scale, &path, context)
            .unwrap_or_else(|| scale.register_bytes(size)),
        index_names: Vec::new(),
    });
    let shape = Shape {
        offset,
        size,
        dim,
        access: access_of(node, &path, context).or(inherited.access),
        reset: register_reset(node, size, &path, context),
    };
    let main = body(node, &name, &path, &shape, context);
    let main_name = main.name.clone();
    out.push(Item::Register(main));
    alternates(node, parent_path, &main_name, &shape, context, out);
    // A `register` inside a register (an unclosed tag, schema-invalid):
    // plainly the block's next register.
    for nested in context.children(node, "register").collect::<Vec<_>>() {
        let message =
            "a `register` inside a register is read as the block's next register".to_string();
        context.warn(DiagnosticKind::NonStandardValue, &path, nested, message);
        register(nested, parent_path, inherited, scale, context, out);
    }
}

fn alternates<'a, 'input>(
    node: Node<'a, 'input>,
    parent_path: &str,
    main_name: &str,
    shape: &Shape,
    context: &mut Context<'a, 'input>,
    out: &mut Vec<Item>,
) {
    let size = shape.size;
    let Some(list) = context.child(node, "alternateRegisters") else {
        return;
    };
    for alternate in context
        .children(list, "alternateRegister")
        .collect::<Vec<_>>()
    {
        let alternate_name = context.text(alternate, "name").unwrap_or_default();
        let alternate_path = join(parent_path, &alternate_name);
        if !present(alternate, &alternate_path, context) {
            continue;
        }
        let alternate_shape = Shape {
            access: access_of(alternate, &alternate_path, context).or(shape.access),
            reset: register_reset(alternate, size, &alternate_path, context).or(shape.reset),
            dim: shape.dim.clone(),
            ..*shape
        };
        let mut register = body(
            alternate,
            &alternate_name,
            &alternate_path,
            &alternate_shape,
            context,
        );
        register.alternate_register = Some(main_name.to_string());
        register.alternate_group = context
            .child(alternate, "alternateGroups")
            .and_then(|groups| context.text(groups, "alternateGroup"))
            .or_else(|| context.text(alternate, "alternateGroup"))
            .or_else(|| context.text(alternate, "modeRef"));
        out.push(Item::Register(register));
    }
}

/// A register-level reset (2009/SPIRIT `reset`), masked to `size` bits.
fn register_reset<'a, 'input>(
    node: Node<'a, 'input>,
    size: u32,
    path: &str,
    context: &mut Context<'a, 'input>,
) -> Option<(u64, u64)> {
    let reset = context.child(node, "reset")?;
    let ones = ones(size);
    let value = context
        .child(reset, "value")
        .and_then(|value| unsigned(value, "reset value", path, context))?;
    let mask = match context.child(reset, "mask") {
        Some(mask) => unsigned(mask, "reset mask", path, context)?,
        None => ones,
    };
    if value & !ones != 0 || mask & !ones != 0 {
        let message = format!(
            "reset value or mask has bits past the register's {size} bits; they are dropped"
        );
        context.warn(DiagnosticKind::ValueTooWide, path, reset, message);
    }
    Some((value & ones, mask & ones))
}

/// The register itself: fields, access, reset.
fn body<'a, 'input>(
    node: Node<'a, 'input>,
    name: &str,
    path: &str,
    shape: &Shape,
    context: &mut Context<'a, 'input>,
) -> Register {
    let mut read = Vec::new();
    for field_node in context.children(node, "field").collect::<Vec<_>>() {
        read.extend(field(field_node, path, context));
    }
    let access = match shape.access {
        Some(access) => access,
        None => {
            let declared: Vec<Access> = read.iter().filter_map(|f| f.access).collect();
            if declared.is_empty() {
                let message =
                    "neither the register nor its fields declare `access`; read-write is assumed"
                        .to_string();
                context.warn(DiagnosticKind::MissingElement, path, node, message);
                Access::ReadWrite
            } else if declared.iter().all(|a| *a == Access::ReadOnly) {
                Access::ReadOnly
            } else if declared.iter().all(|a| *a == Access::WriteOnly) {
                Access::WriteOnly
            } else {
                Access::ReadWrite
            }
        }
    };
    let (mut reset_value, mut reset_mask) = shape.reset.unwrap_or((0, 0));
    let register_ones = ones(shape.size);
    for entry in &read {
        if let Some((value, mask)) = entry.reset {
            let field_ones = ones(entry.field.width);
            let place = |bits: u64| {
                (bits & field_ones)
                    .checked_shl(entry.field.lsb)
                    .unwrap_or(0)
                    & register_ones
            };
            let placed_mask = place(mask);
            reset_mask |= placed_mask;
            reset_value = (reset_value & !placed_mask) | (place(value) & placed_mask);
        }
    }
    let sorted = read
        .windows(2)
        .all(|pair| pair[0].field.lsb <= pair[1].field.lsb);
    if !sorted {
        read.sort_by_key(|entry| entry.field.lsb);
        let message = "fields are not in bit order; they are sorted by bit offset".to_string();
        context.warn(DiagnosticKind::NonStandardValue, path, node, message);
    }
    let fields = read
        .into_iter()
        .map(|mut entry| {
            entry.field.access = entry.access.unwrap_or(access);
            entry.field
        })
        .collect();
    Register {
        name: array_name(name, &shape.dim),
        description: description(node, context),
        offset: shape.offset,
        size: shape.size,
        access,
        reset_value,
        reset_mask,
        dim: shape.dim.clone(),
        read_action: None,
        write_action: WriteAction::Normal,
        dma: false,
        word_order: WordOrder::LowFirst,
        alternate_register: None,
        alternate_group: None,
        fields,
        location: Some(context.location(node)),
    }
}

/// The bytes from a block's start to the end of its last register.
pub(super) fn extent(items: &[Item]) -> u64 {
    items
        .iter()
        .map(|item| match item {
            Item::Register(register) => {
                let bytes = u64::from(register.size).div_ceil(8);
                let repeat = register.dim.as_ref().map_or(0, |dim| {
                    u64::from(dim.count.saturating_sub(1)).saturating_mul(dim.stride)
                });
                register.offset.saturating_add(repeat).saturating_add(bytes)
            }
            Item::Cluster(cluster) => {
                let inner = extent(&cluster.items);
                let repeat = cluster.dim.as_ref().map_or(0, |dim| {
                    u64::from(dim.count.saturating_sub(1)).saturating_mul(dim.stride)
                });
                cluster.offset.saturating_add(repeat).saturating_add(inner)
            }
        })
        .max()
        .unwrap_or(0)
}
