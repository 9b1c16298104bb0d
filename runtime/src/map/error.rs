//! [`MapError`]: why a range could not be mapped, with a hint at the likely
//! cause (a missing `/dev/mem`, missing privileges, `CONFIG_STRICT_DEVMEM`, a
//! length past a UIO map or PCI BAR, ...).

use core::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// What kind of source a mapping comes from; chooses the wording and hints of
/// a [`MapError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// `/dev/mem` (or a stand-in for it): file offsets are physical addresses.
    DevMem,
    /// A UIO device node, `/dev/uioN`.
    Uio {
        /// Index of the UIO map (`maps/mapK`).
        map: u32,
    },
    /// A PCI BAR through `/sys/bus/pci/devices/<address>/resourceN`.
    PciResource {
        /// Index of the BAR.
        bar: u32,
    },
    /// Any other mappable file: `/dev/gpiomem`, a driver's device node, a
    /// regular file, a memfd or POSIX shared memory.
    File,
}

impl SourceKind {
    /// Whether addresses in messages are physical addresses rather than offsets.
    fn is_physical(self) -> bool {
        !matches!(self, SourceKind::File)
    }
}

/// What `/proc/iomem` says about a range `/dev/mem` refused to map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IomemOwner {
    /// Not looked up (the error did not come from `/dev/mem` refusing a range).
    NotChecked,
    /// `/proc/iomem` could not be read.
    Unreadable {
        /// The file that was read.
        path: PathBuf,
    },
    /// `/proc/iomem` shows every address as 0: the reader is not root.
    AddressesHidden {
        /// The file that was read.
        path: PathBuf,
    },
    /// No entry overlaps the range.
    Unclaimed {
        /// The file that was read.
        path: PathBuf,
    },
    /// The entries overlapping the range, outermost first, each as its line
    /// (`start-end : name`).
    Claimed {
        /// The file that was read.
        path: PathBuf,
        /// Overlapping entries, as they appear in the file, without indentation.
        entries: Vec<String>,
    },
}

impl IomemOwner {
    /// Reads `path` (normally `/proc/iomem`) and finds who owns
    /// `[address, address + len)`.
    pub fn look_up(path: &Path, address: u64, len: usize) -> IomemOwner {
        match std::fs::read_to_string(path) {
            Ok(text) => IomemOwner::from_text(path, &text, address, len),
            Err(_) => IomemOwner::Unreadable {
                path: path.to_owned(),
            },
        }
    }

    /// Finds who owns `[address, address + len)` in the text of `/proc/iomem`.
    pub fn from_text(path: &Path, text: &str, address: u64, len: usize) -> IomemOwner {
        let path = path.to_owned();
        let end = address.saturating_add((len as u64).saturating_sub(1));
        let mut entries = Vec::new();
        let mut any_nonzero = false;
        for line in text.lines() {
            let Some((start_entry, end_entry)) = parse_iomem_range(line) else {
                continue;
            };
            any_nonzero |= start_entry != 0 || end_entry != 0;
            if start_entry <= end && address <= end_entry {
                entries.push(line.trim().to_owned());
            }
        }
        if !any_nonzero && !text.trim().is_empty() {
            IomemOwner::AddressesHidden { path }
        } else if entries.is_empty() {
            IomemOwner::Unclaimed { path }
        } else {
            IomemOwner::Claimed { path, entries }
        }
    }
}

/// Parses the range of `  fe200000-fe2000b3 : gpio@7e200000` (inclusive ends).
fn parse_iomem_range(line: &str) -> Option<(u64, u64)> {
    let (range, _name) = line.trim_start().split_once(" : ")?;
    let (start, end) = range.split_once('-')?;
    let start = u64::from_str_radix(start.trim(), 16).ok()?;
    let end = u64::from_str_radix(end.trim(), 16).ok()?;
    Some((start, end))
}

