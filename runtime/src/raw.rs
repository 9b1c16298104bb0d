//! [`RawIo`]: register memory someone else mapped (memmap2, VFIO, a driver's
//! own `mmap`, a C library), reached through the same volatile accessors as a
//! [`crate::Mapping`].

use core::fmt;
use core::marker::PhantomData;
use core::ptr::NonNull;

use crate::io::{Io, IoWrite};
use crate::map::access;

/// A pointer and a length, as an [`Io`] and [`IoWrite`]: every access is one
/// volatile access of its width through a raw pointer, as for a
/// [`crate::Mapping`] (on aarch64, one plain `ldr`/`str`).
///
/// The lifetime `'a` ties it to whatever keeps the memory mapped, when that
/// is a Rust value; use `'static` for memory that stays mapped for the rest of
/// the process.
///
/// ```
/// use mmreg::{Io, IoWrite, RawIo};
/// let mut words = [0u64; 4];
/// // SAFETY: `words` is 32 bytes, 8-byte aligned, and only reached through
/// // `io` while it lives.
/// let io = unsafe { RawIo::new(words.as_mut_ptr().cast(), 32) };
/// io.checked_write32(4, 0x1234_5678)?;
/// assert_eq!(io.checked_read32(4)?, 0x1234_5678);
/// # Ok::<(), mmreg::AccessError>(())
/// ```
pub struct RawIo<'a> {
    start: NonNull<u8>,
    len: usize,
    memory: PhantomData<&'a mut [u8]>,
}

impl RawIo<'_> {
    /// Wraps `len` bytes of memory from `start`.
    ///
    /// # Safety
    ///
    /// For the whole lifetime of the result:
    /// - `start` is non-null and 8-byte aligned, and the `len` bytes from it
    ///   stay mapped and valid for volatile reads and writes of 1, 2, 4 and 8
    ///   bytes at every naturally aligned offset;
    /// - no Rust reference to that memory is used (device memory and memory
    ///   shared with other processes change under the compiler's feet);
    /// - the memory may be accessed from any thread the result is sent to.
    pub unsafe fn new(start: *mut u8, len: usize) -> Self {
        debug_assert!(!start.is_null() && start.align_offset(8) == 0);
        RawIo {
            // SAFETY: the caller guarantees `start` is non-null.
            start: unsafe { NonNull::new_unchecked(start) },
            len,
            memory: PhantomData,
        }
    }

    /// Pointer to offset 0.
    pub fn as_ptr(&self) -> *mut u8 {
        self.start.as_ptr()
    }

    /// Pointer to `offset`, cast to the access type.
    ///
    /// # Safety
    /// `offset <= len`.
    #[inline(always)]
    unsafe fn at<T>(&self, offset: usize) -> *mut T {
        // SAFETY: the caller keeps `offset` within `len`, inside the memory.
        unsafe { self.start.as_ptr().add(offset).cast() }
    }
}

impl fmt::Debug for RawIo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawIo")
            .field("start", &self.start)
            .field("len", &format_args!("{:#x}", self.len))
            .finish()
    }
}

// SAFETY: `new`'s contract lets the memory be used from any thread.
unsafe impl Send for RawIo<'_> {}
// SAFETY: as for `Mapping`: only single volatile accesses through raw
// pointers, never references; `new`'s contract allows any thread.
unsafe impl Sync for RawIo<'_> {}

// SAFETY: `len` is fixed at construction and `new`'s contract keeps every
// aligned offset below it valid, and `start` 8-byte aligned, for the
// lifetime of `self`.
unsafe impl Io for RawIo<'_> {
    #[inline(always)]
    fn len(&self) -> usize {
        self.len
    }
    #[inline(always)]
    unsafe fn read8(&self, offset: usize) -> u8 {
        // SAFETY: in bounds per the caller; see the comment on this impl.
        unsafe { access::read8(self.at(offset)) }
    }
    #[inline(always)]
    unsafe fn read16(&self, offset: usize) -> u16 {
        // SAFETY: in bounds and aligned per the caller; see the comment on this impl.
        unsafe { access::read16(self.at(offset)) }
    }
    #[inline(always)]
    unsafe fn read32(&self, offset: usize) -> u32 {
        // SAFETY: in bounds and aligned per the caller; see the comment on this impl.
        unsafe { access::read32(self.at(offset)) }
    }
    #[inline(always)]
    unsafe fn read64(&self, offset: usize) -> u64 {
        // SAFETY: in bounds and aligned per the caller; see the comment on this impl.
        unsafe { access::read64(self.at(offset)) }
    }
}

// SAFETY: as for `Io`; `new`'s contract makes the memory writable.
unsafe impl IoWrite for RawIo<'_> {
    #[inline(always)]
    unsafe fn write8(&self, offset: usize, value: u8) {
        // SAFETY: in bounds per the caller; writable per `new`.
        unsafe { access::write8(self.at(offset), value) }
    }
    #[inline(always)]
    unsafe fn write16(&self, offset: usize, value: u16) {
        // SAFETY: in bounds and aligned per the caller; writable per `new`.
        unsafe { access::write16(self.at(offset), value) }
    }
    #[inline(always)]
    unsafe fn write32(&self, offset: usize, value: u32) {
        // SAFETY: in bounds and aligned per the caller; writable per `new`.
        unsafe { access::write32(self.at(offset), value) }
    }
    #[inline(always)]
    unsafe fn write64(&self, offset: usize, value: u64) {
        // SAFETY: in bounds and aligned per the caller; writable per `new`.
        unsafe { access::write64(self.at(offset), value) }
    }
}
