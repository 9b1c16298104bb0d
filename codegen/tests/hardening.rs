//! Issue 13 hardening (validation, array inference, emitter): input whose
//! numbers do not fit is a located error before the emitter sees it, deep or
//! wide input costs neither the stack nor quadratic time, and a generated
//! block's `SIZE` covers every accessor.

use std::path::PathBuf;

use mmreg_codegen::ir::{Access, Cluster, Device, Dim, Item, Peripheral, Register};
use mmreg_codegen::{Diagnostic, DiagnosticKind, Severity, svd, validate};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/svd-corpus");

/// Wraps register XML in a one-peripheral SVD device; the registers start on
/// line 11.
fn svd_device(registers: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<device schemaVersion="1.3">
  <name>TEST</name>
  <version>1</version>
  <description>test</description>
  <addressUnitBits>8</addressUnitBits>
  <width>32</width>
  <size>32</size>
  <peripherals>
    <peripheral><name>P</name><baseAddress>0x40000000</baseAddress><registers>
{registers}
    </registers></peripheral>
  </peripherals>
</device>
"#
    )
}

/// Parses `registers` (SVD) and validates; every diagnostic.
fn diagnose(registers: &str) -> (Device, Vec<Diagnostic>) {
    let text = svd_device(registers);
    let (device, mut diagnostics) = svd::parse(&text, "test.svd").expect("parses");
    diagnostics.extend(validate::validate(&device));
    (device, diagnostics)
}

/// The only error of `kind`, with its rendered form checked for a location
/// at `line` and the entity `path`.
fn located(
    diagnostics: &[Diagnostic],
    kind: DiagnosticKind,
    severity: Severity,
    line: u32,
    path: &str,
    fragment: &str,
) {
    let found: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.kind == kind && d.severity == severity)
        .collect();
    assert_eq!(found.len(), 1, "expected one {kind:?} in {diagnostics:#?}");
    let rendered = found[0].to_string();
    assert!(
        rendered.starts_with(&format!("test.svd:{line}:")),
        "{rendered}"
    );
    assert!(rendered.contains(&format!("(in `{path}`)")), "{rendered}");
    assert!(rendered.contains(fragment), "{rendered} lacks `{fragment}`");
}

fn register(name: &str, offset: u64, size: u32, dim: Option<Dim>) -> Register {
    Register {
        name: name.to_string(),
        description: None,
        offset,
        size,
        access: Access::ReadWrite,
        reset_value: 0,
        reset_mask: u64::MAX,
        dim,
        read_action: None,
        write_action: Default::default(),
        dma: false,
        word_order: Default::default(),
        alternate_register: None,
        alternate_group: None,
        fields: Vec::new(),
        location: None,
    }
}

fn cluster(name: &str, offset: u64, dim: Option<Dim>, items: Vec<Item>) -> Cluster {
    Cluster {
        name: name.to_string(),
        description: None,
        offset,
        dim,
        items,
        location: None,
    }
}

fn dim(count: u32, stride: u64) -> Option<Dim> {
    Some(Dim {
        count,
        stride,
        index_names: Vec::new(),
    })
}

fn device_of(items: Vec<Item>) -> Device {
    Device {
        name: "test".to_string(),
        description: None,
        peripherals: vec![Peripheral {
            name: "P".to_string(),
            description: None,
            group: None,
            base_address: 0x4000_0000,
            size: None,
            derived_from: None,
            items,
            location: None,
        }],
    }
}

/// Checks that in `items` (a block of `size` bytes) every register's and
/// cluster's last element ends inside the block, recursively, with checked
/// arithmetic: `offset + (count - 1) * stride + width <= size`.
fn assert_covered(items: &[Item], size: u64, path: &str) {
    for item in items {
        let (name, offset, dim, width) = match item {
            Item::Register(r) => (
                &r.name,
                r.offset,
                r.dim.as_ref(),
                u64::from(r.size.div_ceil(8).max(1).next_power_of_two()),
            ),
            Item::Cluster(c) => (
                &c.name,
                c.offset,
                c.dim.as_ref(),
                mmreg_codegen::emit::block_size(&c.items).expect("validated sizes fit"),
            ),
        };
        let (count, stride) = dim.map_or((1, 0), |d| (u64::from(d.count.max(1)), d.stride));
        let end = (count - 1)
            .checked_mul(stride)
            .and_then(|last| last.checked_add(offset))
            .and_then(|start| start.checked_add(width));
        assert!(
            end.is_some_and(|end| end <= size),
            "{path}.{name}: ends at {end:?}, block SIZE is {size:#x}"
        );
        if let Item::Cluster(c) = item {
            assert_covered(&c.items, width, &format!("{path}.{name}"));
        }
    }
}

