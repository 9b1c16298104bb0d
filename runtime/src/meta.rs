//! Static descriptions of blocks, registers and fields, filled in by generated
//! code. [`crate::FakeMem`] uses them to name accesses in its log and to behave
//! like the described hardware (reset values, read-only bits, write-1-to-clear,
//! clear-on-read).
//!
//! Arrays stay compact: a register or field array is one entry with a count and
//! a stride, and its name is a pattern where `%s` stands for the index (or for
//! the matching entry of `index_names` when the description lists its indices).

/// Who may read and write a register or field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Read only.
    ReadOnly,
    /// Write only.
    WriteOnly,
    /// Read and write.
    ReadWrite,
    /// Write only, and only the first write after reset takes effect.
    WriteOnce,
    /// Read, and only the first write after reset takes effect.
    ReadWriteOnce,
}

impl Access {
    /// Whether reads are allowed.
    pub const fn readable(self) -> bool {
        matches!(
            self,
            Access::ReadOnly | Access::ReadWrite | Access::ReadWriteOnce
        )
    }
    /// Whether writes are allowed.
    pub const fn writable(self) -> bool {
        !matches!(self, Access::ReadOnly)
    }
}

/// What a write does to a field, or to the bits of a register no field covers
/// (SVD `modifiedWriteValues`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WriteAction {
    /// The written value is stored.
    Normal,
    /// Writing 1 clears the bit; 0 leaves it.
    OneToClear,
    /// Writing 1 sets the bit; 0 leaves it.
    OneToSet,
    /// Writing 1 toggles the bit; 0 leaves it.
    OneToToggle,
    /// Writing 0 clears the bit; 1 leaves it.
    ZeroToClear,
    /// Writing 0 sets the bit; 1 leaves it.
    ZeroToSet,
    /// Writing 0 toggles the bit; 1 leaves it.
    ZeroToToggle,
    /// Any write clears the field.
    Clear,
    /// Any write sets every bit of the field.
    Set,
    /// A write changes the field in an undefined way.
    Modify,
}

/// What a read does to a register or field (SVD `readAction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReadAction {
    /// The read clears it.
    Clear,
    /// The read sets it.
    Set,
    /// The read changes it in a device-specific way.
    Modify,
    /// The read has a side effect elsewhere in the device.
    ModifyExternal,
}

/// One named value of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnumValueMeta {
    /// Name as in the description.
    pub name: &'static str,
    /// The field value.
    pub value: u64,
}

/// A field: a bit range of a register (or an array of equally spaced ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldMeta {
    /// Name, with `%s` for the index of a field array.
    pub name: &'static str,
    /// Lowest bit of the (first) field.
    pub lsb: u8,
    /// Width in bits.
    pub width: u8,
    /// Number of fields in the array; 1 for a plain field.
    pub count: u16,
    /// Bits between array elements.
    pub stride: u8,
    /// Index names of an array when the description lists them; empty when
    /// the indices are `0..count`.
    pub index_names: &'static [&'static str],
    /// Access rule.
    pub access: Access,
    /// Effect of a write.
    pub write_action: WriteAction,
    /// Effect of a read.
    pub read_action: Option<ReadAction>,
    /// Named values.
    pub values: &'static [EnumValueMeta],
}

/// A register (or an array of equally spaced ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegisterMeta {
    /// Name, with `%s` for the index of an array.
    pub name: &'static str,
    /// Byte offset of the (first) register in its block.
    pub offset: usize,
    /// Width in bits: 8, 16, 32 or 64.
    pub width: u8,
    /// Number of registers in the array; 1 for a plain register.
    pub count: u32,
    /// Bytes between array elements.
    pub stride: usize,
    /// Index names of an array when the description lists them.
    pub index_names: &'static [&'static str],
    /// Access rule.
    pub access: Access,
    /// Value after reset.
    pub reset: u64,
    /// Bits of `reset` that are defined.
    pub reset_mask: u64,
    /// Effect of a read on the whole register.
    pub read_action: Option<ReadAction>,
    /// The action of the bits no field covers (all bits when there are no
    /// fields), SVD `modifiedWriteValues` on the `<register>`: a register of
    /// write-1-to-clear flags needs no fields. Fields keep their own
    /// [`FieldMeta::write_action`].
    pub write_action: WriteAction,
    /// Fields, lowest bit first.
    pub fields: &'static [FieldMeta],
}

