//! Every IP-XACT component in the shared corpus loads (through the same
//! `load` users call, so format detection is covered), with facts about
//! each checked; a summary table (registers, fields, warnings, time) is
//! printed.

use std::path::PathBuf;
use std::time::Instant;

use mmreg_codegen::ir::{Device, Item, Register};

fn corpus_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/ipxact-corpus"
    ))
}

fn corpus_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("IP-XACT corpus directory")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".xml"))
        .collect();
    names.sort();
    names
}

fn registers(items: &[Item], out: &mut Vec<Register>) {
    for item in items {
        match item {
            Item::Register(register) => out.push(register.clone()),
            Item::Cluster(cluster) => registers(&cluster.items, out),
        }
    }
}

fn all_registers(device: &Device) -> Vec<Register> {
    let mut out = Vec::new();
    for peripheral in &device.peripherals {
        registers(&peripheral.items, &mut out);
    }
    out
}

#[test]
fn every_corpus_file_loads_with_a_summary() {
    let names = corpus_files();
    assert_eq!(names.len(), 10, "corpus files: {names:?}");
    println!(
        "{:<38} {:>6} {:>9} {:>6} {:>8} {:>8}",
        "file", "blocks", "registers", "fields", "warnings", "load ms"
    );
    for name in &names {
        let started = Instant::now();
        let loaded = mmreg_codegen::load(&corpus_dir().join(name))
            .unwrap_or_else(|error| panic!("{name}:\n{error}"));
        let elapsed = started.elapsed();
        let registers = all_registers(&loaded.device);
        let fields: usize = registers.iter().map(|r| r.fields.len()).sum();
        println!(
            "{:<38} {:>6} {:>9} {:>6} {:>8} {:>8.1}",
            name,
            loaded.device.peripherals.len(),
            registers.len(),
            fields,
            loaded.warnings.len(),
            elapsed.as_secs_f64() * 1000.0
        );
        let mut kinds = std::collections::BTreeMap::new();
        for warning in &loaded.warnings {
            *kinds.entry(format!("{:?}", warning.kind)).or_insert(0) += 1;
        }
        if !kinds.is_empty() {
            println!("    {kinds:?}");
        }
        assert!(!registers.is_empty(), "{name}: no registers");
    }
}
