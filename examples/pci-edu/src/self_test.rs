//! `pci-edu --self-test`: the checks `cargo xtask qemu-test` runs inside a
//! QEMU guest, against the edu device and the HPET.
//!
//! Each check prints one line, `ok <check>: <what was seen>` or
//! `FAIL <check>: <why>`, and the run ends with `N passed, N failed`.

use std::fmt::Write as _;
use std::future::Future;
use std::path::PathBuf;
use std::pin::pin;
use std::sync::mpsc;
use std::task::Poll;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail, ensure};
use mmreg::irq::{AsyncUio, IrqControl};
use mmreg::map::{Mode, PciResource, Uio};
use mmreg::{DevMem, Io, IoWrite, IrqEvent, MapError, Mapping};

use crate::edu::{self, Edu};
use crate::hpet::{self, Hpet};
use crate::sysfs::PciDevice;

/// Tallies checks and prints one line per check.
#[derive(Debug, Default)]
struct Report {
    passed: u32,
    failed: u32,
}

impl Report {
    /// Records one check: `Ok` carries what was seen, `Err` why it failed.
    fn check(&mut self, name: &str, outcome: anyhow::Result<String>) {
        match outcome {
            Ok(seen) => {
                self.passed += 1;
                println!("ok {name}: {seen}");
            }
            Err(error) => {
                self.failed += 1;
                println!("FAIL {name}: {error:#}");
            }
        }
    }
}

/// Runs every check; returns whether all passed.
pub fn run() -> bool {
    let mut report = Report::default();
    match PciDevice::find(edu::VENDOR, edu::DEVICE).and_then(|device| {
        let bar = device.bar(0)?;
        Ok((device, bar))
    }) {
        Ok((device, bar)) => {
            report.check(
                "edu found in sysfs",
                Ok(format!(
                    "{:04x}:{:04x} at {}, BAR0 {:#x} ({:#x} bytes)",
                    edu::VENDOR,
                    edu::DEVICE,
                    device.address,
                    bar.start,
                    bar.size
                )),
            );
            through_dev_mem(&mut report, bar.start);
            through_pci_resource(&mut report, &device);
            report.check("pci-edu without arguments", demonstration());
            through_uio(&mut report, &device);
        }
        Err(error) => report.check("edu found in sysfs", Err(error)),
    }
    check_hpet(&mut report);
    check_refusals(&mut report);
    println!("{} passed, {} failed", report.passed, report.failed);
    report.failed == 0
}

/// The edu checks with the device's BAR mapped through `/dev/mem`.
fn through_dev_mem(report: &mut Report, bar_start: u64) {
    let mapping = DevMem::open().and_then(|memory| {
        // SAFETY: the range is the edu device's BAR, which no driver owns; the
        // checks access its registers only at their declared width.
        unsafe { memory.map(bar_start, edu::SIZE) }
    });
    match mapping {
        Ok(mapping) => edu_checks(report, "/dev/mem", &mapping),
        Err(error) => report.check("/dev/mem: map edu BAR0", Err(error.into())),
    }
}

/// The edu checks through the device's `resource0` file.
fn through_pci_resource(report: &mut Report, device: &PciDevice) {
    let mapping = PciResource::open(&device.address, 0).and_then(|resource| {
        // SAFETY: as for `/dev/mem`: the device's own BAR, used at declared widths.
        unsafe { resource.map(0, edu::SIZE) }
    });
    match mapping {
        Ok(mapping) => edu_checks(report, "resource0", &mapping),
        Err(error) => report.check("resource0: map edu BAR0", Err(error.into())),
    }
    report.check("refusal: past the end of BAR0", {
        let mapping = PciResource::open(&device.address, 0).and_then(|resource| {
            // SAFETY: the runtime is expected to refuse the range before mapping it.
            unsafe { resource.map(0x8_0000, edu::SIZE) }
        });
        expect_refusal(
            mapping,
            &[
                "0x100000 bytes at offset 0x80000",
                "BAR 0",
                "only 0x100000 bytes long",
            ],
        )
    });
}

