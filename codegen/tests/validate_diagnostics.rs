//! One test per validation check: a small bad input, and the message,
//! severity and location it must produce.

use mmreg_codegen::{Diagnostic, DiagnosticKind, Severity, svd, validate};

/// Wraps register XML in a one-peripheral device. The registers start on
/// line 11 of the resulting file.
fn device(registers: &str) -> String {
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
    <peripheral><name>P</name><baseAddress>0x40000000</baseAddress><addressBlock><offset>0</offset><size>0x100</size><usage>registers</usage></addressBlock><registers>
{registers}
    </registers></peripheral>
  </peripherals>
</device>
"#
    )
}

/// Parses and validates; returns every diagnostic.
fn diagnose(registers: &str) -> Vec<Diagnostic> {
    let text = device(registers);
    let (ir, mut diagnostics) = svd::parse(&text, "test.svd").expect("parses");
    diagnostics.extend(validate::check(&ir));
    diagnostics
}

/// The only diagnostic of `kind`, failing if there is not exactly one.
fn only(diagnostics: &[Diagnostic], kind: DiagnosticKind) -> Diagnostic {
    let found: Vec<_> = diagnostics.iter().filter(|d| d.kind == kind).collect();
    assert_eq!(found.len(), 1, "expected one {kind:?} in {diagnostics:#?}");
    found[0].clone()
}

fn assert_at(diagnostic: &Diagnostic, line: u32, path: &str, severity: Severity, fragment: &str) {
    let location = diagnostic
        .location
        .as_ref()
        .expect("diagnostic has a location");
    assert_eq!(&*location.file, "test.svd");
    assert_eq!(location.line, line, "line of {diagnostic}");
    assert_eq!(diagnostic.path, path);
    assert_eq!(diagnostic.severity, severity);
    assert!(
        diagnostic.message.contains(fragment),
        "`{}` lacks `{fragment}`",
        diagnostic.message
    );
    let rendered = diagnostic.to_string();
    assert!(
        rendered.starts_with(&format!("test.svd:{line}:")),
        "{rendered}"
    );
    assert!(rendered.contains(&format!("(in `{path}`)")), "{rendered}");
}

#[test]
fn overlapping_registers_warn_unless_alternates() {
    let diagnostics = diagnose(
        "<register><name>A</name><addressOffset>0x0</addressOffset></register>
<register><name>B</name><addressOffset>0x2</addressOffset><size>16</size></register>
<register><name>C</name><addressOffset>0x8</addressOffset></register>
<register><name>D</name><alternateRegister>C</alternateRegister><addressOffset>0x8</addressOffset></register>",
    );
    let overlap = only(&diagnostics, DiagnosticKind::OverlappingRegisters);
    assert_at(
        &overlap,
        12,
        "P.B",
        Severity::Warning,
        "overlaps register `A`",
    );
}

#[test]
fn field_past_register_is_left_out_with_a_warning() {
    let diagnostics = diagnose(
        "<register><name>CR</name><addressOffset>0</addressOffset><size>16</size><fields>
<field><name>WIDE</name><bitRange>[17:12]</bitRange></field>
</fields></register>",
    );
    let past = only(&diagnostics, DiagnosticKind::FieldPastRegister);
    assert_at(
        &past,
        12,
        "P.CR.WIDE",
        Severity::Warning,
        "ends at bit `17`, past the 16-bit register",
    );
}

#[test]
fn overlapping_fields_warn() {
    let diagnostics = diagnose(
        "<register><name>CR</name><addressOffset>0</addressOffset><fields>
<field><name>LOW</name><bitOffset>0</bitOffset><bitWidth>4</bitWidth></field>
<field><name>MID</name><bitOffset>3</bitOffset><bitWidth>2</bitWidth></field>
</fields></register>",
    );
    let overlap = only(&diagnostics, DiagnosticKind::OverlappingFields);
    assert_at(
        &overlap,
        13,
        "P.CR.MID",
        Severity::Warning,
        "overlaps field `LOW`",
    );
}

#[test]
fn enum_value_wider_than_field_warns() {
    let diagnostics = diagnose(
        "<register><name>CR</name><addressOffset>0</addressOffset><fields>
<field><name>MODE</name><bitOffset>0</bitOffset><bitWidth>2</bitWidth><enumeratedValues>
<enumeratedValue><name>SLOW</name><value>1</value></enumeratedValue>
<enumeratedValue><name>HUGE</name><value>7</value></enumeratedValue>
</enumeratedValues></field>
</fields></register>",
    );
    let wide = only(&diagnostics, DiagnosticKind::EnumValueTooWide);
    assert_at(
        &wide,
        12,
        "P.CR.MODE.HUGE",
        Severity::Warning,
        "value `0x7` does not fit in the 2-bit field",
    );
}

#[test]
fn register_past_address_block_warns() {
    let diagnostics =
        diagnose("<register><name>FAR</name><addressOffset>0x100</addressOffset></register>");
    let past = only(&diagnostics, DiagnosticKind::RegisterPastBlock);
    assert_at(
        &past,
        11,
        "P.FAR",
        Severity::Warning,
        "past the address block of `0x100` bytes",
    );
}

#[test]
fn misaligned_register_is_left_out_with_a_warning() {
    let diagnostics =
        diagnose("<register><name>ODD</name><addressOffset>0x6</addressOffset></register>");
    let misaligned = only(&diagnostics, DiagnosticKind::MisalignedRegister);
    assert_at(
        &misaligned,
        11,
        "P.ODD",
        Severity::Warning,
        "offset `0x6` is not a multiple of the register width (4 bytes); the register is left out",
    );
}

