//! Cross-checks the SVD front end against `svd-parser` (with its `expand`)
//! on every corpus file `svd-parser` accepts: after expanding arrays the same
//! way, both must see the same registers at the same addresses with the same
//! properties and fields. This checks `derivedFrom`, `dim` and property
//! inheritance against an independent implementation. (svd-parser's expand
//! flattens clusters, naming registers `CLUSTER_REGISTER`; so does the
//! comparison.)

use std::collections::BTreeMap;
use std::path::PathBuf;

use mmreg_codegen::ir::{self, Item};
use mmreg_codegen::svd;
use svd_parser::svd as svd_rs;

/// What both sides must agree on for one register: address, size, access,
/// reset value, and every field.
type Facts = (u64, u32, &'static str, u64, Vec<FieldFacts>);
/// One set of enumerated values: usage, and sorted (name, value) pairs.
type EnumFacts = (&'static str, Vec<(String, Option<u64>)>);
/// A field: name, lsb, width, access, and its enumerated-value sets.
type FieldFacts = (String, u32, u32, &'static str, Vec<EnumFacts>);

fn ours_enums(field: &ir::Field) -> Vec<EnumFacts> {
    field
        .enums
        .iter()
        .map(|set| {
            let usage = match set.usage {
                ir::Usage::Read => "read",
                ir::Usage::Write => "write",
                ir::Usage::ReadWrite => "read-write",
            };
            let mut values: Vec<_> = set
                .values
                .iter()
                .map(|value| (value.name.clone(), value.value))
                .collect();
            values.sort();
            (usage, values)
        })
        .collect()
}

fn theirs_enums(field: &svd_rs::FieldInfo) -> Vec<EnumFacts> {
    field
        .enumerated_values
        .iter()
        .filter(|set| !set.values.is_empty())
        .map(|set| {
            let usage = match set.usage {
                Some(svd_rs::Usage::Read) => "read",
                Some(svd_rs::Usage::Write) => "write",
                Some(svd_rs::Usage::ReadWrite) | None => "read-write",
            };
            let mut values: Vec<_> = set
                .values
                .iter()
                .map(|value| (value.name.clone(), value.value))
                .collect();
            values.sort();
            (usage, values)
        })
        .collect()
}

fn corpus(name: &str) -> String {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/svd-corpus"
    ))
    .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn substitute(name: &str, index: &str) -> String {
    name.replace("[%s]", index).replace("%s", index)
}

fn indices(dim: &ir::Dim) -> Vec<String> {
    if dim.index_names.is_empty() {
        (0..dim.count).map(|i| i.to_string()).collect()
    } else {
        dim.index_names.clone()
    }
}

fn ours_access(access: ir::Access) -> &'static str {
    match access {
        ir::Access::ReadOnly => "read-only",
        ir::Access::WriteOnly => "write-only",
        ir::Access::ReadWrite => "read-write",
        ir::Access::WriteOnce => "writeOnce",
        ir::Access::ReadWriteOnce => "read-writeOnce",
    }
}

fn theirs_access(access: Option<svd_rs::Access>) -> &'static str {
    match access {
        Some(svd_rs::Access::ReadOnly) => "read-only",
        Some(svd_rs::Access::WriteOnly) => "write-only",
        Some(svd_rs::Access::ReadWrite) | None => "read-write",
        Some(svd_rs::Access::WriteOnce) => "writeOnce",
        Some(svd_rs::Access::ReadWriteOnce) => "read-writeOnce",
    }
}

fn ours_items(items: &[Item], prefix: &str, base: u64, out: &mut BTreeMap<String, Facts>) {
    for item in items {
        match item {
            Item::Register(register) => {
                let mut fields = Vec::new();
                for field in &register.fields {
                    match &field.dim {
                        None => fields.push((
                            field.name.clone(),
                            field.lsb,
                            field.width,
                            ours_access(field.access),
                            ours_enums(field),
                        )),
                        Some(dim) => {
                            for (position, index) in (0u32..).zip(indices(dim)) {
                                let lsb = field.lsb + position * dim.stride as u32;
                                let access = ours_access(field.access);
                                fields.push((
                                    substitute(&field.name, &index),
                                    lsb,
                                    field.width,
                                    access,
                                    ours_enums(field),
                                ));
                            }
                        }
                    }
                }
                fields.sort();
                let facts = |offset: u64| {
                    (
                        base + offset,
                        register.size,
                        ours_access(register.access),
                        register.reset_value,
                        fields.clone(),
                    )
                };
                match &register.dim {
                    None => {
                        out.insert(format!("{prefix}{}", register.name), facts(register.offset));
                    }
                    Some(dim) => {
                        for (position, index) in (0u64..).zip(indices(dim)) {
                            let name = format!("{prefix}{}", substitute(&register.name, &index));
                            out.insert(name, facts(register.offset + position * dim.stride));
                        }
                    }
                }
            }
            Item::Cluster(cluster) => match &cluster.dim {
                None => ours_items(
                    &cluster.items,
                    &format!("{prefix}{}_", cluster.name),
                    base + cluster.offset,
                    out,
                ),
                Some(dim) => {
                    for (position, index) in (0u64..).zip(indices(dim)) {
                        let name = format!("{prefix}{}_", substitute(&cluster.name, &index));
                        ours_items(
                            &cluster.items,
                            &name,
                            base + cluster.offset + position * dim.stride,
                            out,
                        );
                    }
                }
            },
        }
    }
}

