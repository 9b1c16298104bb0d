//! The HPET (IA-PC HPET specification 1.0a), over the register block
//! generated from `svd/hpet.yaml`.

use mmreg::Io;

use crate::generated::hpet::vals::CountSizeCap;
pub use crate::generated::hpet::{BASE_ADDRESS, Hpet, SIZE};

/// Intel's PCI vendor ID, which QEMU's HPET reports.
pub const INTEL: u16 = 0x8086;
/// The longest counter period the specification allows: 100 ns, in femtoseconds.
pub const MAX_PERIOD_FEMTOSECONDS: u32 = 100_000_000;

/// The general capabilities and ID register, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Vendor ID.
    pub vendor: u16,
    /// Counter period in femtoseconds.
    pub period_femtoseconds: u32,
    /// Number of timers.
    pub timers: u32,
    /// Whether the main counter is 64 bits wide.
    pub wide_counter: bool,
}

/// Reads the capabilities.
pub fn capabilities<I: Io>(hpet: &Hpet<I>) -> Capabilities {
    let value = hpet.gcap_id().read();
    Capabilities {
        vendor: value.vendor_id(),
        period_femtoseconds: value.counter_clk_period(),
        timers: u32::from(value.num_tim_cap()) + 1,
        wide_counter: value.count_size_cap() == CountSizeCap::Bits64,
    }
}

/// Whether the main counter runs.
pub fn enabled<I: Io>(hpet: &Hpet<I>) -> bool {
    hpet.gen_conf().read().enable_cnf()
}

/// The main counter, read in one 64-bit access.
pub fn counter<I: Io>(hpet: &Hpet<I>) -> u64 {
    hpet.main_cnt().read().0
}
