//! The access trait every register goes through.
//!
//! [`Io`] is implemented by a real mapping ([`crate::Mapping`]) and by
//! [`crate::FakeMem`]. Generated blocks are generic over it, so the MMIO path is
//! monomorphised into plain volatile loads and stores.

use core::fmt;

/// Why a checked raw access was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessError {
    /// The access would reach past the end of the mapped range.
    OutOfBounds {
        /// Byte offset of the access.
        offset: usize,
        /// Width of the access in bytes.
        width: usize,
        /// Length of the mapped range in bytes.
        len: usize,
    },
    /// The offset is not a multiple of the access width.
    Misaligned {
        /// Byte offset of the access.
        offset: usize,
        /// Width of the access in bytes.
        width: usize,
    },
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            AccessError::OutOfBounds { offset, width, len } => write!(
                f,
                "{width}-byte access at offset `{offset:#x}` is out of bounds of a {len:#x}-byte mapping"
            ),
            AccessError::Misaligned { offset, width } => write!(
                f,
                "{width}-byte access at offset `{offset:#x}` is not naturally aligned"
            ),
        }
    }
}

impl std::error::Error for AccessError {}

/// Byte-addressed register memory that can be read: exactly one volatile
/// access of the requested width per call.
///
/// Generated blocks are generic over it: a real [`crate::Mapping`],
/// [`crate::FakeMem`], a [`crate::RawIo`] over memory mapped elsewhere, or a
/// reference, `Box`, `Rc` or `Arc` of any of them. Writes are the separate
/// [`IoWrite`], so memory mapped read-only cannot carry them: a block over it
/// has no `write` or `modify`, at compile time.
///
/// # Safety
///
/// An implementation promises, for the whole lifetime of the value:
/// - [`len`](Io::len) always returns the same number;
/// - every offset below `len()` that is a multiple of an access width is valid
///   for one volatile read of that width.
///
/// Generated blocks check `len()` once, when they are built, and rely on this
/// for every access after it without checking again.
///
/// # Threads
///
/// Each call is one access; nothing here orders or groups accesses. What keeps
/// two read-modify-write sequences on one register from interleaving is the
/// block: generated blocks are `Send` but not `Sync`, so one block is used by
/// one thread at a time (share it through a `Mutex`). Two blocks over the
/// same registers can exist only through a shared `I` (`&Mapping`,
/// `Arc<Mapping>`, `&FakeMem`; a cluster lent from `&self` is over
/// [`Borrowed`], which stays on its block's thread); each access is still in
/// bounds, but their
/// `modify` sequences may interleave, and neither may read side-effect
/// registers (see [`Exclusive`]).
///
/// ```
/// use mmreg::{FakeMem, Io, IoWrite};
/// let mem = FakeMem::new(0x100);
/// mem.checked_write32(0x10, 0xdead_beef)?;
/// assert_eq!(mem.checked_read32(0x10)?, 0xdead_beef);
/// assert!(mem.checked_read32(0x12).is_err()); // misaligned
/// # Ok::<(), mmreg::AccessError>(())
/// ```
pub unsafe trait Io {
    /// Length of the accessible range in bytes; constant for the value's life.
    fn len(&self) -> usize;

    /// Whether the accessible range is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads 8 bits at `offset`.
    ///
    /// # Safety
    /// `offset < len()`.
    unsafe fn read8(&self, offset: usize) -> u8;
    /// Reads 16 bits at `offset`.
    ///
    /// # Safety
    /// `offset + 2 <= len()` and `offset` is a multiple of 2.
    unsafe fn read16(&self, offset: usize) -> u16;
    /// Reads 32 bits at `offset`.
    ///
    /// # Safety
    /// `offset + 4 <= len()` and `offset` is a multiple of 4.
    unsafe fn read32(&self, offset: usize) -> u32;
    /// Reads 64 bits at `offset`. On 32-bit targets this is whatever the
    /// implementation makes of it; generated 64-bit registers use two
    /// [`read32`](Io::read32) there instead, in the description's order.
    ///
    /// # Safety
    /// `offset + 8 <= len()` and `offset` is a multiple of 8.
    unsafe fn read64(&self, offset: usize) -> u64;

