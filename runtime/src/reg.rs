//! Register handles: typed by value and access rule.
//!
//! Generated blocks hand out a [`Reg`] per register. Its access marker decides
//! which methods exist: a [`ReadOnly`] register has no `write`, a [`WriteOnly`]
//! one no `read`, and a register whose read has a side effect
//! ([`ReadOnlySideEffect`], [`ReadWriteSideEffect`]) reads through `&mut` and has
//! no `modify` (a read-modify-write would trigger the side effect unseen).
//!
//! ```
//! use mmreg::{FakeMem, RawValue, Reg, ReadWrite};
//! let mem = FakeMem::new(4);
//! // SAFETY: offset 0 is in bounds and aligned for 32 bits.
//! let reg: Reg<'_, _, RawValue<u32>, ReadWrite> = unsafe { Reg::new(&mem, 0) };
//! reg.write(|w| w.0 = 0x10);
//! reg.modify(|v| v.0 |= 1);
//! assert_eq!(reg.read().0, 0x11);
//! ```
//!
//! Writing a read-only register does not compile:
//! ```compile_fail
//! use mmreg::{FakeMem, RawValue, Reg, ReadOnly};
//! let mem = FakeMem::new(4);
//! let reg: Reg<'_, _, RawValue<u32>, ReadOnly> = unsafe { Reg::new(&mem, 0) };
//! reg.write(|w| w.0 = 1);
//! ```
//!
//! Reading a write-only register does not compile:
//! ```compile_fail
//! use mmreg::{FakeMem, RawValue, Reg, WriteOnly};
//! let mem = FakeMem::new(4);
//! let reg: Reg<'_, _, RawValue<u32>, WriteOnly> = unsafe { Reg::new(&mem, 0) };
//! let _ = reg.read();
//! ```
//!
//! A register whose read has a side effect has no `modify`:
//! ```compile_fail
//! use mmreg::{FakeMem, RawValue, Reg, ReadWriteSideEffect};
//! let mem = FakeMem::new(4);
//! let mut reg: Reg<'_, _, RawValue<u32>, ReadWriteSideEffect> = unsafe { Reg::new(&mem, 0) };
//! reg.modify(|v| v.0 |= 1);
//! ```
//!
//! and its read needs `&mut`:
//! ```compile_fail
//! use mmreg::{FakeMem, RawValue, Reg, ReadOnlySideEffect};
//! let mem = FakeMem::new(4);
//! let reg: Reg<'_, _, RawValue<u32>, ReadOnlySideEffect> = unsafe { Reg::new(&mem, 0) };
//! let _ = reg.read();
//! ```
//!
//! A handle cannot outlive the memory it points into:
//! ```compile_fail
//! use mmreg::{FakeMem, RawValue, Reg, ReadWrite};
//! let reg: Reg<'_, FakeMem, RawValue<u32>, ReadWrite>;
//! {
//!     let mem = FakeMem::new(4);
//!     reg = unsafe { Reg::new(&mem, 0) };
//! }
//! let _ = reg.read();
//! ```

use core::fmt;
use core::marker::PhantomData;

use crate::io::{Io, RegisterInt};

/// A register's value type: a `Copy` wrapper around the register integer.
///
/// Generated fieldsets implement it; [`RawValue`] is the plain integer.
/// The conversions are provided, so an implementation states only the
/// integer type and the constants: generated crates stay small.
///
/// # Safety
///
/// `Self` must be `#[repr(transparent)]` around `Self::Int` (or otherwise
/// have exactly its size and accept every bit pattern of it), because
/// [`from_bits`](Self::from_bits) and [`to_bits`](Self::to_bits) reinterpret
/// the bits.
///
/// ```
/// use mmreg::RegisterValue;
///
/// #[derive(Clone, Copy)]
/// #[repr(transparent)]
/// struct Control(u32);
///
/// // SAFETY: `Control` is `#[repr(transparent)]` around `u32`.
/// unsafe impl RegisterValue for Control {
///     type Int = u32;
///     const RESET: u32 = 0x10;
///     const WRITE_ONE_ACTION_MASK: u32 = 0;
///     const WRITE_ZERO_ACTION_MASK: u32 = 0;
/// }
///
/// assert_eq!(Control::from_bits(7).0, 7);
/// assert_eq!(Control(9).to_bits(), 9);
/// ```
pub unsafe trait RegisterValue: Copy {
    /// The register integer (`u8`, `u16`, `u32` or `u64`).
    type Int: RegisterInt;
    /// The value after reset, with undefined bits as 0.
    const RESET: Self::Int;
    /// Bits where writing 1 acts (write-1-to-clear, -set, -toggle): `write` and
    /// `modify` start them at 0 so that they act only when the caller sets them.
    const WRITE_ONE_ACTION_MASK: Self::Int;
    /// Bits where writing 0 acts (write-0-to-clear, -set, -toggle): `write` and
    /// `modify` start them at 1.
    const WRITE_ZERO_ACTION_MASK: Self::Int;

