//! A small driver for QEMU's `edu` device (QEMU's `docs/specs/edu.rst`), over
//! the register block generated from `svd/qemu-edu.yaml`.

use std::time::{Duration, Instant};

use anyhow::bail;
use mmreg::IoWrite;

use crate::generated::edu as registers;

/// PCI vendor ID of the edu device.
pub const VENDOR: u16 = 0x1234;
/// PCI device ID of the edu device.
pub const DEVICE: u16 = 0x11e8;
/// What the identification register holds: version 1.0, `0xed`.
pub const IDENTIFICATION: u32 = 0x0100_00ed;
/// Bytes to map: the whole BAR (the registers, then a DMA buffer at 0x40000).
pub const SIZE: usize = registers::SIZE;

/// How long a factorial may take before the device is declared stuck.
const FACTORIAL_TIMEOUT: Duration = Duration::from_secs(2);

/// The device, driven through its generated register block.
#[derive(Debug)]
pub struct Edu<I> {
    registers: registers::Edu<I>,
}

impl<I: IoWrite> Edu<I> {
    /// The device at offset 0 of `io`, which must hold the whole BAR.
    pub fn new(io: I) -> anyhow::Result<Self> {
        Ok(Edu {
            registers: registers::Edu::new(io)?,
        })
    }

    /// The identification register.
    pub fn identification(&self) -> u32 {
        self.registers.id().read().0
    }

    /// Writes `pattern` to the liveness register and reads back its answer.
    pub fn liveness(&self, pattern: u32) -> u32 {
        let liveness = self.registers.liveness();
        liveness.write(|value| value.0 = pattern);
        liveness.read().0
    }

    /// Computes `n!` on the device, polling the status register's busy bit.
    pub fn factorial(&self, n: u32) -> anyhow::Result<u32> {
        self.registers.factorial().write(|value| value.0 = n);
        let started = Instant::now();
        while self.registers.status().read().computing() {
            if started.elapsed() > FACTORIAL_TIMEOUT {
                bail!("still computing {n}! after {FACTORIAL_TIMEOUT:?}");
            }
            std::hint::spin_loop();
        }
        Ok(self.registers.factorial().read().0)
    }

    /// Asks for an interrupt when a factorial completes, or not.
    pub fn set_interrupt_on_completion(&self, enabled: bool) {
        self.registers
            .status()
            .modify(|_, status| status.set_interrupt_on_factorial(enabled));
    }

    /// Whether an interrupt on completion is requested.
    pub fn interrupt_on_completion(&self) -> bool {
        self.registers.status().read().interrupt_on_factorial()
    }

    /// Raises an interrupt with `bits` ORed into the interrupt status.
    pub fn raise_interrupt(&self, bits: u32) {
        self.registers
            .interrupt_raise()
            .write(|value| value.0 = bits);
    }

    /// The interrupt status register.
    pub fn interrupt_status(&self) -> u32 {
        self.registers.interrupt_status().read().0
    }

    /// Writes the 64-bit DMA source address register and reads it back
    /// (setting it starts nothing: only the DMA command register does).
    pub fn dma_source_round_trip(&self, address: u64) -> u64 {
        let source = self.registers.dma_source();
        // SAFETY: the source address alone starts no transfer: the device
        // reads memory only when `DMA_COMMAND` is written with its start
        // bit, which this driver never does.
        unsafe { source.write(|value| value.0 = address) };
        source.read().0
    }

    /// Clears `bits` of the interrupt status (the line drops when none remain).
    pub fn acknowledge_interrupt(&self, bits: u32) {
        self.registers
            .interrupt_acknowledge()
            .write(|value| value.0 = bits);
    }
}

#[cfg(test)]
mod tests {
    use mmreg::{Access, FakeMem};

    use super::*;

    /// The edu device's identification, liveness and factorial, modelled on
    /// fake memory: the busy bit reads set once, then clears.
    fn fake_edu() -> FakeMem {
        let fake = FakeMem::new(SIZE);
        fake.poke32(0x00, IDENTIFICATION);
        fake.on_read(0x04, |stored| (!stored & 0xffff_ffff, stored));
        fake.on_write_with(0x08, |fake, _, n| {
            fake.set_bits(0x20, 1u32);
            (1..=n).product()
        });
        fake.on_read(0x20, |stored| (stored, stored & !1));
        fake.set_logging(true);
        fake
    }

    #[test]
    fn liveness_writes_then_reads_one_32_bit_register() {
        let fake = fake_edu();
        let edu = Edu::new(&fake).unwrap();
        assert_eq!(edu.liveness(0x1234_5678), 0xedcb_a987);
        assert_eq!(
            fake.take_log(),
            [
                Access::write32(0x04, 0x1234_5678),
                Access::read32(0x04, 0xedcb_a987)
            ]
        );
    }

    #[test]
    fn factorial_polls_the_busy_bit_before_reading_the_result() {
        let fake = fake_edu();
        let edu = Edu::new(&fake).unwrap();
        assert_eq!(edu.identification(), IDENTIFICATION);
        fake.clear_log();
        assert_eq!(edu.factorial(5).unwrap(), 120);
        assert_eq!(
            fake.take_log(),
            [
                Access::write32(0x08, 5),
                Access::read32(0x20, 1),
                Access::read32(0x20, 0),
                Access::read32(0x08, 120),
            ]
        );
    }

    #[test]
    fn interrupt_on_completion_sets_only_status_bit_7() {
        let fake = fake_edu();
        let edu = Edu::new(&fake).unwrap();
        edu.set_interrupt_on_completion(true);
        assert_eq!(fake.peek32(0x20), 0x80);
        assert!(edu.interrupt_on_completion());
        edu.set_interrupt_on_completion(false);
        assert_eq!(fake.peek32(0x20), 0);
    }

    #[test]
    fn a_mapping_smaller_than_the_bar_is_refused() {
        let fake = FakeMem::new(0x100);
        let error = Edu::new(&fake).unwrap_err();
        assert!(error.to_string().contains("0x100000"), "{error}");
    }
}