#[test]
fn unsupported_width_is_left_out_with_a_warning() {
    let diagnostics = diagnose(
        "<register><name>ODD</name><addressOffset>0x0</addressOffset><size>24</size></register>",
    );
    let width = only(&diagnostics, DiagnosticKind::UnsupportedWidth);
    assert_at(
        &width,
        11,
        "P.ODD",
        Severity::Warning,
        "register width `24` bits is not one of 8, 16, 32 or 64; the register is left out",
    );
}

#[test]
fn names_that_collide_as_identifiers_warn() {
    let diagnostics = diagnose(
        "<register><name>DATA_IN</name><addressOffset>0</addressOffset></register>
<register><name>data-in</name><addressOffset>4</addressOffset></register>",
    );
    let collision = only(&diagnostics, DiagnosticKind::NameCollision);
    assert_at(
        &collision,
        12,
        "P.data-in",
        Severity::Warning,
        "register `DATA_IN` and register `data-in` both become the accessor `data_in`; \
         `DATA_IN` keeps it and `data-in` is the accessor `data_in_1`",
    );
}

#[test]
fn write_constraint_contradicting_enumerated_values_warns() {
    let diagnostics = diagnose(
        "<register><name>CR</name><addressOffset>0</addressOffset><fields>
<field><name>MODE</name><bitOffset>0</bitOffset><bitWidth>3</bitWidth>
<writeConstraint><range><minimum>0</minimum><maximum>2</maximum></range></writeConstraint>
<enumeratedValues>
<enumeratedValue><name>A</name><value>1</value></enumeratedValue>
<enumeratedValue><name>B</name><value>5</value></enumeratedValue>
</enumeratedValues></field>
</fields></register>",
    );
    let contradiction = only(&diagnostics, DiagnosticKind::ContradictoryConstraint);
    assert_at(
        &contradiction,
        12,
        "P.CR.MODE",
        Severity::Warning,
        "excludes enumerated values `B`",
    );
}

#[test]
fn duplicate_enum_names_and_values_warn() {
    let diagnostics = diagnose(
        "<register><name>CR</name><addressOffset>0</addressOffset><fields>
<field><name>MODE</name><bitOffset>0</bitOffset><bitWidth>2</bitWidth><enumeratedValues>
<enumeratedValue><name>A</name><value>1</value></enumeratedValue>
<enumeratedValue><name>A</name><value>2</value></enumeratedValue>
<enumeratedValue><name>C</name><value>2</value></enumeratedValue>
</enumeratedValues></field>
</fields></register>",
    );
    let messages: Vec<_> = diagnostics
        .iter()
        .map(|d| (d.kind, d.severity, d.path.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                DiagnosticKind::DuplicateEnumValue,
                Severity::Warning,
                "P.CR.MODE.C",
                "value `0x2` is also named `A`, which is kept; the value is left out"
            ),
            (
                DiagnosticKind::NameCollision,
                Severity::Warning,
                "P.CR.MODE.A",
                "value `A` and value `A` both become the variant `A`; `A` keeps it and `A` is \
                 the variant `A_1`"
            ),
        ]
    );
}

#[test]
fn several_defects_are_all_reported() {
    let diagnostics = diagnose(
        "<register><name>A</name><addressOffset>0x0</addressOffset><fields>
<field><name>X</name><bitOffset>0</bitOffset><bitWidth>4</bitWidth></field>
<field><name>Y</name><bitOffset>2</bitOffset><bitWidth>4</bitWidth></field>
<field><name>Z</name><bitOffset>30</bitOffset><bitWidth>4</bitWidth></field>
</fields></register>
<register><name>B</name><addressOffset>0x2</addressOffset><size>16</size></register>
<register><name>C</name><addressOffset>0x7</addressOffset><size>16</size></register>",
    );
    let kinds: Vec<DiagnosticKind> = diagnostics.iter().map(|d| d.kind).collect();
    for expected in [
        DiagnosticKind::OverlappingFields,
        DiagnosticKind::FieldPastRegister,
        DiagnosticKind::OverlappingRegisters,
        DiagnosticKind::MisalignedRegister,
    ] {
        assert!(
            kinds.contains(&expected),
            "{expected:?} missing from {kinds:?}"
        );
    }
}

#[test]
fn load_reports_a_defect_of_a_derived_peripheral_once() {
    let registers = "<register><name>A</name><addressOffset>0x0</addressOffset></register>
<register><name>B</name><addressOffset>0x2</addressOffset><size>16</size></register>";
    let text = device(registers).replace(
        "  </peripherals>",
        "    <peripheral derivedFrom=\"P\"><name>Q</name><baseAddress>0x40001000</baseAddress></peripheral>\n  </peripherals>",
    );
    let path = std::env::temp_dir().join(format!("mmreg-validate-{}.svd", std::process::id()));
    std::fs::write(&path, text).unwrap();
    let loaded = mmreg_codegen::load(&path).expect("loads with warnings");
    std::fs::remove_file(&path).unwrap();
    let overlaps: Vec<_> = loaded
        .warnings
        .iter()
        .filter(|d| d.kind == DiagnosticKind::OverlappingRegisters)
        .collect();
    assert_eq!(overlaps.len(), 1, "{:#?}", loaded.warnings);
    assert_eq!(overlaps[0].path, "P.B");
    assert_eq!(overlaps[0].location.as_ref().unwrap().line, 12);
}