    /// Reads 8 bits, refusing an out-of-bounds offset.
    fn checked_read8(&self, offset: usize) -> Result<u8, AccessError> {
        check(self.len(), offset, 1)?;
        // SAFETY: `check` proved the access in bounds; one byte is always aligned.
        Ok(unsafe { self.read8(offset) })
    }
    /// Reads 16 bits, refusing an out-of-bounds or misaligned offset.
    fn checked_read16(&self, offset: usize) -> Result<u16, AccessError> {
        check(self.len(), offset, 2)?;
        // SAFETY: `check` proved the access in bounds and aligned.
        Ok(unsafe { self.read16(offset) })
    }
    /// Reads 32 bits, refusing an out-of-bounds or misaligned offset.
    fn checked_read32(&self, offset: usize) -> Result<u32, AccessError> {
        check(self.len(), offset, 4)?;
        // SAFETY: `check` proved the access in bounds and aligned.
        Ok(unsafe { self.read32(offset) })
    }
    /// Reads 64 bits, refusing an out-of-bounds or misaligned offset.
    fn checked_read64(&self, offset: usize) -> Result<u64, AccessError> {
        check(self.len(), offset, 8)?;
        // SAFETY: `check` proved the access in bounds and aligned.
        Ok(unsafe { self.read64(offset) })
    }
}

/// Register memory that can also be written. Read-only mappings do not
/// implement it, so generated `write` and `modify` do not exist over them.
///
/// # Safety
///
/// As for [`Io`]: every aligned offset below `len()` is valid for one
/// volatile write of each width, for the whole lifetime of the value.
pub unsafe trait IoWrite: Io {
    /// Writes 8 bits at `offset`.
    ///
    /// # Safety
    /// `offset < len()`.
    unsafe fn write8(&self, offset: usize, value: u8);
    /// Writes 16 bits at `offset`.
    ///
    /// # Safety
    /// `offset + 2 <= len()` and `offset` is a multiple of 2.
    unsafe fn write16(&self, offset: usize, value: u16);
    /// Writes 32 bits at `offset`.
    ///
    /// # Safety
    /// `offset + 4 <= len()` and `offset` is a multiple of 4.
    unsafe fn write32(&self, offset: usize, value: u32);
    /// Writes 64 bits at `offset` (see [`Io::read64`] on 32-bit targets).
    ///
    /// # Safety
    /// `offset + 8 <= len()` and `offset` is a multiple of 8.
    unsafe fn write64(&self, offset: usize, value: u64);

    /// Writes 8 bits, refusing an out-of-bounds offset.
    fn checked_write8(&self, offset: usize, value: u8) -> Result<(), AccessError> {
        check(self.len(), offset, 1)?;
        // SAFETY: `check` proved the access in bounds; one byte is always aligned.
        unsafe { self.write8(offset, value) };
        Ok(())
    }
    /// Writes 16 bits, refusing an out-of-bounds or misaligned offset.
    fn checked_write16(&self, offset: usize, value: u16) -> Result<(), AccessError> {
        check(self.len(), offset, 2)?;
        // SAFETY: `check` proved the access in bounds and aligned.
        unsafe { self.write16(offset, value) };
        Ok(())
    }
    /// Writes 32 bits, refusing an out-of-bounds or misaligned offset.
    fn checked_write32(&self, offset: usize, value: u32) -> Result<(), AccessError> {
        check(self.len(), offset, 4)?;
        // SAFETY: `check` proved the access in bounds and aligned.
        unsafe { self.write32(offset, value) };
        Ok(())
    }
    /// Writes 64 bits, refusing an out-of-bounds or misaligned offset.
    fn checked_write64(&self, offset: usize, value: u64) -> Result<(), AccessError> {
        check(self.len(), offset, 8)?;
        // SAFETY: `check` proved the access in bounds and aligned.
        unsafe { self.write64(offset, value) };
        Ok(())
    }
}

/// An [`Io`] that no other safe code can reach while this value lives, so a
/// block built over it may hand out what needs exclusive access: reads that
/// change the device (clear-on-read FIFOs and flags), through `&mut self`.
///
/// Implemented by owned memory ([`crate::Mapping`], [`crate::FakeMem`]), by
/// `&mut` and `Box` of such, and by [`AssumeExclusive`], whose constructor is
/// `unsafe` because a shared reference cannot be checked. A shared `I`
/// (`&Mapping`, `Arc<Mapping>`, `&FakeMem`) is not `Exclusive`: several blocks
/// may sit over the same registers through it, so a block over it offers pure
/// reads, writes and `modify`, but no side-effect reads.
///
/// # Safety
///
/// While a value of the type lives, no safe code outside it can access the
/// same memory through an [`Io`] (so no `Clone` or `Copy` type that shares
/// its memory qualifies).
pub unsafe trait Exclusive: Io {}

