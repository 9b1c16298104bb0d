//! Fake memory for unit tests: RAM with an access log and hooks that model
//! hardware.
//!
//! [`FakeMem`] implements [`Io`], so generated blocks run over it unchanged.
//! Three things make it more than a byte buffer:
//! - **the log**: every access through [`Io`] is recorded as an [`Access`]
//!   (kind, offset, width, value), ready for `assert_eq!` or, once a block's
//!   metadata is known, rendered with register and field names
//!   ([`FakeMem::log_named`]);
//! - **the hardware side**: [`FakeMem::peek32`], [`FakeMem::poke32`],
//!   [`FakeMem::set_bits`] and friends change or inspect the memory as the
//!   device would, without being logged and without firing hooks;
//! - **hooks** ([`FakeMem::on_read`], [`FakeMem::on_write`]) that model what the
//!   device does on an access, and rules seeded from a block's metadata
//!   ([`FakeMem::from_meta`], [`FakeMem::seed`]) that install such hooks for
//!   reset values, read-only bits, write-1-to-clear flags and clear-on-read
//!   registers.
//!
//! ```
//! use mmreg::{Access, FakeMem, Io};
//! let fake = FakeMem::new(0x10);
//! // A busy bit (bit 0) that the device clears once it has been seen.
//! fake.on_read(0x4, |stored| (stored, stored & !1));
//! fake.poke32(0x4, 1);
//! assert_eq!(fake.checked_read32(0x4)?, 1);
//! assert_eq!(fake.checked_read32(0x4)?, 0);
//! assert_eq!(fake.take_log(), [Access::read32(0x4, 1), Access::read32(0x4, 0)]);
//! # Ok::<(), mmreg::AccessError>(())
//! ```
//!
//! The memory is little-endian on every host: byte `n` is bits `8 * (n % 8)`
//! and up of 64-bit word `n / 8`.
//!
//! # Threads
//!
//! A `FakeMem` is `Send` and `Sync`, so code under test may share it between
//! threads (`&FakeMem` in [`std::thread::scope`], or `Arc<FakeMem>`), and
//! hooks are `Send` closures: state they share with the test lives in atomics
//! or a `Mutex` behind an `Arc`.
//!
//! Each access through [`Io`] is one step for every other thread: the hook,
//! the store and the log entry happen together, and other threads' accesses,
//! `peek`s, `poke`s, `set_bits` and seeding wait until it is over. The thread
//! running a hook may use the fake freely meanwhile (the hook gets `&FakeMem`
//! for that), so a hook must not wait for another thread that uses the fake:
//! that thread is waiting for the hook. Only single accesses are steps: two
//! threads' read-modify-write sequences (`modify`) interleave as on real
//! hardware.
//!
//! ```
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicU32, Ordering};
//! use mmreg::{FakeMem, IoWrite};
//! let fake = FakeMem::new(8);
//! let doorbells = Arc::new(AtomicU32::new(0));
//! let rung = Arc::clone(&doorbells);
//! fake.on_write(0x0, move |_, _| {
//!     rung.fetch_add(1, Ordering::Relaxed);
//!     0
//! });
//! std::thread::scope(|s| {
//!     for _ in 0..2 {
//!         s.spawn(|| fake.checked_write32(0x0, 1).unwrap());
//!     }
//! });
//! assert_eq!(doorbells.load(Ordering::Relaxed), 2);
//! assert_eq!(fake.log().len(), 2);
//! ```

mod lock;
mod log;
mod render;
mod rules;

use core::fmt;
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

pub use log::{Access, AccessKind};
pub use render::render_access;

use crate::io::{Exclusive, Io, IoWrite, RegisterInt, check};
use crate::meta::BlockMeta;
use crate::reg::{BlockError, check_block};
use lock::{TurnLock, lock};

/// A read hook: gets the fake (for hardware-side changes elsewhere) and the
/// stored value, returns `(value returned to the reader, new stored value)`.
type ReadHook = dyn FnMut(&FakeMem, u64) -> (u64, u64) + Send;
/// A write hook: gets the fake, the stored value and the written value,
/// returns the new stored value.
type WriteHook = dyn FnMut(&FakeMem, u64, u64) -> u64 + Send;

