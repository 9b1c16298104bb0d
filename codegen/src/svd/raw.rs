//! The SVD as read, before `derivedFrom` is resolved and properties inherited.
//!
//! Everything the schema lets an element leave out is an `Option` (or an empty
//! list), because `derivedFrom` fills exactly what the derived element did not
//! declare. Values are already normalised (see [`super::values`]).

use crate::ir::{
    Access, EnumeratedValue, Location, ReadAction, Usage, WriteAction, WriteConstraint,
};

use super::values::DimIndex;

/// A `derivedFrom` attribute still to resolve.
#[derive(Debug, Clone)]
pub(super) struct Derivation {
    /// The name or dotted path it names.
    pub target: String,
}

/// Register properties that are inherited down the tree.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Properties {
    pub size: Option<u32>,
    pub access: Option<Access>,
    pub reset_value: Option<u64>,
    pub reset_mask: Option<u64>,
}

impl Properties {
    /// Takes from `outer` what `self` does not declare.
    pub(super) fn or(self, outer: Properties) -> Properties {
        Properties {
            size: self.size.or(outer.size),
            access: self.access.or(outer.access),
            reset_value: self.reset_value.or(outer.reset_value),
            reset_mask: self.reset_mask.or(outer.reset_mask),
        }
    }
}

/// `dim`, `dimIncrement` and `dimIndex`.
#[derive(Debug, Clone)]
pub(super) struct RawDim {
    pub count: u32,
    pub increment: u64,
    pub index: Option<DimIndex>,
    pub location: Location,
}

/// The `<device>`.
#[derive(Debug, Clone)]
pub(super) struct RawDevice {
    pub name: String,
    pub description: Option<String>,
    pub properties: Properties,
    pub peripherals: Vec<RawPeripheral>,
}

/// A `<peripheral>`.
#[derive(Debug, Clone)]
pub(super) struct RawPeripheral {
    pub name: String,
    pub description: Option<String>,
    pub group: Option<String>,
    pub base_address: Option<u64>,
    pub properties: Properties,
    /// (offset, size) of each `<addressBlock>`.
    pub address_blocks: Vec<(u64, u64)>,
    pub items: Vec<RawItem>,
    pub dim: Option<RawDim>,
    pub derived_from: Option<Derivation>,
    /// The name of the peripheral it was derived from, once resolved.
    pub resolved_from: Option<String>,
    pub location: Location,
}

/// A `<register>` or `<cluster>`.
#[derive(Debug, Clone)]
pub(super) enum RawItem {
    Register(RawRegister),
    Cluster(RawCluster),
}

impl RawItem {
    pub(super) fn name(&self) -> &str {
        match self {
            RawItem::Register(register) => &register.name,
            RawItem::Cluster(cluster) => &cluster.name,
        }
    }

    pub(super) fn dim(&self) -> Option<&RawDim> {
        match self {
            RawItem::Register(register) => register.dim.as_ref(),
            RawItem::Cluster(cluster) => cluster.dim.as_ref(),
        }
    }

    pub(super) fn derived_from(&self) -> Option<&Derivation> {
        match self {
            RawItem::Register(register) => register.derived_from.as_ref(),
            RawItem::Cluster(cluster) => cluster.derived_from.as_ref(),
        }
    }

    pub(super) fn take_derived_from(&mut self) -> Option<Derivation> {
        match self {
            RawItem::Register(register) => register.derived_from.take(),
            RawItem::Cluster(cluster) => cluster.derived_from.take(),
        }
    }

    pub(super) fn location(&self) -> &Location {
        match self {
            RawItem::Register(register) => &register.location,
            RawItem::Cluster(cluster) => &cluster.location,
        }
    }

    /// A cluster's members; a register has none.
    pub(super) fn children(&self) -> Option<&Vec<RawItem>> {
        match self {
            RawItem::Register(_) => None,
            RawItem::Cluster(cluster) => Some(&cluster.items),
        }
    }

    pub(super) fn children_mut(&mut self) -> Option<&mut Vec<RawItem>> {
        match self {
            RawItem::Register(_) => None,
            RawItem::Cluster(cluster) => Some(&mut cluster.items),
        }
    }

    pub(super) fn fields(&self) -> Option<&Vec<RawField>> {
        match self {
            RawItem::Register(register) => Some(&register.fields),
            RawItem::Cluster(_) => None,
        }
    }

    pub(super) fn fields_mut(&mut self) -> Option<&mut Vec<RawField>> {
        match self {
            RawItem::Register(register) => Some(&mut register.fields),
            RawItem::Cluster(_) => None,
        }
    }
}