/// Why a range could not be mapped.
///
/// `Display` names the source, the address or offset, the length, the errno
/// where there is one, and a hint at the likely cause. The OS error is part of
/// the message rather than a `source()`, so it is printed once.
#[derive(Debug)]
#[non_exhaustive]
pub enum MapError {
    /// Opening the source failed.
    Open {
        /// The file that was opened.
        path: PathBuf,
        /// What kind of source it is.
        kind: SourceKind,
        /// The error from `open`.
        error: io::Error,
    },
    /// `mmap` failed.
    Map {
        /// The file that was mapped.
        path: PathBuf,
        /// What kind of source it is.
        kind: SourceKind,
        /// Physical address (or, for [`SourceKind::File`], file offset) of the
        /// first requested byte.
        address: u64,
        /// Requested length in bytes.
        len: usize,
        /// The error from `mmap`.
        error: io::Error,
        /// Who owns the range per `/proc/iomem`, when `/dev/mem` refused it.
        owner: IomemOwner,
    },
    /// The requested length is zero.
    ZeroLength {
        /// The source.
        path: PathBuf,
        /// What kind of source it is.
        kind: SourceKind,
        /// Requested address or offset.
        address: u64,
    },
    /// The range ends past the largest mappable offset or does not fit in the
    /// address space.
    AddressOverflow {
        /// The source.
        path: PathBuf,
        /// What kind of source it is.
        kind: SourceKind,
        /// Requested address or offset.
        address: u64,
        /// Requested length in bytes.
        len: usize,
    },
    /// The address is not a multiple of 8, so 64-bit registers at aligned
    /// offsets would be misaligned in memory.
    Misaligned {
        /// The source.
        path: PathBuf,
        /// What kind of source it is.
        kind: SourceKind,
        /// Requested address or offset.
        address: u64,
    },
    /// The range reaches past the end of a UIO map, a PCI BAR or a regular file.
    PastEnd {
        /// The source.
        path: PathBuf,
        /// What kind of source it is (names the map or BAR).
        kind: SourceKind,
        /// Requested offset inside the map, BAR or file.
        offset: u64,
        /// Requested length in bytes.
        len: usize,
        /// Size of the map, BAR or file in bytes.
        size: u64,
    },
    /// A PCI BAR is unused or an I/O port BAR, which cannot be mapped.
    NotMemoryBar {
        /// The `resourceN` file.
        path: PathBuf,
        /// Index of the BAR.
        bar: u32,
        /// The BAR's flags from the `resource` file.
        flags: u64,
    },
    /// Reading a sysfs attribute (a UIO map's size, a PCI device's `resource`)
    /// failed.
    Sysfs {
        /// The attribute file.
        path: PathBuf,
        /// What kind of source it describes.
        kind: SourceKind,
        /// The error from reading it.
        error: io::Error,
    },
    /// A sysfs attribute did not hold what the kernel writes there.
    SysfsParse {
        /// The attribute file.
        path: PathBuf,
        /// Its content (or the line that did not parse).
        content: String,
    },
    /// `fstat`, `ftruncate` or creating a memfd or shared memory object failed.
    File {
        /// The file, or the name of the memfd or shared memory object.
        path: PathBuf,
        /// What was being done, e.g. `query the size of`.
        operation: &'static str,
        /// The error.
        error: io::Error,
    },
    /// A name given to open a source is malformed.
    InvalidName {
        /// The name.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// `sysconf(_SC_PAGESIZE)` failed.
    PageSize {
        /// The error.
        error: io::Error,
    },
}

impl MapError {
    /// The OS error behind this error, if any.
    pub fn os_error(&self) -> Option<&io::Error> {
        match self {
            MapError::Open { error, .. }
            | MapError::Map { error, .. }
            | MapError::Sysfs { error, .. }
            | MapError::File { error, .. }
            | MapError::PageSize { error } => Some(error),
            _ => None,
        }
    }
}

/// `address 0x…` or `offset 0x…`, by source kind.
struct Where(SourceKind, u64);

impl fmt::Display for Where {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Where(kind, address) = *self;
        if kind.is_physical() {
            write!(f, "physical address {address:#x}")
        } else {
            write!(f, "offset {address:#x}")
        }
    }
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapError::Open { path, kind, error } => {
                write!(f, "cannot open `{}`: {error}", path.display())?;
                if let Some(hint) = open_hint(path, *kind, error) {
                    write!(f, "; hint: {hint}")?;
                }
                Ok(())
            }
            MapError::Map {
                path,
                kind,
                address,
                len,
                error,
                owner,
            } => {
                write!(
                    f,
                    "cannot map {len:#x} bytes at {} through `{}`: {error}",
                    Where(*kind, *address),
                    path.display()
                )?;
                map_hint(f, *kind, error, owner)
            }
            MapError::ZeroLength {
                path,
                kind,
                address,
            } => write!(
                f,
                "cannot map zero bytes at {} through `{}`: the length must be at least 1; \
                 hint: pass the register block's size",
                Where(*kind, *address),
                path.display()
            ),
            MapError::AddressOverflow {
                path,
                kind,
                address,
                len,
            } => write!(
                f,
                "cannot map {len:#x} bytes at {} through `{}`: the range overflows \
                 (it must end at or below {:#x} and fit in this process's address space); \
                 hint: check the address and length for a typo",
                Where(*kind, *address),
                path.display(),
                super::page::MAX_END
            ),
            MapError::Misaligned {
                path,
                kind,
                address,
            } => write!(
                f,
                "cannot map `{}` at {}: the address must be a multiple of 8 so that \
                 every naturally aligned register offset is aligned in memory; \
                 hint: map from {:#x} and add {} to the offsets",
                path.display(),
                Where(*kind, *address),
                address & !7,
                address & 7
            ),
            MapError::PastEnd {
                path,
                kind,
                offset,
                len,
                size,
            } => {
                let (region, noun) = match kind {
                    SourceKind::Uio { map } => (format!("UIO map {map} of "), "map"),
                    SourceKind::PciResource { bar } => (format!("BAR {bar} through "), "BAR"),
                    SourceKind::DevMem | SourceKind::File => (String::new(), "file"),
                };
                write!(
                    f,
                    "cannot map {len:#x} bytes at offset {offset:#x} of {region}`{}`: \
                     the {noun} is only {size:#x} bytes long",
                    path.display()
                )?;
                match kind {
                    SourceKind::Uio { .. } => f.write_str(
                        "; hint: the map's size comes from the driver \
                         (the device tree node's `reg`); map less or fix the description",
                    ),
                    SourceKind::PciResource { .. } => f.write_str(
                        "; hint: the BAR's size is set by the device; map less or check the BAR index",
                    ),
                    SourceKind::File => f.write_str(
                        "; hint: touching a page past the end of a file raises SIGBUS; \
                         grow the file first (`set_len`, `ftruncate`)",
                    ),
                    SourceKind::DevMem => Ok(()),
                }
            }
            MapError::NotMemoryBar { path, bar, flags } => {
                if flags & IORESOURCE_IO != 0 {
                    write!(
                        f,
                        "cannot map BAR {bar} through `{}`: it is an I/O port BAR (flags {flags:#x}); \
                         hint: only memory BARs can be mapped; use the device's memory BAR",
                        path.display()
                    )
                } else {
                    write!(
                        f,
                        "cannot map BAR {bar} through `{}`: the device does not implement it \
                         (size 0, flags {flags:#x}); hint: check the BAR index with `lspci -v`",
                        path.display()
                    )
                }
            }
            MapError::Sysfs { path, kind, error } => {
                write!(f, "cannot read `{}`: {error}", path.display())?;
                if error.kind() == io::ErrorKind::NotFound {
                    match kind {
                        SourceKind::Uio { map } => write!(
                            f,
                            "; hint: no such UIO device or map {map}: is a UIO driver bound \
                             (uio_pdrv_genirq, generic-uio, uio_pci_generic)? see /sys/class/uio"
                        )?,
                        SourceKind::PciResource { .. } => f.write_str(
                            "; hint: no such PCI device: check its address with `lspci -D` \
                             (domain:bus:device.function, e.g. 0000:00:04.0)",
                        )?,
                        SourceKind::DevMem | SourceKind::File => {}
                    }
                }
                Ok(())
            }
            MapError::SysfsParse { path, content } => write!(
                f,
                "cannot parse `{}`: unexpected content `{}`",
                path.display(),
                content.trim()
            ),
            MapError::File {
                path,
                operation,
                error,
            } => {
                write!(f, "cannot {operation} `{}`: {error}", path.display())
            }
            MapError::InvalidName { name, reason } => {
                write!(f, "invalid name `{}`: {reason}", name.escape_debug())
            }
            MapError::PageSize { error } => {
                write!(
                    f,
                    "cannot read the page size (sysconf(_SC_PAGESIZE)): {error}"
                )
            }
        }
    }
}

