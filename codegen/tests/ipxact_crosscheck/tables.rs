//! Expectations written by hand from the corpus XML, for the files
//! PeakRDL-ipxact does not read. Each entry cites the line of its
//! `<register>` (or `<name>`); values in expressions were worked out by
//! hand: Leon2's `('hFF000000) / $pow(2,24) % $pow(2,8)` is the register
//! reset mask's bits of one field, Kactus2's `uuid_…` ids are the
//! component parameters (memory_controller lines 714-752: DATA_WIDTH 16,
//! AUB 8, DATA_BYTES = 16/8 = 2; wb_slave_spi_master lines 565-583:
//! BUFFER_SIZE 16, CONTROL_SIZE 1, STATUS_SIZE 1).
//!
//! `reset`/`mask` are the register's reset value and the bits with a
//! defined reset (0: no reset declared).

use mmreg_codegen::ir::Access;
use mmreg_codegen::ir::Access::{ReadOnly as RO, ReadWrite as RW, WriteOnly as WO};

use super::Seen;

/// One register element.
pub struct Entry {
    /// XML line of the register (for the reader of a failure).
    pub line: u32,
    pub name: &'static str,
    pub address: u64,
    pub width: u32,
    pub reset: u64,
    pub mask: u64,
    /// (name, lsb, msb, access).
    pub fields: &'static [(&'static str, u32, u32, Access)],
}

impl Entry {
    /// As the comparison wants it.
    pub fn seen(&self) -> Seen {
        assert!(self.line > 0);
        Seen {
            name: self.name.to_string(),
            address: self.address,
            width: self.width,
            reset: self.reset,
            reset_mask: self.mask,
            fields: self
                .fields
                .iter()
                .map(|(name, lsb, msb, access)| (name.to_string(), *lsb, *msb, *access))
                .collect(),
        }
    }
}

const fn e(
    line: u32,
    name: &'static str,
    address: u64,
    width: u32,
    reset: u64,
    mask: u64,
    fields: &'static [(&'static str, u32, u32, Access)],
) -> Entry {
    Entry {
        line,
        name,
        address,
        width,
        reset,
        mask,
        fields,
    }
}

const C0: u64 = 0xC000_0000;
/// Every bit of a 32-bit register has a defined reset.
const ALL: u64 = 0xFFFF_FFFF;

