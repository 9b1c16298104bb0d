//! `pci-edu --self-test`: the checks `cargo xtask qemu-test` runs inside a
//! QEMU guest, against the edu device and each machine's own devices.
//!
//! Each check prints one line, `ok <check>: <what was seen>` or
//! `FAIL <check>: <why>`, and the run ends with `N passed, N failed`.
//!
//! What differs between machines lives in `platform`: `self_test/x86_64.rs`
//! (the HPET, x86 refusal addresses, how x86 TCG answers accesses edu does
//! not decode) and `self_test/arm.rs` (enabling the device, which no
//! firmware did; sub-word accesses dying of SIGBUS; ARM refusal addresses;
//! the ECAM above 4 GiB from a 32-bit process; the PL0xx devices).

#[cfg(target_arch = "x86_64")]
#[path = "self_test/x86_64.rs"]
mod platform;

#[cfg(any(target_arch = "aarch64", target_arch = "arm"))]
#[path = "self_test/arm.rs"]
mod platform;

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
use crate::sysfs::PciDevice;

/// Where a mapping of edu's BAR 0 came from, so a child process can map it
/// again (the SIGBUS checks).
#[derive(Debug, Clone)]
pub enum Source {
    /// `/dev/mem` at this physical address.
    DevMem(u64),
    /// The `resource0` file of the PCI device at this address.
    Resource(String),
    /// `/dev/uio<N>`, map 0.
    Uio(u32),
}

impl Source {
    /// The check-name prefix.
    fn label(&self) -> &'static str {
        match self {
            Source::DevMem(_) => "/dev/mem",
            Source::Resource(_) => "resource0",
            Source::Uio(_) => "uio",
        }
    }

    /// The source as two command-line arguments, for a child process.
    // Only the ARM checks start children.
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    pub fn to_args(&self) -> [String; 2] {
        match self {
            Source::DevMem(address) => ["devmem".into(), format!("{address:#x}")],
            Source::Resource(device) => ["resource".into(), device.clone()],
            Source::Uio(index) => ["uio".into(), index.to_string()],
        }
    }

    /// The inverse of [`Source::to_args`].
    pub fn from_args(kind: &str, value: &str) -> anyhow::Result<Source> {
        Ok(match kind {
            "devmem" => Source::DevMem(u64::from_str_radix(value.trim_start_matches("0x"), 16)?),
            "resource" => Source::Resource(value.to_owned()),
            "uio" => Source::Uio(value.parse()?),
            _ => bail!("unknown mapping source `{kind}`"),
        })
    }

    /// Maps edu's BAR 0 from this source.
    pub fn map(&self) -> Result<Mapping, MapError> {
        match self {
            Source::DevMem(address) => {
                // SAFETY: the range is the edu device's BAR, which no driver
                // owns; callers access its registers only at widths they mean
                // to test.
                unsafe { DevMem::open()?.map(*address, edu::SIZE) }
            }
            Source::Resource(device) => {
                // SAFETY: as for `/dev/mem`: the device's own BAR.
                unsafe { PciResource::open(device, 0)?.map(0, edu::SIZE) }
            }
            Source::Uio(index) => {
                // SAFETY: the driver exposes the BAR for user space.
                unsafe { Uio::open(*index)?.map(0) }
            }
        }
    }
}

/// Tallies checks and prints one line per check.
#[derive(Debug, Default)]
pub(crate) struct Report {
    passed: u32,
    failed: u32,
}

