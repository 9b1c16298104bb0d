//! Array inference (`mmreg_codegen::arrays`): numbered fields, registers and
//! clusters that are otherwise identical and equally spaced become arrays;
//! anything irregular stays as written. Small YAML inputs show each rule;
//! the corpus shows that inference only renames what it groups: expanding
//! every array again gives back exactly the input's registers and bits.

use std::collections::BTreeSet;
use std::path::Path;

use mmreg_codegen::arrays::infer;
use mmreg_codegen::ir::{Cluster, Device, Dim, Field, Item, Register};
use mmreg_codegen::{Options, generate_with};

mod scratch;
use scratch::ScratchCrate;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/svd-corpus");

fn parse(text: &str) -> Device {
    let (device, _) =
        mmreg_codegen::yaml::parse(text, "arrays.yaml").unwrap_or_else(|error| panic!("{error}"));
    device
}

/// A device with one peripheral `P` holding `registers` (YAML list text).
fn device(registers: &str) -> Device {
    parse(&format!(
        "device: test\nperipherals:\n  - name: P\n    base: 0x40000000\n    registers:\n{registers}"
    ))
}

fn items(device: &Device) -> &[Item] {
    &device.peripherals[0].items
}

fn item_names(items: &[Item]) -> Vec<&str> {
    items
        .iter()
        .map(|item| match item {
            Item::Register(register) => register.name.as_str(),
            Item::Cluster(cluster) => cluster.name.as_str(),
        })
        .collect()
}

fn register<'a>(items: &'a [Item], name: &str) -> &'a Register {
    items
        .iter()
        .find_map(|item| match item {
            Item::Register(register) if register.name == name => Some(register),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no register `{name}` in {:?}", item_names(items)))
}

fn cluster<'a>(items: &'a [Item], name: &str) -> &'a Cluster {
    items
        .iter()
        .find_map(|item| match item {
            Item::Cluster(cluster) if cluster.name == name => Some(cluster),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no cluster `{name}` in {:?}", item_names(items)))
}

fn field_names(register: &Register) -> Vec<&str> {
    register.fields.iter().map(|f| f.name.as_str()).collect()
}

fn field<'a>(register: &'a Register, name: &str) -> &'a Field {
    register
        .fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field `{name}` in {:?}", field_names(register)))
}

fn dim(count: u32, stride: u64) -> Option<Dim> {
    Some(Dim {
        count,
        stride,
        index_names: Vec::new(),
    })
}

