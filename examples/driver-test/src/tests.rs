//! Unit tests of the driver on fake memory: the exact register sequence of
//! each operation, and interrupt flags modelled with hooks.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use mmreg::{Access, FakeMem};

use super::{AxiGpio, Channel, Pending};
use crate::soc::axi_gpio::SIZE;

// Offsets from PG144's register space table, written out so the tests check
// the generated code against the datasheet rather than against itself.
const GPIO_DATA: usize = 0x000;
const GPIO_TRI: usize = 0x004;
const GPIO2_DATA: usize = 0x008;
const GPIO2_TRI: usize = 0x00c;
const GIER: usize = 0x11c;
const IP_ISR: usize = 0x120;
const IP_IER: usize = 0x128;

/// Fake register space whose interrupt status toggles the bits written 1,
/// as the core's `IP_ISR` does.
fn fake_core() -> FakeMem {
    let fake = FakeMem::new(SIZE);
    fake.on_write(IP_ISR, |stored, written| stored ^ written);
    fake
}

/// Wires channel 1's outputs to channel 2's inputs (a loopback test
/// fixture): a write to `GPIO_DATA` appears at `GPIO2_DATA`, and a change
/// there raises channel 2's interrupt flag when `IP_IER` enables it, as the
/// core does on any input change.
fn loopback(fake: &FakeMem) {
    fake.on_write_with(GPIO_DATA, |fake, _, written| {
        let before = fake.peek32(GPIO2_DATA);
        let now = written as u32;
        fake.poke32(GPIO2_DATA, now);
        if now != before && fake.peek32(IP_IER) & 0b10 != 0 {
            fake.set_bits(IP_ISR, 0b10u32);
        }
        written
    });
}

#[test]
fn set_up_is_exactly_these_writes() {
    let fake = fake_core();
    let gpio = AxiGpio::new(&fake).unwrap();
    assert!(fake.log().is_empty(), "constructing makes no access");

    gpio.set_outputs(Channel::One, 0x0000_00ff);
    gpio.set_outputs(Channel::Two, 0);
    gpio.write(Channel::One, 0x5a);
    gpio.enable_interrupts(&[Channel::Two]);
    assert_eq!(
        fake.take_log(),
        [
            Access::write32(GPIO_TRI, 0xffff_ff00),
            Access::write32(GPIO2_TRI, 0xffff_ffff),
            Access::write32(GPIO_DATA, 0x5a),
            Access::write32(IP_IER, 0b10),
            Access::write32(GIER, 1 << 31),
        ]
    );
}

#[test]
fn set_high_and_low_write_the_shadow_without_reading() {
    let fake = fake_core();
    let gpio = AxiGpio::new(&fake).unwrap();
    // The pins read back differently (inputs, or a short): it must not matter.
    fake.poke32(GPIO_DATA, 0xffff_0000);
    gpio.set_high(Channel::One, 0b0101);
    gpio.set_high(Channel::One, 0b1000);
    gpio.set_low(Channel::One, 0b0001);
    gpio.set_high(Channel::Two, 1 << 31);
    assert_eq!(
        fake.take_log(),
        [
            Access::write32(GPIO_DATA, 0b0101),
            Access::write32(GPIO_DATA, 0b1101),
            Access::write32(GPIO_DATA, 0b1100),
            Access::write32(GPIO2_DATA, 1 << 31),
        ]
    );
}

#[test]
fn read_returns_the_input_pins() {
    let fake = fake_core();
    let gpio = AxiGpio::new(&fake).unwrap();
    fake.poke32(GPIO2_DATA, 0x8000_0001);
    assert_eq!(gpio.read(Channel::Two), 0x8000_0001);
    assert_eq!(fake.take_log(), [Access::read32(GPIO2_DATA, 0x8000_0001)]);
}

#[test]
fn an_input_change_raises_the_interrupt_flag_and_acknowledging_clears_it() {
    let fake = fake_core();
    loopback(&fake);
    let gpio = AxiGpio::new(&fake).unwrap();
    gpio.set_outputs(Channel::One, u32::MAX);
    gpio.set_outputs(Channel::Two, 0);

    gpio.write(Channel::One, 1);
    assert_eq!(
        gpio.pending(),
        Pending::default(),
        "channel 2 not enabled yet"
    );

    gpio.enable_interrupts(&[Channel::Two]);
    gpio.write(Channel::One, 1);
    assert_eq!(
        gpio.pending(),
        Pending::default(),
        "no change, no interrupt"
    );
    gpio.write(Channel::One, 3);
    assert_eq!(
        gpio.pending(),
        Pending {
            one: false,
            two: true
        }
    );
    assert_eq!(gpio.read(Channel::Two), 3);

    fake.clear_log();
    assert!(gpio.acknowledge(Channel::Two));
    assert_eq!(
        fake.take_log(),
        [Access::read32(IP_ISR, 0b10), Access::write32(IP_ISR, 0b10)]
    );
    assert_eq!(fake.peek32(IP_ISR), 0);
}

#[test]
fn clearing_one_flag_leaves_the_other() {
    let fake = fake_core();
    let gpio = AxiGpio::new(&fake).unwrap();
    fake.set_bits(IP_ISR, 0b11u32);

    assert!(gpio.acknowledge(Channel::One));
    assert_eq!(fake.peek32(IP_ISR), 0b10, "channel 2's flag is still set");
    assert_eq!(
        fake.log(),
        [Access::read32(IP_ISR, 0b11), Access::write32(IP_ISR, 0b01)]
    );
    assert!(gpio.pending().two);
    assert!(gpio.acknowledge(Channel::Two));
    assert_eq!(fake.peek32(IP_ISR), 0);
}

