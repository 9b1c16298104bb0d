//! One test per quirk `../shared/ipxact-corpus/SOURCES.md` lists, and the
//! IP-XACT features the corpus uses, checked against values read off the
//! XML (line numbers cite the corpus files).

use std::path::PathBuf;

use mmreg_codegen::DiagnosticKind;
use mmreg_codegen::ir::{
    Access, Device, Field, Item, Peripheral, ReadAction, Register, Usage, WriteAction,
    WriteConstraint,
};

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/ipxact-corpus"
    ))
    .join(name)
}

fn load(name: &str) -> mmreg_codegen::Loaded {
    mmreg_codegen::load(&corpus(name)).unwrap_or_else(|error| panic!("{name}: {error}"))
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

fn field<'r>(register: &'r Register, name: &str) -> &'r Field {
    register
        .fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field `{name}` in `{}`", register.name))
}

fn count(loaded: &mmreg_codegen::Loaded, kind: DiagnosticKind, text: &str) -> usize {
    loaded
        .warnings
        .iter()
        .filter(|w| w.kind == kind && w.message.contains(text))
        .count()
}

// --- bcm5719fw-DEVICE.xml -------------------------------------------------

#[test]
fn bcm_block_without_range_takes_the_span_of_its_registers() {
    let loaded = load("bcm5719fw-DEVICE.xml");
    let device = peripheral(&loaded.device, "DEVICE");
    // baseAddress 0xC0000000 (line 19); the last register, `7C04`, sits at
    // 0x7c04 (line 5151) and is 32 bits wide.
    assert_eq!(device.base_address, 0xC000_0000);
    assert_eq!(device.size, Some(0x7c08));
    let warning = loaded
        .warnings
        .iter()
        .find(|w| w.message.contains("no `range`"))
        .expect("a warning for the missing range");
    let location = warning.location.as_ref().expect("located");
    assert_eq!((location.line, location.column), (16, 13));
    assert_eq!(warning.path, "DEVICE");
}

#[test]
fn bcm_stray_text_after_type_identifier_is_harmless() {
    // Line 17 has `</ipxact:typeIdentifier>>`: text in the block, not markup.
    let loaded = load("bcm5719fw-DEVICE.xml");
    let device = peripheral(&loaded.device, "DEVICE");
    let first = register(&device.items, "MISCELLANEOUS_HOST_CONTROL");
    assert_eq!(first.offset, 0x68);
}

#[test]
fn bcm_camel_case_access_words_are_repaired_with_warnings() {
    let loaded = load("bcm5719fw-DEVICE.xml");
    assert_eq!(
        count(
            &loaded,
            DiagnosticKind::NonStandardValue,
            "access `readOnly`"
        ) + count(
            &loaded,
            DiagnosticKind::NonStandardValue,
            "access `writeOnly`"
        ),
        33
    );
    let device = peripheral(&loaded.device, "DEVICE");
    // Line 812: `LED Status 1000` is `readOnly`.
    let led = field(register(&device.items, "LED_CONTROL"), "LED Status 1000");
    assert_eq!(led.access, Access::ReadOnly);
    // Line 2933: RX_RISC_MODE `Reset` is `writeOnly`.
    let reset = field(register(&device.items, "RX_RISC_MODE"), "Reset");
    assert_eq!(reset.access, Access::WriteOnly);
}

#[test]
fn bcm_field_names_with_spaces_and_slashes_generate_identifiers_and_keep_the_original() {
    let loaded = load("bcm5719fw-DEVICE.xml");
    let device = peripheral(&loaded.device, "DEVICE");
    // Line 61, in MISCELLANEOUS_HOST_CONTROL.
    let pci_state = register(&device.items, "MISCELLANEOUS_HOST_CONTROL");
    let original = "Enable PCI State Register Read/Write Capability";
    assert!(pci_state.fields.iter().any(|f| f.name == original));
    let code = mmreg_codegen::generate(&loaded.device, "bcm5719fw-DEVICE.xml").unwrap();
    assert!(code.contains("enable_pci_state_register_read_write_capability"));
    assert!(
        code.contains(original),
        "the original name is kept in docs/metadata"
    );
}

