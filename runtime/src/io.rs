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

/// Byte-addressed register memory: exactly one volatile access of the requested
/// width per call.
///
/// The raw methods are `unsafe`: the caller promises the access is in bounds
/// (`offset + width <= self.len()`) and naturally aligned (`offset % width == 0`).
/// Generated code meets this by construction (offsets are checked when the code
/// is generated, and a block's constructor checks [`Io::len`]). The `checked_*`
/// methods are the safe variant for poking at raw offsets.
///
/// Writes take `&self`: device memory is shared by nature, and the types that
/// implement `Io` are not `Sync`, so two threads cannot race on one register.
///
/// ```
/// use mmreg::{FakeMem, Io};
/// let mem = FakeMem::new(0x100);
/// mem.checked_write32(0x10, 0xdead_beef)?;
/// assert_eq!(mem.checked_read32(0x10)?, 0xdead_beef);
/// assert!(mem.checked_read32(0x12).is_err()); // misaligned
/// # Ok::<(), mmreg::AccessError>(())
/// ```
pub trait Io {
    /// Length of the accessible range in bytes.
    fn len(&self) -> usize;

    /// Whether the accessible range is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads 8 bits at `offset`.
    ///
    /// # Safety
    /// `offset` must be in bounds.
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
    /// Reads 64 bits at `offset`.
    ///
    /// # Safety
    /// `offset + 8 <= len()` and `offset` is a multiple of 8.
    unsafe fn read64(&self, offset: usize) -> u64;
    /// Writes 8 bits at `offset`.
    ///
    /// # Safety
    /// `offset` must be in bounds.
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
    /// Writes 64 bits at `offset`.
    ///
    /// # Safety
    /// `offset + 8 <= len()` and `offset` is a multiple of 8.
    unsafe fn write64(&self, offset: usize, value: u64);

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

/// Checks that a `width`-byte access at `offset` fits in `len` bytes and is
/// naturally aligned.
pub(crate) fn check(len: usize, offset: usize, width: usize) -> Result<(), AccessError> {
    if offset % width != 0 {
        return Err(AccessError::Misaligned { offset, width });
    }
    match offset.checked_add(width) {
        Some(end) if end <= len => Ok(()),
        _ => Err(AccessError::OutOfBounds { offset, width, len }),
    }
}

impl<T: Io + ?Sized> Io for &T {
    fn len(&self) -> usize {
        (**self).len()
    }
    unsafe fn read8(&self, offset: usize) -> u8 {
        // SAFETY: the caller upholds the contract, forwarded unchanged.
        unsafe { (**self).read8(offset) }
    }
    unsafe fn read16(&self, offset: usize) -> u16 {
        // SAFETY: the caller upholds the contract, forwarded unchanged.
        unsafe { (**self).read16(offset) }
    }
    unsafe fn read32(&self, offset: usize) -> u32 {
        // SAFETY: the caller upholds the contract, forwarded unchanged.
        unsafe { (**self).read32(offset) }
    }
    unsafe fn read64(&self, offset: usize) -> u64 {
        // SAFETY: the caller upholds the contract, forwarded unchanged.
        unsafe { (**self).read64(offset) }
    }
    unsafe fn write8(&self, offset: usize, value: u8) {
        // SAFETY: the caller upholds the contract, forwarded unchanged.
        unsafe { (**self).write8(offset, value) }
    }
    unsafe fn write16(&self, offset: usize, value: u16) {
        // SAFETY: the caller upholds the contract, forwarded unchanged.
        unsafe { (**self).write16(offset, value) }
    }
    unsafe fn write32(&self, offset: usize, value: u32) {
        // SAFETY: the caller upholds the contract, forwarded unchanged.
        unsafe { (**self).write32(offset, value) }
    }
    unsafe fn write64(&self, offset: usize, value: u64) {
        // SAFETY: the caller upholds the contract, forwarded unchanged.
        unsafe { (**self).write64(offset, value) }
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
    /// Reads one value of this width with a single volatile access.
    ///
    /// # Safety
    /// As for [`Io::read32`] at this width.
    unsafe fn read_from<I: Io + ?Sized>(io: &I, offset: usize) -> Self;
    /// Writes one value of this width with a single volatile access.
    ///
    /// # Safety
    /// As for [`Io::write32`] at this width.
    unsafe fn write_to<I: Io + ?Sized>(self, io: &I, offset: usize);
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
            unsafe fn read_from<I: Io + ?Sized>(io: &I, offset: usize) -> Self {
                // SAFETY: the caller upholds the `Io` contract at this width.
                unsafe { io.$read(offset) }
            }
            #[inline(always)]
            unsafe fn write_to<I: Io + ?Sized>(self, io: &I, offset: usize) {
                // SAFETY: the caller upholds the `Io` contract at this width.
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
register_int!(u64, 8, read64, write64);
