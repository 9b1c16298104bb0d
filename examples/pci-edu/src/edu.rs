//! A small driver for QEMU's `edu` device (QEMU's `docs/specs/edu.rst`), over
//! the register block generated from `svd/qemu-edu.yaml`.
//!
//! # Interrupts
//! The device raises one level-triggered INTx line (no MSI is enabled here)
//! while any bit of INTERRUPT_STATUS is set; a finished factorial sets bit
//! 0x1 when STATUS asks for it. A UIO driver masks the line when it fires
//! (`uio_pci_generic` sets the PCI Interrupt Disable bit), so after each
//! event the driver:
//! 1. waits for the event ([`Interrupt::wait`]);
//! 2. reads INTERRUPT_STATUS and handles the bits it owns;
//! 3. **acknowledges** them through INTERRUPT_ACKNOWLEDGE, so the device drops
//!    the line;
//! 4. **re-arms** ([`Interrupt::rearm`]).
//!
//! Re-arming before acknowledging unmasks a line that is still asserted: it
//! fires again at once, and the next wait returns for an event that was
//! already handled. [`Edu::factorial_with_interrupt`] does the whole
//! sequence; [`Edu::start_factorial_with_interrupt`] and
//! [`Edu::take_factorial_interrupt`] are its halves, for a waiter on another
//! thread or on tokio.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure};
use mmreg::{Interrupt, IoWrite, IrqEvent};

use crate::generated::edu as registers;

/// PCI vendor ID of the edu device.
pub const VENDOR: u16 = 0x1234;
/// PCI device ID of the edu device.
pub const DEVICE: u16 = 0x11e8;
/// What the identification register holds: version 1.0, `0xed`.
pub const IDENTIFICATION: u32 = 0x0100_00ed;
/// Bytes to map: the whole BAR (the registers, then a DMA buffer at 0x40000).
pub const SIZE: usize = registers::SIZE;

/// INTERRUPT_STATUS bit the device sets when a factorial finishes with
/// STATUS's interrupt-on-factorial bit set.
pub const FACTORIAL_INTERRUPT: u32 = 0x1;

/// How long a factorial may take before the device is declared stuck.
const FACTORIAL_TIMEOUT: Duration = Duration::from_secs(2);

