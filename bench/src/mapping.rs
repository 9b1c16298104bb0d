//! Pairs like [`crate::access`]'s, with the block carried by a
//! [`Mapping`]: what the instruction check measures on aarch64 and 32-bit
//! Arm is `Mapping`'s own accessors, as a program that mapped `/dev/mem`,
//! a UIO map or a PCI resource uses them. The hand-written twin takes the
//! same `&Mapping` and accesses [`Mapping::as_ptr`] with
//! `read_volatile`/`write_volatile`.
//!
//! [`ours_map_gpio_inputs`] is a loop over a register array, where the
//! compiler may fold a pointer increment into a hand-written
//! `write_volatile` (a write-back form such as `str w9, [x0], #4` in a loop
//! whose count it does not know; measured, see BENCHMARKS.md), which a
//! hypervisor cannot emulate on device memory. The runtime's accessors must
//! stay plain there ([`PLAIN_ONLY`]). With at most six registers the
//! compiler unrolls this loop, so its hand-written twin is printed for
//! comparison only.
//!
//! # Safety
//! Every function takes a `&Mapping` at least [`crate::access::GPIO_SIZE`]
//! (or [`crate::access::WIDTHS_SIZE`]) bytes long whose pages are readable
//! and writable; the blocks are made with `from_raw_parts`, unchecked, so
//! the code compared is the access alone.

use core::ptr::write_volatile;

use mmreg::Mapping;

use crate::access::HandVolatile;
use crate::all_widths::widths::Widths;
use crate::bcm2711::gpio::{self, Gpio};

/// Functions checked only for their accesses: every load and store of a
/// register plain and 4 bytes wide, at least one store.
pub const PLAIN_ONLY: &[&str] = &["ours_map_gpio_inputs"];

/// The GPIO block at offset 0 of `mapping`.
///
/// # Safety
/// As in the module documentation.
#[inline(always)]
unsafe fn gpio_block(mapping: &Mapping) -> Gpio<&Mapping> {
    // SAFETY: the caller's mapping holds the whole block at offset 0, which
    // is page-aligned.
    unsafe { Gpio::from_raw_parts(mapping, 0) }
}

/// The widths block at offset 0 of `mapping`.
///
/// # Safety
/// As in the module documentation.
#[inline(always)]
unsafe fn widths_block(mapping: &Mapping) -> Widths<&Mapping> {
    // SAFETY: as for `gpio_block`.
    unsafe { Widths::from_raw_parts(mapping, 0) }
}

/// Generated: the level of pin 17 (`GPLEV0` bit 17).
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn ours_map_gpio_read(mapping: &Mapping) -> bool {
    // SAFETY: forwarded from the caller.
    unsafe { gpio_block(mapping) }.gplev(0).read().lev(17)
}

/// Hand-written: the level of pin 17 (`GPLEV0` bit 17).
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn hand_map_gpio_read(mapping: &Mapping) -> bool {
    // SAFETY: offset 0x34 is inside the block and 4-byte aligned.
    let level = unsafe { u32::load(mapping.as_ptr().add(0x34).cast()) };
    (level >> 17) & 1 != 0
}

/// Generated: drive pin 17 high (`GPSET0` bit 17).
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn ours_map_gpio_write(mapping: &Mapping) {
    // SAFETY: forwarded from the caller.
    unsafe { gpio_block(mapping) }
        .gpset(0)
        .write(|w| w.set_set(17, true));
}

/// Hand-written: drive pin 17 high (`GPSET0` bit 17).
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn hand_map_gpio_write(mapping: &Mapping) {
    // SAFETY: offset 0x1c is inside the block and 4-byte aligned.
    unsafe { u32::store(mapping.as_ptr().add(0x1c).cast(), 1 << 17) };
}

/// Generated: make pin 17 an output (`GPFSEL1` bits 23:21 = 1).
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn ours_map_gpio_modify(mapping: &Mapping) {
    // SAFETY: forwarded from the caller.
    unsafe { gpio_block(mapping) }
        .gpfsel(1)
        .modify(|_, w| w.set_fsel(7, gpio::vals::Fsel::Output));
}

/// Hand-written: make pin 17 an output (`GPFSEL1` bits 23:21 = 1).
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn hand_map_gpio_modify(mapping: &Mapping) {
    let register = mapping.as_ptr().wrapping_add(0x04).cast::<u32>();
    // SAFETY: offset 0x04 is inside the block and 4-byte aligned.
    unsafe {
        let value = u32::load(register);
        u32::store(register, (value & !(0b111 << 21)) | (1 << 21));
    }
}

/// Generated: read `DOUBLE.LEVEL` (bits 47:33 of a 64-bit register).
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn ours_map_double_read(mapping: &Mapping) -> u16 {
    // SAFETY: forwarded from the caller.
    unsafe { widths_block(mapping) }.double().read().level()
}

/// Hand-written: read `DOUBLE.LEVEL`.
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn hand_map_double_read(mapping: &Mapping) -> u16 {
    // SAFETY: offset 0x10 is inside the block and 8-byte aligned.
    let value = unsafe { u64::load(mapping.as_ptr().add(0x10).cast()) };
    ((value >> 33) & 0x7fff) as u16
}

/// Generated: write `DOUBLE.LEVEL = 5`.
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn ours_map_double_write(mapping: &Mapping) {
    // SAFETY: forwarded from the caller.
    unsafe { widths_block(mapping) }
        .double()
        .write(|w| w.set_level(5));
}

/// Hand-written: write `DOUBLE.LEVEL = 5`.
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn hand_map_double_write(mapping: &Mapping) {
    // SAFETY: offset 0x10 is inside the block and 8-byte aligned.
    unsafe { u64::store(mapping.as_ptr().add(0x10).cast(), 5 << 33) };
}

/// Generated: set `DOUBLE.LEVEL = 6`, keeping the other bits.
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn ours_map_double_modify(mapping: &Mapping) {
    // SAFETY: forwarded from the caller.
    unsafe { widths_block(mapping) }
        .double()
        .modify(|_, w| w.set_level(6));
}

/// Hand-written: set `DOUBLE.LEVEL = 6`, keeping the other bits.
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn hand_map_double_modify(mapping: &Mapping) {
    let register = mapping.as_ptr().wrapping_add(0x10).cast::<u64>();
    // SAFETY: offset 0x10 is inside the block and 8-byte aligned.
    unsafe {
        let value = u64::load(register);
        u64::store(register, (value & !(0x7fff << 33)) | (6 << 33));
    }
}

/// Generated: make every pin of `GPFSEL0`..`GPFSEL<banks - 1>` (at most 6)
/// an input, in a loop.
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn ours_map_gpio_inputs(mapping: &Mapping, banks: usize) {
    // SAFETY: forwarded from the caller.
    let gpio = unsafe { gpio_block(mapping) };
    for bank in 0..banks.min(Gpio::<&Mapping>::GPFSEL_COUNT) {
        gpio.gpfsel(bank).write(|w| w.0 = 0);
    }
}

/// Hand-written: the same loop with `write_volatile`.
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn hand_map_gpio_inputs(mapping: &Mapping, banks: usize) {
    let first = mapping.as_ptr().cast::<u32>();
    for bank in 0..banks.min(6) {
        // SAFETY: GPFSEL0..GPFSEL5 are the block's first six registers.
        unsafe { write_volatile(first.add(bank), 0) };
    }
}
