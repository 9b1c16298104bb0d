//! Compares a generated block's `META` with what the model says, written as
//! literals by the property test (`codegen/tests/model_property.rs`).
// A run whose models have no cluster never builds an `ExpCluster`.
#![allow(dead_code)]

use mmreg::meta::{BlockMeta, ClusterMeta, FieldMeta, RegisterMeta, WriteAction};

/// Every write action, for comparing which bits each one covers.
const ACTIONS: [WriteAction; 10] = [
    WriteAction::Normal,
    WriteAction::OneToClear,
    WriteAction::OneToSet,
    WriteAction::OneToToggle,
    WriteAction::ZeroToClear,
    WriteAction::ZeroToSet,
    WriteAction::ZeroToToggle,
    WriteAction::Clear,
    WriteAction::Set,
    WriteAction::Modify,
];

/// A register as the model describes it.
pub struct ExpRegister {
    /// The description, fields included (as the model lists them, sorted
    /// by bit).
    pub meta: RegisterMeta,
    /// Whether the register's one field spans every bit with plain values,
    /// so the generated fieldset is a raw value without `FIELDS`.
    pub raw: bool,
    /// Per write action (in `ACTIONS` order), the bits it acts on.
    pub action_bits: [u64; 10],
}

/// A cluster as the model describes it.
pub struct ExpCluster {
    pub name: &'static str,
    pub offset: usize,
    pub count: u32,
    pub stride: usize,
    pub index_names: &'static [&'static str],
    pub block: ExpBlock,
}

/// A block as the model describes it, registers and clusters by offset.
pub struct ExpBlock {
    pub name: &'static str,
    pub size: usize,
    pub registers: &'static [ExpRegister],
    pub clusters: &'static [ExpCluster],
}

fn fields_match(actual: &[FieldMeta], expected: &[FieldMeta], raw: bool) -> bool {
    actual == expected || (raw && actual.is_empty())
}

/// Asserts that `actual` says what `expected` does; `path` names the block.
pub fn block(actual: &BlockMeta, expected: &ExpBlock, path: &str) {
    assert_eq!(actual.name, expected.name, "{path}: block name");
    assert_eq!(actual.size, expected.size, "{path}: block size");
    assert_eq!(
        actual.registers.len(),
        expected.registers.len(),
        "{path}: register count: {:#?}",
        actual.registers
    );
    for (actual, expected) in actual.registers.iter().zip(expected.registers) {
        register(actual, expected, &format!("{path}.{}", expected.meta.name));
    }
    assert_eq!(
        actual.clusters.len(),
        expected.clusters.len(),
        "{path}: cluster count"
    );
    for (actual, expected) in actual.clusters.iter().zip(expected.clusters) {
        cluster(actual, expected, &format!("{path}.{}", expected.name));
    }
}

fn register(actual: &RegisterMeta, expected: &ExpRegister, path: &str) {
    let want = &expected.meta;
    let scalars = |m: &RegisterMeta| {
        (
            m.name,
            m.offset,
            m.width,
            m.count,
            m.stride,
            m.index_names,
            m.access,
            m.reset,
            m.reset_mask,
            m.read_action,
            m.write_action,
        )
    };
    assert_eq!(scalars(actual), scalars(want), "{path}: register");
    assert!(
        fields_match(actual.fields, want.fields, expected.raw),
        "{path}: fields\n  actual {:#?}\n  expected {:#?}",
        actual.fields,
        want.fields
    );
    for (action, bits) in ACTIONS.iter().zip(expected.action_bits) {
        assert_eq!(
            actual.write_action_bits(*action),
            bits,
            "{path}: bits with write action {action:?}"
        );
    }
}

fn cluster(actual: &ClusterMeta, expected: &ExpCluster, path: &str) {
    assert_eq!(
        (
            actual.name,
            actual.offset,
            actual.count,
            actual.stride,
            actual.index_names
        ),
        (
            expected.name,
            expected.offset,
            expected.count,
            expected.stride,
            expected.index_names
        ),
        "{path}: cluster"
    );
    block(actual.block, &expected.block, path);
}
