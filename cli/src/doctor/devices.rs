//! `--uio` and `--pci`: the maps and BARs sysfs lists, and whether this
//! process can use them.

use std::path::Path;

use super::{Finding, Roots, Status};

fn read_trimmed(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|text| text.trim().to_string())
}

fn parse_sysfs_number(text: &str) -> Option<u64> {
    let text = text.trim();
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

pub(super) fn uio_findings(roots: &Roots, wanted: &str) -> Vec<Finding> {
    let class = roots.sys.join("class/uio");
    let mut devices: Vec<(u32, String)> = std::fs::read_dir(&class)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let index = name.strip_prefix("uio")?.parse().ok()?;
            Some((
                index,
                read_trimmed(&entry.path().join("name")).unwrap_or_default(),
            ))
        })
        .collect();
    devices.sort();
    let found = devices
        .iter()
        .find(|(index, name)| wanted.parse::<u32>().ok() == Some(*index) || name == wanted);
    let topic = format!("uio {wanted}");
    let Some((index, name)) = found else {
        let known: Vec<String> = devices
            .iter()
            .map(|(i, n)| format!("uio{i} ({n})"))
            .collect();
        return vec![Finding::new(
            Status::Blocker,
            &topic,
            if known.is_empty() {
                format!(
                    "no UIO devices in `{}`: bind a UIO driver (`uio_pdrv_genirq` with a `generic-uio` device tree node, `uio_pci_generic`)",
                    class.display()
                )
            } else {
                format!("no such device; there are {}", known.join(", "))
            },
        )];
    };
    let mut findings = Vec::new();
    let node = roots.dev.join(format!("uio{index}"));
    let access = std::ffi::CString::new(node.as_os_str().as_encoded_bytes())
        .ok()
        // SAFETY: `access` only reads the NUL-terminated path.
        .map(|path| unsafe { libc::access(path.as_ptr(), libc::R_OK | libc::W_OK) } == 0);
    match (node.exists(), access) {
        (false, _) => findings.push(Finding::new(Status::Blocker, &topic, format!("`{}` is missing: is devtmpfs mounted, or the node passed into the container?", node.display()))),
        (true, Some(false)) => findings.push(Finding::new(Status::Blocker, &topic, format!("`{}` is not readable and writable by this user: change its group or permissions (a udev rule)", node.display()))),
        _ => findings.push(Finding::new(Status::Ok, &topic, format!("uio{index} is `{name}`, `{}` is usable", node.display()))),
    }
    let maps = class.join(format!("uio{index}/maps"));
    let mut indices: Vec<u32> = std::fs::read_dir(&maps)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .strip_prefix("map")?
                .parse()
                .ok()
        })
        .collect();
    indices.sort();
    if indices.is_empty() {
        findings.push(Finding::new(
            Status::Blocker,
            &topic,
            "the device has no memory maps",
        ));
    }
    for map in indices {
        let directory = maps.join(format!("map{map}"));
        let addr = read_trimmed(&directory.join("addr")).and_then(|t| parse_sysfs_number(&t));
        let size = read_trimmed(&directory.join("size")).and_then(|t| parse_sysfs_number(&t));
        let map_name = read_trimmed(&directory.join("name")).unwrap_or_default();
        findings.push(Finding::new(
            Status::Ok,
            &format!("uio{index} map{map}"),
            format!(
                "address {}, size {}{}: `--uio {index}:{map}`",
                addr.map(|a| format!("{a:#x}"))
                    .unwrap_or_else(|| "?".into()),
                size.map(|s| format!("{s:#x}"))
                    .unwrap_or_else(|| "?".into()),
                if map_name.is_empty() {
                    String::new()
                } else {
                    format!(" (`{map_name}`)")
                }
            ),
        ));
    }
    findings
}

pub(super) fn pci_findings(roots: &Roots, address: &str) -> Vec<Finding> {
    let address = if address.matches(':').count() == 1 {
        format!("0000:{address}")
    } else {
        address.to_string()
    };
    let device = roots.sys.join("bus/pci/devices").join(&address);
    let topic = format!("pci {address}");
    let Some(resource) = read_trimmed(&device.join("resource")) else {
        return vec![Finding::new(
            Status::Blocker,
            &topic,
            format!(
                "`{}` is not readable: no such device (`lspci -D` lists them)",
                device.join("resource").display()
            ),
        )];
    };
    let mut findings = Vec::new();
    match std::fs::read_link(device.join("driver")) {
        Ok(driver) => {
            let driver = driver
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let uio = driver == "uio_pci_generic";
            findings.push(Finding::new(
                if uio { Status::Ok } else { Status::Note },
                &topic,
                if uio {
                    "bound to `uio_pci_generic`: map its BARs through the resource files (`--pci`), interrupts through /dev/uioN".to_string()
                } else {
                    format!("bound to driver `{driver}`: the driver may fight your accesses; unbind it (`echo {address} > /sys/bus/pci/drivers/{driver}/unbind`)")
                },
            ));
        }
        Err(_) => findings.push(Finding::new(Status::Ok, &topic, "no driver bound")),
    }
    if read_trimmed(&device.join("enable")).as_deref() == Some("0") {
        findings.push(Finding::new(
            Status::Note,
            &topic,
            format!(
                "the device is disabled: `echo 1 > {}` enables its memory decoding",
                device.join("enable").display()
            ),
        ));
    }
    for (bar, line) in resource.lines().enumerate().take(6) {
        let numbers: Vec<u64> = line
            .split_whitespace()
            .filter_map(parse_sysfs_number)
            .collect();
        let [start, end, flags] = numbers[..] else {
            continue;
        };
        if start == 0 && end == 0 {
            continue;
        }
        let size = end - start + 1;
        let file = device.join(format!("resource{bar}"));
        let (status, text) = if flags & 0x200 != 0 {
            (
                Status::Ok,
                format!("memory at {start:#x}, size {size:#x}: `--pci {address}:{bar}`"),
            )
        } else if flags & 0x100 != 0 {
            (
                Status::Note,
                format!("I/O ports at {start:#x}, size {size:#x}: not mappable"),
            )
        } else {
            (
                Status::Note,
                format!("at {start:#x}, size {size:#x}, flags {flags:#x}"),
            )
        };
        let text = if status == Status::Ok && !file.exists() {
            format!("{text}; but `{}` is missing", file.display())
        } else {
            text
        };
        findings.push(Finding::new(
            status,
            &format!("pci {address} BAR{bar}"),
            text,
        ));
    }
    findings
}
