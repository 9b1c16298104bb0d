//! Issue 13 hardening (validation, array inference, emitter): an element
//! whose numbers do not fit is left out with a located warning before the
//! emitter sees it, deep or wide input costs neither the stack nor quadratic
//! time, and a generated block's `SIZE` covers every accessor.

use std::path::PathBuf;

#[allow(dead_code)] // The SIZE check; the fuzz paths themselves run elsewhere.
#[path = "fuzz_paths/mod.rs"]
mod fuzz_paths;

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
    diagnostics.extend(validate::check(&device));
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

/// `device` through validation, which must accept it.
fn valid(device: &Device) -> mmreg_codegen::Validated {
    validate::validate(device.clone())
        .unwrap_or_else(|d| panic!("{}", mmreg_codegen::Diagnostics(d)))
        .0
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

// Item 1: address arithmetic.

#[test]
fn register_array_past_the_address_space_is_left_out_with_a_located_warning() {
    let (_, diagnostics) = diagnose(
        "<register><name>R%s</name><dim>0x41</dim><dimIncrement>4</dimIncrement>\
<addressOffset>0xFFFFFFFFFFFFFF00</addressOffset></register>",
    );
    located(
        &diagnostics,
        DiagnosticKind::AddressOverflow,
        Severity::Warning,
        11,
        "P.R%s",
        "`0xffffffffffffff00` with 65 elements every `0x4` bytes does not fit in the 64-bit \
         address space; the register is left out",
    );
}

#[test]
fn register_whose_end_wraps_is_left_out_with_a_located_warning() {
    let (_, diagnostics) = diagnose(
        "<register><name>R</name><addressOffset>0xFFFFFFFFFFFFFFFC</addressOffset></register>",
    );
    located(
        &diagnostics,
        DiagnosticKind::AddressOverflow,
        Severity::Warning,
        11,
        "P.R",
        "`0xfffffffffffffffc`",
    );
}

#[test]
fn cluster_extent_past_the_address_space_is_left_out_with_a_located_warning() {
    let (_, diagnostics) = diagnose(
        "<cluster><name>C%s</name><dim>2</dim><dimIncrement>0x8000000000000000</dimIncrement>\
<addressOffset>0x8000000000000000</addressOffset>\
<register><name>R</name><addressOffset>0</addressOffset></register></cluster>",
    );
    located(
        &diagnostics,
        DiagnosticKind::AddressOverflow,
        Severity::Warning,
        11,
        "P.C%s",
        "does not fit in the 64-bit address space; the cluster is left out",
    );
}

#[test]
fn overflowing_items_are_left_out_and_the_rest_generates_without_a_panic() {
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
            dim(u32::MAX, u64::MAX / 4 - 3),
        ))],
    ];
    for mut items in inputs {
        items.push(Item::Register(register("KEPT", 0x1000, 32, None)));
        let device = device_of(items);
        let (model, warnings) = validate::validate(device.clone()).expect("degrades");
        assert!(
            warnings
                .iter()
                .any(|d| d.kind == DiagnosticKind::AddressOverflow
                    && d.message.ends_with("is left out")),
            "{warnings:?}"
        );
        assert_eq!(model.peripherals[0].items.len(), 1, "only KEPT is left");
        let code = mmreg_codegen::generate(&model, "test.yaml").expect("generates");
        assert!(code.contains("pub fn kept(&self)"), "{code}");
        assert!(code.contains("pub const SIZE: usize = 0x1004;"), "{code}");
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
        !validate::check(&device).iter().any(|d| d.is_error()),
        "{:?}",
        validate::check(&device)
    );
    fuzz_paths::assert_sizes_cover(&device);
    let code = mmreg_codegen::generate(&valid(&device), "test.yaml").expect("generates");
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
        fuzz_paths::assert_sizes_cover(&loaded.device);
        fuzz_paths::assert_sizes_cover(&mmreg_codegen::arrays::infer(&loaded.device));
    }
}

// Item 4: misaligned clusters.

/// Loads `registers` (SVD, beside a register `KEPT` at 0x100) and
/// generates; the rendered warnings and the code.
fn load_and_generate(registers: &str) -> (Vec<String>, String) {
    let registers = format!(
        "{registers}\n<register><name>KEPT</name><addressOffset>0x100</addressOffset></register>"
    );
    let text = svd_device(&registers);
    let (device, mut diagnostics) = svd::parse(&text, "test.svd").expect("parses");
    let (model, warnings) = validate::validate(device).expect("degrades");
    diagnostics.extend(warnings);
    let code = mmreg_codegen::generate(&model, "test.svd").expect("generates");
    assert!(code.contains("pub fn kept(&self)"), "{code}");
    (diagnostics.iter().map(ToString::to_string).collect(), code)
}

#[test]
fn misaligned_cluster_offset_is_left_out_with_a_located_warning() {
    let (warnings, code) = load_and_generate(
        "<cluster><name>C</name><addressOffset>0x2</addressOffset>\
<register><name>R</name><addressOffset>0</addressOffset></register></cluster>",
    );
    assert_eq!(
        warnings,
        [
            "test.svd:11:1: warning: cluster offset `0x2` is not a multiple of its widest register (4 bytes); the cluster is left out (in `P.C`)"
        ],
    );
    assert!(!code.contains("pub fn c("), "{code}");
}