/// Every peripheral's `SIZE` (what the emitter writes) covers its accessors.
fn assert_device_covered(device: &Device) {
    for peripheral in &device.peripherals {
        let size = mmreg_codegen::emit::block_size(&peripheral.items)
            .expect("validated sizes fit")
            .max(peripheral.size.unwrap_or(0));
        assert_covered(&peripheral.items, size, &peripheral.name);
    }
}

// Item 1: address arithmetic.

#[test]
fn register_array_past_the_address_space_is_a_located_error() {
    let (_, diagnostics) = diagnose(
        "<register><name>R%s</name><dim>0x41</dim><dimIncrement>4</dimIncrement>\
<addressOffset>0xFFFFFFFFFFFFFF00</addressOffset></register>",
    );
    located(
        &diagnostics,
        DiagnosticKind::AddressOverflow,
        Severity::Error,
        11,
        "P.R%s",
        "`0xffffffffffffff00`",
    );
}

#[test]
fn register_whose_end_wraps_is_a_located_error() {
    let (_, diagnostics) = diagnose(
        "<register><name>R</name><addressOffset>0xFFFFFFFFFFFFFFFC</addressOffset></register>",
    );
    located(
        &diagnostics,
        DiagnosticKind::AddressOverflow,
        Severity::Error,
        11,
        "P.R",
        "`0xfffffffffffffffc`",
    );
}

#[test]
fn cluster_extent_past_the_address_space_is_a_located_error() {
    let (_, diagnostics) = diagnose(
        "<cluster><name>C%s</name><dim>2</dim><dimIncrement>0x8000000000000000</dimIncrement>\
<addressOffset>0x8000000000000000</addressOffset>\
<register><name>R</name><addressOffset>0</addressOffset></register></cluster>",
    );
    located(
        &diagnostics,
        DiagnosticKind::AddressOverflow,
        Severity::Error,
        11,
        "P.C%s",
        "does not fit",
    );
}

#[test]
fn generating_overflowing_input_is_an_error_not_a_panic() {
    // Tests run in the debug profile: plain `+` or `*` here would panic.
    let inputs = [
        vec![Item::Register(register(
            "R%s",
            0xFFFF_FFFF_FFFF_FF00,
            32,
            dim(0x41, 4),
        ))],
        vec![Item::Register(register(
            "R",
            0xFFFF_FFFF_FFFF_FFFC,
            32,
            None,
        ))],
        vec![Item::Cluster(cluster(
            "C%s",
            0x8000_0000_0000_0000,
            dim(2, 0x8000_0000_0000_0000),
            vec![Item::Register(register("R", 0, 32, None))],
        ))],
        vec![Item::Register(register(
            "R%s",
            0,
            32,
            dim(u32::MAX, u64::MAX / 4),
        ))],
    ];
    for items in inputs {
        let device = device_of(items);
        assert!(
            validate::validate(&device).iter().any(|d| d.is_error()),
            "{device:?}"
        );
        let result = mmreg_codegen::generate(&device, "test.yaml");
        match result {
            Err(mmreg_codegen::Error::Invalid(diagnostics)) => {
                assert!(
                    diagnostics.to_string().contains("does not fit"),
                    "{diagnostics}"
                );
            }
            other => panic!("expected invalid input, got {other:?}"),
        }
    }
}

#[test]
fn near_the_top_of_the_address_space_size_still_covers_every_accessor() {
    let device = device_of(vec![
        Item::Register(register("R%s", 0xFFFF_FFFF_FFFF_FF00, 32, dim(0x3F, 4))),
        Item::Cluster(cluster(
            "C",
            0x7FFF_FFFF_FFFF_0000,
            None,
            vec![Item::Register(register("X", 0x10, 64, dim(2, 8)))],
        )),
    ]);
    assert!(
        !validate::validate(&device).iter().any(|d| d.is_error()),
        "{:?}",
        validate::validate(&device)
    );
    assert_device_covered(&device);
    let code = mmreg_codegen::generate(&device, "test.yaml").expect("generates");
    assert!(
        code.contains("pub const SIZE: usize = 0xffff_ffff_ffff_fffc;"),
        "{code}"
    );
}

