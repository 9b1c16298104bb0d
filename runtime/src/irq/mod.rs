//! Interrupts: waiting for them on a UIO device, re-arming them, and a fake
//! interrupt source for unit tests.
//!
//! A driver is written against the [`Interrupt`] trait (and, with the `tokio`
//! feature, `AsyncInterrupt`), so the same code waits on a real
//! [`Uio`](crate::map::Uio) device in production and on a [`FakeIrq`] in tests.
//!
//! # UIO in short
//! The kernel's UIO core counts the device's interrupts. A 4-byte `read` of
//! `/dev/uioN` returns the total count (native-endian) once it differs from the
//! count this open file last saw, and `poll` reports the file readable when it
//! does; the count seen at `open` is the starting point, so earlier interrupts
//! are never reported. A 4-byte write of `1` or `0` calls the driver's
//! `irqcontrol` to enable or disable the interrupt; the write fails with
//! `ENOSYS` when the driver has none (`uio_pci_generic`) and with `EIO` when the
//! device has no interrupt at all.
//!
//! Drivers mask the interrupt when it fires, so it must be re-armed after every
//! event: [`Uio::enable_irq`](crate::map::Uio::enable_irq) (or
//! [`Interrupt::rearm`]) writes `1` to the device (`uio_pdrv_genirq`,
//! `uio_dmem_genirq` and most platform drivers) and, when the driver has no
//! `irqcontrol`, clears the Interrupt Disable bit (bit 10) of the PCI command
//! register through `/sys/class/uio/uioN/device/config`, which is how
//! `uio_pci_generic` masks INTx. Which of the two was used is reported as an
//! [`IrqControl`].
//!
//! # Order for level-triggered interrupts
//! 1. **wait** for the event;
//! 2. **acknowledge** it in the device (clear its status flag), so the device
//!    drops the interrupt line;
//! 3. **re-arm**;
//! 4. wait again.
//!
//! Re-arming before acknowledging unmasks a line that is still asserted: the
//! interrupt fires again at once, and the next wait returns immediately for an
//! event that was already handled. [`FakeIrqLine::set_level`] models such a
//! line, so a unit test catches the wrong order.
//!
//! ```no_run
//! use std::time::Duration;
//! use mmreg::{Io, IoWrite, irq::Interrupt, map::Uio};
//!
//! const STATUS: usize = 0x08; // write 1 to clear
//!
//! let mut uio = Uio::open_by_name("my-fpga-ip")?;
//! // SAFETY: map 0 of this device is the IP's register block.
//! let registers = unsafe { uio.map(0)? };
//! uio.rearm()?; // in case an earlier user left it masked
//! loop {
//!     let Some(event) = uio.wait(Some(Duration::from_secs(1)))? else {
//!         continue; // a second without interrupts
//!     };
//!     if event.missed > 0 {
//!         eprintln!("{} interrupts were not seen one by one", event.missed);
//!     }
//!     let status = registers.checked_read32(STATUS)?;
//!     registers.checked_write32(STATUS, status)?; // acknowledge: the line drops
//!     uio.rearm()?; // then re-arm
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Async
//! With the `tokio` feature, `AsyncUio` waits on tokio's reactor
//! (`AsyncFd`), and `FakeIrq::wait_async` waits for the fake; both implement
//! `AsyncInterrupt`. [`Uio`](crate::map::Uio) also implements `AsFd` and
//! `AsRawFd` (its descriptor is non-blocking), for `poll`, `epoll` or `mio`.

#[cfg(feature = "tokio")]
mod async_uio;
mod error;
mod fake;

use core::fmt;
use std::time::Duration;

#[cfg(feature = "tokio")]
pub use async_uio::AsyncUio;
pub use error::{IrqError, IrqOperation};
pub use fake::{FakeIrq, FakeIrqLine};

