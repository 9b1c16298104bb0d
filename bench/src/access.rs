//! Pairs of `#[inline(never)]` functions: one field access through the
//! generated API over [`RawIo`], and the same access written by hand with
//! `read_volatile`/`write_volatile` at the same address.
//!
//! Each pair must compile to the same instructions (`tests/instructions.rs`),
//! and [`PAIRS`] lists them for that check and for the microbenchmark. The
//! functions are `#[unsafe(no_mangle)]` so their symbols are easy to find in a
//! disassembly.
//!
//! # Safety
//! Every function here takes a raw `base` and accesses the registers of its
//! block at fixed offsets from it: `base` must be valid for volatile reads and
//! writes of [`GPIO_SIZE`] (or [`WIDTHS_SIZE`]) bytes and aligned to 8 bytes.

use core::ptr::{read_volatile, write_volatile};

use crate::all_widths::widths::{self, Widths};
use crate::bcm2711::gpio::{self, Gpio};
use mmreg::RawIo;

/// Bytes of the BCM2711 GPIO block.
pub const GPIO_SIZE: usize = gpio::SIZE;
/// Bytes of the block with one register per width.
pub const WIDTHS_SIZE: usize = widths::SIZE;

/// The GPIO block over `base`.
///
/// # Safety
/// As in the module documentation, for the lifetime of the returned io.
#[inline(always)]
unsafe fn gpio_io(base: *mut u8) -> RawIo<'static> {
    // SAFETY: the caller passes `GPIO_SIZE` valid, 8-byte aligned bytes.
    unsafe { RawIo::new(base, GPIO_SIZE) }
}

/// The widths block over `base`.
///
/// # Safety
/// As in the module documentation, for the lifetime of the returned io.
#[inline(always)]
unsafe fn widths_io(base: *mut u8) -> RawIo<'static> {
    // SAFETY: the caller passes `WIDTHS_SIZE` valid, 8-byte aligned bytes.
    unsafe { RawIo::new(base, WIDTHS_SIZE) }
}

/// Generated: the level of pin 17 (`GPLEV0` bit 17).
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn ours_gpio_read(base: *mut u8) -> bool {
    // SAFETY: forwarded from the caller.
    let io = unsafe { gpio_io(base) };
    let gpio = Gpio::new(io).expect("the io is exactly one block long");
    gpio.gplev(0).read().lev(17)
}

/// Hand-written: the level of pin 17 (`GPLEV0` bit 17).
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn hand_gpio_read(base: *mut u8) -> bool {
    // SAFETY: offset 0x34 is inside the block and 4-byte aligned.
    let level = unsafe { read_volatile(base.add(0x34).cast::<u32>()) };
    (level >> 17) & 1 != 0
}

/// Generated: drive pin 17 high (`GPSET0` bit 17).
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn ours_gpio_write(base: *mut u8) {
    // SAFETY: forwarded from the caller.
    let io = unsafe { gpio_io(base) };
    let gpio = Gpio::new(io).expect("the io is exactly one block long");
    gpio.gpset(0).write(|w| w.set_set(17, true));
}

/// Hand-written: drive pin 17 high (`GPSET0` bit 17).
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn hand_gpio_write(base: *mut u8) {
    // SAFETY: offset 0x1c is inside the block and 4-byte aligned.
    unsafe { write_volatile(base.add(0x1c).cast::<u32>(), 1 << 17) };
}

/// Generated: make pin 17 an output (`GPFSEL1` bits 23:21 = 1).
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn ours_gpio_modify(base: *mut u8) {
    // SAFETY: forwarded from the caller.
    let io = unsafe { gpio_io(base) };
    let gpio = Gpio::new(io).expect("the io is exactly one block long");
    gpio.gpfsel(1)
        .modify(|_, w| w.set_fsel(7, gpio::vals::Fsel::Output));
}

/// Hand-written: make pin 17 an output (`GPFSEL1` bits 23:21 = 1).
///
/// # Safety
/// As in the module documentation.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe fn hand_gpio_modify(base: *mut u8) {
    let register = base.wrapping_add(0x04).cast::<u32>();
    // SAFETY: offset 0x04 is inside the block and 4-byte aligned.
    unsafe {
        let value = read_volatile(register);
        write_volatile(register, (value & !(0b111 << 21)) | (1 << 21));
    }
}

/// A volatile access as it is written by hand for a device register: one
/// `read_volatile`/`write_volatile` of the width, except a `u64` on a
/// 32-bit target, which is two 32-bit accesses, the low word (at the lower
/// address) first, since a doubleword instruction there (`ldrd`/`strd`) is
/// not one device access.
pub(crate) trait HandVolatile: Sized {
    /// Reads.
    ///
    /// # Safety
    /// `pointer` is valid for a volatile read of `Self` and aligned to it.
    unsafe fn load(pointer: *const Self) -> Self;
    /// Writes.
    ///
    /// # Safety
    /// `pointer` is valid for a volatile write of `Self` and aligned to it.
    unsafe fn store(pointer: *mut Self, value: Self);
}

