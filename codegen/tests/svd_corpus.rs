//! Every real vendor SVD file in the shared corpus parses, and facts about
//! them come out right.

use std::path::PathBuf;
use std::time::Instant;

use mmreg_codegen::ir::{Access, Cluster, Device, Field, Item, Peripheral, Register};
use mmreg_codegen::{Diagnostic, DiagnosticKind, svd};

fn corpus_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/svd-corpus"
    ))
}

fn load(name: &str) -> (Device, Vec<Diagnostic>) {
    let path = corpus_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    match svd::parse(&text, name) {
        Ok(parsed) => parsed,
        Err(diagnostics) => panic!("{name} does not parse:\n{diagnostics}"),
    }
}

fn count_registers(items: &[Item]) -> usize {
    items
        .iter()
        .map(|item| match item {
            Item::Register(_) => 1,
            Item::Cluster(cluster) => count_registers(&cluster.items),
        })
        .sum()
}

/// Nanoseconds this thread has spent on a CPU, where Linux tells.
fn thread_cpu_nanoseconds() -> Option<u64> {
    let stats = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stats.split_whitespace().next()?.parse().ok()
}

#[test]
fn every_corpus_file_parses_with_a_summary() {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("corpus directory")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".svd"))
        .collect();
    names.sort();
    assert!(names.len() >= 12, "corpus has {} files", names.len());
    // Wall time suffers when other jobs share the machine; on-CPU time of
    // this thread (Linux scheduler statistics) much less so.
    println!(
        "{:<20} {:>11} {:>9} {:>8} {:>9} {:>8}",
        "file", "peripherals", "registers", "warnings", "parse ms", "cpu ms"
    );
    for name in &names {
        let text = std::fs::read_to_string(corpus_dir().join(name)).expect("corpus file");
        let (start, cpu_start) = (Instant::now(), thread_cpu_nanoseconds());
        let parsed = svd::parse(&text, name);
        let (elapsed, cpu_end) = (start.elapsed(), thread_cpu_nanoseconds());
        let (device, warnings) = parsed.unwrap_or_else(|errors| panic!("{name}:\n{errors}"));
        let cpu = match (cpu_start, cpu_end) {
            (Some(start), Some(end)) => format!("{:.1}", (end - start) as f64 / 1e6),
            _ => "-".to_string(),
        };
        let registers: usize = device
            .peripherals
            .iter()
            .map(|p| count_registers(&p.items))
            .sum();
        println!(
            "{:<20} {:>11} {:>9} {:>8} {:>9.1} {:>8}",
            name,
            device.peripherals.len(),
            registers,
            warnings.len(),
            elapsed.as_secs_f64() * 1000.0,
            cpu
        );
        assert!(!device.peripherals.is_empty(), "{name}: no peripherals");
        let mut kinds = std::collections::BTreeMap::new();
        for warning in &warnings {
            *kinds.entry(format!("{:?}", warning.kind)).or_insert(0) += 1;
        }
        if !kinds.is_empty() {
            println!("    {kinds:?}");
            for warning in warnings.iter().take(3) {
                println!("    {warning}");
            }
        }
    }
}

fn peripheral<'d>(device: &'d Device, name: &str) -> &'d Peripheral {
    device
        .peripherals
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no peripheral `{name}`"))
}

fn register<'d>(items: &'d [Item], name: &str) -> &'d Register {
    items
        .iter()
        .find_map(|item| match item {
            Item::Register(register) if register.name == name => Some(register),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no register `{name}`"))
}

fn cluster<'d>(items: &'d [Item], name: &str) -> &'d Cluster {
    items
        .iter()
        .find_map(|item| match item {
            Item::Cluster(cluster) if cluster.name == name => Some(cluster),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no cluster `{name}`"))
}

fn field<'d>(register: &'d Register, name: &str) -> &'d Field {
    register
        .fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field `{name}`"))
}

/// 1-based numbers of the lines of `name` that contain `needle`.
fn lines_containing(name: &str, needle: &str) -> Vec<u32> {
    let text = std::fs::read_to_string(corpus_dir().join(name)).expect("corpus file");
    (1u32..)
        .zip(text.lines())
        .filter(|(_, line)| line.contains(needle))
        .map(|(number, _)| number)
        .collect()
}