// SAFETY: `&mut T` excludes every other use of `T` while it lives, and `T`
// is exclusive.
unsafe impl<T: Exclusive + ?Sized> Exclusive for &mut T {}
// SAFETY: the box owns its `T`, which is exclusive.
unsafe impl<T: Exclusive + ?Sized> Exclusive for Box<T> {}

/// A shared `I` asserted to be the only way to its registers, for the one
/// block that reads side-effect registers through it.
///
/// ```
/// use mmreg::{AssumeExclusive, Exclusive, FakeMem};
/// let fake = FakeMem::new(0x10);
/// // SAFETY: nothing else accesses `fake` while `only` lives.
/// let only = unsafe { AssumeExclusive::new(&fake) };
/// fn needs_exclusive(_: &impl Exclusive) {}
/// needs_exclusive(&only);
/// ```
#[derive(Debug)]
pub struct AssumeExclusive<I: ?Sized>(I);

impl<I: Io> AssumeExclusive<I> {
    /// Wraps `io`.
    ///
    /// # Safety
    ///
    /// While the result lives, nothing else (no other block, handle or
    /// mapping) accesses the registers behind `io` whose reads have side
    /// effects.
    pub unsafe fn new(io: I) -> Self {
        AssumeExclusive(io)
    }

    /// The wrapped memory.
    pub fn into_inner(self) -> I {
        self.0
    }
}

impl<I: ?Sized> core::ops::Deref for AssumeExclusive<I> {
    type Target = I;
    fn deref(&self) -> &I {
        &self.0
    }
}

// SAFETY: `AssumeExclusive::new`'s contract.
unsafe impl<I: Io + ?Sized> Exclusive for AssumeExclusive<I> {}

/// A block's memory lent to a cluster it hands out from `&self`: a shared
/// borrow, so not [`Exclusive`] (the cluster has no side-effect reads; its
/// `_mut` accessor gives those from `&mut self`), and neither `Send` nor
/// `Sync`, so the cluster stays on its block's thread as the block's own
/// handles do.
///
/// ```compile_fail
/// fn send<T: Send>(_: T) {}
/// let fake = mmreg::FakeMem::new(4);
/// send(mmreg::Borrowed::new(&fake));
/// ```
pub struct Borrowed<'a, I: ?Sized> {
    io: &'a I,
    /// A raw pointer makes it neither `Send` nor `Sync`.
    not_send: core::marker::PhantomData<*const ()>,
}

impl<'a, I: ?Sized> Borrowed<'a, I> {
    /// Lends `io`.
    #[inline(always)]
    pub const fn new(io: &'a I) -> Self {
        Borrowed {
            io,
            not_send: core::marker::PhantomData,
        }
    }
}

impl<I: ?Sized> fmt::Debug for Borrowed<'_, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Borrowed")
    }
}