/// A hook with the access width it answers to.
struct Hook<F: ?Sized> {
    /// Only accesses of this many bytes fire the hook; `None` for any width.
    /// Seeded rules set it, because their masks are for the register's width.
    width: Option<usize>,
    /// `None` while the hook runs, so that it runs with the state unlocked
    /// (free to use the fake) and an access to its own offset sees plain RAM.
    function: Option<Box<F>>,
}

impl<F: ?Sized> Hook<F> {
    /// A hook answering to accesses of `width` bytes, or any width.
    fn new(width: Option<usize>, function: Box<F>) -> Self {
        Hook {
            width,
            function: Some(function),
        }
    }
}

/// A block whose metadata was seeded into the fake, for rendering the log.
#[derive(Clone, Copy)]
struct SeededBlock {
    base: usize,
    /// Bytes the block covers: its size, or further if a register reaches
    /// past it.
    extent: usize,
    meta: &'static BlockMeta,
}

/// Everything of a fake that changes, behind one `Mutex`.
struct State {
    words: Vec<u64>,
    log: Vec<Access>,
    logging: bool,
    read_hooks: BTreeMap<usize, Hook<ReadHook>>,
    write_hooks: BTreeMap<usize, Hook<WriteHook>>,
    blocks: Vec<SeededBlock>,
}

/// RAM that implements [`Io`], with an access log and hooks that model
/// hardware. See the [module documentation](self).
///
/// `Send` and `Sync`: threads may share it, each access through [`Io`] being
/// one step for the others (see [Threads](self#threads)).
pub struct FakeMem {
    len: usize,
    /// Held for a whole operation (an access with its hook, a `poke`, a
    /// seeding), so other threads see it as one step; re-entrant, so a hook
    /// may use the fake.
    turn: TurnLock,
    /// Locked only briefly inside a turn, never while a hook runs.
    state: Mutex<State>,
}

/// All ones in the low `width` bytes.
const fn width_mask(width: usize) -> u64 {
    if width >= 8 {
        u64::MAX
    } else {
        (1u64 << (width * 8)) - 1
    }
}

impl State {
    /// The stored value of a naturally aligned access, which never straddles
    /// two words.
    fn load(&self, offset: usize, width: usize) -> u64 {
        let word = self.words[offset / 8];
        (word >> ((offset % 8) * 8)) & width_mask(width)
    }

    fn store(&mut self, offset: usize, width: usize, value: u64) {
        let word = &mut self.words[offset / 8];
        let shift = (offset % 8) * 8;
        let mask = width_mask(width) << shift;
        *word = (*word & !mask) | ((value << shift) & mask);
    }

    fn record(&mut self, kind: AccessKind, offset: usize, width: usize, value: u64) {
        if self.logging {
            self.log.push(Access {
                kind,
                offset,
                width: width as u8,
                value,
            });
        }
    }
}

impl FakeMem {
    /// Zeroed fake memory of `len` bytes, logging on, no hooks.
    ///
    /// # Panics
    /// If `len` bytes cannot be allocated (the memory is ordinary RAM, so
    /// `usize::MAX` never can); the message names the length.
    pub fn new(len: usize) -> Self {
        let mut words = Vec::new();
        if let Err(error) = words.try_reserve_exact(len.div_ceil(8)) {
            panic!("FakeMem::new: cannot allocate {len:#x} bytes of fake memory: {error}");
        }
        words.resize(len.div_ceil(8), 0);
        FakeMem {
            len,
            turn: TurnLock::default(),
            state: Mutex::new(State {
                words,
                log: Vec::new(),
                logging: true,
                read_hooks: BTreeMap::new(),
                write_hooks: BTreeMap::new(),
                blocks: Vec::new(),
            }),
        }
    }

    /// Fake memory the size of `meta`, seeded from it at offset 0: reset
    /// values preloaded and the declared access rules installed as hooks (see
    /// [`FakeMem::seed`]).
    ///
    /// # Panics
    /// If a register of `meta` is not naturally aligned, which generated
    /// metadata never is.
    pub fn from_meta(meta: &'static BlockMeta) -> Self {
        let fake = FakeMem::new(rules::extent(&meta.registers_expanded(), meta.size));
        if let Err(error) = fake.seed(meta, 0) {
            panic!("cannot seed a fake from block `{}`: {error}", meta.name);
        }
        fake
    }

