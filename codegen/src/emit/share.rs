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

use proc_macro2::TokenStream;
use quote::quote;

use crate::names;

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
#[derive(Debug)]
pub struct Shared {
    /// Whether lookups may find anything: off, every item is emitted where
    /// it is declared (to measure what sharing saves).
    enabled: bool,
    /// Peripheral blocks by content.
    blocks: HashMap<String, BlockOwner>,
    /// Cluster blocks by content.
    clusters: HashMap<String, Owner>,
    /// Fieldsets by content.
    fieldsets: HashMap<String, Owner>,
    /// Enums by content.
    enums: HashMap<String, Owner>,
}

impl Shared {
    /// An empty table; `enabled` false makes every lookup miss.
    pub fn new(enabled: bool) -> Self {
        Shared {
            enabled,
            blocks: HashMap::new(),
            clusters: HashMap::new(),
            fieldsets: HashMap::new(),
            enums: HashMap::new(),
        }
    }

    /// Whether identical items are shared at all.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The peripheral block with content `key`, if one was emitted.
    pub fn block(&self, key: &str) -> Option<&BlockOwner> {
        self.blocks.get(key).filter(|_| self.enabled)
    }

    /// The cluster block with content `key`, if one was emitted.
    pub fn cluster(&self, key: &str) -> Option<&Owner> {
        self.clusters.get(key).filter(|_| self.enabled)
    }

    /// The fieldset with content `key`, if one was emitted.
    pub fn fieldset(&self, key: &str) -> Option<&Owner> {
        self.fieldsets.get(key).filter(|_| self.enabled)
    }

    /// The enum with content `key`, if one was emitted.
    pub fn enumeration(&self, key: &str) -> Option<&Owner> {
        self.enums.get(key).filter(|_| self.enabled)
    }

    /// Records a peripheral block (the first with its content wins).
    pub fn add_block(&mut self, key: String, owner: BlockOwner) {
        self.blocks.entry(key).or_insert(owner);
    }

    /// Records a cluster block.
    pub fn add_cluster(&mut self, key: String, owner: Owner) {
        self.clusters.entry(key).or_insert(owner);
    }

    /// Records a fieldset.
    pub fn add_fieldset(&mut self, key: String, owner: Owner) {
        self.fieldsets.entry(key).or_insert(owner);
    }

    /// Records an enum.
    pub fn add_enum(&mut self, key: String, owner: Owner) {
        self.enums.entry(key).or_insert(owner);
    }
}

/// The `pub use` that makes `owner`'s item (in the `submodule` of its
/// peripheral module: `regs` or `vals`) visible as `local` in the same
/// submodule of peripheral module `here`.
pub fn reexport(owner: &Owner, here: &str, submodule: &str, local: &str) -> TokenStream {
    let owner_ident = names::ident(&owner.name);
    let local_ident = names::ident(local);
    if owner.module == here {
        return quote! { pub use self::#owner_ident as #local_ident; };
    }
    let module = names::ident(&owner.module);
    let submodule = names::ident(submodule);
    if owner.name == local {
        quote! { pub use super::super::#module::#submodule::#owner_ident; }
    } else {
        quote! { pub use super::super::#module::#submodule::#owner_ident as #local_ident; }
    }
}

/// The content key of a peripheral's block: its items without descriptions
/// or locations, and its size.
pub fn block_key(peripheral: &Peripheral, size: u64) -> String {
    items_key(&peripheral.items, size)
}

/// The content key of a block (a peripheral's or a cluster's) holding
/// `items` in `size` bytes.
pub fn items_key(items: &[Item], size: u64) -> String {
    let mut key = format!("size={size};");
    write_items(&mut key, items);
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
