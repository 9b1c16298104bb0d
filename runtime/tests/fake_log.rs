//! `FakeMem` as plain memory: widths, byte order, the access log and the
//! hardware-side helpers.

use mmreg::{Access, AccessError, AccessKind, FakeMem, Io, IoWrite, RawValue, ReadWrite, Reg};
use proptest::prelude::*;

#[test]
fn design_sketch_log_assertion() {
    let fake = FakeMem::new(0x40);
    fake.checked_write32(0x1c, 1 << 17).unwrap();
    assert_eq!(fake.log(), [Access::write32(0x1c, 1 << 17)]);
}

#[test]
fn every_width_reads_back_what_it_wrote_and_is_logged() {
    let fake = FakeMem::new(0x20);
    fake.checked_write8(0x1, 0xab).unwrap();
    fake.checked_write16(0x2, 0xbeef).unwrap();
    fake.checked_write32(0x4, 0xdead_beef).unwrap();
    fake.checked_write64(0x8, 0x0123_4567_89ab_cdef).unwrap();
    assert_eq!(fake.checked_read8(0x1).unwrap(), 0xab);
    assert_eq!(fake.checked_read16(0x2).unwrap(), 0xbeef);
    assert_eq!(fake.checked_read32(0x4).unwrap(), 0xdead_beef);
    assert_eq!(fake.checked_read64(0x8).unwrap(), 0x0123_4567_89ab_cdef);
    assert_eq!(
        fake.take_log(),
        [
            Access::write8(0x1, 0xab),
            Access::write16(0x2, 0xbeef),
            Access::write32(0x4, 0xdead_beef),
            Access::write64(0x8, 0x0123_4567_89ab_cdef),
            Access::read8(0x1, 0xab),
            Access::read16(0x2, 0xbeef),
            Access::read32(0x4, 0xdead_beef),
            Access::read64(0x8, 0x0123_4567_89ab_cdef),
        ]
    );
    assert!(fake.log().is_empty(), "take_log empties the log");
}

#[test]
fn memory_is_little_endian_across_widths() {
    let fake = FakeMem::new(0x10);
    fake.checked_write32(0x4, 0x1122_3344).unwrap();
    assert_eq!(fake.checked_read8(0x4).unwrap(), 0x44);
    assert_eq!(fake.checked_read8(0x7).unwrap(), 0x11);
    assert_eq!(fake.checked_read16(0x6).unwrap(), 0x1122);
    assert_eq!(fake.checked_read64(0x0).unwrap(), 0x1122_3344_0000_0000);
    // A narrow write leaves its neighbours alone.
    fake.checked_write8(0x5, 0xff).unwrap();
    assert_eq!(fake.peek32(0x4), 0x1122_ff44);
}

#[test]
fn odd_length_memory_reaches_its_last_byte_and_no_further() {
    let fake = FakeMem::new(13);
    assert_eq!(fake.len(), 13);
    fake.checked_write8(12, 7).unwrap();
    assert_eq!(fake.checked_read8(12).unwrap(), 7);
    assert_eq!(
        fake.checked_read32(12),
        Err(AccessError::OutOfBounds {
            offset: 12,
            width: 4,
            len: 13
        })
    );
    assert_eq!(
        fake.checked_write16(3, 1),
        Err(AccessError::Misaligned {
            offset: 3,
            width: 2
        })
    );
    // Refused accesses are not logged.
    assert_eq!(fake.log(), [Access::write8(12, 7), Access::read8(12, 7)]);
}

#[test]
fn access_display_pads_to_the_width() {
    assert_eq!(
        Access::write32(0x1c, 1 << 17).to_string(),
        "W32 [0x1c] <- 0x00020000"
    );
    assert_eq!(Access::read8(0x3, 0x5).to_string(), "R8 [0x3] -> 0x05");
    assert_eq!(
        Access::read16(0x0, 0xabc).to_string(),
        "R16 [0x0] -> 0x0abc"
    );
    assert_eq!(
        Access::write64(0x100, 1).to_string(),
        "W64 [0x100] <- 0x0000000000000001"
    );
    let access = Access::read64(0x8, u64::MAX);
    assert_eq!(
        (access.kind, access.width, access.bits()),
        (AccessKind::Read, 8, 64)
    );
    assert!(access.is_read() && !access.is_write());
}

#[test]
fn hardware_side_is_neither_logged_nor_hooked() {
    let fake = FakeMem::new(0x10);
    fake.on_write(0x0, |_, _| 0xffff_ffff);
    fake.on_read(0x0, |_| (0, 0));
    fake.poke32(0x0, 0x10);
    fake.set_bits(0x0, 0x3u32);
    fake.clear_bits(0x0, 0x1u32);
    assert_eq!(fake.peek32(0x0), 0x12);
    fake.poke8(0x8, 0x80);
    fake.poke16(0xa, 0x1234);
    fake.poke64(0x8, fake.peek64(0x8) | 1 << 63);
    assert_eq!(fake.peek::<u64>(0x8), 0x8000_0000_1234_0080);
    assert_eq!(fake.peek16(0xa), 0x1234);
    assert_eq!(fake.peek8(0x8), 0x80);
    assert!(fake.log().is_empty());
}

