//! `/dev/mem`: any physical address range.

use core::marker::PhantomData;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::{MapError, Mapping, Mode, ReadOnlyMode, ReadWriteMode, Request, SourceKind};

/// `/dev/mem`, opened for mapping physical address ranges.
///
/// ```no_run
/// use mmreg::{DevMem, Io};
/// let mem = DevMem::open()?;
/// // SAFETY: the BCM2711 GPIO block; nothing else in this process maps it.
/// let gpio = unsafe { mem.map(0xfe20_0000, 0xb4)? };
/// let function_select_1 = gpio.checked_read32(0x04).unwrap();
/// # let _ = function_select_1;
/// # Ok::<(), mmreg::MapError>(())
/// ```
#[derive(Debug)]
pub struct DevMem<M: Mode = ReadWriteMode> {
    file: File,
    path: PathBuf,
    iomem: PathBuf,
    cached: bool,
    mode: PhantomData<M>,
}

impl DevMem {
    /// Opens `/dev/mem` for uncached read-write access (`O_RDWR | O_SYNC`),
    /// what device registers need.
    pub fn open() -> Result<DevMem, MapError> {
        Self::open_at("/dev/mem", false)
    }

    /// Opens `/dev/mem` for cached read-write access (`O_RDWR` without
    /// `O_SYNC`): for DDR shared with an FPGA, where the caller keeps caches
    /// coherent (a coherent port, or explicit cache maintenance). Never for
    /// device registers.
    pub fn open_cached() -> Result<DevMem, MapError> {
        Self::open_at("/dev/mem", true)
    }

    /// Opens `path` as if it were `/dev/mem` (read-write; uncached unless
    /// `cached`). For a differently named node, and for tests, which pass a
    /// regular file.
    pub fn open_at(path: impl AsRef<Path>, cached: bool) -> Result<DevMem, MapError> {
        open(path.as_ref(), cached)
    }
}

impl DevMem<ReadOnlyMode> {
    /// Opens `/dev/mem` read-only (`O_RDONLY | O_SYNC`, mapped `PROT_READ`),
    /// to inspect registers without any chance of writing them.
    pub fn open_read_only() -> Result<DevMem<ReadOnlyMode>, MapError> {
        Self::open_read_only_at("/dev/mem")
    }

    /// Opens `path` read-only as if it were `/dev/mem`.
    pub fn open_read_only_at(path: impl AsRef<Path>) -> Result<DevMem<ReadOnlyMode>, MapError> {
        open(path.as_ref(), false)
    }
}

/// Opens `path` with the flags `M` and `cached` call for.
fn open<M: Mode>(path: &Path, cached: bool) -> Result<DevMem<M>, MapError> {
    let mut options = OpenOptions::new();
    options.read(true).write(M::WRITABLE);
    if !cached {
        // O_SYNC is what makes /dev/mem mappings uncached.
        options.custom_flags(libc::O_SYNC);
    }
    let file = options.open(path).map_err(|error| MapError::Open {
        path: path.to_owned(),
        kind: SourceKind::DevMem,
        error,
    })?;
    Ok(DevMem {
        file,
        path: path.to_owned(),
        iomem: PathBuf::from("/proc/iomem"),
        cached,
        mode: PhantomData,
    })
}

impl<M: Mode> DevMem<M> {
    /// Reads the owner of a refused range from `path` instead of `/proc/iomem`.
    pub fn with_iomem(mut self, path: impl Into<PathBuf>) -> Self {
        self.iomem = path.into();
        self
    }

    /// The path that was opened.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether mappings are cached (opened without `O_SYNC`).
    pub fn is_cached(&self) -> bool {
        self.cached
    }

    /// Maps `len` bytes of physical memory from `address`; neither needs to
    /// be page-aligned, but `address` must be a multiple of 8.
    ///
    /// Offset 0 of the mapping is `address` and its length is `len`.
    ///
    /// # Safety
    /// The range may be anything: device registers, RAM the kernel or this
    /// process uses, another driver's device. The caller guarantees that
    /// accessing it through the returned mapping, with the widths the caller
    /// uses, cannot break memory this process relies on (no Rust reference
    /// points into it) and is acceptable to the device.
    pub unsafe fn map(&self, address: u64, len: usize) -> Result<Mapping<M>, MapError> {
        let kind = SourceKind::DevMem;
        let span = super::span(&self.path, kind, address, len, address)?;
        // SAFETY: the caller accepts the contract above.
        unsafe {
            super::map_pages(Request {
                file: &self.file,
                path: &self.path,
                kind,
                span,
                len,
                address,
                iomem: Some(&self.iomem),
            })
        }
    }
}