impl std::error::Error for MapError {}

/// The `IORESOURCE_IO` flag of a PCI `resource` line: an I/O port BAR.
pub(crate) const IORESOURCE_IO: u64 = 0x100;

/// The likely cause of an `open` failure.
fn open_hint(path: &Path, kind: SourceKind, error: &io::Error) -> Option<&'static str> {
    let errno = error.raw_os_error()?;
    let gpiomem = path.as_os_str() == "/dev/gpiomem";
    Some(match (kind, errno) {
        (SourceKind::DevMem, libc::ENOENT) => {
            "no /dev/mem: the kernel is built without CONFIG_DEVMEM, or this is a container \
             that does not pass it in (`--device /dev/mem`)"
        }
        (SourceKind::DevMem, libc::EACCES | libc::EPERM) => {
            "/dev/mem needs root or CAP_SYS_RAWIO; if root is refused too, kernel lockdown \
             (often enabled by Secure Boot) forbids /dev/mem; on a Raspberry Pi, \
             /dev/gpiomem reaches the GPIO block without root"
        }
        (SourceKind::Uio { .. }, libc::ENOENT) => {
            "no such UIO device: is a UIO driver bound (uio_pdrv_genirq, generic-uio, \
             uio_pci_generic)? see /sys/class/uio"
        }
        (SourceKind::Uio { .. }, libc::EACCES | libc::EPERM) => {
            "run as root, or let this user open the node (a udev rule setting its group or mode)"
        }
        (SourceKind::PciResource { .. }, libc::ENOENT) => {
            "no such PCI device or BAR: check the address with `lspci -D` and the BAR index \
             with `lspci -v`"
        }
        (SourceKind::PciResource { .. }, libc::EACCES | libc::EPERM) => {
            "PCI resource files need root (CAP_SYS_ADMIN); kernel lockdown forbids them even to root"
        }
        (SourceKind::File, libc::ENOENT) if gpiomem => {
            "no /dev/gpiomem: it comes with the Raspberry Pi kernel's gpiomem driver"
        }
        (SourceKind::File, libc::EACCES | libc::EPERM) if gpiomem => {
            "add this user to the `gpio` group, which owns /dev/gpiomem"
        }
        (_, libc::EACCES | libc::EPERM) => "check the file's permissions, or run as root",
        (_, libc::EROFS) => "the file system is read-only: open the source read-only",
        _ => return None,
    })
}

