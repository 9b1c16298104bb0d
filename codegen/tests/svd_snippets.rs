//! The SVD front end on small inline descriptions: one test per repair, per
//! error and per `derivedFrom` / `dim` form.

use mmreg_codegen::ir::{
    Access, Device, Field, Item, Peripheral, ReadAction, Register, Usage, WriteAction,
    WriteConstraint,
};
use mmreg_codegen::{Diagnostic, DiagnosticKind, Severity, svd};

/// A complete device around `peripherals` (the body of `<peripherals>`), so
/// the only diagnostics are the ones the test provokes.
fn device_with(properties: &str, peripherals: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<device schemaVersion=\"1.3\">\n<name>TEST</name>\n<version>1</version>\n\
         <description>test</description>\n<addressUnitBits>8</addressUnitBits>\n<width>32</width>\n\
         {properties}\n<peripherals>\n{peripherals}\n</peripherals>\n</device>\n"
    )
}

fn parse_ok(text: &str) -> (Device, Vec<Diagnostic>) {
    match svd::parse(text, "test.svd") {
        Ok(parsed) => parsed,
        Err(diagnostics) => panic!("unexpected errors:\n{diagnostics}"),
    }
}

fn parse_err(text: &str) -> Vec<Diagnostic> {
    match svd::parse(text, "test.svd") {
        Ok((device, warnings)) => panic!("expected errors, got {device:?} with {warnings:?}"),
        Err(diagnostics) => diagnostics.0,
    }
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
        .unwrap_or_else(|| panic!("no register `{name}` in {items:?}"))
}

fn field<'d>(register: &'d Register, name: &str) -> &'d Field {
    register
        .fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field `{name}`"))
}

fn line_of(text: &str, needle: &str) -> u32 {
    (1u32..)
        .zip(text.lines())
        .find(|(_, line)| line.contains(needle))
        .map(|(n, _)| n)
        .expect("needle in text")
}

fn only(diagnostics: &[Diagnostic], kind: DiagnosticKind) -> &Diagnostic {
    let matching: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.kind == kind).collect();
    assert_eq!(matching.len(), 1, "{diagnostics:#?}");
    matching[0]
}

const UART: &str = r#"
<peripheral>
  <name>UART0</name>
  <baseAddress>0x40000000</baseAddress>
  <addressBlock><offset>0</offset><size>0x100</size><usage>registers</usage></addressBlock>
  <registers>
    <register>
      <name>DR</name>
      <addressOffset>0x0</addressOffset>
      <fields>
        <field><name>DATA</name><bitRange>[7:0]</bitRange></field>
      </fields>
    </register>
  </registers>
</peripheral>"#;

#[test]
fn a_clean_file_has_no_diagnostics() {
    let (device, warnings) = parse_ok(&device_with("", UART));
    assert!(warnings.is_empty(), "{warnings:?}");
    let uart = peripheral(&device, "UART0");
    assert_eq!((uart.base_address, uart.size), (0x4000_0000, Some(0x100)));
    let dr = register(&uart.items, "DR");
    assert_eq!(
        (dr.size, dr.access, dr.reset_value, dr.reset_mask),
        (32, Access::ReadWrite, 0, 0xFFFF_FFFF)
    );
    let line = line_of(&device_with("", UART), "<peripheral>");
    assert_eq!(
        uart.location.as_ref().map(|l| (l.line, l.column)),
        Some((line, 1))
    );
    let data = field(dr, "DATA");
    assert_eq!((data.lsb, data.width), (0, 8));
}

#[test]
fn malformed_xml_is_an_error_with_line_and_column() {
    let text = "<?xml version=\"1.0\"?>\n<device>\n  <name>X</name>\n  <peripherals>\n</device>\n";
    let errors = parse_err(text);
    assert_eq!(errors.len(), 1);
    let error = &errors[0];
    assert_eq!(
        (error.kind, error.severity),
        (DiagnosticKind::Syntax, Severity::Error)
    );
    let location = error.location.as_ref().expect("located");
    assert_eq!((location.line, location.column), (5, 1));
    assert_eq!(&*location.file, "test.svd");
    assert!(
        error
            .to_string()
            .starts_with("test.svd:5:1: error: malformed XML"),
        "{error}"
    );
}

#[test]
fn not_an_svd_file_is_an_error() {
    let errors = parse_err("<html><body/></html>");
    assert!(
        errors[0].message.contains("`<html>`"),
        "{}",
        errors[0].message
    );
    let errors = parse_err("");
    assert_eq!(errors[0].kind, DiagnosticKind::Syntax);
}

#[test]
fn access_words_in_any_case_and_synonyms_are_repaired() {
    let peripherals = r#"
<peripheral>
  <name>P</name>
  <baseAddress>0</baseAddress>
  <registers>
    <register>
      <name>A</name>
      <addressOffset>0</addressOffset>
      <access>read-writeonce</access>
    </register>
    <register>
      <name>B</name>
      <addressOffset>4</addressOffset>
      <access>write</access>
      <fields>
        <field><name>F</name><bitOffset>0</bitOffset><bitWidth>1</bitWidth><access>READ-ONLY</access>
          <modifiedWriteValues>OneToClear</modifiedWriteValues><readAction>Clear</readAction></field>
      </fields>
    </register>
  </registers>
</peripheral>"#;
    let text = device_with("", peripherals);
    let (device, warnings) = parse_ok(&text);
    let p = peripheral(&device, "P");
    assert_eq!(register(&p.items, "A").access, Access::ReadWriteOnce);
    let b = register(&p.items, "B");
    assert_eq!(b.access, Access::WriteOnly);
    let f = field(b, "F");
    assert_eq!(
        (f.access, f.write_action, f.read_action),
        (
            Access::ReadOnly,
            WriteAction::OneToClear,
            Some(ReadAction::Clear)
        )
    );
    let located: Vec<(u32, &str)> = warnings
        .iter()
        .map(|w| (w.location.as_ref().unwrap().line, w.path.as_str()))
        .collect();
    assert_eq!(
        located,
        [
            (line_of(&text, "read-writeonce"), "P.A"),
            (line_of(&text, "<access>write<"), "P.B"),
            (line_of(&text, "READ-ONLY"), "P.B.F"),
            (line_of(&text, "OneToClear"), "P.B.F"),
            (line_of(&text, "<readAction>Clear"), "P.B.F"),
        ]
    );
    assert!(
        warnings
            .iter()
            .all(|w| w.kind == DiagnosticKind::NonStandardValue && w.severity == Severity::Warning)
    );
    assert!(
        warnings[0].message.contains("`read-writeOnce`"),
        "{}",
        warnings[0].message
    );
}

