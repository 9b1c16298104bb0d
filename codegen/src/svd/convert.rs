//! Resolved [`raw`](super::raw) model -> IR: inherits register properties,
//! checks array declarations and expands peripheral arrays (the IR has no
//! peripheral arrays; register, cluster and field arrays stay arrays).

use crate::diagnostic::DiagnosticKind;
use crate::ir::{
    Access, Cluster, Device, Dim, EnumeratedValues, Field, Item, Location, Peripheral, Register,
    WordOrder, WriteAction,
};

use super::raw::{
    Properties, RawCluster, RawDevice, RawDim, RawField, RawItem, RawPeripheral, RawRegister,
};
use super::values::DimIndex;
use super::{Context, join};

/// Largest array accepted; beyond this a `dim` is a typo, not hardware.
const MAX_ARRAY: u32 = 1 << 20;
/// Largest peripheral array (each element becomes a peripheral of its own).
const MAX_PERIPHERAL_ARRAY: u32 = 1024;

/// Builds the IR device.
pub(super) fn device(raw: RawDevice, context: &mut Context) -> Device {
    let mut peripherals = Vec::new();
    for peripheral_raw in raw.peripherals {
        peripheral(peripheral_raw, raw.properties, context, &mut peripherals);
    }
    Device {
        name: raw.name,
        description: raw.description,
        peripherals,
    }
}

fn peripheral(
    raw: RawPeripheral,
    inherited: Properties,
    context: &mut Context,
    out: &mut Vec<Peripheral>,
) {
    let path = raw.name.clone();
    let Some(base_address) = raw.base_address else {
        let message = "peripheral has no `<baseAddress>`".to_string();
        context.leave_out(
            DiagnosticKind::MissingElement,
            &path,
            &raw.location,
            message,
            "peripheral",
        );
        return;
    };
    let properties = raw.properties.or(inherited);
    let size = raw
        .address_blocks
        .iter()
        .map(|&(offset, size)| offset.saturating_add(size))
        .max();
    let items = items(raw.items, &path, properties, context);
    let name = array_name(raw.name, raw.dim.is_some(), &path, &raw.location, context);
    let Some(raw_dim) = &raw.dim else {
        out.push(Peripheral {
            name,
            description: raw.description,
            group: raw.group,
            base_address,
            size,
            derived_from: raw.resolved_from,
            items,
            location: Some(raw.location),
        });
        return;
    };
    if raw_dim.count > MAX_PERIPHERAL_ARRAY {
        let message = format!(
            "peripheral array of {} elements (at most {MAX_PERIPHERAL_ARRAY})",
            raw_dim.count
        );
        context.leave_out(
            DiagnosticKind::BadArray,
            &path,
            &raw_dim.location,
            message,
            "peripheral",
        );
        return;
    }
    let Some(dim) = dim(raw_dim, &path, "peripheral", context) else {
        return;
    };
    let indices: Vec<String> = if dim.index_names.is_empty() {
        (0..dim.count).map(|index| index.to_string()).collect()
    } else {
        dim.index_names.clone()
    };
    // Every element's address first: an array that does not fit is left
    // out whole, not cut short.
    let mut addresses = Vec::with_capacity(indices.len());
    for (position, index) in (0u64..).zip(&indices) {
        let Some(address) = position
            .checked_mul(dim.stride)
            .and_then(|step| base_address.checked_add(step))
        else {
            let message =
                format!("peripheral array element `{index}` lies past the 64-bit address space");
            context.leave_out(
                DiagnosticKind::BadArray,
                &path,
                &raw_dim.location,
                message,
                "peripheral array",
            );
            return;
        };
        addresses.push(address);
    }
    for (index, address) in indices.iter().zip(addresses) {
        let substitute = |text: &str| text.replace("[%s]", index).replace("%s", index);
        out.push(Peripheral {
            name: substitute(&name),
            description: raw.description.as_deref().map(substitute),
            group: raw.group.clone(),
            base_address: address,
            size,
            derived_from: raw.resolved_from.clone(),
            items: items.clone(),
            location: Some(raw.location.clone()),
        });
    }
}

fn items(
    raw: Vec<RawItem>,
    parent_path: &str,
    inherited: Properties,
    context: &mut Context,
) -> Vec<Item> {
    let mut out = Vec::with_capacity(raw.len());
    for item in raw {
        match item {
            RawItem::Register(register_raw) => {
                out.extend(
                    register(register_raw, parent_path, inherited, context).map(Item::Register),
                );
            }
            RawItem::Cluster(cluster_raw) => {
                out.extend(
                    cluster(cluster_raw, parent_path, inherited, context).map(Item::Cluster),
                );
            }
        }
    }
    out
}

fn cluster(
    raw: RawCluster,
    parent_path: &str,
    inherited: Properties,
    context: &mut Context,
) -> Option<Cluster> {
    let path = join(parent_path, &raw.name);
    let Some(offset) = raw.offset else {
        let message = "cluster has no `<addressOffset>`".to_string();
        context.leave_out(
            DiagnosticKind::MissingElement,
            &path,
            &raw.location,
            message,
            "cluster",
        );
        return None;
    };
    let dim = match &raw.dim {
        Some(raw_dim) => Some(dim(raw_dim, &path, "cluster", context)?),
        None => None,
    };
    let properties = raw.properties.or(inherited);
    Some(Cluster {
        name: array_name(raw.name, dim.is_some(), &path, &raw.location, context),
        description: raw.description,
        offset,
        dim,
        items: items(raw.items, &path, properties, context),
        location: Some(raw.location),
    })
}

