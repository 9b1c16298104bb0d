//! The descriptions in `svd/` load without warnings, say what their source
//! documents say, and generate code that passes `cargo clippy -D warnings`.

use std::path::Path;

use mmreg_codegen::ir::{Access, Field, Item, Register, WriteAction};

mod scratch;
use scratch::ScratchCrate;

const DESCRIPTIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../svd");

/// The stems of the YAML descriptions this project writes.
const STEMS: [&str; 4] = ["qemu-edu", "hpet", "bcm2711-gpio", "xlnx-axi-gpio"];

fn load(stem: &str) -> mmreg_codegen::Validated {
    let path = Path::new(DESCRIPTIONS).join(format!("{stem}.yaml"));
    let loaded = mmreg_codegen::load(&path).unwrap_or_else(|error| panic!("{stem}: {error}"));
    assert!(loaded.warnings.is_empty(), "{stem}: {:?}", loaded.warnings);
    loaded.device
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
        .find(|field| field.name == name)
        .unwrap_or_else(|| panic!("no field `{name}`"))
}

#[test]
fn qemu_edu_matches_edu_rst() {
    let device = load("qemu-edu");
    let edu = &device.peripherals[0];
    assert_eq!((edu.name.as_str(), edu.size), ("EDU", Some(0x10_0000)));
    let id = register(&edu.items, "ID");
    assert_eq!(
        (id.offset, id.size, id.access, id.reset_value),
        (0x00, 32, Access::ReadOnly, 0x0100_00ed)
    );
    assert_eq!((field(id, "MAJOR").lsb, field(id, "MINOR").lsb), (24, 16));
    for (name, offset) in [
        ("LIVENESS", 0x04),
        ("FACTORIAL", 0x08),
        ("STATUS", 0x20),
        ("INTERRUPT_STATUS", 0x24),
    ] {
        assert_eq!(
            (
                register(&edu.items, name).offset,
                register(&edu.items, name).size
            ),
            (offset, 32),
            "{name}"
        );
    }
    let status = register(&edu.items, "STATUS");
    assert_eq!(
        (
            field(status, "COMPUTING").lsb,
            field(status, "COMPUTING").access
        ),
        (0, Access::ReadOnly)
    );
    assert_eq!(field(status, "INTERRUPT_ON_FACTORIAL").lsb, 7);
    assert_eq!(
        register(&edu.items, "INTERRUPT_RAISE").access,
        Access::WriteOnly
    );
    assert_eq!(register(&edu.items, "INTERRUPT_ACKNOWLEDGE").offset, 0x64);
    for (name, offset) in [
        ("DMA_SOURCE", 0x80),
        ("DMA_DESTINATION", 0x88),
        ("DMA_COUNT", 0x90),
        ("DMA_COMMAND", 0x98),
    ] {
        assert_eq!(
            (
                register(&edu.items, name).offset,
                register(&edu.items, name).size
            ),
            (offset, 64),
            "{name}"
        );
        // Writing them makes the device access memory: writes are `unsafe`.
        assert!(register(&edu.items, name).dma, "{name}");
    }
    let marked: Vec<&str> = edu
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Register(register) if register.dma => Some(register.name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        marked,
        ["DMA_SOURCE", "DMA_DESTINATION", "DMA_COUNT", "DMA_COMMAND"]
    );
    let command = register(&edu.items, "DMA_COMMAND");
    let bits: Vec<(&str, u32)> = command
        .fields
        .iter()
        .map(|field| (field.name.as_str(), field.lsb))
        .collect();
    assert_eq!(
        bits,
        [("START", 0), ("DIRECTION", 1), ("INTERRUPT_ON_DONE", 2)]
    );
}

#[test]
fn hpet_matches_the_specification() {
    let device = load("hpet");
    let hpet = &device.peripherals[0];
    assert_eq!((hpet.base_address, hpet.size), (0xfed0_0000, Some(0x400)));
    let capabilities = register(&hpet.items, "GCAP_ID");
    assert_eq!(
        (capabilities.size, capabilities.access),
        (64, Access::ReadOnly)
    );
    let period = field(capabilities, "COUNTER_CLK_PERIOD");
    assert_eq!((period.lsb, period.width), (32, 32));
    assert_eq!(
        (
            field(capabilities, "NUM_TIM_CAP").lsb,
            field(capabilities, "NUM_TIM_CAP").width
        ),
        (8, 5)
    );
    assert_eq!(register(&hpet.items, "MAIN_CNT").offset, 0xf0);
    let status = field(register(&hpet.items, "GINTR_STA"), "T%s_INT_STS");
    assert_eq!(status.write_action, WriteAction::OneToClear);
    let Some(Item::Cluster(timers)) = hpet
        .items
        .iter()
        .find(|item| matches!(item, Item::Cluster(_)))
    else {
        panic!("no timer cluster")
    };
    let dim = timers.dim.as_ref().expect("timers are an array");
    assert_eq!((timers.offset, dim.count, dim.stride), (0x100, 3, 0x20));
    let configuration = register(&timers.items, "CONF_CAP");
    assert_eq!(
        (
            field(configuration, "INT_ROUTE_CNF").lsb,
            field(configuration, "INT_ROUTE_CNF").width
        ),
        (9, 5)
    );
    assert_eq!(
        field(configuration, "INT_ROUTE_CAP").access,
        Access::ReadOnly
    );
    assert_eq!(field(configuration, "MODE32_CNF").lsb, 8);
    assert_eq!(register(&timers.items, "COMPARATOR").offset, 0x08);
    assert_eq!(register(&timers.items, "FSB_ROUTE").offset, 0x10);
}

