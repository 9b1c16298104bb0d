//! `FakeMem` seeded from block metadata: reset values, access rules, named
//! logs. The statics below have the shapes the generator emits.

use mmreg::meta::{
    Access as Rule, BlockMeta, ClusterMeta, EnumValueMeta, FieldMeta, ReadAction, RegisterMeta,
    WriteAction,
};
use mmreg::{
    Access, BlockError, FakeMem, Io, IoWrite, RawValue, ReadOnlySideEffect, ReadWrite, Reg,
    RegisterValue,
};

/// A field with the defaults filled in.
const fn field(name: &'static str, lsb: u8, width: u8, access: Rule) -> FieldMeta {
    FieldMeta {
        name,
        lsb,
        width,
        count: 1,
        stride: 0,
        index_names: &[],
        access,
        write_action: WriteAction::Normal,
        read_action: None,
        values: &[],
    }
}

/// A plain 32-bit register with the defaults filled in.
const fn register(
    name: &'static str,
    offset: usize,
    access: Rule,
    reset: u64,
    fields: &'static [FieldMeta],
) -> RegisterMeta {
    RegisterMeta {
        name,
        offset,
        width: 32,
        count: 1,
        stride: 0,
        index_names: &[],
        access,
        reset,
        reset_mask: 0xffff_ffff,
        read_action: None,
        write_action: WriteAction::Normal,
        fields,
    }
}

static FSEL_VALUES: [EnumValueMeta; 3] = [
    EnumValueMeta {
        name: "INPUT",
        value: 0,
    },
    EnumValueMeta {
        name: "OUTPUT",
        value: 1,
    },
    EnumValueMeta {
        name: "ALT0",
        value: 4,
    },
];

/// `GPFSEL0..2`: a register array of 10 three-bit field arrays.
static GPFSEL: RegisterMeta = RegisterMeta {
    count: 3,
    stride: 4,
    fields: &[FieldMeta {
        count: 10,
        stride: 3,
        values: &FSEL_VALUES,
        ..field("FSEL%s", 0, 3, Rule::ReadWrite)
    }],
    ..register("GPFSEL%s", 0x00, Rule::ReadWrite, 0, &[])
};

static GPSET0: RegisterMeta = register(
    "GPSET0",
    0x1c,
    Rule::WriteOnly,
    0,
    &[FieldMeta {
        count: 32,
        stride: 1,
        ..field("SET%s", 0, 1, Rule::WriteOnly)
    }],
);

static GPLEV0: RegisterMeta = register(
    "GPLEV0",
    0x34,
    Rule::ReadOnly,
    0,
    &[FieldMeta {
        count: 32,
        stride: 1,
        ..field("LEV%s", 0, 1, Rule::ReadOnly)
    }],
);

const DONE: u32 = 1 << 8;
const ERROR: u32 = 1 << 9;

/// `STATUS`: an enable bit, two write-1-to-clear flags, a read-only version.
static STATUS: RegisterMeta = register(
    "STATUS",
    0x40,
    Rule::ReadWrite,
    0x0012_0000,
    &[
        field("EN", 0, 1, Rule::ReadWrite),
        FieldMeta {
            write_action: WriteAction::OneToClear,
            ..field("DONE", 8, 1, Rule::ReadWrite)
        },
        FieldMeta {
            write_action: WriteAction::OneToClear,
            ..field("ERROR", 9, 1, Rule::ReadWrite)
        },
        field("VERSION", 16, 8, Rule::ReadOnly),
    ],
);

/// `EVENTS`: a whole register that clears when read.
static EVENTS: RegisterMeta = RegisterMeta {
    read_action: Some(ReadAction::Clear),
    ..register("EVENTS", 0x44, Rule::ReadOnly, 0, &[])
};

