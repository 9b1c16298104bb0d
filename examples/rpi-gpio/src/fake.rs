//! A fake Raspberry Pi 4 GPIO block, for running the example anywhere.
//!
//! [`FakeBoard`] is a [`FakeMem`] the size of the GPIO block whose hooks do
//! what the BCM2711 does (datasheet section 5.2):
//! - writing 1s to `GPSETn` / `GPCLRn` drives output pins high / low and
//!   leaves the others; the registers themselves read as 0;
//! - reading `GPLEVn` returns each pad's level: an output pin's driven level,
//!   an input pin's pull resistor (pull-up reads high, pull-down or none low)
//!   unless something outside pulls it to ground, like a pressed button;
//! - a level change on a pin with rising- or falling-edge detection enabled
//!   (`GPRENn` / `GPFENn`) sets its bit in `GPEDSn`, which writing 1 clears.
//!
//! The memory is seeded from the generated metadata (`gpio::META`), so its
//! log names registers and fields, and register offsets come from the
//! generated block, not from constants here.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use mmreg::{Access, FakeMem, Io};

use crate::pins::Pin;
use crate::soc::gpio::{self, Gpio};

/// Pins 0 to 57 as bits of a `u64`.
const ALL_PINS: u64 = (1 << Pin::COUNT) - 1;

/// Offsets of the registers the model reads or hooks, taken from the
/// generated block.
#[derive(Debug, Clone)]
struct Layout {
    function_select: [usize; 6],
    pull: [usize; 4],
    set: [usize; 2],
    clear: [usize; 2],
    level: [usize; 2],
    event_status: [usize; 2],
    rising_edge: [usize; 2],
    falling_edge: [usize; 2],
}

impl Layout {
    fn of<I: Io>(gpio: &Gpio<I>) -> Layout {
        Layout {
            function_select: core::array::from_fn(|index| gpio.gpfsel(index).offset()),
            pull: core::array::from_fn(|index| gpio.gpio_pup_pdn_cntrl_reg(index).offset()),
            set: core::array::from_fn(|index| gpio.gpset(index).offset()),
            clear: core::array::from_fn(|index| gpio.gpclr(index).offset()),
            level: core::array::from_fn(|index| gpio.gplev(index).offset()),
            event_status: core::array::from_fn(|index| gpio.gpeds(index).offset()),
            rising_edge: core::array::from_fn(|index| gpio.gpren(index).offset()),
            falling_edge: core::array::from_fn(|index| gpio.gpfen(index).offset()),
        }
    }

    /// The 64-bit value of a register pair covering pins 0-31 and 32-57.
    fn pair(memory: &FakeMem, offsets: [usize; 2]) -> u64 {
        u64::from(memory.peek32(offsets[0])) | u64::from(memory.peek32(offsets[1])) << 32
    }
}

/// What lies outside the registers: the output latches and the wires.
#[derive(Debug, Default)]
struct Wires {
    /// Level each pin drives when it is an output (set by `GPSET`, cleared
    /// by `GPCLR`).
    latch: u64,
    /// Pins something outside the chip connects to ground.
    grounded: u64,
}

/// Shared between the board and its hooks.
#[derive(Debug)]
struct Model {
    layout: Layout,
    wires: Mutex<Wires>,
}

impl Model {
    /// The wires, also after a panic elsewhere (a test that failed while a
    /// hook ran).
    fn wires(&self) -> MutexGuard<'_, Wires> {
        self.wires.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every pad's level, pin `n` at bit `n`.
    fn levels(&self, memory: &FakeMem) -> u64 {
        let wires = self.wires();
        let mut levels = 0;
        for pin in 0..u64::from(Pin::COUNT) {
            let index = pin as usize;
            let select = memory.peek32(self.layout.function_select[index / 10]);
            let is_output = (select >> (3 * (index % 10))) & 0b111
                == u32::from(gpio::vals::Fsel::Output.to_bits());
            let pull = memory.peek32(self.layout.pull[index / 16]);
            let pulled_up =
                (pull >> (2 * (index % 16))) & 0b11 == u32::from(gpio::vals::Pull::Up.to_bits());
            let high = if is_output {
                wires.latch >> pin & 1 == 1
            } else {
                wires.grounded >> pin & 1 == 0 && pulled_up
            };
            levels |= u64::from(high) << pin;
        }
        levels
    }