#[test]
fn bcm2711_gpio_matches_the_peripherals_document() {
    let device = load("bcm2711-gpio");
    let gpio = &device.peripherals[0];
    assert_eq!(gpio.base_address, 0xfe20_0000);
    let select = register(&gpio.items, "GPFSEL%s");
    assert_eq!(
        select.dim.as_ref().map(|dim| (dim.count, dim.stride)),
        Some((6, 4))
    );
    let function = field(select, "FSEL%s");
    assert_eq!(
        function.dim.as_ref().map(|dim| (dim.count, dim.stride)),
        Some((10, 3))
    );
    let values: Vec<(&str, Option<u64>)> = function.enums[0]
        .values
        .iter()
        .map(|value| (value.name.as_str(), value.value))
        .collect();
    assert_eq!(values.len(), 8, "a closed enum covers all eight codes");
    for (name, code) in [
        ("INPUT", 0),
        ("OUTPUT", 1),
        ("ALT0", 4),
        ("ALT3", 7),
        ("ALT4", 3),
        ("ALT5", 2),
    ] {
        assert!(values.contains(&(name, Some(code))), "{name}");
    }
    for (name, offset, access) in [
        ("GPSET%s", 0x1c, Access::WriteOnly),
        ("GPCLR%s", 0x28, Access::WriteOnly),
        ("GPLEV%s", 0x34, Access::ReadOnly),
        ("GPEDS%s", 0x40, Access::ReadWrite),
        ("GPREN%s", 0x4c, Access::ReadWrite),
        ("GPAFEN%s", 0x88, Access::ReadWrite),
        ("GPIO_PUP_PDN_CNTRL_REG%s", 0xe4, Access::ReadWrite),
    ] {
        let found = register(&gpio.items, name);
        assert_eq!((found.offset, found.access), (offset, access), "{name}");
    }
    assert_eq!(
        register(&gpio.items, "GPEDS%s").fields[0].write_action,
        WriteAction::OneToClear
    );
    let pull = &register(&gpio.items, "GPIO_PUP_PDN_CNTRL_REG%s").fields[0];
    assert_eq!(
        (pull.width, pull.dim.as_ref().map(|dim| dim.count)),
        (2, Some(16))
    );
}

#[test]
fn axi_gpio_matches_pg144() {
    let device = load("xlnx-axi-gpio");
    let gpio = &device.peripherals[0];
    let offsets: Vec<(&str, u64)> = gpio
        .items
        .iter()
        .map(|item| match item {
            Item::Register(register) => (register.name.as_str(), register.offset),
            Item::Cluster(cluster) => (cluster.name.as_str(), cluster.offset),
        })
        .collect();
    assert_eq!(
        offsets,
        [
            ("GPIO_DATA", 0x00),
            ("GPIO_TRI", 0x04),
            ("GPIO2_DATA", 0x08),
            ("GPIO2_TRI", 0x0c),
            ("GIER", 0x11c),
            ("IP_ISR", 0x120),
            ("IP_IER", 0x128),
        ]
    );
    assert_eq!(
        field(register(&gpio.items, "GIER"), "GLOBAL_INTERRUPT_ENABLE").lsb,
        31
    );
    let status = register(&gpio.items, "IP_ISR");
    assert!(
        status
            .fields
            .iter()
            .all(|field| field.write_action == WriteAction::OneToToggle)
    );
    assert_eq!(register(&gpio.items, "GPIO_TRI").reset_value, 0xffff_ffff);
}

/// All four generated modules in one crate pass `cargo clippy -D warnings`.
#[test]
fn generated_code_is_warning_free() {
    let mut lib_rs = String::from("//! The `svd/` descriptions, generated.\n\n");
    for stem in STEMS {
        let code = mmreg_codegen::generate(&load(stem), &format!("svd/{stem}.yaml")).unwrap();
        let module = "from_".to_string() + &stem.replace('-', "_");
        lib_rs.push_str(&format!(
            "/// `svd/{stem}.yaml`.\npub mod {module} {{\n{code}}}\n"
        ));
    }
    let scratch = ScratchCrate::new("yaml-descriptions");
    scratch.write("src/lib.rs", &lib_rs);
    let output = scratch.cargo(&["clippy", "--", "-D", "warnings", "-W", "missing_docs"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "cargo clippy failed:\n{}",
        stderr.lines().take(60).collect::<Vec<_>>().join("\n")
    );
}