macro_rules! hand_volatile {
    ($($int:ty),*) => {$(
        impl HandVolatile for $int {
            #[inline(always)]
            unsafe fn load(pointer: *const Self) -> Self {
                // SAFETY: forwarded from the caller.
                unsafe { read_volatile(pointer) }
            }
            #[inline(always)]
            unsafe fn store(pointer: *mut Self, value: Self) {
                // SAFETY: forwarded from the caller.
                unsafe { write_volatile(pointer, value) }
            }
        }
    )*};
}

hand_volatile!(u8, u16, u32);

#[cfg(target_pointer_width = "64")]
hand_volatile!(u64);

#[cfg(target_pointer_width = "32")]
impl HandVolatile for u64 {
    #[inline(always)]
    unsafe fn load(pointer: *const Self) -> Self {
        let words = pointer.cast::<u32>();
        // SAFETY: the caller's 8 bytes hold both aligned words.
        let (low, high) = unsafe { (read_volatile(words), read_volatile(words.add(1))) };
        u64::from(low) | (u64::from(high) << 32)
    }
    #[inline(always)]
    unsafe fn store(pointer: *mut Self, value: Self) {
        let words = pointer.cast::<u32>();
        // SAFETY: the caller's 8 bytes hold both aligned words.
        unsafe {
            write_volatile(words, value as u32);
            write_volatile(words.add(1), (value >> 32) as u32);
        }
    }
}

/// Defines the generated and hand-written read, write and modify of the
/// `LEVEL` field of one register of the widths block.
macro_rules! width_pairs {
    (
        $register:ident, $int:ty, $field:ty, $offset:literal, $lsb:literal, $mask:literal,
        $ours_read:ident, $hand_read:ident,
        $ours_write:ident, $hand_write:ident,
        $ours_modify:ident, $hand_modify:ident $(,)?
    ) => {
        #[doc = concat!("Generated: read `", stringify!($register), ".LEVEL`.")]
        ///
        /// # Safety
        /// As in the module documentation.
        #[unsafe(no_mangle)]
        #[inline(never)]
        pub unsafe fn $ours_read(base: *mut u8) -> $field {
            // SAFETY: forwarded from the caller.
            let io = unsafe { widths_io(base) };
            let block = Widths::new(io).expect("the io is exactly one block long");
            block.$register().read().level()
        }

        #[doc = concat!("Hand-written: read `", stringify!($register), ".LEVEL`.")]
        ///
        /// # Safety
        /// As in the module documentation.
        #[unsafe(no_mangle)]
        #[inline(never)]
        pub unsafe fn $hand_read(base: *mut u8) -> $field {
            // SAFETY: the offset is inside the block and aligned to the width.
            let value = unsafe { <$int>::load(base.add($offset).cast::<$int>()) };
            ((value >> $lsb) & $mask) as $field
        }

        #[doc = concat!("Generated: write `", stringify!($register), ".LEVEL = 5`.")]
        ///
        /// # Safety
        /// As in the module documentation.
        #[unsafe(no_mangle)]
        #[inline(never)]
        pub unsafe fn $ours_write(base: *mut u8) {
            // SAFETY: forwarded from the caller.
            let io = unsafe { widths_io(base) };
            let block = Widths::new(io).expect("the io is exactly one block long");
            block.$register().write(|w| w.set_level(5));
        }

        #[doc = concat!("Hand-written: write `", stringify!($register), ".LEVEL = 5`.")]
        ///
        /// # Safety
        /// As in the module documentation.
        #[unsafe(no_mangle)]
        #[inline(never)]
        pub unsafe fn $hand_write(base: *mut u8) {
            // SAFETY: the offset is inside the block and aligned to the width.
            unsafe { <$int>::store(base.add($offset).cast::<$int>(), 5 << $lsb) };
        }

        #[doc = concat!("Generated: set `", stringify!($register), ".LEVEL = 6`, keeping the other bits.")]
        ///
        /// # Safety
        /// As in the module documentation.
        #[unsafe(no_mangle)]
        #[inline(never)]
        pub unsafe fn $ours_modify(base: *mut u8) {
            // SAFETY: forwarded from the caller.
            let io = unsafe { widths_io(base) };
            let block = Widths::new(io).expect("the io is exactly one block long");
            block.$register().modify(|_, w| w.set_level(6));
        }

        #[doc = concat!("Hand-written: set `", stringify!($register), ".LEVEL = 6`, keeping the other bits.")]
        ///
        /// # Safety
        /// As in the module documentation.
        #[unsafe(no_mangle)]
        #[inline(never)]
        pub unsafe fn $hand_modify(base: *mut u8) {
            let register = base.wrapping_add($offset).cast::<$int>();
            // SAFETY: the offset is inside the block and aligned to the width.
            unsafe {
                let value = <$int>::load(register);
                <$int>::store(register, (value & !($mask << $lsb)) | (6 << $lsb));
            }
        }
    };
}