#[test]
fn known_element_names_in_the_wrong_case_are_repaired() {
    let text = device_with(
        "",
        &UART.replace(
            "<bitRange>[7:0]</bitRange>",
            "<BitOffset>4</BitOffset><BITWIDTH>2</BITWIDTH>",
        ),
    );
    let (device, warnings) = parse_ok(&text);
    let data = field(register(&peripheral(&device, "UART0").items, "DR"), "DATA");
    assert_eq!((data.lsb, data.width), (4, 2));
    let found: Vec<(&str, u32, bool)> = warnings
        .iter()
        .map(|w| {
            (
                w.path.as_str(),
                w.location.as_ref().unwrap().line,
                w.message.contains("`<bitOffset>`"),
            )
        })
        .collect();
    let line = line_of(&text, "BitOffset");
    assert_eq!(
        found,
        [
            ("UART0.DR.DATA", line, true),
            ("UART0.DR.DATA", line, false)
        ]
    );
}

#[test]
fn an_unknown_access_word_is_an_error_at_its_line() {
    let text = device_with(
        "",
        &UART.replace(
            "<addressOffset>0x0</addressOffset>",
            "<addressOffset>0</addressOffset><access>sometimes</access>",
        ),
    );
    let errors = parse_err(&text);
    let error = only(&errors, DiagnosticKind::Syntax);
    assert_eq!(
        error.location.as_ref().unwrap().line,
        line_of(&text, "sometimes")
    );
    assert_eq!(error.path, "UART0.DR");
    assert!(error.message.contains("`sometimes`"));
}

#[test]
fn numbers_in_every_form() {
    let peripherals = r#"
<peripheral>
  <name>P</name>
  <baseAddress>0X4000_0000</baseAddress>
</peripheral>
<peripheral>
  <name>Q</name>
  <baseAddress> 0x10 </baseAddress>
  <registers>
    <register><name>R</name><addressOffset>#1000</addressOffset><resetValue>255</resetValue><resetMask>FF</resetMask>
      <fields>
        <field><name>F</name><lsb>4</lsb><msb>7</msb>
          <enumeratedValues>
            <enumeratedValue><name>A</name><value>0xA</value></enumeratedValue>
            <enumeratedValue><name>B</name><value>#1x1</value></enumeratedValue>
            <enumeratedValue><name>OTHER</name><isDefault>true</isDefault></enumeratedValue>
          </enumeratedValues>
        </field>
      </fields>
    </register>
  </registers>
</peripheral>"#;
    // `0X4000_0000` is not a number: an error naming it.
    let errors = parse_err(&device_with("", peripherals));
    assert!(
        errors.iter().any(|e| e.message.contains("`0X4000_0000`")),
        "{errors:?}"
    );
    let (device, warnings) = parse_ok(&device_with(
        "",
        &peripherals.replace("0X4000_0000", "0X40000000"),
    ));
    assert_eq!(peripheral(&device, "P").base_address, 0x4000_0000);
    let q = peripheral(&device, "Q");
    assert_eq!(q.base_address, 0x10);
    let r = register(&q.items, "R");
    assert_eq!((r.offset, r.reset_value), (8, 255));
    let f = field(r, "F");
    assert_eq!((f.lsb, f.width), (4, 4));
    let values: Vec<(&str, Option<u64>)> = f.enums[0]
        .values
        .iter()
        .map(|v| (v.name.as_str(), v.value))
        .collect();
    assert_eq!(values, [("A", Some(10)), ("B", Some(5)), ("OTHER", None)]);
    assert_eq!(r.reset_mask, 0xFF);
    // Whitespace around ` 0x10 ` is fine; hexadecimal without `0x` is worth a warning.
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].path, "Q.R");
    assert!(
        warnings[0].message.contains("`FF`"),
        "{}",
        warnings[0].message
    );
}

#[test]
fn a_byte_order_mark_namespaces_and_comments_are_fine() {
    let text = format!(
        "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- vendor header -->\n\
         <svd:device xmlns:svd=\"http://example.com/svd\" schemaVersion=\"1.3\">\n\
         <name>D</name><version>1</version><description>d</description>\n\
         <addressUnitBits>8</addressUnitBits><width>32</width>\n\
         <peripherals>{}</peripherals></svd:device>",
        UART.replace("<name>DR</name>", "<name><!-- data -->DR</name>")
            .replace("[7:0]", "<![CDATA[[7:0]]]>")
    );
    let (device, warnings) = parse_ok(&text);
    assert!(warnings.is_empty(), "{warnings:?}");
    let data = field(register(&peripheral(&device, "UART0").items, "DR"), "DATA");
    assert_eq!((data.lsb, data.width), (0, 8));
}

#[test]
fn missing_device_elements_and_cpu_children_are_warnings() {
    let text = format!(
        "<device>\n<name>D</name>\n<cpu>\n<name>CM4</name>\n<revision>r0p1</revision>\n<endian>little</endian>\n</cpu>\n\
         <peripherals>{UART}</peripherals>\n</device>"
    );
    let (device, warnings) = parse_ok(&text);
    assert_eq!(device.peripherals.len(), 1);
    let messages: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(warnings.len(), 8, "{messages:#?}");
    assert!(
        warnings
            .iter()
            .all(|w| w.kind == DiagnosticKind::MissingElement && w.severity == Severity::Warning)
    );
    assert!(messages.iter().any(|m| m.contains("`<version>`")));
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`<cpu>` has no `<mpuPresent>`"))
    );
    let cpu_warning = warnings
        .iter()
        .find(|w| w.message.contains("<cpu>"))
        .unwrap();
    assert_eq!(cpu_warning.location.as_ref().unwrap().line, 3);
}