/// What `pci-edu` prints when run without arguments, as a user would.
fn demonstration() -> anyhow::Result<String> {
    let mut output = Vec::new();
    crate::demonstrate(None, &mut output)?;
    let output = String::from_utf8(output)?;
    for expected in [
        "identification 0x010000ed",
        "read 0xedcba987",
        "12! = 479001600",
    ] {
        ensure!(
            output.contains(expected),
            "output lacks `{expected}`: {output:?}"
        );
    }
    Ok(output.lines().collect::<Vec<_>>().join("; "))
}

/// Binds the device to `uio_pci_generic` and runs the edu checks on its UIO map.
fn through_uio(report: &mut Report, device: &PciDevice) {
    let bound = device.bind_uio(edu::VENDOR, edu::DEVICE);
    let index = match bound {
        Ok(index) => {
            report.check(
                "uio: bind edu to uio_pci_generic",
                Ok(format!(
                    "/dev/uio{index}, driver {}",
                    device.driver().unwrap_or_default()
                )),
            );
            index
        }
        Err(error) => return report.check("uio: bind edu to uio_pci_generic", Err(error)),
    };
    let mapping = Uio::open(index).and_then(|uio| {
        // SAFETY: the driver exposes the BAR for user space; used at declared widths.
        unsafe { uio.map(0) }
    });
    match mapping {
        Ok(mapping) => {
            edu_checks(report, "uio", &mapping);
            uio_interrupts(report, index, &mapping);
        }
        Err(error) => report.check("uio: map 0", Err(error.into())),
    }
    report.check("refusal: past the end of UIO map 0", {
        let mapping = Uio::open(index).and_then(|uio| {
            // SAFETY: the runtime is expected to refuse the range before mapping it.
            unsafe { uio.map_range(0, 0, 2 * edu::SIZE) }
        });
        expect_refusal(
            mapping,
            &[
                "0x200000 bytes at offset 0x0",
                "UIO map 0",
                "only 0x100000 bytes long",
            ],
        )
    });
}

/// The edu device's documented behaviour, through one mapping.
fn edu_checks<M: IoWrite + ?Sized>(report: &mut Report, source: &str, mapping: &M) {
    let edu = match Edu::new(mapping) {
        Ok(edu) => edu,
        Err(error) => return report.check(&format!("{source}: edu block"), Err(error)),
    };
    report.check(&format!("{source}: identification"), {
        let id = edu.identification();
        if id == edu::IDENTIFICATION {
            Ok(format!("{id:#010x}"))
        } else {
            Err(anyhow::anyhow!(
                "read {id:#010x}, expected {:#010x}",
                edu::IDENTIFICATION
            ))
        }
    });
    report.check(&format!("{source}: liveness inverts"), liveness(&edu));
    report.check(&format!("{source}: factorial"), factorials(&edu));
    report.check(
        &format!("{source}: interrupt raise and acknowledge"),
        interrupts(&edu),
    );
    report.check(
        &format!("{source}: status interrupt-on-completion"),
        completion_interrupt(&edu),
    );
    report.check(&format!("{source}: access widths"), widths(&edu, mapping));
    report.check(&format!("{source}: 64-bit DMA address"), dma_address(&edu));
}

/// Liveness answers the bitwise inverse of what was written.
fn liveness<I: IoWrite>(edu: &Edu<I>) -> anyhow::Result<String> {
    let patterns = [
        0x0000_0000,
        0xffff_ffff,
        0x1234_5678,
        0xa5a5_5a5a,
        0x8000_0001,
    ];
    for pattern in patterns {
        let answer = edu.liveness(pattern);
        ensure!(
            answer == !pattern,
            "wrote {pattern:#010x}, read {answer:#010x}, expected {:#010x}",
            !pattern
        );
    }
    Ok(format!("{} patterns", patterns.len()))
}