    /// Seeds the block described by `meta` at byte `base`, so that it behaves
    /// as declared:
    /// - every register (arrays and clusters expanded) is set to its reset
    ///   value (undefined bits 0);
    /// - a write leaves read-only bits unchanged, and write-once bits after the
    ///   first write to their register;
    /// - write actions apply: write-1-to-clear, -set, -toggle, write-0-to-clear,
    ///   -set, -toggle, clear-on-write and set-on-write (an explicit write
    ///   action wins over a field's read-only access);
    /// - a read returns write-only bits as 0, then applies clear-on-read and
    ///   set-on-read, of fields and of whole registers.
    ///
    /// Bits outside any field follow the register's access and its own write
    /// action
    /// ([`RegisterMeta::write_action`](crate::meta::RegisterMeta::write_action):
    /// a register of write-1-to-clear flags without fields clears the bits
    /// written as 1). The rules act on
    /// accesses of the register's own width at its offset; other accesses see
    /// plain RAM. They are hooks: a later [`FakeMem::on_read`] or
    /// [`FakeMem::on_write`] at the same offset replaces them. Seeding also
    /// lets [`FakeMem::log_named`] name the block's registers.
    ///
    /// Nothing is logged. Fails, changing nothing, if the block does not fit
    /// or one of its registers is not aligned for its width (reported as
    /// [`BlockError::Misaligned`] at the register's offset).
    pub fn seed(&self, meta: &'static BlockMeta, base: usize) -> Result<(), BlockError> {
        let registers = meta.registers_expanded();
        let align = registers
            .iter()
            .map(|hit| usize::from(hit.register.width / 8))
            .max()
            .unwrap_or(1);
        let extent = rules::extent(&registers, meta.size);
        check_block(self, meta.name, base, extent, align)?;
        for hit in &registers {
            let width = usize::from(hit.register.width / 8);
            if check(self.len, base + hit.offset, width).is_err() {
                return Err(BlockError::Misaligned {
                    block: meta.name,
                    base: base + hit.offset,
                    align: width,
                });
            }
        }
        let _turn = self.turn.enter();
        let mut state = self.state();
        for hit in &registers {
            let offset = base + hit.offset;
            let width = usize::from(hit.register.width / 8);
            let rule = rules::RegisterRule::new(hit.register);
            state.store(offset, width, rule.reset());
            if rule.has_read_effect() {
                let rule = rule.clone();
                let hook: Box<ReadHook> = Box::new(move |_, stored| rule.read(stored));
                state
                    .read_hooks
                    .insert(offset, Hook::new(Some(width), hook));
            } else {
                state.read_hooks.remove(&offset);
            }
            if rule.has_write_effect(width_mask(width)) {
                let mut rule = rule;
                let hook: Box<WriteHook> =
                    Box::new(move |_, stored, written| rule.write(stored, written));
                state
                    .write_hooks
                    .insert(offset, Hook::new(Some(width), hook));
            } else {
                state.write_hooks.remove(&offset);
            }
        }
        state.blocks.push(SeededBlock { base, extent, meta });
        Ok(())
    }

    // ---- the log ----

    /// A copy of the access log, oldest first.
    pub fn log(&self) -> Vec<Access> {
        self.state().log.clone()
    }

    /// Takes the access log, leaving it empty.
    pub fn take_log(&self) -> Vec<Access> {
        core::mem::take(&mut self.state().log)
    }

    /// Empties the access log.
    pub fn clear_log(&self) {
        self.state().log.clear();
    }

    /// Turns logging on or off (on by default); for long-running tests and
    /// benchmarks where the log would only grow.
    pub fn set_logging(&self, enabled: bool) {
        self.state().logging = enabled;
    }