#[test]
fn rp2040_uart1_derives_from_uart0() {
    let (device, warnings) = load("RP2040.svd");
    assert_eq!(device.name, "RP2040");
    assert_eq!(device.peripherals.len(), 37);
    assert!(warnings.is_empty(), "{warnings:?}");
    let uart0 = peripheral(&device, "UART0");
    let uart1 = peripheral(&device, "UART1");
    assert_eq!(uart1.derived_from.as_deref(), Some("UART0"));
    assert_eq!(uart0.base_address, 0x4003_4000);
    assert_eq!(uart1.base_address, 0x4003_8000);
    assert_eq!(uart1.items, uart0.items);
    assert_eq!(uart1.size, uart0.size);
    let uartdr = register(&uart1.items, "UARTDR");
    assert_eq!(uartdr.offset, 0);
    let data = field(uartdr, "DATA");
    assert_eq!((data.lsb, data.width), (0, 8));
    // Copied registers point at the element they came from (inside UART0),
    // the derived peripheral at its own declaration.
    let uart0_line = uart0.location.as_ref().unwrap().line;
    let uart1_line = uart1.location.as_ref().unwrap().line;
    assert!(uart1_line > uart0_line);
    let copied_line = uartdr.location.as_ref().unwrap().line;
    assert!(
        copied_line > uart0_line && copied_line < uart1_line,
        "{copied_line}"
    );
}

#[test]
fn stm32f407_gpioa_facts() {
    let (device, _) = load("STM32F407.svd");
    let gpioa = peripheral(&device, "GPIOA");
    assert_eq!(gpioa.base_address, 0x4002_0000);
    assert_eq!(gpioa.size, Some(0x400));
    assert_eq!(gpioa.group.as_deref(), Some("GPIO"));
    let moder = register(&gpioa.items, "MODER");
    assert_eq!(
        (moder.offset, moder.size, moder.reset_value),
        (0, 32, 0xA800_0000)
    );
    assert_eq!(moder.access, Access::ReadWrite);
    assert_eq!(moder.reset_mask, 0xFFFF_FFFF);
    let moder15 = field(moder, "MODER15");
    assert_eq!(
        (moder15.lsb, moder15.width, moder15.access),
        (30, 2, Access::ReadWrite)
    );
    // Descriptions lose the XML's indentation but keep line breaks.
    assert_eq!(
        moder15.description.as_deref(),
        Some("Port x configuration bits (y =\n0..15)")
    );
    // GPIOH is derived from GPIOI: same registers, own base address.
    let gpioh = peripheral(&device, "GPIOH");
    let gpioi = peripheral(&device, "GPIOI");
    assert_eq!(gpioh.derived_from.as_deref(), Some("GPIOI"));
    assert_eq!(gpioh.base_address, 0x4002_1C00);
    assert_eq!(gpioh.items, gpioi.items);
    assert_eq!(register(&gpioh.items, "MODER").fields.len(), 16);
}

#[test]
fn nrf52840_arrays_and_lower_case_access_words() {
    let (device, warnings) = load("nrf52840.svd");
    let p0 = peripheral(&device, "P0");
    let pin_cnf = register(&p0.items, "PIN_CNF[%s]");
    assert_eq!(pin_cnf.offset, 0x700);
    let dim = pin_cnf.dim.as_ref().expect("an array");
    assert_eq!((dim.count, dim.stride), (32, 4));
    assert!(dim.index_names.is_empty());
    // Each lower-case access word is one warning, at its own line.
    let mut expected = lines_containing("nrf52840.svd", ">read-writeonce<");
    expected.extend(lines_containing("nrf52840.svd", ">writeonce<"));
    expected.sort_unstable();
    assert_eq!(expected.len(), 10);
    let mut reported: Vec<u32> = warnings
        .iter()
        .filter(|w| w.kind == DiagnosticKind::NonStandardValue)
        .map(|w| w.location.as_ref().expect("located").line)
        .collect();
    reported.sort_unstable();
    assert_eq!(reported, expected);
    let first = warnings
        .iter()
        .find(|w| w.location.as_ref().is_some_and(|l| l.line == 1267))
        .unwrap();
    assert_eq!(first.path, "APPROTECT.FORCEPROTECT");
    assert_eq!(first.location.as_ref().unwrap().column, 11);
    assert!(
        first.message.contains("`read-writeonce`"),
        "{}",
        first.message
    );
    let forceprotect = register(&peripheral(&device, "APPROTECT").items, "FORCEPROTECT");
    assert_eq!(forceprotect.access, Access::ReadWriteOnce);
}

