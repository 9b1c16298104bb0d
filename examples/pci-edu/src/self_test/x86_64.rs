//! The x86_64 guest's own checks: how edu answers accesses of other widths
//! under x86 TCG, the full 64-bit DMA address, the HPET, and refusals at
//! x86 addresses.

use std::time::{Duration, Instant};

use anyhow::ensure;
use mmreg::{DevMem, Io, IoWrite};

use super::{Report, Source, refused};
use crate::edu::{self, Edu};
use crate::hpet::{self, Hpet};
use crate::sysfs::PciDevice;

/// Nothing to prepare: the firmware enabled the device.
pub(super) fn prepare(_device: &PciDevice) -> anyhow::Result<Option<String>> {
    Ok(None)
}

/// x86 has no checks beyond the shared ones that need the device mapping.
pub(super) fn checks(report: &mut Report) {
    check_hpet(report);
    check_refusals(report);
}

/// The device answers 1- and 2-byte reads of its low registers with 0 and
/// 8-byte reads with all ones, so only 32-bit accesses see real values.
pub(super) fn widths<I: IoWrite, M: Io + ?Sized>(
    edu: &Edu<I>,
    mapping: &M,
    _source: &Source,
) -> anyhow::Result<String> {
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
pub(super) fn dma_address<I: IoWrite>(edu: &Edu<I>) -> anyhow::Result<String> {
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
