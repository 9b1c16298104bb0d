//! The ARM guests' own checks (aarch64 and 32-bit `virt` machines).
//!
//! - No firmware enables the edu device, so [`prepare`] does, through sysfs.
//! - edu decodes only 4-byte accesses (and 8-byte ones at its 64-bit
//!   registers). On ARM an access it does not decode is a synchronous
//!   external abort, which Linux delivers as `SIGBUS`: [`widths`] makes each
//!   such access in a child process and expects it to die of that signal.
//! - [`dma_address`]: a full 64-bit value on aarch64; on armv7 the runtime
//!   splits a 64-bit register into two 32-bit accesses, and edu ignores the
//!   one at 0x84, so only values below 2^32 round-trip (in the low word).
//! - Refusals at the `virt` machine's addresses: RAM at 0x4000_0000, the
//!   driver-claimed PL061 and PL031 (in `primecell`), and the PCIe ECAM at
//!   0x40_1000_0000, above 4 GiB (item 4: from a 32-bit process the
//!   refusal naming its owner proves the whole address reached the kernel).
//! - The PL011, PL061 and PL031, through generated code, once their
//!   drivers are unbound (`self_test/primecell.rs`).

use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use anyhow::{Context, bail, ensure};
use mmreg::{DevMem, Io, IoWrite, RawValue, ReadOnly, Reg};

#[path = "primecell.rs"]
mod primecell;

use super::{Report, Source, refused};
use crate::edu::{self, Edu};
use crate::sysfs::PciDevice;

/// The `virt` machine's RAM starts here.
const RAM: u64 = 0x4000_0000;
/// The `virt` machine's PCIe ECAM (`highmem` on, the default), claimed by
/// the `pci-host-generic` driver.
const ECAM: u64 = 0x40_1000_0000;

/// The `virt` machine's fw_cfg: an 8-byte data register at +0 that streams
/// the selected item's bytes in order, and a big-endian 16-bit selector at +8.
const FW_CFG: u64 = 0x0902_0000;
/// The fw_cfg item holding the machine's UUID (QEMU's `FW_CFG_UUID`).
#[cfg(target_arch = "aarch64")]
const FW_CFG_UUID: u16 = 0x0002;
/// The UUID `cargo xtask qemu-test` gives the ARM guests (`-uuid`): the
/// bytes 0x00, 0x11, ... 0xff in order.
#[cfg(target_arch = "aarch64")]
const UUID_FIRST: u64 = 0x7766_5544_3322_1100;
/// The UUID's second eight bytes, as a little-endian `u64`.
#[cfg(target_arch = "aarch64")]
const UUID_SECOND: u64 = 0xffee_ddcc_bbaa_9988;

/// The PCI command register's memory-space enable bit.
const MEMORY_SPACE: u16 = 1 << 1;

/// Enables the device: memory decoding on, so BAR 0 answers.
pub(super) fn prepare(device: &PciDevice) -> anyhow::Result<Option<String>> {
    let (before, after) = device.enable()?;
    ensure!(
        after & MEMORY_SPACE != 0,
        "command register {before:#06x} before and {after:#06x} after writing `enable`"
    );
    Ok(Some(format!(
        "{}: PCI command register {before:#06x} before writing `enable`, {after:#06x} after",
        device.address
    )))
}

/// The shared checks that need no edu mapping.
pub(super) fn checks(report: &mut Report) {
    report.check(
        &format!("refusal: RAM at {RAM:#x}"),
        refused(
            RAM,
            &[
                "0x40000000",
                "Operation not permitted",
                "CONFIG_STRICT_DEVMEM",
                "System RAM",
            ],
        ),
    );
    report.check(
        &format!("refusal: PCIe ECAM above 4 GiB at {ECAM:#x}"),
        refused(
            ECAM,
            &[
                "0x4010000000",
                "Operation not permitted",
                "iomem=relaxed",
                "PCI ECAM",
            ],
        ),
    );
    report.check("fw_cfg: 64-bit registers, word order", fw_cfg_word_order());
    primecell::checks(report);
}