#[test]
fn a_derived_from_naming_nothing_is_reported() {
    let peripherals = format!(
        r#"{UART}
<peripheral derivedFrom="UART9">
  <name>UART1</name>
  <baseAddress>0x40001000</baseAddress>
  <registers>
    <register derivedFrom="NOPE"><name>X</name><addressOffset>4</addressOffset></register>
  </registers>
</peripheral>"#
    );
    let text = device_with("", &peripherals);
    let (device, warnings) = parse_ok(&text);
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(
        warnings
            .iter()
            .all(|w| w.kind == DiagnosticKind::UnresolvedDerivation)
    );
    assert_eq!(warnings[0].path, "UART1");
    assert!(warnings[0].message.contains("`UART9`"));
    assert_eq!(
        warnings[0].location.as_ref().unwrap().line,
        line_of(&text, "UART9")
    );
    assert_eq!(warnings[1].path, "UART1.X");
    assert!(warnings[1].message.contains("does not exist"));
    // The element keeps what it declares.
    let uart1 = peripheral(&device, "UART1");
    assert_eq!(uart1.derived_from, None);
    assert_eq!(register(&uart1.items, "X").offset, 4);
    // Without its own base address the peripheral cannot be made sense of:
    // it is left out, and the device keeps the rest.
    let (device, warnings) = parse_ok(&device_with(
        "",
        r#"<peripheral derivedFrom="UART9"><name>U</name></peripheral>"#,
    ));
    assert!(device.peripherals.is_empty());
    assert!(
        warnings
            .iter()
            .any(|w| w.message == "peripheral has no `<baseAddress>`; the peripheral is left out"),
        "{warnings:#?}"
    );
}

#[test]
fn derivation_cycles_are_reported_not_followed() {
    let peripherals = r#"
<peripheral derivedFrom="B"><name>A</name><baseAddress>0</baseAddress></peripheral>
<peripheral derivedFrom="A"><name>B</name><baseAddress>0x100</baseAddress></peripheral>
<peripheral derivedFrom="C"><name>C</name><baseAddress>0x200</baseAddress></peripheral>"#;
    let (device, warnings) = parse_ok(&device_with("", peripherals));
    assert_eq!(device.peripherals.len(), 3);
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    assert!(
        warnings[0].message.contains("cycle"),
        "{}",
        warnings[0].message
    );
    // `C` naming itself finds nothing else called `C`.
    assert!(
        warnings[2].message.contains("does not exist"),
        "{}",
        warnings[2].message
    );
}

#[test]
fn forward_references_and_chains_resolve() {
    let peripherals = format!(
        r#"
<peripheral derivedFrom="UART1"><name>UART2</name><baseAddress>0x40002000</baseAddress></peripheral>
<peripheral derivedFrom="UART0"><name>UART1</name><baseAddress>0x40001000</baseAddress>
  <description>second</description></peripheral>
{UART}"#
    );
    let (device, warnings) = parse_ok(&device_with("", &peripherals));
    assert!(warnings.is_empty(), "{warnings:?}");
    let uart0 = peripheral(&device, "UART0");
    let uart2 = peripheral(&device, "UART2");
    assert_eq!(uart2.derived_from.as_deref(), Some("UART1"));
    assert_eq!(uart2.description.as_deref(), Some("second"));
    assert_eq!(uart2.items, uart0.items);
    assert_eq!(uart2.size, Some(0x100));
    assert_eq!(uart2.base_address, 0x4000_2000);
    // Input order is kept.
    let names: Vec<&str> = device.peripherals.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["UART2", "UART1", "UART0"]);
}

#[test]
fn registers_clusters_fields_and_enums_derive_by_name_and_path() {
    let peripherals = r#"
<peripheral>
  <name>A</name>
  <baseAddress>0x1000</baseAddress>
  <registers>
    <register derivedFrom="CTRL"><name>CTRL2</name><addressOffset>8</addressOffset></register>
    <register>
      <name>CTRL</name>
      <addressOffset>0</addressOffset>
      <size>16</size>
      <resetValue>0x5</resetValue>
      <fields>
        <field>
          <name>MODE</name><bitOffset>0</bitOffset><bitWidth>2</bitWidth>
          <enumeratedValues>
            <name>MODE_E</name>
            <usage>read-write</usage>
            <enumeratedValue><name>OFF</name><value>0</value></enumeratedValue>
            <enumeratedValue><name>ON</name><value>1</value></enumeratedValue>
          </enumeratedValues>
        </field>
        <field derivedFrom="MODE"><name>MODE2</name><bitOffset>4</bitOffset></field>
      </fields>
    </register>
    <cluster>
      <name>CH</name>
      <addressOffset>0x20</addressOffset>
      <register><name>CFG</name><addressOffset>0</addressOffset>
        <fields>
          <field derivedFrom="A.CTRL.MODE"><name>M</name></field>
          <field><name>N</name><bitOffset>8</bitOffset><bitWidth>2</bitWidth>
            <enumeratedValues derivedFrom="MODE_E"/></field>
        </fields>
      </register>
      <register derivedFrom="CFG"><name>CFG2</name><addressOffset>4</addressOffset></register>
    </cluster>
    <cluster derivedFrom="CH"><name>CH2</name><addressOffset>0x40</addressOffset></cluster>
  </registers>
</peripheral>
<peripheral>
  <name>B</name>
  <baseAddress>0x2000</baseAddress>
  <registers>
    <register derivedFrom="A.CTRL"><name>CTRL</name><addressOffset>0x10</addressOffset>
      <fields><field><name>EXTRA</name><bitOffset>15</bitOffset><bitWidth>1</bitWidth>
        <enumeratedValues derivedFrom="A.CTRL.MODE.MODE_E"/></field></fields>
    </register>
  </registers>
</peripheral>"#;
    let (device, warnings) = parse_ok(&device_with("", peripherals));
    assert!(warnings.is_empty(), "{warnings:#?}");
    let a = peripheral(&device, "A");
    let ctrl = register(&a.items, "CTRL");
    // A register derived from a sibling declared after it.
    let ctrl2 = register(&a.items, "CTRL2");
    assert_eq!((ctrl2.offset, ctrl2.size, ctrl2.reset_value), (8, 16, 5));
    assert_eq!(ctrl2.fields, ctrl.fields);
    // A field derived from a sibling keeps its own offset, takes width and enums.
    let mode2 = field(ctrl, "MODE2");
    assert_eq!((mode2.lsb, mode2.width), (4, 2));
    assert_eq!(mode2.enums, field(ctrl, "MODE").enums);
    let Item::Cluster(ch) = &a.items[2] else {
        panic!("cluster expected")
    };
    let cfg = register(&ch.items, "CFG");
    // A field derived through a dotted path takes everything.
    let m = field(cfg, "M");
    assert_eq!((m.lsb, m.width, m.enums.len()), (0, 2, 1));
    // Enumerated values derived by set name, found in another register.
    let n = field(cfg, "N");
    assert_eq!(n.enums[0].name.as_deref(), Some("MODE_E"));
    assert_eq!(n.enums[0].values.len(), 2);
    assert_eq!(n.enums[0].usage, Usage::ReadWrite);
    assert_eq!(register(&ch.items, "CFG2").fields, cfg.fields);
    // A derived cluster copies its members, with their derivations resolved.
    let Item::Cluster(ch2) = &a.items[3] else {
        panic!("cluster expected")
    };
    assert_eq!((ch2.offset, ch2.items.clone()), (0x40, ch.items.clone()));
    // A register derived across peripherals merges its own fields in.
    let b_ctrl = register(&peripheral(&device, "B").items, "CTRL");
    let names: Vec<&str> = b_ctrl.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["MODE", "MODE2", "EXTRA"]);
    assert_eq!(field(b_ctrl, "EXTRA").enums, field(ctrl, "MODE").enums);
    // Copied elements point at their source.
    assert_eq!(field(b_ctrl, "MODE").location, field(ctrl, "MODE").location);
}