/// `CTRL`: write-only start, a write-once key, write actions of every kind.
static CTRL: RegisterMeta = register(
    "CTRL",
    0x48,
    Rule::ReadWrite,
    0x0000_00f0,
    &[
        field("START", 0, 1, Rule::WriteOnly),
        FieldMeta {
            write_action: WriteAction::OneToSet,
            ..field("ARM", 1, 1, Rule::ReadWrite)
        },
        FieldMeta {
            write_action: WriteAction::OneToToggle,
            ..field("LED", 2, 1, Rule::ReadWrite)
        },
        FieldMeta {
            write_action: WriteAction::ZeroToClear,
            ..field("Z0", 4, 1, Rule::ReadWrite)
        },
        FieldMeta {
            write_action: WriteAction::ZeroToSet,
            ..field("Z1", 5, 1, Rule::ReadWrite)
        },
        FieldMeta {
            write_action: WriteAction::ZeroToToggle,
            ..field("Z2", 6, 1, Rule::ReadWrite)
        },
        FieldMeta {
            write_action: WriteAction::Clear,
            ..field("WC", 7, 1, Rule::ReadWrite)
        },
        FieldMeta {
            write_action: WriteAction::Set,
            ..field("WS", 8, 1, Rule::ReadWrite)
        },
        field("KEY", 16, 8, Rule::ReadWriteOnce),
    ],
);

/// `STAMP`: a 64-bit read-only counter.
static STAMP: RegisterMeta = RegisterMeta {
    width: 64,
    reset: 0x0102_0304_0506_0708,
    reset_mask: u64::MAX,
    ..register("STAMP", 0x50, Rule::ReadOnly, 0, &[])
};

/// `ID`: an 8-bit register with only half of its reset value defined.
static ID: RegisterMeta = RegisterMeta {
    width: 8,
    reset: 0xa5,
    reset_mask: 0x0f,
    ..register("ID", 0x58, Rule::ReadOnly, 0, &[])
};

/// A DMA-like channel, instanced twice as the cluster `CH0`, `CH1`.
static CHANNEL: BlockMeta = BlockMeta {
    name: "CHANNEL",
    size: 0x10,
    registers: &[
        register(
            "CFG",
            0x0,
            Rule::ReadWrite,
            0x5,
            &[field("MODE", 0, 4, Rule::ReadWrite)],
        ),
        RegisterMeta {
            width: 16,
            ..register(
                "FLAGS",
                0x8,
                Rule::ReadWrite,
                0,
                &[
                    FieldMeta {
                        read_action: Some(ReadAction::Clear),
                        ..field("IRQ", 0, 1, Rule::ReadOnly)
                    },
                    FieldMeta {
                        read_action: Some(ReadAction::Set),
                        ..field("SEEN", 1, 1, Rule::ReadOnly)
                    },
                    field("KEEP", 4, 4, Rule::ReadWrite),
                ],
            )
        },
    ],
    clusters: &[],
};

static GPIO: BlockMeta = BlockMeta {
    name: "GPIO",
    size: 0xa0,
    registers: &[GPFSEL, GPSET0, GPLEV0, STATUS, EVENTS, CTRL, STAMP, ID],
    clusters: &[ClusterMeta {
        name: "CH%s",
        offset: 0x80,
        count: 2,
        stride: 0x10,
        index_names: &[],
        block: &CHANNEL,
    }],
};

/// What the generator emits for `STATUS`: its write-1-to-clear flags are
/// declared, so `modify` writes them as 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(transparent)]
struct Status(u32);

impl RegisterValue for Status {
    type Int = u32;
    const RESET: u32 = 0x0012_0000;
    const WRITE_ONE_ACTION_MASK: u32 = DONE | ERROR;
    const WRITE_ZERO_ACTION_MASK: u32 = 0;
    fn from_bits(bits: u32) -> Self {
        Status(bits)
    }
    fn to_bits(self) -> u32 {
        self.0
    }
}

fn write32(fake: &FakeMem, offset: usize, value: u32) {
    fake.checked_write32(offset, value).unwrap();
}

fn read32(fake: &FakeMem, offset: usize) -> u32 {
    fake.checked_read32(offset).unwrap()
}

