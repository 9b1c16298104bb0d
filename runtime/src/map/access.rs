//! One volatile access of an exact width through a raw pointer.
//!
//! On aarch64 each accessor is one plain `ldr`/`str` in inline assembly: the
//! compiler may otherwise pick paired or write-back forms, which fault on
//! device memory inside virtual machines (the access cannot be emulated).
//! Elsewhere `read_volatile`/`write_volatile` of the width already compile to
//! one access.

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
            #[cfg(target_arch = "aarch64")]
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
                        value = out(reg) wide,
                        address = in(reg) pointer,
                        options(nostack, preserves_flags),
                    );
                }
                // SAFETY: `ldrb`, `ldrh` and `ldr` of a `w` register
                // zero-extend into the whole `x` register (Arm ARM, "Writing
                // to a W register zeroes the upper 32 bits").
                unsafe { core::hint::assert_unchecked(wide <= <$ty>::MAX as $wide) };
                wide as $ty
            }
            #[cfg(not(target_arch = "aarch64"))]
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
            #[cfg(target_arch = "aarch64")]
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
            #[cfg(not(target_arch = "aarch64"))]
            {
                // SAFETY: the caller guarantees `pointer` is valid and aligned.
                unsafe { core::ptr::write_volatile(pointer, value) }
            }
        }
    };
}

accessors!(
    u8,
    u32,
    read8,
    write8,
    "ldrb {value:w}, [{address}]",
    "strb {value:w}, [{address}]"
);
accessors!(
    u16,
    u32,
    read16,
    write16,
    "ldrh {value:w}, [{address}]",
    "strh {value:w}, [{address}]"
);
accessors!(
    u32,
    u32,
    read32,
    write32,
    "ldr {value:w}, [{address}]",
    "str {value:w}, [{address}]"
);
accessors!(
    u64,
    u64,
    read64,
    write64,
    "ldr {value:x}, [{address}]",
    "str {value:x}, [{address}]"
);

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
