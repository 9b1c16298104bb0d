//! Any other mappable file: `/dev/gpiomem`, a driver's own device node, a
//! regular file, a memfd or POSIX shared memory.

use core::marker::PhantomData;
use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::{MapError, Mapping, Mode, ReadOnlyMode, ReadWriteMode, Request, SourceKind};

/// A file opened for mapping at an offset.
///
/// Shared memory lets two processes share a simulated device, and lets tests
/// exercise the real `mmap` path without root:
/// ```no_run
/// use mmreg::{Io, IoWrite, map::MappableFile};
/// let file = MappableFile::memfd("simulated-uart", 0x1000)?;
/// // SAFETY: a fresh memfd aliases nothing.
/// let map = unsafe { file.map(0x40, 0x20)? };
/// map.checked_write32(0, 0x55).unwrap();
/// assert_eq!(map.checked_read32(0).unwrap(), 0x55);
/// # Ok::<(), mmreg::MapError>(())
/// ```
#[derive(Debug)]
pub struct MappableFile<M: Mode = ReadWriteMode> {
    file: File,
    path: PathBuf,
    mode: PhantomData<M>,
}

impl MappableFile {
    /// Opens `path` read-write (`O_RDWR | O_SYNC`): `/dev/gpiomem`, a driver's
    /// device node, a regular file, `/dev/shm/...`.
    pub fn open(path: impl AsRef<Path>) -> Result<MappableFile, MapError> {
        open(path.as_ref())
    }

    /// Takes an open file descriptor, for example a memfd or a node opened by
    /// other code. It must be open for reading and writing.
    pub fn from_fd(fd: OwnedFd) -> MappableFile {
        let path = std::fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd()))
            .unwrap_or_else(|_| PathBuf::from(format!("file descriptor {}", fd.as_raw_fd())));
        MappableFile {
            file: File::from(fd),
            path,
            mode: PhantomData,
        }
    }

    /// Creates an anonymous memory file (`memfd_create`) of `size` zero bytes:
    /// RAM that maps like a device file, gone when the last handle closes.
    pub fn memfd(name: &str, size: u64) -> Result<MappableFile, MapError> {
        let c_name = c_string(name)?;
        // SAFETY: `c_name` is a valid NUL-terminated string.
        let fd = unsafe { libc::memfd_create(c_name.as_ptr(), libc::MFD_CLOEXEC) };
        let file = owned(fd, name, "create the memfd")?;
        let file = MappableFile {
            file,
            path: PathBuf::from(format!("memfd:{name}")),
            mode: PhantomData,
        };
        file.set_len(size)?;
        Ok(file)
    }

    /// Creates (or opens, if it exists) the POSIX shared memory object `name`
    /// (`shm_open`, e.g. `/my-device`) and sets its size to `size` bytes.
    /// Another process opens it with [`MappableFile::shm_open`].
    pub fn shm_create(name: &str, size: u64) -> Result<MappableFile, MapError> {
        let file = shm(name, libc::O_CREAT)?;
        file.set_len(size)?;
        Ok(file)
    }

    /// Opens the existing POSIX shared memory object `name`.
    pub fn shm_open(name: &str) -> Result<MappableFile, MapError> {
        shm(name, 0)
    }

    /// Removes the POSIX shared memory object `name`; processes that have it
    /// open or mapped keep it until they close it.
    pub fn shm_unlink(name: &str) -> Result<(), MapError> {
        let c_name = shm_name(name)?;
        // SAFETY: `c_name` is a valid NUL-terminated string.
        if unsafe { libc::shm_unlink(c_name.as_ptr()) } == 0 {
            Ok(())
        } else {
            Err(MapError::File {
                path: PathBuf::from(name),
                operation: "unlink the shared memory object",
                error: std::io::Error::last_os_error(),
            })
        }
    }

    /// Sets the file's length (`ftruncate`), zero-filling any new part.
    pub fn set_len(&self, size: u64) -> Result<(), MapError> {
        self.file.set_len(size).map_err(|error| MapError::File {
            path: self.path.clone(),
            operation: "set the length of",
            error,
        })
    }
}

