//! [`IrqError`]: why waiting for, enabling or disabling an interrupt failed,
//! or why a UIO device could not be found by name, with a hint at the likely
//! cause.

use core::fmt;
use std::io;
use std::path::PathBuf;

use crate::map::MapError;

/// What was being done when an [`IrqError`] happened; chooses the wording and
/// the hint of its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IrqOperation {
    /// `poll` on the device node, waiting for an event.
    Wait,
    /// The 4-byte `read` of the event count.
    ReadCount,
    /// The 4-byte write of `1` (the driver's `irqcontrol`, enable).
    Enable,
    /// The 4-byte write of `0` (the driver's `irqcontrol`, disable).
    Disable,
    /// Making the descriptor non-blocking (`fcntl(F_SETFL, O_NONBLOCK)`).
    SetNonBlocking,
    /// Opening the PCI device's `config` file.
    OpenPciConfig,
    /// Reading the 16-bit PCI command register (config offset 4).
    ReadPciCommand,
    /// Writing the 16-bit PCI command register (config offset 4).
    WritePciCommand,
    /// Registering the descriptor with tokio's reactor.
    Register,
}

impl IrqOperation {
    /// The verb phrase of the message: `cannot {phrase} `path``.
    fn phrase(self) -> &'static str {
        match self {
            IrqOperation::Wait => "wait for an interrupt on",
            IrqOperation::ReadCount => "read the interrupt count from",
            IrqOperation::Enable => "enable the interrupt through",
            IrqOperation::Disable => "disable the interrupt through",
            IrqOperation::SetNonBlocking => "make non-blocking the descriptor of",
            IrqOperation::OpenPciConfig => "open",
            IrqOperation::ReadPciCommand => "read the PCI command register (offset 4) from",
            IrqOperation::WritePciCommand => "write the PCI command register (offset 4) to",
            IrqOperation::Register => "register with the tokio reactor the descriptor of",
        }
    }
}

impl fmt::Display for IrqOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.phrase())
    }
}

/// Why an interrupt operation failed.
///
/// `Display` names the file, the operation, the errno where there is one, and
/// a hint at the likely cause. As for [`MapError`], the OS error is part of the
/// message rather than a `source()`, so it is printed once.
#[derive(Debug)]
#[non_exhaustive]
pub enum IrqError {
    /// A system call on the device node (`/dev/uioN`) failed.
    Device {
        /// The device node.
        path: PathBuf,
        /// What was being done.
        operation: IrqOperation,
        /// The error.
        error: io::Error,
    },
    /// A read or write moved fewer bytes than the 4 of a UIO count (or the 2
    /// of a PCI command register); 0 is end of file.
    Short {
        /// The device node or `config` file.
        path: PathBuf,
        /// What was being done.
        operation: IrqOperation,
        /// Bytes actually moved.
        len: usize,
        /// Bytes asked for.
        expected: usize,
    },
    /// `poll` reported an error or hang-up on the device node and nothing to
    /// read.
    Condition {
        /// The device node.
        path: PathBuf,
        /// The `revents` bits `poll` returned.
        revents: i16,
    },
    /// The driver has no `irqcontrol`, and the fallback through the PCI command
    /// register failed.
    PciConfig {
        /// The device node whose driver refused the write with `ENOSYS`.
        device: PathBuf,
        /// The PCI `config` file.
        config: PathBuf,
        /// What was being done.
        operation: IrqOperation,
        /// The error.
        error: io::Error,
    },
    /// No UIO device has the name asked for.
    NameNotFound {
        /// The directory that was scanned (normally `/sys/class/uio`).
        sysfs_root: PathBuf,
        /// The name asked for.
        name: String,
        /// The devices found, as `(N of uioN, name)`, by index.
        found: Vec<(u32, String)>,
    },
    /// Several UIO devices have the name asked for.
    AmbiguousName {
        /// The directory that was scanned.
        sysfs_root: PathBuf,
        /// The name asked for.
        name: String,
        /// The N of each `uioN` with that name.
        indices: Vec<u32>,
    },
    /// Scanning the UIO devices in sysfs failed.
    Sysfs {
        /// The directory or attribute being read.
        path: PathBuf,
        /// The error.
        error: io::Error,
    },
    /// Opening the device failed.
    Open(MapError),
}

impl IrqError {
    /// The OS error behind this error, if any.
    pub fn os_error(&self) -> Option<&io::Error> {
        match self {
            IrqError::Device { error, .. }
            | IrqError::PciConfig { error, .. }
            | IrqError::Sysfs { error, .. } => Some(error),
            IrqError::Open(error) => error.os_error(),
            _ => None,
        }
    }
}

impl From<MapError> for IrqError {
    fn from(error: MapError) -> IrqError {
        IrqError::Open(error)
    }
}