    /// Wraps raw register bits.
    #[inline(always)]
    fn from_bits(bits: Self::Int) -> Self {
        const { assert!(size_of::<Self>() == size_of::<Self::Int>()) };
        // SAFETY: the trait's contract: `Self` is `Self::Int` reinterpreted,
        // and the sizes are equal (checked above at compile time).
        unsafe { core::mem::transmute_copy(&bits) }
    }

    /// The raw register bits.
    #[inline(always)]
    fn to_bits(self) -> Self::Int {
        const { assert!(size_of::<Self>() == size_of::<Self::Int>()) };
        // SAFETY: as in `from_bits`.
        unsafe { core::mem::transmute_copy(&self) }
    }

    /// The value `write` starts from: reset, with action bits neutral.
    #[inline(always)]
    fn write_base() -> Self {
        Self::from_bits(neutralise::<Self>(Self::RESET))
    }
}

/// Sets every bit where writing has an effect to its harmless value.
#[inline(always)]
fn neutralise<V: RegisterValue>(bits: V::Int) -> V::Int {
    (bits & !V::WRITE_ONE_ACTION_MASK) | V::WRITE_ZERO_ACTION_MASK
}

/// A register value with no fields: the plain integer.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct RawValue<T>(pub T);

// SAFETY: `RawValue<T>` is `#[repr(transparent)]` around `T`.
unsafe impl<T: RegisterInt> RegisterValue for RawValue<T> {
    type Int = T;
    const RESET: T = T::ZERO;
    const WRITE_ONE_ACTION_MASK: T = T::ZERO;
    const WRITE_ZERO_ACTION_MASK: T = T::ZERO;
}

impl<T: RegisterInt> fmt::Debug for RawValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

/// Access marker: read, no write.
#[derive(Debug, Clone, Copy)]
pub enum ReadOnly {}
/// Access marker: write, no read.
#[derive(Debug, Clone, Copy)]
pub enum WriteOnly {}
/// Access marker: read, write and modify.
#[derive(Debug, Clone, Copy)]
pub enum ReadWrite {}
/// Access marker: read-only, and reading changes the device (for example
/// clear-on-read), so `read` takes `&mut self`.
#[derive(Debug, Clone, Copy)]
pub enum ReadOnlySideEffect {}
/// Access marker: readable and writable, reading changes the device, so `read`
/// takes `&mut self` and there is no `modify`.
#[derive(Debug, Clone, Copy)]
pub enum ReadWriteSideEffect {}

/// A handle to one register of type `V` at a byte offset in `I`, with access
/// rule `A`. Borrows the memory, so it cannot outlive the mapping.
pub struct Reg<'a, I: ?Sized, V, A> {
    io: &'a I,
    offset: usize,
    _marker: PhantomData<(fn() -> V, A)>,
}

impl<'a, I: Io + ?Sized, V: RegisterValue, A> Reg<'a, I, V, A> {
    /// Makes a handle to the register at `offset`.
    ///
    /// # Safety
    /// `offset + size_of::<V::Int>() <= io.len()` and `offset` is a multiple of
    /// the register width. Generated blocks guarantee this by construction.
    #[inline(always)]
    pub const unsafe fn new(io: &'a I, offset: usize) -> Self {
        Reg {
            io,
            offset,
            _marker: PhantomData,
        }
    }

    /// Byte offset of the register in its mapping.
    #[inline(always)]
    pub fn offset(&self) -> usize {
        self.offset
    }

    #[inline(always)]
    fn load(&self) -> V {
        // SAFETY: `new`'s contract: in bounds and aligned for this width.
        V::from_bits(unsafe { V::Int::read_from(self.io, self.offset) })
    }

    #[inline(always)]
    fn store(&self, value: V) {
        // SAFETY: `new`'s contract: in bounds and aligned for this width.
        unsafe { value.to_bits().write_to(self.io, self.offset) }
    }

    #[inline(always)]
    fn write_from_reset<R>(&self, f: impl FnOnce(&mut V) -> R) -> R {
        let mut value = V::write_base();
        let result = f(&mut value);
        self.store(value);
        result
    }

