//! Sharing by content: identical blocks, fieldsets and enums are emitted once,
//! by the first peripheral (in input order) that needs them, and re-exported
//! under their own names everywhere else.
//!
//! Keys are canonical text of everything that shapes the generated item
//! (names that become identifiers, offsets, widths, access, actions, values)
//! and nothing that does not (descriptions, source locations), so derived
//! peripherals, repeated instances and identical registers in different
//! peripherals all meet. The maps are only looked up, never iterated, so
//! hashing cannot change the output order.

use std::collections::HashMap;
use std::fmt::Write;

use crate::ir::{Item, Peripheral};

/// Where a shared item was first emitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// The peripheral module that defines it.
    pub module: String,
    /// Its name there.
    pub name: String,
}

/// A block emitted once, with what its module exports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockOwner {
    /// The peripheral module that defines it.
    pub module: String,
    /// The peripheral's block type.
    pub type_name: String,
    /// Cluster block types in the same module.
    pub cluster_types: Vec<String>,
    /// Whether the module has a `vals` module.
    pub has_vals: bool,
    /// Whether the module has a `regs` module.
    pub has_regs: bool,
}

/// Everything emitted so far that later peripherals may reuse.
#[derive(Debug, Default)]
pub struct Shared {
    /// Peripheral blocks by content.
    pub blocks: HashMap<String, BlockOwner>,
    /// Fieldsets by content.
    pub fieldsets: HashMap<String, Owner>,
    /// Enums by content.
    pub enums: HashMap<String, Owner>,
}

/// The content key of a peripheral's block: its items without descriptions
/// or locations, and its size.
pub fn block_key(peripheral: &Peripheral, size: u64) -> String {
    let mut key = format!("size={size};");
    write_items(&mut key, &peripheral.items);
    key
}

fn write_items(key: &mut String, items: &[Item]) {
    for item in items {
        match item {
            Item::Register(register) => {
                let mut register = register.clone();
                register.description = None;
                register.location = None;
                for field in &mut register.fields {
                    field.description = None;
                    field.location = None;
                    for set in &mut field.enums {
                        for value in &mut set.values {
                            value.description = None;
                        }
                    }
                }
                let _ = write!(key, "{register:?};");
            }
            Item::Cluster(cluster) => {
                let _ = write!(
                    key,
                    "cluster({:?},{},{:?})[",
                    cluster.name, cluster.offset, cluster.dim
                );
                write_items(key, &cluster.items);
                key.push_str("];");
            }
        }
    }
}