#[test]
fn bcm_numeric_enum_names_become_identifiers() {
    let loaded = load("bcm5719fw-DEVICE.xml");
    let mut numeric = 0;
    for item in &peripheral(&loaded.device, "DEVICE").items {
        let Item::Register(register) = item else {
            continue;
        };
        for field in &register.fields {
            for set in &field.enums {
                numeric += set.values.iter().filter(|v| v.name == "0").count();
            }
        }
    }
    assert!(numeric > 0, "enum values named `0` are kept as written");
    // The generated code compiles with them (tests/ipxact_check.rs); here the
    // variant spelling:
    let code = mmreg_codegen::generate(&loaded.device, "bcm").unwrap();
    assert!(code.contains("V0"), "`0` becomes a `V0` variant");
}

#[test]
fn bcm_library_and_component_name_that_are_not_identifiers() {
    let loaded = load("bcm5719fw-DEVICE.xml");
    assert_eq!(loaded.device.name, "Register Definitions");
    let code = mmreg_codegen::generate(&loaded.device, "bcm").unwrap();
    assert!(!code.contains("<PROJECT>"));
}

#[test]
fn bcm_register_nested_in_a_register_is_read_as_the_next_register() {
    // Lines 305-313: an unclosed `<ipxact:register>` holds MEMORY_DATA.
    let loaded = load("bcm5719fw-DEVICE.xml");
    let device = peripheral(&loaded.device, "DEVICE");
    assert_eq!(register(&device.items, "MEMORY_DATA").offset, 0x84);
    assert_eq!(
        count(
            &loaded,
            DiagnosticKind::NonStandardValue,
            "inside a register"
        ),
        1
    );
    let registers = device.items.len();
    assert_eq!(registers, 150);
}

// --- ipyxact-generic_example.xml (SPIRIT 1.5) -----------------------------

#[test]
fn spirit_values_are_read_as_enumerated_values() {
    let loaded = load("ipyxact-generic_example.xml");
    let map = peripheral(&loaded.device, "some_register_map");
    // Lines 100-123: port0 of link_status, six `spirit:values`.
    let port0 = field(register(&map.items, "link_status"), "port0");
    let values: Vec<(&str, Option<u64>)> = port0.enums[0]
        .values
        .iter()
        .map(|v| (v.name.as_str(), v.value))
        .collect();
    assert_eq!(
        values,
        [
            ("not_present", Some(0)),
            ("training", Some(1)),
            ("snooze", Some(5)),
            ("sleep", Some(6)),
            ("wake", Some(7)),
            ("active", Some(0xa))
        ]
    );
    assert_eq!(
        count(
            &loaded,
            DiagnosticKind::NonStandardValue,
            "`values` elements"
        ),
        4
    );
}

#[test]
fn spirit_register_level_reset_value_and_mask() {
    let loaded = load("ipyxact-generic_example.xml");
    let map = peripheral(&loaded.device, "some_register_map");
    // Lines 65-68 and 90-93.
    let chip_id = register(&map.items, "chip_id_reg");
    assert_eq!(
        (chip_id.reset_value, chip_id.reset_mask),
        (0x1234_5671, 0xffff_ffff)
    );
    let link = register(&map.items, "link_status");
    assert_eq!((link.reset_value, link.reset_mask), (0, 0xffff_0000));
}

// --- leon2-irqctrl-1.3.xml -----------------------------------------------

#[test]
fn leon2_irqctrl_aliased_registers_share_an_offset() {
    let loaded = load("leon2-irqctrl-1.3.xml");
    let block = peripheral(&loaded.device, "ablock");
    let clear = register(&block.items, "interruptClearRegister");
    let read = register(&block.items, "interruptClearRegisterRead");
    assert_eq!(clear.offset, read.offset);
    assert_eq!(clear.access, Access::WriteOnly);
    assert_eq!(read.access, Access::ReadOnly);
    assert_eq!(
        count(&loaded, DiagnosticKind::OverlappingRegisters, "overlaps"),
        1
    );
    let code = mmreg_codegen::generate(&loaded.device, "irqctrl").unwrap();
    assert!(code.contains("interrupt_clear_register_read"));
}

#[test]
fn leon2_irqctrl_write_and_read_actions() {
    let loaded = load("leon2-irqctrl-1.3.xml");
    let block = peripheral(&loaded.device, "ablock");
    let mut one_to_clear = 0;
    let mut read_modify = 0;
    for item in &block.items {
        let Item::Register(register) = item else {
            continue;
        };
        for field in &register.fields {
            one_to_clear += usize::from(field.write_action == WriteAction::OneToClear);
            read_modify += usize::from(field.read_action == Some(ReadAction::Modify));
        }
    }
    // Line 815 `oneToClear`, line 867 `readAction` `modify`.
    assert_eq!((one_to_clear, read_modify), (1, 1));
}