#[test]
fn dim_index_forms() {
    let peripherals = r#"
<peripheral>
  <name>P</name>
  <baseAddress>0</baseAddress>
  <registers>
    <register><dim>8</dim><dimIncrement>4</dimIncrement><dimIndex>0-7</dimIndex>
      <name>R%s</name><addressOffset>0</addressOffset></register>
    <register><dim>3</dim><dimIncrement>0x4</dimIncrement><dimIndex>A,B,C</dimIndex>
      <name>S_%s</name><addressOffset>0x20</addressOffset></register>
    <register><dim>3</dim><dimIncrement>4</dimIncrement><dimIndex>1,3,4</dimIndex>
      <name>T%s</name><addressOffset>0x30</addressOffset></register>
    <register><dim>4</dim><dimIncrement>4</dimIncrement><dimIndex>1-4</dimIndex>
      <name>U%s</name><addressOffset>0x40</addressOffset></register>
    <register><dim>2</dim><dimIncrement>4</dimIncrement><dimIndex>C-D</dimIndex>
      <name>V%s</name><addressOffset>0x50</addressOffset></register>
    <register><dim>4</dim><dimIncrement>8</dimIncrement>
      <name>W[%s]</name><addressOffset>0x60</addressOffset>
      <fields><field><dim>4</dim><dimIncrement>2</dimIncrement><name>F%s</name><bitOffset>0</bitOffset><bitWidth>1</bitWidth></field></fields>
    </register>
  </registers>
</peripheral>"#;
    let (device, warnings) = parse_ok(&device_with("", peripherals));
    assert!(warnings.is_empty(), "{warnings:#?}");
    let items = &peripheral(&device, "P").items;
    let dim = |name: &str| register(items, name).dim.clone().expect("array");
    assert_eq!(
        (
            dim("R%s").count,
            dim("R%s").stride,
            dim("R%s").index_names.len()
        ),
        (8, 4, 0)
    );
    assert_eq!(dim("S_%s").index_names, ["A", "B", "C"]);
    assert_eq!(dim("T%s").index_names, ["1", "3", "4"]);
    assert_eq!(dim("U%s").index_names, ["1", "2", "3", "4"]);
    assert_eq!(dim("V%s").index_names, ["C", "D"]);
    assert_eq!((dim("W[%s]").count, dim("W[%s]").stride), (4, 8));
    let f = field(register(items, "W[%s]"), "F%s");
    assert_eq!(f.dim.as_ref().map(|d| (d.count, d.stride)), Some((4, 2)));
}