fn generate(device: &Device) -> String {
    generate_with(&valid(device), "arrays.yaml", Options::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// `device` through validation, which must accept it.
fn valid(device: &Device) -> mmreg_codegen::Validated {
    mmreg_codegen::validate::validate(device.clone())
        .unwrap_or_else(|d| panic!("{}", mmreg_codegen::Diagnostics(d)))
        .0
}

/// Every `fn` name in the generated code (inherent impls included), with
/// how often it is declared in one `impl` block.
fn impl_functions(code: &str) -> Vec<Vec<String>> {
    fn visit(items: &[syn::Item], out: &mut Vec<Vec<String>>) {
        for item in items {
            match item {
                syn::Item::Mod(module) => {
                    if let Some((_, content)) = &module.content {
                        visit(content, out);
                    }
                }
                syn::Item::Impl(block) => out.push(
                    block
                        .items
                        .iter()
                        .filter_map(|item| match item {
                            syn::ImplItem::Fn(function) => Some(function.sig.ident.to_string()),
                            _ => None,
                        })
                        .collect(),
                ),
                _ => {}
            }
        }
    }
    let file = syn::parse_file(code).expect("generated code parses");
    let mut out = Vec::new();
    visit(&file.items, &mut out);
    out
}

/// Asserts no `impl` block declares a function twice, and returns all names.
fn distinct_functions(code: &str) -> BTreeSet<String> {
    let mut all = BTreeSet::new();
    for block in impl_functions(code) {
        let unique: BTreeSet<&String> = block.iter().collect();
        assert_eq!(
            unique.len(),
            block.len(),
            "duplicate functions in {block:?}"
        );
        all.extend(block);
    }
    all
}

/// RP2040 `INTR` style: four kinds of event for GPIO 0..7, interleaved
/// (stride 4 bits) -- four arrays of eight, in the order of their first
/// members.
#[test]
fn interleaved_fields_become_four_arrays() {
    let kinds = ["LEVEL_LOW", "LEVEL_HIGH", "EDGE_LOW", "EDGE_HIGH"];
    let mut fields = String::new();
    for gpio in 0..8 {
        for (k, kind) in kinds.iter().enumerate() {
            let bit = gpio * 4 + k;
            fields.push_str(&format!(
                "          - {{ name: GPIO{gpio}_{kind}, bit: {bit}, description: Event }}\n"
            ));
        }
    }
    let input = device(&format!(
        "      - name: INTR\n        offset: 0x0\n        fields:\n{fields}"
    ));
    let inferred = infer(&input);
    let intr = register(items(&inferred), "INTR");
    assert_eq!(
        field_names(intr),
        [
            "GPIO%s_LEVEL_LOW",
            "GPIO%s_LEVEL_HIGH",
            "GPIO%s_EDGE_LOW",
            "GPIO%s_EDGE_HIGH"
        ]
    );
    for (k, f) in intr.fields.iter().enumerate() {
        assert_eq!(f.lsb, u32::try_from(k).unwrap());
        assert_eq!(f.width, 1);
        assert_eq!(f.dim, dim(8, 4));
        // Equal descriptions survive; the location is element 0's.
        assert_eq!(f.description.as_deref(), Some("Event"));
        assert_eq!(
            f.location,
            input.peripherals[0].items.iter().find_map(|i| match i {
                Item::Register(r) => r.fields.get(k).and_then(|f| f.location.clone()),
                Item::Cluster(_) => None,
            })
        );
    }
    let functions = distinct_functions(&generate(&inferred));
    for name in ["gpio_level_low", "set_gpio_edge_high"] {
        assert!(functions.contains(name), "no `{name}` in {functions:?}");
    }
    assert!(!functions.contains("gpio0_level_low"));
}

/// Equally spaced registers with the same fields become one array at the
/// place of the first; others keep their place.
#[test]
fn registers_at_a_constant_stride() {
    let mut registers = String::from("      - { name: STATUS, offset: 0x0 }\n");
    for ch in 0..3 {
        registers.push_str(&format!(
            "      - name: CH{ch}_CTRL\n        offset: {:#x}\n        description: Channel {ch} control\n        \
             fields:\n          - {{ name: EN, bit: 0 }}\n          - {{ name: MODE, bits: \"[3:1]\" }}\n",
            0x10 + ch * 0x10
        ));
    }
    registers.push_str("      - { name: LAST, offset: 0x100 }\n");
    let inferred = infer(&device(&registers));
    assert_eq!(
        item_names(items(&inferred)),
        ["STATUS", "CH%s_CTRL", "LAST"]
    );
    let ctrl = register(items(&inferred), "CH%s_CTRL");
    assert_eq!((ctrl.offset, ctrl.dim.clone()), (0x10, dim(3, 0x10)));
    assert_eq!(field_names(ctrl), ["EN", "MODE"]);
    // The descriptions differ (they name the channel): none is kept.
    assert_eq!(ctrl.description, None);
    let functions = distinct_functions(&generate(&inferred));
    assert!(functions.contains("ch_ctrl"), "{functions:?}");
    assert!(!functions.contains("ch0_ctrl"), "{functions:?}");
}

/// Clusters `SM0`..`SM3` with identical contents become `SM%s`; their own
/// numbered registers were grouped first (bottom-up), identically in each.
#[test]
fn clusters_become_an_array() {
    let mut registers = String::new();
    for sm in 0..4 {
        registers.push_str(&format!(
            "      - cluster: SM{sm}\n        offset: {:#x}\n        registers:\n          \
             - {{ name: CLKDIV, offset: 0x0 }}\n          - {{ name: INSTR0, offset: 0x4 }}\n          \
             - {{ name: INSTR1, offset: 0x8 }}\n",
            0x100 + sm * 0x20
        ));
    }
    let inferred = infer(&device(&registers));
    assert_eq!(item_names(items(&inferred)), ["SM%s"]);
    let sm = cluster(items(&inferred), "SM%s");
    assert_eq!((sm.offset, sm.dim.clone()), (0x100, dim(4, 0x20)));
    assert_eq!(item_names(&sm.items), ["CLKDIV", "INSTR%s"]);
    assert_eq!(register(&sm.items, "INSTR%s").dim, dim(2, 4));
    let functions = distinct_functions(&generate(&inferred));
    assert!(functions.contains("sm"), "{functions:?}");
    assert!(functions.contains("instr"), "{functions:?}");
}

/// A cluster whose elements would overlap (stride smaller than its
/// contents) stays as written.
#[test]
fn overlapping_clusters_stay() {
    let mut registers = String::new();
    for sm in 0..2 {
        registers.push_str(&format!(
            "      - cluster: SM{sm}\n        offset: {:#x}\n        registers:\n          \
             - {{ name: A, offset: 0x0 }}\n          - {{ name: B, offset: 0x8 }}\n",
            sm * 0x8
        ));
    }
    let inferred = infer(&device(&registers));
    assert_eq!(item_names(items(&inferred)), ["SM0", "SM1"]);
}

fn registers_at(names_and_offsets: &[(&str, u64)]) -> Device {
    let text: String = names_and_offsets
        .iter()
        .map(|(name, offset)| format!("      - {{ name: {name}, offset: {offset:#x} }}\n"))
        .collect();
    device(&text)
}

#[test]
fn a_gap_in_the_indices_leaves_the_group() {
    let input = registers_at(&[("R0", 0), ("R1", 4), ("R3", 12)]);
    assert_eq!(infer(&input), input);
}

/// `R1`..`R3`: numbered from 1, the array starts at the lowest-numbered
/// element and its index names are the numbers, so the accessor's index is
/// the number in the name (`r(1)` is `R1`).
#[test]
fn indices_starting_above_zero_form_a_numbered_array() {
    let input = registers_at(&[("R2", 8), ("R1", 4), ("R3", 12)]);
    let inferred = infer(&input);
    assert_eq!(item_names(items(&inferred)), ["R%s"]);
    let r = register(items(&inferred), "R%s");
    let mut numbered = dim(3, 4);
    if let Some(d) = numbered.as_mut() {
        d.index_names = vec!["1".into(), "2".into(), "3".into()];
    }
    assert_eq!((r.offset, r.dim.clone()), (4, numbered));
    let code = generate(&inferred);
    assert!(code.contains("pub const R_FIRST: usize = 1;"), "{code}");
    assert!(
        code.contains("index out of range: `R%s` has indices 1..4"),
        "{code}"
    );
    // Numbered from 0: no index names, as before.
    let zero = infer(&registers_at(&[("R0", 0), ("R1", 4)]));
    assert_eq!(register(items(&zero), "R%s").dim, dim(2, 4));
    // A gap or an uneven stride still leaves a group numbered from 1.
    let gap = registers_at(&[("R1", 4), ("R2", 8), ("R4", 16)]);
    assert_eq!(infer(&gap), gap);
    let uneven = registers_at(&[("R1", 4), ("R2", 8), ("R3", 16)]);
    assert_eq!(infer(&uneven), uneven);
}

/// RP2040 `IO_BANK0.INTR1` (GPIO 8..15, four kinds each) becomes four
/// arrays numbered `8..16`: `gpio_level_low(8)` is `GPIO8_LEVEL_LOW`.
#[test]
fn rp2040_intr1_becomes_four_numbered_arrays() {
    let device = mmreg_codegen::load(&Path::new(CORPUS).join("RP2040.svd"))
        .unwrap_or_else(|e| panic!("{e}"))
        .device;
    let inferred = infer(&device);
    let bank = inferred
        .peripherals
        .iter()
        .find(|p| p.name == "IO_BANK0")
        .expect("IO_BANK0");
    let intr1 = register(&bank.items, "INTR1");
    // The SVD lists the fields from the highest bit down.
    assert_eq!(
        field_names(intr1),
        [
            "GPIO%s_EDGE_HIGH",
            "GPIO%s_EDGE_LOW",
            "GPIO%s_LEVEL_HIGH",
            "GPIO%s_LEVEL_LOW"
        ]
    );
    let names: Vec<String> = (8..16).map(|n: u32| n.to_string()).collect();
    for (k, f) in intr1.fields.iter().rev().enumerate() {
        assert_eq!(f.lsb, u32::try_from(k).unwrap());
        let d = f.dim.as_ref().expect("an array");
        assert_eq!((d.count, d.stride, &d.index_names), (8, 4, &names));
    }
    let code = generate(&inferred);
    assert!(code.contains("pub const fn gpio_level_low(&self, index: usize) -> bool"));
    assert!(code.contains("index out of range: field array `GPIO%s_LEVEL_LOW` has indices 8..16"));
}

/// RP2040 `DMA`: twelve channels of sixteen registers, each register
/// holding one field named like itself (`CH3_READ_ADDR` in `CH3_READ_ADDR`).
/// The channel number wins over the alias number (`CH0_AL1_CTRL` ..
/// `CH0_AL3_CTRL` would group too, but only three): sixteen arrays of
/// twelve (and two debug arrays), and the lone field takes the array's name.
#[test]
fn rp2040_dma_channels_become_arrays_by_channel() {
    let device = mmreg_codegen::load(&Path::new(CORPUS).join("RP2040.svd"))
        .unwrap_or_else(|e| panic!("{e}"))
        .device;
    let inferred = infer(&device);
    let dma = inferred
        .peripherals
        .iter()
        .find(|p| p.name == "DMA")
        .expect("DMA");
    let channel_arrays: Vec<&str> = dma
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Register(r) if r.name.starts_with("CH%s_") => Some(r.name.as_str()),
            _ => None,
        })
        .collect();
    // Sixteen per channel, plus the two debug registers per channel.
    assert_eq!(channel_arrays.len(), 18, "{channel_arrays:?}");
    let read_addr = register(&dma.items, "CH%s_READ_ADDR");
    let dim = read_addr.dim.as_ref().expect("an array");
    assert_eq!((dim.count, dim.stride), (12, 0x40));
    assert_eq!(field_names(read_addr), ["CH_READ_ADDR"]);
    let al1_ctrl = register(&dma.items, "CH%s_AL1_CTRL");
    assert_eq!(al1_ctrl.dim.as_ref().map(|d| d.count), Some(12));
    // Compared without whitespace: the formatter wraps long signatures.
    let code: String = generate(&inferred).split_whitespace().collect();
    assert!(code.contains("pubfnch_al1_ctrl(&self,index:usize"));
    assert!(!code.contains("fnch0_al_ctrl("));
}