/// 5!, 10! and 12! (the largest that fits 32 bits), after polling the busy bit.
fn factorials<I: IoWrite>(edu: &Edu<I>) -> anyhow::Result<String> {
    let mut seen = String::new();
    for (n, expected) in [(5, 120), (10, 3_628_800), (12, 479_001_600)] {
        let result = edu.factorial(n)?;
        ensure!(
            result == expected,
            "{n}! read {result}, expected {expected}"
        );
        let _ = write!(seen, "{n}! = {result} ");
    }
    Ok(seen.trim_end().to_owned())
}

/// Raising sets interrupt status bits; acknowledging clears exactly those.
fn interrupts<I: IoWrite>(edu: &Edu<I>) -> anyhow::Result<String> {
    edu.acknowledge_interrupt(u32::MAX);
    ensure!(
        edu.interrupt_status() == 0,
        "status {:#x} after acknowledging all",
        edu.interrupt_status()
    );
    edu.raise_interrupt(0x0000_1200);
    edu.raise_interrupt(0x0003_0000);
    let raised = edu.interrupt_status();
    ensure!(
        raised == 0x0003_1200,
        "raised 0x1200 and 0x30000, status reads {raised:#x}"
    );
    edu.acknowledge_interrupt(0x0000_1000);
    let partly = edu.interrupt_status();
    ensure!(
        partly == 0x0003_0200,
        "acknowledged 0x1000, status reads {partly:#x}"
    );
    edu.acknowledge_interrupt(u32::MAX);
    let cleared = edu.interrupt_status();
    ensure!(cleared == 0, "acknowledged all, status reads {cleared:#x}");
    Ok(format!(
        "raised {raised:#x}, partial acknowledge left {partly:#x}, then {cleared:#x}"
    ))
}

/// With status bit 7 set, a finished factorial raises interrupt status bit 0.
fn completion_interrupt<I: IoWrite>(edu: &Edu<I>) -> anyhow::Result<String> {
    edu.acknowledge_interrupt(u32::MAX);
    edu.set_interrupt_on_completion(true);
    ensure!(edu.interrupt_on_completion(), "status bit 7 does not stick");
    let result = edu.factorial(6);
    // The device clears the busy bit first and raises the interrupt a moment
    // later, from its compute thread: give the raise time to land.
    let status = edu.poll_interrupt_status(Duration::from_secs(1));
    edu.acknowledge_interrupt(u32::MAX);
    edu.set_interrupt_on_completion(false);
    ensure!(result? == 720, "6! is not 720");
    ensure!(
        status == 0x1,
        "interrupt status {status:#x} after 6!, expected 0x1"
    );
    ensure!(
        !edu.interrupt_on_completion(),
        "status bit 7 does not clear"
    );
    ensure!(edu.interrupt_status() == 0, "interrupt status not cleared");
    Ok(format!("interrupt status {status:#x} after 6!"))
}

/// How long an interrupt check waits for the completion interrupt.
const IRQ_TIMEOUT: Duration = Duration::from_secs(2);
/// How long the quiet wait lasts.
const QUIET_TIMEOUT: Duration = Duration::from_millis(100);

/// The interrupt checks on `/dev/uio{index}` (edu bound to
/// `uio_pci_generic`), with BAR 0 mapped as `mapping`: a blocking waiter, an
/// async waiter after acknowledge and re-arm, and a wait that times out.
fn uio_interrupts(report: &mut Report, index: u32, mapping: &Mapping) {
    report.check("uio: Uio::list shows the device", listed(index));
    let edu = match Edu::new(mapping) {
        Ok(edu) => edu,
        Err(error) => return report.check("uio: interrupt edu block", Err(error)),
    };
    let mut uio = match Uio::open(index) {
        Ok(uio) => uio,
        Err(error) => return report.check("uio: open for interrupts", Err(error.into())),
    };
    let blocking = blocking_waiter(&edu, &mut uio);
    let previous = blocking.as_ref().ok().map(|(_, event)| event.count);
    report.check(
        "uio: completion interrupt wakes a blocking waiter",
        blocking.map(|(seen, _)| seen),
    );
    let (outcome, uio) = match previous {
        Some(previous) => async_waiter(&edu, uio, previous),
        None => (Err(anyhow!("not run: the blocking waiter failed")), None),
    };
    report.check("uio: async waiter after re-arm", outcome);
    report.check(
        "uio: wait times out with nothing raised",
        uio.map_or_else(|| Uio::open(index).map_err(Into::into), Ok)
            .and_then(|mut uio| quiet_wait(&edu, &mut uio)),
    );
}