/// One interrupt event, as reported by a wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IrqEvent {
    /// The total number of interrupts the source has counted (UIO: since the
    /// device was registered). It wraps around at `u32::MAX`.
    pub count: u32,
    /// How many interrupts happened between the previous wait's event and this
    /// one without being reported one by one: `count - previous - 1`, in
    /// wrapping arithmetic. 0 on the first wait after opening a UIO device,
    /// whose previous count is not known (see [`Uio::wait`](crate::map::Uio::wait)).
    pub missed: u32,
}

impl IrqEvent {
    /// Builds the event for `count`, given the count of the previous event
    /// (`None` when there was none).
    pub fn after(previous: Option<u32>, count: u32) -> IrqEvent {
        let missed = match previous {
            // A count equal to the previous one is not a new event; report no
            // loss rather than wrapping to `u32::MAX`.
            Some(previous) => count.wrapping_sub(previous).saturating_sub(1),
            None => 0,
        };
        IrqEvent { count, missed }
    }
}

/// How an interrupt was enabled or disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IrqControl {
    /// A 4-byte write to the device node: the driver's `irqcontrol`
    /// (`uio_pdrv_genirq` and most platform drivers).
    Driver,
    /// The driver has no `irqcontrol` (the write failed with `ENOSYS`), so the
    /// Interrupt Disable bit of the PCI command register was changed through
    /// sysfs `device/config`, as `uio_pci_generic` expects.
    PciCommand,
}

impl fmt::Display for IrqControl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IrqControl::Driver => "through the driver's irqcontrol (a write to the device node)",
            IrqControl::PciCommand => {
                "through the PCI command register's Interrupt Disable bit \
                 (the driver, e.g. uio_pci_generic, has no irqcontrol)"
            }
        })
    }
}

/// An interrupt source a driver waits on: a UIO device or a [`FakeIrq`].
///
/// The source masks the interrupt when it delivers an event; call
/// [`rearm`](Interrupt::rearm) once the device has been acknowledged (see the
/// [module docs](self) for the order).
pub trait Interrupt {
    /// Waits for the next event, at most `timeout` (`None`: for ever).
    /// Returns `Ok(None)` when the timeout expires first; a zero timeout only
    /// checks.
    fn wait(&mut self, timeout: Option<Duration>) -> Result<Option<IrqEvent>, IrqError>;

    /// Unmasks the interrupt after an event.
    fn rearm(&mut self) -> Result<(), IrqError>;

    /// Returns an event that has already happened, without blocking.
    fn try_wait(&mut self) -> Result<Option<IrqEvent>, IrqError> {
        self.wait(Some(Duration::ZERO))
    }
}

impl<T: Interrupt + ?Sized> Interrupt for &mut T {
    fn wait(&mut self, timeout: Option<Duration>) -> Result<Option<IrqEvent>, IrqError> {
        (**self).wait(timeout)
    }

    fn rearm(&mut self) -> Result<(), IrqError> {
        (**self).rearm()
    }

    fn try_wait(&mut self) -> Result<Option<IrqEvent>, IrqError> {
        (**self).try_wait()
    }
}

/// An interrupt source awaited on tokio's reactor: [`AsyncUio`] or a
/// [`FakeIrq`]. The same masking rules as for [`Interrupt`] apply.
#[cfg(feature = "tokio")]
pub trait AsyncInterrupt {
    /// Waits for the next event. Wrap it in `tokio::time::timeout` for a
    /// deadline: dropping the future loses no event.
    fn wait(&mut self) -> impl Future<Output = Result<IrqEvent, IrqError>> + Send;

    /// Unmasks the interrupt after an event.
    fn rearm(&mut self) -> Result<(), IrqError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missed_counts_wrap_with_the_counter() {
        assert_eq!(IrqEvent::after(None, 7).missed, 0);
        assert_eq!(IrqEvent::after(Some(6), 7).missed, 0);
        assert_eq!(IrqEvent::after(Some(3), 7).missed, 3);
        assert_eq!(IrqEvent::after(Some(u32::MAX - 1), 1).missed, 2);
        assert_eq!(IrqEvent::after(Some(7), 7).missed, 0);
    }
}