/// A `<cluster>`.
#[derive(Debug, Clone)]
pub(super) struct RawCluster {
    pub name: String,
    pub description: Option<String>,
    pub offset: Option<u64>,
    pub properties: Properties,
    pub dim: Option<RawDim>,
    pub items: Vec<RawItem>,
    pub derived_from: Option<Derivation>,
    pub location: Location,
}

/// A `<register>`.
#[derive(Debug, Clone)]
pub(super) struct RawRegister {
    pub name: String,
    pub description: Option<String>,
    pub offset: Option<u64>,
    pub properties: Properties,
    pub dim: Option<RawDim>,
    pub read_action: Option<ReadAction>,
    /// `modifiedWriteValues` declared on the register: the action on bits no
    /// field covers, and its fields' default.
    pub write_action: Option<WriteAction>,
    pub alternate_register: Option<String>,
    pub alternate_group: Option<String>,
    pub fields: Vec<RawField>,
    pub derived_from: Option<Derivation>,
    pub location: Location,
}

/// A `<field>`.
#[derive(Debug, Clone)]
pub(super) struct RawField {
    pub name: String,
    pub description: Option<String>,
    /// Lowest bit.
    pub lsb: Option<u32>,
    /// Width in bits; absent next to a `bitOffset` (one bit, unless derived).
    pub width: Option<u32>,
    pub access: Option<Access>,
    pub write_action: Option<WriteAction>,
    pub read_action: Option<ReadAction>,
    pub write_constraint: Option<WriteConstraint>,
    pub enums: Vec<RawEnumSet>,
    pub dim: Option<RawDim>,
    pub derived_from: Option<Derivation>,
    pub location: Location,
}

/// An `<enumeratedValues>`.
#[derive(Debug, Clone)]
pub(super) struct RawEnumSet {
    pub name: Option<String>,
    pub usage: Option<Usage>,
    pub values: Vec<EnumeratedValue>,
    pub derived_from: Option<Derivation>,
    pub location: Location,
}

/// Whether `declared` (a name as written, maybe with `%s` and a `dim`)
/// is what a `derivedFrom` calls `wanted`: the name as written, without its
/// `%s` / `[%s]`, or one of its array elements.
pub(super) fn name_matches(declared: &str, dim: Option<&RawDim>, wanted: &str) -> bool {
    if declared == wanted {
        return true;
    }
    if !declared.contains("%s") {
        return false;
    }
    if crate::ir::strip_placeholder(declared) == wanted {
        return true;
    }
    let Some(dim) = dim else { return false };
    let (prefix, suffix) = declared.split_once("%s").unwrap_or((declared, ""));
    // `CH[%s]` is called `CH[0]` or, as expanded elements are named, `CH0`.
    let bare = match (prefix.strip_suffix('['), suffix.strip_prefix(']')) {
        (Some(prefix), Some(suffix)) => Some((prefix, suffix)),
        _ => None,
    };
    let is_index = |index: &str| match &dim.index {
        Some(DimIndex::Names(names)) => names.iter().any(|name| name == index),
        Some(DimIndex::NumberRange(first, last)) => index
            .parse::<u64>()
            .is_ok_and(|n| (*first..=*last).contains(&n)),
        None => index.parse::<u64>().is_ok_and(|n| n < u64::from(dim.count)),
    };
    std::iter::once((prefix, suffix))
        .chain(bare)
        .any(|(prefix, suffix)| {
            wanted
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(suffix))
                .is_some_and(is_index)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dim(count: u32, index: Option<DimIndex>) -> RawDim {
        let location = Location {
            file: "x".into(),
            line: 1,
            column: 1,
        };
        RawDim {
            count,
            increment: 4,
            index,
            location,
        }
    }

    #[test]
    fn derived_from_names_match_arrays_and_their_elements() {
        let four = dim(4, None);
        assert!(name_matches("CTRL", None, "CTRL"));
        assert!(!name_matches("CTRL", None, "CTRL0"));
        assert!(name_matches("CH[%s]", Some(&four), "CH[%s]"));
        assert!(name_matches("CH[%s]", Some(&four), "CH"));
        assert!(name_matches("CH[%s]", Some(&four), "CH[2]"));
        assert!(name_matches("CH[%s]", Some(&four), "CH3"));
        assert!(!name_matches("CH[%s]", Some(&four), "CH4"));
        assert!(name_matches("PIN%s_CFG", Some(&four), "PIN1_CFG"));
        let letters = dim(2, Some(DimIndex::Names(vec!["A".into(), "B".into()])));
        assert!(name_matches("PORT%s", Some(&letters), "PORTB"));
        assert!(!name_matches("PORT%s", Some(&letters), "PORTC"));
        let numbers = dim(2, Some(DimIndex::NumberRange(1, 2)));
        assert!(name_matches("T%s", Some(&numbers), "T2"));
        assert!(!name_matches("T%s", Some(&numbers), "T0"));
    }
}