/// `Uio::list` names `uio{index}` as `uio_pci_generic`'s.
fn listed(index: u32) -> anyhow::Result<String> {
    let devices = Uio::list()?;
    let name = devices
        .iter()
        .find(|(found, _)| *found == index)
        .map(|(_, name)| name.as_str());
    ensure!(
        name == Some("uio_pci_generic"),
        "uio{index} is not listed as `uio_pci_generic`: {devices:?}"
    );
    Ok(format!(
        "uio{index} named `uio_pci_generic`, {} device(s) in all",
        devices.len()
    ))
}

/// A thread asleep in `Uio::wait` is woken by a factorial's completion
/// interrupt, started only once it sleeps; the main thread then
/// acknowledges and re-arms. Returns the line and the event.
fn blocking_waiter(edu: &Edu<&Mapping>, uio: &mut Uio) -> anyhow::Result<(String, IrqEvent)> {
    // Earlier checks raised interrupts and left the line masked: clear every
    // status bit, then unmask. Nothing may be reported before the factorial.
    edu.acknowledge_interrupt(u32::MAX);
    let control = uio.enable_irq()?;
    ensure!(
        control == IrqControl::PciCommand,
        "enabled {control}, expected the PCI command register"
    );
    if let Some(event) = uio.try_wait()? {
        bail!("an event before any factorial: {event:?}");
    }
    let n = 8;
    let waiting = &mut *uio;
    let (event, waited, asleep_in) = std::thread::scope(|scope| {
        let (ready, readied) = mpsc::channel();
        let waiter = scope.spawn(move || {
            let _ = ready.send(thread_id());
            let event = waiting.wait(Some(IRQ_TIMEOUT));
            (event, Instant::now())
        });
        let asleep_in = readied
            .recv()
            .context("the waiter thread stopped before waiting")?
            .and_then(|thread| asleep(&thread));
        // Started even if the waiter was not seen asleep, so that it returns.
        let started = Instant::now();
        edu.start_factorial_with_interrupt(n);
        let (event, woke) = waiter
            .join()
            .map_err(|_| anyhow!("the waiter thread panicked"))?;
        anyhow::Ok((event?, woke.saturating_duration_since(started), asleep_in?))
    })?;
    let event = event
        .with_context(|| format!("no completion interrupt for {n}! within {IRQ_TIMEOUT:?}"))?;
    let status = edu.interrupt_status();
    let result = edu.take_factorial_interrupt()?;
    ensure!(result == 40_320, "{n}! read {result}, expected 40320");
    let left = edu.interrupt_status();
    ensure!(
        left == 0,
        "interrupt status {left:#x} after the acknowledge"
    );
    let control = uio.enable_irq()?;
    ensure!(
        control == IrqControl::PciCommand,
        "re-armed {control}, expected the PCI command register"
    );
    ensure!(
        pci_interrupts_enabled(uio)?,
        "the PCI Interrupt Disable bit is still set after the re-arm"
    );
    Ok((
        format!(
            "waiter asleep in `{asleep_in}` before {n}! started, woke {:.1} ms after the start with \
             count {} (missed {}); {n}! = {result}; interrupt status {status:#x}, \
             acknowledged to {left:#x}; re-armed: IrqControl::{control:?}",
            waited.as_secs_f64() * 1e3,
            event.count,
            event.missed,
        ),
        event,
    ))
}

