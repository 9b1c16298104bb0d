//! Register handles: typed by value and access rule.
//!
//! Generated blocks hand out a [`Reg`] per register, borrowed from the block.
//! Its access rule `A` is a pair `(read kind, write kind)` that decides which
//! methods exist:
//!
//! | read kind | `read` |
//! |---|---|
//! | [`NoRead`] | none |
//! | [`PureRead`] | `read(&self)`; the block accessor takes `&self` |
//! | [`SideEffectRead`] | `read(&mut self)`; the block accessor takes `&mut self` and needs an [`Exclusive`](crate::Exclusive) `I` |
//!
//! | write kind | `write`, `write_value`, `reset` | `modify` (with [`PureRead`]) |
//! |---|---|---|
//! | [`NoWrite`] | none | none |
//! | [`PlainWrite`] | safe | safe |
//! | [`ActionWrite`] (every bit acts on any write) | safe | none |
//! | [`DmaWrite`] (the device may access memory) | `unsafe` | `unsafe` |
//!
//! Writes need `I:` [`IoWrite`], so a read-only mapping has none. The common
//! pairs have names: [`ReadOnly`], [`WriteOnly`], [`ReadWrite`],
//! [`ReadOnlySideEffect`], [`ReadWriteSideEffect`].
//!
//! ```
//! use mmreg::{FakeMem, RawValue, Reg, ReadWrite};
//! let mem = FakeMem::new(4);
//! // SAFETY: offset 0 is in bounds and aligned for 32 bits.
//! let reg: Reg<'_, _, RawValue<u32>, ReadWrite> = unsafe { Reg::new(&mem, 0) };
//! reg.write(|w| w.0 = 0x10);
//! reg.modify(|_, w| w.0 |= 1);
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
//! reg.modify(|_, w| w.0 |= 1);
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
//! A register whose every bit acts on any write has no `modify`:
//! ```compile_fail
//! use mmreg::{ActionWrite, FakeMem, PureRead, RawValue, Reg};
//! let mem = FakeMem::new(4);
//! let reg: Reg<'_, _, RawValue<u32>, (PureRead, ActionWrite)> = unsafe { Reg::new(&mem, 0) };
//! reg.modify(|_, w| w.0 |= 1);
//! ```
//!
//! A DMA register's write is `unsafe`:
//! ```compile_fail
//! use mmreg::{DmaWrite, FakeMem, PureRead, RawValue, Reg};
//! let mem = FakeMem::new(8);
//! let reg: Reg<'_, _, RawValue<u64>, (PureRead, DmaWrite)> = unsafe { Reg::new(&mem, 0) };
//! reg.write(|w| w.0 = 0x1000);
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

use crate::io::{Io, IoWrite, RegisterInt};

/// A register's value type: a `Copy` wrapper around the register integer.
///
/// Generated fieldsets implement it; [`RawValue`] is the plain integer. The
/// conversions are ordinary safe functions, so a fieldset of any layout can
/// implement it.
///
/// ```
/// use mmreg::RegisterValue;
///
/// #[derive(Clone, Copy)]
/// struct Control(u32);
///
/// impl RegisterValue for Control {
///     type Int = u32;
///     const RESET: u32 = 0x10;
///     const WRITE_ONE_ACTION_MASK: u32 = 0;
///     const WRITE_ZERO_ACTION_MASK: u32 = 0;
///     fn from_bits(bits: u32) -> Self {
///         Control(bits)
///     }
///     fn to_bits(self) -> u32 {
///         self.0
///     }
/// }
///
/// assert_eq!(Control::from_bits(7).0, 7);
/// assert_eq!(Control::write_base().to_bits(), 0x10);
/// ```
pub trait RegisterValue: Copy {
    /// The register integer (`u8`, `u16`, `u32` or `u64`).
    type Int: RegisterInt;
    /// The value after reset, with undefined bits as 0.
    const RESET: Self::Int;
    /// Bits where writing 1 acts (write-1-to-clear, -set, -toggle): values to
    /// write start them at 0, so that they act only when the caller sets them.
    const WRITE_ONE_ACTION_MASK: Self::Int;
    /// Bits where writing 0 acts (write-0-to-clear, -set, -toggle): values to
    /// write start them at 1.
    const WRITE_ZERO_ACTION_MASK: Self::Int;
    /// On 32-bit targets, whether a 64-bit register's high word is accessed
    /// before its low word (the default is low word first, as Linux's
    /// `lo_hi` helpers). Ignored for narrower registers and on 64-bit
    /// targets, where a 64-bit register is one access.
    const HIGH_WORD_FIRST: bool = false;

    /// Wraps raw register bits.
    fn from_bits(bits: Self::Int) -> Self;

