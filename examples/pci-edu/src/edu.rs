//! A small driver for QEMU's `edu` device (QEMU's `docs/specs/edu.rst`).

use std::time::{Duration, Instant};

use anyhow::bail;
use mmreg::Io;

/// PCI vendor ID of the edu device.
pub const VENDOR: u16 = 0x1234;
/// PCI device ID of the edu device.
pub const DEVICE: u16 = 0x11e8;
/// What the identification register holds: version 1.0, `0xed`.
pub const IDENTIFICATION: u32 = 0x0100_00ed;
/// Bytes of registers to map (the BAR is 1 MiB, most of it a DMA buffer).
pub const SIZE: usize = 0x100;

const ID: usize = 0x00;
const LIVENESS: usize = 0x04;
const FACTORIAL: usize = 0x08;
const STATUS: usize = 0x20;
const INTERRUPT_STATUS: usize = 0x24;
const INTERRUPT_RAISE: usize = 0x60;
const INTERRUPT_ACKNOWLEDGE: usize = 0x64;
const STATUS_COMPUTING: u32 = 0x01;
const STATUS_INTERRUPT_ON_COMPLETION: u32 = 0x80;

/// How long a factorial may take before the device is declared stuck.
const FACTORIAL_TIMEOUT: Duration = Duration::from_secs(2);

/// The device's registers over any [`Io`].
pub struct Edu<'a, I> {
    io: &'a I,
}

impl<'a, I: Io> Edu<'a, I> {
    /// The device's registers in `io`.
    pub fn new(io: &'a I) -> anyhow::Result<Self> {
        if io.len() < SIZE {
            bail!("edu needs {SIZE:#x} bytes, the mapping has {:#x}", io.len());
        }
        Ok(Edu { io })
    }

    /// The identification register.
    pub fn identification(&self) -> u32 {
        self.io.checked_read32(ID).unwrap()
    }

    /// Writes `pattern` to the liveness register and reads back its answer.
    pub fn liveness(&self, pattern: u32) -> u32 {
        self.io.checked_write32(LIVENESS, pattern).unwrap();
        self.io.checked_read32(LIVENESS).unwrap()
    }

    /// Computes `n!` on the device, polling the busy bit.
    pub fn factorial(&self, n: u32) -> anyhow::Result<u32> {
        self.io.checked_write32(FACTORIAL, n).unwrap();
        let started = Instant::now();
        while self.io.checked_read32(STATUS).unwrap() & STATUS_COMPUTING != 0 {
            if started.elapsed() > FACTORIAL_TIMEOUT {
                bail!("still computing {n}! after {FACTORIAL_TIMEOUT:?}");
            }
            std::hint::spin_loop();
        }
        Ok(self.io.checked_read32(FACTORIAL).unwrap())
    }

    /// Asks for an interrupt when a factorial completes, or not.
    pub fn set_interrupt_on_completion(&self, enabled: bool) {
        let status = self.io.checked_read32(STATUS).unwrap();
        let status = if enabled {
            status | STATUS_INTERRUPT_ON_COMPLETION
        } else {
            status & !STATUS_INTERRUPT_ON_COMPLETION
        };
        self.io.checked_write32(STATUS, status).unwrap();
    }

    /// Whether an interrupt on completion is requested.
    pub fn interrupt_on_completion(&self) -> bool {
        self.io.checked_read32(STATUS).unwrap() & STATUS_INTERRUPT_ON_COMPLETION != 0
    }

    /// Raises an interrupt with `bits` ORed into the interrupt status.
    pub fn raise_interrupt(&self, bits: u32) {
        self.io.checked_write32(INTERRUPT_RAISE, bits).unwrap();
    }

    /// The interrupt status register.
    pub fn interrupt_status(&self) -> u32 {
        self.io.checked_read32(INTERRUPT_STATUS).unwrap()
    }

    /// Clears `bits` of the interrupt status (and lowers the line when none remain).
    pub fn acknowledge_interrupt(&self, bits: u32) {
        self.io
            .checked_write32(INTERRUPT_ACKNOWLEDGE, bits)
            .unwrap();
    }
}
