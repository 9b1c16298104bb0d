//! The ARM `virt` machine's own PrimeCell devices, through code generated
//! from `svd/pl011.yaml`, `svd/pl061.yaml` and `svd/pl031.yaml`.
//!
//! The PL061 and PL031 are claimed by kernel drivers, so `/dev/mem` refuses
//! them first (the refusal names the `/proc/iomem` owner); each driver is
//! then unbound through sysfs and the block mapped. The PL011's built-in
//! driver cannot be unbound (it hides its sysfs `unbind`), so the ARM guests
//! boot with `initcall_blacklist=pl011_init` and the kernel's console on a
//! virtio console; the check shows that nothing claims the UART. The test's
//! own output is on that virtio console, so driving the UART loses nothing.
//!
//! - PL011: identification; bytes written to DR, each after FR says the
//!   transmit FIFO has room, arrive on the host side of the serial port
//!   (`cargo xtask qemu-test` finds [`PL011_GREETING`] in the file QEMU
//!   writes the port to); FR's TXFE and BUSY after the writes.
//! - PL061: the data register's address masking: with every pin an
//!   output, a write at 0x3fc (mask 0xff) and one at 0x004 (mask 0x01)
//!   change different pins, which proves the offsets are exact.
//! - PL031: the counter is the host's clock (given on the kernel command
//!   line as `mmreg.host_time`) and ticks once a second.

use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use mmreg::{DevMem, Io, Mapping};

use super::{Report, refused};
use crate::generated::{gpio as pl061, rtc as pl031, uart as pl011};

/// What the guest writes through the PL011's data register; the host looks
/// for this line in the serial port's file (`xtask/src/qemu.rs` has the
/// same text).
pub const PL011_GREETING: &str = "mmreg-pl011: written through the generated PL011 data register";

/// One PrimeCell block on the `virt` machine.
struct Block {
    /// Name in checks.
    name: &'static str,
    /// Physical address.
    address: u64,
    /// The AMBA device's name in sysfs.
    device: &'static str,
    /// What `/proc/iomem` calls the driver's claim.
    owner: &'static str,
}

const PL011: Block = Block {
    name: "pl011",
    address: pl011::BASE_ADDRESS,
    device: "9000000.pl011",
    owner: "9000000.pl011",
};
const PL061: Block = Block {
    name: "pl061",
    address: pl061::BASE_ADDRESS,
    device: "9030000.pl061",
    owner: "9030000.pl061",
};
const PL031: Block = Block {
    name: "pl031",
    address: pl031::BASE_ADDRESS,
    device: "9010000.pl031",
    owner: "rtc-pl031",
};

/// Every PrimeCell check.
pub(super) fn checks(report: &mut Report) {
    if let Some(mapping) = free(report, &PL011) {
        report.check("pl011: identification", identification(&mapping, 0x011));
        report.check("pl011: bytes written through DR", pl011_write(&mapping));
    }
    if let Some(mapping) = claim(report, &PL061) {
        report.check("pl061: identification", identification(&mapping, 0x061));
        report.check("pl061: data address masking", pl061_masking(&mapping));
    }
    if let Some(mapping) = claim(report, &PL031) {
        report.check("pl031: identification", identification(&mapping, 0x031));
        report.check("pl031: counter is the host clock", pl031_clock(&mapping));
    }
}

/// A block no driver holds (the PL011, whose built-in driver hides its
/// sysfs `unbind` and is kept from binding by the guest's
/// `initcall_blacklist=pl011_init`): `/proc/iomem` shows no claim under the
/// device's own range, and the block maps.
fn free(report: &mut Report, block: &Block) -> Option<Mapping> {
    report.check(
        &format!("{}: no driver holds it", block.name),
        unclaimed(block),
    );
    map(report, block)
}

/// What `/proc/iomem` says about `block`: only the device's own entry,
/// no driver's claim beneath it, and no driver bound in sysfs.
fn unclaimed(block: &Block) -> anyhow::Result<String> {
    let link = format!("/sys/bus/amba/devices/{}/driver", block.device);
    ensure!(
        std::fs::read_link(&link).is_err(),
        "`{link}` exists: a driver is bound"
    );
    let iomem = std::fs::read_to_string("/proc/iomem").context("cannot read /proc/iomem")?;
    let start = format!("{:08x}-", block.address);
    let lines: Vec<&str> = iomem
        .lines()
        .filter(|line| line.trim_start().starts_with(&start))
        .collect();
    ensure!(
        lines.len() == 1 && !lines[0].starts_with(' '),
        "`/proc/iomem` has {lines:?} for {:#x}: expected the device's own entry alone",
        block.address
    );
    let cmdline = std::fs::read_to_string("/proc/cmdline").unwrap_or_default();
    let blacklist = cmdline
        .split_whitespace()
        .find(|word| word.starts_with("initcall_blacklist="))
        .unwrap_or("no initcall_blacklist");
    Ok(format!(
        "`/proc/iomem`: `{}` with no claim beneath; no driver in sysfs ({blacklist}: the \
         built-in uart-pl011 driver has no sysfs unbind)",
        lines[0].trim()
    ))
}