impl MappableFile<ReadOnlyMode> {
    /// Opens `path` read-only (`O_RDONLY | O_SYNC`); mappings are `PROT_READ`.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<MappableFile<ReadOnlyMode>, MapError> {
        open(path.as_ref())
    }
}

impl<M: Mode> MappableFile<M> {
    /// The file's path (for a memfd, `memfd:<name>`).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Maps `len` bytes from `offset`; neither needs to be page-aligned, but
    /// `offset` must be a multiple of 8. For a regular file (including a memfd
    /// or shared memory), the range must lie within the file, since touching a
    /// page past its end raises `SIGBUS`.
    ///
    /// # Safety
    /// The caller guarantees that no Rust reference points into the range,
    /// that accessing it with the widths the caller uses is acceptable to the
    /// driver behind the file, and that a regular file is not truncated below
    /// the range while mapped (which would raise `SIGBUS` on access).
    pub unsafe fn map(&self, offset: u64, len: usize) -> Result<Mapping<M>, MapError> {
        let kind = SourceKind::File;
        let path = &self.path;
        let metadata = self.file.metadata().map_err(|error| MapError::File {
            path: path.clone(),
            operation: "query the size of",
            error,
        })?;
        let span = super::span(path, kind, offset, len, offset)?;
        if metadata.file_type().is_file() && offset + len as u64 > metadata.len() {
            return Err(MapError::PastEnd {
                path: path.clone(),
                kind,
                offset,
                len,
                size: metadata.len(),
            });
        }
        // SAFETY: forwarded to the caller.
        unsafe {
            super::map_pages(Request {
                file: &self.file,
                path,
                kind,
                span,
                len,
                address: offset,
                iomem: None,
            })
        }
    }
}

/// Opens `path` with the flags `M` calls for.
fn open<M: Mode>(path: &Path) -> Result<MappableFile<M>, MapError> {
    let file = OpenOptions::new()
        .read(true)
        .write(M::WRITABLE)
        .custom_flags(libc::O_SYNC)
        .open(path)
        .map_err(|error| MapError::Open {
            path: path.to_owned(),
            kind: SourceKind::File,
            error,
        })?;
    Ok(MappableFile {
        file,
        path: path.to_owned(),
        mode: PhantomData,
    })
}

/// Opens the shared memory object `name` read-write, with `extra_flags`.
fn shm(name: &str, extra_flags: libc::c_int) -> Result<MappableFile, MapError> {
    let c_name = shm_name(name)?;
    // SAFETY: `c_name` is a valid NUL-terminated string.
    let fd = unsafe {
        libc::shm_open(
            c_name.as_ptr(),
            libc::O_RDWR | libc::O_CLOEXEC | extra_flags,
            0o600,
        )
    };
    let file = owned(fd, name, "open the shared memory object")?;
    Ok(MappableFile {
        file,
        path: PathBuf::from(format!("/dev/shm{}", c_name.to_string_lossy())),
        mode: PhantomData,
    })
}

/// Checks a shared memory name: one path component, optionally after a `/`.
fn shm_name(name: &str) -> Result<CString, MapError> {
    let bare = name.strip_prefix('/').unwrap_or(name);
    if bare.is_empty() || bare.contains('/') || bare == "." || bare == ".." {
        return Err(MapError::InvalidName {
            name: name.to_owned(),
            reason: "a shared memory name is one path component after an optional `/`",
        });
    }
    c_string(&format!("/{bare}"))
}

/// `name` as a C string, refusing interior NUL bytes.
fn c_string(name: &str) -> Result<CString, MapError> {
    CString::new(name).map_err(|_| MapError::InvalidName {
        name: name.to_owned(),
        reason: "it contains a NUL byte",
    })
}

/// Takes ownership of `fd` returned by a call, or reports its error.
fn owned(fd: libc::c_int, name: &str, operation: &'static str) -> Result<File, MapError> {
    if fd < 0 {
        return Err(MapError::File {
            path: PathBuf::from(name),
            operation,
            error: std::io::Error::last_os_error(),
        });
    }
    // SAFETY: `fd` was just returned by the kernel and is owned by nobody else.
    Ok(File::from(unsafe { OwnedFd::from_raw_fd(fd) }))
}
