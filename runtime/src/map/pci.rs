//! PCI BARs through `/sys/bus/pci/devices/<address>/resourceN`.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::error::IORESOURCE_IO;
use super::uio::{parse_number, read_attribute};
use super::{MapError, Mapping, Request, SourceKind};

/// The `IORESOURCE_MEM` flag of a PCI `resource` line: a memory BAR.
const IORESOURCE_MEM: u64 = 0x200;

/// One BAR of a PCI device, opened for mapping.
///
/// ```no_run
/// use mmreg::{Io, map::PciResource};
/// // QEMU's `edu` device, BAR 0.
/// let bar = PciResource::open("0000:00:04.0", 0)?;
/// // SAFETY: the edu device's registers; nothing else in this process maps them.
/// let registers = unsafe { bar.map(0, 0x100)? };
/// assert_eq!(registers.checked_read32(0).unwrap() & 0xff, 0xed);
/// # Ok::<(), mmreg::MapError>(())
/// ```
#[derive(Debug)]
pub struct PciResource {
    file: File,
    path: PathBuf,
    bar: u32,
    start: u64,
    size: u64,
}

impl PciResource {
    /// Opens BAR `bar` of the device at `address` (`domain:bus:device.function`,
    /// e.g. `0000:00:04.0`) under `/sys/bus/pci/devices`.
    pub fn open(address: &str, bar: u32) -> Result<PciResource, MapError> {
        PciResource::open_at(Path::new("/sys/bus/pci/devices"), address, bar)
    }

    /// Opens BAR `bar` of `{devices_root}/{address}`: tests pass a fake sysfs
    /// tree.
    pub fn open_at(devices_root: &Path, address: &str, bar: u32) -> Result<PciResource, MapError> {
        if address.is_empty() || address.contains(['/', '\0']) || address.starts_with('.') {
            return Err(MapError::InvalidName {
                name: address.to_owned(),
                reason: "a PCI address is `domain:bus:device.function`, e.g. `0000:00:04.0`",
            });
        }
        let kind = SourceKind::PciResource { bar };
        let device = devices_root.join(address);
        let resource = device.join("resource");
        let text = read_attribute(&resource, kind)?;
        let path = device.join(format!("resource{bar}"));
        // A BAR index past the listed resources is one the device lacks.
        let Some(line) = text.lines().nth(bar as usize) else {
            return Err(MapError::NotMemoryBar {
                path,
                bar,
                flags: 0,
            });
        };
        let fields: Vec<u64> = line.split_whitespace().filter_map(parse_number).collect();
        let &[start, end, flags] = fields.as_slice() else {
            return Err(MapError::SysfsParse {
                path: resource,
                content: line.to_owned(),
            });
        };
        // An unused BAR reads as all zeros; `end` is inclusive. A range
        // of 2^64 bytes (or more) cannot be a BAR: the line is nonsense.
        let size = if (start, end) == (0, 0) || end < start {
            0
        } else {
            end.checked_sub(start)
                .and_then(|last| last.checked_add(1))
                .ok_or_else(|| MapError::SysfsParse {
                    path: resource.clone(),
                    content: line.to_owned(),
                })?
        };
        if size == 0 || flags & IORESOURCE_MEM == 0 || flags & IORESOURCE_IO != 0 {
            return Err(MapError::NotMemoryBar { path, bar, flags });
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_SYNC)
            .open(&path)
            .map_err(|error| MapError::Open {
                path: path.clone(),
                kind,
                error,
            })?;
        Ok(PciResource {
            file,
            path,
            bar,
            start,
            size,
        })
    }

    /// The `resourceN` file that was opened.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Index of the BAR.
    pub fn bar(&self) -> u32 {
        self.bar
    }

    /// Physical address where the BAR starts.
    pub fn phys_address(&self) -> u64 {
        self.start
    }

    /// Size of the BAR in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Maps `len` bytes from `offset` inside the BAR, refusing a range that
    /// reaches past its end. Offset 0 of the mapping is `offset` in the BAR.
    ///
    /// # Safety
    /// The caller guarantees that accessing the BAR with the widths the caller
    /// uses is acceptable to the device, that no driver is driving it at the
    /// same time, and that no Rust reference points into the range.
    pub unsafe fn map(&self, offset: u64, len: usize) -> Result<Mapping, MapError> {
        let kind = SourceKind::PciResource { bar: self.bar };
        let path = &self.path;
        let address = self.start.wrapping_add(offset);
        super::check_range(path, kind, address, offset, len, self.size)?;
        let span = super::span(path, kind, offset, len, address)?;
        // SAFETY: forwarded to the caller.
        unsafe {
            super::map_pages(Request {
                file: &self.file,
                path,
                kind,
                span,
                len,
                address,
                iomem: None,
            })
        }
    }
}