fn theirs_items(
    items: &[svd_rs::RegisterCluster],
    prefix: &str,
    base: u64,
    out: &mut BTreeMap<String, Facts>,
) {
    for item in items {
        match item {
            svd_rs::RegisterCluster::Register(register) => {
                let register: &svd_rs::RegisterInfo = register;
                let mut fields = Vec::new();
                for field in register.fields.iter().flatten() {
                    let expanded: Vec<svd_rs::FieldInfo> = match field {
                        svd_rs::MaybeArray::Single(info) => vec![info.clone()],
                        svd_rs::MaybeArray::Array(info, dim) => {
                            svd_rs::field::expand(info, dim).collect()
                        }
                    };
                    for info in expanded {
                        let access = theirs_access(info.access.or(register.properties.access));
                        let enums = theirs_enums(&info);
                        fields.push((
                            info.name.clone(),
                            info.bit_range.offset,
                            info.bit_range.width,
                            access,
                            enums,
                        ));
                    }
                }
                fields.sort();
                let facts = (
                    base + u64::from(register.address_offset),
                    register.properties.size.unwrap_or(32),
                    theirs_access(register.properties.access),
                    register.properties.reset_value.unwrap_or(0),
                    fields,
                );
                out.insert(format!("{prefix}{}", register.name), facts);
            }
            svd_rs::RegisterCluster::Cluster(cluster) => {
                let cluster: &svd_rs::ClusterInfo = cluster;
                let name = format!("{prefix}{}_", cluster.name);
                theirs_items(
                    &cluster.children,
                    &name,
                    base + u64::from(cluster.address_offset),
                    out,
                );
            }
        }
    }
}

/// Returns how many registers were compared, or `None` if svd-parser refuses
/// the file even patched.
fn crosscheck(name: &str) -> Option<usize> {
    let text = corpus(name);
    let theirs_text = patch_for_svd_parser(&text);
    let config = svd_parser::Config::default()
        .validate_level(svd_rs::ValidateLevel::Disabled)
        .expand(true)
        .expand_properties(true);
    let theirs = match svd_parser::parse_with_config(&theirs_text, &config) {
        Ok(device) => device,
        Err(error) => {
            println!("{name}: svd-parser: {error:#}");
            return None;
        }
    };
    let (ours, _) = svd::parse(&text, name).expect("our parser accepts every corpus file");

    let mut our_facts = BTreeMap::new();
    for peripheral in &ours.peripherals {
        ours_items(
            &peripheral.items,
            &format!("{}.", peripheral.name),
            peripheral.base_address,
            &mut our_facts,
        );
    }
    let mut their_facts = BTreeMap::new();
    for peripheral in &theirs.peripherals {
        let items = peripheral.registers.as_deref().unwrap_or(&[]);
        theirs_items(
            items,
            &format!("{}.", peripheral.name),
            peripheral.base_address,
            &mut their_facts,
        );
    }
    let our_names: Vec<&String> = ours.peripherals.iter().map(|p| &p.name).collect();
    let their_names: Vec<&String> = theirs.peripherals.iter().map(|p| &p.name).collect();
    assert_eq!(our_names, their_names, "{name}: peripheral lists differ");
    let differing: Vec<&String> = our_facts
        .keys()
        .chain(their_facts.keys())
        .filter(|key| our_facts.get(*key) != their_facts.get(*key))
        .collect();
    if std::env::var_os("SVD_CROSSCHECK_DEBUG").is_some() {
        for key in differing.iter().take(8) {
            eprintln!(
                "{key}:\n ours:   {:?}\n theirs: {:?}",
                our_facts.get(*key),
                their_facts.get(*key)
            );
        }
    }
    if let Some(first) = differing.first() {
        panic!(
            "{name}: {} registers differ; first `{first}`:\n ours:   {:?}\n theirs: {:?}",
            differing.len(),
            our_facts.get(*first),
            their_facts.get(*first)
        );
    }
    Some(our_facts.len())
}

/// Repairs, by plain text substitution, the corpus defects svd-parser
/// refuses even with validation off, so the files can be compared too.
fn patch_for_svd_parser(text: &str) -> String {
    let mut patched = text
        .replace(">read-writeonce<", ">read-writeOnce<")
        .replace(">writeonce<", ">writeOnce<")
        .replace("<access>write</access>", "<access>write-only</access>");
    // An incomplete `<cpu>` block is optional as a whole: drop it.
    if let (Some(start), Some(end)) = (patched.find("<cpu>"), patched.find("</cpu>"))
        && start < end
    {
        patched.replace_range(start..end + "</cpu>".len(), "");
    }
    patched
}

#[test]
fn registers_agree_with_svd_parser_on_every_corpus_file() {
    let files = [
        "ARM_Sample.svd",
        "ATSAMD21G18A.svd",
        "MIMXRT1062.svd",
        "RP2040.svd",
        "STM32F407.svd",
        "TM4C123GH6PM.svd",
        "esp32c3.svd",
        "e310x.svd",
        "GD32VF103.svd",
        "bcm2711_lpa.svd",
        "nrf52840.svd",
        "nrf54l15-app.svd",
    ];
    let mut compared = 0;
    for file in files {
        match crosscheck(file) {
            Some(registers) => {
                println!("{file}: {registers} registers agree with svd-parser");
                assert!(registers > 0);
                compared += 1;
            }
            None => println!("{file}: svd-parser refuses it; not compared"),
        }
    }
    // With the patches, svd-parser accepts every one of them.
    assert_eq!(compared, files.len());
}