/// Writes the likely cause of an `mmap` failure, prefixed by `; hint: `.
fn map_hint(
    f: &mut fmt::Formatter<'_>,
    kind: SourceKind,
    error: &io::Error,
    owner: &IomemOwner,
) -> fmt::Result {
    let Some(errno) = error.raw_os_error() else {
        return Ok(());
    };
    match (kind, errno) {
        (SourceKind::DevMem, libc::EPERM) => {
            f.write_str(
                "; hint: the kernel refused the range: with CONFIG_STRICT_DEVMEM it allows only \
                 I/O ranges (never RAM), and with CONFIG_IO_STRICT_DEVMEM only ranges no driver \
                 has claimed; booting with `iomem=relaxed` lifts the second rule, and kernel \
                 lockdown refuses everything",
            )?;
            write_owner(f, owner)
        }
        (_, libc::EPERM) => f.write_str(
            "; hint: the kernel refused the mapping: a write seal on the file \
             (memfd F_SEAL_WRITE), or kernel lockdown",
        ),
        (_, libc::EACCES) => f.write_str(
            "; hint: the file is open read-only (or its file system is mounted read-only) \
             but the mapping asked for write access",
        ),
        (SourceKind::Uio { .. }, libc::EINVAL) => f.write_str(
            "; hint: the driver refused the map index or length; check /sys/class/uio/uioN/maps",
        ),
        (_, libc::EINVAL) => {
            f.write_str("; hint: the driver refused the offset or length of the mapping")
        }
        (_, libc::ENODEV) => f.write_str("; hint: this file's driver does not support mmap"),
        (_, libc::ENXIO) => {
            f.write_str("; hint: the range lies beyond what the device or driver provides")
        }
        (_, libc::ENOMEM) => f.write_str(
            "; hint: no room in the address space for the mapping \
             (common on 32-bit targets): map a smaller range",
        ),
        _ => Ok(()),
    }
}

