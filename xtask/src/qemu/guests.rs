//! The guests `cargo xtask qemu-test` boots: one row per machine, saying
//! which Rust target the guest program is built for, which Debian kernel
//! boots it, how QEMU is started and what the initramfs holds besides the
//! guest program.
//!
//! Adding a file to one guest's initramfs (a second program, a script) is
//! one entry in its [`Guest::extra_files`].
//!
//! Not here: QEMU's `raspi4b` (issue 14's stretch). It boots Debian's
//! `linux-image-arm64` with the Pi 4 device tree under bookworm-backports'
//! QEMU 10.0 in about 21 s, and `rpi-gpio --mem` runs unchanged there, but
//! only with three kernel parameters that step around devices QEMU does not
//! model (`clk_ignore_unused`,
//! `initcall_blacklist=brcmstb_l2_driver_init,brcmstb_i2c_driver_init`), a
//! private mount hiding the system QEMU's modules from the backports binary,
//! and a kill after the verdict (the machine cannot power off); wiring that
//! in is left for later.

/// One guest machine.
#[derive(Debug, Clone, Copy)]
pub struct Guest {
    /// The name printed in the summary and accepted by `--guest`.
    pub name: &'static str,
    /// The Rust target the guest program is built for.
    pub rust_target: &'static str,
    /// The C cross linker for that target (`None`: the host's).
    pub linker: Option<&'static str>,
    /// Debian's name for the architecture (`apt-get download` and lists).
    pub debian_arch: &'static str,
    /// The kernel's flavour: the metapackage is `linux-image-<flavour>`, and
    /// the versioned package it depends on ends in `-<flavour>`.
    pub kernel_flavour: &'static str,
    /// Kernel modules, relative to `lib/modules/<release>/kernel/`, in
    /// load order.
    pub modules: &'static [&'static str],
    /// The QEMU system emulator.
    pub qemu: &'static str,
    /// QEMU's machine options (machine, CPU), before the common ones.
    pub machine: &'static [&'static str],
    /// The kernel's console and any other parameters of this guest.
    pub kernel_args: &'static str,
    /// Whether the test's own output goes to a virtio console (`/dev/hvc0`,
    /// QEMU's standard output) while the serial port is a file: then the
    /// guest may unbind the serial port's driver and drive the UART itself.
    pub virtio_console: bool,
    /// Files added to the initramfs: (path in the guest, path on the host
    /// relative to the workspace root). Each is made executable.
    pub extra_files: &'static [(&'static str, &'static str)],
}

/// The UIO modules every guest loads: `uio_pci_generic` binds the edu device.
const UIO_MODULES: &[&str] = &["drivers/uio/uio.ko", "drivers/uio/uio_pci_generic.ko"];

/// The ARM guests' modules: UIO, then the virtio console on the `virt`
/// machine's virtio-mmio transport (`virtio` and `virtio_ring` are built in
/// on armhf, modules on arm64).
const ARM64_MODULES: &[&str] = &[
    "drivers/uio/uio.ko",
    "drivers/uio/uio_pci_generic.ko",
    "drivers/virtio/virtio_ring.ko",
    "drivers/virtio/virtio.ko",
    "drivers/virtio/virtio_mmio.ko",
    "drivers/char/virtio_console.ko",
];
/// As [`ARM64_MODULES`], for the armhf kernel.
const ARMHF_MODULES: &[&str] = &[
    "drivers/uio/uio.ko",
    "drivers/uio/uio_pci_generic.ko",
    "drivers/virtio/virtio_mmio.ko",
    "drivers/char/virtio_console.ko",
];

/// The ARM guests' kernel parameters. The built-in PL011 driver hides its
/// sysfs `unbind` (it sets `suppress_bind_attrs`), so it could never let go
/// of the UART: it is kept from binding (`initcall_blacklist`). The kernel
/// prints its boot messages through `earlycon` on the PL011 (found through
/// the device tree's `stdout-path`, no driver, no claim) until its console,
/// the virtio console `hvc0`, is loaded.
const ARM_KERNEL_ARGS: &str = "earlycon console=hvc0 initcall_blacklist=pl011_init";

/// The ARM guests' UUID: its bytes are 0x00, 0x11, ... 0xff, so reading
/// it through fw_cfg's 64-bit data register shows the word order.
const ARM_UUID: &str = "00112233-4455-6677-8899-aabbccddeeff";

/// Every guest, in the order they boot.
pub const GUESTS: &[Guest] = &[
    Guest {
        name: "x86_64",
        rust_target: "x86_64-unknown-linux-gnu",
        linker: None,
        debian_arch: "amd64",
        kernel_flavour: "cloud-amd64",
        modules: UIO_MODULES,
        qemu: "qemu-system-x86_64",
        machine: &[],
        kernel_args: "console=ttyS0",
        virtio_console: false,
        extra_files: &[],
    },
    Guest {
        name: "aarch64",
        rust_target: "aarch64-unknown-linux-gnu",
        linker: Some("aarch64-linux-gnu-gcc"),
        debian_arch: "arm64",
        kernel_flavour: "cloud-arm64",
        modules: ARM64_MODULES,
        qemu: "qemu-system-aarch64",
        // The Cortex-A57 boots in about half the time `-cpu max` takes
        // (pointer authentication is costly to emulate).
        machine: &["-machine", "virt", "-cpu", "cortex-a57", "-uuid", ARM_UUID],
        kernel_args: ARM_KERNEL_ARGS,
        virtio_console: true,
        extra_files: &[],
    },
    Guest {
        name: "armv7",
        rust_target: "armv7-unknown-linux-gnueabihf",
        linker: Some("arm-linux-gnueabihf-gcc"),
        debian_arch: "armhf",
        // LPAE: 40-bit physical addresses, so the PCIe ECAM and the 64-bit
        // BAR window above 4 GiB are reachable from a 32-bit kernel.
        kernel_flavour: "armmp-lpae",
        modules: ARMHF_MODULES,
        qemu: "qemu-system-arm",
        // `highmem=on` is the default: the ECAM stays at 0x40_1000_0000.
        machine: &["-machine", "virt", "-cpu", "cortex-a15", "-uuid", ARM_UUID],
        kernel_args: ARM_KERNEL_ARGS,
        virtio_console: true,
        extra_files: &[],
    },
];

/// The guests named in `names`, in [`GUESTS`] order; all of them when
/// `names` is empty. Fails naming an unknown guest.
pub fn select(names: &[String]) -> anyhow::Result<Vec<Guest>> {
    for name in names {
        if !GUESTS.iter().any(|guest| guest.name == name) {
            let known: Vec<&str> = GUESTS.iter().map(|guest| guest.name).collect();
            anyhow::bail!(
                "no guest named `{name}`; the guests are: {}",
                known.join(", ")
            );
        }
    }
    Ok(GUESTS
        .iter()
        .filter(|guest| names.is_empty() || names.iter().any(|name| name == guest.name))
        .copied()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_selection_keeps_table_order() {
        let mut names: Vec<&str> = GUESTS.iter().map(|guest| guest.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), GUESTS.len());
        let chosen = select(&["armv7".into(), "x86_64".into()]).unwrap();
        let chosen: Vec<&str> = chosen.iter().map(|guest| guest.name).collect();
        assert_eq!(chosen, ["x86_64", "armv7"]);
        assert_eq!(select(&[]).unwrap().len(), GUESTS.len());
        let error = select(&["riscv".into()]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "no guest named `riscv`; the guests are: x86_64, aarch64, armv7"
        );
    }
}
