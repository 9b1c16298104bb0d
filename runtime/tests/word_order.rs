//! 64-bit registers through `Reg` on fake memory: one 64-bit access on a
//! 64-bit target; on a 32-bit target two 32-bit accesses, the low word first
//! unless the value type asks for the high word first. The CI's armv7 step
//! runs the 32-bit half under qemu-arm.

use mmreg::{Access, FakeMem, RawValue, ReadWrite, Reg, RegisterValue};

/// A 64-bit value type whose high word must be accessed first (a counter
/// that latches its low word when the high word is read, say).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct HighFirst(u64);

impl RegisterValue for HighFirst {
    type Int = u64;
    const RESET: u64 = 0;
    const WRITE_ONE_ACTION_MASK: u64 = 0;
    const WRITE_ZERO_ACTION_MASK: u64 = 0;
    const HIGH_WORD_FIRST: bool = true;
    fn from_bits(bits: u64) -> Self {
        HighFirst(bits)
    }
    fn to_bits(self) -> u64 {
        self.0
    }
}

/// Where the register sits in the fake.
const AT: usize = 0x8;
const STORED: u64 = 0x1122_3344_5566_7788;
const WRITTEN: u64 = 0x99aa_bbcc_ddee_ff00;
/// What `modify` below writes over `STORED`.
const MODIFIED: u64 = STORED | 0x0000_0001_0000_0001;

/// A fake holding `STORED` at `AT`, and a handle of value type `V` to it.
fn fake() -> FakeMem {
    let fake = FakeMem::new(0x10);
    fake.poke64(AT, STORED);
    fake
}

fn handle<V: RegisterValue<Int = u64>>(fake: &FakeMem) -> Reg<'_, FakeMem, V, ReadWrite> {
    // SAFETY: `AT + 8 <= 0x10` and `AT` is a multiple of 8.
    unsafe { Reg::new(fake, AT) }
}

#[cfg(target_pointer_width = "32")]
mod split {
    //! Two 32-bit accesses per 64-bit register access.

    use super::*;

    /// Byte offsets of the (low, high) words: the low word is at the lower
    /// address on a little-endian target.
    const LOW: usize = if cfg!(target_endian = "little") {
        AT
    } else {
        AT + 4
    };
    const HIGH: usize = if cfg!(target_endian = "little") {
        AT + 4
    } else {
        AT
    };

    fn low(value: u64) -> u32 {
        value as u32
    }

    fn high(value: u64) -> u32 {
        (value >> 32) as u32
    }

    #[test]
    fn offsets_are_zero_and_four_from_the_register() {
        let mut offsets = [LOW - AT, HIGH - AT];
        offsets.sort_unstable();
        assert_eq!(offsets, [0, 4]);
    }

    #[test]
    fn low_word_first_by_default() {
        let fake = fake();
        let reg = handle::<RawValue<u64>>(&fake);
        assert_eq!(reg.read().0, STORED);
        assert_eq!(
            fake.take_log(),
            [
                Access::read32(LOW, low(STORED)),
                Access::read32(HIGH, high(STORED))
            ]
        );
        reg.write(|w| w.0 = WRITTEN);
        assert_eq!(
            fake.take_log(),
            [
                Access::write32(LOW, low(WRITTEN)),
                Access::write32(HIGH, high(WRITTEN))
            ]
        );
        assert_eq!(fake.peek64(AT), WRITTEN);
        fake.poke64(AT, STORED);
        reg.modify(|r, w| w.0 = r.0 | 0x0000_0001_0000_0001);
        assert_eq!(
            fake.take_log(),
            [
                Access::read32(LOW, low(STORED)),
                Access::read32(HIGH, high(STORED)),
                Access::write32(LOW, low(MODIFIED)),
                Access::write32(HIGH, high(MODIFIED))
            ]
        );
        assert_eq!(fake.peek64(AT), MODIFIED);
    }

    #[test]
    fn high_word_first_when_the_value_type_asks() {
        let fake = fake();
        let reg = handle::<HighFirst>(&fake);
        assert_eq!(reg.read().0, STORED);
        assert_eq!(
            fake.take_log(),
            [
                Access::read32(HIGH, high(STORED)),
                Access::read32(LOW, low(STORED))
            ]
        );
        reg.write(|w| w.0 = WRITTEN);
        assert_eq!(
            fake.take_log(),
            [
                Access::write32(HIGH, high(WRITTEN)),
                Access::write32(LOW, low(WRITTEN))
            ]
        );
        assert_eq!(fake.peek64(AT), WRITTEN);
        fake.poke64(AT, STORED);
        reg.modify(|r, w| w.0 = r.0 | 0x0000_0001_0000_0001);
        assert_eq!(
            fake.take_log(),
            [
                Access::read32(HIGH, high(STORED)),
                Access::read32(LOW, low(STORED)),
                Access::write32(HIGH, high(MODIFIED)),
                Access::write32(LOW, low(MODIFIED))
            ]
        );
        assert_eq!(fake.peek64(AT), MODIFIED);
    }
}

#[cfg(not(target_pointer_width = "32"))]
mod whole {
    //! One 64-bit access per 64-bit register access, whatever the order.

    use super::*;

    fn one_access_each<V: RegisterValue<Int = u64>>() {
        let fake = fake();
        let reg = handle::<V>(&fake);
        assert_eq!(reg.read().to_bits(), STORED);
        assert_eq!(fake.take_log(), [Access::read64(AT, STORED)]);
        reg.write(|w| *w = V::from_bits(WRITTEN));
        assert_eq!(fake.take_log(), [Access::write64(AT, WRITTEN)]);
        assert_eq!(fake.peek64(AT), WRITTEN);
        fake.poke64(AT, STORED);
        reg.modify(|r, w| *w = V::from_bits(r.to_bits() | 0x0000_0001_0000_0001));
        assert_eq!(
            fake.take_log(),
            [Access::read64(AT, STORED), Access::write64(AT, MODIFIED)]
        );
        assert_eq!(fake.peek64(AT), MODIFIED);
    }

    #[test]
    fn low_word_first_type_is_one_access() {
        one_access_each::<RawValue<u64>>();
    }

    #[test]
    fn high_word_first_type_is_one_access() {
        one_access_each::<HighFirst>();
    }
}