/// The refusal naming the owner, the unbind, then the mapping.
fn claim(report: &mut Report, block: &Block) -> Option<Mapping> {
    report.check(
        &format!(
            "{}: refused at {:#x} while its driver holds it",
            block.name, block.address
        ),
        refused(
            block.address,
            &[
                &format!("{:#x}", block.address),
                "Operation not permitted",
                block.owner,
            ],
        ),
    );
    let unbound = unbind(block.device);
    let ok = unbound.is_ok();
    report.check(&format!("{}: unbind its driver", block.name), unbound);
    if !ok {
        return None;
    }
    map(report, block)
}

/// Maps the block's page through `/dev/mem`.
fn map(report: &mut Report, block: &Block) -> Option<Mapping> {
    let mapping = DevMem::open().and_then(|memory| {
        // SAFETY: the block's page, whose driver was just unbound; the checks
        // access its registers only through the generated code.
        unsafe { memory.map(block.address, 0x1000) }
    });
    match mapping {
        Ok(mapping) => {
            report.check(
                &format!("{}: mapped through /dev/mem", block.name),
                Ok(format!(
                    "{:#x} bytes at {:#x}",
                    mapping.len(),
                    mapping.phys_address()
                )),
            );
            Some(mapping)
        }
        Err(error) => {
            report.check(
                &format!("{}: mapped through /dev/mem", block.name),
                Err(error.into()),
            );
            None
        }
    }
}

/// Unbinds `device` from its AMBA driver; returns the driver's name.
fn unbind(device: &str) -> anyhow::Result<String> {
    let link = format!("/sys/bus/amba/devices/{device}/driver");
    let driver = std::fs::read_link(&link).with_context(|| format!("no driver at `{link}`"))?;
    let name = driver
        .file_name()
        .context("the driver link names no driver")?
        .to_string_lossy()
        .into_owned();
    let unbind = format!("/sys/bus/amba/drivers/{name}/unbind");
    std::fs::write(&unbind, device).with_context(|| format!("cannot write `{unbind}`"))?;
    ensure!(
        std::fs::read_link(&link).is_err(),
        "`{link}` is still there after the unbind"
    );
    Ok(format!(
        "unbound `{device}` from `{name}` through `{unbind}`"
    ))
}

/// The PrimeCell identification at 0xfe0..0xfff: part number, designer
/// (0x41, ARM) and the cell ID bytes 0x0d 0xf0 0x05 0xb1. Read as plain
/// 32-bit words: the three blocks share the layout.
fn identification(mapping: &Mapping, part: u32) -> anyhow::Result<String> {
    let byte =
        |offset: usize| -> anyhow::Result<u32> { Ok(mapping.checked_read32(offset)? & 0xff) };
    let periph: Vec<u32> = (0..4)
        .map(|i| byte(0xfe0 + 4 * i))
        .collect::<Result<_, _>>()?;
    let cell: Vec<u32> = (0..4)
        .map(|i| byte(0xff0 + 4 * i))
        .collect::<Result<_, _>>()?;
    let found_part = periph[0] | ((periph[1] & 0xf) << 8);
    let designer = (periph[1] >> 4) | ((periph[2] & 0xf) << 4);
    ensure!(
        found_part == part && designer == 0x41 && cell == [0x0d, 0xf0, 0x05, 0xb1],
        "part {found_part:#05x} (expected {part:#05x}), designer {designer:#04x}, cell ID {cell:x?}"
    );
    Ok(format!(
        "part {found_part:#05x}, designer {designer:#04x} (ARM), revision {}, cell ID {:02x} {:02x} {:02x} {:02x}",
        periph[2] >> 4,
        cell[0],
        cell[1],
        cell[2],
        cell[3]
    ))
}