#[test]
fn from_meta_sizes_and_preloads_reset_values() {
    let fake = FakeMem::from_meta(&GPIO);
    assert_eq!(fake.len(), 0xa0);
    assert_eq!(fake.peek32(0x40), 0x0012_0000);
    assert_eq!(fake.peek32(0x48), 0x0000_00f0);
    assert_eq!(fake.peek64(0x50), 0x0102_0304_0506_0708);
    assert_eq!(fake.peek8(0x58), 0x05, "undefined reset bits are 0");
    // Both cluster instances are seeded.
    assert_eq!(fake.peek32(0x80), 0x5);
    assert_eq!(fake.peek32(0x90), 0x5);
    assert!(fake.log().is_empty(), "seeding is not logged");
}

#[test]
fn read_only_bits_keep_their_value() {
    let fake = FakeMem::from_meta(&GPIO);
    // VERSION keeps 0x12, the flags see 0 (no action); EN and the bits outside
    // every field take the written value.
    write32(&fake, 0x40, 0xffff_fcff);
    assert_eq!(fake.peek32(0x40), 0xff12_fcff);
    // A read-only register without fields ignores writes altogether.
    write32(&fake, 0x34, 0xffff_ffff);
    assert_eq!(fake.peek32(0x34), 0);
    fake.checked_write64(0x50, 0).unwrap();
    assert_eq!(fake.peek64(0x50), 0x0102_0304_0506_0708);
}

#[test]
fn write_one_to_clear_flags() {
    let fake = FakeMem::from_meta(&GPIO);
    fake.set_bits(0x40, DONE | ERROR);
    write32(&fake, 0x40, DONE);
    assert_eq!(fake.peek32(0x40), 0x0012_0000 | ERROR);
    write32(&fake, 0x40, 0);
    assert_eq!(
        fake.peek32(0x40),
        0x0012_0000 | ERROR,
        "writing 0 keeps the flag"
    );
}

#[test]
fn w1c_flag_raised_by_the_device_survives_modify_of_another_field() {
    let fake = FakeMem::from_meta(&GPIO);
    // SAFETY: STATUS is at 0x40, in bounds and aligned for 32 bits.
    let status: Reg<'_, _, Status, ReadWrite> = unsafe { Reg::new(&fake, 0x40) };
    fake.set_bits(0x40, DONE);
    status.modify(|_, s| s.0 |= 1);
    assert_eq!(
        fake.peek32(0x40),
        0x0012_0000 | DONE | 1,
        "DONE is still pending"
    );
    assert_eq!(
        fake.log(),
        [
            Access::read32(0x40, 0x0012_0100),
            Access::write32(0x40, 0x0012_0001)
        ]
    );
    // Clearing it on purpose works.
    status.modify(|_, s| s.0 |= DONE);
    assert_eq!(status.read().0 & DONE, 0);
}

#[test]
fn the_seeded_fake_exposes_a_modify_that_ignores_w1c_flags() {
    // Without the flag mask (a raw value) `modify` writes the flag back as 1,
    // and the seeded fake clears it, as the hardware would: the bug the
    // generated mask prevents is visible in tests.
    let fake = FakeMem::from_meta(&GPIO);
    // SAFETY: STATUS is at 0x40, in bounds and aligned for 32 bits.
    let status: Reg<'_, _, RawValue<u32>, ReadWrite> = unsafe { Reg::new(&fake, 0x40) };
    fake.set_bits(0x40, DONE);
    status.modify(|_, s| s.0 |= 1);
    assert_eq!(fake.peek32(0x40) & DONE, 0);
}

#[test]
fn clear_on_read_register_clears_when_read() {
    let fake = FakeMem::from_meta(&GPIO);
    // SAFETY: EVENTS is at 0x44, in bounds and aligned for 32 bits.
    let mut events: Reg<'_, _, RawValue<u32>, ReadOnlySideEffect> =
        unsafe { Reg::new(&fake, 0x44) };
    fake.set_bits(0x44, 0b1010u32);
    assert_eq!(events.read().0, 0b1010);
    assert_eq!(events.read().0, 0);
    fake.set_bits(0x44, 0b1u32);
    assert_eq!(events.read().0, 1);
}

