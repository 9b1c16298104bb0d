//! `rpi-gpio`: blink a Raspberry Pi 4 pin and read a button through the
//! generated BCM2711 GPIO code.
//!
//! ```text
//! rpi-gpio --fake               fake memory: runs anywhere, prints every register access
//! rpi-gpio [--gpiomem]          /dev/gpiomem (the GPIO block only; no root on Raspberry Pi OS)
//! rpi-gpio --mem [--base ADDR]  /dev/mem at ADDR (default 0xfe200000; root)
//! options: --led PIN (17) --button PIN (27) --blinks N (5) --period-ms MS (500)
//! ```
//!
//! Wiring: an LED and resistor from the LED pin to ground, a push button
//! from the button pin to ground (the internal pull-up holds it high).

use std::time::Duration;

use anyhow::{Context, bail};
use mmreg::IoWrite;
use mmreg::map::{DevMem, MappableFile};
use rpi_gpio::demo::{self, Config, Step};
use rpi_gpio::fake::FakeBoard;
use rpi_gpio::pins::Pins;
use rpi_gpio::soc::gpio;

const USAGE: &str = "usage: rpi-gpio [--fake | --gpiomem | --mem [--base ADDRESS]] \
                     [--led PIN] [--button PIN] [--blinks N] [--period-ms MS]";

/// Where the GPIO registers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Fake,
    GpioMem,
    DevMem { base: u64 },
}

/// The parsed command line.
#[derive(Debug)]
struct Options {
    source: Source,
    config: Config,
    period: Duration,
}

fn main() {
    if let Err(error) = parse(std::env::args().skip(1)).and_then(|options| match options {
        None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(options) => run(&options),
    }) {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

/// Parses the arguments; `None` for `--help`.
fn parse(mut arguments: impl Iterator<Item = String>) -> anyhow::Result<Option<Options>> {
    let mut options = Options {
        source: Source::GpioMem,
        config: Config::default(),
        period: Duration::from_millis(500),
    };
    let mut base = None;
    while let Some(argument) = arguments.next() {
        let mut value = |name: &str| {
            arguments
                .next()
                .with_context(|| format!("`{name}` needs a value\n{USAGE}"))
        };
        match argument.as_str() {
            "--fake" => options.source = Source::Fake,
            "--gpiomem" => options.source = Source::GpioMem,
            "--mem" => options.source = Source::DevMem { base: 0 },
            "--base" => base = Some(parse_number(&value("--base")?)?),
            "--led" => options.config.led = value("--led")?.parse()?,
            "--button" => options.config.button = value("--button")?.parse()?,
            "--blinks" => {
                options.config.blinks = value("--blinks")?
                    .parse()
                    .context("`--blinks` takes a whole number")?;
            }
            "--period-ms" => {
                let milliseconds = value("--period-ms")?
                    .parse()
                    .context("`--period-ms` takes a whole number")?;
                options.period = Duration::from_millis(milliseconds);
            }
            "--help" | "-h" => return Ok(None),
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    match (&mut options.source, base) {
        (Source::DevMem { base }, given) => *base = given.unwrap_or(gpio::BASE_ADDRESS),
        (_, Some(_)) => bail!("`--base` goes with `--mem`"),
        (_, None) => {}
    }
    if options.config.led == options.config.button {
        bail!("the LED and the button need different pins");
    }
    Ok(Some(options))
}

/// `0xfe200000` or `4263510016`.
fn parse_number(text: &str) -> anyhow::Result<u64> {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16),
        None => text.replace('_', "").parse(),
    };
    parsed.with_context(|| format!("`{text}` is not an address"))
}

fn run(options: &Options) -> anyhow::Result<()> {
    match options.source {
        Source::Fake => run_fake(&options.config),
        Source::GpioMem => {
            let file = MappableFile::open("/dev/gpiomem").context(
                "cannot open /dev/gpiomem (is this a Raspberry Pi? try `--mem` as root, or `--fake`)",
            )?;
            // SAFETY: /dev/gpiomem exposes only the GPIO block, whose
            // registers the generated code accesses at their declared width.
            let mapping = unsafe { file.map(0, gpio::SIZE) }?;
            run_hardware(mapping, options, "/dev/gpiomem")
        }
        Source::DevMem { base } => {
            let memory = DevMem::open()?;
            // SAFETY: the user names the GPIO block's physical address (the
            // default is the BCM2711's); only its registers are accessed, at
            // their declared width.
            let mapping = unsafe { memory.map(base, gpio::SIZE) }?;
            run_hardware(mapping, options, &format!("/dev/mem at {base:#x}"))
        }
    }
}

/// Real hardware: print each step, waiting half a period after each LED
/// change.
fn run_hardware<I: IoWrite>(io: I, options: &Options, source: &str) -> anyhow::Result<()> {
    let pins = Pins::new(io)?;
    println!("rpi-gpio: GPIO block through {source}");
    let presses = demo::run(&pins, &options.config, |step| {
        println!("{step}");
        if matches!(step, Step::LedOn(_) | Step::LedOff(_)) {
            std::thread::sleep(options.period / 2);
        }
    });
    println!("{presses} button press(es) seen");
    Ok(())
}

/// Fake memory: print each step with the register accesses it made, and
/// press the fake button during blink 2.
fn run_fake(config: &Config) -> anyhow::Result<()> {
    let board = FakeBoard::new();
    let pins = Pins::new(board.memory())?;
    println!(
        "rpi-gpio: fake BCM2711 GPIO block (no hardware); the button is held during blink 2\n"
    );
    let presses = demo::run(&pins, config, |step| {
        println!("{step}");
        for line in board.take_decoded_log() {
            println!("    {line}");
        }
        match *step {
            Step::LedOn(2) => {
                board.set_button(config.button, true);
                println!("    (the fake button on {} is pressed)", config.button);
            }
            Step::LedOn(3) => {
                board.set_button(config.button, false);
                println!("    (the fake button on {} is released)", config.button);
            }
            _ => {}
        }
    });
    println!("\n{presses} button press(es) seen");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_line(line: &str) -> anyhow::Result<Option<Options>> {
        parse(line.split_whitespace().map(String::from))
    }

    #[test]
    fn defaults_to_gpiomem_with_pins_17_and_27() {
        let options = parse_line("").unwrap().unwrap();
        assert_eq!(options.source, Source::GpioMem);
        assert_eq!(options.config.led.number(), 17);
        assert_eq!(options.config.button.number(), 27);
        assert_eq!(options.period, Duration::from_millis(500));
    }

    #[test]
    fn mem_defaults_to_the_bcm2711_address_and_takes_another() {
        let options = parse_line("--mem").unwrap().unwrap();
        assert_eq!(options.source, Source::DevMem { base: 0xfe20_0000 });
        let options = parse_line("--mem --base 0x47e200000").unwrap().unwrap();
        assert_eq!(
            options.source,
            Source::DevMem {
                base: 0x4_7e20_0000
            }
        );
    }

    #[test]
    fn rejects_bad_input_with_a_reason() {
        let message = |line| format!("{:#}", parse_line(line).unwrap_err());
        assert!(message("--led 58").contains("`58` is not a BCM2711 GPIO pin"));
        assert!(message("--fake --base 0x0").contains("`--base` goes with `--mem`"));
        assert!(message("--led 4 --button GPIO4").contains("different pins"));
        assert!(message("--blinks").contains("`--blinks` needs a value"));
        assert!(message("--jump").contains("unknown argument `--jump`"));
    }
}