#[test]
fn leon2_irqctrl_reset_expressions_are_evaluated() {
    let loaded = load("leon2-irqctrl-1.3.xml");
    let block = peripheral(&loaded.device, "ablock");
    // Fields of interrupMaskandPriorityLevel: masks ('h1FFFF) / $pow(2,n) % $pow(2,w)
    // give bits 0..=16 defined, the rest not.
    let register = register(&block.items, "interrupMaskandPriorityLevel");
    assert_eq!(register.reset_value, 0);
    assert_eq!(register.reset_mask, 0x1_FFFF);
    // `width` resolves through the block's own parameter (line 628).
    assert_eq!(register.size, 32);
}

// --- Kactus2 files --------------------------------------------------------

#[test]
fn kactus2_local_memory_map_is_read() {
    let loaded = load("kactus2-memory_controller.xml");
    let names: Vec<&str> = loaded
        .device
        .peripherals
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["data", "registers"]);
    let registers = peripheral(&loaded.device, "registers");
    // DATA_WIDTH = 16, AUB = 8, DATA_BYTES = DATA_WIDTH/AUB = 2 (lines 714-748).
    let work = register(&registers.items, "work[%s]");
    assert_eq!(work.offset, 14, "uuid_86d0…*7 = 2*7");
    assert_eq!(work.size, 16);
    let dim = work.dim.as_ref().expect("dim 8");
    assert_eq!((dim.count, dim.stride), (8, 2));
    let modstart = register(&registers.items, "modstart");
    assert!(modstart.dim.is_none(), "`<dim>0</dim>` is no array");
    assert_eq!(modstart.offset, 2);
    let address = field(modstart, "address");
    assert_eq!(
        (address.lsb, address.width),
        (1, 15),
        "bitWidth DATA_WIDTH-1"
    );
    // data: baseAddress 'h40, range PERIPHERAL_BASE-'h40 = 128-64.
    let data = peripheral(&loaded.device, "data");
    assert_eq!((data.base_address, data.size), (0x40, Some(0x40)));
}

#[test]
fn kactus2_parameter_arithmetic_in_base_addresses() {
    let loaded = load("kactus2-wb_slave_spi_master.xml");
    // BUFFER_SIZE = 16, STATUS_SIZE = 1 (lines 565-583).
    let control = peripheral(&loaded.device, "control");
    assert_eq!(control.base_address, 16 * 2 + 1);
    let send = peripheral(&loaded.device, "send_buffer");
    assert_eq!(send.base_address, 17);
    let status = peripheral(&loaded.device, "status");
    assert_eq!((status.base_address, status.size), (16, Some(1)));
}

#[test]
fn kactus2_unsorted_fields_without_access_are_sorted_and_inherit() {
    let loaded = load("kactus2-pulpino-spi_master_apb_if.xml");
    let block = peripheral(&loaded.device, "spi_registers");
    let status = register(&block.items, "STATUS");
    let offsets: Vec<u32> = status.fields.iter().map(|f| f.lsb).collect();
    let mut sorted = offsets.clone();
    sorted.sort_unstable();
    assert_eq!(offsets, sorted);
    assert_eq!(status.fields[0].name, "RD");
    assert!(status.fields.iter().all(|f| f.access == status.access));
    assert!(
        count(
            &loaded,
            DiagnosticKind::NonStandardValue,
            "not in bit order"
        ) >= 1
    );
    let warning = loaded
        .warnings
        .iter()
        .find(|w| w.message.contains("not in bit order"))
        .unwrap();
    assert_eq!(warning.location.as_ref().unwrap().line, 505);
}

