//! UIO devices: `/dev/uioN`, map K at file offset K × page size, with the
//! map's size and offset read from `/sys/class/uio/uioN/maps/mapK/`.
//! Interrupts (waiting, re-arming, lookup by name) are in the submodules
//! `irq` and `lookup`; see [`crate::irq`].

mod irq;
mod lookup;

use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::{MapError, Mapping, Request, SourceKind, page};
use crate::irq::IrqControl;

/// A UIO device node, opened for mapping its memory regions and for waiting
/// on its interrupt.
///
/// The descriptor is opened non-blocking (`O_NONBLOCK`), so it can be
/// registered with `epoll`, `mio` or tokio as it is ([`Uio::wait`] polls
/// before it reads).
///
/// ```no_run
/// use mmreg::{Io, map::Uio};
/// let uio = Uio::open(0)?;
/// // SAFETY: map 0 of this UIO device is our FPGA IP's register block.
/// let registers = unsafe { uio.map(0)? };
/// let version = registers.checked_read32(0).unwrap();
/// # let _ = version;
/// # Ok::<(), mmreg::MapError>(())
/// ```
#[derive(Debug)]
pub struct Uio {
    file: File,
    device: PathBuf,
    sysfs: PathBuf,
    /// The count of the last event returned by a wait.
    last_count: Option<u32>,
    /// How the interrupt is switched, once a write has shown it.
    control: Option<IrqControl>,
    /// `device/config`, opened on the first fallback to the PCI command register.
    pci_config: Option<File>,
}

/// One memory region of a UIO device, from `maps/mapK/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UioMap {
    /// Index K of the map.
    pub index: u32,
    /// The `addr` attribute: physical address of the region's page.
    pub address: u64,
    /// The `size` attribute: length of the region in bytes.
    pub size: u64,
    /// The `offset` attribute: where the region starts inside its first page.
    pub offset: u64,
}

impl UioMap {
    /// Physical address of the region's first byte.
    pub fn phys_address(&self, page_size: usize) -> u64 {
        (self.address & !(page_size as u64 - 1)).wrapping_add(self.offset)
    }
}

impl Uio {
    /// Opens `/dev/uio{index}`, described by `/sys/class/uio/uio{index}`.
    pub fn open(index: u32) -> Result<Uio, MapError> {
        Uio::open_at(Path::new("/dev"), Path::new("/sys/class/uio"), index)
    }

    /// Opens `{dev_root}/uio{index}`, described by `{sysfs_root}/uio{index}`:
    /// tests pass a regular file and a fake sysfs tree.
    pub fn open_at(dev_root: &Path, sysfs_root: &Path, index: u32) -> Result<Uio, MapError> {
        let device = dev_root.join(format!("uio{index}"));
        let sysfs = sysfs_root.join(format!("uio{index}"));
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&device)
            .map_err(|error| MapError::Open {
                path: device.clone(),
                kind: SourceKind::Uio { map: 0 },
                error,
            })?;
        Ok(Uio::with_file(file, device, sysfs))
    }

    /// A `Uio` over an open, non-blocking descriptor.
    fn with_file(file: File, device: PathBuf, sysfs: PathBuf) -> Uio {
        Uio {
            file,
            device,
            sysfs,
            last_count: None,
            control: None,
            pci_config: None,
        }
    }

    /// The device node that was opened.
    pub fn path(&self) -> &Path {
        &self.device
    }

    /// The device's `name` attribute (the driver's name for it, e.g. the
    /// device tree node name).
    pub fn name(&self) -> Result<String, MapError> {
        let path = self.sysfs.join("name");
        read_attribute(&path, SourceKind::Uio { map: 0 }).map(|name| name.trim().to_owned())
    }

    /// Reads the address, size and offset of map `index`.
    pub fn map_info(&self, index: u32) -> Result<UioMap, MapError> {
        let directory = self.sysfs.join("maps").join(format!("map{index}"));
        let number = |name: &str| {
            let path = directory.join(name);
            let text = read_attribute(&path, SourceKind::Uio { map: index })?;
            parse_number(&text).ok_or(MapError::SysfsParse {
                path,
                content: text,
            })
        };
        Ok(UioMap {
            index,
            address: number("addr")?,
            size: number("size")?,
            offset: number("offset")?,
        })
    }

    /// Maps the whole of map `index`. Offset 0 of the mapping is the region's
    /// first byte, and its length is the region's size.
    ///
    /// # Safety
    /// The driver exposes the region for user space, but the caller still
    /// guarantees that accessing it with the widths the caller uses is
    /// acceptable to the device and that no Rust reference points into it.
    pub unsafe fn map(&self, index: u32) -> Result<Mapping, MapError> {
        let info = self.map_info(index)?;
        let len = usize::try_from(info.size).unwrap_or(usize::MAX);
        // SAFETY: forwarded to the caller.
        unsafe { self.map_range_of(info, 0, len) }
    }

    /// Maps `len` bytes from `offset` inside map `index`, refusing a range
    /// that reaches past the end of the map.
    ///
    /// # Safety
    /// As for [`Uio::map`].
    pub unsafe fn map_range(
        &self,
        index: u32,
        offset: u64,
        len: usize,
    ) -> Result<Mapping, MapError> {
        let info = self.map_info(index)?;
        // SAFETY: forwarded to the caller.
        unsafe { self.map_range_of(info, offset, len) }
    }

    /// # Safety
    /// As for [`Uio::map`].
    unsafe fn map_range_of(
        &self,
        info: UioMap,
        offset: u64,
        len: usize,
    ) -> Result<Mapping, MapError> {
        let kind = SourceKind::Uio { map: info.index };
        let path = &self.device;
        let page_size = page::page_size().map_err(|error| MapError::PageSize { error })?;
        let address = info.phys_address(page_size).wrapping_add(offset);
        super::check_range(path, kind, address, offset, len, info.size)?;
        let overflow = || MapError::AddressOverflow {
            path: path.clone(),
            kind,
            address,
            len,
        };
        // Relative to the map's first page.
        let start = info.offset.checked_add(offset).ok_or_else(overflow)?;
        let mut span = super::span(path, kind, start, len, address)?;
        // The kernel picks the map by the page offset of the mapping, so it
        // must start at the map's first page and cover the pages before `start`.
        let pages_before = usize::try_from(span.map_offset).map_err(|_| overflow())?;
        span.map_len = pages_before
            .checked_add(span.map_len)
            .ok_or_else(overflow)?;
        span.start += pages_before;
        span.map_offset = u64::from(info.index) * page_size as u64;
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

/// Reads a sysfs attribute.
pub(super) fn read_attribute(path: &Path, kind: SourceKind) -> Result<String, MapError> {
    std::fs::read_to_string(path).map_err(|error| MapError::Sysfs {
        path: path.to_owned(),
        kind,
        error,
    })
}

/// Parses a sysfs number: `0x`-prefixed hexadecimal, or decimal.
pub(super) fn parse_number(text: &str) -> Option<u64> {
    let text = text.trim();
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sysfs_numbers() {
        assert_eq!(parse_number("0x00000000fe200000\n"), Some(0xfe20_0000));
        assert_eq!(parse_number("4096\n"), Some(4096));
        assert_eq!(parse_number("0xzz"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn region_address_adds_the_in_page_offset() {
        let map = UioMap {
            index: 0,
            address: 0x4000_0000,
            size: 0x100,
            offset: 0x40,
        };
        assert_eq!(map.phys_address(0x1000), 0x4000_0040);
    }
}
