//! `FakeMem` hooks modelling hardware: each common model is a one-liner.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use mmreg::{Access, FakeMem, Io, IoWrite};

#[test]
fn busy_bit_clears_after_the_first_read() {
    let fake = FakeMem::new(0x10);
    fake.on_read(0x4, |v| (v, v & !1));
    fake.poke32(0x4, 0x81);
    assert_eq!(fake.checked_read32(0x4).unwrap(), 0x81);
    assert_eq!(
        fake.checked_read32(0x4).unwrap(),
        0x80,
        "busy clears, other bits stay"
    );
    assert_eq!(fake.peek32(0x4), 0x80);
}

#[test]
fn busy_bit_clears_after_three_polls_with_captured_state() {
    let fake = FakeMem::new(0x10);
    let polls = Arc::new(AtomicU32::new(0));
    let seen = Arc::clone(&polls);
    fake.on_read(0x0, move |v| {
        let polled = seen.fetch_add(1, Ordering::Relaxed) + 1;
        if polled >= 3 { (v, v & !1) } else { (v, v) }
    });
    fake.poke32(0x0, 1);
    let mut reads = 0;
    while fake.checked_read32(0x0).unwrap() & 1 != 0 {
        reads += 1;
        assert!(reads < 10, "busy never cleared");
    }
    assert_eq!(reads, 3);
    assert_eq!(polls.load(Ordering::Relaxed), 4);
}

#[test]
fn clear_on_read_returns_then_clears() {
    let fake = FakeMem::new(0x10);
    fake.on_read(0x8, |v| (v, 0));
    fake.set_bits(0x8, 0b101u32);
    assert_eq!(fake.checked_read32(0x8).unwrap(), 0b101);
    assert_eq!(fake.checked_read32(0x8).unwrap(), 0);
}

#[test]
fn inverted_read_back_like_qemu_edu_liveness() {
    // QEMU's edu device returns the bitwise complement of what was written to
    // its liveness check register at 0x04.
    let fake = FakeMem::new(0x100);
    fake.on_write(0x4, |_, written| !written);
    fake.checked_write32(0x4, 0x1234_5678).unwrap();
    assert_eq!(fake.checked_read32(0x4).unwrap(), 0xedcb_a987);
    // The log keeps what the driver wrote, not what the device stored.
    assert_eq!(
        fake.log(),
        [
            Access::write32(0x4, 0x1234_5678),
            Access::read32(0x4, 0xedcb_a987)
        ]
    );
}

#[test]
fn inverted_read_back_as_a_read_hook() {
    let fake = FakeMem::new(0x10);
    fake.on_read(0x4, |v| (!v, v));
    fake.checked_write32(0x4, 0xff).unwrap();
    assert_eq!(fake.checked_read32(0x4).unwrap(), 0xffff_ff00);
    assert_eq!(fake.peek32(0x4), 0xff, "the stored value is unchanged");
}

#[test]
fn write_one_to_clear() {
    let fake = FakeMem::new(0x10);
    fake.on_write(0xc, |old, written| old & !written);
    fake.poke32(0xc, 0b1110);
    fake.checked_write32(0xc, 0b0100).unwrap();
    assert_eq!(fake.peek32(0xc), 0b1010);
    fake.checked_write32(0xc, 0).unwrap();
    assert_eq!(fake.peek32(0xc), 0b1010, "writing 0 clears nothing");
}

#[test]
fn edu_factorial_computes_on_write() {
    let fake = FakeMem::new(0x100);
    fake.on_write(0x8, |_, n| (1..=n).product());
    fake.checked_write32(0x8, 10).unwrap();
    assert_eq!(fake.checked_read32(0x8).unwrap(), 3_628_800);
}

#[test]
fn doorbell_raises_a_flag_elsewhere() {
    let fake = FakeMem::new(0x10);
    fake.on_write_with(0x0, |fake, _, written| {
        if written & 1 != 0 {
            fake.set_bits(0x4, 1u32 << 8);
        }
        0
    });
    fake.checked_write32(0x0, 1).unwrap();
    assert_eq!(fake.peek32(0x0), 0, "the doorbell self-clears");
    assert_eq!(fake.checked_read32(0x4).unwrap(), 1 << 8);
}

