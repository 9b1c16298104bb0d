//! Finding a PCI device in sysfs, reading its BARs, and binding it to
//! `uio_pci_generic`.

use std::path::PathBuf;

use anyhow::{Context, bail};

/// Where the kernel lists PCI devices.
const DEVICES: &str = "/sys/bus/pci/devices";

/// A PCI device, by its sysfs directory.
#[derive(Debug, Clone)]
pub struct PciDevice {
    /// Domain:bus:device.function, such as `0000:00:04.0`.
    pub address: String,
    directory: PathBuf,
}

/// One BAR's range, from the device's `resource` file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bar {
    /// Physical address of the BAR's first byte.
    pub start: u64,
    /// Size in bytes.
    pub size: u64,
}

impl PciDevice {
    /// The device at `address` (domain:bus:device.function).
    pub fn at(address: &str) -> anyhow::Result<PciDevice> {
        let directory = PathBuf::from(DEVICES).join(address);
        if !directory.is_dir() {
            bail!("no PCI device `{address}` in {DEVICES}");
        }
        Ok(PciDevice {
            address: address.to_owned(),
            directory,
        })
    }

    /// The first device whose IDs are `vendor:device`. The address is not
    /// fixed (it moves between machine types), so it is looked up.
    pub fn find(vendor: u16, device: u16) -> anyhow::Result<PciDevice> {
        let mut addresses: Vec<String> = std::fs::read_dir(DEVICES)
            .with_context(|| format!("cannot list {DEVICES}"))?
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        addresses.sort();
        for address in addresses {
            let candidate = PciDevice::at(&address)?;
            if candidate.id("vendor")? == vendor && candidate.id("device")? == device {
                return Ok(candidate);
            }
        }
        bail!("no PCI device {vendor:04x}:{device:04x} in {DEVICES}")
    }

    /// Reads a hexadecimal ID attribute (`vendor`, `device`).
    fn id(&self, attribute: &str) -> anyhow::Result<u16> {
        let text = self.read(attribute)?;
        let digits = text.trim().trim_start_matches("0x");
        u16::from_str_radix(digits, 16).with_context(|| {
            format!(
                "`{}/{attribute}` holds `{}`",
                self.directory.display(),
                text.trim()
            )
        })
    }

    /// Reads one of the device's sysfs attributes.
    fn read(&self, attribute: &str) -> anyhow::Result<String> {
        let path = self.directory.join(attribute);
        std::fs::read_to_string(&path).with_context(|| format!("cannot read `{}`", path.display()))
    }

    /// Enables the device (memory decoding, as a driver's
    /// `pci_enable_device` would) through its sysfs `enable` attribute, and
    /// returns the PCI command register before and after. Without firmware
    /// (the ARM `virt` machines) nothing else does, and BAR 0 reads all ones.
    // Only the ARM guests need it.
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    pub fn enable(&self) -> anyhow::Result<(u16, u16)> {
        let before = self.command()?;
        let path = self.directory.join("enable");
        std::fs::write(&path, "1").with_context(|| format!("cannot write `{}`", path.display()))?;
        Ok((before, self.command()?))
    }

    /// The PCI command register, from the first bytes of `config`.
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    pub fn command(&self) -> anyhow::Result<u16> {
        let path = self.directory.join("config");
        let config =
            std::fs::read(&path).with_context(|| format!("cannot read `{}`", path.display()))?;
        match config.get(4..6) {
            Some(&[low, high]) => Ok(u16::from_le_bytes([low, high])),
            _ => bail!("`{}` is {} bytes long", path.display(), config.len()),
        }
    }

    /// BAR `index`'s physical range, from line `index` of the `resource` file
    /// (`start end flags`, inclusive end, in hexadecimal).
    pub fn bar(&self, index: usize) -> anyhow::Result<Bar> {
        parse_bar(&self.read("resource")?, index)
            .with_context(|| format!("BAR {index} of {}", self.address))
    }

    /// The driver bound to the device, if any.
    pub fn driver(&self) -> Option<String> {
        let link = std::fs::read_link(self.directory.join("driver")).ok()?;
        Some(link.file_name()?.to_string_lossy().into_owned())
    }

    /// Binds the device to `uio_pci_generic` by giving the driver the device's
    /// IDs through `new_id` (the driver then probes every unbound match), and
    /// returns the UIO device number it got.
    pub fn bind_uio(&self, vendor: u16, device: u16) -> anyhow::Result<u32> {
        let driver = PathBuf::from("/sys/bus/pci/drivers/uio_pci_generic");
        if !driver.is_dir() {
            bail!(
                "`{}` is missing: is uio_pci_generic loaded?",
                driver.display()
            );
        }
        if self.driver().as_deref() != Some("uio_pci_generic") {
            let new_id = driver.join("new_id");
            std::fs::write(&new_id, format!("{vendor:04x} {device:04x}"))
                .with_context(|| format!("cannot write `{}`", new_id.display()))?;
        }
        self.uio_index()
    }

    /// The number N of `/dev/uioN` for this device, from its `uio/` directory.
    pub fn uio_index(&self) -> anyhow::Result<u32> {
        let directory = self.directory.join("uio");
        let entries = std::fs::read_dir(&directory)
            .with_context(|| format!("cannot list `{}`: no UIO device", directory.display()))?;
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(number) = name
                .strip_prefix("uio")
                .and_then(|digits| digits.parse().ok())
            {
                return Ok(number);
            }
        }
        bail!("`{}` names no uioN", directory.display())
    }
}

/// Parses line `index` of a `resource` file: `start end flags`, hexadecimal,
/// with an inclusive end; an unimplemented BAR is all zeros.
fn parse_bar(resource: &str, index: usize) -> anyhow::Result<Bar> {
    let line = resource
        .lines()
        .nth(index)
        .context("no such line in `resource`")?;
    let mut numbers = line.split_whitespace().map(|word| {
        u64::from_str_radix(word.trim_start_matches("0x"), 16)
            .with_context(|| format!("bad `resource` line `{line}`"))
    });
    let start = numbers.next().context("empty `resource` line")??;
    let end = numbers.next().context("short `resource` line")??;
    if end <= start {
        bail!("not implemented (`{line}`)");
    }
    Ok(Bar {
        start,
        size: end - start + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first lines of edu's `resource` file under QEMU's `pc` machine.
    const EDU_RESOURCE: &str = "0x00000000fea00000 0x00000000feafffff 0x0000000000040200\n\
                                0x0000000000000000 0x0000000000000000 0x0000000000000000\n";

    #[test]
    fn bar_ranges_come_from_inclusive_ends() {
        let bar = parse_bar(EDU_RESOURCE, 0).unwrap();
        assert_eq!(
            bar,
            Bar {
                start: 0xfea0_0000,
                size: 0x10_0000
            }
        );
    }

    #[test]
    fn unimplemented_and_missing_bars_are_errors() {
        let error = parse_bar(EDU_RESOURCE, 1).unwrap_err();
        assert!(error.to_string().starts_with("not implemented"), "{error}");
        assert!(parse_bar(EDU_RESOURCE, 6).is_err());
        assert!(parse_bar("0xzz 0x1 0x0\n", 0).is_err());
    }
}