impl Report {
    /// Records one check: `Ok` carries what was seen, `Err` why it failed.
    pub(crate) fn check(&mut self, name: &str, outcome: anyhow::Result<String>) {
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

/// `pci-edu --access KIND VALUE WIDTH OFFSET`: maps edu's BAR 0 from the
/// source [`Source::from_args`] reads, makes one read of WIDTH bytes (1, 2,
/// 4 or 8) at OFFSET and prints the value in hexadecimal. The ARM width
/// checks run it as a child process, since a width the device does not
/// decode kills it with `SIGBUS`.
pub fn child(arguments: &[String]) -> anyhow::Result<()> {
    let [kind, value, width, offset] = arguments else {
        bail!("usage: pci-edu --access KIND VALUE WIDTH OFFSET");
    };
    let source = Source::from_args(kind, value)?;
    let offset: usize = offset.parse()?;
    let mapping = source.map()?;
    let value = match width.as_str() {
        "1" => u64::from(mapping.checked_read8(offset)?),
        "2" => u64::from(mapping.checked_read16(offset)?),
        "4" => u64::from(mapping.checked_read32(offset)?),
        "8" => mapping.checked_read64(offset)?,
        _ => bail!("width {width} is not 1, 2, 4 or 8"),
    };
    println!("{value:#x}");
    Ok(())
}

/// Runs every check; returns whether all passed.
pub fn run() -> bool {
    let mut report = Report::default();
    match PciDevice::find(edu::VENDOR, edu::DEVICE).and_then(|device| {
        let bar = device.bar(0)?;
        Ok((device, bar))
    }) {
        Ok((device, bar)) => {
            match platform::prepare(&device) {
                Ok(None) => {}
                Ok(Some(seen)) => report.check("edu enabled", Ok(seen)),
                Err(error) => report.check("edu enabled", Err(error)),
            }
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
    platform::checks(&mut report);
    println!("{} passed, {} failed", report.passed, report.failed);
    report.failed == 0
}

/// The edu checks with the device's BAR mapped through `/dev/mem`.
fn through_dev_mem(report: &mut Report, bar_start: u64) {
    let source = Source::DevMem(bar_start);
    match source.map() {
        Ok(mapping) => edu_checks(report, &source, &mapping),
        Err(error) => report.check("/dev/mem: map edu BAR0", Err(error.into())),
    }
}

/// The edu checks through the device's `resource0` file.
fn through_pci_resource(report: &mut Report, device: &PciDevice) {
    let source = Source::Resource(device.address.clone());
    match source.map() {
        Ok(mapping) => edu_checks(report, &source, &mapping),
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
    let source = Source::Uio(index);
    match source.map() {
        Ok(mapping) => {
            edu_checks(report, &source, &mapping);
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
fn edu_checks<M: IoWrite + ?Sized>(report: &mut Report, source: &Source, mapping: &M) {
    let label = source.label();
    let edu = match Edu::new(mapping) {
        Ok(edu) => edu,
        Err(error) => return report.check(&format!("{label}: edu block"), Err(error)),
    };
    report.check(&format!("{label}: identification"), {
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
    report.check(&format!("{label}: liveness inverts"), liveness(&edu));
    report.check(&format!("{label}: factorial"), factorials(&edu));
    report.check(
        &format!("{label}: interrupt raise and acknowledge"),
        interrupts(&edu),
    );
    report.check(
        &format!("{label}: status interrupt-on-completion"),
        completion_interrupt(&edu),
    );
    report.check(
        &format!("{label}: access widths"),
        platform::widths(&edu, mapping, source),
    );
    report.check(
        &format!("{label}: 64-bit DMA address"),
        platform::dma_address(&edu),
    );
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

/// Maps one page at `address` through `/dev/mem`, expecting a refusal whose
/// message contains every one of `expected`.
pub(crate) fn refused(address: u64, expected: &[&str]) -> anyhow::Result<String> {
    let memory = DevMem::open().context("cannot open /dev/mem")?;
    // SAFETY: the kernel is expected to refuse this range; if it does not, the
    // mapping is dropped without being accessed.
    expect_refusal(unsafe { memory.map(address, 0x1000) }, expected)
}

/// Passes when `mapping` failed with a message containing every one of
/// `expected`, and returns the message.
pub(crate) fn expect_refusal<M: Mode>(
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