#[test]
fn inconsistent_arrays_are_repaired_or_refused() {
    let peripherals = r#"
<peripheral>
  <name>P</name>
  <baseAddress>0</baseAddress>
  <registers>
    <register><dim>4</dim><dimIncrement>4</dimIncrement><dimIndex>0-2</dimIndex>
      <name>A%s</name><addressOffset>0</addressOffset></register>
    <register><dim>2</dim><dimIncrement>4</dimIncrement>
      <name>B</name><addressOffset>0x10</addressOffset></register>
    <register><name>C%s</name><addressOffset>0x20</addressOffset></register>
  </registers>
</peripheral>"#;
    let (device, warnings) = parse_ok(&device_with("", peripherals));
    let items = &peripheral(&device, "P").items;
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    assert!(warnings.iter().all(|w| w.kind == DiagnosticKind::BadArray));
    assert_eq!(
        register(items, "A%s")
            .dim
            .as_ref()
            .map(|d| d.index_names.len()),
        Some(0)
    );
    assert_eq!(
        register(items, "B%s").dim.as_ref().map(|d| d.count),
        Some(2)
    );
    assert!(register(items, "C").dim.is_none());

    let zero = r#"<peripheral><name>P</name><baseAddress>0</baseAddress><registers>
      <register><dim>0</dim><dimIncrement>4</dimIncrement><name>A%s</name><addressOffset>0</addressOffset></register>
      <register><dim>2</dim><name>B%s</name><addressOffset>0</addressOffset></register>
    </registers></peripheral>"#;
    let (device, warnings) = parse_ok(&device_with("", zero));
    assert!(
        peripheral(&device, "P").items.is_empty(),
        "both are left out"
    );
    let bad: Vec<(&str, &str)> = warnings
        .iter()
        .filter(|w| w.kind == DiagnosticKind::BadArray)
        .map(|w| (w.path.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        bad,
        [
            (
                "P.A%s",
                "`<dim>` is 0; an array needs 1 to 1048576 elements; the register is left out"
            ),
            (
                "P.B%s",
                "`<dim>` without `<dimIncrement>`: the element spacing is unknown; the register \
                 is left out"
            ),
        ]
    );
}

#[test]
fn peripheral_arrays_are_expanded() {
    let peripherals = r#"
<peripheral>
  <dim>3</dim><dimIncrement>0x1000</dimIncrement>
  <name>TIMER%s</name>
  <description>Timer %s</description>
  <baseAddress>0x40010000</baseAddress>
  <registers><register><name>CNT</name><addressOffset>0</addressOffset></register></registers>
</peripheral>
<peripheral><dim>2</dim><dimIncrement>0x100</dimIncrement><dimIndex>A,B</dimIndex>
  <name>PORT[%s]</name><baseAddress>0x50000000</baseAddress></peripheral>"#;
    let (device, warnings) = parse_ok(&device_with("", peripherals));
    assert!(warnings.is_empty(), "{warnings:#?}");
    let found: Vec<(&str, u64, Option<&str>)> = device
        .peripherals
        .iter()
        .map(|p| (p.name.as_str(), p.base_address, p.description.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            ("TIMER0", 0x4001_0000, Some("Timer 0")),
            ("TIMER1", 0x4001_1000, Some("Timer 1")),
            ("TIMER2", 0x4001_2000, Some("Timer 2")),
            ("PORTA", 0x5000_0000, None),
            ("PORTB", 0x5000_0100, None),
        ]
    );
    assert_eq!(register(&device.peripherals[2].items, "CNT").offset, 0);
}

#[test]
fn register_properties_inherit_down_the_tree() {
    let peripherals = r#"
<peripheral>
  <name>P</name>
  <baseAddress>0</baseAddress>
  <access>read-only</access>
  <registers>
    <register><name>A</name><addressOffset>0</addressOffset>
      <fields><field><name>F</name><bitOffset>3</bitOffset></field></fields></register>
    <cluster><name>C</name><addressOffset>0x10</addressOffset><size>8</size><resetValue>0x11</resetValue>
      <register><name>B</name><addressOffset>0</addressOffset><access>write-only</access>
        <modifiedWriteValues>oneToClear</modifiedWriteValues>
        <fields>
          <field><name>G</name><bitOffset>0</bitOffset><bitWidth>1</bitWidth></field>
          <field><name>H</name><bitOffset>1</bitOffset><bitWidth>1</bitWidth><modifiedWriteValues>oneToSet</modifiedWriteValues>
            <writeConstraint><range><minimum>0</minimum><maximum>1</maximum></range></writeConstraint></field>
        </fields>
      </register>
    </cluster>
  </registers>
</peripheral>"#;
    let (device, warnings) = parse_ok(&device_with(
        "<size>16</size><resetMask>0xFF</resetMask>",
        peripherals,
    ));
    assert!(warnings.is_empty(), "{warnings:#?}");
    let items = &peripheral(&device, "P").items;
    let a = register(items, "A");
    assert_eq!(
        (a.size, a.access, a.reset_value, a.reset_mask),
        (16, Access::ReadOnly, 0, 0xFF)
    );
    let f = field(a, "F");
    // `bitOffset` without `bitWidth` is one bit; access comes from the register.
    assert_eq!((f.lsb, f.width, f.access), (3, 1, Access::ReadOnly));
    let Item::Cluster(c) = &items[1] else {
        panic!("cluster expected")
    };
    let b = register(&c.items, "B");
    assert_eq!(
        (b.size, b.access, b.reset_value, b.reset_mask),
        (8, Access::WriteOnly, 0x11, 0xFF)
    );
    assert_eq!(field(b, "G").write_action, WriteAction::OneToClear);
    let h = field(b, "H");
    assert_eq!(h.write_action, WriteAction::OneToSet);
    assert_eq!(
        h.write_constraint,
        Some(WriteConstraint::Range { min: 0, max: 1 })
    );
    // Without any declaration: 32 bits, read-write, mask of the size.
    let (device, _) = parse_ok(&device_with("<size>8</size>", UART));
    let dr = register(&peripheral(&device, "UART0").items, "DR");
    assert_eq!(
        (dr.size, dr.access, dr.reset_mask),
        (8, Access::ReadWrite, 0xFF)
    );
}

#[test]
fn elements_that_cannot_be_made_sense_of_are_left_out() {
    let peripherals = r#"
<peripheral>
  <name>P</name>
  <baseAddress>0</baseAddress>
  <registers>
    <register><name>NO_OFFSET</name></register>
    <register><addressOffset>4</addressOffset></register>
    <register><name>R</name><addressOffset>8</addressOffset>
      <fields>
        <field><name>NO_BITS</name></field>
        <field><name>ZERO</name><bitOffset>0</bitOffset><bitWidth>0</bitWidth></field>
        <field><name>BAD_RANGE</name><bitRange>7:0</bitRange></field>
      </fields>
    </register>
  </registers>
</peripheral>"#;
    let text = device_with("", peripherals);
    let (device, warnings) = parse_ok(&text);
    let found: Vec<(&str, u32)> = warnings
        .iter()
        .map(|e| (e.path.as_str(), e.location.as_ref().unwrap().line))
        .collect();
    assert_eq!(
        found,
        [
            ("P.NO_OFFSET", line_of(&text, "NO_OFFSET")),
            ("P", line_of(&text, "<addressOffset>4<")),
            ("P.R.NO_BITS", line_of(&text, "NO_BITS")),
            ("P.R.ZERO", line_of(&text, "ZERO")),
            ("P.R.BAD_RANGE", line_of(&text, "7:0")),
        ],
        "{warnings:#?}"
    );
    assert!(
        warnings.iter().all(|w| w.message.ends_with("is left out")),
        "{warnings:#?}"
    );
    // What is left is what could be read: `R` without its three fields.
    let items = &peripheral(&device, "P").items;
    assert_eq!(items.len(), 1);
    assert!(register(items, "R").fields.is_empty());
}

#[test]
fn absurd_numbers_are_refused_without_panicking() {
    let cases = [
        "<dim>4294967295</dim><dimIncrement>4</dimIncrement><name>R%s</name><addressOffset>0</addressOffset>",
        "<dim>99999999999</dim><dimIncrement>4</dimIncrement><name>R%s</name><addressOffset>0</addressOffset>",
        "<dim>3</dim><dimIncrement>4</dimIncrement><dimIndex>0-18446744073709551615</dimIndex><name>R%s</name><addressOffset>0</addressOffset>",
        "<name>R</name><addressOffset>0xFFFFFFFFFFFFFFFFFF</addressOffset>",
        "<name>R</name><addressOffset>0</addressOffset><size>0xFFFFFFFFFF</size>",
        "<name>R</name><addressOffset>0</addressOffset><fields><field><name>F</name><lsb>4294967295</lsb><msb>0</msb></field></fields>",
        "<name>R</name><addressOffset>0</addressOffset><fields><field><name>F</name><bitRange>[4294967295:0]</bitRange></field></fields>",
        "<name>R</name><addressOffset>0</addressOffset><size>64</size><fields><field><name>F</name><bitOffset>0</bitOffset><bitWidth>64</bitWidth></field></fields>",
    ];
    for case in cases {
        let peripherals = format!(
            "<peripheral><name>P</name><baseAddress>0</baseAddress><registers><register>{case}</register></registers></peripheral>"
        );
        // Either outcome is fine; a panic is not.
        let _ = svd::parse(&device_with("", &peripherals), "test.svd");
    }
    let huge = r#"<peripheral><dim>1000</dim><dimIncrement>0x100000000000000</dimIncrement>
      <name>P%s</name><baseAddress>0xFFFFFFFFFFFFFFFF</baseAddress></peripheral>"#;
    let (device, warnings) = parse_ok(&device_with("", huge));
    assert!(
        device.peripherals.is_empty(),
        "left out whole, not cut short"
    );
    assert!(
        warnings.iter().any(|e| e.kind == DiagnosticKind::BadArray),
        "{warnings:#?}"
    );
}

#[test]
fn truncated_and_garbled_files_never_panic() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/svd-corpus/ARM_Sample.svd"
    ))
    .expect("corpus file");
    let mut outcomes = (0, 0);
    for end in (0..text.len()).step_by(61) {
        let Some(prefix) = text.get(..end) else {
            continue;
        };
        match svd::parse(prefix, "truncated.svd") {
            Ok(_) => outcomes.0 += 1,
            Err(diagnostics) => {
                assert!(diagnostics.has_errors());
                assert!(diagnostics.0.iter().all(|d| d.location.is_some()));
                outcomes.1 += 1;
            }
        }
    }
    assert!(outcomes.1 > 0);
    // Overwrite bytes with characters that matter to XML and to numbers.
    let replacements = ['<', '>', '"', '&', 'x', '#', '0', '-', '%', '.'];
    let bytes: Vec<char> = text.chars().collect();
    for (round, position) in (0..bytes.len()).step_by(37).enumerate() {
        let mut garbled = bytes.clone();
        garbled[position] = replacements[round % replacements.len()];
        let garbled: String = garbled.into_iter().collect();
        let _ = svd::parse(&garbled, "garbled.svd");
    }
    // Plain garbage.
    for garbage in [
        "\0\0\0",
        "<device",
        "<device></device>",
        "<device><peripherals><peripheral/></peripherals></device>",
        "<<<>>>",
    ] {
        let _ = svd::parse(garbage, "garbage.svd");
    }
}

