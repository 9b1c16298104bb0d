//! The identifiers each generated scope gives its members, in input order.
//!
//! The emitter names what it writes from these plans, and validation warns
//! from the same plans about every member that did not get the identifier
//! its name asks for, so a rename is never silent and never differs from
//! the output.

use crate::ir::{Device, EnumeratedValues, Field, Item, any_side_effect_read};

use super::{Case, Namespace, camel, screaming, snake};

/// Methods every generated block type has itself; a register or cluster
/// asking for one of these gets a suffix.
pub const RESERVED_BLOCK_METHODS: &[&str] = &[
    "new",
    "at",
    "from_raw_parts",
    "clone",
    "handle",
    "io",
    "into_io",
    "base",
];

/// Methods every generated fieldset has itself (`new` for clippy's
/// `new_ret_no_self`).
pub const RESERVED_FIELDSET_METHODS: &[&str] = &[
    "bits",
    "set_bits",
    "from_bits",
    "to_bits",
    "write_base",
    "clone",
    "new",
];

/// The widest field that still gets a closed enum (256 variants).
pub const MAX_CLOSED_WIDTH: u32 = 8;

/// One member of a scope: the name as written, the identifier it asks for,
/// and the identifier it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The name as the description writes it.
    pub source: String,
    /// The identifier the name turns into on its own.
    pub wanted: String,
    /// The identifier it got in its scope (`wanted`, or a numbered form).
    pub ident: String,
    /// Other identifiers claimed with it (a setter, a `_mut` accessor).
    pub companions: Vec<String>,
    /// The companions `wanted` itself would have needed.
    pub wanted_companions: Vec<String>,
}

impl Named {
    /// Whether the member got a numbered form instead of `wanted`.
    pub fn renamed(&self) -> bool {
        self.ident != self.wanted
    }
}

/// Who held the identifier a renamed member asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder<'a> {
    /// An earlier member of the same scope.
    Member(&'a Named),
    /// A name the generated code uses itself.
    Reserved,
}

/// For a renamed member at `index` of `plan`, who holds what it asked for:
/// the earliest earlier member whose identifier or companions include
/// `wanted` or one of the companions `wanted` would need.
pub fn holder(plan: &[Named], index: usize) -> Holder<'_> {
    let Some(member) = plan.get(index) else {
        return Holder::Reserved;
    };
    plan[..index]
        .iter()
        .find(|earlier| {
            let taken = std::iter::once(&earlier.ident).chain(&earlier.companions);
            taken
                .clone()
                .any(|t| *t == member.wanted || member.wanted_companions.contains(t))
        })
        .map_or(Holder::Reserved, Holder::Member)
}

/// A device's peripheral modules (`snake_case`).
pub fn peripheral_modules(device: &Device) -> Vec<Named> {
    let mut scope = Namespace::new(Case::Underscored, &[]);
    device
        .peripherals
        .iter()
        .map(|peripheral| {
            let wanted = snake(&peripheral.name);
            Named {
                source: peripheral.name.clone(),
                ident: scope.claim(&wanted),
                wanted,
                companions: Vec::new(),
                wanted_companions: Vec::new(),
            }
        })
        .collect()
}

/// A block's accessors, one per register or cluster of `items`; a cluster
/// whose registers have read side effects also claims `<accessor>_mut`.
pub fn block_accessors(items: &[Item]) -> Vec<Named> {
    let mut scope = Namespace::methods(RESERVED_BLOCK_METHODS);
    items
        .iter()
        .map(|item| {
            let (name, exclusive) = match item {
                Item::Register(register) => (&register.name, false),
                Item::Cluster(cluster) => (&cluster.name, any_side_effect_read(&cluster.items)),
            };
            let wanted = snake(name);
            let ident = scope.claim(&wanted);
            let (companions, wanted_companions) = if exclusive {
                (
                    vec![scope.claim(&exclusive_accessor(&ident))],
                    vec![exclusive_accessor(&wanted)],
                )
            } else {
                (Vec::new(), Vec::new())
            };
            Named {
                source: name.clone(),
                wanted,
                ident,
                companions,
                wanted_companions,
            }
        })
        .collect()
}

