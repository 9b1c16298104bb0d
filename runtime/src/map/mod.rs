//! Mapping physical memory (or any mappable file) into the process.
//!
//! Every source returns a [`Mapping`]: it owns the `mmap` (unmapped on drop),
//! implements [`Io`](crate::Io) with one volatile access of the requested width per call,
//! and is what generated register blocks borrow, so no register handle can
//! outlive it.
//!
//! | source | type | file offset |
//! |---|---|---|
//! | `/dev/mem` | [`DevMem`] | physical address |
//! | `/dev/uioN`, map K | [`Uio`] | K × page size, size from sysfs |
//! | PCI BAR, `/sys/bus/pci/devices/<address>/resourceN` | [`PciResource`] | offset in the BAR |
//! | `/dev/gpiomem`, a driver's node, a regular file, a memfd, POSIX shared memory | [`MappableFile`] | offset in the file |
//!
//! Creating a mapping is `unsafe` (it can alias anything, including memory the
//! kernel or this process relies on); everything after it is safe. Ranges need
//! not be page-aligned: [`page::page_span`] widens them to whole pages, using
//! the kernel's page size (4 KiB, 16 KiB or 64 KiB). Offsets are 64-bit
//! (`mmap64`) on every target, so 32-bit ARM reaches physical addresses above
//! 4 GiB. The start must be a multiple of 8, so that every naturally aligned
//! register offset is aligned in memory too.
//!
//! # Access widths on ARM: `SIGBUS`
//!
//! Use each register only at the width its device decodes (what generated
//! code does). An access of another width is the device's business: on x86
//! QEMU answers, say, a byte read of a 32-bit-only register with 0, but on
//! aarch64 and 32-bit ARM the bus reports an error, the CPU takes a
//! synchronous external abort, and Linux kills the process with **`SIGBUS`**
//! (the kernel logs `Unhandled fault: synchronous external abort`). No
//! `Result` can report it: the access does not return. The same signal
//! comes from touching a page past the end of a mapped file. `cargo xtask
//! qemu-test` checks this on QEMU's `edu` device: its 1- and 2-byte reads
//! are made in a child process that must die of `SIGBUS`.
//!
//! On aarch64 and 32-bit ARM every access is one plain `ldr`/`str` of its
//! width (inline assembly: the compiler would otherwise use write-back or,
//! on 32-bit ARM, `ldrd`/`strd` forms that a hypervisor cannot emulate on
//! device memory); a 64-bit access on 32-bit ARM is two 32-bit ones, the low
//! word first. See `BENCHMARKS.md`, "`Mapping`'s own instructions".
//!
//! [`DevMem::open_read_only`] and [`MappableFile::open_read_only`] give
//! `Mapping<ReadOnlyMode>`: `PROT_READ` pages. Such a mapping implements
//! [`Io`](crate::Io) but not [`crate::IoWrite`], so a block over it has reads only: a
//! `write` or `modify` does not compile. Errors are one [`MapError`], whose message names the
//! source, address, length and errno, with a hint at the likely cause.
//!
//! A register handle cannot outlive its mapping:
//! ```compile_fail
//! use mmreg::{map::MappableFile, RawValue, Reg, ReadWrite};
//! let file = MappableFile::memfd("device", 0x1000)?;
//! // SAFETY: a fresh memfd aliases nothing.
//! let map = unsafe { file.map(0, 0x100)? };
//! // SAFETY: offset 0 is in bounds and aligned.
//! let reg: Reg<'_, _, RawValue<u32>, ReadWrite> = unsafe { Reg::new(&map, 0) };
//! drop(map);
//! let _ = reg.read();
//! # Ok::<(), mmreg::MapError>(())
//! ```
//!
//! and a read-only mapping cannot carry a write:
//! ```compile_fail
//! use mmreg::{map::MappableFile, RawValue, Reg, ReadWrite};
//! let file = MappableFile::open_read_only("/dev/zero")?;
//! // SAFETY: /dev/zero aliases nothing.
//! let map = unsafe { file.map(0, 0x100)? };
//! // SAFETY: offset 0 is in bounds and aligned.
//! let reg: Reg<'_, _, RawValue<u32>, ReadWrite> = unsafe { Reg::new(&map, 0) };
//! reg.write(|w| w.0 = 1);
//! # Ok::<(), mmreg::MapError>(())
//! ```

pub(crate) mod access;
mod dev_mem;
mod error;
mod file;
pub mod page;
mod pci;
mod uio;

use core::fmt;
use core::marker::PhantomData;
use core::ptr::NonNull;
use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

pub use dev_mem::DevMem;
pub use error::{IomemOwner, MapError, SourceKind};
pub use file::MappableFile;
pub use pci::PciResource;
pub use uio::{Uio, UioMap};

use crate::io::Exclusive;
use crate::raw::RawIo;
use page::{PageSpan, SpanError};

