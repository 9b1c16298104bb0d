//! One volatile access of an exact width through a raw pointer.
//!
//! On aarch64 and 32-bit Arm each accessor is one plain `ldr`/`str` in inline
//! assembly (a 64-bit access on 32-bit Arm: two `ldr`/`str` of 32 bits, the
//! low word first). `read_volatile`/`write_volatile` are not enough there:
//! in a loop over registers the compiler folds the pointer increment into
//! the access (`ldr w9, [x0], #4`, measured with rustc 1.9x; see
//! BENCHMARKS.md), and on 32-bit Arm a `u64` becomes `ldrd`/`strd`. Neither
//! write-back nor doubleword forms report their registers to a hypervisor,
//! so inside a virtual machine such an access to device memory cannot be
//! emulated and faults. The assembly takes the address in a register, which
//! costs one `add` per access at a non-zero offset.
//! Elsewhere `read_volatile`/`write_volatile` of the width compile to one
//! access.

/// Defines a read and a write accessor of one width.
///
/// Each takes a raw pointer (never a reference: device memory must not be
/// assumed dereferenceable by the compiler).
macro_rules! accessors {
    ($ty:ty, $wide:ty, $read:ident, $write:ident, $load:literal, $store:literal) => {
        /// Reads one value with a single volatile access.
        ///
        /// # Safety
        /// `pointer` must be valid for a read of this width and aligned to it.
        #[inline(always)]
        pub(crate) unsafe fn $read(pointer: *const $ty) -> $ty {
            #[cfg(any(target_arch = "aarch64", all(target_arch = "arm", target_endian = "little")))]
            {
                // The whole 32-bit `w` register (64-bit `x` for `u64`), so the
                // compiler can be told the load zero-extended and needs no
                // masking of its own.
                let wide: $wide;
                // SAFETY: the caller guarantees `pointer` is valid and aligned;
                // the instruction reads exactly this width and touches no stack
                // or flags.
                unsafe {
                    core::arch::asm!(
                        $load,
                        // `lateout`: the value may reuse the address's
                        // register, as a plain `read_volatile` would.
                        value = lateout(reg) wide,
                        address = in(reg) pointer,
                        options(nostack, preserves_flags),
                    );
                }
                // SAFETY: `ldrb`, `ldrh` and `ldr` of a `w` register
                // zero-extend into the whole `x` register (Arm ARM, "Writing
                // to a W register zeroes the upper 32 bits"); on 32-bit Arm
                // `ldrb` and `ldrh` zero-extend into the 32-bit register.
                unsafe { core::hint::assert_unchecked(wide <= <$ty>::MAX as $wide) };
                wide as $ty
            }
            #[cfg(not(any(target_arch = "aarch64", all(target_arch = "arm", target_endian = "little"))))]
            {
                // SAFETY: the caller guarantees `pointer` is valid and aligned.
                unsafe { core::ptr::read_volatile(pointer) }
            }
        }

        /// Writes one value with a single volatile access.
        ///
        /// # Safety
        /// `pointer` must be valid for a write of this width and aligned to it.
        #[inline(always)]
        pub(crate) unsafe fn $write(pointer: *mut $ty, value: $ty) {
            #[cfg(any(target_arch = "aarch64", all(target_arch = "arm", target_endian = "little")))]
            {
                // SAFETY: the caller guarantees `pointer` is valid and aligned;
                // the instruction writes exactly this width and touches no
                // stack or flags.
                unsafe {
                    core::arch::asm!(
                        $store,
                        value = in(reg) value,
                        address = in(reg) pointer,
                        options(nostack, preserves_flags),
                    );
                }
            }
            #[cfg(not(any(target_arch = "aarch64", all(target_arch = "arm", target_endian = "little"))))]
            {
                // SAFETY: the caller guarantees `pointer` is valid and aligned.
                unsafe { core::ptr::write_volatile(pointer, value) }
            }
        }
    };
}

#[cfg(not(target_arch = "arm"))]
accessors!(
    u8,
    u32,
    read8,
    write8,
    "ldrb {value:w}, [{address}]",
    "strb {value:w}, [{address}]"
);
#[cfg(not(target_arch = "arm"))]
accessors!(
    u16,
    u32,
    read16,
    write16,
    "ldrh {value:w}, [{address}]",
    "strh {value:w}, [{address}]"
);
#[cfg(not(target_arch = "arm"))]
accessors!(
    u32,
    u32,
    read32,
    write32,
    "ldr {value:w}, [{address}]",
    "str {value:w}, [{address}]"
);
#[cfg(not(target_arch = "arm"))]
accessors!(
    u64,
    u64,
    read64,
    write64,
    "ldr {value:x}, [{address}]",
    "str {value:x}, [{address}]"
);