/// Implements [`Io`] (`read`) or [`IoWrite`] (`write`) for a type by
/// forwarding every method to the `Io` that `$target` (an expression of
/// `$this: &Self`) reaches: `read [T: Io + ?Sized] &T => |this| &**this;`.
/// The caller's contract: `$target` reaches the same memory, of the same
/// length, for as long as the value lives.
macro_rules! forward_io {
    ($($kind:ident [$($generics:tt)*] $ty:ty => |$this:ident| $target:expr;)*) => {$(
        $crate::io::forward_io!(@$kind [$($generics)*] $ty, $this, $target);
    )*};
    (@read [$($generics:tt)*] $ty:ty, $this:ident, $target:expr) => {
        // SAFETY: every method forwards to an `Io` over the same memory, of
        // the same length, for the value's life (the macro's contract).
        unsafe impl<$($generics)*> $crate::io::Io for $ty {
            #[inline(always)]
            fn len(&self) -> usize {
                let $this = self;
                $crate::io::Io::len($target)
            }
            #[inline(always)]
            unsafe fn read8(&self, offset: usize) -> u8 {
                let $this = self;
                // SAFETY: the caller upholds the contract, forwarded unchanged.
                unsafe { $crate::io::Io::read8($target, offset) }
            }
            #[inline(always)]
            unsafe fn read16(&self, offset: usize) -> u16 {
                let $this = self;
                // SAFETY: the caller upholds the contract, forwarded unchanged.
                unsafe { $crate::io::Io::read16($target, offset) }
            }
            #[inline(always)]
            unsafe fn read32(&self, offset: usize) -> u32 {
                let $this = self;
                // SAFETY: the caller upholds the contract, forwarded unchanged.
                unsafe { $crate::io::Io::read32($target, offset) }
            }
            #[inline(always)]
            unsafe fn read64(&self, offset: usize) -> u64 {
                let $this = self;
                // SAFETY: the caller upholds the contract, forwarded unchanged.
                unsafe { $crate::io::Io::read64($target, offset) }
            }
        }
    };
    (@write [$($generics:tt)*] $ty:ty, $this:ident, $target:expr) => {
        // SAFETY: as for `Io`: forwards to an `IoWrite` over the same memory.
        unsafe impl<$($generics)*> $crate::io::IoWrite for $ty {
            #[inline(always)]
            unsafe fn write8(&self, offset: usize, value: u8) {
                let $this = self;
                // SAFETY: the caller upholds the contract, forwarded unchanged.
                unsafe { $crate::io::IoWrite::write8($target, offset, value) }
            }
            #[inline(always)]
            unsafe fn write16(&self, offset: usize, value: u16) {
                let $this = self;
                // SAFETY: the caller upholds the contract, forwarded unchanged.
                unsafe { $crate::io::IoWrite::write16($target, offset, value) }
            }
            #[inline(always)]
            unsafe fn write32(&self, offset: usize, value: u32) {
                let $this = self;
                // SAFETY: the caller upholds the contract, forwarded unchanged.
                unsafe { $crate::io::IoWrite::write32($target, offset, value) }
            }
            #[inline(always)]
            unsafe fn write64(&self, offset: usize, value: u64) {
                let $this = self;
                // SAFETY: the caller upholds the contract, forwarded unchanged.
                unsafe { $crate::io::IoWrite::write64($target, offset, value) }
            }
        }
    };
}
pub(crate) use forward_io;

forward_io! {
    read [T: Io + ?Sized] &T => |this| &**this;
    write [T: IoWrite + ?Sized] &T => |this| &**this;
    read [T: Io + ?Sized] &mut T => |this| &**this;
    write [T: IoWrite + ?Sized] &mut T => |this| &**this;
    read [T: Io + ?Sized] Box<T> => |this| &**this;
    write [T: IoWrite + ?Sized] Box<T> => |this| &**this;
    read [T: Io + ?Sized] std::rc::Rc<T> => |this| &**this;
    write [T: IoWrite + ?Sized] std::rc::Rc<T> => |this| &**this;
    read [T: Io + ?Sized] std::sync::Arc<T> => |this| &**this;
    write [T: IoWrite + ?Sized] std::sync::Arc<T> => |this| &**this;
    read [T: Io + ?Sized] Borrowed<'_, T> => |this| this.io;
    write [T: IoWrite + ?Sized] Borrowed<'_, T> => |this| this.io;
    read [T: Io + ?Sized] AssumeExclusive<T> => |this| &this.0;
    write [T: IoWrite + ?Sized] AssumeExclusive<T> => |this| &this.0;
}

/// Checks that a `width`-byte access at `offset` fits in `len` bytes and is
/// naturally aligned.
pub(crate) fn check(len: usize, offset: usize, width: usize) -> Result<(), AccessError> {
    if !offset.is_multiple_of(width) {
        return Err(AccessError::Misaligned { offset, width });
    }
    match offset.checked_add(width) {
        Some(end) if end <= len => Ok(()),
        _ => Err(AccessError::OutOfBounds { offset, width, len }),
    }
}

