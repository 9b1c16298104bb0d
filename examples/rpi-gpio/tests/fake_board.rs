//! The pin driver and the demo program against the fake board: exact
//! register sequences, and the board's model of levels and events.

use mmreg::Access;
use rpi_gpio::demo::{self, Config, Step};
use rpi_gpio::fake::FakeBoard;
use rpi_gpio::pins::{Function, Pin, Pins, Pull};

fn pin(number: u8) -> Pin {
    Pin::new(number).unwrap()
}

#[test]
fn pins_outside_the_chip_are_refused() {
    assert_eq!(Pin::new(57).map(Pin::number), Some(57));
    assert_eq!(Pin::new(58), None);
    assert_eq!("GPIO21".parse::<Pin>(), Ok(pin(21)));
    assert_eq!("gpio3".parse::<Pin>(), Ok(pin(3)));
    assert!("60".parse::<Pin>().is_err());
    assert!("LED".parse::<Pin>().is_err());
}

#[test]
fn output_goes_through_set_and_clear_without_reading() {
    let board = FakeBoard::new();
    let pins = Pins::new(board.memory()).unwrap();
    pins.write(pin(17), true);
    pins.write(pin(17), false);
    // Pin 40 is in the second bank: GPSET1 at 0x20, GPCLR1 at 0x2c, bit 8.
    pins.write(pin(40), true);
    pins.write(pin(40), false);
    assert_eq!(
        board.take_log(),
        [
            Access::write32(0x1c, 1 << 17),
            Access::write32(0x28, 1 << 17),
            Access::write32(0x20, 1 << 8),
            Access::write32(0x2c, 1 << 8),
        ]
    );
}

#[test]
fn function_select_keeps_the_other_pins_of_the_register() {
    let board = FakeBoard::new();
    let pins = Pins::new(board.memory()).unwrap();
    // GPIO10 to 19 share GPFSEL1 (0x04), three bits each.
    board.memory().poke32(0x04, 0b100 << 9); // GPIO13 in ALT0
    pins.set_function(pin(17), Function::Output);
    assert_eq!(
        board.take_log(),
        [
            Access::read32(0x04, 0b100 << 9),
            Access::write32(0x04, 0b100 << 9 | 0b001 << 21),
        ]
    );
    assert_eq!(pins.function(pin(13)), Function::Alt0);
    assert_eq!(pins.function(pin(17)), Function::Output);
}

#[test]
fn pulls_are_two_bits_per_pin_in_the_bcm2711_registers() {
    let board = FakeBoard::new();
    let pins = Pins::new(board.memory()).unwrap();
    // GPIO27 is pin 11 of GPIO_PUP_PDN_CNTRL_REG1 (0xe8), bits 23:22.
    pins.set_pull(pin(27), Pull::Down);
    assert_eq!(
        board.take_log(),
        [Access::read32(0xe8, 0), Access::write32(0xe8, 0b10 << 22)]
    );
}

#[test]
fn level_follows_outputs_pulls_and_the_button() {
    let board = FakeBoard::new();
    let pins = Pins::new(board.memory()).unwrap();
    let (led, button) = (pin(17), pin(27));
    pins.set_function(led, Function::Output);
    assert!(!pins.is_high(led));
    pins.write(led, true);
    assert!(pins.is_high(led));
    assert!(board.is_lit(led));
    // An input with no pull reads low; with the pull-up, high until pressed.
    assert!(!pins.is_high(button));
    pins.set_pull(button, Pull::Up);
    assert!(pins.is_high(button));
    board.set_button(button, true);
    assert!(!pins.is_high(button));
    assert!(pins.is_high(led), "the button does not touch the LED");
    board.set_button(button, false);
    assert!(pins.is_high(button));
}