#[test]
fn field_read_actions_in_a_cluster_array() {
    let fake = FakeMem::from_meta(&GPIO);
    // CH1.FLAGS is at 0x90 + 0x8, 16 bits wide.
    fake.poke16(0x98, 0b1_0000_0001);
    assert_eq!(fake.checked_read16(0x98).unwrap(), 0b1_0000_0001);
    assert_eq!(
        fake.peek16(0x98),
        0b1_0000_0010,
        "IRQ cleared, SEEN set, KEEP kept"
    );
    // CH0 is a separate instance.
    assert_eq!(fake.peek16(0x88), 0);
    // A 16-bit register's rules ignore a narrower access.
    fake.poke16(0x88, 1);
    assert_eq!(fake.checked_read8(0x88).unwrap(), 1);
    assert_eq!(fake.peek16(0x88), 1);
}

#[test]
fn write_actions_of_every_kind() {
    let fake = FakeMem::from_meta(&GPIO);
    // Reset 0xf0: Z0, Z1, Z2, WC set. Write START | LED | all Z bits at 1.
    write32(&fake, 0x48, 0b0111_0101);
    // Z* bits see 1: no action. WC clears on any write, WS sets, LED toggles,
    // START is stored but reads as 0.
    assert_eq!(fake.peek32(0x48), 0b1_0111_0101);
    assert_eq!(
        read32(&fake, 0x48),
        0b1_0111_0100,
        "write-only START reads as 0"
    );
    // Now ARM (write-1-to-set) and zeros everywhere else.
    write32(&fake, 0x48, 0b10);
    // START stored 0, ARM set, LED unchanged (0 written), Z0 cleared, Z1 set,
    // Z2 toggled (1 -> 0), WS set.
    assert_eq!(fake.peek32(0x48), 0b1_0010_0110);
    write32(&fake, 0x48, 0b100);
    assert_eq!(fake.peek32(0x48) & 0b100, 0, "LED toggles back");
    assert_eq!(
        fake.peek32(0x48) & 0b10,
        0b10,
        "writing 0 to a write-1-to-set bit keeps it"
    );
}

#[test]
fn write_once_bits_lock_after_the_first_write() {
    let fake = FakeMem::from_meta(&GPIO);
    write32(&fake, 0x48, 0x00ab_0000);
    assert_eq!(fake.peek32(0x48) >> 16, 0xab);
    write32(&fake, 0x48, 0x00cd_0000);
    assert_eq!(fake.peek32(0x48) >> 16, 0xab);
}

#[test]
fn write_only_register_reads_as_zero() {
    let fake = FakeMem::from_meta(&GPIO);
    write32(&fake, 0x1c, 1 << 17);
    assert_eq!(fake.peek32(0x1c), 1 << 17);
    assert_eq!(read32(&fake, 0x1c), 0);
}

#[test]
fn named_log_of_the_design_sketch() {
    let fake = FakeMem::from_meta(&GPIO);
    write32(&fake, 0x1c, 1 << 17);
    fake.set_bits(0x34, 1u32);
    read32(&fake, 0x34);
    assert_eq!(
        fake.log(),
        [Access::write32(0x1c, 1 << 17), Access::read32(0x34, 1)]
    );
    assert_eq!(
        fake.log_named(),
        [
            "GPIO.GPSET0 <- 0x00020000 {SET17}",
            "GPIO.GPLEV0 -> 0x00000001 {LEV0}"
        ]
    );
}