    /// Runs `change` on the wires and raises the edge events it causes.
    fn change(&self, memory: &FakeMem, change: impl FnOnce(&mut Wires)) {
        let before = self.levels(memory);
        change(&mut self.wires());
        let after = self.levels(memory);
        let rising = !before & after & Layout::pair(memory, self.layout.rising_edge);
        let falling = before & !after & Layout::pair(memory, self.layout.falling_edge);
        let events = (rising | falling) & ALL_PINS;
        for (bank, offset) in self.layout.event_status.iter().enumerate() {
            // Truncation keeps this bank's 32 pins.
            let bits = (events >> (32 * bank)) as u32;
            if bits != 0 {
                memory.set_bits(*offset, bits);
            }
        }
    }
}

/// A fake BCM2711 GPIO block with a button: see the [module documentation](self).
#[derive(Debug)]
pub struct FakeBoard {
    memory: FakeMem,
    model: Arc<Model>,
}

impl Default for FakeBoard {
    fn default() -> Self {
        FakeBoard::new()
    }
}

impl FakeBoard {
    /// The block at reset: every pin an input with no pull, nothing pressed,
    /// the log empty.
    pub fn new() -> FakeBoard {
        // Seeded from the generated metadata: reset values, read-only and
        // write-only bits as declared, and a log that names registers and
        // fields. The hooks below then add what the description cannot say.
        let memory = FakeMem::from_meta(gpio::META);
        let layout = match Gpio::new(&memory) {
            Ok(block) => Layout::of(&block),
            Err(error) => unreachable!("a fake of the block's own size fits it: {error}"),
        };
        let model = Arc::new(Model {
            layout: layout.clone(),
            wires: Mutex::new(Wires::default()),
        });
        for bank in 0..2 {
            let shift = 32 * bank;
            let hook_model = Arc::clone(&model);
            memory.on_write_with(layout.set[bank], move |memory, _, written| {
                hook_model.change(memory, |wires| wires.latch |= written << shift);
                // Write-only: reads return 0.
                0
            });
            let hook_model = Arc::clone(&model);
            memory.on_write_with(layout.clear[bank], move |memory, _, written| {
                hook_model.change(memory, |wires| wires.latch &= !(written << shift));
                0
            });
            let hook_model = Arc::clone(&model);
            memory.on_read_with(layout.level[bank], move |memory, _| {
                let level = (hook_model.levels(memory) >> shift) & 0xffff_ffff;
                (level, level)
            });
            // Writing 1 clears an event; 0 leaves it.
            memory.on_write(layout.event_status[bank], |stored, written| {
                stored & !written
            });
        }
        FakeBoard { memory, model }
    }

    /// The fake memory, to build the generated block or a driver over.
    pub fn memory(&self) -> &FakeMem {
        &self.memory
    }

    /// Presses (`true`) or releases a button wired between `pin` and ground.
    pub fn set_button(&self, pin: Pin, pressed: bool) {
        let bit = 1u64 << pin.number();
        self.model.change(&self.memory, |wires| {
            if pressed {
                wires.grounded |= bit;
            } else {
                wires.grounded &= !bit;
            }
        });
    }

    /// Whether `pin` is an output driven high (an LED on it would be lit).
    pub fn is_lit(&self, pin: Pin) -> bool {
        let number = usize::from(pin.number());
        let select = self
            .memory
            .peek32(self.model.layout.function_select[number / 10]);
        let is_output = (select >> (3 * (number % 10))) & 0b111
            == u32::from(gpio::vals::Fsel::Output.to_bits());
        is_output && self.model.wires().latch >> number & 1 == 1
    }

    /// Takes the accesses logged since the last call, oldest first.
    pub fn take_log(&self) -> Vec<Access> {
        self.memory.take_log()
    }

    /// Takes the accesses logged since the last call, each rendered as one
    /// line naming its register and fields (`GPIO.GPSET0 <- 0x00020000 {SET17}`).
    pub fn take_decoded_log(&self) -> Vec<String> {
        self.take_log()
            .iter()
            .map(|access| self.memory.render(access))
            .collect()
    }
}