fn register(
    raw: RawRegister,
    parent_path: &str,
    inherited: Properties,
    context: &mut Context,
) -> Option<Register> {
    let path = join(parent_path, &raw.name);
    let Some(offset) = raw.offset else {
        let message = "register has no `<addressOffset>`".to_string();
        context.leave_out(
            DiagnosticKind::MissingElement,
            &path,
            &raw.location,
            message,
            "register",
        );
        return None;
    };
    let dim = match &raw.dim {
        Some(raw_dim) => Some(dim(raw_dim, &path, "register", context)?),
        None => None,
    };
    let properties = raw.properties.or(inherited);
    let size = properties.size.unwrap_or(32);
    let access = properties.access.unwrap_or_default();
    let mut fields = Vec::with_capacity(raw.fields.len());
    for field_raw in raw.fields {
        fields.extend(field(field_raw, &path, access, raw.write_action, context));
    }
    Some(Register {
        name: array_name(raw.name, dim.is_some(), &path, &raw.location, context),
        description: raw.description,
        offset,
        size,
        access,
        reset_value: properties.reset_value.unwrap_or(0),
        reset_mask: properties.reset_mask.unwrap_or_else(|| all_ones(size)),
        dim,
        read_action: raw.read_action,
        // Kept on the register too, for the bits no field covers (all of
        // them when the register has no fields).
        write_action: raw.write_action.unwrap_or_default(),
        // SVD has no such attribute: `Options::dma_registers` marks them.
        dma: false,
        word_order: WordOrder::LowFirst,
        alternate_register: raw.alternate_register,
        alternate_group: raw.alternate_group,
        fields,
        location: Some(raw.location),
    })
}

fn field(
    raw: RawField,
    register_path: &str,
    register_access: Access,
    register_write_action: Option<WriteAction>,
    context: &mut Context,
) -> Option<Field> {
    let path = join(register_path, &raw.name);
    // `bitOffset` alone means one bit.
    let width = raw.width.unwrap_or(1);
    let Some(lsb) = raw.lsb else {
        let message =
            "field has no bit range (`<bitOffset>`, `<lsb>`/`<msb>` or `<bitRange>`)".to_string();
        context.leave_out(
            DiagnosticKind::MissingElement,
            &path,
            &raw.location,
            message,
            "field",
        );
        return None;
    };
    if width == 0 {
        context.leave_out(
            DiagnosticKind::Syntax,
            &path,
            &raw.location,
            "field is 0 bits wide".to_string(),
            "field",
        );
        return None;
    }
    let dim = match &raw.dim {
        Some(raw_dim) => Some(dim(raw_dim, &path, "field", context)?),
        None => None,
    };
    let enums = raw
        .enums
        .into_iter()
        .filter(|set| !set.values.is_empty())
        .map(|set| EnumeratedValues {
            name: set.name,
            usage: set.usage.unwrap_or_default(),
            values: set.values,
        })
        .collect();
    Some(Field {
        name: array_name(raw.name, dim.is_some(), &path, &raw.location, context),
        description: raw.description,
        lsb,
        width,
        access: raw.access.unwrap_or(register_access),
        write_action: raw
            .write_action
            .or(register_write_action)
            .unwrap_or_default(),
        read_action: raw.read_action,
        write_constraint: raw.write_constraint,
        enums,
        dim,
        location: Some(raw.location),
    })
}

fn all_ones(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// Checks that a name and its `dim` agree: an array's name needs `%s`, a
/// single element's must not have it. Repairs (with a warning) otherwise.
fn array_name(
    name: String,
    is_array: bool,
    path: &str,
    location: &Location,
    context: &mut Context,
) -> String {
    let has_placeholder = name.contains("%s");
    if is_array && !has_placeholder {
        let repaired = format!("{name}%s");
        let message = format!("array `{name}` has no `%s` in its name; read as `{repaired}`");
        context.warn(DiagnosticKind::BadArray, path, location, message);
        repaired
    } else if !is_array && has_placeholder {
        let repaired = crate::ir::strip_placeholder(&name);
        let message = format!("`{name}` has `%s` in its name but no `<dim>`; read as `{repaired}`");
        context.warn(DiagnosticKind::BadArray, path, location, message);
        repaired
    } else {
        name
    }
}

/// The IR array for a `dim`; `None` (with a warning that the `what` is left
/// out) when it is unusable.
fn dim(raw: &RawDim, path: &str, what: &str, context: &mut Context) -> Option<Dim> {
    let count = raw.count;
    if count == 0 || count > MAX_ARRAY {
        let message = format!("`<dim>` is {count}; an array needs 1 to {MAX_ARRAY} elements");
        context.leave_out(DiagnosticKind::BadArray, path, &raw.location, message, what);
        return None;
    }
    let count_u64 = u64::from(count);
    let mismatch = |context: &mut Context, entries: u64| {
        let message = format!(
            "`<dimIndex>` has {entries} entries but `<dim>` is {count}; indices 0 to {} used",
            count - 1
        );
        context.warn(DiagnosticKind::BadArray, path, &raw.location, message);
    };
    let index_names = match &raw.index {
        None => Vec::new(),
        Some(index) if index.len() != count_u64 => {
            mismatch(context, index.len());
            Vec::new()
        }
        Some(DimIndex::NumberRange(0, _)) => Vec::new(),
        Some(DimIndex::NumberRange(first, last)) => {
            (*first..=*last).map(|index| index.to_string()).collect()
        }
        Some(DimIndex::Names(names)) => {
            let plain = names
                .iter()
                .zip(0u32..)
                .all(|(name, index)| *name == index.to_string());
            if plain { Vec::new() } else { names.clone() }
        }
    };
    Some(Dim {
        count,
        stride: raw.increment,
        index_names,
    })
}