/// A cluster: a nested block (or an array of them) inside a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterMeta {
    /// Name, with `%s` for the index of an array.
    pub name: &'static str,
    /// Byte offset of the (first) cluster in its parent.
    pub offset: usize,
    /// Number of clusters in the array; 1 for a plain cluster.
    pub count: u32,
    /// Bytes between array elements.
    pub stride: usize,
    /// Index names of an array when the description lists them.
    pub index_names: &'static [&'static str],
    /// The cluster's contents.
    pub block: &'static BlockMeta,
}

/// A register block: a peripheral or a cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockMeta {
    /// Name of the peripheral or cluster.
    pub name: &'static str,
    /// Size in bytes.
    pub size: usize,
    /// Registers, by offset.
    pub registers: &'static [RegisterMeta],
    /// Nested clusters, by offset.
    pub clusters: &'static [ClusterMeta],
}

/// Expands an array element's name: `%s` becomes the index (or its listed
/// name); a name without `%s` gets `[index]` appended.
pub fn element_name(pattern: &str, index_names: &[&str], index: usize, count: usize) -> String {
    if count <= 1 && !pattern.contains("%s") {
        return pattern.to_string();
    }
    let index_text = index_names
        .get(index)
        .map(|name| name.to_string())
        .unwrap_or_else(|| index.to_string());
    if pattern.contains("%s") {
        pattern.replace("%s", &index_text)
    } else {
        format!("{pattern}[{index_text}]")
    }
}

/// Formats a fieldset value from its field descriptions, as generated
/// `Debug` impls do: `NAME { FIELD: value, .. }`, lowest field first. A
/// one-bit field shows as `true`/`false`, a value with a name as that name,
/// an unnamed value of a field that has named ones in hex, any other value
/// in decimal; a field array as a list. With no fields, the bits in hex.
///
/// ```
/// use mmreg::meta::{EnumValueMeta, FieldMeta, debug_fields};
///
/// static MODE: [EnumValueMeta; 2] = [EnumValueMeta::new("IDLE", 0), EnumValueMeta::new("RUN", 1)];
/// static FIELDS: [FieldMeta; 3] = [
///     FieldMeta::new("EN", 0, 1),
///     FieldMeta::new("MODE", 1, 2).with_values(&MODE),
///     FieldMeta::new("DIV", 4, 4),
/// ];
/// struct Ctrl(u32);
/// impl core::fmt::Debug for Ctrl {
///     fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
///         debug_fields(f, "Ctrl", u64::from(self.0), &FIELDS)
///     }
/// }
/// assert_eq!(format!("{:?}", Ctrl(0x33)), "Ctrl { EN: true, MODE: RUN, DIV: 3 }");
/// assert_eq!(format!("{:?}", Ctrl(0x6)), "Ctrl { EN: false, MODE: 0x3, DIV: 0 }");
/// ```
pub fn debug_fields(
    f: &mut core::fmt::Formatter<'_>,
    name: &str,
    bits: u64,
    fields: &[FieldMeta],
) -> core::fmt::Result {
    if fields.is_empty() {
        return write!(f, "{bits:#x}");
    }
    let mut out = f.debug_struct(name);
    for field in fields {
        let label = field.name.replace("[%s]", "").replace("%s", "");
        if field.count > 1 {
            let elements: Vec<FieldValue<'_>> = (0..usize::from(field.count))
                .map(|index| FieldValue::of(field, bits, index))
                .collect();
            out.field(&label, &elements);
        } else {
            out.field(&label, &FieldValue::of(field, bits, 0));
        }
    }
    out.finish()
}

/// One field element's value, formatted as [`debug_fields`] describes.
struct FieldValue<'a> {
    field: &'a FieldMeta,
    value: u64,
}

impl<'a> FieldValue<'a> {
    fn of(field: &'a FieldMeta, bits: u64, index: usize) -> Self {
        let mask = field.mask(index);
        let value = if mask == 0 {
            0
        } else {
            (bits & mask) >> mask.trailing_zeros()
        };
        FieldValue { field, value }
    }
}

impl core::fmt::Debug for FieldValue<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let named = self.field.values.iter().find(|v| v.value == self.value);
        match named {
            Some(variant) => f.write_str(variant.name),
            None if !self.field.values.is_empty() => write!(f, "{:#x}", self.value),
            None if self.field.width == 1 => write!(f, "{}", self.value != 0),
            None => write!(f, "{}", self.value),
        }
    }
}