/// Whether a mapping can be written. Sealed: [`ReadWriteMode`] or
/// [`ReadOnlyMode`].
pub trait Mode: sealed::Sealed + 'static {
    /// Whether the mapping is `PROT_WRITE`.
    const WRITABLE: bool;
}

/// A mapping that can be read and written (the default).
#[derive(Debug)]
pub enum ReadWriteMode {}

/// A read-only mapping (`PROT_READ`), for inspecting a device without
/// disturbing it. It implements [`Io`](crate::Io) but not [`crate::IoWrite`]: the pages
/// are not writable, so writes do not compile.
#[derive(Debug)]
pub enum ReadOnlyMode {}

impl Mode for ReadWriteMode {
    const WRITABLE: bool = true;
}

impl Mode for ReadOnlyMode {
    const WRITABLE: bool = false;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::ReadWriteMode {}
    impl Sealed for super::ReadOnlyMode {}
}

/// A mapped range: owns the `mmap` and unmaps it on drop.
///
/// Offset 0 is the first requested byte (for `/dev/mem`, the requested
/// physical address), and [`Io::len`](crate::Io::len) is the requested length, however the
/// range was widened to pages.
///
/// `Send` and `Sync`: each access through it is one volatile access, so a
/// `&Mapping` or an `Arc<Mapping>` may be shared by blocks in several threads.
/// A block that owns its mapping (or holds `&mut` of it) is
/// [`crate::Exclusive`] and may read side-effect registers; blocks over a
/// shared mapping may not, and their `modify` sequences on the same register
/// are not ordered against each other (see [`Io`](crate::Io)'s "Threads").
pub struct Mapping<M: Mode = ReadWriteMode> {
    /// Start of the whole pages `mmap` returned.
    base: NonNull<u8>,
    /// Length passed to `mmap`.
    map_len: usize,
    /// The requested bytes (first byte inside `base .. base + map_len`,
    /// `start + len <= base + map_len`), accessed like any raw range; valid
    /// until `drop` unmaps them.
    raw: RawIo<'static>,
    /// Physical address (or file offset) of the first requested byte.
    address: u64,
    source: PathBuf,
    kind: SourceKind,
    mode: PhantomData<M>,
}

// SAFETY: the mapping belongs to the whole process, so it may be used and
// unmapped from any thread.
unsafe impl<M: Mode> Send for Mapping<M> {}
// SAFETY: `&Mapping` offers only single volatile accesses through raw
// pointers, never references to the memory, to device or shared memory that
// other agents (the device, other processes) change at any time anyway. Two
// threads accessing the same offset each make their own access; grouping
// accesses into a read-modify-write is the block's job (blocks are not
// `Sync`), see `Io`'s "Threads".
unsafe impl<M: Mode> Sync for Mapping<M> {}

impl<M: Mode> Mapping<M> {
    /// Physical address of offset 0 (for a [`SourceKind::File`] source, the
    /// file offset), for log and error messages.
    pub fn phys_address(&self) -> u64 {
        self.address
    }

    /// The file the mapping was made from.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// What kind of source the mapping was made from.
    pub fn kind(&self) -> SourceKind {
        self.kind
    }

    /// Pointer to offset 0, for handing the range to code that needs a raw
    /// address (a DMA descriptor, a C library). Access through it only with
    /// volatile operations.
    pub fn as_ptr(&self) -> *mut u8 {
        self.raw.as_ptr()
    }
}

impl<M: Mode> Drop for Mapping<M> {
    fn drop(&mut self) {
        // SAFETY: `base` and `map_len` are exactly what `mmap` returned and
        // was given; no handle outlives `self`, so nothing uses the pages after.
        unsafe { libc::munmap(self.base.as_ptr().cast(), self.map_len) };
    }
}

impl<M: Mode> fmt::Debug for Mapping<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mapping")
            .field("source", &self.source)
            .field("kind", &self.kind)
            .field("phys_address", &format_args!("{:#x}", self.address))
            .field("len", &format_args!("{:#x}", crate::io::Io::len(&self.raw)))
            .field("writable", &M::WRITABLE)
            .finish()
    }
}

// SAFETY: forwarded to `raw`, whose range stays mapped, with the same
// length, until `drop`; a `ReadOnlyMode` mapping's pages are not writable,
// so it has no `IoWrite`.
crate::io::forward_io! {
    read [M: Mode] Mapping<M> => |mapping| &mapping.raw;
    write [] Mapping<ReadWriteMode> => |mapping| &mapping.raw;
}

// SAFETY: `Mapping` is neither `Clone` nor `Copy`, and its pages are reached
// only through it (`as_ptr` hands out a raw pointer, whose users are on their
// own); making a second mapping of the same range is `unsafe`.
unsafe impl<M: Mode> Exclusive for Mapping<M> {}

