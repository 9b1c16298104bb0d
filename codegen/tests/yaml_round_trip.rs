//! SVD -> YAML -> IR gives the IR SVD gave for every file of the shared SVD
//! corpus, and the same generated code for the files under
//! [`GENERATE_BELOW`] bytes.

use std::path::{Path, PathBuf};

use mmreg_codegen::ir::{Device, Item};

/// Files this large or larger compare their IR only: equal IR (locations
/// cleared on both sides, as before generating) is equal code for a
/// deterministic generator (`corpus::generation_is_deterministic`), and
/// generating the large files twice was most of this test's time in the
/// gate.
const GENERATE_BELOW: usize = 1_000_000;

fn corpus() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/svd-corpus"
    ))
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

/// The generated file without its first line (the `@generated` header,
/// which names the input).
fn without_header(code: &str) -> &str {
    assert!(
        code.starts_with("// @generated"),
        "no header: {}",
        &code[..code.len().min(80)]
    );
    code.split_once('\n').map_or("", |(_, rest)| rest)
}

fn round_trip(path: &Path) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).unwrap();
    let (mut from_svd, _) =
        mmreg_codegen::svd::parse(&text, &name).unwrap_or_else(|error| panic!("{name}: {error}"));
    let yaml = mmreg_codegen::yaml::export(&from_svd).unwrap();
    let yaml_name = name.replace(".svd", ".yaml");
    let (mut from_yaml, warnings) = mmreg_codegen::yaml::parse(&yaml, &yaml_name)
        .unwrap_or_else(|error| panic!("{name} exported: {error}"));
    assert!(warnings.is_empty(), "{name}: {warnings:?}");
    // Exporting the re-read IR gives the same bytes (the text is canonical).
    assert_eq!(
        mmreg_codegen::yaml::export(&from_yaml).unwrap(),
        yaml,
        "{name}: export is not stable"
    );
    clear_locations(&mut from_svd);
    clear_locations(&mut from_yaml);
    if from_svd != from_yaml {
        for (left, right) in from_svd.peripherals.iter().zip(&from_yaml.peripherals) {
            assert_eq!(
                left, right,
                "{name}: peripheral `{}` differs after the round trip",
                left.name
            );
        }
        assert_eq!(
            from_svd, from_yaml,
            "{name}: the IR differs after the round trip"
        );
    }
    // Code generation sees the same model, so the code matches too (or
    // fails the same way).
    if text.len() >= GENERATE_BELOW {
        return;
    }
    match (generate(from_svd, &name), generate(from_yaml, &yaml_name)) {
        (Ok(from_svd_code), Ok(from_yaml_code)) => {
            assert!(
                without_header(&from_svd_code) == without_header(&from_yaml_code),
                "{name}: generated code differs"
            );
        }
        (Err(left), Err(right)) => assert_eq!(left.to_string(), right.to_string(), "{name}"),
        (left, right) => panic!(
            "{name}: generation differs: {:?} / {:?}",
            left.err(),
            right.err()
        ),
    }
}

#[test]
fn every_corpus_file_round_trips_through_yaml() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("the SVD corpus is in ../shared/svd-corpus")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "svd"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 10, "corpus has {} files", paths.len());
    for path in &paths {
        round_trip(path);
    }
}

/// Our own descriptions survive YAML -> IR -> YAML -> IR too.
#[test]
fn descriptions_round_trip_through_export() {
    for stem in ["qemu-edu", "hpet", "bcm2711-gpio", "xlnx-axi-gpio"] {
        let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../svd"))
            .join(format!("{stem}.yaml"));
        let text = std::fs::read_to_string(&path).unwrap();
        let (mut original, _) = mmreg_codegen::yaml::parse(&text, stem).unwrap();
        let exported = mmreg_codegen::yaml::export(&original).unwrap();
        let (mut reread, _) = mmreg_codegen::yaml::parse(&exported, stem).unwrap();
        clear_locations(&mut original);
        clear_locations(&mut reread);
        assert_eq!(original, reread, "{stem}");
    }
}

/// Validates and generates, as `load` then `generate` would.
fn generate(device: mmreg_codegen::Device, name: &str) -> Result<String, mmreg_codegen::Error> {
    let (model, _) = mmreg_codegen::validate::validate(device)
        .map_err(|d| mmreg_codegen::Error::Invalid(mmreg_codegen::Diagnostics(d)))?;
    mmreg_codegen::generate(&model, name)
}