/// A register found by offset: its description and its full name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterHit {
    /// Dotted path from the block, with array indices expanded, like
    /// `GPIO.GPFSEL1` or `DMA.CH2.CTRL`.
    pub path: String,
    /// Byte offset of the register in the outermost block.
    pub offset: usize,
    /// The register's description.
    pub register: &'static RegisterMeta,
}

impl BlockMeta {
    /// Finds the register that starts at byte `offset` of this block.
    pub fn register_at(&'static self, offset: usize) -> Option<RegisterHit> {
        self.find(offset, self.name.to_string(), 0)
    }

    /// Every register of the block with arrays and clusters expanded, in
    /// offset order of the description.
    pub fn registers_expanded(&'static self) -> Vec<RegisterHit> {
        let mut out = Vec::new();
        self.expand_into(self.name.to_string(), 0, &mut out);
        out
    }

    fn expand_into(&'static self, prefix: String, base: usize, out: &mut Vec<RegisterHit>) {
        for register in self.registers {
            for index in 0..register.count as usize {
                let name = element_name(
                    register.name,
                    register.index_names,
                    index,
                    register.count as usize,
                );
                out.push(RegisterHit {
                    path: format!("{prefix}.{name}"),
                    offset: base + register.offset + index * register.stride,
                    register,
                });
            }
        }
        for cluster in self.clusters {
            for index in 0..cluster.count as usize {
                let name = element_name(
                    cluster.name,
                    cluster.index_names,
                    index,
                    cluster.count as usize,
                );
                let start = base + cluster.offset + index * cluster.stride;
                cluster
                    .block
                    .expand_into(format!("{prefix}.{name}"), start, out);
            }
        }
    }

    fn find(&'static self, offset: usize, prefix: String, base: usize) -> Option<RegisterHit> {
        for register in self.registers {
            let Some(relative) = offset.checked_sub(register.offset) else {
                continue;
            };
            let stride = register.stride.max(1);
            let index = relative / stride;
            if relative % stride == 0 && index < register.count as usize {
                let name = element_name(
                    register.name,
                    register.index_names,
                    index,
                    register.count as usize,
                );
                return Some(RegisterHit {
                    path: format!("{prefix}.{name}"),
                    offset: base + offset,
                    register,
                });
            }
        }
        for cluster in self.clusters {
            let Some(relative) = offset.checked_sub(cluster.offset) else {
                continue;
            };
            let stride = cluster.stride.max(1);
            let index = if cluster.count > 1 {
                relative / stride
            } else {
                0
            };
            if index >= cluster.count as usize {
                continue;
            }
            let inner = relative - index * stride;
            if inner >= cluster.block.size.max(1) && cluster.count > 1 {
                continue;
            }
            let name = element_name(
                cluster.name,
                cluster.index_names,
                index,
                cluster.count as usize,
            );
            let found =
                cluster
                    .block
                    .find(inner, format!("{prefix}.{name}"), base + offset - inner);
            if found.is_some() {
                return found;
            }
        }
        None
    }
}

impl RegisterMeta {
    /// Every bit of the register's width.
    pub const fn width_mask(&self) -> u64 {
        if self.width >= 64 {
            u64::MAX
        } else {
            (1u64 << self.width) - 1
        }
    }

    /// The bits its fields cover (every element of a field array), within
    /// the register width.
    pub fn field_bits(&self) -> u64 {
        self.fields
            .iter()
            .flat_map(|field| (0..usize::from(field.count.max(1))).map(|i| field.mask(i)))
            .fold(0, |bits, mask| bits | mask)
            & self.width_mask()
    }

    /// The bits whose write action is `action`, within the register width:
    /// those of fields with that action, and those no field covers when it
    /// is the register's own [`write_action`](Self::write_action).
    ///
    /// ```
    /// use mmreg::meta::{FieldMeta, RegisterMeta, WriteAction};
    /// static FIELDS: [FieldMeta; 1] = [FieldMeta::new("DATA", 0, 8)];
    /// let flags = RegisterMeta::new("SR", 0, 16, &FIELDS).with_write_action(WriteAction::OneToClear);
    /// assert_eq!(flags.write_action_bits(WriteAction::OneToClear), 0xff00);
    /// assert_eq!(flags.write_action_bits(WriteAction::Normal), 0x00ff);
    /// ```
    pub fn write_action_bits(&self, action: WriteAction) -> u64 {
        let covered = self.field_bits();
        let mut bits = 0;
        for field in self.fields.iter().filter(|f| f.write_action == action) {
            for index in 0..usize::from(field.count.max(1)) {
                bits |= field.mask(index);
            }
        }
        if self.write_action == action {
            bits |= !covered;
        }
        bits & self.width_mask()
    }