    /// The access log rendered with the names of the seeded blocks, one line
    /// per access; see [`render_access`] for the format.
    ///
    /// ```
    /// # use mmreg::{FakeMem, IoWrite};
    /// # use mmreg::meta::*;
    /// static SET: RegisterMeta = RegisterMeta {
    ///     name: "GPSET0", offset: 0x1c, width: 32, count: 1, stride: 0, index_names: &[],
    ///     access: Access::WriteOnly, reset: 0, reset_mask: u64::MAX, read_action: None,
    ///     write_action: WriteAction::Normal,
    ///     fields: &[FieldMeta {
    ///         name: "SET%s", lsb: 0, width: 1, count: 32, stride: 1, index_names: &[],
    ///         access: Access::WriteOnly, write_action: WriteAction::Normal,
    ///         read_action: None, values: &[],
    ///     }],
    /// };
    /// static GPIO: BlockMeta = BlockMeta { name: "GPIO", size: 0x20, registers: &[SET], clusters: &[] };
    /// let fake = FakeMem::from_meta(&GPIO);
    /// fake.checked_write32(0x1c, 1 << 17)?;
    /// assert_eq!(fake.log_named(), ["GPIO.GPSET0 <- 0x00020000 {SET17}"]);
    /// # Ok::<(), mmreg::AccessError>(())
    /// ```
    pub fn log_named(&self) -> Vec<String> {
        let (log, blocks) = {
            let state = self.state();
            (state.log.clone(), state.blocks.clone())
        };
        log.iter()
            .map(|access| render_in(&blocks, access))
            .collect()
    }

    /// Renders one access with the names of the seeded blocks (the most
    /// recently seeded block that contains the offset wins).
    pub fn render(&self, access: &Access) -> String {
        let blocks = self.state().blocks.clone();
        render_in(&blocks, access)
    }

    // ---- the hardware side: not logged, no hooks ----

    /// Reads the stored value as the device sees it: not logged, no hooks.
    ///
    /// # Panics
    /// If the access is out of bounds or misaligned.
    pub fn peek<T: RegisterInt>(&self, offset: usize) -> T {
        self.hardware_check(offset, T::BYTES);
        let _turn = self.turn.enter();
        T::from_u64(self.state().load(offset, T::BYTES))
    }

    /// Stores `value` as the device would: not logged, no hooks.
    ///
    /// # Panics
    /// If the access is out of bounds or misaligned.
    pub fn poke<T: RegisterInt>(&self, offset: usize, value: T) {
        self.hardware_check(offset, T::BYTES);
        let _turn = self.turn.enter();
        self.state().store(offset, T::BYTES, value.to_u64());
    }

    /// Sets the bits of `mask` at `offset`, as a device raising a flag: not
    /// logged, no hooks. The width is the type of `mask`
    /// (`fake.set_bits(0x10, 1u32 << 3)`). One step for other threads, like
    /// an access.
    ///
    /// # Panics
    /// If the access is out of bounds or misaligned.
    pub fn set_bits<T: RegisterInt>(&self, offset: usize, mask: T) {
        self.update(offset, T::BYTES, |stored| stored | mask.to_u64());
    }

    /// Clears the bits of `mask` at `offset`, as a device dropping a flag:
    /// not logged, no hooks. One step for other threads, like an access.
    ///
    /// # Panics
    /// If the access is out of bounds or misaligned.
    pub fn clear_bits<T: RegisterInt>(&self, offset: usize, mask: T) {
        self.update(offset, T::BYTES, |stored| stored & !mask.to_u64());
    }

    /// Fills the whole memory with copies of `byte`: not logged, no hooks.
    pub fn fill(&self, byte: u8) {
        let word = u64::from_ne_bytes([byte; 8]);
        let _turn = self.turn.enter();
        self.state().words.fill(word);
    }

    // ---- hooks ----

    /// Models what the device does when `offset` is read. `hook` gets the
    /// stored value and returns `(value the reader gets, new stored value)`:
    /// - busy bit 0 that clears once seen: `|v| (v, v & !1)`;
    /// - clear-on-read: `|v| (v, 0)`;
    /// - read back the complement of what was written: `|v| (!v, v)`.
    ///
    /// The hook fires for an access of any width that starts at `offset` and
    /// sees values at that width (zero-extended; results are truncated to
    /// it). It replaces any read hook or seeded read rule at `offset`. It may
    /// run on any thread that reads the fake, hence `Send`.
    pub fn on_read(&self, offset: usize, mut hook: impl FnMut(u64) -> (u64, u64) + Send + 'static) {
        self.on_read_with(offset, move |_, stored| hook(stored));
    }

