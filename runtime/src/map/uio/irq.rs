//! Interrupts of a UIO device: the blocking and non-blocking wait on the
//! event count, and switching the interrupt through the driver's `irqcontrol`
//! or, for `uio_pci_generic`, the PCI command register. See [`crate::irq`].

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::Uio;
use crate::irq::{Interrupt, IrqControl, IrqError, IrqEvent, IrqOperation};

/// Offset of the 16-bit command register in PCI configuration space.
const PCI_COMMAND: u64 = 4;
/// The command register's Interrupt Disable bit (PCI 2.3): masks INTx.
const PCI_COMMAND_INTX_DISABLE: u16 = 1 << 10;

impl Uio {
    /// Wraps a descriptor of a UIO device node opened elsewhere (by a
    /// privileged helper, or a socket standing in for the device in tests).
    /// `device` names it in messages; `sysfs` is its `/sys/class/uio/uioN`
    /// directory, for map sizes and the PCI fallback of [`Uio::enable_irq`].
    ///
    /// The descriptor is made non-blocking; that flag belongs to the open file,
    /// so duplicates of the descriptor become non-blocking too.
    pub fn from_fd(
        fd: OwnedFd,
        device: impl Into<PathBuf>,
        sysfs: impl Into<PathBuf>,
    ) -> Result<Uio, IrqError> {
        let device = device.into();
        set_nonblocking(fd.as_fd()).map_err(|error| IrqError::Device {
            path: device.clone(),
            operation: IrqOperation::SetNonBlocking,
            error,
        })?;
        Ok(Uio::with_file(File::from(fd), device, sysfs.into()))
    }

    /// Waits for the next interrupt, at most `timeout` (`None`: for ever), and
    /// returns its event; `Ok(None)` when the timeout expires first. A zero
    /// timeout only checks, as [`Uio::try_wait`] does.
    ///
    /// The first wait after opening reports the first interrupt after the
    /// open (the kernel starts each open file at the device's count then) with
    /// `missed` 0, since the count at open is not known to user space; later
    /// waits report in `missed` the interrupts counted between two waits
    /// (usually 0, as drivers mask the interrupt until it is re-armed).
    ///
    /// It `poll`s the descriptor, then reads the 4-byte count; a signal
    /// interrupting the `poll` (`EINTR`) resumes it with the time left.
    pub fn wait(&mut self, timeout: Option<Duration>) -> Result<Option<IrqEvent>, IrqError> {
        // A timeout too long to represent as an instant is for ever.
        let deadline = timeout.and_then(|timeout| Instant::now().checked_add(timeout));
        let mut revents = 0;
        loop {
            if let Some(event) = self.read_event()? {
                return Ok(Some(event));
            }
            if revents & (libc::POLLERR | libc::POLLHUP | libc::POLLNVAL) != 0 {
                return Err(IrqError::Condition {
                    path: self.device.clone(),
                    revents,
                });
            }
            let millis = match (timeout, deadline) {
                (Some(timeout), _) if timeout.is_zero() => return Ok(None),
                (_, Some(deadline)) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Ok(None);
                    }
                    poll_millis(left)
                }
                (_, None) => -1,
            };
            revents = match poll_readable(self.file.as_fd(), millis) {
                Ok(revents) => revents,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => 0,
                Err(error) => {
                    return Err(IrqError::Device {
                        path: self.device.clone(),
                        operation: IrqOperation::Wait,
                        error,
                    });
                }
            };
        }
    }

    /// Returns the event of an interrupt that has already happened, without
    /// blocking; `Ok(None)` if there was none since the last wait.
    pub fn try_wait(&mut self) -> Result<Option<IrqEvent>, IrqError> {
        self.wait(Some(Duration::ZERO))
    }

    /// The total interrupt count of the last event a wait returned; `None`
    /// before the first. Reading the count afresh would consume an event, so
    /// this is the last one seen, not the device's current count.
    pub fn event_count(&self) -> Option<u32> {
        self.last_count
    }

    /// Reads the count if it moved: `Ok(None)` when the read would block.
    pub(crate) fn read_event(&mut self) -> Result<Option<IrqEvent>, IrqError> {
        let mut bytes = [0; 4];
        loop {
            match (&self.file).read(&mut bytes) {
                Ok(4) => {
                    let count = u32::from_ne_bytes(bytes);
                    let event = IrqEvent::after(self.last_count, count);
                    self.last_count = Some(count);
                    return Ok(Some(event));
                }
                Ok(len) => {
                    return Err(IrqError::Short {
                        path: self.device.clone(),
                        operation: IrqOperation::ReadCount,
                        len,
                        expected: 4,
                    });
                }
                Err(error) => match error.kind() {
                    io::ErrorKind::Interrupted => {}
                    io::ErrorKind::WouldBlock => return Ok(None),
                    _ => {
                        return Err(IrqError::Device {
                            path: self.device.clone(),
                            operation: IrqOperation::ReadCount,
                            error,
                        });
                    }
                },
            }
        }
    }

    /// Enables (unmasks, re-arms) the interrupt, and says how: a 4-byte write
    /// of `1` to the device node, which calls the driver's `irqcontrol`; if
    /// the driver has none (`ENOSYS`: `uio_pci_generic`), clearing the
    /// Interrupt Disable bit (bit 10) of the PCI command register through
    /// sysfs `device/config`, which needs root. After one `ENOSYS`, later
    /// calls go to the PCI command register directly.
    ///
    /// Acknowledge the interrupt in the device first: see [`crate::irq`].
    pub fn enable_irq(&mut self) -> Result<IrqControl, IrqError> {
        self.switch_irq(true)
    }

    /// Disables (masks) the interrupt, the same two ways as
    /// [`Uio::enable_irq`] (a write of `0`, or setting bit 10 of the PCI
    /// command register).
    pub fn disable_irq(&mut self) -> Result<IrqControl, IrqError> {
        self.switch_irq(false)
    }

    fn switch_irq(&mut self, enable: bool) -> Result<IrqControl, IrqError> {
        let operation = if enable {
            IrqOperation::Enable
        } else {
            IrqOperation::Disable
        };
        if self.control != Some(IrqControl::PciCommand) {
            let value = u32::from(enable).to_ne_bytes();
            loop {
                match (&self.file).write(&value) {
                    Ok(4) => {
                        self.control = Some(IrqControl::Driver);
                        return Ok(IrqControl::Driver);
                    }
                    Ok(len) => {
                        return Err(IrqError::Short {
                            path: self.device.clone(),
                            operation,
                            len,
                            expected: 4,
                        });
                    }
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                    Err(error) if error.raw_os_error() == Some(libc::ENOSYS) => break,
                    Err(error) => {
                        return Err(IrqError::Device {
                            path: self.device.clone(),
                            operation,
                            error,
                        });
                    }
                }
            }
            self.control = Some(IrqControl::PciCommand);
        }
        self.switch_pci_command(enable)?;
        Ok(IrqControl::PciCommand)
    }

    /// Clears (`enable`) or sets the Interrupt Disable bit of the PCI command
    /// register, keeping the other bits.
    fn switch_pci_command(&mut self, enable: bool) -> Result<(), IrqError> {
        let path = self.sysfs.join("device").join("config");
        let fail = |operation, error| IrqError::PciConfig {
            device: self.device.clone(),
            config: path.clone(),
            operation,
            error,
        };
        let config = match &self.pci_config {
            Some(config) => config,
            None => {
                let config = OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(&path)
                    .map_err(|error| fail(IrqOperation::OpenPciConfig, error))?;
                self.pci_config.insert(config)
            }
        };
        let mut bytes = [0; 2];
        let len = retry(|| config.read_at(&mut bytes, PCI_COMMAND))
            .map_err(|error| fail(IrqOperation::ReadPciCommand, error))?;
        check_len(&path, IrqOperation::ReadPciCommand, len)?;
        let command = u16::from_le_bytes(bytes);
        let switched = if enable {
            command & !PCI_COMMAND_INTX_DISABLE
        } else {
            command | PCI_COMMAND_INTX_DISABLE
        };
        if switched != command {
            let len = retry(|| config.write_at(&switched.to_le_bytes(), PCI_COMMAND))
                .map_err(|error| fail(IrqOperation::WritePciCommand, error))?;
            check_len(&path, IrqOperation::WritePciCommand, len)?;
        }
        Ok(())
    }
}