/// Enables the transmitter, writes [`PL011_GREETING`] and a newline through
/// DR (each byte once FR.TXFF is clear), then waits for FR.TXFE and !BUSY.
fn pl011_write(mapping: &Mapping) -> anyhow::Result<String> {
    let uart = pl011::Uart::new(mapping)?;
    let control = uart.cr().read();
    uart.cr().modify(|_, w| {
        w.set_uarten(true);
        w.set_txe(true);
    });
    let started = Instant::now();
    let bytes: Vec<u8> = format!("{PL011_GREETING}\n").into_bytes();
    for &byte in &bytes {
        while uart.fr().read().txff() {
            ensure!(
                started.elapsed() < Duration::from_secs(1),
                "FR.TXFF stayed set for a second"
            );
            std::thread::sleep(Duration::from_micros(50));
        }
        uart.dr().write(|w| w.set_data(byte));
    }
    loop {
        let flags = uart.fr().read();
        if flags.txfe() && !flags.busy() {
            return Ok(format!(
                "{} bytes; CR was {:#06x} (UARTEN {}), FR now {:#06x}: TXFE set, BUSY clear",
                bytes.len(),
                control.0,
                control.uarten(),
                flags.0
            ));
        }
        if started.elapsed() > Duration::from_secs(1) {
            bail!("FR {:#06x}: the transmitter never drained", flags.0);
        }
        std::thread::sleep(Duration::from_micros(50));
    }
}

/// With every pin an output: DATA255 (offset 0x3fc) = 0xff sets all pins,
/// DATA1 (offset 0x004) = 0 clears pin 0 alone, DATA2 (offset 0x008) reads
/// only pin 1. Restores the direction and pins afterwards.
fn pl061_masking(mapping: &Mapping) -> anyhow::Result<String> {
    let gpio = pl061::Gpio::new(mapping)?;
    let direction = gpio.dir().read().0;
    let before = gpio.data(0xff).read().0;
    gpio.dir().write(|w| w.0 = 0xff);
    gpio.data(0xff).write(|w| w.0 = 0xff);
    let all = gpio.data(0xff).read().0;
    gpio.data(0x01).write(|w| w.0 = 0x00);
    let after = gpio.data(0xff).read().0;
    let pin1 = gpio.data(0x02).read().0;
    let pin0 = gpio.data(0x01).read().0;
    gpio.data(0xff).write(|w| w.0 = before);
    gpio.dir().write(|w| w.0 = direction);
    ensure!(
        all == 0xff && after == 0xfe && pin1 == 0x02 && pin0 == 0,
        "after 0xff at 0x3fc read {all:#04x}; after 0x00 at 0x004 read {after:#04x} at 0x3fc, \
         {pin1:#04x} at 0x008, {pin0:#04x} at 0x004 (expected 0xff, 0xfe, 0x02, 0x00)"
    );
    Ok(format!(
        "0xff at 0x3fc read back {all:#04x}; 0x00 at 0x004 left {after:#04x} (pin 0 alone cleared); \
         0x008 reads {pin1:#04x}, 0x004 reads {pin0:#04x}"
    ))
}

/// DR against the host's clock from the command line, then the time
/// between two ticks.
fn pl031_clock(mapping: &Mapping) -> anyhow::Result<String> {
    let rtc = pl031::Rtc::new(mapping)?;
    let host = host_time()?;
    let now = u64::from(rtc.dr().read().0);
    // QEMU started at `host`; the guest has booted since.
    ensure!(
        now >= host && now <= host + 60,
        "DR {now}, host clock at QEMU's start {host}: more than a minute apart"
    );
    let edge = |after: u32| -> anyhow::Result<(u32, Instant)> {
        let started = Instant::now();
        loop {
            let value = rtc.dr().read().0;
            if value != after {
                return Ok((value, Instant::now()));
            }
            ensure!(
                started.elapsed() < Duration::from_secs(3),
                "DR stayed at {after} for 3 s"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    let (first, first_at) = edge(rtc.dr().read().0)?;
    let (second, second_at) = edge(first)?;
    let tick = second_at.duration_since(first_at);
    ensure!(
        second == first.wrapping_add(1) && (0.8..=1.2).contains(&tick.as_secs_f64()),
        "DR went {first} -> {second} in {tick:?}"
    );
    Ok(format!(
        "DR {now}, {} s after the host's {host}; ticked {first} -> {second} in {:.3} s",
        now - host,
        tick.as_secs_f64()
    ))
}

/// `mmreg.host_time=` from `/proc/cmdline`.
fn host_time() -> anyhow::Result<u64> {
    let line = std::fs::read_to_string("/proc/cmdline").context("cannot read /proc/cmdline")?;
    line.split_whitespace()
        .find_map(|word| word.strip_prefix("mmreg.host_time="))
        .context("no mmreg.host_time= on the kernel command line")?
        .parse()
        .context("mmreg.host_time is not a number")
}