#[test]
fn register_modified_write_values_stay_on_the_register_and_default_its_fields() {
    let peripherals = r#"
<peripheral>
  <name>P</name>
  <baseAddress>0</baseAddress>
  <registers>
    <register><name>STATUS</name><addressOffset>0</addressOffset>
      <modifiedWriteValues>oneToClear</modifiedWriteValues></register>
    <register><name>FLAGS</name><addressOffset>4</addressOffset>
      <modifiedWriteValues>oneToClear</modifiedWriteValues>
      <fields>
        <field><name>A</name><bitOffset>0</bitOffset><bitWidth>1</bitWidth></field>
        <field><name>B</name><bitOffset>1</bitOffset><bitWidth>1</bitWidth><modifiedWriteValues>oneToSet</modifiedWriteValues></field>
      </fields>
    </register>
    <register derivedFrom="STATUS"><name>STATUS2</name><addressOffset>8</addressOffset></register>
    <register><name>PLAIN</name><addressOffset>0xc</addressOffset></register>
  </registers>
</peripheral>"#;
    let (device, warnings) = parse_ok(&device_with("", peripherals));
    assert!(warnings.is_empty(), "{warnings:#?}");
    let items = &peripheral(&device, "P").items;
    // No fields: the action is kept on the register, for all its bits.
    let status = register(items, "STATUS");
    assert!(status.fields.is_empty());
    assert_eq!(status.write_action, WriteAction::OneToClear);
    // With fields: on the register and on each field that has none of its own.
    let flags = register(items, "FLAGS");
    assert_eq!(flags.write_action, WriteAction::OneToClear);
    assert_eq!(field(flags, "A").write_action, WriteAction::OneToClear);
    assert_eq!(field(flags, "B").write_action, WriteAction::OneToSet);
    // Inherited through `derivedFrom`.
    assert_eq!(
        register(items, "STATUS2").write_action,
        WriteAction::OneToClear
    );
    let plain = register(items, "PLAIN");
    assert_eq!(
        (plain.write_action, plain.dma, plain.word_order),
        (
            WriteAction::Normal,
            false,
            mmreg_codegen::ir::WordOrder::LowFirst
        )
    );
}