#[test]
fn irregular_or_overlapping_strides_leave_the_group() {
    let uneven = registers_at(&[("R0", 0), ("R1", 4), ("R2", 12)]);
    assert_eq!(infer(&uneven), uneven);
    // 32-bit registers two bytes apart would overlap as an array.
    let overlapping = registers_at(&[("R0", 0), ("R1", 2)]);
    assert_eq!(infer(&overlapping), overlapping);
    // Index order must match offset order (a negative stride is not one).
    let reversed = registers_at(&[("R0", 8), ("R1", 4), ("R2", 0)]);
    assert_eq!(infer(&reversed), reversed);
}

#[test]
fn a_member_with_other_content_leaves_the_group() {
    let reset = device(
        "      - { name: R0, offset: 0x0 }\n      - { name: R1, offset: 0x4, reset: 1 }\n      \
         - { name: R2, offset: 0x8 }\n",
    );
    assert_eq!(infer(&reset), reset);
    let values = device(
        "      - name: CFG\n        offset: 0x0\n        fields:\n          \
         - { name: M0, bits: \"[1:0]\", values: { A: 0, B: 1 } }\n          \
         - { name: M1, bits: \"[3:2]\", values: { A: 0, C: 1 } }\n",
    );
    assert_eq!(infer(&values), values);
    let access = device(
        "      - name: CFG\n        offset: 0x0\n        fields:\n          \
         - { name: F0, bit: 0 }\n          - { name: F1, bit: 1, access: read-only }\n",
    );
    assert_eq!(infer(&access), access);
}

