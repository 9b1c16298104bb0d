//! The parsed model of one peripheral as the runtime's metadata
//! ([`mmreg::meta::BlockMeta`]), so the command decodes, logs and fakes
//! exactly as generated code does.
//!
//! Generated code has its metadata as `static` items; the command builds the
//! same structures at run time from the model and leaks them (`Box::leak`):
//! a command lives for one invocation and converts only the peripherals it
//! touches, so the memory is bounded by the description. Items the runtime's
//! metadata cannot express (a register width other than 8, 16, 32 or 64, a
//! field past bit 63) are left out, as the generator leaves them out.

use mmreg::meta::{
    Access, BlockMeta, ClusterMeta, EnumValueMeta, FieldMeta, ReadAction, RegisterMeta, WriteAction,
};
use mmreg_codegen::ir;

/// The metadata of `peripheral`, leaked for the rest of the process.
pub fn block(peripheral: &ir::Peripheral) -> &'static BlockMeta {
    let mut meta = convert_block(&peripheral.name, &peripheral.items);
    if let Some(size) = peripheral.size.and_then(|size| usize::try_from(size).ok()) {
        meta.size = meta.size.max(size);
    }
    Box::leak(Box::new(meta))
}

fn leak_str(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

fn leak_names(names: &[String]) -> &'static [&'static str] {
    let names: Vec<&'static str> = names.iter().map(|name| leak_str(name)).collect();
    Box::leak(names.into_boxed_slice())
}

fn convert_block(name: &str, items: &[ir::Item]) -> BlockMeta {
    let mut registers = Vec::new();
    let mut clusters = Vec::new();
    for item in items {
        match item {
            ir::Item::Register(register) => registers.extend(convert_register(register)),
            ir::Item::Cluster(cluster) => clusters.extend(convert_cluster(cluster)),
        }
    }
    registers.sort_by_key(|register: &RegisterMeta| register.offset);
    clusters.sort_by_key(|cluster: &ClusterMeta| cluster.offset);
    let register_end = registers.iter().map(|r| {
        r.offset + r.stride * (r.count as usize).saturating_sub(1) + usize::from(r.width / 8)
    });
    let cluster_end = clusters
        .iter()
        .map(|c| c.offset + c.stride * (c.count as usize).saturating_sub(1) + c.block.size);
    let size = register_end.chain(cluster_end).max().unwrap_or(0);
    BlockMeta {
        name: leak_str(name),
        size,
        registers: Box::leak(registers.into_boxed_slice()),
        clusters: Box::leak(clusters.into_boxed_slice()),
    }
}

fn convert_cluster(cluster: &ir::Cluster) -> Option<ClusterMeta> {
    let (count, stride, index_names) = dim(cluster.dim.as_ref())?;
    Some(ClusterMeta {
        name: leak_str(&cluster.name),
        offset: usize::try_from(cluster.offset).ok()?,
        count,
        stride,
        index_names,
        block: Box::leak(Box::new(convert_block(&cluster.name, &cluster.items))),
    })
}

/// Count, stride and index names of a register or cluster array.
fn dim(dim: Option<&ir::Dim>) -> Option<(u32, usize, &'static [&'static str])> {
    match dim {
        None => Some((1, 0, &[])),
        Some(dim) => Some((
            dim.count,
            usize::try_from(dim.stride).ok()?,
            leak_names(&dim.index_names),
        )),
    }
}

fn convert_register(register: &ir::Register) -> Option<RegisterMeta> {
    if !matches!(register.size, 8 | 16 | 32 | 64) {
        return None;
    }
    let (count, stride, index_names) = dim(register.dim.as_ref())?;
    let (fields, constraints): (Vec<FieldMeta>, Vec<Option<ir::WriteConstraint>>) = register
        .fields
        .iter()
        .filter_map(|field| Some((convert_field(field)?, field.write_constraint.clone())))
        .unzip();
    let fields: &'static [FieldMeta] = Box::leak(fields.into_boxed_slice());
    CONSTRAINTS.with(|map| {
        let mut map = map.borrow_mut();
        for (field, constraint) in fields.iter().zip(constraints) {
            if let Some(constraint) = constraint {
                map.insert(field as *const FieldMeta as usize, constraint);
            }
        }
    });
    Some(RegisterMeta {
        name: leak_str(&register.name),
        offset: usize::try_from(register.offset).ok()?,
        width: register.size as u8,
        count,
        stride,
        index_names,
        access: access(register.access),
        reset: register.reset_value,
        reset_mask: register.reset_mask,
        read_action: register.read_action.map(read_action),
        write_action: write_action(register.write_action),
        fields,
    })
}