/// Writes what `/proc/iomem` says about a refused range.
fn write_owner(f: &mut fmt::Formatter<'_>, owner: &IomemOwner) -> fmt::Result {
    match owner {
        IomemOwner::NotChecked => Ok(()),
        IomemOwner::Unreadable { path } => {
            write!(
                f,
                "; `{}` is not readable, so the owner is unknown",
                path.display()
            )
        }
        IomemOwner::AddressesHidden { path } => write!(
            f,
            "; `{}` shows all addresses as 0 to non-root users: read it as root \
             to see which driver owns the range",
            path.display()
        ),
        IomemOwner::Unclaimed { path } => write!(
            f,
            "; `{}` lists no owner for the range, so kernel lockdown is the likely cause",
            path.display()
        ),
        IomemOwner::Claimed { path, entries } => {
            write!(f, "; `{}` says the range is ", path.display())?;
            for (index, entry) in entries.iter().enumerate() {
                let separator = if index == 0 { "" } else { " › " };
                write!(f, "{separator}`{entry}`")?;
            }
            if entries.iter().any(|entry| entry.ends_with(": System RAM")) {
                f.write_str(" (RAM is never mappable under CONFIG_STRICT_DEVMEM)")
            } else {
                f.write_str(" (unbind that driver, or use it through UIO or its own device node)")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IOMEM: &str = "\
00000000-3b3fffff : System RAM
  00210000-00ffffff : Kernel code
fe104000-fe104027 : fe104000.rng rng@7e104000
fe200000-fe2000b3 : gpio@7e200000
fe215000-fe2150ff : serial@7e215040
";

    #[test]
    fn iomem_names_the_driver_that_claims_the_range() {
        let owner = IomemOwner::from_text(Path::new("/proc/iomem"), IOMEM, 0xfe20_0000, 0xb4);
        assert_eq!(
            owner,
            IomemOwner::Claimed {
                path: "/proc/iomem".into(),
                entries: vec!["fe200000-fe2000b3 : gpio@7e200000".to_owned()],
            }
        );
    }

    #[test]
    fn iomem_lists_nested_entries_outermost_first() {
        let owner = IomemOwner::from_text(Path::new("/proc/iomem"), IOMEM, 0x0020_fff8, 0x10);
        let IomemOwner::Claimed { entries, .. } = owner else {
            panic!("{owner:?}")
        };
        assert_eq!(
            entries,
            [
                "00000000-3b3fffff : System RAM",
                "00210000-00ffffff : Kernel code"
            ]
        );
    }

    #[test]
    fn iomem_reports_unclaimed_and_hidden_ranges() {
        let path = Path::new("/proc/iomem");
        assert!(matches!(
            IomemOwner::from_text(path, IOMEM, 0xfe30_0000, 4),
            IomemOwner::Unclaimed { .. }
        ));
        let hidden = "00000000-00000000 : System RAM\n00000000-00000000 : gpio@7e200000\n";
        assert!(matches!(
            IomemOwner::from_text(path, hidden, 0xfe20_0000, 4),
            IomemOwner::AddressesHidden { .. }
        ));
    }
}