#[test]
#[should_panic(expected = "not naturally aligned")]
fn hardware_side_refuses_misaligned_offsets() {
    FakeMem::new(0x10).poke32(0x2, 1);
}

#[test]
#[should_panic(expected = "out of bounds")]
fn hardware_side_refuses_out_of_bounds_offsets() {
    FakeMem::new(0x10).peek64(0x10);
}

#[test]
fn logging_can_be_paused_and_cleared() {
    let fake = FakeMem::new(8);
    fake.checked_write32(0, 1).unwrap();
    fake.clear_log();
    fake.set_logging(false);
    fake.checked_write32(0, 2).unwrap();
    fake.set_logging(true);
    assert_eq!(fake.checked_read32(0).unwrap(), 2);
    assert_eq!(fake.log(), [Access::read32(0, 2)]);
}

#[test]
fn fill_sets_every_byte() {
    let fake = FakeMem::new(12);
    fake.fill(0xa5);
    assert_eq!(fake.peek64(0), 0xa5a5_a5a5_a5a5_a5a5);
    assert_eq!(fake.peek32(8), 0xa5a5_a5a5);
}

#[test]
fn register_handles_log_exactly_one_access_per_operation() {
    let fake = FakeMem::new(0x10);
    // SAFETY: offset 8 is in bounds and aligned for 32 bits.
    let reg: Reg<'_, _, RawValue<u32>, ReadWrite> = unsafe { Reg::new(&fake, 8) };
    reg.write(|w| w.0 = 0x10);
    reg.modify(|_, v| v.0 |= 1);
    assert_eq!(
        fake.log(),
        [
            Access::write32(8, 0x10),
            Access::read32(8, 0x10),
            Access::write32(8, 0x11)
        ]
    );
}

#[test]
fn debug_shows_size_hooks_and_log_length() {
    let fake = FakeMem::new(0x10);
    fake.on_read(0x4, |v| (v, v));
    fake.checked_write8(0, 1).unwrap();
    let text = format!("{fake:?}");
    assert!(text.contains("len: 16"), "{text}");
    assert!(text.contains("logged: 1"), "{text}");
    assert!(text.contains("read_hooks: [4]"), "{text}");
}

/// One step of the model-based test: an aligned access of some width.
#[derive(Debug, Clone)]
enum Step {
    Write {
        width: usize,
        slot: usize,
        value: u64,
    },
    Read {
        width: usize,
        slot: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let width = prop_oneof![Just(1usize), Just(2), Just(4), Just(8)];
    (width, 0usize..32, any::<u64>(), any::<bool>()).prop_map(|(width, slot, value, write)| {
        let slot = slot % (32 / width);
        if write {
            Step::Write { width, slot, value }
        } else {
            Step::Read { width, slot }
        }
    })
}

proptest! {
    // Under Miri: few cases (it is slow) and no failure file (no file system).
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 4 } else { 256 },
        failure_persistence: if cfg!(miri) { None } else { ProptestConfig::default().failure_persistence },
        ..ProptestConfig::default()
    })]

    /// Mixed-width accesses behave like a little-endian byte array, and the
    /// log records each one with the value seen.
    #[test]
    fn behaves_like_a_little_endian_byte_array(steps in proptest::collection::vec(step(), 1..40)) {
        let fake = FakeMem::new(32);
        let mut model = [0u8; 32];
        let mut expected_log = Vec::new();
        for step in steps {
            match step {
                Step::Write { width, slot, value } => {
                    let offset = slot * width;
                    let bytes = value.to_le_bytes();
                    model[offset..offset + width].copy_from_slice(&bytes[..width]);
                    let truncated = if width == 8 { value } else { value & ((1 << (width * 8)) - 1) };
                    match width {
                        1 => fake.checked_write8(offset, truncated as u8).unwrap(),
                        2 => fake.checked_write16(offset, truncated as u16).unwrap(),
                        4 => fake.checked_write32(offset, truncated as u32).unwrap(),
                        _ => fake.checked_write64(offset, truncated).unwrap(),
                    }
                    expected_log.push(Access { kind: AccessKind::Write, offset, width: width as u8, value: truncated });
                }
                Step::Read { width, slot } => {
                    let offset = slot * width;
                    let mut bytes = [0u8; 8];
                    bytes[..width].copy_from_slice(&model[offset..offset + width]);
                    let expected = u64::from_le_bytes(bytes);
                    let got = match width {
                        1 => u64::from(fake.checked_read8(offset).unwrap()),
                        2 => u64::from(fake.checked_read16(offset).unwrap()),
                        4 => u64::from(fake.checked_read32(offset).unwrap()),
                        _ => fake.checked_read64(offset).unwrap(),
                    };
                    prop_assert_eq!(got, expected);
                    expected_log.push(Access { kind: AccessKind::Read, offset, width: width as u8, value: expected });
                }
            }
        }
        prop_assert_eq!(fake.take_log(), expected_log);
    }
}

/// Issue 13: `FakeMem::new(usize::MAX)` panicked with no documented cause
/// ("capacity overflow" from inside `vec!`); the panic is documented and
/// names the length.
#[test]
#[should_panic(expected = "cannot allocate 0x")]
fn fake_memory_too_large_to_allocate_panics_naming_the_length() {
    let _ = mmreg::FakeMem::new(usize::MAX);
}