thread_local! {
    /// The write constraints of converted fields, by the address of their
    /// (leaked, so never reused) metadata: the runtime's metadata has no
    /// place for them.
    static CONSTRAINTS: std::cell::RefCell<std::collections::HashMap<usize, ir::WriteConstraint>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// The values a converted field may be written with, if the description
/// constrains them (SVD `writeConstraint`, YAML `write_constraint`).
pub fn write_constraint(field: &'static FieldMeta) -> Option<ir::WriteConstraint> {
    CONSTRAINTS.with(|map| {
        map.borrow()
            .get(&(field as *const FieldMeta as usize))
            .cloned()
    })
}

fn convert_field(field: &ir::Field) -> Option<FieldMeta> {
    let lsb = u8::try_from(field.lsb).ok().filter(|lsb| *lsb < 64)?;
    let width = u8::try_from(field.width)
        .ok()
        .filter(|w| (1..=64).contains(w))?;
    let (count, stride, index_names) = match &field.dim {
        None => (1, 0, &[][..]),
        Some(dim) => (
            u16::try_from(dim.count).ok()?,
            u8::try_from(dim.stride).ok()?,
            leak_names(&dim.index_names),
        ),
    };
    let mut values: Vec<EnumValueMeta> = Vec::new();
    for set in &field.enums {
        for value in &set.values {
            if let Some(number) = value.value
                && !values.iter().any(|v| v.value == number)
            {
                values.push(EnumValueMeta::new(leak_str(&value.name), number));
            }
        }
    }
    Some(FieldMeta {
        name: leak_str(&field.name),
        lsb,
        width,
        count,
        stride,
        index_names,
        access: access(field.access),
        write_action: write_action(field.write_action),
        read_action: field.read_action.map(read_action),
        values: Box::leak(values.into_boxed_slice()),
    })
}

fn access(access: ir::Access) -> Access {
    match access {
        ir::Access::ReadOnly => Access::ReadOnly,
        ir::Access::WriteOnly => Access::WriteOnly,
        ir::Access::ReadWrite => Access::ReadWrite,
        ir::Access::WriteOnce => Access::WriteOnce,
        ir::Access::ReadWriteOnce => Access::ReadWriteOnce,
    }
}

fn read_action(action: ir::ReadAction) -> ReadAction {
    match action {
        ir::ReadAction::Clear => ReadAction::Clear,
        ir::ReadAction::Set => ReadAction::Set,
        ir::ReadAction::Modify => ReadAction::Modify,
        ir::ReadAction::ModifyExternal => ReadAction::ModifyExternal,
    }
}

fn write_action(action: ir::WriteAction) -> WriteAction {
    match action {
        ir::WriteAction::Normal => WriteAction::Normal,
        ir::WriteAction::OneToClear => WriteAction::OneToClear,
        ir::WriteAction::OneToSet => WriteAction::OneToSet,
        ir::WriteAction::OneToToggle => WriteAction::OneToToggle,
        ir::WriteAction::ZeroToClear => WriteAction::ZeroToClear,
        ir::WriteAction::ZeroToSet => WriteAction::ZeroToSet,
        ir::WriteAction::ZeroToToggle => WriteAction::ZeroToToggle,
        ir::WriteAction::Clear => WriteAction::Clear,
        ir::WriteAction::Set => WriteAction::Set,
        ir::WriteAction::Modify => WriteAction::Modify,
    }
}

/// Whether reading `register` changes the device: a read action on the
/// register or on any of its fields.
pub fn read_has_side_effect(register: &RegisterMeta) -> bool {
    register.read_action.is_some() || register.fields.iter().any(|f| f.read_action.is_some())
}

/// Whether every bit of `register` acts on any write (clear- or set-on-write),
/// so a read-modify-write would always act (generated code has no `modify`).
pub fn every_bit_acts_on_write(register: &RegisterMeta) -> bool {
    let acting = register.write_action_bits(WriteAction::Clear)
        | register.write_action_bits(WriteAction::Set);
    acting == register.width_mask()
}