    /// The raw register bits.
    fn to_bits(self) -> Self::Int;

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

impl<T: RegisterInt> RegisterValue for RawValue<T> {
    type Int = T;
    const RESET: T = T::ZERO;
    const WRITE_ONE_ACTION_MASK: T = T::ZERO;
    const WRITE_ZERO_ACTION_MASK: T = T::ZERO;
    #[inline(always)]
    fn from_bits(bits: T) -> Self {
        RawValue(bits)
    }
    #[inline(always)]
    fn to_bits(self) -> T {
        self.0
    }
}

impl<T: RegisterInt> fmt::Debug for RawValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

/// Read kind: the register cannot be read.
#[derive(Debug, Clone, Copy)]
pub enum NoRead {}
/// Read kind: reading has no effect on the device; `read` takes `&self`.
#[derive(Debug, Clone, Copy)]
pub enum PureRead {}
/// Read kind: reading changes the device (clear-on-read, a FIFO pop), so the
/// handle comes from `&mut` of the block and `read` takes `&mut self`.
#[derive(Debug, Clone, Copy)]
pub enum SideEffectRead {}

/// Write kind: the register cannot be written.
#[derive(Debug, Clone, Copy)]
pub enum NoWrite {}
/// Write kind: `write`, `write_value`, `reset` and, with a pure read, `modify`.
#[derive(Debug, Clone, Copy)]
pub enum PlainWrite {}
/// Write kind: every bit acts on any write (SVD `clear`/`set`), so a
/// read-modify-write would always act: writes only, no `modify`.
#[derive(Debug, Clone, Copy)]
pub enum ActionWrite {}
/// Write kind: writing can make the device read or write memory (DMA
/// addresses, lengths, commands), so every write is `unsafe`.
#[derive(Debug, Clone, Copy)]
pub enum DmaWrite {}

/// Access rule: read, no write.
pub type ReadOnly = (PureRead, NoWrite);
/// Access rule: write, no read.
pub type WriteOnly = (NoRead, PlainWrite);
/// Access rule: read, write and modify.
pub type ReadWrite = (PureRead, PlainWrite);
/// Access rule: read-only, and reading changes the device.
pub type ReadOnlySideEffect = (SideEffectRead, NoWrite);
/// Access rule: readable and writable, reading changes the device (no
/// `modify`).
pub type ReadWriteSideEffect = (SideEffectRead, PlainWrite);

/// A handle to one register of type `V` at a byte offset in `I`, with access
/// rule `A` (see the module docs). Borrows what it was made from (the block),
/// so it cannot outlive the mapping, and a handle to a side-effect register
/// excludes every other handle of its block.
///
/// Neither `Send` nor `Sync`: a handle stays on the thread of the block it
/// came from, so a block's read-modify-write sequences never run on two
/// threads at once (blocks are not `Sync` for the same reason).
///
/// ```
/// use mmreg::{FakeMem, RawValue, Reg, ReadOnlySideEffect, ReadWrite};
/// let fake = FakeMem::new(8);
/// fake.poke32(4, 7);
/// {
///     // SAFETY: both offsets are in bounds and aligned for 32 bits.
///     let control: Reg<'_, _, RawValue<u32>, ReadWrite> = unsafe { Reg::new(&fake, 0) };
///     control.modify(|_, w| w.0 |= 1);
///     assert_eq!(control.read().0, 1);
/// }
/// // A side-effect register reads through `&mut` of its handle, which
/// // generated blocks hand out from `&mut self`.
/// // SAFETY: as above.
/// let mut fifo: Reg<'_, _, RawValue<u32>, ReadOnlySideEffect> = unsafe { Reg::new(&fake, 4) };
/// assert_eq!(fifo.read().0, 7);
/// ```
pub struct Reg<'a, I: ?Sized, V, A> {
    io: &'a I,
    offset: usize,
    _marker: PhantomData<(fn() -> V, A)>,
    /// A raw pointer makes the handle neither `Send` nor `Sync`.
    _not_send: PhantomData<*const ()>,
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
            _not_send: PhantomData,
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
        V::from_bits(unsafe { V::Int::read_from(self.io, self.offset, V::HIGH_WORD_FIRST) })
    }
}

impl<I: IoWrite + ?Sized, V: RegisterValue, A> Reg<'_, I, V, A> {
    #[inline(always)]
    fn store(&self, value: V) {
        // SAFETY: `new`'s contract: in bounds and aligned for this width.
        unsafe {
            value
                .to_bits()
                .write_to(self.io, self.offset, V::HIGH_WORD_FIRST)
        }
    }

    #[inline(always)]
    fn write_from_reset<R>(&self, f: impl FnOnce(&mut V) -> R) -> R {
        let mut value = V::write_base();
        let result = f(&mut value);
        self.store(value);
        result
    }

    #[inline(always)]
    fn read_modify_write<R>(&self, f: impl FnOnce(&V, &mut V) -> R) -> R {
        let read = self.load();
        let mut value = V::from_bits(neutralise::<V>(read.to_bits()));
        let result = f(&read, &mut value);
        self.store(value);
        result
    }
}