    /// Like [`FakeMem::on_read`], and the hook also gets the fake, to change
    /// other registers on the device side (`peek`, `poke`, `set_bits`). Accesses
    /// through [`Io`] from inside a hook are logged and fire other offsets'
    /// hooks, but not this one. The access that fired the hook stays one step
    /// for other threads, these inner ones included.
    pub fn on_read_with(
        &self,
        offset: usize,
        hook: impl FnMut(&FakeMem, u64) -> (u64, u64) + Send + 'static,
    ) {
        self.state()
            .read_hooks
            .insert(offset, Hook::new(None, Box::new(hook)));
    }

    /// Models what the device does when `offset` is written. `hook` gets the
    /// stored value and the written one and returns the new stored value:
    /// - write-1-to-clear: `|old, written| old & !written`;
    /// - store the complement: `|_, written| !written`;
    /// - read-only: `|old, _| old`.
    ///
    /// Widths and threads as for [`FakeMem::on_read`]. Replaces any write
    /// hook or seeded write rule at `offset`.
    pub fn on_write(&self, offset: usize, mut hook: impl FnMut(u64, u64) -> u64 + Send + 'static) {
        self.on_write_with(offset, move |_, stored, written| hook(stored, written));
    }

    /// Like [`FakeMem::on_write`], and the hook also gets the fake, to model a
    /// write that acts elsewhere (a doorbell that sets a done flag):
    ///
    /// ```
    /// use mmreg::{FakeMem, IoWrite};
    /// let fake = FakeMem::new(8);
    /// fake.on_write_with(0x0, |fake, _, _| {
    ///     fake.set_bits(0x4, 1u32);
    ///     0
    /// });
    /// fake.checked_write32(0x0, 1)?;
    /// assert_eq!(fake.peek32(0x4), 1);
    /// # Ok::<(), mmreg::AccessError>(())
    /// ```
    pub fn on_write_with(
        &self,
        offset: usize,
        hook: impl FnMut(&FakeMem, u64, u64) -> u64 + Send + 'static,
    ) {
        self.state()
            .write_hooks
            .insert(offset, Hook::new(None, Box::new(hook)));
    }

    /// Removes the read and write hooks (and seeded rules) at `offset`, which
    /// then behaves as plain RAM.
    pub fn remove_hooks(&self, offset: usize) {
        let mut state = self.state();
        state.read_hooks.remove(&offset);
        state.write_hooks.remove(&offset);
    }

    // ---- internals ----

    /// The state, locked. Never held across a hook call, so a hook may lock
    /// it again.
    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    fn hardware_check(&self, offset: usize, width: usize) {
        if let Err(error) = check(self.len, offset, width) {
            panic!("fake memory: {error}");
        }
    }

    /// Replaces the stored value at `offset` by `f` of it, in one turn.
    fn update(&self, offset: usize, width: usize, f: impl FnOnce(u64) -> u64) {
        self.hardware_check(offset, width);
        let _turn = self.turn.enter();
        let mut state = self.state();
        let stored = state.load(offset, width);
        state.store(offset, width, f(stored));
    }

    /// One read through [`Io`]: hook (if any), then log, in one turn.
    fn io_read(&self, offset: usize, width: usize) -> u64 {
        debug_assert!(check(self.len, offset, width).is_ok(), "Io contract broken");
        let _turn = self.turn.enter();
        let mut state = self.state();
        let stored = state.load(offset, width);
        let value = match take_hook(&mut state.read_hooks, offset, width) {
            Some(mut hook) => {
                drop(state);
                // The state is unlocked while the hook runs.
                let (returned, new_stored) = hook(self, stored);
                state = self.state();
                state.store(offset, width, new_stored);
                put_back(&mut state.read_hooks, offset, hook);
                returned & width_mask(width)
            }
            None => stored,
        };
        state.record(AccessKind::Read, offset, width, value);
        value
    }

    /// One write through [`Io`]: hook (if any), then log, in one turn.
    fn io_write(&self, offset: usize, width: usize, value: u64) {
        debug_assert!(check(self.len, offset, width).is_ok(), "Io contract broken");
        let _turn = self.turn.enter();
        let mut state = self.state();
        if let Some(mut hook) = take_hook(&mut state.write_hooks, offset, width) {
            let stored = state.load(offset, width);
            drop(state);
            // The state is unlocked while the hook runs.
            let new_stored = hook(self, stored, value);
            state = self.state();
            state.store(offset, width, new_stored);
            put_back(&mut state.write_hooks, offset, hook);
        } else {
            state.store(offset, width, value);
        }
        state.record(AccessKind::Write, offset, width, value);
    }
}