#[test]
fn gd32vf103_write_access_is_write_only_with_warnings() {
    let (device, warnings) = load("GD32VF103.svd");
    let lines: Vec<u32> = warnings
        .iter()
        .map(|w| w.location.as_ref().unwrap().line)
        .collect();
    assert_eq!(
        lines,
        lines_containing("GD32VF103.svd", "<access>write</access>")
    );
    let alrmh = register(&peripheral(&device, "RTC").items, "ALRMH");
    assert_eq!(alrmh.access, Access::WriteOnly);
}

#[test]
fn bcm2711_enumerated_values_derive_through_dotted_paths() {
    let (device, warnings) = load("bcm2711_lpa.svd");
    // Deterministic: a second parse gives the same model and diagnostics.
    assert_eq!(load("bcm2711_lpa.svd"), (device.clone(), warnings.clone()));
    assert!(
        warnings
            .iter()
            .all(|w| w.kind == DiagnosticKind::MissingElement && w.path.is_empty()),
        "{warnings:?}"
    );
    let gpio = peripheral(&device, "GPIO");
    let control = register(&gpio.items, "GPIO_PUP_PDN_CNTRL_REG0");
    let source = &field(control, "GPIO_PUP_PDN_CNTRL0").enums;
    let derived = &field(control, "GPIO_PUP_PDN_CNTRL1").enums;
    assert_eq!(source.len(), 1);
    assert_eq!(derived, source);
    assert_eq!(derived[0].name.as_deref(), Some("BP_PULL"));
    let values: Vec<(&str, Option<u64>)> = derived[0]
        .values
        .iter()
        .map(|v| (v.name.as_str(), v.value))
        .collect();
    assert_eq!(
        values,
        [("NONE", Some(0)), ("UP", Some(1)), ("DOWN", Some(2))]
    );
}

#[test]
fn atsamd21_clusters_and_derived_register_arrays() {
    let (device, _) = load("ATSAMD21G18A.svd");
    let rtc = peripheral(&device, "RTC");
    let mode0 = cluster(&rtc.items, "MODE0");
    assert_eq!(mode0.offset, 0);
    let ctrl = register(&mode0.items, "CTRL");
    assert_eq!((ctrl.size, ctrl.offset), (16, 0));
    // Field access is kept as declared; fields without one take the register's.
    assert_eq!(field(ctrl, "SWRST").access, Access::WriteOnly);
    assert_eq!(field(ctrl, "ENABLE").access, Access::ReadWrite);
    let port = peripheral(&device, "PORT");
    let group1_pmux = register(&port.items, "PMUX1_%s");
    let group0_pmux = register(&port.items, "PMUX0_%s");
    assert_eq!(group1_pmux.offset, 0xb0);
    assert_eq!(
        group1_pmux.dim.as_ref().map(|d| (d.count, d.stride)),
        Some((16, 1))
    );
    assert_eq!(group1_pmux.fields, group0_pmux.fields);
    assert!(!group1_pmux.fields.is_empty());
    assert_eq!(group1_pmux.size, group0_pmux.size);
}

#[test]
fn e310x_missing_version_is_a_warning() {
    let (device, warnings) = load("e310x.svd");
    assert_eq!(device.name, "FE310");
    let kinds: Vec<(DiagnosticKind, u32, &str)> = warnings
        .iter()
        .map(|w| {
            (
                w.kind,
                w.location.as_ref().unwrap().line,
                w.message.as_str(),
            )
        })
        .collect();
    assert!(kinds.iter().any(
        |(kind, line, message)| *kind == DiagnosticKind::MissingElement
            && *line == 3
            && message.contains("`<version>`")
    ));
}

#[test]
fn mimxrt1062_parses_fast_enough() {
    let text = std::fs::read_to_string(corpus_dir().join("MIMXRT1062.svd")).expect("corpus file");
    assert!(text.len() > 10_000_000);
    let start = Instant::now();
    let (device, _) = svd::parse(&text, "MIMXRT1062.svd").expect("parses");
    let elapsed = start.elapsed();
    println!("MIMXRT1062.svd: {:.0} ms", elapsed.as_secs_f64() * 1000.0);
    assert_eq!(device.peripherals.len(), 114);
    // Don't-care bits (`#xxx1`) are read as 0.
    let xbara = peripheral(&device, "AIPSTZ1");
    let mpr = register(&xbara.items, "MPR");
    let values: Vec<Option<u64>> = field(mpr, "MPROT5").enums[0]
        .values
        .iter()
        .map(|v| v.value)
        .collect();
    assert_eq!(values, [Some(0), Some(1)]);
    // Generous: debug builds on a shared machine. Release is far below 1 s.
    assert!(elapsed.as_secs() < 20);
}