/// A register's integer type: `u8`, `u16`, `u32` or `u64`. Sealed.
pub trait RegisterInt:
    Copy
    + Eq
    + fmt::Debug
    + fmt::LowerHex
    + core::ops::BitAnd<Output = Self>
    + core::ops::BitOr<Output = Self>
    + core::ops::Not<Output = Self>
    + sealed::Sealed
    + 'static
{
    /// Width in bytes.
    const BYTES: usize;
    /// Zero of this type.
    const ZERO: Self;
    /// Reads one value of this width with a single volatile access; on
    /// 32-bit targets a `u64` is two 32-bit reads, the high word first when
    /// `high_word_first` is set, else the low word first.
    ///
    /// # Safety
    /// As for [`Io::read32`] at this width.
    unsafe fn read_from<I: Io + ?Sized>(io: &I, offset: usize, high_word_first: bool) -> Self;
    /// Writes one value of this width with a single volatile access; on
    /// 32-bit targets a `u64` is two 32-bit writes, in the order
    /// [`read_from`](Self::read_from) describes.
    ///
    /// # Safety
    /// As for [`IoWrite::write32`] at this width.
    unsafe fn write_to<I: IoWrite + ?Sized>(self, io: &I, offset: usize, high_word_first: bool);
    /// Widens to `u64` (for logs and metadata).
    fn to_u64(self) -> u64;
    /// Truncates from `u64`.
    fn from_u64(value: u64) -> Self;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for u8 {}
    impl Sealed for u16 {}
    impl Sealed for u32 {}
    impl Sealed for u64 {}
}

macro_rules! register_int {
    ($ty:ty, $bytes:expr, $read:ident, $write:ident) => {
        impl RegisterInt for $ty {
            const BYTES: usize = $bytes;
            const ZERO: Self = 0;
            #[inline(always)]
            unsafe fn read_from<I: Io + ?Sized>(io: &I, offset: usize, _: bool) -> Self {
                // SAFETY: the caller upholds the `Io` contract at this width.
                unsafe { io.$read(offset) }
            }
            #[inline(always)]
            unsafe fn write_to<I: IoWrite + ?Sized>(self, io: &I, offset: usize, _: bool) {
                // SAFETY: the caller upholds the `IoWrite` contract at this width.
                unsafe { io.$write(offset, self) }
            }
            #[inline(always)]
            fn to_u64(self) -> u64 {
                self as u64
            }
            #[inline(always)]
            fn from_u64(value: u64) -> Self {
                value as $ty
            }
        }
    };
}

register_int!(u8, 1, read8, write8);
register_int!(u16, 2, read16, write16);
register_int!(u32, 4, read32, write32);

/// Byte offsets of the (low, high) 32-bit halves of a 64-bit register.
#[cfg(target_pointer_width = "32")]
#[inline(always)]
const fn halves(offset: usize) -> (usize, usize) {
    if cfg!(target_endian = "little") {
        (offset, offset + 4)
    } else {
        (offset + 4, offset)
    }
}

impl RegisterInt for u64 {
    const BYTES: usize = 8;
    const ZERO: Self = 0;
    #[inline(always)]
    unsafe fn read_from<I: Io + ?Sized>(io: &I, offset: usize, high_word_first: bool) -> Self {
        #[cfg(target_pointer_width = "32")]
        {
            let (low_at, high_at) = halves(offset);
            // SAFETY: the caller guarantees 8 aligned bytes at `offset`, so
            // both 4-byte halves are in bounds and aligned.
            let (low, high) = unsafe {
                if high_word_first {
                    let high = io.read32(high_at);
                    (io.read32(low_at), high)
                } else {
                    let low = io.read32(low_at);
                    (low, io.read32(high_at))
                }
            };
            u64::from(low) | (u64::from(high) << 32)
        }
        #[cfg(not(target_pointer_width = "32"))]
        {
            let _ = high_word_first;
            // SAFETY: the caller upholds the `Io` contract at this width.
            unsafe { io.read64(offset) }
        }
    }
    #[inline(always)]
    unsafe fn write_to<I: IoWrite + ?Sized>(self, io: &I, offset: usize, high_word_first: bool) {
        #[cfg(target_pointer_width = "32")]
        {
            let (low_at, high_at) = halves(offset);
            let (low, high) = (self as u32, (self >> 32) as u32);
            // SAFETY: the caller guarantees 8 aligned bytes at `offset`, so
            // both 4-byte halves are in bounds and aligned.
            unsafe {
                if high_word_first {
                    io.write32(high_at, high);
                    io.write32(low_at, low);
                } else {
                    io.write32(low_at, low);
                    io.write32(high_at, high);
                }
            }
        }
        #[cfg(not(target_pointer_width = "32"))]
        {
            let _ = high_word_first;
            // SAFETY: the caller upholds the `IoWrite` contract at this width.
            unsafe { io.write64(offset, self) }
        }
    }
    #[inline(always)]
    fn to_u64(self) -> u64 {
        self
    }
    #[inline(always)]
    fn from_u64(value: u64) -> Self {
        value
    }
}
