//! Snapshots of two small corpus components (the model as exported YAML,
//! and for the smallest the generated module), and the `--emit-yaml` round
//! trip for every corpus file: IP-XACT -> YAML -> IR gives the same IR and
//! the same generated code. Bless with `INSTA_UPDATE=always` and read the
//! diff.

use std::path::PathBuf;

use mmreg_codegen::ir::{Device, Item};

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/ipxact-corpus"
    ))
    .join(name)
}

fn load(name: &str) -> Device {
    mmreg_codegen::load(&corpus(name))
        .unwrap_or_else(|error| panic!("{name}: {error}"))
        .device
        .into_device()
}

/// Validates and generates, as `load` then `generate` would.
fn generate(device: &Device, name: &str) -> String {
    let (model, _) = mmreg_codegen::validate::validate(device.clone())
        .unwrap_or_else(|errors| panic!("{}", mmreg_codegen::Diagnostics(errors)));
    mmreg_codegen::generate(&model, name).unwrap()
}

#[test]
fn peakrdl_my_subblock() {
    let device = load("peakrdl-ipxact-my_subblock.xml");
    insta::assert_snapshot!(
        "peakrdl_my_subblock_yaml",
        mmreg_codegen::yaml::export(&device).unwrap()
    );
    insta::assert_snapshot!(
        "peakrdl_my_subblock_rust",
        generate(&device, "peakrdl-ipxact-my_subblock.xml")
    );
}

#[test]
fn kactus2_wb_slave_spi_master() {
    let device = load("kactus2-wb_slave_spi_master.xml");
    insta::assert_snapshot!(
        "kactus2_wb_slave_spi_master_yaml",
        mmreg_codegen::yaml::export(&device).unwrap()
    );
}

/// Locations differ by design (they point into different files).
fn clear_locations(device: &mut Device) {
    fn items(list: &mut [Item]) {
        for item in list {
            match item {
                Item::Register(register) => {
                    register.location = None;
                    for field in &mut register.fields {
                        field.location = None;
                    }
                }
                Item::Cluster(cluster) => {
                    cluster.location = None;
                    items(&mut cluster.items);
                }
            }
        }
    }
    for peripheral in &mut device.peripherals {
        peripheral.location = None;
        items(&mut peripheral.items);
    }
}

fn without_header(code: &str) -> &str {
    code.split_once('\n').map_or("", |(_, rest)| rest)
}

#[test]
fn emit_yaml_round_trips_for_every_corpus_file() {
    let directory = corpus("");
    let mut names: Vec<String> = std::fs::read_dir(&directory)
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".xml"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 10);
    for name in names {
        let mut from_ipxact = load(&name);
        let yaml = mmreg_codegen::yaml::export(&from_ipxact).unwrap();
        let (mut from_yaml, _) = mmreg_codegen::yaml::parse(&yaml, "exported.yaml")
            .unwrap_or_else(|error| panic!("{name} exported:\n{error}"));
        assert_eq!(
            mmreg_codegen::yaml::export(&from_yaml).unwrap(),
            yaml,
            "{name}: the export is canonical"
        );
        let code_ipxact = generate(&from_ipxact, "x");
        let code_yaml = generate(&from_yaml, "x");
        assert!(
            without_header(&code_ipxact) == without_header(&code_yaml),
            "{name}: the YAML generates different code"
        );
        clear_locations(&mut from_ipxact);
        clear_locations(&mut from_yaml);
        assert_eq!(from_ipxact, from_yaml, "{name}");
    }
}