/// An `AsyncUio` wait, already pending on tokio's reactor when the next
/// factorial starts, wakes with the count one past `previous`; then
/// acknowledge and re-arm. Gives the device back unless it was lost.
fn async_waiter(
    edu: &Edu<&Mapping>,
    uio: Uio,
    previous: u32,
) -> (anyhow::Result<String>, Option<Uio>) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            return (
                Err(error).context("cannot build a tokio runtime"),
                Some(uio),
            );
        }
    };
    let n = 9;
    let (outcome, uio) = runtime.block_on(async {
        let mut irq = match AsyncUio::new(uio) {
            Ok(irq) => irq,
            Err(error) => return (Err(error.into()), None),
        };
        let outcome = async {
            let (event, waited) = {
                let mut waiting = pin!(irq.wait());
                // One poll registers the wait with the reactor; nothing has
                // been raised, so it must still be pending.
                let first = std::future::poll_fn(|cx| Poll::Ready(waiting.as_mut().poll(cx))).await;
                if let Poll::Ready(early) = first {
                    bail!("the wait returned before {n}! started: {early:?}");
                }
                let started = Instant::now();
                edu.start_factorial_with_interrupt(n);
                let event = tokio::time::timeout(IRQ_TIMEOUT, waiting)
                    .await
                    .map_err(|_| {
                        anyhow!("no completion interrupt for {n}! within {IRQ_TIMEOUT:?}")
                    })??;
                (event, started.elapsed())
            };
            ensure!(
                event.count == previous.wrapping_add(1) && event.missed == 0,
                "count {} (missed {}) after {previous}, expected {}",
                event.count,
                event.missed,
                previous.wrapping_add(1)
            );
            let result = edu.take_factorial_interrupt()?;
            ensure!(result == 362_880, "{n}! read {result}, expected 362880");
            let control = irq.enable_irq()?;
            ensure!(
                control == IrqControl::PciCommand,
                "re-armed {control}, expected the PCI command register"
            );
            Ok(format!(
                "pending before {n}! started, woke {:.1} ms after the start with count {} = {previous} + 1 \
                 (missed {}); {n}! = {result}; acknowledged, re-armed: IrqControl::{control:?}",
                waited.as_secs_f64() * 1e3,
                event.count,
                event.missed
            ))
        }
        .await;
        (outcome, Some(irq.into_inner()))
    });
    (outcome, uio)
}

/// The driver's whole sequence, `Edu::factorial_with_interrupt` (wait,
/// acknowledge, then re-arm), leaves nothing to fire: with the interrupt
/// unmasked and nothing raised, a wait returns `None` once its timeout has
/// passed.
fn quiet_wait(edu: &Edu<&Mapping>, uio: &mut Uio) -> anyhow::Result<String> {
    let n = 10;
    let (result, event) = edu.factorial_with_interrupt(n, uio, IRQ_TIMEOUT)?;
    ensure!(result == 3_628_800, "{n}! read {result}, expected 3628800");
    let status = edu.interrupt_status();
    ensure!(status == 0, "interrupt status {status:#x} before the wait");
    ensure!(
        pci_interrupts_enabled(uio)?,
        "the PCI Interrupt Disable bit is set: a wait would time out whatever the device did"
    );
    let started = Instant::now();
    let quiet = uio.wait(Some(QUIET_TIMEOUT))?;
    let elapsed = started.elapsed();
    ensure!(quiet.is_none(), "an event with nothing raised: {quiet:?}");
    ensure!(
        elapsed >= QUIET_TIMEOUT,
        "returned `None` after {elapsed:?}, before its {QUIET_TIMEOUT:?}"
    );
    Ok(format!(
        "after factorial_with_interrupt ({n}! = {result}, count {}), interrupt status 0x0 \
         and INTx unmasked, wait({QUIET_TIMEOUT:?}) returned None after {:.1} ms",
        event.count,
        elapsed.as_secs_f64() * 1e3,
    ))
}