/// The pause between two reads of a register that is polled: long enough
/// that the poll leaves the CPU to the device model (QEMU computes the
/// factorial on another thread), short against the microseconds it takes.
const POLL_INTERVAL: Duration = Duration::from_micros(20);

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

    /// Computes `n!` on the device, polling the status register's busy bit
    /// every [`POLL_INTERVAL`] (sleeping in between, not spinning): for
    /// mappings without an interrupt (`/dev/mem`, `resource0`). With one, see
    /// [`Edu::factorial_with_interrupt`].
    pub fn factorial(&self, n: u32) -> anyhow::Result<u32> {
        self.registers.factorial().write(|value| value.0 = n);
        let started = Instant::now();
        while self.registers.status().read().computing() {
            if started.elapsed() > FACTORIAL_TIMEOUT {
                bail!("still computing {n}! after {FACTORIAL_TIMEOUT:?}");
            }
            std::thread::sleep(POLL_INTERVAL);
        }
        Ok(self.registers.factorial().read().0)
    }

    /// Computes `n!` on the device and sleeps on `irq` until its completion
    /// interrupt, at most `timeout`; returns the result and the event.
    ///
    /// In order: sets STATUS's interrupt-on-factorial bit, writes FACTORIAL,
    /// waits, then (as [`Edu::take_factorial_interrupt`]) reads
    /// INTERRUPT_STATUS, reads the result, clears the interrupt-on-factorial
    /// bit and acknowledges bit 0x1, and only then re-arms `irq`: the line is
    /// level-triggered, so re-arming first would fire again at once (see the
    /// [module docs](self)). On an error nothing is re-armed and the device
    /// is left as it was, for the caller to look at.
    pub fn factorial_with_interrupt(
        &self,
        n: u32,
        irq: &mut impl Interrupt,
        timeout: Duration,
    ) -> anyhow::Result<(u32, IrqEvent)> {
        self.start_factorial_with_interrupt(n);
        let Some(event) = irq.wait(Some(timeout))? else {
            bail!("no completion interrupt for {n}! within {timeout:?}");
        };
        let result = self.take_factorial_interrupt()?;
        irq.rearm()?;
        Ok((result, event))
    }

    /// Asks for an interrupt on completion, then starts computing `n!`. The
    /// first half of [`Edu::factorial_with_interrupt`], for a waiter that is
    /// not on this thread; [`Edu::take_factorial_interrupt`] is the second.
    pub fn start_factorial_with_interrupt(&self, n: u32) {
        self.set_interrupt_on_completion(true);
        self.registers.factorial().write(|value| value.0 = n);
    }

    /// After a completion interrupt: checks that INTERRUPT_STATUS holds the
    /// factorial's bit 0x1 (and no other), reads the result, turns the
    /// interrupt on completion off again (so a later polled factorial raises
    /// nothing), and acknowledges the bit, so the device drops the line.
    /// Re-arm the interrupt only after this returns.
    pub fn take_factorial_interrupt(&self) -> anyhow::Result<u32> {
        let status = self.interrupt_status();
        ensure!(
            status == FACTORIAL_INTERRUPT,
            "interrupt status {status:#x} after a completion interrupt, \
             expected {FACTORIAL_INTERRUPT:#x}"
        );
        let result = self.registers.factorial().read().0;
        self.set_interrupt_on_completion(false);
        self.acknowledge_interrupt(FACTORIAL_INTERRUPT);
        Ok(result)
    }

    /// Polls the interrupt status every [`POLL_INTERVAL`] (sleeping in
    /// between) until a bit is set or `timeout` passes, and returns it: for
    /// mappings without an interrupt to wait on.
    pub fn poll_interrupt_status(&self, timeout: Duration) -> u32 {
        let started = Instant::now();
        loop {
            let status = self.interrupt_status();
            if status != 0 || started.elapsed() >= timeout {
                return status;
            }
            std::thread::sleep(POLL_INTERVAL);
        }
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
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use mmreg::{Access, FakeIrq, FakeIrqLine, FakeMem};

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

    /// Re-arms counted when the device was last acknowledged: `u32::MAX`
    /// until then.
    type RearmsAtAcknowledge = Arc<AtomicU32>;

    /// [`fake_edu`] with its interrupt: a factorial (finished at once, the
    /// busy bit never set) with STATUS bit 7 set, or a write to INTERRUPT_RAISE, sets INTERRUPT_STATUS bits and
    /// drives `line` high, as a level; INTERRUPT_ACKNOWLEDGE clears bits and
    /// drops the line once none remain, noting how many re-arms it had seen.
    fn fake_edu_with_interrupt(line: &FakeIrqLine) -> (FakeMem, RearmsAtAcknowledge) {
        let fake = fake_edu();
        let raise = {
            let line = line.clone();
            move |fake: &FakeMem, bits: u32| {
                fake.set_bits(0x24, bits);
                line.set_level(true);
            }
        };
        fake.on_write_with(0x08, {
            let raise = raise.clone();
            move |fake, _, n| {
                if fake.peek32(0x20) & 0x80 != 0 {
                    raise(fake, FACTORIAL_INTERRUPT);
                }
                (1..=n).product()
            }
        });
        fake.on_write_with(0x60, move |fake, stored, bits| {
            raise(fake, bits as u32);
            stored
        });
        let acknowledged_at = Arc::new(AtomicU32::new(u32::MAX));
        fake.on_write_with(0x64, {
            let line = line.clone();
            let acknowledged_at = Arc::clone(&acknowledged_at);
            move |fake, stored, bits| {
                fake.clear_bits(0x24, bits as u32);
                if fake.peek32(0x24) == 0 {
                    line.set_level(false);
                }
                acknowledged_at.store(line.rearms(), Ordering::SeqCst);
                stored
            }
        });
        (fake, acknowledged_at)
    }

    #[test]
    fn factorial_with_interrupt_waits_then_acknowledges_then_rearms() {
        let mut irq = FakeIrq::new();
        let line = irq.line();
        let (fake, acknowledged_at) = fake_edu_with_interrupt(&line);
        let edu = Edu::new(&fake).unwrap();
        let (result, event) = edu
            .factorial_with_interrupt(5, &mut irq, Duration::from_secs(1))
            .unwrap();
        assert_eq!(result, 120);
        assert_eq!(
            event,
            IrqEvent {
                count: 1,
                missed: 0
            }
        );
        assert_eq!(
            fake.take_log(),
            [
                // Interrupt on completion, then start: no busy-bit poll.
                Access::read32(0x20, 0),
                Access::write32(0x20, 0x80),
                Access::write32(0x08, 5),
                // After the wait: the status, the result, interrupt on
                // completion off again, and the acknowledge.
                Access::read32(0x24, FACTORIAL_INTERRUPT),
                Access::read32(0x08, 120),
                Access::read32(0x20, 0x80),
                Access::write32(0x20, 0),
                Access::write32(0x64, FACTORIAL_INTERRUPT),
            ]
        );
        // Acknowledged before the only re-arm, which then found the line low.
        assert_eq!(acknowledged_at.load(Ordering::SeqCst), 0);
        assert_eq!(line.rearms(), 1);
        assert!(!line.is_masked());
        assert_eq!(irq.try_wait().unwrap(), None);

        // The next one counts on.
        let (result, event) = edu
            .factorial_with_interrupt(6, &mut irq, Duration::from_secs(1))
            .unwrap();
        assert_eq!(
            (result, event),
            (
                720,
                IrqEvent {
                    count: 2,
                    missed: 0
                }
            )
        );
        assert_eq!(line.rearms(), 2);
        assert_eq!(irq.try_wait().unwrap(), None);
    }

    #[test]
    fn rearming_before_acknowledging_fires_again_on_a_level_line() {
        let mut irq = FakeIrq::new();
        let line = irq.line();
        let (fake, _) = fake_edu_with_interrupt(&line);
        let edu = Edu::new(&fake).unwrap();
        edu.start_factorial_with_interrupt(5);
        let first = irq.wait(Some(Duration::from_secs(1))).unwrap();
        assert_eq!(
            first,
            Some(IrqEvent {
                count: 1,
                missed: 0
            })
        );
        // The wrong order: the line is still high when it is unmasked.
        irq.rearm();
        assert_eq!(
            irq.try_wait().unwrap(),
            Some(IrqEvent {
                count: 2,
                missed: 0
            }),
            "the fake should catch a re-arm before the acknowledge"
        );
        assert_eq!(edu.take_factorial_interrupt().unwrap(), 120);
        irq.rearm();
        assert_eq!(irq.try_wait().unwrap(), None);
    }

    #[test]
    fn a_waiter_on_another_thread_wakes_on_completion() {
        let mut irq = FakeIrq::new();
        let line = irq.line();
        let (fake, acknowledged_at) = fake_edu_with_interrupt(&line);
        let (ready, waiting) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || {
            ready.send(()).unwrap();
            let event = irq.wait(Some(Duration::from_secs(5))).unwrap();
            (irq, event)
        });
        waiting.recv().unwrap();
        let edu = Edu::new(&fake).unwrap();
        edu.start_factorial_with_interrupt(4);
        let (mut irq, event) = waiter.join().unwrap();
        assert_eq!(
            event,
            Some(IrqEvent {
                count: 1,
                missed: 0
            })
        );
        assert_eq!(edu.take_factorial_interrupt().unwrap(), 24);
        assert_eq!(acknowledged_at.load(Ordering::SeqCst), 0);
        irq.rearm();
        assert_eq!(irq.try_wait().unwrap(), None);
    }

    #[test]
    fn a_missing_completion_interrupt_times_out() {
        let mut irq = FakeIrq::new();
        // The plain model raises nothing on completion.
        let fake = fake_edu();
        let edu = Edu::new(&fake).unwrap();
        let started = Instant::now();
        let error = edu
            .factorial_with_interrupt(3, &mut irq, Duration::from_millis(20))
            .unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(20));
        assert_eq!(
            error.to_string(),
            "no completion interrupt for 3! within 20ms"
        );
        assert_eq!(irq.line().rearms(), 0);
    }

    #[test]
    fn an_interrupt_that_is_not_the_factorials_is_not_acknowledged() {
        let mut irq = FakeIrq::new();
        let line = irq.line();
        let (fake, acknowledged_at) = fake_edu_with_interrupt(&line);
        let edu = Edu::new(&fake).unwrap();
        edu.raise_interrupt(0x100);
        let error = edu
            .factorial_with_interrupt(3, &mut irq, Duration::from_secs(1))
            .unwrap_err();
        assert!(error.to_string().contains("0x101"), "{error}");
        assert_eq!(acknowledged_at.load(Ordering::SeqCst), u32::MAX);
        assert_eq!(line.rearms(), 0);
    }

    #[test]
    fn polling_the_interrupt_status_gives_up_after_the_timeout() {
        let fake = fake_edu();
        let edu = Edu::new(&fake).unwrap();
        assert_eq!(edu.poll_interrupt_status(Duration::from_millis(2)), 0);
        fake.poke32(0x24, 0x1);
        assert_eq!(edu.poll_interrupt_status(Duration::from_secs(1)), 0x1);
    }

    #[test]
    fn a_mapping_smaller_than_the_bar_is_refused() {
        let fake = FakeMem::new(0x100);
        let error = Edu::new(&fake).unwrap_err();
        assert!(error.to_string().contains("0x100000"), "{error}");
    }
}
