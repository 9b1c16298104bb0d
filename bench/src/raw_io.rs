//! [`RawIo`]: the [`Io`] of a mapping, over a raw base pointer.
//!
//! The runtime does not expose a constructor from a raw pointer (its
//! [`mmreg::Mapping`] always owns an `mmap`), so this crate has its own. Each
//! access is one `read_volatile`/`write_volatile` of the width, exactly what
//! the hand-written functions it is compared with do, so any difference in
//! the instructions comes from the generated API. (`Mapping` uses the same
//! code on x86_64; on aarch64 it uses one `ldr`/`str` in inline assembly,
//! which costs an address `add` per access: see `BENCHMARKS.md`.)

use mmreg::Io;

/// `len` bytes of memory at a raw base pointer, accessed like a mapping.
#[derive(Debug)]
pub struct RawIo {
    base: *mut u8,
    len: usize,
}

impl RawIo {
    /// Wraps `len` bytes at `base`.
    ///
    /// # Safety
    /// `base` must be valid for volatile reads and writes of `len` bytes for as
    /// long as the value lives, and aligned to 8 bytes (so that every naturally
    /// aligned offset is aligned in memory too).
    #[inline(always)]
    pub const unsafe fn new(base: *mut u8, len: usize) -> RawIo {
        RawIo { base, len }
    }

    /// Pointer to `offset`, cast to the access type.
    ///
    /// # Safety
    /// `offset` must be within `len`.
    #[inline(always)]
    unsafe fn at<T>(&self, offset: usize) -> *mut T {
        // SAFETY: the caller keeps `offset` within `len`, which `new`'s caller
        // promised is valid memory.
        unsafe { self.base.add(offset).cast() }
    }
}

/// Defines a read and a write accessor of one width: one volatile access.
macro_rules! accessors {
    ($ty:ty, $read:ident, $write:ident) => {
        #[inline(always)]
        unsafe fn $read(&self, offset: usize) -> $ty {
            // SAFETY: `Io`'s contract makes the offset in bounds and aligned,
            // and `new`'s caller promised the memory is valid.
            unsafe { core::ptr::read_volatile(self.at::<$ty>(offset)) }
        }

        #[inline(always)]
        unsafe fn $write(&self, offset: usize, value: $ty) {
            // SAFETY: as for the read.
            unsafe { core::ptr::write_volatile(self.at::<$ty>(offset), value) }
        }
    };
}

impl Io for RawIo {
    #[inline(always)]
    fn len(&self) -> usize {
        self.len
    }
    accessors!(u8, read8, write8);
    accessors!(u16, read16, write16);
    accessors!(u32, read32, write32);
    accessors!(u64, read64, write64);
}
