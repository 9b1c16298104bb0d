//! The one model both front ends produce and everything after them reads.
//!
//! Fully resolved: `derivedFrom` is expanded, register properties (size,
//! access, reset) are inherited down to every register and field, and
//! collections keep the input's order (which is deterministic). Source
//! locations ride along for diagnostics only: they are skipped by serde and
//! never reach generated code or exported YAML.

use serde::{Deserialize, Serialize};

/// A whole description: one chip or one IP block set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// Device name.
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Peripherals, in input order.
    pub peripherals: Vec<Peripheral>,
}

/// A peripheral instance at a base address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Peripheral {
    /// Name, unique in the device.
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Group name (peripherals of one kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Physical base address.
    pub base_address: u64,
    /// Span of its address blocks in bytes (from the base), if declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// The peripheral this one was derived from, if any (informational: the
    /// contents are already expanded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derived_from: Option<String>,
    /// Registers and clusters, in input order.
    pub items: Vec<Item>,
    /// Where it was declared.
    #[serde(skip)]
    pub location: Option<Location>,
}

/// A register or a cluster inside a peripheral or cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    /// A register.
    Register(Register),
    /// A cluster of registers.
    Cluster(Cluster),
}

/// Repetition of a register, cluster or field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dim {
    /// Number of elements.
    pub count: u32,
    /// Distance between elements: bytes for registers and clusters, bits for fields.
    pub stride: u64,
    /// Names of the indices when the description lists them (`A,B,C`, or
    /// numbers); empty means `0..count`. Consecutive numbers `k..k + count`
    /// make the accessors' index that number; other names are positional
    /// (see [`crate::emit::numbered_start`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub index_names: Vec<String>,
}

/// A group of registers with its own offset, possibly repeated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    /// Name; contains `%s` where an array index goes (or ends in `[%s]`).
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Byte offset in the parent.
    pub offset: u64,
    /// Repetition, if an array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dim: Option<Dim>,
    /// Registers and nested clusters.
    pub items: Vec<Item>,
    /// Where it was declared.
    #[serde(skip)]
    pub location: Option<Location>,
}

/// One register (or an array of them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register {
    /// Name; contains `%s` where an array index goes (or ends in `[%s]`).
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Byte offset in the parent block.
    pub offset: u64,
    /// Width in bits as declared (the emitter accepts 8, 16, 32 and 64).
    pub size: u32,
    /// Access rule.
    pub access: Access,
    /// Value after reset.
    pub reset_value: u64,
    /// Bits of `reset_value` that are defined.
    pub reset_mask: u64,
    /// Repetition, if an array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dim: Option<Dim>,
    /// Side effect of reading the whole register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_action: Option<ReadAction>,
    /// What a write does to the bits no field covers (all bits when the
    /// register has no fields). Front ends also pass it down to fields that
    /// declare no action of their own.
    #[serde(default, skip_serializing_if = "WriteAction::is_normal")]
    pub write_action: WriteAction,
    /// Whether writing this register can make the device read or write
    /// arbitrary memory (a DMA address, length or command), so writes must be
    /// `unsafe` for the caller to vouch for the memory.
    #[serde(default, skip_serializing_if = "is_false")]
    pub dma: bool,
    /// Which 32-bit half of a 64-bit register is accessed first where the
    /// target splits the access in two.
    #[serde(default, skip_serializing_if = "WordOrder::is_low_first")]
    pub word_order: WordOrder,
    /// Name of the register this one is an alternate view of, if declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternate_register: Option<String>,
    /// Name of the alternate group this register belongs to, if declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternate_group: Option<String>,
    /// Fields, in input order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// Where it was declared.
    #[serde(skip)]
    pub location: Option<Location>,
}

impl Register {
    /// Whether reading the register has a side effect: its own read action
    /// or a field's (whether it can be read at all aside).
    pub fn read_has_side_effect(&self) -> bool {
        self.read_action.is_some() || self.fields.iter().any(|f| f.read_action.is_some())
    }
}

/// Whether any readable register in `items` (nested clusters included) has
/// a read side effect.
pub fn any_side_effect_read(items: &[Item]) -> bool {
    items.iter().any(|item| match item {
        Item::Register(register) => register.access.readable() && register.read_has_side_effect(),
        Item::Cluster(cluster) => any_side_effect_read(&cluster.items),
    })
}

/// A bit range of a register (or an array of equally spaced ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    /// Name; contains `%s` where an array index goes.
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Lowest bit.
    pub lsb: u32,
    /// Width in bits (at least 1).
    pub width: u32,
    /// Access rule (inherited from the register when the field has none).
    pub access: Access,
    /// What a write does.
    #[serde(default, skip_serializing_if = "WriteAction::is_normal")]
    pub write_action: WriteAction,
    /// What a read does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_action: Option<ReadAction>,
    /// Allowed written values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_constraint: Option<WriteConstraint>,
    /// Named values, at most one set per usage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enums: Vec<EnumeratedValues>,
    /// Repetition (stride in bits), if a field array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dim: Option<Dim>,
    /// Where it was declared.
    #[serde(skip)]
    pub location: Option<Location>,
}