#[test]
fn named_log_decodes_arrays_enums_and_wide_fields() {
    let fake = FakeMem::from_meta(&GPIO);
    write32(&fake, 0x4, (1 << 21) | (4 << 24) | (3 << 3)); // GPFSEL1
    write32(&fake, 0x40, 0x0000_0301);
    read32(&fake, 0x40);
    write32(&fake, 0x98, 0); // a 32-bit access to a 16-bit register
    fake.checked_write16(0x80, 0x3).unwrap(); // a 16-bit access to a 32-bit register
    fake.checked_write16(0x98, 0x1f).unwrap();
    fake.checked_read64(0x50).unwrap();
    fake.checked_read8(0x58).unwrap();
    write32(&fake, 0x48, 0);
    write32(&fake, 0x44, 0);
    assert_eq!(
        fake.log_named(),
        [
            "GPIO.GPFSEL1 <- 0x04200018 {FSEL1=0x3, FSEL7=OUTPUT, FSEL8=ALT0}",
            "GPIO.STATUS <- 0x00000301 {EN, DONE, ERROR}",
            "GPIO.STATUS -> 0x00120001 {EN, VERSION=0x12}",
            "GPIO.CH1.FLAGS <- 0x00000000 (32-bit access)",
            "GPIO.CH0.CFG <- 0x0003 (16-bit access)",
            "GPIO.CH1.FLAGS <- 0x001f {IRQ, SEEN, KEEP=0x1, ?=0xc}",
            "GPIO.STAMP -> 0x0102030405060708",
            "GPIO.ID -> 0x05",
            "GPIO.CTRL <- 0x00000000",
            "GPIO.EVENTS <- 0x00000000",
        ]
    );
}

#[test]
fn named_log_marks_unnamed_bits_and_unknown_offsets() {
    let fake = FakeMem::new(0x200);
    fake.seed(&GPIO, 0x100).unwrap();
    // STATUS bit 31 belongs to no field.
    write32(&fake, 0x140, 0x8000_0001);
    write32(&fake, 0x13c, 7); // inside GPIO, no register there
    fake.checked_write8(0x10, 2).unwrap(); // outside every block
    fake.checked_write8(0x141, 2).unwrap(); // inside STATUS, not at its start
    assert_eq!(
        fake.log_named(),
        [
            "GPIO.STATUS <- 0x80000001 {EN, ?=0x80000000}",
            "GPIO+0x3c <- 0x00000007",
            "+0x10 <- 0x02",
            "GPIO+0x41 <- 0x02",
        ]
    );
}

#[test]
fn render_access_without_a_seeded_fake() {
    let access = Access::write32(0x200 + 0x80 + 0x10, 0x3);
    assert_eq!(
        mmreg::fake::render_access(&access, &GPIO, 0x200),
        "GPIO.CH1.CFG <- 0x00000003 {MODE=0x3}"
    );
    assert_eq!(
        mmreg::fake::render_access(&Access::read8(0x1, 0), &GPIO, 0x200),
        "+0x1 -> 0x00"
    );
}

#[test]
fn seeding_at_an_offset_and_a_second_block() {
    let fake = FakeMem::new(0x400);
    fake.seed(&GPIO, 0x100).unwrap();
    fake.seed(&CHANNEL, 0x300).unwrap();
    assert_eq!(fake.peek32(0x140), 0x0012_0000);
    assert_eq!(fake.peek32(0x300), 0x5);
    assert_eq!(fake.peek32(0x40), 0, "nothing seeded below the block");
    write32(&fake, 0x300, 0x2);
    assert_eq!(fake.log_named(), ["CHANNEL.CFG <- 0x00000002 {MODE=0x2}"]);
}

#[test]
fn seeding_refuses_a_block_that_does_not_fit() {
    let fake = FakeMem::new(0x100);
    assert_eq!(
        fake.seed(&GPIO, 0x80),
        Err(BlockError::TooSmall {
            block: "GPIO",
            base: 0x80,
            size: 0xa0,
            len: 0x100
        })
    );
    assert_eq!(
        fake.seed(&GPIO, 0x4),
        Err(BlockError::Misaligned {
            block: "GPIO",
            base: 0x4,
            align: 8
        })
    );
    assert_eq!(fake.peek32(0x40 + 0x80), 0, "nothing was seeded");
}

#[test]
fn a_user_hook_replaces_a_seeded_rule() {
    let fake = FakeMem::from_meta(&GPIO);
    fake.on_write(0x40, |_, written| written);
    write32(&fake, 0x40, 0xffff_ffff);
    assert_eq!(fake.peek32(0x40), 0xffff_ffff);
}

