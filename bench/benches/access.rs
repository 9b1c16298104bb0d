//! Access overhead: a field `read`, `write` and `modify` through the generated
//! API over plain memory, against the same operation written by hand with
//! `read_volatile`/`write_volatile`.
//!
//! Two forms of each: `inlined` accesses the block inside the timed loop
//! (what an application does); `called` calls the
//! `#[inline(never)]` functions the instruction check disassembles. Names are
//! `<form>/<register>_<operation>/<ours|hand>`, which `cargo xtask bench`
//! pairs up into ratios.

use core::ptr::{read_volatile, write_volatile};

use divan::black_box;
use mmreg::RawIo;
use mmreg_bench::access;
use mmreg_bench::bcm2711::gpio::{self, Gpio};

fn main() {
    divan::main();
}

/// Plain memory standing in for the device: 8-byte aligned, larger than
/// both blocks.
fn memory() -> Box<[u64; 64]> {
    Box::new([0; 64])
}

const SAMPLES: u32 = 400;
const SAMPLE_SIZE: u32 = 20_000;

mod inlined {
    use super::*;

    /// Runs `ours` with a GPIO block over fresh memory. The block is made in
    /// the loop from an opaque base pointer, as the hand-written side gets
    /// one: its construction (a length check on constants) folds away.
    fn with_gpio<R>(bencher: divan::Bencher, ours: impl Fn(&Gpio<RawIo<'_>>) -> R) {
        let mut memory = memory();
        let base = memory.as_mut_ptr().cast::<u8>();
        bencher.bench_local(|| {
            // SAFETY: `memory` outlives the loop, is 8-byte aligned and larger
            // than the block.
            let io = unsafe { RawIo::new(black_box(base), gpio::SIZE) };
            let block = Gpio::new(io).expect("the io is one block long");
            ours(&block)
        });
    }

    /// Runs `hand` with the base of fresh memory.
    fn with_base<R>(bencher: divan::Bencher, hand: impl Fn(*mut u8) -> R) {
        let mut memory = memory();
        let base = memory.as_mut_ptr().cast::<u8>();
        bencher.bench_local(|| hand(black_box(base)));
    }

    mod gpio_read {
        use super::*;

        #[divan::bench(sample_count = SAMPLES, sample_size = SAMPLE_SIZE)]
        fn ours(bencher: divan::Bencher) {
            with_gpio(bencher, |block| block.gplev(0).read().lev(17));
        }

        #[divan::bench(sample_count = SAMPLES, sample_size = SAMPLE_SIZE)]
        fn hand(bencher: divan::Bencher) {
            // SAFETY: offset 0x34 is inside the memory and aligned.
            with_base(bencher, |base| unsafe {
                (read_volatile(base.add(0x34).cast::<u32>()) >> 17) & 1 != 0
            });
        }
    }

    mod gpio_write {
        use super::*;

        #[divan::bench(sample_count = SAMPLES, sample_size = SAMPLE_SIZE)]
        fn ours(bencher: divan::Bencher) {
            with_gpio(bencher, |block| {
                block.gpset(0).write(|w| w.set_set(17, true))
            });
        }

        #[divan::bench(sample_count = SAMPLES, sample_size = SAMPLE_SIZE)]
        fn hand(bencher: divan::Bencher) {
            // SAFETY: offset 0x1c is inside the memory and aligned.
            with_base(bencher, |base| unsafe {
                write_volatile(base.add(0x1c).cast::<u32>(), 1 << 17)
            });
        }
    }

    mod gpio_modify {
        use super::*;

        #[divan::bench(sample_count = SAMPLES, sample_size = SAMPLE_SIZE)]
        fn ours(bencher: divan::Bencher) {
            with_gpio(bencher, |block| {
                block
                    .gpfsel(1)
                    .modify(|_, w| w.set_fsel(7, gpio::vals::Fsel::Output))
            });
        }

        #[divan::bench(sample_count = SAMPLES, sample_size = SAMPLE_SIZE)]
        fn hand(bencher: divan::Bencher) {
            with_base(bencher, |base| {
                let register = base.wrapping_add(0x04).cast::<u32>();
                // SAFETY: offset 0x04 is inside the memory and aligned.
                unsafe {
                    let value = read_volatile(register);
                    write_volatile(register, (value & !(0b111 << 21)) | (1 << 21));
                }
            });
        }
    }
}

mod called {
    use super::*;

    /// Times `function` on the base of fresh memory.
    fn time<R>(bencher: divan::Bencher, function: unsafe fn(*mut u8) -> R) {
        let mut memory = memory();
        let base = memory.as_mut_ptr().cast::<u8>();
        // SAFETY: `memory` is larger than both blocks and 8-byte aligned.
        bencher.bench_local(|| unsafe { function(black_box(base)) });
    }

    /// One `called` pair per function pair of `mmreg_bench::access`.
    macro_rules! pairs {
        ($($name:ident: $ours:ident, $hand:ident;)*) => {
            $(
                mod $name {
                    use super::*;

                    #[divan::bench(sample_count = SAMPLES, sample_size = SAMPLE_SIZE)]
                    fn ours(bencher: divan::Bencher) {
                        time(bencher, access::$ours);
                    }

                    #[divan::bench(sample_count = SAMPLES, sample_size = SAMPLE_SIZE)]
                    fn hand(bencher: divan::Bencher) {
                        time(bencher, access::$hand);
                    }
                }
            )*
        };
    }

    pairs! {
        gpio_read: ours_gpio_read, hand_gpio_read;
        gpio_write: ours_gpio_write, hand_gpio_write;
        gpio_modify: ours_gpio_modify, hand_gpio_modify;
        byte_modify: ours_byte_modify, hand_byte_modify;
        half_modify: ours_half_modify, hand_half_modify;
        double_modify: ours_double_modify, hand_double_modify;
    }
}