width_pairs!(
    byte,
    u8,
    u8,
    0x1,
    3,
    0xf,
    ours_byte_read,
    hand_byte_read,
    ours_byte_write,
    hand_byte_write,
    ours_byte_modify,
    hand_byte_modify,
);
width_pairs!(
    half,
    u16,
    u8,
    0x2,
    5,
    0xff,
    ours_half_read,
    hand_half_read,
    ours_half_write,
    hand_half_write,
    ours_half_modify,
    hand_half_modify,
);
width_pairs!(
    word,
    u32,
    u16,
    0x4,
    9,
    0xfff,
    ours_word_read,
    hand_word_read,
    ours_word_write,
    hand_word_write,
    ours_word_modify,
    hand_word_modify,
);
width_pairs!(
    double,
    u64,
    u16,
    0x10,
    33,
    0x7fff,
    ours_double_read,
    hand_double_read,
    ours_double_write,
    hand_double_write,
    ours_double_modify,
    hand_double_modify,
);

/// One compared pair: symbol names, and how many loads and stores of which
/// width in bytes each must contain.
#[derive(Debug, Clone, Copy)]
pub struct Pair {
    /// Symbol of the function using the generated API.
    pub ours: &'static str,
    /// Symbol of the hand-written function.
    pub hand: &'static str,
    /// Width of the register in bytes.
    pub width: u32,
    /// Loads the function must do (each of `width` bytes).
    pub loads: usize,
    /// Stores the function must do (each of `width` bytes).
    pub stores: usize,
    /// Loads of a pointer before the register accesses: 1 for the
    /// [`mapping`](crate::mapping) pairs, which read the `Mapping`'s base.
    pub pointer_loads: usize,
}

const fn pair(name: &'static [&'static str; 2], width: u32, loads: usize, stores: usize) -> Pair {
    Pair {
        ours: name[0],
        hand: name[1],
        width,
        loads,
        stores,
        pointer_loads: 0,
    }
}

/// Every pair the instruction check compares.
pub const PAIRS: &[Pair] = &[
    pair(&["ours_gpio_read", "hand_gpio_read"], 4, 1, 0),
    pair(&["ours_gpio_write", "hand_gpio_write"], 4, 0, 1),
    pair(&["ours_gpio_modify", "hand_gpio_modify"], 4, 1, 1),
    pair(&["ours_byte_read", "hand_byte_read"], 1, 1, 0),
    pair(&["ours_byte_write", "hand_byte_write"], 1, 0, 1),
    pair(&["ours_byte_modify", "hand_byte_modify"], 1, 1, 1),
    pair(&["ours_half_read", "hand_half_read"], 2, 1, 0),
    pair(&["ours_half_write", "hand_half_write"], 2, 0, 1),
    pair(&["ours_half_modify", "hand_half_modify"], 2, 1, 1),
    pair(&["ours_word_read", "hand_word_read"], 4, 1, 0),
    pair(&["ours_word_write", "hand_word_write"], 4, 0, 1),
    pair(&["ours_word_modify", "hand_word_modify"], 4, 1, 1),
    pair(&["ours_double_read", "hand_double_read"], 8, 1, 0),
    pair(&["ours_double_write", "hand_double_write"], 8, 0, 1),
    pair(&["ours_double_modify", "hand_double_modify"], 8, 1, 1),
    mapping_pair(&["ours_map_gpio_read", "hand_map_gpio_read"], 4, 1, 0),
    mapping_pair(&["ours_map_gpio_write", "hand_map_gpio_write"], 4, 0, 1),
    mapping_pair(&["ours_map_gpio_modify", "hand_map_gpio_modify"], 4, 1, 1),
    mapping_pair(&["ours_map_double_read", "hand_map_double_read"], 8, 1, 0),
    mapping_pair(&["ours_map_double_write", "hand_map_double_write"], 8, 0, 1),
    mapping_pair(
        &["ours_map_double_modify", "hand_map_double_modify"],
        8,
        1,
        1,
    ),
];

/// A pair of [`crate::mapping`]: the block is carried by a `&Mapping`,
/// whose base pointer each function loads first.
const fn mapping_pair(
    name: &'static [&'static str; 2],
    width: u32,
    loads: usize,
    stores: usize,
) -> Pair {
    Pair {
        pointer_loads: 1,
        ..pair(name, width, loads, stores)
    }
}