/// Value descriptions (and set names) are not content: they are kept where
/// all members agree and dropped where they differ.
#[test]
fn value_descriptions_do_not_matter() {
    let input = device(
        "      - name: CFG\n        offset: 0x0\n        fields:\n          \
         - name: M0\n            bits: \"[1:0]\"\n            values:\n              \
         - { name: OFF, value: 0, description: Off }\n              \
         - { name: ON, value: 1, description: Channel 0 on }\n          \
         - name: M1\n            bits: \"[3:2]\"\n            values:\n              \
         - { name: OFF, value: 0, description: Off }\n              \
         - { name: ON, value: 1, description: Channel 1 on }\n",
    );
    let inferred = infer(&input);
    let m = field(register(items(&inferred), "CFG"), "M%s");
    assert_eq!(m.dim, dim(2, 2));
    let descriptions: Vec<Option<&str>> = m.enums[0]
        .values
        .iter()
        .map(|v| v.description.as_deref())
        .collect();
    assert_eq!(descriptions, [Some("Off"), None]);
}

/// A stripped array name equal to another item's name leaves the group as
/// written (a rename after validation would be silent), for items and
/// fields alike, and every accessor stays distinct.
#[test]
fn a_name_collision_leaves_the_group_as_written() {
    let input = device(
        "      - { name: CH_CTRL, offset: 0x0 }\n      - { name: CH0_CTRL, offset: 0x4 }\n      \
         - { name: CH1_CTRL, offset: 0x8 }\n      - name: FLAGS\n        offset: 0xc\n        \
         fields:\n          - { name: EN, bit: 0 }\n          - { name: EN0, bit: 1 }\n          \
         - { name: EN1, bit: 2 }\n",
    );
    let inferred = infer(&input);
    assert_eq!(
        item_names(items(&inferred)),
        ["CH_CTRL", "CH0_CTRL", "CH1_CTRL", "FLAGS"]
    );
    assert_eq!(
        field_names(register(items(&inferred), "FLAGS")),
        ["EN", "EN0", "EN1"]
    );
    let functions = distinct_functions(&generate(&inferred));
    for name in ["ch_ctrl", "ch0_ctrl", "ch1_ctrl", "en", "en0", "en1"] {
        assert!(functions.contains(name), "{name} in {functions:?}");
    }
}