/// Whether the PCI command register of the UIO device's PCI function has
/// its Interrupt Disable bit (10) clear, read from sysfs `device/config`.
fn pci_interrupts_enabled(uio: &Uio) -> anyhow::Result<bool> {
    let name = uio
        .path()
        .file_name()
        .context("the UIO path names no device")?;
    let path = PathBuf::from("/sys/class/uio")
        .join(name)
        .join("device/config");
    let config =
        std::fs::read(&path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let command = config
        .get(4..6)
        .with_context(|| format!("`{}` is {} bytes long", path.display(), config.len()))?;
    Ok(u16::from_le_bytes([command[0], command[1]]) & (1 << 10) == 0)
}

/// This thread's id, from `/proc/thread-self` (a link to `PID/task/TID`).
fn thread_id() -> anyhow::Result<String> {
    let link = std::fs::read_link("/proc/thread-self").context("cannot read /proc/thread-self")?;
    let id = link
        .file_name()
        .context("/proc/thread-self names no thread")?;
    Ok(id.to_string_lossy().into_owned())
}

/// Waits (sleeping 1 ms between looks, at most a second) until thread
/// `thread` of this process sleeps, and returns where (its `wchan`).
fn asleep(thread: &str) -> anyhow::Result<String> {
    let directory = PathBuf::from("/proc/self/task").join(thread);
    let started = Instant::now();
    loop {
        let stat = std::fs::read_to_string(directory.join("stat"))
            .with_context(|| format!("cannot read the stat of thread {thread}"))?;
        // The state follows the command name, which is in parentheses.
        let state = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .unwrap_or("?");
        if state == "S" {
            let wchan = std::fs::read_to_string(directory.join("wchan")).unwrap_or_default();
            return Ok(match wchan.trim() {
                "" | "0" => "an interruptible sleep".to_owned(),
                wchan => wchan.to_owned(),
            });
        }
        ensure!(
            started.elapsed() < Duration::from_secs(1),
            "the waiter thread is in state {state}, not asleep, after a second"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// The device answers 1- and 2-byte reads of its low registers with 0 and
/// 8-byte reads with all ones, so only 32-bit accesses see real values.
fn widths<I: IoWrite, M: Io + ?Sized>(edu: &Edu<I>, mapping: &M) -> anyhow::Result<String> {
    let id = edu.identification();
    ensure!(
        id == edu::IDENTIFICATION,
        "32-bit identification read {id:#x}"
    );
    let byte = mapping.checked_read8(0)?;
    let half = mapping.checked_read16(0)?;
    let double = mapping.checked_read64(0)?;
    ensure!(
        byte == 0,
        "1-byte read of the identification gave {byte:#x}, expected 0"
    );
    ensure!(
        half == 0,
        "2-byte read of the identification gave {half:#x}, expected 0"
    );
    ensure!(
        double == u64::MAX,
        "8-byte read gave {double:#x}, expected all ones"
    );
    Ok(format!(
        "32-bit {id:#010x}; 8-bit {byte:#x}, 16-bit {half:#x}, 64-bit {double:#x}"
    ))
}

/// The DMA registers take 8-byte accesses: a 64-bit address survives a
/// round trip through the generated 64-bit register.
fn dma_address<I: IoWrite>(edu: &Edu<I>) -> anyhow::Result<String> {
    let address = 0x1234_5678_9abc_def0;
    let read = edu.dma_source_round_trip(address);
    ensure!(read == address, "wrote {address:#x}, read {read:#x}");
    edu.dma_source_round_trip(0);
    Ok(format!("{read:#x}"))
}

/// The HPET: capabilities, and a main counter that advances at the rate its
/// period implies.
fn check_hpet(report: &mut Report) {
    // The checks only read, so a read-only mapping is enough.
    let mapping = DevMem::open_read_only().and_then(|memory| {
        // SAFETY: the HPET's registers, only read; the kernel's use of the
        // HPET is not disturbed by reads.
        unsafe { memory.map(hpet::BASE_ADDRESS, hpet::SIZE) }
    });
    let mapping = match mapping {
        Ok(mapping) => mapping,
        Err(error) => return report.check("hpet: map read-only", Err(error.into())),
    };
    let hpet = match Hpet::new(&mapping) {
        Ok(hpet) => hpet,
        Err(error) => return report.check("hpet: block", Err(error.into())),
    };
    let capabilities = hpet::capabilities(&hpet);
    report.check("hpet: capabilities", {
        let hpet::Capabilities { vendor, period_femtoseconds, timers, wide_counter } = capabilities;
        if vendor != hpet::INTEL {
            Err(anyhow::anyhow!("vendor {vendor:#06x}, expected {:#06x}", hpet::INTEL))
        } else if period_femtoseconds == 0 || period_femtoseconds > hpet::MAX_PERIOD_FEMTOSECONDS {
            Err(anyhow::anyhow!("period {period_femtoseconds} fs is outside 1..=100 ns"))
        } else {
            Ok(format!(
                "vendor {vendor:#06x}, period {period_femtoseconds} fs, {timers} timers, {}-bit counter",
                if wide_counter { 64 } else { 32 }
            ))
        }
    });
    report.check(
        "hpet: counter rate",
        counter_rate(&hpet, capabilities.period_femtoseconds),
    );
}

/// Counts HPET ticks over a wall-clock interval and compares with the period.
fn counter_rate<I: Io>(hpet: &Hpet<I>, period_femtoseconds: u32) -> anyhow::Result<String> {
    ensure!(
        hpet::enabled(hpet),
        "the main counter is halted (ENABLE_CNF clear)"
    );
    ensure!(period_femtoseconds > 0, "zero period");
    let started = Instant::now();
    let first = hpet::counter(hpet);
    std::thread::sleep(Duration::from_millis(200));
    let last = hpet::counter(hpet);
    let elapsed = started.elapsed();
    let ticks = last.wrapping_sub(first);
    let expected = elapsed.as_nanos() as f64 * 1e6 / f64::from(period_femtoseconds);
    let ratio = ticks as f64 / expected;
    // Wide enough for an emulator sharing two cores; a misread period or
    // counter is off by orders of magnitude.
    ensure!(
        (0.8..=1.25).contains(&ratio),
        "{ticks} ticks in {elapsed:?}, expected about {expected:.0} (ratio {ratio:.3})"
    );
    Ok(format!(
        "{ticks} ticks in {:.1} ms, {ratio:.3} of the rate the period implies",
        elapsed.as_secs_f64() * 1e3
    ))
}

/// Ranges the kernel refuses give the runtime's explanation.
fn check_refusals(report: &mut Report) {
    report.check(
        "refusal: RAM at 0x1000000",
        refused(
            0x0100_0000,
            &[
                "0x1000000",
                "Operation not permitted",
                "CONFIG_STRICT_DEVMEM",
                "System RAM",
            ],
        ),
    );
    report.check(
        "refusal: local APIC at 0xfee00000",
        refused(
            0xfee0_0000,
            &[
                "0xfee00000",
                "Operation not permitted",
                "iomem=relaxed",
                "Local APIC",
            ],
        ),
    );
}

/// Maps one page at `address` through `/dev/mem`, expecting a refusal whose
/// message contains every one of `expected`.
fn refused(address: u64, expected: &[&str]) -> anyhow::Result<String> {
    let memory = DevMem::open().context("cannot open /dev/mem")?;
    // SAFETY: the kernel is expected to refuse this range; if it does not, the
    // mapping is dropped without being accessed.
    expect_refusal(unsafe { memory.map(address, 0x1000) }, expected)
}

/// Passes when `mapping` failed with a message containing every one of
/// `expected`, and returns the message.
fn expect_refusal<M: Mode>(
    mapping: Result<Mapping<M>, MapError>,
    expected: &[&str],
) -> anyhow::Result<String> {
    let message = match mapping {
        Ok(mapping) => bail!(
            "mapped {:#x} bytes at {:#x}",
            mapping.len(),
            mapping.phys_address()
        ),
        Err(error) => error.to_string(),
    };
    let missing: Vec<&str> = expected
        .iter()
        .copied()
        .filter(|part| !message.contains(part))
        .collect();
    ensure!(missing.is_empty(), "message lacks {missing:?}: {message}");
    Ok(message)
}
