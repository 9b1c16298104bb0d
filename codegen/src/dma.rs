//! Marking registers as DMA-capable by path (`--dma`,
//! [`Options::dma_registers`](crate::Options::dma_registers)).
//!
//! SVD has no attribute for "writing this register can make the device
//! access arbitrary memory", so users name such registers by path; YAML can
//! also say `dma: true` on the register itself. A marked register's writes
//! are `unsafe` in the generated code.
//!
//! A path is `PERIPHERAL.REGISTER` or `PERIPHERAL.CLUSTER.REGISTER` (clusters
//! may nest: one segment per level). Each segment matches a name ignoring
//! case and array placeholders, so the cluster `CH%s` (or `CH[%s]`) is
//! matched by `CH%s`, `CH[%s]` or `CH`; naming an array marks every element.
//! Names are those of the loaded description, before array inference:
//! numbered registers (`GPIO0_CTRL`) are named one by one.

use crate::ir::{Device, Item, strip_placeholder};

/// Sets [`Register::dma`](crate::ir::Register::dma) on every register that
/// one of `paths` names.
///
/// The first path that names no register is reported as
/// [`crate::Error::UnknownRegister`] with near matches; the device is then
/// left partly marked and should be dropped.
pub fn mark(device: &mut Device, paths: &[String]) -> Result<(), crate::Error> {
    for path in paths {
        let segments: Vec<String> = path.trim().split('.').map(key).collect();
        let marked = match segments.split_first() {
            Some((peripheral, rest)) if !rest.is_empty() => device
                .peripherals
                .iter_mut()
                .filter(|candidate| key(&candidate.name) == *peripheral)
                .map(|candidate| mark_in(&mut candidate.items, rest))
                .sum(),
            _ => 0,
        };
        if marked == 0 {
            return Err(crate::Error::UnknownRegister {
                path: path.clone(),
                suggestions: suggestions(device, &segments.join(".")),
            });
        }
    }
    Ok(())
}

/// How a segment or a name is compared: lower case, placeholders removed.
fn key(name: &str) -> String {
    strip_placeholder(name.trim()).to_lowercase()
}

/// Marks the registers `segments` names among `items`; returns how many.
fn mark_in(items: &mut [Item], segments: &[String]) -> usize {
    let Some((first, rest)) = segments.split_first() else {
        return 0;
    };
    let mut marked = 0;
    for item in items {
        match item {
            Item::Register(register) if rest.is_empty() && key(&register.name) == *first => {
                register.dma = true;
                marked += 1;
            }
            Item::Cluster(cluster) if !rest.is_empty() && key(&cluster.name) == *first => {
                marked += mark_in(&mut cluster.items, rest);
            }
            _ => {}
        }
    }
    marked
}

/// Register paths near `wanted` (compared as keys, placeholders left out),
/// written as in the description.
fn suggestions(device: &Device, wanted: &str) -> Vec<String> {
    let written = register_paths(device);
    let keys: Vec<String> = written
        .iter()
        .map(|path| path.split('.').map(key).collect::<Vec<_>>().join("."))
        .collect();
    crate::select::near_matches(wanted, keys.iter().map(String::as_str))
        .into_iter()
        .filter_map(|near| {
            keys.iter()
                .position(|candidate| *candidate == near)
                .map(|index| written[index].clone())
        })
        .collect()
}

/// Every register's path, names as written.
fn register_paths(device: &Device) -> Vec<String> {
    paths_where(device, |_| true)
}

/// The paths of the registers `keep` accepts, names as written.
fn paths_where(device: &Device, keep: impl Fn(&crate::ir::Register) -> bool) -> Vec<String> {
    fn collect(
        items: &[Item],
        parent: &str,
        keep: &dyn Fn(&crate::ir::Register) -> bool,
        out: &mut Vec<String>,
    ) {
        for item in items {
            match item {
                Item::Register(register) if keep(register) => {
                    out.push(format!("{parent}.{}", register.name));
                }
                Item::Register(_) => {}
                Item::Cluster(cluster) => {
                    let path = format!("{parent}.{}", cluster.name);
                    collect(&cluster.items, &path, keep, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    for peripheral in &device.peripherals {
        collect(&peripheral.items, &peripheral.name, &keep, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Access, Cluster, Dim, Peripheral, Register, WordOrder, WriteAction};

    fn register(name: &str) -> Item {
        Item::Register(Register {
            name: name.to_string(),
            description: None,
            offset: 0,
            size: 32,
            access: Access::ReadWrite,
            reset_value: 0,
            reset_mask: u64::from(u32::MAX),
            dim: None,
            read_action: None,
            write_action: WriteAction::Normal,
            dma: false,
            word_order: WordOrder::LowFirst,
            alternate_register: None,
            alternate_group: None,
            fields: Vec::new(),
            location: None,
        })
    }

    fn device() -> Device {
        Device {
            name: "TEST".to_string(),
            description: None,
            peripherals: vec![Peripheral {
                name: "DMA".to_string(),
                description: None,
                group: None,
                base_address: 0x4000_0000,
                size: None,
                derived_from: None,
                items: vec![
                    register("CTRL"),
                    Item::Cluster(Cluster {
                        name: "CH[%s]".to_string(),
                        description: None,
                        offset: 0x100,
                        dim: Some(Dim {
                            count: 4,
                            stride: 0x10,
                            index_names: Vec::new(),
                        }),
                        items: vec![register("SRC"), register("DST%s")],
                        location: None,
                    }),
                ],
                location: None,
            }],
        }
    }

    /// The paths of the marked registers.
    fn marked(device: &Device) -> Vec<String> {
        paths_where(device, |register| register.dma)
    }

    fn strings(paths: &[&str]) -> Vec<String> {
        paths.iter().map(|path| path.to_string()).collect()
    }

    #[test]
    fn no_paths_mark_nothing() {
        let mut device = device();
        mark(&mut device, &[]).unwrap();
        assert!(marked(&device).is_empty());
    }

    #[test]
    fn placeholders_as_written_or_left_out_and_any_case() {
        for path in ["DMA.CH[%s].SRC", "DMA.CH%s.SRC", "dma.ch.src"] {
            let mut device = device();
            mark(&mut device, &strings(&[path])).unwrap();
            assert_eq!(marked(&device), ["DMA.CH[%s].SRC"], "{path}");
        }
        let mut device = device();
        mark(&mut device, &strings(&["DMA.CTRL", "DMA.CH.DST"])).unwrap();
        assert_eq!(marked(&device), ["DMA.CTRL", "DMA.CH[%s].DST%s"]);
    }

    #[test]
    fn a_cluster_or_a_peripheral_is_not_a_register() {
        for path in ["DMA.CH", "DMA", "DMA.CTRL.X", "", "DMA..CTRL"] {
            let error = mark(&mut device(), &strings(&[path])).unwrap_err();
            assert!(
                matches!(&error, crate::Error::UnknownRegister { path: named, .. } if named == path),
                "{path}: {error:?}"
            );
        }
    }

    #[test]
    fn unknown_path_names_it_with_near_matches() {
        let error = mark(&mut device(), &strings(&["DMA.CH.SCR"])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "no register at path `DMA.CH.SCR`; did you mean `DMA.CH[%s].SRC`, `DMA.CH[%s].DST%s`?"
        );
        let error = mark(&mut device(), &strings(&["UART.DATA"])).unwrap_err();
        assert_eq!(error.to_string(), "no register at path `UART.DATA`");
    }
}