/// Two UART-like instances named by the description, not by number.
static PORT: BlockMeta = BlockMeta {
    name: "PORT",
    size: 0x4,
    registers: &[RegisterMeta {
        width: 8,
        fields: &[FieldMeta {
            count: 2,
            stride: 4,
            index_names: &["RX", "TX"],
            values: &[
                EnumValueMeta {
                    name: "ON",
                    value: 1,
                },
                EnumValueMeta {
                    name: "FAST",
                    value: 3,
                },
            ],
            ..field("%s_MODE", 0, 2, Rule::ReadWrite)
        }],
        ..register("CR", 0x0, Rule::ReadWrite, 0, &[])
    }],
    clusters: &[],
};

static SERIAL: BlockMeta = BlockMeta {
    name: "SERIAL",
    size: 0x8,
    registers: &[],
    clusters: &[ClusterMeta {
        name: "PORT_%s",
        offset: 0x0,
        count: 2,
        stride: 0x4,
        index_names: &["A", "B"],
        block: &PORT,
    }],
};

#[test]
fn named_log_uses_listed_index_names() {
    let fake = FakeMem::from_meta(&SERIAL);
    fake.checked_write8(0x4, 0x31).unwrap();
    fake.checked_write8(0x0, 0x20).unwrap();
    assert_eq!(
        fake.log_named(),
        [
            "SERIAL.PORT_B.CR <- 0x31 {RX_MODE=ON, TX_MODE=FAST}",
            "SERIAL.PORT_A.CR <- 0x20 {TX_MODE=0x2}"
        ]
    );
}

// ---- register-level write actions (SVD `modifiedWriteValues` on a register) ----

/// `INTFLAG`: write-1-to-clear flags, declared on the register, no fields.
static INTFLAG: RegisterMeta =
    RegisterMeta::new("INTFLAG", 0x0, 32, &[]).with_write_action(WriteAction::OneToClear);

/// `SR`: a plain data byte, and write-1-to-clear flags in every other bit.
static SR: RegisterMeta = RegisterMeta::new("SR", 0x4, 32, &[FieldMeta::new("DATA", 0, 8)])
    .with_write_action(WriteAction::OneToClear);

/// `ACK`: 16 bits that clear when written as 0, no fields.
static ACK: RegisterMeta =
    RegisterMeta::new("ACK", 0x8, 16, &[]).with_write_action(WriteAction::ZeroToClear);

/// `CMD`: one write-only field, and 1-to-toggle bits above it.
static CMD: RegisterMeta = RegisterMeta::new(
    "CMD",
    0xc,
    8,
    &[FieldMeta::new("GO", 0, 1).with_access(Rule::WriteOnly)],
)
.with_write_action(WriteAction::OneToToggle);

static IRQ: BlockMeta = BlockMeta {
    name: "IRQ",
    size: 0x10,
    registers: &[INTFLAG, SR, ACK, CMD],
    clusters: &[],
};

/// What the generator emits for `INTFLAG`: every bit is a write-1-to-clear
/// flag, so `modify` writes them as 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct IntFlag(u32);

impl RegisterValue for IntFlag {
    type Int = u32;
    const RESET: u32 = 0;
    const WRITE_ONE_ACTION_MASK: u32 = u32::MAX;
    const WRITE_ZERO_ACTION_MASK: u32 = 0;
    fn from_bits(bits: u32) -> Self {
        IntFlag(bits)
    }
    fn to_bits(self) -> u32 {
        self.0
    }
}

#[test]
fn register_level_action_masks() {
    assert_eq!(
        INTFLAG.write_one_action_mask(),
        u64::from(IntFlag::WRITE_ONE_ACTION_MASK)
    );
    assert_eq!(INTFLAG.write_zero_action_mask(), 0);
    assert_eq!(SR.write_one_action_mask(), 0xffff_ff00);
    assert_eq!(ACK.write_zero_action_mask(), 0xffff);
    assert_eq!(ACK.write_one_action_mask(), 0);
    assert_eq!(CMD.write_one_action_mask(), 0xfe);
    // The default is no action.
    assert_eq!(GPSET0.write_action, WriteAction::Normal);
    assert_eq!(STATUS.write_one_action_mask(), u64::from(DONE | ERROR));
}