impl Interrupt for Uio {
    fn wait(&mut self, timeout: Option<Duration>) -> Result<Option<IrqEvent>, IrqError> {
        Uio::wait(self, timeout)
    }

    /// [`Uio::enable_irq`], forgetting how.
    fn rearm(&mut self) -> Result<(), IrqError> {
        self.enable_irq().map(drop)
    }
}

impl AsFd for Uio {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.file.as_fd()
    }
}

impl AsRawFd for Uio {
    fn as_raw_fd(&self) -> RawFd {
        self.file.as_raw_fd()
    }
}

/// A `poll` timeout in milliseconds, rounded up so that `poll` never returns
/// before the deadline (which would make the caller spin).
fn poll_millis(left: Duration) -> libc::c_int {
    let millis = left.as_nanos().div_ceil(1_000_000);
    libc::c_int::try_from(millis).unwrap_or(libc::c_int::MAX)
}

/// Polls `fd` for input for at most `millis` (-1: for ever) and returns the
/// `revents` (0 on timeout).
fn poll_readable(fd: BorrowedFd<'_>, millis: libc::c_int) -> io::Result<libc::c_short> {
    let mut entry = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: `entry` is one initialised `pollfd` that lives across the call
    // and is borrowed exclusively, and the count passed is 1; the descriptor
    // is borrowed, so it stays open for the call.
    let ready = unsafe { libc::poll(&mut entry, 1, millis) };
    if ready < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(entry.revents)
}

/// Sets `O_NONBLOCK` on the open file behind `fd`.
fn set_nonblocking(fd: BorrowedFd<'_>) -> io::Result<()> {
    // SAFETY: `F_GETFL` reads the status flags of a descriptor that is
    // borrowed, so open; it takes no pointer.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    if flags & libc::O_NONBLOCK != 0 {
        return Ok(());
    }
    // SAFETY: as above; `F_SETFL` with an integer argument changes only the
    // file status flags.
    let result = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK) };
    if result < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Runs `call` until it is not interrupted by a signal.
fn retry(mut call: impl FnMut() -> io::Result<usize>) -> io::Result<usize> {
    loop {
        match call() {
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            result => return result,
        }
    }
}

/// Checks that a PCI command register access moved its 2 bytes.
fn check_len(path: &Path, operation: IrqOperation, len: usize) -> Result<(), IrqError> {
    if len == 2 {
        return Ok(());
    }
    Err(IrqError::Short {
        path: path.to_owned(),
        operation,
        len,
        expected: 2,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_timeouts_round_up_to_whole_milliseconds() {
        assert_eq!(poll_millis(Duration::from_nanos(1)), 1);
        assert_eq!(poll_millis(Duration::from_millis(10)), 10);
        assert_eq!(poll_millis(Duration::from_micros(10_001)), 11);
        assert_eq!(poll_millis(Duration::from_secs(u64::MAX)), libc::c_int::MAX);
    }
}