#[test]
fn read_hook_with_the_fake_counts_into_another_register() {
    let fake = FakeMem::new(0x10);
    fake.on_read_with(0x0, |fake, v| {
        fake.poke32(0x4, fake.peek32(0x4) + 1);
        (v, v)
    });
    for _ in 0..5 {
        fake.checked_read32(0x0).unwrap();
    }
    assert_eq!(fake.peek32(0x4), 5);
}

#[test]
fn hooks_see_values_at_the_width_of_the_access() {
    let fake = FakeMem::new(0x10);
    let seen = Arc::new(AtomicU64::new(0));
    let record = Arc::clone(&seen);
    fake.on_read(0x8, move |v| {
        record.store(v, Ordering::Relaxed);
        (u64::MAX, v)
    });
    fake.poke64(0x8, 0x1122_3344_5566_7788);
    assert_eq!(
        fake.checked_read8(0x8).unwrap(),
        0xff,
        "the result is truncated to 8 bits"
    );
    assert_eq!(seen.load(Ordering::Relaxed), 0x88);
    assert_eq!(fake.checked_read16(0x8).unwrap(), 0xffff);
    assert_eq!(seen.load(Ordering::Relaxed), 0x7788);
    assert_eq!(fake.checked_read64(0x8).unwrap(), u64::MAX);
    assert_eq!(seen.load(Ordering::Relaxed), 0x1122_3344_5566_7788);
    // An access that does not start at the hook's offset does not fire it.
    assert_eq!(fake.checked_read8(0x9).unwrap(), 0x77);
    // A narrow write through a hook changes only its own bytes.
    fake.on_write(0x8, |_, written| written + 1);
    fake.checked_write8(0x8, 0xff).unwrap();
    assert_eq!(
        fake.peek64(0x8),
        0x1122_3344_5566_7700,
        "0xff + 1 truncated to a byte"
    );
}

#[test]
fn a_new_hook_replaces_the_old_and_removal_restores_ram() {
    let fake = FakeMem::new(0x10);
    fake.on_write(0x0, |_, _| 1);
    fake.on_write(0x0, |_, _| 2);
    fake.checked_write32(0x0, 9).unwrap();
    assert_eq!(fake.peek32(0x0), 2);
    fake.remove_hooks(0x0);
    fake.checked_write32(0x0, 9).unwrap();
    assert_eq!(fake.peek32(0x0), 9);
}

#[test]
fn a_hook_may_access_the_fake_through_io() {
    let fake = FakeMem::new(0x10);
    fake.on_read(0x4, |v| (v + 1, v));
    fake.on_read_with(0x0, |fake, v| {
        // Fires the other offset's hook and is logged, inside this hook.
        let other = fake.checked_read32(0x4).unwrap();
        (v + u64::from(other), v)
    });
    fake.poke32(0x0, 10);
    fake.poke32(0x4, 5);
    assert_eq!(fake.checked_read32(0x0).unwrap(), 16);
    assert_eq!(
        fake.log(),
        [Access::read32(0x4, 6), Access::read32(0x0, 16)]
    );
}

#[test]
fn a_hook_reading_its_own_offset_does_not_recurse() {
    let fake = FakeMem::new(0x10);
    fake.on_read_with(0x0, |fake, v| {
        (v + u64::from(fake.checked_read32(0x0).unwrap()), v)
    });
    fake.poke32(0x0, 3);
    assert_eq!(fake.checked_read32(0x0).unwrap(), 6);
}

#[test]
fn a_hook_may_replace_itself() {
    let fake = FakeMem::new(0x10);
    // The first write arms the device; later writes are ignored.
    fake.on_write_with(0x0, |fake, _, written| {
        fake.on_write(0x0, |old, _| old);
        written
    });
    fake.checked_write32(0x0, 7).unwrap();
    fake.checked_write32(0x0, 8).unwrap();
    assert_eq!(fake.peek32(0x0), 7);
}

#[test]
fn a_one_shot_hook_may_remove_itself() {
    let fake = FakeMem::new(0x10);
    // The first read after power-up returns a magic value, then plain RAM.
    fake.on_read_with(0x0, |fake, v| {
        fake.remove_hooks(0x0);
        (0x5a, v)
    });
    fake.poke32(0x0, 7);
    assert_eq!(fake.checked_read32(0x0).unwrap(), 0x5a);
    assert_eq!(fake.checked_read32(0x0).unwrap(), 7);
    assert!(format!("{fake:?}").contains("read_hooks: []"));
}