#[test]
fn register_write_action_on_a_read_only_register_is_a_located_warning() {
    let text = device_with(
        "",
        r#"
<peripheral>
  <name>P</name>
  <baseAddress>0</baseAddress>
  <registers>
    <register><name>RO</name><addressOffset>0</addressOffset><access>read-only</access>
      <modifiedWriteValues>oneToClear</modifiedWriteValues></register>
  </registers>
</peripheral>"#,
    );
    let (device, warnings) = parse_ok(&text);
    assert!(warnings.is_empty(), "{warnings:#?}");
    let diagnostics = mmreg_codegen::validate::check(&device);
    let warning = only(&diagnostics, DiagnosticKind::AccessMismatch);
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!(warning.path, "P.RO");
    assert_eq!(
        warning.message,
        "write action `oneToClear` on a read-only register has no effect"
    );
    let location = warning.location.as_ref().expect("located");
    assert_eq!(
        (&*location.file, location.line),
        ("test.svd", line_of(&text, "<name>RO</name>"))
    );
}

/// SVD cannot mark DMA registers itself: `Options::dma_registers` does, by
/// path, before validation; a path that names no register is an error.
#[test]
fn dma_registers_option_marks_svd_registers_by_path() {
    let text = device_with(
        "",
        r#"
<peripheral>
  <name>DMA</name>
  <baseAddress>0x40000000</baseAddress>
  <registers>
    <register><name>CTRL</name><addressOffset>0</addressOffset></register>
    <cluster><dim>2</dim><dimIncrement>0x10</dimIncrement><name>CH%s</name><addressOffset>0x100</addressOffset>
      <register><name>SRC</name><addressOffset>0</addressOffset></register>
      <register><name>LEN</name><addressOffset>4</addressOffset></register>
    </cluster>
  </registers>
</peripheral>"#,
    );
    let directory =
        std::env::temp_dir().join(format!("mmreg-svd-snippets-{}-dma", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let path = directory.join("dma.svd");
    std::fs::write(&path, &text).unwrap();
    let options = |paths: &[&str]| mmreg_codegen::Options {
        dma_registers: paths.iter().map(|path| path.to_string()).collect(),
        ..mmreg_codegen::Options::default()
    };
    let marked = mmreg_codegen::load_with(&path, &options(&["DMA.CH%s.SRC", "DMA.CTRL"]));
    let missing = mmreg_codegen::load_with(&path, &options(&["DMA.CH%s.SCR"]));
    std::fs::remove_dir_all(&directory).unwrap();
    let device = marked.unwrap_or_else(|error| panic!("{error}")).device;
    let items = &peripheral(&device, "DMA").items;
    assert!(register(items, "CTRL").dma);
    let Some(Item::Cluster(channel)) = items.get(1) else {
        panic!("cluster expected in {items:?}")
    };
    assert_eq!(
        (
            register(&channel.items, "SRC").dma,
            register(&channel.items, "LEN").dma
        ),
        (true, false)
    );
    let error = missing.unwrap_err();
    assert_eq!(
        error.to_string(),
        "no register at path `DMA.CH%s.SCR`; did you mean `DMA.CH%s.SRC`, `DMA.CH%s.LEN`?"
    );
}

/// Issue 13 item 3 (XML part): 20,000 nested clusters are a located error at
/// the element past the depth bound, not a stack overflow.
#[test]
fn deep_nesting_is_a_located_error() {
    let depth = 20_000;
    let mut clusters = String::new();
    for level in 0..depth {
        clusters.push_str(&format!(
            "<cluster><name>C{level}</name><addressOffset>0</addressOffset>\n"
        ));
    }
    clusters.push_str("<register><name>R</name><addressOffset>0</addressOffset></register>\n");
    clusters.push_str(&"</cluster>".repeat(depth));
    let peripheral = format!(
        "<peripheral><name>P</name><baseAddress>0</baseAddress><registers>\n{clusters}\n</registers></peripheral>"
    );
    let text = device_with("", &peripheral);
    let errors = parse_err(&text);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let error = &errors[0];
    assert_eq!(error.kind, DiagnosticKind::Syntax);
    let location = error.location.as_ref().expect("located");
    // Line 11 holds `<peripheral>`; `<registers>` is its fourth level and the
    // clusters follow, one a line.
    assert!(location.line > 11 && location.line < 11 + 300, "{error}");
    assert!(
        error.message.contains("nested deeper than 256 levels"),
        "{error}"
    );
}

/// Issue 13 item 5: a chain of 100 peripherals, each derived from the next
/// (forward references, no cycle), resolves whole; a real cycle is still
/// reported, naming its members.
#[test]
fn long_derivation_chains_resolve() {
    let count = 100;
    let mut peripherals = String::new();
    for index in 0..count - 1 {
        let next = index + 1;
        peripherals.push_str(&format!(
            "<peripheral derivedFrom=\"P{next}\"><name>P{index}</name><baseAddress>{}</baseAddress></peripheral>\n",
            0x1000 * index
        ));
    }
    peripherals.push_str(&UART.replace("UART0", &format!("P{}", count - 1)));
    let (device, warnings) = parse_ok(&device_with("", &peripherals));
    assert!(warnings.is_empty(), "{warnings:#?}");
    let last = peripheral(&device, &format!("P{}", count - 1));
    assert!(!last.items.is_empty());
    for index in 0..count - 1 {
        let derived = peripheral(&device, &format!("P{index}"));
        assert_eq!(derived.items, last.items, "P{index}");
        assert_eq!(
            derived.derived_from.as_deref(),
            Some(&*format!("P{}", index + 1))
        );
    }
    // A cycle of three, entered from a fourth peripheral.
    let cycle = r#"
<peripheral derivedFrom="A"><name>D</name><baseAddress>0x300</baseAddress></peripheral>
<peripheral derivedFrom="B"><name>A</name><baseAddress>0</baseAddress></peripheral>
<peripheral derivedFrom="C"><name>B</name><baseAddress>0x100</baseAddress></peripheral>
<peripheral derivedFrom="A"><name>C</name><baseAddress>0x200</baseAddress></peripheral>"#;
    let (_, warnings) = parse_ok(&device_with("", cycle));
    assert_eq!(warnings.len(), 4, "{warnings:#?}");
    assert!(
        warnings
            .iter()
            .all(|w| w.kind == DiagnosticKind::UnresolvedDerivation),
        "{warnings:#?}"
    );
    assert!(
        warnings[1].message.contains("`A` -> `B` -> `C` -> `A`"),
        "{}",
        warnings[1].message
    );
}

/// Issue 13 item 10: the schema's `enumeratedValueDataType` is
/// `[+]?(((0x|0X)[0-9a-fA-F]+)|([0-9]+)|((#|0b)[01xX]+))`: `0b` with
/// don't-care `x` bits is legal there, and draws no warning. Don't-care bits
/// read as 0 (as in `#` values): the value names the first value it matches.
/// Elsewhere (`scaledNonNegativeInteger`, `[+]?(0x|0X|#)?[0-9a-fA-F]+[kmgtKMGT]?`)
/// `0b` and `x` are off the schema, and the warning says so.
#[test]
fn enumerated_values_in_every_schema_form() {
    let peripherals = r#"
<peripheral>
  <name>P</name>
  <baseAddress>0</baseAddress>
  <registers>
    <register><name>R</name><addressOffset>0</addressOffset><size>32</size>
      <fields>
        <field><name>F</name><bitOffset>0</bitOffset><bitWidth>4</bitWidth>
          <enumeratedValues>
            <enumeratedValue><name>HEX</name><value>0xA</value></enumeratedValue>
            <enumeratedValue><name>DEC</name><value>+9</value></enumeratedValue>
            <enumeratedValue><name>BIN</name><value>0b0001</value></enumeratedValue>
            <enumeratedValue><name>CARE</name><value>0b01x1</value></enumeratedValue>
            <enumeratedValue><name>HASH</name><value>#001x</value></enumeratedValue>
            <enumeratedValue><name>ANY</name><value>0bxx11</value></enumeratedValue>
          </enumeratedValues>
        </field>
      </fields>
    </register>
  </registers>
</peripheral>"#;
    let (device, warnings) = parse_ok(&device_with("", peripherals));
    assert!(warnings.is_empty(), "{warnings:#?}");
    let r = register(&peripheral(&device, "P").items, "R");
    let values: Vec<(&str, Option<u64>)> = field(r, "F").enums[0]
        .values
        .iter()
        .map(|v| (v.name.as_str(), v.value))
        .collect();
    assert_eq!(
        values,
        [
            ("HEX", Some(0xA)),
            ("DEC", Some(9)),
            ("BIN", Some(1)),
            ("CARE", Some(0b0101)),
            ("HASH", Some(0b0010)),
            ("ANY", Some(0b0011)),
        ]
    );
    // Outside enumerated values, `0b` and don't-care bits are off the schema.
    let off = peripherals
        .replace(
            "<addressOffset>0</addressOffset>",
            "<addressOffset>0b100</addressOffset>",
        )
        .replace(
            "<baseAddress>0</baseAddress>",
            "<baseAddress>#1x0</baseAddress>",
        );
    let (device, warnings) = parse_ok(&device_with("", &off));
    let p = peripheral(&device, "P");
    assert_eq!(p.base_address, 0b100);
    assert_eq!(register(&p.items, "R").offset, 4);
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(
        warnings[0].message.contains("`x`") && warnings[0].message.contains("enumerated values"),
        "{}",
        warnings[0].message
    );
    assert!(
        warnings[1].message.contains("`0b`") && warnings[1].message.contains("enumerated values"),
        "{}",
        warnings[1].message
    );
}

/// Issue 13 item 12: a file cut off mid-element is located where it ends,
/// not at 1:1.
#[test]
fn truncated_xml_is_located_where_it_ends() {
    let whole = device_with("", UART);
    // Cut mid-file, inside `</peripherals>`, and inside the last `</device>`.
    for cut in [whole.len() / 2, whole.len() - 12, whole.len() - 2] {
        let text = &whole[..cut];
        let errors = parse_err(text);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        let location = errors[0].location.as_ref().expect("located");
        let last_line = text.split('\n').count();
        let last_column = text.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        assert_eq!(
            (location.line as usize, location.column as usize),
            (last_line, last_column),
            "cut at {cut}: {}",
            errors[0]
        );
    }
}

/// Issue 13 item 12: invalid UTF-8 is located at its byte's line and
/// column, and the cause is stated once.
#[test]
fn invalid_utf8_is_located_at_its_byte() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("svd_snippets_utf8");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bad.svd");
    let mut bytes = device_with("", UART).into_bytes();
    // Line 3 is `<name>TEST</name>`; put a stray byte in place of the `E`.
    let at = bytes.windows(4).position(|w| w == b"TEST").expect("name") + 1;
    bytes[at] = 0xFF;
    std::fs::write(&path, &bytes).expect("write");
    let error = mmreg_codegen::load(&path).expect_err("invalid UTF-8");
    let text = error.to_string();
    assert!(text.contains("bad.svd:3:8: error: invalid UTF-8"), "{text}");
    assert_eq!(text.matches("UTF-8").count(), 1, "{text}");
    assert!(std::error::Error::source(&error).is_none(), "{text}");
}

/// Issue 13 item 1 (bit ranges): a field spanning all 2^32 bit numbers is
/// left out with a located warning in every SVD form, not a silently
/// saturated width.
#[test]
fn bit_ranges_wider_than_u32_are_left_out() {
    for position in [
        "<bitRange>[4294967295:0]</bitRange>",
        "<lsb>0</lsb><msb>4294967295</msb>",
    ] {
        let peripherals = format!(
            "<peripheral><name>P</name><baseAddress>0</baseAddress><registers>\n\
             <register><name>R</name><addressOffset>0</addressOffset><fields>\n\
             <field><name>F</name>{position}</field>\n\
             </fields></register></registers></peripheral>"
        );
        let text = device_with("", &peripherals);
        let (device, errors) = parse_ok(&text);
        assert!(
            register(&peripheral(&device, "P").items, "R")
                .fields
                .is_empty()
        );
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(
            (errors[0].kind, errors[0].path.as_str()),
            (DiagnosticKind::Syntax, "P.R.F")
        );
        assert!(
            errors[0].message.contains("4294967296 bits")
                && errors[0].message.ends_with("; the field is left out"),
            "{}",
            errors[0]
        );
        let line = line_of(&text, "<field>");
        assert_eq!(errors[0].location.as_ref().map(|l| l.line), Some(line));
    }
}
