//! What each part of the YAML schema means in the model.

use mmreg_codegen::ir::{Access, Device, Item, Register, WordOrder, WriteAction, WriteConstraint};

fn parse(text: &str) -> Device {
    let (device, warnings) =
        mmreg_codegen::yaml::parse(text, "test.yaml").unwrap_or_else(|error| panic!("{error}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    device
}

fn registers(items: &[Item]) -> Vec<&Register> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Register(register) => Some(register),
            Item::Cluster(_) => None,
        })
        .collect()
}

#[test]
fn defaults_inherit_from_device_to_peripheral_to_cluster() {
    let device = parse(
        "device: d
defaults: { size: 16, access: read-only, reset: 0x5 }
peripherals:
  - name: P
    defaults: { access: write-only }
    registers:
      - { name: A, offset: 0 }
      - { name: B, offset: 4, size: 8, reset: 0 }
      - cluster: C
        offset: 0x10
        defaults: { reset_mask: 0xf0 }
        registers:
          - { name: D, offset: 0 }
",
    );
    let peripheral = &device.peripherals[0];
    let found = registers(&peripheral.items);
    assert_eq!(
        (
            found[0].size,
            found[0].access,
            found[0].reset_value,
            found[0].reset_mask
        ),
        (16, Access::WriteOnly, 5, 0xffff)
    );
    assert_eq!(
        (found[1].size, found[1].reset_value, found[1].reset_mask),
        (8, 0, 0xff)
    );
    let Item::Cluster(cluster) = &peripheral.items[2] else {
        panic!("not a cluster")
    };
    let inner = registers(&cluster.items);
    assert_eq!(
        (inner[0].size, inner[0].access, inner[0].reset_mask),
        (16, Access::WriteOnly, 0xf0)
    );
}