/// A set of named values for a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumeratedValues {
    /// Name of the set, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether the values apply to reads, writes or both.
    #[serde(default)]
    pub usage: Usage,
    /// The values, in input order.
    pub values: Vec<EnumeratedValue>,
}

/// One named value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumeratedValue {
    /// Name.
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The value; `None` for the SVD `isDefault` entry (every other value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<u64>,
}

/// Where enumerated values apply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Usage {
    /// Reads only.
    Read,
    /// Writes only.
    Write,
    /// Reads and writes.
    #[default]
    ReadWrite,
}

/// Who may read and write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// Read only.
    ReadOnly,
    /// Write only.
    WriteOnly,
    /// Read and write.
    #[default]
    ReadWrite,
    /// Write only; only the first write after reset takes effect.
    WriteOnce,
    /// Read, and only the first write after reset takes effect.
    ReadWriteOnce,
}

impl Access {
    /// Whether reads are allowed.
    pub fn readable(self) -> bool {
        matches!(
            self,
            Access::ReadOnly | Access::ReadWrite | Access::ReadWriteOnce
        )
    }
    /// Whether writes are allowed.
    pub fn writable(self) -> bool {
        self != Access::ReadOnly
    }
}

/// What a write does to a field, or to a register's bits no field covers
/// (SVD `modifiedWriteValues`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum WriteAction {
    /// The written value is stored.
    #[default]
    Normal,
    /// Writing 1 clears the bit.
    OneToClear,
    /// Writing 1 sets the bit.
    OneToSet,
    /// Writing 1 toggles the bit.
    OneToToggle,
    /// Writing 0 clears the bit.
    ZeroToClear,
    /// Writing 0 sets the bit.
    ZeroToSet,
    /// Writing 0 toggles the bit.
    ZeroToToggle,
    /// Any write clears the field.
    Clear,
    /// Any write sets the field.
    Set,
    /// A write changes the field in an undefined way.
    Modify,
}

impl WriteAction {
    /// Every write action, in declaration order.
    pub const ALL: [WriteAction; 10] = [
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

    /// Whether this is the plain store.
    pub fn is_normal(&self) -> bool {
        *self == WriteAction::Normal
    }

    /// The word for it in SVD (`modifiedWriteValues`) and YAML, for messages.
    pub fn word(self) -> &'static str {
        match self {
            WriteAction::Normal => "normal",
            WriteAction::OneToClear => "oneToClear",
            WriteAction::OneToSet => "oneToSet",
            WriteAction::OneToToggle => "oneToToggle",
            WriteAction::ZeroToClear => "zeroToClear",
            WriteAction::ZeroToSet => "zeroToSet",
            WriteAction::ZeroToToggle => "zeroToToggle",
            WriteAction::Clear => "clear",
            WriteAction::Set => "set",
            WriteAction::Modify => "modify",
        }
    }
}

/// The order of the two 32-bit accesses that make up a 64-bit register
/// access on a 32-bit target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WordOrder {
    /// The low word (bits 0..32) first, then the high word.
    #[default]
    LowFirst,
    /// The high word (bits 32..64) first, then the low word.
    HighFirst,
}

impl WordOrder {
    /// Whether this is the default order.
    pub fn is_low_first(&self) -> bool {
        *self == WordOrder::LowFirst
    }

    /// The word for it in YAML, for messages.
    pub fn word(self) -> &'static str {
        match self {
            WordOrder::LowFirst => "low-first",
            WordOrder::HighFirst => "high-first",
        }
    }
}

/// For `skip_serializing_if` on flags that default to `false`.
fn is_false(value: &bool) -> bool {
    !*value
}

/// What a read does (SVD `readAction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ReadAction {
    /// The read clears it.
    Clear,
    /// The read sets it.
    Set,
    /// The read modifies it.
    Modify,
    /// The read has a side effect elsewhere.
    ModifyExternal,
}

/// Which values a field may be written with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteConstraint {
    /// Only the value read back may be written.
    WriteAsRead,
    /// Only the enumerated values may be written.
    UseEnumeratedValues,
    /// Only values in `min..=max` may be written.
    Range {
        /// Smallest allowed value.
        min: u64,
        /// Largest allowed value.
        max: u64,
    },
}

/// A place in an input file, for diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// The input file as the user named it.
    pub file: std::sync::Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// The width of bits `low..=high` (`high >= low`), as both front ends read a
/// bit range; the error, for a range of all 2^32 bit numbers, completes
/// "bit range ... ".
pub fn field_width(low: u32, high: u32) -> Result<u32, String> {
    high.checked_sub(low)
        .and_then(|span| span.checked_add(1))
        .ok_or_else(|| {
            let bits = u64::from(high) - u64::from(low) + 1;
            format!("spans {bits} bits, more than a field can have")
        })
}

/// A name with its array placeholders (`[%s]`, `%s`) removed: `GPIO%s_CTRL`
/// becomes `GPIO_CTRL`, `SET[%s]` becomes `SET`.
pub fn strip_placeholder(name: &str) -> String {
    name.replace("[%s]", "").replace("%s", "")
}