#[test]
fn leading_zeros_leave_the_group() {
    let padded = registers_at(&[("R00", 0), ("R01", 4), ("R02", 8)]);
    assert_eq!(infer(&padded), padded);
    let mixed = registers_at(&[("R0", 0), ("R01", 4)]);
    assert_eq!(infer(&mixed), mixed);
}

/// `CH0_IRQ0`..`CH1_IRQ1`: the last digit run groups first (one array per
/// channel); where it groups nothing, the run before it is tried.
#[test]
fn two_digit_runs() {
    let input = device(
        "      - name: IRQ\n        offset: 0x0\n        fields:\n          \
         - { name: CH0_IRQ0, bit: 0 }\n          - { name: CH0_IRQ1, bit: 1 }\n          \
         - { name: CH1_IRQ0, bit: 2 }\n          - { name: CH1_IRQ1, bit: 3 }\n          \
         - { name: CH0_ERR1, bit: 8 }\n          - { name: CH1_ERR1, bit: 12 }\n",
    );
    let inferred = infer(&input);
    let irq = register(items(&inferred), "IRQ");
    assert_eq!(field_names(irq), ["CH0_IRQ%s", "CH1_IRQ%s", "CH%s_ERR1"]);
    assert_eq!(
        (
            field(irq, "CH1_IRQ%s").lsb,
            field(irq, "CH1_IRQ%s").dim.clone()
        ),
        (2, dim(2, 1))
    );
    assert_eq!(
        (
            field(irq, "CH%s_ERR1").lsb,
            field(irq, "CH%s_ERR1").dim.clone()
        ),
        (8, dim(2, 4))
    );
    distinct_functions(&generate(&inferred));
}

/// Existing arrays, alternate registers and peripheral names are never
/// touched.
#[test]
fn existing_arrays_alternates_and_peripherals_stay() {
    let input = parse(
        "device: test\nperipherals:\n  - name: UART0\n    base: 0x1000\n    registers:\n      \
         - { name: A%s, offset: 0x0, count: 2 }\n      - { name: A2, offset: 0x8 }\n      \
         - { name: B0, offset: 0x10 }\n      - { name: B1, offset: 0x14, alternate_register: B0 }\n  \
         - name: UART1\n    base: 0x2000\n    registers:\n      - { name: X, offset: 0x0 }\n",
    );
    assert_eq!(infer(&input), input);
}

/// The same input gives the same IR and the same bytes, every time.
#[test]
fn deterministic() {
    let mut registers = String::new();
    for n in (0..6).rev() {
        registers.push_str(&format!(
            "      - {{ name: Z{n}, offset: {:#x} }}\n      - {{ name: A{n}, offset: {:#x} }}\n",
            0x100 + n * 4,
            n * 4
        ));
    }
    let input = device(&registers);
    let first = infer(&input);
    assert_eq!(item_names(items(&first)), ["Z%s", "A%s"]);
    for _ in 0..5 {
        assert_eq!(infer(&input), first);
    }
    assert_eq!(generate(&input), generate(&input));
}

/// One flattened register: its path and absolute offset, then everything
/// generated code depends on, with every field flattened the same way.
type Flat = (String, u64, String, Vec<(String, u32, String)>);

/// Expands every array (inferred or declared) into its elements, without
/// descriptions: inference is correct when this is the same before and after.
fn flatten(device: &Device) -> BTreeSet<Flat> {
    let mut out = BTreeSet::new();
    for peripheral in &device.peripherals {
        flatten_items(&peripheral.items, &peripheral.name, 0, &mut out);
    }
    out
}

/// `(name, offset step)` of each element of an optional array.
fn elements(name: &str, dim: Option<&Dim>) -> Vec<(String, u64)> {
    let Some(dim) = dim else {
        return vec![(name.to_string(), 0)];
    };
    (0..dim.count)
        .map(|i| {
            let index = dim
                .index_names
                .get(i as usize)
                .cloned()
                .unwrap_or_else(|| i.to_string());
            let step = u64::from(i) * dim.stride;
            (name.replace("[%s]", &index).replace("%s", &index), step)
        })
        .collect()
}