#[test]
fn every_corpus_block_size_covers_its_accessors() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .expect("corpus directory")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("svd"))
        })
        .collect();
    files.sort();
    assert!(files.len() >= 12, "corpus has {} files", files.len());
    for path in files {
        let loaded = mmreg_codegen::load(&path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        assert_device_covered(&loaded.device);
        assert_device_covered(&mmreg_codegen::arrays::infer(&loaded.device));
    }
}

// Item 4: misaligned clusters.

/// Validates and generates; the rendered errors of both.
fn validate_and_generate(registers: &str) -> (Vec<String>, String) {
    let (device, diagnostics) = diagnose(registers);
    let errors = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    let generated = match mmreg_codegen::generate(&device, "test.svd") {
        Ok(_) => "generated".to_string(),
        Err(error) => error.to_string(),
    };
    (errors, generated)
}

#[test]
fn misaligned_cluster_offset_is_a_located_error() {
    let (errors, generated) = validate_and_generate(
        "<cluster><name>C</name><addressOffset>0x2</addressOffset>\
<register><name>R</name><addressOffset>0</addressOffset></register></cluster>",
    );
    assert_eq!(
        errors,
        [
            "test.svd:11:1: error: cluster offset `0x2` is not a multiple of its widest register (4 bytes) (in `P.C`)"
        ],
    );
    assert!(!generated.contains("generator bug"), "{generated}");
    assert!(generated.contains("(in `P.C`)"), "{generated}");
}

#[test]
fn misaligned_cluster_stride_is_a_located_error() {
    let (errors, generated) = validate_and_generate(
        "<cluster><name>C%s</name><dim>2</dim><dimIncrement>6</dimIncrement><addressOffset>0</addressOffset>\
<register><name>R</name><addressOffset>0</addressOffset></register></cluster>",
    );
    assert_eq!(
        errors,
        [
            "test.svd:11:1: error: cluster array stride `0x6` is not a multiple of its widest register (4 bytes) (in `P.C%s`)"
        ],
    );
    assert!(!generated.contains("generator bug"), "{generated}");
}

// Item 3: deep nesting.

/// A peripheral holding clusters nested `depth` deep, built from the inside
/// out (no recursion here).
fn nested(depth: usize) -> Device {
    let mut items = vec![Item::Register(register("R", 0, 32, None))];
    for level in 0..depth {
        items = vec![Item::Cluster(cluster(&format!("C{level}"), 0, None, items))];
    }
    device_of(items)
}

/// Runs `f` on a thread with the default 2 MiB test stack.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("no panic");
}

#[test]
fn four_thousand_nested_clusters_are_a_located_error_not_a_stack_overflow() {
    on_small_stack(|| {
        let device = nested(4000);
        let diagnostics = validate::validate(&device);
        assert!(
            diagnostics
                .iter()
                .any(|d| d.is_error() && d.message.contains("nested more than 64 deep")),
            "{diagnostics:?}"
        );
        let inferred = mmreg_codegen::arrays::infer(&device);
        assert_eq!(inferred, device, "left as written");
        match mmreg_codegen::generate(&device, "deep.yaml") {
            Err(mmreg_codegen::Error::Invalid(diagnostics)) => {
                assert!(diagnostics.to_string().contains("nested more than 64 deep"));
            }
            other => panic!("expected invalid input, got {:?}", other.map(|_| ())),
        }
        // Dropping the model is iterative enough too.
        drop((device, inferred));
    });
}

#[test]
fn sixty_four_nested_clusters_generate() {
    on_small_stack(|| {
        let device = nested(64);
        assert!(
            !validate::validate(&device).iter().any(Diagnostic::is_error),
            "{:?}",
            validate::validate(&device)
        );
        mmreg_codegen::generate(&device, "deep.yaml").expect("generates");
    });
}

// Item 6: linear naming.

#[test]
fn eight_thousand_registers_of_one_name_generate_in_linear_time() {
    let items = (0..8000u64)
        .map(|index| Item::Register(register("SAME", index * 4, 32, None)))
        .collect();
    let device = device_of(items);
    let start = std::time::Instant::now();
    let code = mmreg_codegen::generate(&device, "same.yaml").expect("generates");
    let elapsed = start.elapsed();
    assert!(code.contains("pub fn same_7999(&self)"), "last suffix");
    // About 26 s with the quadratic suffix search; well under a second
    // (debug build) without it. Generous for a loaded machine.
    assert!(
        elapsed < std::time::Duration::from_secs(5),
        "took {elapsed:?}"
    );
}

// Item 7: silent truncation, empty constraints.