/// The name a cluster's `&mut` accessor asks for: `<accessor>_mut`, a
/// keyword's trailing `_` dropped first (`try_` -> `try_mut`, not the
/// non-snake-case `try__mut`).
pub fn exclusive_accessor(accessor: &str) -> String {
    format!("{}_mut", accessor.trim_end_matches('_'))
}

/// A fieldset's getters, one per field; a writable field also claims its
/// setter `set_<getter>` (its only companion).
pub fn field_accessors(fields: &[Field]) -> Vec<Named> {
    let mut scope = Namespace::methods(RESERVED_FIELDSET_METHODS);
    fields
        .iter()
        .map(|field| {
            let wanted = snake(&field.name);
            let (ident, companions, wanted_companions) = if field.access.writable() {
                let ident = scope.claim_with(&wanted, |n| vec![setter_name(n)]);
                let setter = setter_name(&ident);
                (ident, vec![setter], vec![setter_name(&wanted)])
            } else {
                (scope.claim(&wanted), Vec::new(), Vec::new())
            };
            Named {
                source: field.name.clone(),
                wanted,
                ident,
                companions,
                wanted_companions,
            }
        })
        .collect()
}

/// The setter of a getter: `set_<getter>`, a getter's leading `_` dropped
/// so the setter has no `__`.
pub fn setter_name(getter: &str) -> String {
    format!("set_{}", getter.trim_start_matches('_'))
}

/// The values of one value set that become variants, and their identifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variants {
    /// Whether the names cover every value of the field (a closed enum,
    /// `CamelCase` variants; otherwise `SCREAMING_CASE` constants).
    pub closed: bool,
    /// `(index in the set, value, identifier)`, in input order.
    pub kept: Vec<(usize, u64, Named)>,
}

/// The variants of `set` on a field `width` bits wide: values wider than the
/// field and later repeats of a value are left out (validation reports both);
/// `None` when no value is left.
pub fn enum_variants(set: &EnumeratedValues, width: u32) -> Option<Variants> {
    let limit = if width >= 64 {
        u64::MAX
    } else {
        (1u64 << width) - 1
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut kept = Vec::new();
    for (index, value) in set.values.iter().enumerate() {
        let Some(number) = value.value else { continue };
        if number <= limit && seen.insert(number) {
            kept.push((index, number, value.name.as_str()));
        }
    }
    if kept.is_empty() {
        return None;
    }
    let closed = width <= MAX_CLOSED_WIDTH
        && u64::try_from(kept.len()).is_ok_and(|n| Some(n) == limit.checked_add(1));
    let mut scope = Namespace::new(
        if closed {
            Case::Camel
        } else {
            Case::Underscored
        },
        &[],
    );
    let kept = kept
        .into_iter()
        .map(|(index, number, name)| {
            let wanted = if closed { camel(name) } else { screaming(name) };
            let named = Named {
                source: name.to_string(),
                ident: scope.claim(&wanted),
                wanted,
                companions: Vec::new(),
                wanted_companions: Vec::new(),
            };
            (index, number, named)
        })
        .collect();
    Some(Variants { closed, kept })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Access, Field};

    fn field(name: &str, access: Access) -> Field {
        Field {
            name: name.to_string(),
            description: None,
            lsb: 0,
            width: 1,
            access,
            dim: None,
            read_action: None,
            write_action: Default::default(),
            write_constraint: None,
            enums: Vec::new(),
            location: None,
        }
    }

    #[test]
    fn a_later_colliding_field_is_renamed_and_its_holder_found() {
        let fields = [
            field("TxFIFO", Access::ReadWrite),
            field("TX_FIFO", Access::ReadOnly),
            field("new", Access::ReadOnly),
        ];
        let plan = field_accessors(&fields);
        assert_eq!(plan[0].ident, "tx_fifo");
        assert_eq!(plan[0].companions, ["set_tx_fifo"]);
        assert_eq!(plan[1].ident, "tx_fifo_1");
        assert!(plan[1].renamed());
        assert_eq!(holder(&plan, 1), Holder::Member(&plan[0]));
        assert_eq!(plan[2].ident, "new_1");
        assert_eq!(holder(&plan, 2), Holder::Reserved);
    }
}