#[test]
fn every_way_of_writing_a_position() {
    let device = parse(
        "device: d
peripherals:
  - name: P
    registers:
      - name: R
        offset: 0
        fields:
          - { name: A, bits: \"[3:0]\" }
          - { name: B, bits: [7:4] }
          - { name: C, bits: \"11:8\" }
          - { name: D, bit: 12 }
          - { name: E, lsb: 13, width: 2 }
          - { name: F, lsb: 16, msb: 23 }
          - { name: G, bits: \"[31]\" }
",
    );
    let register = registers(&device.peripherals[0].items)[0];
    let positions: Vec<(u32, u32)> = register
        .fields
        .iter()
        .map(|field| (field.lsb, field.width))
        .collect();
    assert_eq!(
        positions,
        [(0, 4), (4, 4), (8, 4), (12, 1), (13, 2), (16, 8), (31, 1)]
    );
}

#[test]
fn derived_registers_and_fields_copy_then_override() {
    let device = parse(
        "device: d
peripherals:
  - name: P
    registers:
      - name: A
        offset: 0
        access: read-only
        fields:
          - { name: X, bits: \"[3:0]\", values: { LOW: 0, HIGH: 15 } }
          - { name: Y, derived_from: X, bits: \"[7:4]\" }
      - { name: B, derived_from: A, offset: 4 }
",
    );
    let found = registers(&device.peripherals[0].items);
    assert_eq!(
        (found[1].name.as_str(), found[1].offset, found[1].access),
        ("B", 4, Access::ReadOnly)
    );
    assert_eq!(found[1].fields, found[0].fields);
    let y = &found[0].fields[1];
    assert_eq!((y.lsb, y.enums[0].values.len()), (4, 2));
}

#[test]
fn a_derived_peripheral_can_clear_what_it_inherits() {
    let device = parse(
        "device: d
peripherals:
  - name: A
    description: first
    group: G
    base: 0x1000
    size: 0x100
    registers: [{ name: R, offset: 0 }]
  - name: B
    derived_from: A
    description: ~
    base: 0x2000
",
    );
    let b = &device.peripherals[1];
    assert_eq!(b.derived_from.as_deref(), Some("A"));
    assert_eq!(
        (b.description.as_deref(), b.group.as_deref(), b.base_address),
        (None, Some("G"), 0x2000)
    );
    assert_eq!((b.size, b.items.len()), (Some(0x100), 1));
}

#[test]
fn arrays_index_names_and_constraints() {
    let device = parse(
        "device: d
peripherals:
  - name: P
    registers:
      - name: CH%s
        offset: 0
        size: 16
        count: 3
        index_names: A,B,C
        fields:
          - { name: F%s, bits: \"[1:0]\", count: 4, write_constraint: { min: 0, max: 2 } }
      - { name: W, offset: 8, index_names: [X, Y], stride: 8 }
",
    );
    let found = registers(&device.peripherals[0].items);
    let dim = found[0].dim.as_ref().unwrap();
    assert_eq!(
        (dim.count, dim.stride, dim.index_names.join(",")),
        (3, 2, "A,B,C".to_string())
    );
    let field = &found[0].fields[0];
    assert_eq!(
        field.dim.as_ref().map(|dim| (dim.count, dim.stride)),
        Some((4, 2))
    );
    assert_eq!(
        field.write_constraint,
        Some(WriteConstraint::Range { min: 0, max: 2 })
    );
    let dim = found[1].dim.as_ref().unwrap();
    assert_eq!((dim.count, dim.stride), (2, 8));
}

#[test]
fn anchors_and_aliases_share_definitions() {
    let device = parse(
        "device: d
peripherals:
  - name: P
    registers:
      - name: A
        offset: 0
        fields: &flags
          - { name: READY, bit: 0 }
          - { name: ERROR, bit: 1 }
      - { name: B, offset: 4, fields: *flags }
",
    );
    let found = registers(&device.peripherals[0].items);
    assert_eq!(found[1].fields.len(), 2);
    assert_eq!(found[1].fields[1].name, "ERROR");
}

#[test]
fn quoted_text_stays_text() {
    let device = parse("device: '0x10'\ndescription: \"a\\tb\"\nperipherals: []\n");
    assert_eq!(
        (device.name.as_str(), device.description.as_deref()),
        ("0x10", Some("a\tb"))
    );
    // An explicitly empty description is kept, unlike a null one.
    let device = parse("device: d\ndescription: ''\nperipherals: []\n");
    assert_eq!(device.description.as_deref(), Some(""));
}

#[test]
fn register_write_action_dma_and_word_order() {
    let text = "device: d
peripherals:
  - name: P
    registers:
      - name: STATUS
        offset: 0
        write_action: oneToClear
      - name: FLAGS
        offset: 4
        write_action: zeroToClear
        fields:
          - { name: A, bit: 0 }
          - { name: B, bit: 1, modified_write_values: oneToSet }
          - { name: C, bit: 2, modified_write_values: normal }
      - { name: ADDR, offset: 8, size: 64, dma: true, word_order: high-first }
      - { name: LEN, offset: 0x10, dma: false, word_order: low-first }
      - { name: COPY, derived_from: ADDR, offset: 0x18 }
";
    let device = parse(text);
    let found = registers(&device.peripherals[0].items);
    // No fields: the action is the register's, for all its bits.
    assert_eq!(
        (found[0].write_action, found[0].fields.len()),
        (WriteAction::OneToClear, 0)
    );
    // Fields without their own action take the register's, like `access`.
    assert_eq!(found[1].write_action, WriteAction::ZeroToClear);
    let actions: Vec<WriteAction> = found[1].fields.iter().map(|f| f.write_action).collect();
    assert_eq!(
        actions,
        [
            WriteAction::ZeroToClear,
            WriteAction::OneToSet,
            WriteAction::Normal
        ]
    );
    let summary = |register: &Register| (register.dma, register.word_order, register.write_action);
    assert_eq!(
        summary(found[2]),
        (true, WordOrder::HighFirst, WriteAction::Normal)
    );
    assert_eq!(
        summary(found[3]),
        (false, WordOrder::LowFirst, WriteAction::Normal)
    );
    // Inherited through `derived_from`.
    assert_eq!(summary(found[4]), summary(found[2]));

    // The export writes what differs from the defaults, and reads back the same.
    let exported = mmreg_codegen::yaml::export(&device).unwrap();
    for line in [
        "write_action: oneToClear",
        "write_action: zeroToClear",
        "modified_write_values: oneToSet",
        "modified_write_values: normal",
        "dma: true",
        "word_order: high-first",
    ] {
        assert!(exported.contains(line), "no `{line}` in:\n{exported}");
    }
    for absent in [
        "dma: false",
        "low-first",
        "modified_write_values: zeroToClear",
    ] {
        assert!(!exported.contains(absent), "`{absent}` in:\n{exported}");
    }
    let (reread, _) = mmreg_codegen::yaml::parse(&exported, "exported.yaml")
        .unwrap_or_else(|error| panic!("{error}\n{exported}"));
    let strip = |device: &Device| -> Vec<Register> {
        registers(&device.peripherals[0].items)
            .into_iter()
            .map(|register| {
                let mut register = register.clone();
                register.location = None;
                register.fields.iter_mut().for_each(|f| f.location = None);
                register
            })
            .collect()
    };
    assert_eq!(strip(&reread), strip(&device));
}

/// `Options::dma_registers` marks registers by path after loading, with
/// array placeholders as written or left out.
#[test]
fn dma_registers_option_marks_by_path() {
    let text = "device: d
peripherals:
  - name: EDU
    registers:
      - { name: DMA_SOURCE, offset: 0x80, size: 64 }
      - { name: DMA_COUNT, offset: 0x90, size: 64 }
      - cluster: CH[%s]
        offset: 0x100
        count: 2
        stride: 0x10
        registers: [{ name: SRC, offset: 0 }, { name: CTRL, offset: 4 }]
";
    let directory =
        std::env::temp_dir().join(format!("mmreg-yaml-schema-{}-dma", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let path = directory.join("dma.yaml");
    std::fs::write(&path, text).unwrap();
    let options = mmreg_codegen::Options {
        dma_registers: vec!["edu.dma_source".to_string(), "EDU.CH.SRC".to_string()],
        ..mmreg_codegen::Options::default()
    };
    let marked = mmreg_codegen::load_with(&path, &options);
    let unmarked = mmreg_codegen::load(&path);
    std::fs::remove_dir_all(&directory).unwrap();
    let flags = |device: &Device| -> Vec<(String, bool)> {
        let mut out = Vec::new();
        for item in &device.peripherals[0].items {
            match item {
                Item::Register(register) => out.push((register.name.clone(), register.dma)),
                Item::Cluster(cluster) => {
                    for register in registers(&cluster.items) {
                        out.push((format!("{}.{}", cluster.name, register.name), register.dma));
                    }
                }
            }
        }
        out
    };
    let expected = |marks: [bool; 4]| -> Vec<(String, bool)> {
        ["DMA_SOURCE", "DMA_COUNT", "CH[%s].SRC", "CH[%s].CTRL"]
            .into_iter()
            .map(str::to_string)
            .zip(marks)
            .collect()
    };
    let marked = marked.unwrap_or_else(|error| panic!("{error}"));
    assert!(marked.warnings.is_empty(), "{:?}", marked.warnings);
    assert_eq!(flags(&marked.device), expected([true, false, true, false]));
    let unmarked = unmarked.unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(flags(&unmarked.device), expected([false; 4]));
}