/// Renders `access` with the most recently seeded of `blocks` that contains
/// its offset.
fn render_in(blocks: &[SeededBlock], access: &Access) -> String {
    let found = blocks
        .iter()
        .rev()
        .find(|block| access.offset >= block.base && access.offset - block.base < block.extent);
    match found {
        Some(block) => render_access(access, block.meta, block.base),
        None => render::render_unknown(access, None),
    }
}

/// Takes the function of the hook at `offset` out of `hooks` if it answers to
/// `width`, leaving the entry in place. Calling it with the state unlocked
/// lets the hook use the fake freely.
fn take_hook<F: ?Sized>(
    hooks: &mut BTreeMap<usize, Hook<F>>,
    offset: usize,
    width: usize,
) -> Option<Box<F>> {
    let hook = hooks.get_mut(&offset)?;
    if hook.width.is_none_or(|own| own == width) {
        hook.function.take()
    } else {
        None
    }
}

/// Puts a hook's function back after its call, unless the hook replaced or
/// removed itself meanwhile.
fn put_back<F: ?Sized>(hooks: &mut BTreeMap<usize, Hook<F>>, offset: usize, function: Box<F>) {
    if let Some(hook) = hooks.get_mut(&offset)
        && hook.function.is_none()
    {
        hook.function = Some(function);
    }
}

macro_rules! hardware_widths {
    ($($peek:ident, $poke:ident, $ty:ty, $bits:expr;)*) => {
        impl FakeMem {
            $(
                #[doc = concat!("Reads ", $bits, " bits as the device sees them: not logged, no hooks.")]
                ///
                /// # Panics
                /// If the access is out of bounds or misaligned.
                pub fn $peek(&self, offset: usize) -> $ty {
                    self.peek(offset)
                }

                #[doc = concat!("Stores ", $bits, " bits as the device would: not logged, no hooks.")]
                ///
                /// # Panics
                /// If the access is out of bounds or misaligned.
                pub fn $poke(&self, offset: usize, value: $ty) {
                    self.poke(offset, value)
                }
            )*
        }
    };
}

hardware_widths! {
    peek8, poke8, u8, "8";
    peek16, poke16, u16, "16";
    peek32, poke32, u32, "32";
    peek64, poke64, u64, "64";
}

// SAFETY: `len` is fixed at construction and every offset below it is backed
// by `words`; accesses are bounds-checked again inside (out of range panics
// rather than touching anything else).
unsafe impl Io for FakeMem {
    fn len(&self) -> usize {
        self.len
    }
    unsafe fn read8(&self, offset: usize) -> u8 {
        self.io_read(offset, 1) as u8
    }
    unsafe fn read16(&self, offset: usize) -> u16 {
        self.io_read(offset, 2) as u16
    }
    unsafe fn read32(&self, offset: usize) -> u32 {
        self.io_read(offset, 4) as u32
    }
    unsafe fn read64(&self, offset: usize) -> u64 {
        self.io_read(offset, 8)
    }
}

// SAFETY: as for `Io`.
unsafe impl IoWrite for FakeMem {
    unsafe fn write8(&self, offset: usize, value: u8) {
        self.io_write(offset, 1, value.into())
    }
    unsafe fn write16(&self, offset: usize, value: u16) {
        self.io_write(offset, 2, value.into())
    }
    unsafe fn write32(&self, offset: usize, value: u32) {
        self.io_write(offset, 4, value.into())
    }
    unsafe fn write64(&self, offset: usize, value: u64) {
        self.io_write(offset, 8, value)
    }
}

// SAFETY: `FakeMem` is neither `Clone` nor `Copy`; its memory is reached
// only through it.
unsafe impl Exclusive for FakeMem {}

impl fmt::Debug for FakeMem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        let blocks: Vec<_> = state
            .blocks
            .iter()
            .map(|block| (block.meta.name, block.base))
            .collect();
        f.debug_struct("FakeMem")
            .field("len", &self.len)
            .field("logged", &state.log.len())
            .field("read_hooks", &state.read_hooks.keys().collect::<Vec<_>>())
            .field("write_hooks", &state.write_hooks.keys().collect::<Vec<_>>())
            .field("blocks", &blocks)
            .finish()
    }
}