#[test]
fn kactus2_usage_count_and_prefixed_attributes_are_ignored() {
    // `usageCount` (memory_controller line 714) and `ipxact:addressSpaceRef`
    // (line 69) are schema errors with no bearing on registers.
    let loaded = load("kactus2-memory_controller.xml");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

// --- ghlhub-e_uart-component.xml (1685-2009, Vivado) ---------------------

#[test]
fn vivado_url_vendor_and_default_write_constraints() {
    let loaded = load("ghlhub-e_uart-component.xml");
    assert_eq!(loaded.device.name, "e_uart");
    let block = peripheral(&loaded.device, "S00_AXI_reg");
    // Lines 308-321: TX_BYTE, min = max = 0.
    let tx = field(register(&block.items, "TX_BYTE_FIFO"), "TX_BYTE");
    assert_eq!(
        tx.write_constraint,
        Some(WriteConstraint::Range { min: 0, max: 0 })
    );
    assert_eq!(tx.access, Access::ReadWrite);
    // The constraint is documentation: the field is still writable.
    let code = mmreg_codegen::generate(&loaded.device, "e_uart").unwrap();
    assert!(
        code.contains("pub fn set_tx_byte("),
        "TX_BYTE keeps a setter"
    );
}

// --- leon2-timers-1.3.xml, leon2-tlm-rgu-1.4.xml, peakrdl ----------------

#[test]
fn leon2_timers_register_files_and_read_write_enum_usage() {
    let loaded = load("leon2-timers-1.3.xml");
    let block = peripheral(&loaded.device, "defaultid4489914");
    let clusters: Vec<(&str, u64)> = block
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Cluster(cluster) => Some((cluster.name.as_str(), cluster.offset)),
            Item::Register(_) => None,
        })
        .collect();
    assert_eq!(clusters, [("timer1", 0), ("timer2", 0x10)]);
    let mut usages = Vec::new();
    for item in &block.items {
        let Item::Cluster(cluster) = item else {
            continue;
        };
        for inner in &cluster.items {
            let Item::Register(register) = inner else {
                continue;
            };
            for field in &register.fields {
                usages.extend(field.enums.iter().map(|set| set.usage));
            }
        }
    }
    assert!(
        usages.contains(&Usage::Read) && usages.contains(&Usage::Write),
        "{usages:?}"
    );
}

#[test]
fn leon2_rgu_serial_bank_lays_blocks_end_to_end() {
    let loaded = load("leon2-tlm-rgu-1.4.xml");
    let bases: Vec<(&str, u64, Option<u64>)> = loaded
        .device
        .peripherals
        .iter()
        .map(|p| (p.name.as_str(), p.base_address, p.size))
        .collect();
    // Ranges 32, 32, 4028, 4 (lines 292-315 of the memory map).
    assert_eq!(
        bases,
        [
            ("resetDelays", 0, Some(32)),
            ("EEPROM", 32, Some(32)),
            ("Reserved", 64, Some(4028)),
            ("idAddressBlock", 4092, Some(4))
        ]
    );
    let eeprom = peripheral(&loaded.device, "EEPROM");
    let array = register(&eeprom.items, "eeprom[%s]");
    let dim = array.dim.as_ref().unwrap();
    assert_eq!(
        (dim.count, dim.stride),
        (8, 4),
        "stride from the 32-bit size"
    );
}

#[test]
fn peakrdl_field_resets_make_the_register_reset() {
    let loaded = load("peakrdl-ipxact-my_subblock.xml");
    let block = peripheral(&loaded.device, "my_subblock");
    let reg1 = register(&block.items, "reg1");
    // f1 (bit 0) reset 0, f2 (bits 8..16) reset 'h7b.
    assert_eq!(reg1.reset_value, 0x7b00);
    assert_eq!(reg1.reset_mask, 0xff01);
    let array = register(&block.items, "reg_array[%s]");
    assert_eq!(array.offset, 0x100);
    assert_eq!(array.dim.as_ref().unwrap().count, 4);
}

// --- --param through load_with -------------------------------------------

#[test]
fn params_reach_the_front_end_through_load_with() {
    let options = mmreg_codegen::Options {
        params: vec![("DATA_WIDTH".to_string(), "32".to_string())],
        ..mmreg_codegen::Options::default()
    };
    let loaded = mmreg_codegen::load_with(&corpus("kactus2-memory_controller.xml"), &options)
        .unwrap_or_else(|error| panic!("{error}"));
    let registers = peripheral(&loaded.device, "registers");
    // DATA_BYTES = DATA_WIDTH/AUB = 4: work at 4*7, 32 bits, stride 4.
    let work = register(&registers.items, "work[%s]");
    assert_eq!((work.offset, work.size), (28, 32));
    assert_eq!(work.dim.as_ref().unwrap().stride, 4);
    // An SVD input takes no parameters.
    let svd = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/svd-corpus/ARM_Sample.svd"
    );
    let error = mmreg_codegen::load_with(std::path::Path::new(svd), &options).unwrap_err();
    assert!(error.to_string().contains("IP-XACT inputs only"), "{error}");
}