    #[inline(always)]
    fn read_modify_write<R>(&self, f: impl FnOnce(&mut V) -> R) -> R {
        let mut value = V::from_bits(neutralise::<V>(self.load().to_bits()));
        let result = f(&mut value);
        self.store(value);
        result
    }
}

impl<I: ?Sized, V, A> fmt::Debug for Reg<'_, I, V, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Reg@{:#x}", self.offset)
    }
}

macro_rules! pure_read {
    () => {
        /// Reads the register with one volatile access of its width.
        #[inline(always)]
        pub fn read(&self) -> V {
            self.load()
        }
    };
}

macro_rules! side_effect_read {
    () => {
        /// Reads the register with one volatile access of its width. The read
        /// changes the device (for example clears flags), hence `&mut self`.
        #[inline(always)]
        pub fn read(&mut self) -> V {
            self.load()
        }
    };
}

macro_rules! writes {
    () => {
        /// Writes the register: `f` edits a value that starts from the reset
        /// value, with write-1-to-clear (and -set, -toggle) bits at 0 and
        /// write-0-to-clear bits at 1, so a plain write clears no flag by accident.
        #[inline(always)]
        pub fn write<R>(&self, f: impl FnOnce(&mut V) -> R) -> R {
            self.write_from_reset(f)
        }

        /// Writes `value` as given, bit for bit.
        #[inline(always)]
        pub fn write_value(&self, value: V) {
            self.store(value)
        }

        /// Writes the reset value.
        #[inline(always)]
        pub fn reset(&self) {
            self.store(V::from_bits(V::RESET))
        }
    };
}

impl<I: Io + ?Sized, V: RegisterValue> Reg<'_, I, V, ReadOnly> {
    pure_read!();
}

impl<I: Io + ?Sized, V: RegisterValue> Reg<'_, I, V, WriteOnly> {
    writes!();
}

impl<I: Io + ?Sized, V: RegisterValue> Reg<'_, I, V, ReadWrite> {
    pure_read!();
    writes!();

    /// Reads, lets `f` change the value, writes it back. Bits where writing
    /// acts (write-1-to-clear flags and the like) are made neutral before `f`
    /// sees the value, so flags that were set stay set unless `f` sets them.
    #[inline(always)]
    pub fn modify<R>(&self, f: impl FnOnce(&mut V) -> R) -> R {
        self.read_modify_write(f)
    }
}

impl<I: Io + ?Sized, V: RegisterValue> Reg<'_, I, V, ReadOnlySideEffect> {
    side_effect_read!();
}

impl<I: Io + ?Sized, V: RegisterValue> Reg<'_, I, V, ReadWriteSideEffect> {
    side_effect_read!();
    writes!();
}

/// Why a block could not be made over a mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockError {
    /// The mapping ends before the block does.
    TooSmall {
        /// Name of the block type.
        block: &'static str,
        /// Offset of the block in the mapping.
        base: usize,
        /// Size the block needs in bytes.
        size: usize,
        /// Length of the mapping in bytes.
        len: usize,
    },
    /// The block's offset is not aligned for its widest register.
    Misaligned {
        /// Name of the block type.
        block: &'static str,
        /// Offset of the block in the mapping.
        base: usize,
        /// Required alignment in bytes.
        align: usize,
    },
}

impl fmt::Display for BlockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BlockError::TooSmall {
                block,
                base,
                size,
                len,
            } => write!(
                f,
                "block `{block}` needs {size:#x} bytes at offset {base:#x}, but the mapping is only {len:#x} bytes long"
            ),
            BlockError::Misaligned { block, base, align } => write!(
                f,
                "block `{block}` at offset {base:#x} is not aligned to {align} bytes"
            ),
        }
    }
}

impl std::error::Error for BlockError {}

/// Checks that a block of `size` bytes fits at `base` in `io` with `align`
/// alignment. Generated constructors call this once, so that every accessor
/// after it is in bounds.
pub fn check_block<I: Io + ?Sized>(
    io: &I,
    block: &'static str,
    base: usize,
    size: usize,
    align: usize,
) -> Result<(), BlockError> {
    if align > 1 && base % align != 0 {
        return Err(BlockError::Misaligned { block, base, align });
    }
    let len = io.len();
    match base.checked_add(size) {
        Some(end) if end <= len => Ok(()),
        _ => Err(BlockError::TooSmall {
            block,
            base,
            size,
            len,
        }),
    }
}