#[test]
fn misaligned_cluster_stride_is_left_out_with_a_located_warning() {
    let (warnings, code) = load_and_generate(
        "<cluster><name>C%s</name><dim>2</dim><dimIncrement>6</dimIncrement><addressOffset>0</addressOffset>\
<register><name>R</name><addressOffset>0</addressOffset></register></cluster>",
    );
    assert_eq!(
        warnings,
        [
            "test.svd:11:1: warning: cluster array stride `0x6` is not a multiple of its widest register (4 bytes); the cluster is left out (in `P.C%s`)"
        ],
    );
    assert!(!code.contains("pub fn c("), "{code}");
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
        let diagnostics = validate::check(&device);
        assert!(
            diagnostics
                .iter()
                .any(|d| d.is_error() && d.message.contains("nested more than 64 deep")),
            "{diagnostics:?}"
        );
        let inferred = mmreg_codegen::arrays::infer(&device);
        assert_eq!(inferred, device, "left as written");
        match validate::validate(device) {
            Err(diagnostics) => assert!(
                diagnostics
                    .iter()
                    .any(|d| d.is_error() && d.message.contains("nested more than 64 deep"))
            ),
            Ok(_) => panic!("expected invalid input"),
        }
        // Dropping the model is iterative enough too.
        drop(inferred);
    });
}

#[test]
fn sixty_four_nested_clusters_generate() {
    on_small_stack(|| {
        let device = nested(64);
        assert!(
            !validate::check(&device).iter().any(Diagnostic::is_error),
            "{:?}",
            validate::check(&device)
        );
        let (model, _) = validate::validate(device).expect("valid");
        mmreg_codegen::generate(&model, "deep.yaml").expect("generates");
    });
}

// Item 6: linear naming.

#[test]
fn eight_thousand_registers_of_one_name_generate_with_every_suffix() {
    let items = (0..8000u64)
        .map(|index| Item::Register(register("SAME", index * 4, 32, None)))
        .collect();
    let device = device_of(items);
    let code = mmreg_codegen::generate(&valid(&device), "same.yaml").expect("generates");
    assert!(code.contains("pub fn same(&self)"), "first keeps the name");
    assert!(code.contains("pub fn same_7999(&self)"), "last suffix");
    // Linearity itself is proved by counting candidate names, not by a
    // clock: `names::tests::many_claims_of_one_name_are_linear` (8,000
    // claims of one name look at no more than 2 x 8,001 candidates; the
    // quadratic search looked at 32 million and took 26 s here).
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
fn write_constraint_with_min_above_max_is_dropped_with_a_located_warning() {
    let (_, diagnostics) = diagnose(
        "<register><name>R</name><addressOffset>0</addressOffset><fields>
<field><name>F</name><bitRange>[3:0]</bitRange>\
<writeConstraint><range><minimum>5</minimum><maximum>2</maximum></range></writeConstraint></field>
</fields></register>",
    );
    located(
        &diagnostics,
        DiagnosticKind::BadConstraint,
        Severity::Warning,
        12,
        "P.R.F",
        "write constraint `5..=2` allows no value (minimum above maximum); the constraint is dropped",
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
    let code = mmreg_codegen::generate(&valid(&device), "test.yaml").expect("generates");
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
    // In the debug profile: validation leaves out what does not fit, and the
    // rest generates.
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
        let (model, warnings) = validate::validate(device).expect("degrades");
        let kinds: Vec<_> = warnings.iter().map(|w| w.kind).collect();
        assert!(
            kinds.contains(&DiagnosticKind::FieldPastRegister),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&DiagnosticKind::UnsupportedWidth),
            "{kinds:?}"
        );
        assert_eq!(model.peripherals[0].items.len(), 1, "ODD is left out");
        let code = mmreg_codegen::generate(&model, "extreme.yaml").expect("generates");
        assert!(code.contains("pub fn w(&self)"), "{code}");
    }
}

// Item 11: one defect never costs the whole device.

/// Counts the registers of a model (array elements not expanded).
fn register_count(items: &[Item]) -> usize {
    items
        .iter()
        .map(|item| match item {
            Item::Register(_) => 1,
            Item::Cluster(cluster) => register_count(&cluster.items),
        })
        .sum()
}