#[test]
fn a_press_is_an_event_only_with_falling_edge_detection() {
    let board = FakeBoard::new();
    let pins = Pins::new(board.memory()).unwrap();
    let button = pin(27);
    pins.set_pull(button, Pull::Up);
    board.set_button(button, true);
    board.set_button(button, false);
    assert!(!pins.take_event(button), "detection was off");

    pins.detect_falling_edges(button, true);
    board.set_button(button, true);
    board.take_log();
    assert!(pins.take_event(button));
    assert_eq!(
        board.take_log(),
        [
            Access::read32(0x40, 1 << 27),
            Access::write32(0x40, 1 << 27)
        ]
    );
    assert!(!pins.take_event(button), "taking the event cleared it");
    board.set_button(button, false);
    assert!(!pins.take_event(button), "release is a rising edge");
}

#[test]
fn clearing_one_event_leaves_the_others() {
    let board = FakeBoard::new();
    let pins = Pins::new(board.memory()).unwrap();
    let buttons = [pin(5), pin(6), pin(40)];
    for button in buttons {
        pins.set_pull(button, Pull::Up);
        pins.detect_falling_edges(button, true);
        board.set_button(button, true);
    }
    assert_eq!(board.memory().peek32(0x40), 1 << 5 | 1 << 6);
    assert_eq!(board.memory().peek32(0x44), 1 << 8);
    assert!(pins.take_event(pin(5)));
    assert_eq!(board.memory().peek32(0x40), 1 << 6);
    assert_eq!(board.memory().peek32(0x44), 1 << 8);
    assert!(pins.take_event(pin(40)));
    assert!(pins.take_event(pin(6)));
    assert_eq!(board.memory().peek32(0x40), 0);
}

#[test]
fn the_demo_sees_one_press_and_leaves_the_led_off() {
    let board = FakeBoard::new();
    let pins = Pins::new(board.memory()).unwrap();
    let config = Config::default();
    let mut steps = Vec::new();
    let presses = demo::run(&pins, &config, |step| {
        steps.push(*step);
        match step {
            Step::LedOn(2) => board.set_button(config.button, true),
            Step::LedOn(3) => board.set_button(config.button, false),
            _ => {}
        }
    });
    assert_eq!(presses, 1);
    assert!(!board.is_lit(config.led));
    assert_eq!(steps.len(), 2 + 3 * 5);
    assert!(steps.contains(&Step::Button {
        blink: 2,
        high: false,
        pressed: true
    }));
    assert!(steps.contains(&Step::Button {
        blink: 3,
        high: true,
        pressed: false
    }));
    // The last step turned falling-edge detection for GPIO27 back off.
    assert_eq!(board.memory().peek32(0x58), 0);
}

#[test]
fn one_blink_is_exactly_set_level_events_clear() {
    let board = FakeBoard::new();
    let pins = Pins::new(board.memory()).unwrap();
    let config = Config {
        blinks: 1,
        ..Config::default()
    };
    let mut blink_log = Vec::new();
    demo::run(&pins, &config, |step| {
        let log = board.take_log();
        if !matches!(step, Step::Setup(_) | Step::Finish) {
            blink_log.extend(log);
        }
    });
    assert_eq!(
        blink_log,
        [
            Access::write32(0x1c, 1 << 17),
            // GPIO17 driven high, GPIO27 held high by its pull-up.
            Access::read32(0x34, 1 << 17 | 1 << 27),
            Access::read32(0x40, 0),
            Access::write32(0x28, 1 << 17),
        ]
    );
}

#[test]
fn the_log_names_registers_and_fields() {
    let board = FakeBoard::new();
    let pins = Pins::new(board.memory()).unwrap();
    pins.set_function(pin(17), Function::Output);
    pins.write(pin(17), true);
    pins.is_high(pin(17));
    assert_eq!(
        board.take_decoded_log(),
        [
            "GPIO.GPFSEL1 -> 0x00000000",
            // GPIO17 is the eighth pin (index 7) of GPFSEL1.
            "GPIO.GPFSEL1 <- 0x00200000 {FSEL7=OUTPUT}",
            "GPIO.GPSET0 <- 0x00020000 {SET17}",
            "GPIO.GPLEV0 -> 0x00020000 {LEV17}",
        ]
    );
}