#[test]
fn register_level_write_one_to_clear_without_fields() {
    let fake = FakeMem::from_meta(&IRQ);
    fake.poke32(0x0, 0b11);
    write32(&fake, 0x0, 0b01);
    assert_eq!(fake.peek32(0x0), 0b10, "only bit 0 cleared");
    write32(&fake, 0x0, 0);
    assert_eq!(fake.peek32(0x0), 0b10, "writing 0 clears nothing");
    write32(&fake, 0x0, 0xffff_ffff);
    assert_eq!(fake.peek32(0x0), 0);
    assert_eq!(
        fake.log_named(),
        [
            "IRQ.INTFLAG <- 0x00000001",
            "IRQ.INTFLAG <- 0x00000000",
            "IRQ.INTFLAG <- 0xffffffff"
        ]
    );
}

#[test]
fn register_level_action_covers_only_the_bits_no_field_covers() {
    let fake = FakeMem::from_meta(&IRQ);
    fake.poke32(0x4, 0x0000_0f12);
    // DATA (bits 0..8) stores 0x34; flags 8 and 9 written as 1 clear.
    write32(&fake, 0x4, 0x0000_0334);
    assert_eq!(fake.peek32(0x4), 0x0000_0c34);
    // Writing 0 stores 0 in DATA and leaves every flag.
    write32(&fake, 0x4, 0);
    assert_eq!(fake.peek32(0x4), 0x0000_0c00);
    // Flags read back as stored; the log names DATA and shows the flags as
    // bits outside every field.
    assert_eq!(read32(&fake, 0x4), 0x0000_0c00);
    assert_eq!(
        fake.log_named(),
        [
            "IRQ.SR <- 0x00000334 {DATA=0x34, ?=0x300}",
            "IRQ.SR <- 0x00000000",
            "IRQ.SR -> 0x00000c00 {?=0xc00}"
        ]
    );
}

#[test]
fn register_level_write_zero_to_clear_without_fields() {
    let fake = FakeMem::from_meta(&IRQ);
    fake.poke16(0x8, 0xffff);
    fake.checked_write16(0x8, 0xfff0).unwrap();
    assert_eq!(fake.peek16(0x8), 0xfff0, "bits written as 0 cleared");
    fake.checked_write16(0x8, 0xffff).unwrap();
    assert_eq!(fake.peek16(0x8), 0xfff0, "writing 1 clears nothing");
    fake.checked_write16(0x8, 0x00ff).unwrap();
    assert_eq!(fake.peek16(0x8), 0x00f0);
}

#[test]
fn register_level_toggle_beside_a_write_only_field() {
    let fake = FakeMem::from_meta(&IRQ);
    fake.checked_write8(0xc, 0b1010_0001).unwrap();
    assert_eq!(fake.peek8(0xc), 0b1010_0001);
    fake.checked_write8(0xc, 0b1000_0000).unwrap();
    assert_eq!(
        fake.peek8(0xc),
        0b0010_0000,
        "bit 7 toggled back, GO stored 0"
    );
    // GO is write-only: a read returns it as 0, the toggle bits as stored.
    fake.checked_write8(0xc, 0b0000_0001).unwrap();
    assert_eq!(fake.checked_read8(0xc).unwrap(), 0b0010_0000);
}

#[test]
fn modify_of_a_register_level_w1c_register_clears_no_flag() {
    let fake = FakeMem::from_meta(&IRQ);
    fake.poke32(0x0, 0b101);
    // SAFETY: offset 0 is in bounds and aligned for 32 bits.
    let reg: Reg<'_, _, IntFlag, ReadWrite> = unsafe { Reg::new(&fake, 0x0) };
    let seen = reg.modify(|r, _| r.0);
    assert_eq!(seen, 0b101);
    assert_eq!(fake.peek32(0x0), 0b101, "modify wrote every flag as 0");
    reg.modify(|_, w| w.0 = 0b100);
    assert_eq!(fake.peek32(0x0), 0b001);
}