/// What to map, once a source has worked out its file offsets.
struct Request<'a> {
    file: &'a File,
    path: &'a Path,
    kind: SourceKind,
    /// Whole pages to map, in file offsets.
    span: PageSpan,
    /// Requested length, from `span.start`.
    len: usize,
    /// Physical address (or file offset) of the first requested byte.
    address: u64,
    /// Where to look up the owner of the range if the kernel refuses it.
    iomem: Option<&'a Path>,
}

/// Widens `[file_offset, file_offset + len)` to pages, refusing zero lengths,
/// overflow, and a start that would leave aligned register offsets misaligned
/// in memory. Errors name `address`, the physical address (or file offset)
/// the caller asked for.
fn span(
    path: &Path,
    kind: SourceKind,
    file_offset: u64,
    len: usize,
    address: u64,
) -> Result<PageSpan, MapError> {
    let page_size = page::page_size().map_err(|error| MapError::PageSize { error })?;
    let span = page::page_span(file_offset, len, page_size).map_err(|error| match error {
        SpanError::ZeroLength => MapError::ZeroLength {
            path: path.to_owned(),
            kind,
            address,
        },
        SpanError::Overflow | SpanError::InvalidPageSize => MapError::AddressOverflow {
            path: path.to_owned(),
            kind,
            address,
            len,
        },
    })?;
    // The mapping starts on a page, so this is the alignment of offset 0 in memory.
    if span.start % 8 != 0 {
        return Err(MapError::Misaligned {
            path: path.to_owned(),
            kind,
            address,
        });
    }
    Ok(span)
}

/// Maps `request.span` of `request.file`.
///
/// # Safety
/// As for the public `map` methods: the range may alias anything, and the
/// caller takes responsibility for that.
unsafe fn map_pages<M: Mode>(request: Request<'_>) -> Result<Mapping<M>, MapError> {
    let Request {
        file,
        path,
        kind,
        span,
        len,
        address,
        iomem,
    } = request;
    debug_assert!(span.start + len <= span.map_len);
    let protection = if M::WRITABLE {
        libc::PROT_READ | libc::PROT_WRITE
    } else {
        libc::PROT_READ
    };
    // `page_span` keeps offsets at or below `i64::MAX`.
    let offset = span.map_offset as libc::off64_t;
    // SAFETY: a fresh shared mapping chosen by the kernel (no fixed address),
    // so it replaces nothing; the caller accepts what it aliases.
    let base = unsafe {
        libc::mmap64(
            core::ptr::null_mut(),
            span.map_len,
            protection,
            libc::MAP_SHARED,
            file.as_raw_fd(),
            offset,
        )
    };
    if base == libc::MAP_FAILED {
        let error = std::io::Error::last_os_error();
        let owner = match (iomem, error.raw_os_error()) {
            (Some(iomem), Some(libc::EPERM)) => IomemOwner::look_up(iomem, address, len),
            _ => IomemOwner::NotChecked,
        };
        return Err(MapError::Map {
            path: path.to_owned(),
            kind,
            address,
            len,
            error,
            owner,
        });
    }
    let Some(base) = NonNull::new(base.cast::<u8>()) else {
        // Only possible where `vm.mmap_min_addr` is 0; a null base would break
        // `NonNull`, so give the pages back and refuse.
        // SAFETY: exactly the range `mmap` just returned; nothing uses it.
        unsafe { libc::munmap(base, span.map_len) };
        return Err(MapError::Map {
            path: path.to_owned(),
            kind,
            address,
            len,
            error: std::io::Error::from_raw_os_error(libc::ENOMEM),
            owner: IomemOwner::NotChecked,
        });
    };
    // SAFETY: `span.start < span.map_len`, so the pointer stays in the mapping.
    let start = unsafe { base.add(span.start) };
    // SAFETY: `start` is 8-byte aligned (`span.start` is a multiple of 8 and
    // `base` is page-aligned) and `len` bytes from it lie inside the pages
    // just mapped, which stay mapped until the `Mapping` that owns this
    // `RawIo` is dropped; those pages are device or shared memory, never
    // Rust references, and usable from any thread.
    let raw = unsafe { RawIo::new(start.as_ptr(), len) };
    Ok(Mapping {
        base,
        map_len: span.map_len,
        raw,
        address,
        source: path.to_owned(),
        kind,
        mode: PhantomData,
    })
}

/// Refuses an empty range and one that runs past a source of `size` bytes
/// (a BAR or a UIO map).
fn check_range(
    path: &Path,
    kind: SourceKind,
    address: u64,
    offset: u64,
    len: usize,
    size: u64,
) -> Result<(), MapError> {
    if len == 0 {
        return Err(MapError::ZeroLength {
            path: path.to_path_buf(),
            kind,
            address,
        });
    }
    if offset.checked_add(len as u64).is_none_or(|end| end > size) {
        return Err(MapError::PastEnd {
            path: path.to_path_buf(),
            kind,
            offset,
            len,
            size,
        });
    }
    Ok(())
}
