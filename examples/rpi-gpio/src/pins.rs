//! A pin-level driver over the generated GPIO block.
//!
//! Each operation is the register access the BCM2711 datasheet prescribes:
//! function select and pulls by read-modify-write (they share a register
//! with other pins), output through the set and clear registers (one write,
//! no read, so other pins are never disturbed), events cleared by writing 1.

use core::fmt;

use mmreg::{BlockError, IoWrite};

use crate::soc::gpio::Gpio;
pub use crate::soc::gpio::vals::{Fsel as Function, Pull};

/// A GPIO pin number the BCM2711 has: 0 to 57.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pin(u8);

impl Pin {
    /// Number of GPIO pins on the BCM2711.
    pub const COUNT: u8 = 58;

    /// The pin numbered `number`, if the BCM2711 has it.
    pub const fn new(number: u8) -> Option<Pin> {
        if number < Self::COUNT {
            Some(Pin(number))
        } else {
            None
        }
    }

    /// The pin's number.
    pub const fn number(self) -> u8 {
        self.0
    }

    /// Index of the 32-pin bank (set, clear, level and event registers).
    const fn bank(self) -> usize {
        self.0 as usize / 32
    }

    /// Bit of the pin in its 32-pin bank.
    const fn bank_bit(self) -> usize {
        self.0 as usize % 32
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GPIO{}", self.0)
    }
}

/// A number that is not a BCM2711 pin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidPin(pub u64);

impl fmt::Display for InvalidPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a BCM2711 GPIO pin (0 to {})",
            self.0,
            Pin::COUNT - 1
        )
    }
}

impl std::error::Error for InvalidPin {}

impl core::str::FromStr for Pin {
    type Err = InvalidPin;

    /// Parses `17` or `GPIO17`.
    fn from_str(text: &str) -> Result<Pin, InvalidPin> {
        let digits = text
            .strip_prefix("GPIO")
            .or_else(|| text.strip_prefix("gpio"))
            .unwrap_or(text);
        let number: u64 = digits.parse().map_err(|_| InvalidPin(u64::MAX))?;
        u8::try_from(number)
            .ok()
            .and_then(Pin::new)
            .ok_or(InvalidPin(number))
    }
}

/// The GPIO block, pin by pin. Owns the block, and the block owns its
/// memory `I`: a `Mapping` (the driver then keeps the mapping alive and
/// unmaps it on drop), `&Mapping` shared with other blocks, or fake memory.
pub struct Pins<I> {
    gpio: Gpio<I>,
}

impl<I: IoWrite> fmt::Debug for Pins<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pins {{ base: {:#x} }}", self.gpio.base())
    }
}

impl<I: IoWrite> Pins<I> {
    /// The GPIO block at offset 0 of `io`.
    ///
    /// # Errors
    /// If `io` is smaller than the block.
    pub fn new(io: I) -> Result<Self, BlockError> {
        Ok(Pins {
            gpio: Gpio::new(io)?,
        })
    }

    /// The generated block, for registers this driver does not wrap.
    pub fn block(&self) -> &Gpio<I> {
        &self.gpio
    }

    /// Gives the memory back.
    pub fn into_io(self) -> I {
        self.gpio.into_io()
    }

    /// Selects the pin's function (input, output or an alternate function).
    pub fn set_function(&self, pin: Pin, function: Function) {
        let number = usize::from(pin.number());
        self.gpio
            .gpfsel(number / 10)
            .modify(|_, register| register.set_fsel(number % 10, function));
    }

    /// The pin's current function.
    pub fn function(&self, pin: Pin) -> Function {
        let number = usize::from(pin.number());
        self.gpio.gpfsel(number / 10).read().fsel(number % 10)
    }

    /// Connects the pin's pull-up or pull-down resistor, or neither.
    pub fn set_pull(&self, pin: Pin, pull: Pull) {
        let number = usize::from(pin.number());
        self.gpio
            .gpio_pup_pdn_cntrl_reg(number / 16)
            .modify(|_, register| register.set_pull(number % 16, pull));
    }

    /// Drives an output pin high or low: one write to the set or clear
    /// register, which leaves every other pin alone.
    pub fn write(&self, pin: Pin, high: bool) {
        if high {
            self.gpio
                .gpset(pin.bank())
                .write(|register| register.set_set(pin.bank_bit(), true));
        } else {
            self.gpio
                .gpclr(pin.bank())
                .write(|register| register.set_clr(pin.bank_bit(), true));
        }
    }

    /// Whether the pin's pad is high.
    pub fn is_high(&self, pin: Pin) -> bool {
        self.gpio.gplev(pin.bank()).read().lev(pin.bank_bit())
    }

    /// Turns falling-edge detection for the pin on or off.
    pub fn detect_falling_edges(&self, pin: Pin, enabled: bool) {
        self.gpio
            .gpfen(pin.bank())
            .modify(|_, register| register.set_fen(pin.bank_bit(), enabled));
    }

    /// Whether an enabled event happened on the pin since the last call; if
    /// so, clears it (writing 1 to its bit only, so other pins' events stay).
    pub fn take_event(&self, pin: Pin) -> bool {
        let status = self.gpio.gpeds(pin.bank());
        let happened = status.read().eds(pin.bank_bit());
        if happened {
            status.write(|register| register.set_eds(pin.bank_bit(), true));
        }
        happened
    }
}
