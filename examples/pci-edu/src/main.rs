//! `pci-edu`: QEMU's `edu` PCI device driven from user space through its PCI
//! resource file, with register code generated from `svd/qemu-edu.yaml`.
//!
//! ```text
//! pci-edu [ADDRESS]     identify the device, check liveness, compute factorials
//! pci-edu --self-test   every check of `cargo xtask qemu-test` (edu through
//!                       /dev/mem, resource0 and UIO; the HPET; refused ranges)
//! ```
//!
//! Run it as root in a Linux guest started with `qemu-system-x86_64 -device edu`.
//! ADDRESS is the PCI address (`0000:00:04.0`); by default the device is found
//! by its IDs, `1234:11e8`.

mod edu;
mod hpet;
mod self_test;
mod sysfs;

use anyhow::Context;
use mmreg::map::PciResource;

use crate::edu::Edu;
use crate::sysfs::PciDevice;

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let result = match arguments.as_slice() {
        [flag] if flag == "--self-test" => {
            let passed = self_test::run();
            std::process::exit(if passed { 0 } else { 1 });
        }
        [flag] if flag == "--help" || flag == "-h" => {
            println!("usage: pci-edu [ADDRESS] | pci-edu --self-test");
            Ok(())
        }
        [] => demonstrate(None),
        [address] => demonstrate(Some(address)),
        _ => Err(anyhow::anyhow!(
            "usage: pci-edu [ADDRESS] | pci-edu --self-test"
        )),
    };
    if let Err(error) = result {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

/// Maps the device's BAR 0 through its resource file and exercises it.
fn demonstrate(address: Option<&String>) -> anyhow::Result<()> {
    let device = match address {
        Some(address) => PciDevice::at(address)?,
        None => PciDevice::find(edu::VENDOR, edu::DEVICE)?,
    };
    let resource = PciResource::open(&device.address, 0)?;
    // SAFETY: the device's own BAR; its registers are accessed only at their
    // declared width, through the generated code.
    let mapping = unsafe { resource.map(0, edu::SIZE) }
        .with_context(|| format!("cannot map BAR 0 of {}", device.address))?;
    let edu = Edu::new(&mapping)?;
    println!(
        "edu at {}: identification {:#010x}",
        device.address,
        edu.identification()
    );
    let answer = edu.liveness(0x1234_5678);
    println!("liveness: wrote 0x12345678, read {answer:#010x}");
    for n in [1, 5, 10, 12] {
        println!("{n}! = {}", edu.factorial(n)?);
    }
    Ok(())
}
