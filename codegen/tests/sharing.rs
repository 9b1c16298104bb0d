//! Automatic sharing on real vendor files: identical fieldsets and enums are
//! emitted once, so the output declares fewer types than the input has
//! registers and value sets, while every register still has its own name.

use std::path::Path;

use mmreg_codegen::ir::{Device, Item};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/svd-corpus");

/// Types declared (not re-exported) in every `regs` and `vals` module, and
/// names re-exported there.
#[derive(Debug, Default)]
struct Emitted {
    fieldsets: usize,
    enums: usize,
    fieldset_aliases: usize,
}

fn count_emitted(code: &str) -> Emitted {
    let file = syn::parse_file(code).expect("generated code parses");
    let mut emitted = Emitted::default();
    visit(&file.items, "", &mut emitted);
    emitted
}

fn visit(items: &[syn::Item], module: &str, emitted: &mut Emitted) {
    for item in items {
        match item {
            syn::Item::Mod(inner) => {
                if let Some((_, content)) = &inner.content {
                    visit(content, &inner.ident.to_string(), emitted);
                }
            }
            syn::Item::Struct(_) if module == "regs" => emitted.fieldsets += 1,
            syn::Item::Struct(_) | syn::Item::Enum(_) if module == "vals" => emitted.enums += 1,
            syn::Item::Use(_) if module == "regs" => emitted.fieldset_aliases += 1,
            _ => {}
        }
    }
}

/// Registers (an array counts once) and enumerated-value sets the device
/// declares, over every peripheral instance.
fn declared(device: &Device) -> (usize, usize) {
    fn walk(items: &[Item], registers: &mut usize, sets: &mut usize) {
        for item in items {
            match item {
                Item::Register(register) => {
                    *registers += 1;
                    *sets += register
                        .fields
                        .iter()
                        .map(|field| field.enums.len())
                        .sum::<usize>();
                }
                Item::Cluster(cluster) => walk(&cluster.items, registers, sets),
            }
        }
    }
    let (mut registers, mut sets) = (0, 0);
    for peripheral in &device.peripherals {
        walk(&peripheral.items, &mut registers, &mut sets);
    }
    (registers, sets)
}

fn check(file: &str) -> (usize, usize, Emitted) {
    let loaded = mmreg_codegen::load(&Path::new(CORPUS).join(file)).expect("loads");
    let code = mmreg_codegen::generate(&loaded.device, file).expect("generates");
    let (registers, sets) = declared(&loaded.device);
    let emitted = count_emitted(&code);
    println!(
        "{file}: {registers} registers -> {} fieldset types; {sets} value sets -> {} enum types",
        emitted.fieldsets, emitted.enums
    );
    (registers, sets, emitted)
}

#[test]
fn rp2040_shares_fieldsets_and_enums() {
    let (registers, sets, emitted) = check("RP2040.svd");
    // Derived peripherals (UART1 from UART0, ...) and repeated registers
    // (the IO bank's per-pin status registers) share one type each.
    assert!(
        emitted.fieldsets * 3 < registers * 2,
        "{emitted:?} for {registers} registers"
    );
    assert!(emitted.enums < sets, "{emitted:?} for {sets} value sets");
    assert!(emitted.fieldset_aliases > 0);
}

#[test]
fn nrf52840_shares_fieldsets_and_enums() {
    let (registers, sets, emitted) = check("nrf52840.svd");
    assert!(
        emitted.fieldsets * 2 < registers,
        "{emitted:?} for {registers} registers"
    );
    assert!(
        emitted.enums * 2 < sets,
        "{emitted:?} for {sets} value sets"
    );
}
