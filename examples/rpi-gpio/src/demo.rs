//! The program: blink an LED and watch a button, over any [`IoWrite`] memory.

use core::fmt;

use mmreg::IoWrite;

use crate::pins::{Function, Pin, Pins, Pull};

/// What to blink and watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// The pin with the LED (to ground through a resistor).
    pub led: Pin,
    /// The pin with the button (to ground; the internal pull-up holds it
    /// high while released).
    pub button: Pin,
    /// How many times to blink.
    pub blinks: u32,
}

impl Default for Config {
    /// LED on GPIO17 (header pin 11), button on GPIO27 (header pin 13),
    /// five blinks.
    fn default() -> Self {
        Config {
            led: Pin::new(17).expect("GPIO17 exists"),
            button: Pin::new(27).expect("GPIO27 exists"),
            blinks: 5,
        }
    }
}

/// A step of the program, reported to the caller after it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// LED pin made an output (driven low), button pin an input with its
    /// pull-up, falling-edge detection on, stale events cleared.
    Setup(Config),
    /// The LED was turned on, at the start of blink `n` (from 1).
    LedOn(u32),
    /// The button was read during blink `n`.
    Button {
        /// The blink.
        blink: u32,
        /// The pad's level: high while released.
        high: bool,
        /// Whether a press (falling edge) happened since the last read.
        pressed: bool,
    },
    /// The LED was turned off, at the end of blink `n`.
    LedOff(u32),
    /// Edge detection turned off again.
    Finish,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Step::Setup(config) => write!(
                f,
                "setup: LED on {} (output, low), button on {} (input, pull-up, falling-edge detect)",
                config.led, config.button
            ),
            Step::LedOn(blink) => write!(f, "blink {blink}: LED on"),
            Step::Button {
                blink,
                high,
                pressed,
            } => write!(
                f,
                "blink {blink}: button {}, {}",
                if high {
                    "high (released)"
                } else {
                    "low (held)"
                },
                if pressed {
                    "pressed since the last look"
                } else {
                    "no press"
                }
            ),
            Step::LedOff(blink) => write!(f, "blink {blink}: LED off"),
            Step::Finish => write!(f, "finish: falling-edge detection off"),
        }
    }
}

/// Runs the program on `pins`, calling `after` after each step (to print
/// it, to wait, or to press the fake button). Returns how many presses it
/// saw.
pub fn run<I: IoWrite>(pins: &Pins<I>, config: &Config, mut after: impl FnMut(&Step)) -> u32 {
    // Low before output, so the LED does not flash if the latch was high.
    pins.write(config.led, false);
    pins.set_function(config.led, Function::Output);
    pins.set_function(config.button, Function::Input);
    pins.set_pull(config.button, Pull::Up);
    pins.detect_falling_edges(config.button, true);
    pins.take_event(config.button);
    after(&Step::Setup(*config));

    let mut presses = 0;
    for blink in 1..=config.blinks {
        pins.write(config.led, true);
        after(&Step::LedOn(blink));
        let high = pins.is_high(config.button);
        let pressed = pins.take_event(config.button);
        presses += u32::from(pressed);
        after(&Step::Button {
            blink,
            high,
            pressed,
        });
        pins.write(config.led, false);
        after(&Step::LedOff(blink));
    }

    pins.detect_falling_edges(config.button, false);
    after(&Step::Finish);
    presses
}