/// fw_cfg through 64-bit registers (`Reg<RawValue<u64>>`, as generated
/// code reads them): on aarch64 one 8-byte load, on armv7 two 32-bit loads,
/// low word first.
///
/// - The DMA address register at +16 reads as the signature "QEMU CFG" (its
///   bytes in address order) and decodes both of its 32-bit halves, so the
///   value shows that each half comes from the right address.
/// - aarch64 only: the data register at +0 streams the selected item's
///   bytes, so two reads of the UUID show the stream in order. fw_cfg
///   decodes the data register at offset 0 alone: on armv7 the second
///   32-bit load of a split read (at +4) is an external abort (`SIGBUS`),
///   so the split's order in time is proved on fake memory instead
///   (`runtime/tests/word_order.rs`, run on armv7 under qemu-arm).
fn fw_cfg_word_order() -> anyhow::Result<String> {
    let memory = DevMem::open()?;
    // SAFETY: fw_cfg's page, which no driver has claimed (its driver is a
    // module this guest does not load); accessed at the widths it decodes.
    let mapping = unsafe { memory.map(FW_CFG, 0x1000) }?;
    // SAFETY: offset 16 is the 8-byte DMA address register, in bounds and
    // aligned; reading it starts nothing.
    let dma = unsafe { Reg::<_, RawValue<u64>, ReadOnly>::new(&mapping, 16) };
    let signature = dma.read().0;
    let expected = u64::from_le_bytes(*b"QEMU CFG");
    ensure!(
        signature == expected,
        "DMA register read {signature:#018x} ({:?}), expected {expected:#018x} (\"QEMU CFG\")",
        String::from_utf8_lossy(&signature.to_le_bytes())
    );
    let seen = format!(
        "DMA register {signature:#018x} = \"QEMU CFG\" in address order ({})",
        if cfg!(target_pointer_width = "32") {
            "two 32-bit loads, low word from +16, high from +20"
        } else {
            "one 64-bit load"
        }
    );
    #[cfg(target_arch = "aarch64")]
    let seen = {
        mapping.checked_write16(8, FW_CFG_UUID.to_be())?;
        // SAFETY: offset 0 is the 8-byte data register, in bounds and aligned.
        let data = unsafe { Reg::<_, RawValue<u64>, ReadOnly>::new(&mapping, 0) };
        let first = data.read().0;
        let second = data.read().0;
        ensure!(
            first == UUID_FIRST && second == UUID_SECOND,
            "UUID read {first:#018x} then {second:#018x}, expected {UUID_FIRST:#018x} then {UUID_SECOND:#018x}"
        );
        format!(
            "{seen}; data register streams the UUID as {first:#018x}, {second:#018x}: bytes 00..ff in order"
        )
    };
    Ok(seen)
}

/// How a child's access ended.
#[derive(Debug, PartialEq, Eq)]
enum Ended {
    /// It read this value.
    Read(u64),
    /// It died of this signal.
    Signal(i32),
}

/// Runs `pci-edu --access` for one read of `width` bytes at `offset`.
fn access_in_child(source: &Source, width: usize, offset: usize) -> anyhow::Result<Ended> {
    let [kind, value] = source.to_args();
    let output = Command::new("/proc/self/exe")
        .args([
            "--access",
            &kind,
            &value,
            &width.to_string(),
            &offset.to_string(),
        ])
        .output()
        .context("cannot start the child")?;
    if let Some(signal) = output.status.signal() {
        return Ok(Ended::Signal(signal));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    ensure!(
        output.status.success(),
        "the child failed with {}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    );
    let digits = stdout.trim().trim_start_matches("0x");
    Ok(Ended::Read(u64::from_str_radix(digits, 16).with_context(
        || format!("the child printed `{}`", stdout.trim()),
    )?))
}

/// 1- and 2-byte reads of the identification register kill a child with
/// `SIGBUS`; the 32-bit read in this process sees the real value.
pub(super) fn widths<I: IoWrite, M: Io + ?Sized>(
    edu: &Edu<I>,
    _mapping: &M,
    source: &Source,
) -> anyhow::Result<String> {
    let id = edu.identification();
    ensure!(
        id == edu::IDENTIFICATION,
        "32-bit identification read {id:#x}"
    );
    let mut seen = format!("32-bit {id:#010x}");
    for width in [1, 2] {
        match access_in_child(source, width, 0)? {
            Ended::Signal(libc::SIGBUS) => {
                seen.push_str(&format!("; {}-bit read: child died of SIGBUS", width * 8));
            }
            Ended::Signal(signal) => bail!(
                "a {}-bit read killed the child with signal {signal}, expected SIGBUS",
                width * 8
            ),
            Ended::Read(value) => bail!(
                "a {}-bit read returned {value:#x}, expected the child to die of SIGBUS",
                width * 8
            ),
        }
    }
    Ok(seen)
}

/// The 64-bit DMA source address register round-trips a full 64-bit value
/// on aarch64 (one 8-byte access).
#[cfg(target_arch = "aarch64")]
pub(super) fn dma_address<I: IoWrite>(edu: &Edu<I>) -> anyhow::Result<String> {
    let address = 0x1234_5678_9abc_def0;
    let read = edu.dma_source_round_trip(address);
    ensure!(read == address, "wrote {address:#x}, read {read:#x}");
    edu.dma_source_round_trip(0);
    Ok(format!("{read:#x}"))
}

/// On armv7 a 64-bit register is two 32-bit accesses, low word first. edu
/// decodes only the one at 0x80: a value below 2^32 round-trips in the low
/// word, the write of the high word at 0x84 is dropped, and the read there
/// answers all ones (edu's answer to an offset it does not decode).
#[cfg(target_arch = "arm")]
pub(super) fn dma_address<I: IoWrite>(edu: &Edu<I>) -> anyhow::Result<String> {
    let address: u64 = 0x9abc_def0;
    let read = edu.dma_source_round_trip(address);
    let (low, high) = (read as u32, (read >> 32) as u32);
    ensure!(
        u64::from(low) == address && high == u32::MAX,
        "wrote {address:#x}, read {read:#x}: expected the low word {address:#x} and \
         0xffffffff from the undecoded 0x84"
    );
    edu.dma_source_round_trip(0);
    Ok(format!(
        "wrote {address:#x}: low word {low:#x} round-trips; high word at 0x84 {high:#x} \
         (edu does not decode it)"
    ))
}