/// Loads `text` as an SVD file named `name` in a fresh directory.
fn load_text(name: &str, text: &str) -> Result<mmreg_codegen::Loaded, mmreg_codegen::Error> {
    let directory =
        std::env::temp_dir().join(format!("mmreg-hardening-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("temp directory");
    let path = directory.join(name);
    std::fs::write(&path, text).expect("write");
    let loaded = mmreg_codegen::load(&path);
    std::fs::remove_dir_all(&directory).expect("clean up");
    loaded
}

#[test]
fn defective_registers_in_a_vendor_file_cost_only_themselves() {
    let original = std::fs::read_to_string(format!("{CORPUS}/STM32F407.svd")).expect("corpus");
    let baseline = load_text("baseline.svd", &original).expect("the vendor file loads");
    // Three defects in the first peripheral's registers: a register at an
    // offset its inherited 32-bit size does not allow, one without an
    // offset, and a field whose bit range is reversed past the register.
    let defects = "<registers>\n\
        <register><name>ODD16</name><addressOffset>0x2</addressOffset></register>\n\
        <register><name>NO_OFFSET</name></register>\n\
        <register><name>GOOD</name><addressOffset>0x3F0</addressOffset><fields>\n\
        <field><name>OK</name><bitRange>[3:0]</bitRange></field>\n\
        <field><name>PAST</name><bitRange>[40:36]</bitRange></field>\n\
        </fields></register>\n";
    let first = original.find("<registers>").expect("a register list");
    let line = original[..first].lines().count() as u32;
    let mutated = format!(
        "{}{defects}{}",
        &original[..first],
        &original[first + "<registers>".len()..]
    );
    let loaded = load_text("mutated.svd", &mutated).expect("degrades instead of refusing");
    let rendered: Vec<String> = loaded
        .warnings
        .iter()
        .filter(|w| !baseline.warnings.iter().any(|b| b.message == w.message))
        .map(|w| {
            let rendered = w.to_string();
            let start = rendered.rfind("mutated.svd:").expect("located");
            rendered[start..].to_string()
        })
        .collect();
    let file = |offset: u32| format!("mutated.svd:{}:1", line + offset);
    assert_eq!(
        rendered,
        [
            format!(
                "{}: warning: offset `0x2` is not a multiple of the register width (4 bytes); \
                 the register is left out (in `RNG.ODD16`)",
                file(1)
            ),
            format!(
                "{}: warning: register has no `<addressOffset>`; the register is left out \
                 (in `RNG.NO_OFFSET`)",
                file(2)
            ),
            format!(
                "{}: warning: field ends at bit `40`, past the 32-bit register; the field is \
                 left out (in `RNG.GOOD.PAST`)",
                file(5)
            ),
        ],
    );
    let count = |loaded: &mmreg_codegen::Loaded| -> usize {
        loaded
            .device
            .peripherals
            .iter()
            .map(|p| register_count(&p.items))
            .sum()
    };
    // Every register of the vendor file is still there, plus `GOOD`.
    assert_eq!(count(&loaded), count(&baseline) + 1);
}

#[test]
fn errors_and_validation_warnings_are_reported_in_one_run() {
    let text = svd_device(
        "<register><name>ODD</name><addressOffset>0x2</addressOffset></register>\n\
         <register><name>BAD</name><addressOffset>0x8</addressOffset><size>zero</size></register>",
    );
    let Err(mmreg_codegen::Error::Invalid(diagnostics)) = load_text("both.svd", &text) else {
        panic!("expected invalid input");
    };
    let kinds: Vec<(Severity, DiagnosticKind)> =
        diagnostics.0.iter().map(|d| (d.severity, d.kind)).collect();
    assert!(
        kinds.contains(&(Severity::Error, DiagnosticKind::Syntax)),
        "{diagnostics}"
    );
    assert!(
        kinds.contains(&(Severity::Warning, DiagnosticKind::MisalignedRegister)),
        "{diagnostics}"
    );
}

// Item 8: identifier collisions keep both and say so.

#[test]
fn colliding_identifiers_keep_both_and_the_warning_names_both() {
    let (device, diagnostics) = diagnose(
        "<register><name>TxFIFO</name><addressOffset>0</addressOffset></register>\n\
         <register><name>TX_FIFO</name><addressOffset>4</addressOffset></register>",
    );
    located(
        &diagnostics,
        DiagnosticKind::NameCollision,
        Severity::Warning,
        12,
        "P.TX_FIFO",
        "register `TxFIFO` and register `TX_FIFO` both become the accessor `tx_fifo`; `TxFIFO` \
         keeps it and `TX_FIFO` is the accessor `tx_fifo_1`",
    );
    // The emitter names from the same plan: both are there, as the warning
    // says.
    let code = mmreg_codegen::generate(&valid(&device), "test.svd").expect("generates");
    assert!(code.contains("pub fn tx_fifo(&self)"), "{code}");
    assert!(code.contains("pub fn tx_fifo_1(&self)"), "{code}");
}

#[test]
fn a_name_the_generated_code_reserves_is_renamed_with_a_warning() {
    let (_, diagnostics) = diagnose(
        "<register><name>NEW</name><addressOffset>0</addressOffset><fields>\n\
         <field><name>BITS</name><bitRange>[3:0]</bitRange></field></fields></register>",
    );
    let messages: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.kind == DiagnosticKind::NameCollision)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "register `NEW` becomes the accessor `new`, but the generated code uses `new` itself; \
             it is the accessor `new_1`",
            "field `BITS` becomes the getter `bits`, but the generated code uses `bits` itself; \
             it is the getter `bits_1`",
        ]
    );
}
