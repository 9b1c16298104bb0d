//! Every real vendor SVD file in the shared corpus parses, and facts about
//! them come out right.

use std::path::PathBuf;
use std::time::Instant;

use mmreg_codegen::ir::{Device, Item};
use mmreg_codegen::{Diagnostic, svd};

fn corpus_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/svd-corpus"))
}

fn load(name: &str) -> (Device, Vec<Diagnostic>) {
    let path = corpus_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
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

#[test]
fn every_corpus_file_parses_with_a_summary() {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("corpus directory")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".svd"))
        .collect();
    names.sort();
    assert!(names.len() >= 12, "corpus has {} files", names.len());
    println!("{:<20} {:>11} {:>9} {:>8} {:>9}", "file", "peripherals", "registers", "warnings", "parse ms");
    for name in &names {
        let start = Instant::now();
        let (device, warnings) = load(name);
        let elapsed = start.elapsed();
        let registers: usize = device.peripherals.iter().map(|p| count_registers(&p.items)).sum();
        println!(
            "{:<20} {:>11} {:>9} {:>8} {:>9.1}",
            name,
            device.peripherals.len(),
            registers,
            warnings.len(),
            elapsed.as_secs_f64() * 1000.0
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