    /// The bits where writing 1 acts (write-1-to-clear, -set, -toggle), of
    /// fields and of the register itself: the register's
    /// [`RegisterValue::WRITE_ONE_ACTION_MASK`](crate::RegisterValue::WRITE_ONE_ACTION_MASK).
    pub fn write_one_action_mask(&self) -> u64 {
        self.write_action_bits(WriteAction::OneToClear)
            | self.write_action_bits(WriteAction::OneToSet)
            | self.write_action_bits(WriteAction::OneToToggle)
    }

    /// The bits where writing 0 acts (write-0-to-clear, -set, -toggle), of
    /// fields and of the register itself: the register's
    /// [`RegisterValue::WRITE_ZERO_ACTION_MASK`](crate::RegisterValue::WRITE_ZERO_ACTION_MASK).
    pub fn write_zero_action_mask(&self) -> u64 {
        self.write_action_bits(WriteAction::ZeroToClear)
            | self.write_action_bits(WriteAction::ZeroToSet)
            | self.write_action_bits(WriteAction::ZeroToToggle)
    }
}

impl FieldMeta {
    /// Bit mask of array element `index` within the register.
    pub fn mask(&self, index: usize) -> u64 {
        let ones = if self.width >= 64 {
            u64::MAX
        } else {
            (1u64 << self.width) - 1
        };
        // A shift past bit 63 (bad metadata) yields no bits rather than a panic.
        let shift = self.lsb as usize + index * self.stride as usize;
        u32::try_from(shift)
            .ok()
            .and_then(|shift| ones.checked_shl(shift))
            .unwrap_or(0)
    }

    /// Name of array element `index`.
    pub fn element_name(&self, index: usize) -> String {
        element_name(self.name, self.index_names, index, self.count as usize)
    }
}

// Const builders, so generated code can state only what differs from the
// common case and a description stays one short line per field.

impl EnumValueMeta {
    /// The value `value` named `name`.
    pub const fn new(name: &'static str, value: u64) -> Self {
        EnumValueMeta { name, value }
    }
}

impl FieldMeta {
    /// A plain read-write field: one element, plain writes, no read action,
    /// no named values.
    pub const fn new(name: &'static str, lsb: u8, width: u8) -> Self {
        FieldMeta {
            name,
            lsb,
            width,
            count: 1,
            stride: 0,
            index_names: &[],
            access: Access::ReadWrite,
            write_action: WriteAction::Normal,
            read_action: None,
            values: &[],
        }
    }

    /// The same field with access rule `access`.
    pub const fn with_access(mut self, access: Access) -> Self {
        self.access = access;
        self
    }

    /// The same field as an array of `count` elements `stride` bits apart.
    pub const fn with_array(
        mut self,
        count: u16,
        stride: u8,
        index_names: &'static [&'static str],
    ) -> Self {
        self.count = count;
        self.stride = stride;
        self.index_names = index_names;
        self
    }

    /// The same field with write action `action`.
    pub const fn with_write_action(mut self, action: WriteAction) -> Self {
        self.write_action = action;
        self
    }

    /// The same field with read action `action`.
    pub const fn with_read_action(mut self, action: ReadAction) -> Self {
        self.read_action = Some(action);
        self
    }

    /// The same field with named values.
    pub const fn with_values(mut self, values: &'static [EnumValueMeta]) -> Self {
        self.values = values;
        self
    }
}

impl RegisterMeta {
    /// A plain read-write register: one element, reset value 0 with every
    /// bit of its width defined, no read action.
    pub const fn new(
        name: &'static str,
        offset: usize,
        width: u8,
        fields: &'static [FieldMeta],
    ) -> Self {
        RegisterMeta {
            name,
            offset,
            width,
            count: 1,
            stride: 0,
            index_names: &[],
            access: Access::ReadWrite,
            reset: 0,
            reset_mask: if width >= 64 {
                u64::MAX
            } else {
                (1u64 << width) - 1
            },
            read_action: None,
            write_action: WriteAction::Normal,
            fields,
        }
    }

    /// The same register with access rule `access`.
    pub const fn with_access(mut self, access: Access) -> Self {
        self.access = access;
        self
    }