impl fmt::Display for IrqError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IrqError::Device {
                path,
                operation,
                error,
            } => {
                write!(f, "cannot {operation} `{}`: {error}", path.display())?;
                if let Some(hint) = device_hint(*operation, error) {
                    write!(f, "; hint: {hint}")?;
                }
                Ok(())
            }
            IrqError::Short {
                path,
                operation,
                len,
                expected,
            } => {
                write!(
                    f,
                    "cannot {operation} `{}`: moved {len} of {expected} bytes",
                    path.display()
                )?;
                if *len == 0 {
                    f.write_str(" (end of file)")?;
                }
                f.write_str("; hint: is this a UIO device node (`/dev/uioN`)?")
            }
            IrqError::Condition { path, revents } => write!(
                f,
                "cannot {} `{}`: poll reported an error condition (revents {revents:#x}) \
                 and there is no count to read; hint: the device has no interrupt, \
                 or it was removed (its driver unbound)",
                IrqOperation::Wait,
                path.display()
            ),
            IrqError::PciConfig {
                device,
                config,
                operation,
                error,
            } => {
                write!(
                    f,
                    "cannot {operation} `{}`: {error}; the driver of `{}` has no irqcontrol \
                     (ENOSYS), so the interrupt is switched through the PCI command register",
                    config.display(),
                    device.display()
                )?;
                let hint = match (error.kind(), error.raw_os_error()) {
                    (io::ErrorKind::NotFound, _) => {
                        "this is not a PCI device, so its interrupt cannot be switched from \
                         user space: bind a UIO driver with irqcontrol (uio_pdrv_genirq)"
                    }
                    (_, Some(libc::EACCES | libc::EPERM)) => {
                        "a driver without irqcontrol (uio_pci_generic) is re-armed through \
                         the PCI command register, and writing PCI config space needs root: \
                         run as root"
                    }
                    _ => "uio_pci_generic re-arms INTx by clearing bit 10 of the command register",
                };
                write!(f, "; hint: {hint}")
            }
            IrqError::NameNotFound {
                sysfs_root,
                name,
                found,
            } => {
                write!(
                    f,
                    "no UIO device named `{}` in `{}`",
                    name.escape_debug(),
                    sysfs_root.display()
                )?;
                if found.is_empty() {
                    f.write_str(
                        "; there is no UIO device at all; hint: is a UIO driver bound \
                         (uio_pdrv_genirq, generic-uio, uio_pci_generic)?",
                    )
                } else {
                    f.write_str("; found ")?;
                    for (position, (index, found_name)) in found.iter().enumerate() {
                        let separator = if position == 0 { "" } else { ", " };
                        write!(f, "{separator}uio{index} `{}`", found_name.escape_debug())?;
                    }
                    f.write_str("; hint: the name is the driver's (often the device tree node's)")
                }
            }
            IrqError::AmbiguousName {
                sysfs_root,
                name,
                indices,
            } => {
                write!(
                    f,
                    "several UIO devices in `{}` are named `{}`:",
                    sysfs_root.display(),
                    name.escape_debug()
                )?;
                for index in indices {
                    write!(f, " uio{index}")?;
                }
                f.write_str(
                    "; hint: open one by index (`Uio::open`); every uio_pci_generic \
                     device has that driver's name, so look at `device` in sysfs",
                )
            }
            IrqError::Sysfs { path, error } => {
                write!(f, "cannot read `{}`: {error}", path.display())
            }
            IrqError::Open(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl std::error::Error for IrqError {}

/// The likely cause of a failed system call on a UIO device node.
fn device_hint(operation: IrqOperation, error: &io::Error) -> Option<&'static str> {
    let control = matches!(operation, IrqOperation::Enable | IrqOperation::Disable);
    Some(match error.raw_os_error()? {
        libc::EIO => {
            "the device has no interrupt (its driver registered it without one), \
             or it was removed"
        }
        libc::ENOSYS if control => "the driver has no irqcontrol",
        libc::EINVAL if control => {
            "the driver was unbound from the device, or the file is not a UIO device node"
        }
        libc::EINVAL => "the file is not a UIO device node (a UIO read must be 4 bytes)",
        libc::EBADF if control => "the device node was opened read-only: open it read-write",
        libc::EACCES | libc::EPERM => {
            "run as root, or let this user open the node (a udev rule setting its group or mode)"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_such_name_lists_the_names_found() {
        let error = IrqError::NameNotFound {
            sysfs_root: "/sys/class/uio".into(),
            name: "gpio".into(),
            found: vec![(0, "axi-gpio".into()), (3, "uio_pci_generic".into())],
        };
        assert_eq!(
            error.to_string(),
            "no UIO device named `gpio` in `/sys/class/uio`; found uio0 `axi-gpio`, \
             uio3 `uio_pci_generic`; hint: the name is the driver's (often the device tree node's)"
        );
    }
}