#[test]
fn writing_back_what_was_read_would_clear_both_flags() {
    // Why `acknowledge` writes one bit: on this toggle-on-write register a
    // plain read-modify-write clears every flag it read as set.
    let fake = fake_core();
    let gpio = AxiGpio::new(&fake).unwrap();
    fake.set_bits(IP_ISR, 0b11u32);
    let status = gpio.block.ip_isr().read();
    gpio.block.ip_isr().write_value(status);
    assert_eq!(fake.peek32(IP_ISR), 0);
}

#[test]
fn generated_modify_leaves_toggle_bits_alone() {
    // The description marks the status bits `oneToToggle`, so the generated
    // `modify` starts them at 0: enabling nothing else, it writes only the
    // bit the closure sets.
    let fake = fake_core();
    let gpio = AxiGpio::new(&fake).unwrap();
    fake.set_bits(IP_ISR, 0b11u32);
    gpio.block
        .ip_isr()
        .modify(|_, status| status.set_channel(2, true));
    assert_eq!(fake.peek32(IP_ISR), 0b01);
}

#[test]
fn modify_sees_every_flag_and_acts_only_on_the_ones_it_writes() {
    // The closure gets the value as read (both flags set) and the value to
    // write (both flags neutral, 0): it acknowledges channel 1 because it
    // saw it, and channel 2 stays pending.
    let fake = fake_core();
    let gpio = AxiGpio::new(&fake).unwrap();
    fake.set_bits(IP_ISR, 0b11u32);
    let seen = gpio.block.ip_isr().modify(|read, write| {
        if read.channel(1) {
            write.set_channel(1, true);
        }
        (read.channel(1), read.channel(2))
    });
    assert_eq!(seen, (true, true));
    assert_eq!(fake.peek32(IP_ISR), 0b10);
    assert_eq!(
        fake.take_log(),
        [Access::read32(IP_ISR, 0b11), Access::write32(IP_ISR, 0b01)]
    );
}

#[test]
fn a_driver_behind_a_mutex_is_driven_from_two_threads() {
    // The driver owns its block, the block owns `Arc<FakeMem>`: the whole
    // driver moves into a `Mutex` shared by two threads, and each
    // read-modify-write of the shadow and the data register stays whole.
    let fake = Arc::new(fake_core());
    let gpio = Mutex::new(AxiGpio::new(Arc::clone(&fake)).unwrap());
    std::thread::scope(|scope| {
        for bit in [0u32, 16] {
            let gpio = &gpio;
            scope.spawn(move || {
                for step in 0..8 {
                    gpio.lock()
                        .unwrap()
                        .set_high(Channel::One, 1 << (bit + step));
                }
            });
        }
    });
    assert_eq!(fake.peek32(GPIO_DATA), 0x00ff_00ff);
    let writes = fake
        .log()
        .iter()
        .filter(|access| access.offset == GPIO_DATA)
        .count();
    assert_eq!(writes, 16);
}

#[test]
fn acknowledging_a_clear_flag_writes_nothing() {
    // Writing 1 to a clear bit would set it: a false interrupt.
    let fake = fake_core();
    let gpio = AxiGpio::new(&fake).unwrap();
    assert!(!gpio.acknowledge(Channel::One));
    assert_eq!(fake.take_log(), [Access::read32(IP_ISR, 0)]);
    assert_eq!(fake.peek32(IP_ISR), 0);
}

#[test]
fn an_interrupt_handler_sees_each_change_once() {
    // A hook counts the writes to the status register: a handler that
    // acknowledges only what is pending writes once per interrupt.
    let fake = fake_core();
    loopback(&fake);
    let status_writes = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&status_writes);
    fake.on_write(IP_ISR, move |stored, written| {
        counter.fetch_add(1, Ordering::Relaxed);
        stored ^ written
    });
    let gpio = AxiGpio::new(&fake).unwrap();
    gpio.set_outputs(Channel::One, u32::MAX);
    gpio.enable_interrupts(&[Channel::Two]);

    let mut handled = 0;
    for value in [1, 1, 2, 2, 2, 6] {
        gpio.write(Channel::One, value);
        for channel in Channel::ALL {
            if gpio.acknowledge(channel) {
                handled += 1;
            }
        }
    }
    assert_eq!(handled, 3, "the values changed three times");
    assert_eq!(status_writes.load(Ordering::Relaxed), 3);
}

#[test]
fn disabling_interrupts_keeps_pending_flags() {
    let fake = fake_core();
    let gpio = AxiGpio::new(&fake).unwrap();
    gpio.enable_interrupts(&Channel::ALL);
    assert_eq!(fake.peek32(IP_IER), 0b11);
    fake.set_bits(IP_ISR, 0b01u32);
    gpio.disable_interrupts();
    assert_eq!(fake.peek32(GIER), 0);
    assert_eq!(fake.peek32(IP_ISR), 0b01);
}

#[test]
fn the_generated_metadata_models_the_same_toggle_flags() {
    // Instead of hand-written hooks, seed the fake from the description:
    // `oneToToggle` status bits, reset values (three-state all inputs) and
    // a log that names registers.
    let fake = FakeMem::from_meta(crate::soc::axi_gpio::META);
    let gpio = AxiGpio::new(&fake).unwrap();
    assert_eq!(
        fake.peek32(GPIO_TRI),
        0xffff_ffff,
        "reset: every pin an input"
    );
    fake.set_bits(IP_ISR, 0b11u32);
    assert!(gpio.acknowledge(Channel::Two));
    assert_eq!(fake.peek32(IP_ISR), 0b01);
    assert_eq!(
        fake.log_named(),
        [
            "AXI_GPIO.IP_ISR -> 0x00000003 {CHANNEL1, CHANNEL2}",
            "AXI_GPIO.IP_ISR <- 0x00000002 {CHANNEL2}",
        ]
    );
}