impl<I: ?Sized, V, A> fmt::Debug for Reg<'_, I, V, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Reg@{:#x}", self.offset)
    }
}

impl<I: Io + ?Sized, V: RegisterValue, W> Reg<'_, I, V, (PureRead, W)> {
    /// Reads the register with one volatile access of its width (two 32-bit
    /// accesses for a 64-bit register on a 32-bit target).
    #[inline(always)]
    pub fn read(&self) -> V {
        self.load()
    }
}

impl<I: Io + ?Sized, V: RegisterValue, W> Reg<'_, I, V, (SideEffectRead, W)> {
    /// Reads the register with one volatile access of its width. The read
    /// changes the device (for example clears flags or pops a FIFO), hence
    /// `&mut self`.
    #[inline(always)]
    pub fn read(&mut self) -> V {
        self.load()
    }
}

/// The safe writes, for write kinds whose writes are safe.
macro_rules! safe_writes {
    ($($kind:ty),*) => {$(
        impl<I: IoWrite + ?Sized, V: RegisterValue, R> Reg<'_, I, V, (R, $kind)> {
            /// Writes the register: `f` edits a value that starts from the
            /// reset value with every action bit neutral (write-1-to-clear,
            /// -set and -toggle bits at 0, write-0 ones at 1), so a write acts
            /// on no flag unless `f` asks for it.
            #[inline(always)]
            pub fn write<T>(&self, f: impl FnOnce(&mut V) -> T) -> T {
                self.write_from_reset(f)
            }

            /// Writes `value` as given, bit for bit (action bits included).
            #[inline(always)]
            pub fn write_value(&self, value: V) {
                self.store(value)
            }

            /// Writes the reset value, with every action bit neutral.
            #[inline(always)]
            pub fn reset(&self) {
                self.store(V::write_base())
            }
        }
    )*};
}

safe_writes!(PlainWrite, ActionWrite);

impl<I: IoWrite + ?Sized, V: RegisterValue> Reg<'_, I, V, (PureRead, PlainWrite)> {
    /// Reads the register, lets `f` build the value to write, writes it.
    ///
    /// `f` gets the value as read (every flag visible) and the value to
    /// write, which starts as the value read with every action bit neutral:
    /// a write-1-to-clear flag that was set is 0 in it, so it is not cleared
    /// unless `f` sets it to 1 there.
    ///
    /// ```
    /// use mmreg::{FakeMem, RawValue, Reg, ReadWrite};
    /// let mem = FakeMem::new(4);
    /// mem.poke32(0, 0b11);
    /// // SAFETY: offset 0 is in bounds and aligned.
    /// let reg: Reg<'_, _, RawValue<u32>, ReadWrite> = unsafe { Reg::new(&mem, 0) };
    /// let was = reg.modify(|r, w| {
    ///     w.0 |= 0x100;
    ///     r.0
    /// });
    /// assert_eq!((was, mem.peek32(0)), (0b11, 0x103));
    /// ```
    #[inline(always)]
    pub fn modify<T>(&self, f: impl FnOnce(&V, &mut V) -> T) -> T {
        self.read_modify_write(f)
    }
}

impl<I: IoWrite + ?Sized, V: RegisterValue, R> Reg<'_, I, V, (R, DmaWrite)> {
    /// Writes the register, as the safe `write` of other registers does.
    ///
    /// # Safety
    ///
    /// The register makes the device access memory (a DMA address, length or
    /// command): the value must not let the device read or write memory this
    /// process or the kernel relies on.
    #[inline(always)]
    pub unsafe fn write<T>(&self, f: impl FnOnce(&mut V) -> T) -> T {
        self.write_from_reset(f)
    }

    /// Writes `value` as given, bit for bit.
    ///
    /// # Safety
    ///
    /// As for [`write`](Self::write).
    #[inline(always)]
    pub unsafe fn write_value(&self, value: V) {
        self.store(value)
    }

    /// Writes the reset value, with every action bit neutral.
    ///
    /// # Safety
    ///
    /// As for [`write`](Self::write).
    #[inline(always)]
    pub unsafe fn reset(&self) {
        self.store(V::write_base())
    }
}

impl<I: IoWrite + ?Sized, V: RegisterValue> Reg<'_, I, V, (PureRead, DmaWrite)> {
    /// Reads, lets `f` build the value to write, writes it (see the `modify`
    /// of [`ReadWrite`] registers).
    ///
    /// # Safety
    ///
    /// As for [`write`](Self::write).
    #[inline(always)]
    pub unsafe fn modify<T>(&self, f: impl FnOnce(&V, &mut V) -> T) -> T {
        self.read_modify_write(f)
    }
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
    if align > 1 && !base.is_multiple_of(align) {
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