fn flatten_items(items: &[Item], path: &str, base: u64, out: &mut BTreeSet<Flat>) {
    for item in items {
        match item {
            Item::Register(r) => {
                for (name, step) in elements(&r.name, r.dim.as_ref()) {
                    let properties = format!(
                        "{} {:?} {:#x} {:#x} {:?} {:?} {:?}",
                        r.size,
                        r.access,
                        r.reset_value,
                        r.reset_mask,
                        r.read_action,
                        r.alternate_register,
                        r.alternate_group
                    );
                    let mut fields: Vec<(String, u32, String)> = Vec::new();
                    for f in &r.fields {
                        for (field_name, bit_step) in elements(&f.name, f.dim.as_ref()) {
                            let field_name = if named_after_register(&field_name, &name) {
                                "<register>".to_string()
                            } else {
                                field_name
                            };
                            let values: Vec<_> = f
                                .enums
                                .iter()
                                .map(|set| {
                                    let named: Vec<_> =
                                        set.values.iter().map(|v| (&v.name, v.value)).collect();
                                    (set.usage, named)
                                })
                                .collect();
                            let content = format!(
                                "{} {:?} {:?} {:?} {:?} {values:?}",
                                f.width,
                                f.access,
                                f.write_action,
                                f.read_action,
                                f.write_constraint
                            );
                            let lsb = f.lsb + u32::try_from(bit_step).unwrap();
                            fields.push((field_name, lsb, content));
                        }
                    }
                    fields.sort();
                    let full = format!("{path}.{name}");
                    out.insert((full, base + r.offset + step, properties, fields));
                }
            }
            Item::Cluster(c) => {
                for (name, step) in elements(&c.name, c.dim.as_ref()) {
                    let inner = format!("{path}.{name}");
                    flatten_items(&c.items, &inner, base + c.offset + step, out);
                }
            }
        }
    }
}

/// Whether `field` is named after register element `register`: the same
/// name, or the name with one digit run left out. A field named after its
/// register is renamed with it (`CH0_READ_ADDR` in `CH0_READ_ADDR` becomes
/// `CH_READ_ADDR` in `CH%s_READ_ADDR`), so both spellings compare equal.
fn named_after_register(field: &str, register: &str) -> bool {
    if field == register {
        return true;
    }
    let bytes = register.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        if bytes[start].is_ascii_digit() {
            let end = (start..bytes.len())
                .find(|&i| !bytes[i].is_ascii_digit())
                .unwrap_or(bytes.len());
            if format!("{}{}", &register[..start], &register[end..]) == field {
                return true;
            }
            start = end;
        } else {
            start += 1;
        }
    }
    false
}