    /// The same register as an array of `count` elements `stride` bytes apart.
    pub const fn with_array(
        mut self,
        count: u32,
        stride: usize,
        index_names: &'static [&'static str],
    ) -> Self {
        self.count = count;
        self.stride = stride;
        self.index_names = index_names;
        self
    }

    /// The same register with reset value `reset` (bits of `reset_mask` defined).
    pub const fn with_reset(mut self, reset: u64, reset_mask: u64) -> Self {
        self.reset = reset;
        self.reset_mask = reset_mask;
        self
    }

    /// The same register with read action `action`.
    pub const fn with_read_action(mut self, action: ReadAction) -> Self {
        self.read_action = Some(action);
        self
    }

    /// The same register with write action `action`: the action of the bits
    /// no field covers (all bits when there are no fields).
    pub const fn with_write_action(mut self, action: WriteAction) -> Self {
        self.write_action = action;
        self
    }
}

#[cfg(test)]
mod builder_tests {
    use super::*;

    #[test]
    fn builders_set_only_what_they_name() {
        let field = FieldMeta::new("EN%s", 2, 1)
            .with_array(4, 2, &["A", "B", "C", "D"])
            .with_access(Access::ReadOnly)
            .with_write_action(WriteAction::OneToClear)
            .with_read_action(ReadAction::Clear);
        assert_eq!(
            (field.lsb, field.width, field.count, field.stride),
            (2, 1, 4, 2)
        );
        assert_eq!(field.access, Access::ReadOnly);
        assert_eq!(field.write_action, WriteAction::OneToClear);
        assert_eq!(field.read_action, Some(ReadAction::Clear));
        assert_eq!(field.mask(3), 1 << 8);
        let register = RegisterMeta::new("CR", 0x10, 16, &[]).with_reset(0x12, 0xff);
        assert_eq!(
            (register.offset, register.width, register.count),
            (0x10, 16, 1)
        );
        assert_eq!((register.reset, register.reset_mask), (0x12, 0xff));
        assert_eq!(RegisterMeta::new("W", 0, 64, &[]).reset_mask, u64::MAX);
        assert_eq!(RegisterMeta::new("B", 0, 8, &[]).reset_mask, 0xff);
        let flags = RegisterMeta::new("SR", 0, 8, &[]);
        assert_eq!(flags.write_action, WriteAction::Normal);
        let flags = flags.with_write_action(WriteAction::OneToClear);
        assert_eq!(flags.write_action, WriteAction::OneToClear);
        assert_eq!(flags.read_action, None);
    }

    static MIXED: [FieldMeta; 3] = [
        FieldMeta::new("DATA", 0, 8),
        FieldMeta::new("ERR", 8, 1).with_write_action(WriteAction::OneToClear),
        FieldMeta::new("EN%s", 12, 1)
            .with_array(2, 2, &[])
            .with_write_action(WriteAction::ZeroToSet),
    ];

    #[test]
    fn action_masks_combine_fields_and_uncovered_bits() {
        let plain = RegisterMeta::new("R", 0, 32, &MIXED);
        assert_eq!(plain.field_bits(), 0x51ff);
        assert_eq!(plain.write_one_action_mask(), 0x100);
        assert_eq!(plain.write_zero_action_mask(), 0x5000);
        assert_eq!(
            plain.write_action_bits(WriteAction::Normal),
            !0x5100 & 0xffff_ffff
        );
        let flags = plain.with_write_action(WriteAction::OneToToggle);
        assert_eq!(flags.write_one_action_mask(), !0x50ff & 0xffff_ffff);
        assert_eq!(
            flags.write_action_bits(WriteAction::OneToToggle),
            !0x51ff & 0xffff_ffff
        );
        assert_eq!(flags.write_zero_action_mask(), 0x5000);
        assert_eq!(flags.write_action_bits(WriteAction::Normal), 0xff);
        let bare = RegisterMeta::new("B", 0, 64, &[]).with_write_action(WriteAction::ZeroToClear);
        assert_eq!(bare.write_zero_action_mask(), u64::MAX);
        assert_eq!(bare.write_one_action_mask(), 0);
        assert_eq!(bare.field_bits(), 0);
        // A field reaching past the register width counts only within it.
        static WIDE: [FieldMeta; 1] = [FieldMeta::new("W", 4, 8)];
        let narrow = RegisterMeta::new("N", 0, 8, &WIDE).with_write_action(WriteAction::Set);
        assert_eq!(narrow.field_bits(), 0xf0);
        assert_eq!(narrow.write_action_bits(WriteAction::Set), 0x0f);
    }
}