/// File -> entries.
pub const TABLES: &[(&str, &[Entry])] = &[
    (
        "bcm5719fw-DEVICE.xml",
        &[
            e(306, "MEMORY_DATA", C0 + 0x84, 32, 0, 0, &[]),
            e(
                329,
                "LINK_STATUS_CONTROL",
                C0 + 0xbc,
                32,
                0,
                0,
                &[
                    ("Negotiated Link Speed", 16, 19, RW),
                    ("Negotiated Link Width", 20, 25, RW),
                ],
            ),
            e(982, "MTU_SIZE", C0 + 0x43c, 32, 0, 0, &[("MTU", 0, 15, RW)]),
            e(
                1094,
                "MII_MODE",
                C0 + 0x454,
                32,
                0,
                0,
                &[
                    ("PHY Address", 5, 9, RW),
                    ("Constant MDIO/MDC Clock Speed", 15, 15, RW),
                    ("MII Clock Count", 16, 20, RW),
                ],
            ),
            e(
                1323,
                "RECEIVE_MAC_STATUS",
                C0 + 0x46c,
                32,
                0,
                0,
                &[
                    ("Remote TX XOFFED", 0, 0, RW),
                    ("XOFF Received", 1, 1, RW),
                    ("XON Received", 2, 2, RW),
                ],
            ),
            e(
                1352,
                "PERFECT_MATCH1_HIGH",
                C0 + 0x540,
                32,
                0,
                0,
                &[("High", 0, 15, RW)],
            ),
            e(
                1367,
                "PERFECT_MATCH1_LOW",
                C0 + 0x544,
                32,
                0,
                0,
                &[("Low", 0, 31, RW)],
            ),
            e(
                1618,
                "Receive List Placement Status",
                C0 + 0x2004,
                32,
                0,
                0,
                &[
                    ("Class Zero Attention", 2, 2, RW),
                    ("Mapping out of Range Attention", 3, 3, RW),
                    ("Stats Overflow Attention", 4, 4, RW),
                ],
            ),
            e(
                2080,
                "APE_SLEEP_STATE_CLOCK_POLICY",
                C0 + 0x3620,
                32,
                0,
                0,
                &[
                    ("APE Sleep FCLK Switch", 0, 4, RW),
                    ("APE Deep Sleep FCLK Switch", 16, 20, RW),
                    ("APE Sleep HCLK Disable", 31, 31, RW),
                ],
            ),
            e(
                2707,
                "EEE_CONTROL",
                C0 + 0x36d0,
                32,
                0,
                0,
                &[("Exit Time", 0, 15, RW), ("Minimum Assert", 16, 31, RW)],
            ),
            e(
                3525,
                "PCI_VENDOR_DEVICE_ID",
                C0 + 0x6434,
                32,
                0,
                0,
                &[("Device ID", 0, 15, RW), ("Vendor ID", 16, 31, RW)],
            ),
            e(
                4962,
                "FAST_BOOT_PROGRAM_COUNTER",
                C0 + 0x6894,
                32,
                0,
                0,
                &[("Program Counter", 0, 30, RW), ("Enable", 31, 31, RW)],
            ),
            e(5149, "7C04", C0 + 0x7c04, 32, 0, 0, &[]),
        ],
    ),
    (
        "kactus2-memory_controller.xml",
        &[
            e(284, "work", 14, 16, 0, 0, &[("data", 0, 15, RW)]),
            e(284, "work", 16, 16, 0, 0, &[("data", 0, 15, RW)]),
            e(284, "work", 18, 16, 0, 0, &[("data", 0, 15, RW)]),
            e(284, "work", 20, 16, 0, 0, &[("data", 0, 15, RW)]),
            e(284, "work", 22, 16, 0, 0, &[("data", 0, 15, RW)]),
            e(284, "work", 24, 16, 0, 0, &[("data", 0, 15, RW)]),
            e(284, "work", 26, 16, 0, 0, &[("data", 0, 15, RW)]),
            e(284, "work", 28, 16, 0, 0, &[("data", 0, 15, RW)]),
            e(296, "modstart", 2, 16, 0, 0, &[("address", 1, 15, RW)]),
            e(308, "modend", 4, 16, 0, 0, &[("address", 1, 15, RW)]),
            e(
                320,
                "alu_status",
                0,
                16,
                0,
                0,
                &[
                    ("div_zero", 0, 0, RO),
                    ("zero", 1, 1, RO),
                    ("negative", 2, 2, RO),
                    ("overflow", 3, 3, RO),
                ],
            ),
            e(
                352,
                "periph_status",
                6,
                16,
                0,
                0,
                &[
                    ("state", 0, 1, RW),
                    ("write", 2, 2, RW),
                    ("ready", 3, 3, RW),
                ],
            ),
            e(378, "periph_write", 10, 16, 0, 0, &[("data", 0, 15, RW)]),
            e(390, "periph_read", 8, 16, 0, 0, &[("data", 0, 15, RW)]),
            e(402, "periph_addr", 12, 16, 0, 0, &[("address", 0, 15, RW)]),
        ],
    ),
    (
        "kactus2-wb_slave_spi_master.xml",
        &[
            // baseAddress BUFFER_SIZE*2+STATUS_SIZE = 33 (line 228).
            e(234, "control", 33, 8, 0, 0, &[("start_transfer", 0, 0, WO)]),
            // baseAddress BUFFER_SIZE = 16 (line 259).
            e(
                265,
                "status",
                16,
                8,
                0,
                0,
                &[("transfer_complete", 0, 0, RO)],
            ),
        ],
    ),
    (
        "leon2-irqctrl-1.3.xml",
        &[
            e(
                633,
                "interrupMaskandPriorityLevel",
                0x0,
                32,
                0,
                0x1_FFFF,
                &[
                    ("Reserved1", 0, 0, RW),
                    ("imask", 1, 15, RW),
                    ("Reserved2", 16, 16, RW),
                    ("ilevel", 17, 31, RW),
                ],
            ),
            e(
                696,
                "interruptPendingRegister",
                0x4,
                32,
                0,
                0xFFFF_0001,
                &[
                    ("Reserved1", 0, 0, RW),
                    ("ipend", 1, 15, RW),
                    ("Reserved2", 16, 31, RO),
                ],
            ),
            e(
                745,
                "interruptForceRegister",
                0x8,
                32,
                0,
                0xFFFF_0001,
                &[
                    ("Reserved1", 0, 0, RO),
                    ("iforce", 1, 15, RW),
                    ("Reserved2", 16, 31, RO),
                ],
            ),
            e(
                794,
                "interruptClearRegister",
                0xc,
                32,
                0,
                0,
                &[
                    ("Reserved1", 0, 0, RO),
                    ("iclear", 1, 15, RW),
                    ("Reserved2", 16, 31, RO),
                ],
            ),
            e(
                826,
                "interruptClearRegisterRead",
                0xc,
                32,
                0,
                0xFFFF_FFFF,
                &[("Reserved1", 0, 31, RO)],
            ),
            e(
                847,
                "interruptReadClearPendingRegister",
                0x10,
                32,
                0,
                0xFFFF_FFF0,
                &[("pendIntEncode", 0, 3, RO), ("Reserved", 4, 31, RO)],
            ),
        ],
    ),
    (
        "leon2-timers-1.3.xml",
        &[
            e(
                219,
                "watchdogCounter",
                0xc,
                32,
                0,
                0xFF00_0000,
                &[("watchdogValue", 0, 23, RW), ("reserved", 24, 31, RO)],
            ),
            e(
                257,
                "prescalerCounter",
                0x20,
                32,
                0,
                0xFFFF_FC00,
                &[("reloadValue", 0, 9, RW), ("reserved", 10, 31, RO)],
            ),
            e(
                294,
                "prescalerReloadValue",
                0x24,
                32,
                0,
                0xFFFF_FC00,
                &[("reloadValue", 0, 9, RW), ("reserved", 10, 31, RW)],
            ),
            e(
                336,
                "timerCounter",
                0x0,
                32,
                0,
                0xFF00_0000,
                &[("timerValue", 0, 23, RW), ("reserved", 24, 31, RO)],
            ),
            e(
                373,
                "timerReload",
                0x4,
                32,
                0,
                0xFF00_0000,
                &[("timerReloadValue", 0, 23, RW), ("reserved", 24, 31, RO)],
            ),
            e(
                409,
                "timerControl",
                0x8,
                32,
                0,
                0xFFFF_FFF9,
                &[
                    ("enable", 0, 0, RW),
                    ("reloadCounter", 1, 1, RW),
                    ("loadCounter", 2, 2, RW),
                    ("reserved", 3, 31, RO),
                ],
            ),
            e(
                481,
                "timerCounter",
                0x10,
                32,
                0,
                0xFF00_0000,
                &[("timerValue", 0, 23, RW), ("reserved", 24, 31, RO)],
            ),
            e(
                518,
                "timerReload",
                0x14,
                32,
                0,
                0xFF00_0000,
                &[("timerReloadValue", 0, 23, RW), ("reserved", 24, 31, RO)],
            ),
            e(
                554,
                "timerControl",
                0x18,
                32,
                0,
                0xFFFF_FFF9,
                &[
                    ("enable", 0, 0, RW),
                    ("reloadCounter", 1, 1, RW),
                    ("loadCounter", 2, 2, RW),
                    ("reserved", 3, 31, RO),
                ],
            ),
        ],
    ),
    (
        "leon2-tlm-rgu-1.4.xml",
        &[
            // Serial bank (line 496): resetDelays at 0, EEPROM at 32, Reserved
            // at 64, idAddressBlock at 64 + 4028 = 4092.
            e(
                506,
                "reset0Delay",
                0x0,
                32,
                0x00,
                ALL,
                &[("delay", 0, 7, RO), ("Reserved", 8, 31, RO)],
            ),
            e(
                537,
                "reset1Delay",
                0x4,
                32,
                0x01,
                ALL,
                &[("delay", 0, 7, RO), ("Reserved", 8, 31, RO)],
            ),
            e(
                568,
                "reset2Delay",
                0x8,
                32,
                0x02,
                ALL,
                &[("delay", 0, 7, RO), ("Reserved", 8, 31, RO)],
            ),
            e(
                599,
                "reset3Delay",
                0xc,
                32,
                0x04,
                ALL,
                &[("delay", 0, 7, RO), ("Reserved", 8, 31, RO)],
            ),
            e(
                630,
                "reset4Delay",
                0x10,
                32,
                0x08,
                ALL,
                &[("delay", 0, 7, RO), ("Reserved", 8, 31, RO)],
            ),
            e(
                661,
                "reset5Delay",
                0x14,
                32,
                0x10,
                ALL,
                &[("delay", 0, 7, RO), ("Reserved", 8, 31, RO)],
            ),
            e(
                692,
                "reset6Delay",
                0x18,
                32,
                0x20,
                ALL,
                &[("delay", 0, 7, RO), ("Reserved", 8, 31, RO)],
            ),
            e(
                723,
                "reset7Delay",
                0x1c,
                32,
                0x40,
                ALL,
                &[("delay", 0, 7, RO), ("Reserved", 8, 31, RO)],
            ),
            e(762, "eeprom", 32, 32, 0, ALL, &[("data", 0, 31, RW)]),
            e(762, "eeprom", 36, 32, 0, ALL, &[("data", 0, 31, RW)]),
            e(762, "eeprom", 40, 32, 0, ALL, &[("data", 0, 31, RW)]),
            e(762, "eeprom", 44, 32, 0, ALL, &[("data", 0, 31, RW)]),
            e(762, "eeprom", 48, 32, 0, ALL, &[("data", 0, 31, RW)]),
            e(762, "eeprom", 52, 32, 0, ALL, &[("data", 0, 31, RW)]),
            e(762, "eeprom", 56, 32, 0, ALL, &[("data", 0, 31, RW)]),
            e(762, "eeprom", 60, 32, 0, ALL, &[("data", 0, 31, RW)]),
            e(798, "IDReg", 4092, 32, 0xD01, ALL, &[("ID", 0, 31, RO)]),
        ],
    ),
];