fn corpus_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(CORPUS)
        .expect("corpus directory")
        .map(|entry| entry.expect("corpus entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "svd"))
        .collect();
    files.sort();
    assert!(files.len() >= 12, "expected the 12 corpus files");
    files
}

/// On every corpus file, inference only renames: expanding the arrays again
/// gives exactly the input's registers, offsets, fields and bits.
#[test]
fn corpus_inference_keeps_every_register_and_bit() {
    for path in corpus_files() {
        let device = mmreg_codegen::load(&path)
            .unwrap_or_else(|e| panic!("{e}"))
            .device;
        let inferred = infer(&device);
        assert!(
            flatten(&inferred) == flatten(&device),
            "{}: expanded arrays differ from the input",
            path.display()
        );
        assert_eq!(inferred, infer(&device), "{}", path.display());
    }
}

fn count(items: &[Item]) -> (usize, usize) {
    items
        .iter()
        .fold((0, 0), |(registers, fields), item| match item {
            Item::Register(r) => (registers + 1, fields + r.fields.len()),
            Item::Cluster(c) => {
                let (r, f) = count(&c.items);
                (registers + r, fields + f)
            }
        })
}

fn totals(device: &Device) -> (usize, usize) {
    device
        .peripherals
        .iter()
        .map(|p| count(&p.items))
        .fold((0, 0), |(r, f), (pr, pf)| (r + pr, f + pf))
}

/// RP2040 (measured: 1182 registers and 5800 fields declared, 1003 and 3323
/// after inference): the numbered GPIO, DMA channel and PIO state machine
/// registers and the interleaved interrupt fields become arrays.
#[test]
fn rp2040_shrinks() {
    let device = mmreg_codegen::load(&Path::new(CORPUS).join("RP2040.svd"))
        .unwrap_or_else(|e| panic!("{e}"))
        .device;
    let (registers, fields) = totals(&device);
    let (after_registers, after_fields) = totals(&infer(&device));
    assert!(
        after_registers + 150 <= registers,
        "registers {registers} -> {after_registers}"
    );
    assert!(
        after_fields + 2000 <= fields,
        "fields {fields} -> {after_fields}"
    );
}

/// `CMP0`, `CMP1` would become `cmp(&self, index)`, which clippy takes for
/// `Ord::cmp`: such groups keep their numbered names.
#[test]
fn trait_method_names_stay_numbered() {
    let input = registers_at(&[("CMP0", 0), ("CMP1", 4), ("EQ0", 8), ("EQ1", 12)]);
    assert_eq!(infer(&input), input);
}

/// Input of the fake-memory test: a field array with gaps, interleaved
/// field arrays, a register array and a cluster array.
const FAKE_YAML: &str = "device: fake
peripherals:
  - name: P
    base: 0x0
    registers:
      - name: INTR
        offset: 0x0
        fields:
          - { name: GPIO0_LOW, bit: 0 }
          - { name: GPIO0_HIGH, bit: 1 }
          - { name: GPIO1_LOW, bit: 2 }
          - { name: GPIO1_HIGH, bit: 3 }
          - { name: GPIO2_LOW, bit: 4 }
          - { name: GPIO2_HIGH, bit: 5 }
          - { name: GPIO3_LOW, bit: 6 }
          - { name: GPIO3_HIGH, bit: 7 }
          - { name: MODE0, lsb: 8, width: 2 }
          - { name: MODE1, lsb: 11, width: 2 }
          - { name: MODE2, lsb: 14, width: 2 }
          - { name: MODE3, lsb: 17, width: 2 }
      - name: CH0_CTRL
        offset: 0x10
        fields: [{ name: EN, bit: 0 }, { name: DIV, bits: \"[7:4]\" }]
      - name: CH1_CTRL
        offset: 0x20
        fields: [{ name: EN, bit: 0 }, { name: DIV, bits: \"[7:4]\" }]
      - name: CH2_CTRL
        offset: 0x30
        fields: [{ name: EN, bit: 0 }, { name: DIV, bits: \"[7:4]\" }]
      - { name: CCR1, offset: 0x40, fields: [{ name: VAL, bits: \"[15:0]\" }] }
      - { name: CCR2, offset: 0x44, fields: [{ name: VAL, bits: \"[15:0]\" }] }
      - { name: CCR3, offset: 0x48, fields: [{ name: VAL, bits: \"[15:0]\" }] }
      - name: EV
        offset: 0x50
        fields:
          - { name: CH1_EV, bit: 3 }
          - { name: CH2_EV, bit: 5 }
          - { name: CH3_EV, bit: 7 }
      - cluster: SM0
        offset: 0x100
        registers:
          - { name: CLKDIV, offset: 0x0, fields: [{ name: INT, bits: \"[15:8]\" }] }
          - { name: PINCTRL, offset: 0x8 }
      - cluster: SM1
        offset: 0x120
        registers:
          - { name: CLKDIV, offset: 0x0, fields: [{ name: INT, bits: \"[15:8]\" }] }
          - { name: PINCTRL, offset: 0x8 }
";

/// The program the fake-memory test runs: the same writes through the
/// numbered accessors (`off`) and the inferred arrays (`on`) leave the same
/// bytes, and each side's getters read the other's bits back.
const FAKE_MAIN: &str = r#"#![allow(dead_code)]
mod off;
mod on;
use mmreg::FakeMem;

fn same(a: &FakeMem, b: &FakeMem, size: usize, what: &str) {
    for offset in (0..size).step_by(4) {
        assert_eq!(a.peek::<u32>(offset), b.peek::<u32>(offset), "{what}: word {offset:#x}");
    }
}

fn main() {
    assert_eq!(off::p::SIZE, on::p::SIZE);
    let size = on::p::SIZE;
    let (a, b) = (FakeMem::new(size), FakeMem::new(size));
    let old = off::p::P::new(&a).expect("block fits");
    let new = on::p::P::new(&b).expect("block fits");

    old.intr().write(|v| {
        v.set_gpio1_high(true);
        v.set_gpio3_low(true);
        v.set_mode0(1);
        v.set_mode2(3);
        v.set_mode3(2);
    });
    new.intr().write(|v| {
        v.set_gpio_high(1, true);
        v.set_gpio_low(3, true);
        v.set_mode(0, 1);
        v.set_mode(2, 3);
        v.set_mode(3, 2);
    });
    same(&a, &b, size, "INTR");
    let (o, n) = (old.intr().read(), new.intr().read());
    assert_eq!([o.gpio0_low(), o.gpio1_low(), o.gpio2_low(), o.gpio3_low()], [0, 1, 2, 3].map(|i| n.gpio_low(i)));
    assert_eq!([o.gpio0_high(), o.gpio1_high(), o.gpio2_high(), o.gpio3_high()], [0, 1, 2, 3].map(|i| n.gpio_high(i)));
    assert_eq!([o.mode0(), o.mode1(), o.mode2(), o.mode3()], [1, 0, 3, 2]);
    assert_eq!([0, 1, 2, 3].map(|i| n.mode(i)), [1, 0, 3, 2]);
    assert_eq!(on::p::regs::Intr::FIELDS.len(), 3);

    old.ch0_ctrl().write(|v| v.set_en(true));
    old.ch2_ctrl().write(|v| v.set_div(5));
    new.ch_ctrl(0).write(|v| v.set_en(true));
    new.ch_ctrl(2).write(|v| v.set_div(5));
    same(&a, &b, size, "CH_CTRL");
    assert_eq!(new.ch_ctrl(2).read().div(), old.ch2_ctrl().read().div());
    assert_eq!(new.ch_ctrl(1).offset(), old.ch1_ctrl().offset());

    // Numbered from 1: the index is the number in the name.
    assert_eq!((on::p::P::<FakeMem>::CCR_FIRST, on::p::P::<FakeMem>::CCR_COUNT), (1, 3));
    old.ccr1().write(|v| v.set_val(0x11));
    old.ccr3().write(|v| v.set_val(0x33));
    new.ccr(1).write(|v| v.set_val(0x11));
    new.ccr(3).write(|v| v.set_val(0x33));
    same(&a, &b, size, "CCR");
    assert_eq!(new.ccr(2).offset(), old.ccr2().offset());
    old.ev().write(|v| { v.set_ch1_ev(true); v.set_ch3_ev(true); });
    new.ev().write(|v| { v.set_ch_ev(1, true); v.set_ch_ev(3, true); });
    same(&a, &b, size, "EV");
    assert!(new.ev().read().ch_ev(3) && !new.ev().read().ch_ev(2));

    old.sm1().clkdiv().write(|v| v.set_int(0xab));
    old.sm0().pinctrl().write(|v| v.0 = 0x1234_5678);
    new.sm(1).clkdiv().write(|v| v.set_int(0xab));
    new.sm(0).pinctrl().write(|v| v.0 = 0x1234_5678);
    same(&a, &b, size, "SM");
    assert_eq!(new.sm(1).pinctrl().offset(), old.sm1().pinctrl().offset());
    println!("same bits");
}
"#;

/// Generated code, not just the IR: a crate holding both generated modules
/// runs [`FAKE_MAIN`] on `FakeMem` (the runtime is built once per target
/// directory, which this test keeps).
#[test]
fn inferred_arrays_touch_the_same_bits_in_fake_memory() {
    let device = parse(FAKE_YAML);
    let code = |infer_arrays| {
        let options = Options {
            share_types: true,
            infer_arrays,
            ..Options::default()
        };
        generate_with(&valid(&device), "fake.yaml", options).unwrap_or_else(|e| panic!("{e}"))
    };
    let (off, on) = (code(false), code(true));
    assert!(on.contains("fn gpio_low(") && on.contains("fn sm("), "{on}");
    let scratch = ScratchCrate::new("arrays-fake");
    scratch.write("src/main.rs", FAKE_MAIN);
    scratch.write("src/off.rs", &off);
    scratch.write("src/on.rs", &on);
    let output = scratch.cargo(&["run"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "same bits");
}

#[test]
fn an_array_never_takes_a_name_its_scope_already_has() {
    // `CH%s` would be the accessor `ch`, which the register `CH` has, and
    // `AT%s` would be `at`, which every block has itself: both stay as
    // written, so the emitter renames nothing validation did not see.
    let device = registers_at(&[
        ("CH", 0x0),
        ("CH0", 0x4),
        ("CH1", 0x8),
        ("AT0", 0x10),
        ("AT1", 0x14),
        ("CTRL0", 0x20),
        ("CTRL1", 0x24),
    ]);
    let inferred = mmreg_codegen::arrays::infer(&device);
    assert_eq!(
        item_names(items(&inferred)),
        ["CH", "CH0", "CH1", "AT0", "AT1", "CTRL%s"]
    );
    let (model, warnings) = mmreg_codegen::validate::validate(inferred).expect("valid");
    assert!(warnings.is_empty(), "{warnings:?}");
    let code = generate(&model);
    assert!(code.contains("pub fn ctrl(&self, index: usize)"), "{code}");
    assert!(code.contains("pub fn ch0(&self)"), "{code}");
}