#[test]
fn reset_value_wider_than_its_register_warns() {
    let (_, diagnostics) = diagnose(
        "<register><name>R</name><addressOffset>0</addressOffset><size>8</size>\
<resetValue>0x1FF</resetValue></register>",
    );
    located(
        &diagnostics,
        DiagnosticKind::ValueTooWide,
        Severity::Warning,
        11,
        "P.R",
        "reset value `0x1ff` does not fit in the 8-bit register; truncated to `0xff`",
    );
}

#[test]
fn reset_mask_wider_than_its_register_warns() {
    let (_, diagnostics) = diagnose(
        "<register><name>R</name><addressOffset>0</addressOffset><size>8</size>\
<resetMask>0x1FF</resetMask></register>",
    );
    located(
        &diagnostics,
        DiagnosticKind::ValueTooWide,
        Severity::Warning,
        11,
        "P.R",
        "reset mask `0x1ff` does not fit in the 8-bit register; truncated to `0xff`",
    );
}

#[test]
fn write_constraint_with_min_above_max_is_an_error() {
    let (_, diagnostics) = diagnose(
        "<register><name>R</name><addressOffset>0</addressOffset><fields>
<field><name>F</name><bitRange>[3:0]</bitRange>\
<writeConstraint><range><minimum>5</minimum><maximum>2</maximum></range></writeConstraint></field>
</fields></register>",
    );
    located(
        &diagnostics,
        DiagnosticKind::BadConstraint,
        Severity::Error,
        12,
        "P.R.F",
        "write constraint `5..=2` allows no value",
    );
}

// Item 9: a lone full-width field keeps its access.

fn full_width_field(name: &str, access: Access) -> mmreg_codegen::ir::Field {
    mmreg_codegen::ir::Field {
        name: name.to_string(),
        description: None,
        lsb: 0,
        width: 32,
        access,
        write_action: Default::default(),
        read_action: None,
        write_constraint: None,
        enums: Vec::new(),
        dim: None,
        location: None,
    }
}

#[test]
fn lone_full_width_field_keeps_its_access() {
    let mut rxdr = register("RXDR", 0, 32, None);
    rxdr.fields = vec![full_width_field("RXDR", Access::ReadOnly)];
    let mut txdr = register("TXDR", 4, 32, None);
    txdr.fields = vec![full_width_field("TXDR", Access::WriteOnly)];
    let mut data = register("DATA", 8, 32, None);
    data.fields = vec![full_width_field("DATA", Access::ReadWrite)];
    let device = device_of(vec![
        Item::Register(rxdr),
        Item::Register(txdr),
        Item::Register(data),
    ]);
    let code = mmreg_codegen::generate(&device, "test.yaml").expect("generates");
    let signature = |name: &str| {
        code.lines()
            .find(|line| line.contains(&format!("pub fn {name}(&self)")))
            .unwrap_or_else(|| panic!("no accessor `{name}` in\n{code}"))
            .trim()
            .to_string()
    };
    assert!(
        signature("rxdr").ends_with("ReadOnly> {"),
        "{}",
        signature("rxdr")
    );
    assert!(
        signature("txdr").ends_with("WriteOnly> {"),
        "{}",
        signature("txdr")
    );
    assert!(
        signature("data").ends_with("ReadWrite> {"),
        "{}",
        signature("data")
    );
    // The description the runtime reads says so too.
    assert!(
        code.contains("with_access(::mmreg::meta::Access::ReadOnly)"),
        "{code}"
    );
    assert!(
        code.contains("with_access(::mmreg::meta::Access::WriteOnly)"),
        "{code}"
    );
}

#[test]
fn extreme_bit_numbers_and_widths_do_not_panic() {
    // Straight to the generator (no validation), in the debug profile.
    let mut field = full_width_field("F", Access::ReadWrite);
    field.lsb = u32::MAX;
    field.width = u32::MAX;
    let mut array = full_width_field("G%s", Access::ReadWrite);
    array.lsb = 1;
    array.width = 1;
    array.dim = dim(u32::MAX, u64::MAX);
    let mut wide = register("W", 0, 32, None);
    wide.fields = vec![field, array];
    wide.reset_value = u64::MAX;
    for size in [0, 7, 24, 128, u32::MAX] {
        let odd = register("ODD", 0x100, size, None);
        let device = device_of(vec![Item::Register(wide.clone()), Item::Register(odd)]);
        let _ = validate::validate(&device);
        let _ = mmreg_codegen::generate(&device, "extreme.yaml");
    }
}