// 32-bit Arm: registers are 32 bits wide, with no `w`/`x` modifiers.
#[cfg(target_arch = "arm")]
accessors!(
    u8,
    u32,
    read8,
    write8,
    "ldrb {value}, [{address}]",
    "strb {value}, [{address}]"
);
#[cfg(target_arch = "arm")]
accessors!(
    u16,
    u32,
    read16,
    write16,
    "ldrh {value}, [{address}]",
    "strh {value}, [{address}]"
);
#[cfg(target_arch = "arm")]
accessors!(
    u32,
    u32,
    read32,
    write32,
    "ldr {value}, [{address}]",
    "str {value}, [{address}]"
);

/// Reads 64 bits on 32-bit Arm: two plain 32-bit loads ([`read32`], each
/// its own assembly block, so the compiler allocates registers as for two
/// hand-written reads), the low word (at the lower address, little-endian)
/// first; never `ldrd`.
///
/// # Safety
/// `pointer` must be valid for a read of 8 bytes and aligned to 8.
#[cfg(all(target_arch = "arm", target_endian = "little"))]
#[inline(always)]
pub(crate) unsafe fn read64(pointer: *const u64) -> u64 {
    let words = pointer.cast::<u32>();
    // SAFETY: the caller guarantees 8 valid, aligned bytes at `pointer`,
    // which hold both 4-byte-aligned words. Assembly blocks are volatile and
    // stay in program order.
    let (low, high) = unsafe { (read32(words), read32(words.wrapping_add(1))) };
    u64::from(low) | (u64::from(high) << 32)
}

/// Writes 64 bits on 32-bit Arm: two plain 32-bit stores ([`write32`]), the
/// low word first; never `strd`.
///
/// # Safety
/// `pointer` must be valid for a write of 8 bytes and aligned to 8.
#[cfg(all(target_arch = "arm", target_endian = "little"))]
#[inline(always)]
pub(crate) unsafe fn write64(pointer: *mut u64, value: u64) {
    let words = pointer.cast::<u32>();
    // SAFETY: as for `read64`.
    unsafe {
        write32(words, value as u32);
        write32(words.wrapping_add(1), (value >> 32) as u32);
    }
}

/// Big-endian 32-bit Arm: `read_volatile` (not built or checked here).
#[cfg(all(target_arch = "arm", not(target_endian = "little")))]
#[inline(always)]
pub(crate) unsafe fn read64(pointer: *const u64) -> u64 {
    // SAFETY: the caller guarantees `pointer` is valid and aligned.
    unsafe { core::ptr::read_volatile(pointer) }
}

/// Big-endian 32-bit Arm: `write_volatile` (not built or checked here).
#[cfg(all(target_arch = "arm", not(target_endian = "little")))]
#[inline(always)]
pub(crate) unsafe fn write64(pointer: *mut u64, value: u64) {
    // SAFETY: the caller guarantees `pointer` is valid and aligned.
    unsafe { core::ptr::write_volatile(pointer, value) }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Ordinary memory stands in for a device here, so Miri can check the
    // pointer handling.
    #[test]
    fn each_width_reads_back_what_it_wrote() {
        let mut words = [0u64; 2];
        let base = words.as_mut_ptr().cast::<u8>();
        // SAFETY: every pointer below lies inside `words` and is aligned to
        // its width.
        unsafe {
            write64(base.cast(), 0x1122_3344_5566_7788);
            write32(base.add(8).cast(), 0xdead_beef);
            write16(base.add(12).cast(), 0xcafe);
            write8(base.add(15), 0x5a);
            assert_eq!(read64(base.cast()), 0x1122_3344_5566_7788);
            assert_eq!(read32(base.add(8).cast()), 0xdead_beef);
            assert_eq!(read16(base.add(12).cast()), 0xcafe);
            assert_eq!(read8(base.add(15)), 0x5a);
            assert_eq!(read8(base.add(14)), 0);
        }
        assert_eq!(
            words[1].to_le_bytes(),
            [0xef, 0xbe, 0xad, 0xde, 0xfe, 0xca, 0, 0x5a]
        );
    }
}
