//! The HPET (IA-PC HPET specification 1.0a): capabilities and main counter.

use mmreg::Io;

/// Physical address of the first HPET on PC machines.
pub const BASE_ADDRESS: u64 = 0xfed0_0000;
/// Bytes of registers to map (the general registers and timer 0).
pub const SIZE: usize = 0x400;
/// Intel's PCI vendor ID, which QEMU's HPET reports.
pub const INTEL: u16 = 0x8086;
/// The longest counter period the specification allows: 100 ns, in femtoseconds.
pub const MAX_PERIOD_FEMTOSECONDS: u32 = 100_000_000;

const CAPABILITIES: usize = 0x000;
const PERIOD: usize = 0x004;
const CONFIGURATION: usize = 0x010;
const MAIN_COUNTER: usize = 0x0f0;

/// The general capabilities and ID register, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Vendor ID.
    pub vendor: u16,
    /// Counter period in femtoseconds.
    pub period_femtoseconds: u32,
    /// Number of timers.
    pub timers: u32,
    /// Whether the main counter is 64 bits wide.
    pub wide_counter: bool,
}

/// The HPET's registers over any [`Io`].
pub struct Hpet<'a, I> {
    io: &'a I,
}

impl<'a, I: Io> Hpet<'a, I> {
    /// The HPET's registers in `io`.
    pub fn new(io: &'a I) -> anyhow::Result<Self> {
        anyhow::ensure!(io.len() >= SIZE, "the HPET needs {SIZE:#x} bytes");
        Ok(Hpet { io })
    }

    /// Reads the capabilities.
    pub fn capabilities(&self) -> Capabilities {
        let low = self.io.checked_read32(CAPABILITIES).unwrap();
        Capabilities {
            vendor: (low >> 16) as u16,
            period_femtoseconds: self.io.checked_read32(PERIOD).unwrap(),
            timers: ((low >> 8) & 0x1f) + 1,
            wide_counter: low & (1 << 13) != 0,
        }
    }

    /// Whether the main counter runs.
    pub fn enabled(&self) -> bool {
        self.io.checked_read32(CONFIGURATION).unwrap() & 1 != 0
    }

    /// The main counter.
    pub fn counter(&self) -> u64 {
        loop {
            let high = self.io.checked_read32(MAIN_COUNTER + 4).unwrap();
            let low = self.io.checked_read32(MAIN_COUNTER).unwrap();
            if self.io.checked_read32(MAIN_COUNTER + 4).unwrap() == high {
                return (u64::from(high) << 32) | u64::from(low);
            }
        }
    }
}
