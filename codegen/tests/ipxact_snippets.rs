//! The IP-XACT front end on small written-for-the-test components: the
//! features and failure modes the corpus does not exercise (parameter
//! overrides, 2009 dependencies, alternate registers, `isPresent`,
//! `addressUnitBits`, parallel banks, 2022 access policies, refusals), each
//! diagnostic checked for its kind, line and path.

use mmreg_codegen::ir::{Access, Device, Item, Register};
use mmreg_codegen::{Diagnostic, DiagnosticKind, Diagnostics, ipxact};

const NS_2014: &str = "http://www.accellera.org/XMLSchema/IPXACT/1685-2014";
const NS_2009: &str = "http://www.spiritconsortium.org/XMLSchema/SPIRIT/1685-2009";
const NS_2022: &str = "http://www.accellera.org/XMLSchema/IPXACT/1685-2022";

/// A component in namespace `ns` (prefix `p:`) around `body`.
fn component(ns: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<p:component xmlns:p=\"{ns}\">\n<p:vendor>v</p:vendor><p:library>l</p:library>\
         <p:name>c</p:name><p:version>1</p:version>\n{body}\n</p:component>\n"
    )
}

/// One memory map with one block `b` at `base` holding `registers`.
fn block(base: &str, registers: &str, extra: &str) -> String {
    format!(
        "<p:memoryMaps><p:memoryMap><p:name>m</p:name>{extra}\n<p:addressBlock><p:name>b</p:name>\
         <p:baseAddress>{base}</p:baseAddress><p:range>'h100</p:range><p:width>32</p:width>\n\
         {registers}\n</p:addressBlock></p:memoryMap></p:memoryMaps>"
    )
}

fn reg(name: &str, offset: &str, inner: &str) -> String {
    format!(
        "<p:register><p:name>{name}</p:name><p:addressOffset>{offset}</p:addressOffset>\
         <p:size>32</p:size>{inner}</p:register>\n"
    )
}

fn parse(text: &str, params: &[(&str, &str)]) -> Result<(Device, Vec<Diagnostic>), Diagnostics> {
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    ipxact::parse(text, "t.xml", &params)
}

fn ok(text: &str, params: &[(&str, &str)]) -> (Device, Vec<Diagnostic>) {
    parse(text, params).unwrap_or_else(|errors| panic!("{errors}\n{text}"))
}

fn errors(text: &str, params: &[(&str, &str)]) -> Vec<Diagnostic> {
    match parse(text, params) {
        Ok(_) => panic!("no error for\n{text}"),
        Err(Diagnostics(list)) => list.into_iter().filter(Diagnostic::is_error).collect(),
    }
}

fn registers(device: &Device) -> Vec<&Register> {
    device.peripherals[0]
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Register(register) => Some(register),
            Item::Cluster(_) => None,
        })
        .collect()
}

const PARAMS: &str = "<p:parameters>\
    <p:parameter parameterId=\"id_w\" resolve=\"user\"><p:name>WIDTH</p:name><p:value>16</p:value></p:parameter>\
    <p:parameter parameterId=\"id_base\"><p:name>BASE</p:name><p:value>'h40</p:value></p:parameter>\
    <p:parameter parameterId=\"id_twice\"><p:name>TWICE</p:name><p:value>id_w*2</p:value></p:parameter>\
    </p:parameters>";

#[test]
fn parameters_are_resolved_and_overridden_by_name_or_id() {
    let text = component(
        NS_2014,
        &format!(
            "{}{PARAMS}",
            block("id_base", &reg("r", "id_twice/8", ""), "")
        ),
    );
    let (device, _) = ok(&text, &[]);
    assert_eq!(device.peripherals[0].base_address, 0x40);
    assert_eq!(registers(&device)[0].offset, 4);
    let (device, _) = ok(&text, &[("BASE", "0x1000"), ("id_w", "32")]);
    assert_eq!(device.peripherals[0].base_address, 0x1000);
    assert_eq!(registers(&device)[0].offset, 8, "TWICE follows WIDTH");
}

#[test]
fn unknown_and_bad_param_overrides_are_errors() {
    let text = component(
        NS_2014,
        &format!("{}{PARAMS}", block("0", &reg("r", "0", ""), "")),
    );
    let found = errors(&text, &[("NOPE", "1")]);
    assert_eq!(found[0].kind, DiagnosticKind::UnresolvedParameter);
    assert!(found[0].message.contains("`--param NOPE`"), "{}", found[0]);
    assert!(
        found[0].message.contains("`WIDTH`"),
        "lists the parameters: {}",
        found[0]
    );
    let found = errors(&text, &[("WIDTH", "abc")]);
    assert_eq!(found[0].kind, DiagnosticKind::BadExpression);
}

#[test]
fn an_ambiguous_param_name_is_an_error_naming_the_ids() {
    let two = "<p:parameters>\
        <p:parameter parameterId=\"a\"><p:name>N</p:name><p:value>1</p:value></p:parameter>\
        <p:parameter parameterId=\"b\"><p:name>N</p:name><p:value>2</p:value></p:parameter>\
        </p:parameters>";
    let text = component(
        NS_2014,
        &format!("{}{two}", block("0", &reg("r", "0", ""), "")),
    );
    let found = errors(&text, &[("N", "3")]);
    assert!(found[0].message.contains("ambiguous") && found[0].message.contains("`a`, `b`"));
    ok(&text, &[("b", "3")]);
}

#[test]
fn a_parameter_without_a_usable_value_is_a_located_error_naming_it() {
    let bad = "<p:parameters>\
        <p:parameter parameterId=\"id_addr\"><p:name>C_BASEADDR</p:name><p:value>C_S00_AXI_BASEADDR</p:value></p:parameter>\
        </p:parameters>";
    let text = component(
        NS_2014,
        &format!("{}{bad}", block("id_addr", &reg("r", "0", ""), "")),
    );
    let found = errors(&text, &[]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].kind, DiagnosticKind::UnresolvedParameter);
    assert!(
        found[0].message.contains("parameter `C_BASEADDR`"),
        "{}",
        found[0]
    );
    assert!(
        found[0].message.contains("--param C_BASEADDR=VALUE"),
        "{}",
        found[0]
    );
    assert_eq!(
        found[0].location.as_ref().unwrap().line,
        5,
        "the baseAddress"
    );
    // Given a value, it loads.
    let (device, _) = ok(&text, &[("C_BASEADDR", "0x43C00000")]);
    assert_eq!(device.peripherals[0].base_address, 0x43C0_0000);
}

#[test]
fn reference_cycles_and_bad_expressions_are_errors_not_hangs() {
    let cycle = "<p:parameters>\
        <p:parameter parameterId=\"a\"><p:name>A</p:name><p:value>b+1</p:value></p:parameter>\
        <p:parameter parameterId=\"b\"><p:name>B</p:name><p:value>a+1</p:value></p:parameter>\
        </p:parameters>";
    let text = component(
        NS_2014,
        &format!("{}{cycle}", block("a", &reg("r", "0", ""), "")),
    );
    assert!(errors(&text, &[])[0].message.contains("depends on itself"));
    for (expression, expected) in [
        ("1/0", "divides by zero"),
        ("$pow(2,200)", "overflows"),
        ("'hFFFFFFFFFFFFFFFFF", "not a number from 0 to 2^64-1"),
        ("-4", "not a number from 0"),
        ("$sqrt(4)", "not supported"),
        ("(1", "expected `)`"),
    ] {
        let text = component(NS_2014, &block(expression, &reg("r", "0", ""), ""));
        let found = errors(&text, &[]);
        assert!(
            found[0].message.contains(expected),
            "{expression}: {}",
            found[0]
        );
        assert_eq!(found[0].location.as_ref().unwrap().line, 5, "{expression}");
    }
    // A long chain of parameters, each used twice, evaluates once each.
    let mut chain = String::from(
        "<p:parameters><p:parameter parameterId=\"p0\"><p:name>P0</p:name><p:value>1</p:value></p:parameter>",
    );
    for index in 1..30 {
        chain.push_str(&format!(
            "<p:parameter parameterId=\"p{index}\"><p:name>P{index}</p:name><p:value>(p{0}+p{0})/2</p:value></p:parameter>",
            index - 1
        ));
    }
    chain.push_str("</p:parameters>");
    let text = component(
        NS_2014,
        &format!("{}{chain}", block("p29", &reg("r", "0", ""), "")),
    );
    assert_eq!(ok(&text, &[]).0.peripherals[0].base_address, 1);
}

#[test]
fn spirit_2009_dependencies_and_ids() {
    let body = "<p:parameters><p:parameter><p:name>C_W</p:name>\
        <p:value p:id=\"PARAM_VALUE.C_W\" p:format=\"long\">32</p:value></p:parameter></p:parameters>";
    let spirit_register = "<p:register><p:name>r</p:name>\
        <p:addressOffset p:resolve=\"dependent\" p:dependency=\"(spirit:decode(id('PARAM_VALUE.C_W')) div 8) * 2\">0</p:addressOffset>\
        <p:size>32</p:size><p:reset><p:value>0x10</p:value></p:reset></p:register>";
    let text = component(
        NS_2009,
        &format!("{}{body}", block("4K", spirit_register, "")),
    );
    let (device, _) = ok(&text, &[]);
    assert_eq!(device.peripherals[0].base_address, 4096);
    let register = registers_of(&device);
    assert_eq!(register.offset, 8);
    assert_eq!(
        (register.reset_value, register.reset_mask),
        (0x10, 0xffff_ffff)
    );
    let (device, _) = ok(&text, &[("C_W", "64")]);
    assert_eq!(registers_of(&device).offset, 16);
    let unsupported = text.replace("div 8", "div spirit:log(2, 8)");
    assert!(errors(&unsupported, &[])[0].message.contains("spirit:log"));
}

fn registers_of(device: &Device) -> &Register {
    registers(device)[0]
}

#[test]
fn alternate_registers_share_the_offset_and_name_their_group() {
    let inner = "<p:access>read-only</p:access><p:alternateRegisters><p:alternateRegister>\
        <p:name>r_alt</p:name><p:alternateGroups><p:alternateGroup>mode1</p:alternateGroup></p:alternateGroups>\
        <p:access>write-only</p:access>\
        <p:field><p:name>f</p:name><p:bitOffset>0</p:bitOffset><p:bitWidth>4</p:bitWidth></p:field>\
        </p:alternateRegister></p:alternateRegisters>";
    let text = component(NS_2014, &block("0", &reg("r", "'h8", inner), ""));
    let (device, warnings) = ok(&text, &[]);
    let list = registers(&device);
    assert_eq!(list.len(), 2);
    assert_eq!((list[1].name.as_str(), list[1].offset), ("r_alt", 8));
    assert_eq!(list[1].alternate_register.as_deref(), Some("r"));
    assert_eq!(list[1].alternate_group.as_deref(), Some("mode1"));
    assert_eq!(list[1].access, Access::WriteOnly);
    assert_eq!(list[1].fields[0].access, Access::WriteOnly);
    let generated = mmreg_codegen::validate::check(&device);
    assert!(
        !generated.iter().any(Diagnostic::is_error),
        "{generated:?} {warnings:?}"
    );
}

#[test]
fn is_present_false_leaves_elements_out() {
    let fields = "<p:field><p:name>a</p:name><p:isPresent>id_w == 16</p:isPresent><p:bitOffset>0</p:bitOffset><p:bitWidth>1</p:bitWidth></p:field>\
        <p:field><p:name>b</p:name><p:isPresent>id_w &gt; 16</p:isPresent><p:bitOffset>1</p:bitOffset><p:bitWidth>1</p:bitWidth></p:field>";
    let both = format!(
        "{}{}",
        reg("kept", "0", fields),
        reg("gone", "4", "<p:isPresent>0</p:isPresent>")
    );
    let text = component(NS_2014, &format!("{}{PARAMS}", block("0", &both, "")));
    let (device, _) = ok(&text, &[]);
    let list = registers(&device);
    assert_eq!(list.len(), 1);
    let names: Vec<&str> = list[0].fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["a"]);
    let (device, _) = ok(&text, &[("WIDTH", "32")]);
    let names: Vec<&str> = registers(&device)[0]
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, ["b"]);
}

#[test]
fn address_unit_bits_scale_addresses_to_bytes() {
    let array = "<p:register><p:name>w</p:name><p:dim>4</p:dim><p:addressOffset>2</p:addressOffset>\
        <p:size>32</p:size></p:register>";
    let text = component(
        NS_2014,
        &block("'h10", array, "").replace(
            "</p:addressBlock>",
            "</p:addressBlock><p:addressUnitBits>32</p:addressUnitBits>",
        ),
    );
    let (device, _) = ok(&text, &[]);
    assert_eq!(device.peripherals[0].base_address, 0x40);
    assert_eq!(device.peripherals[0].size, Some(0x400));
    let register = registers_of(&device);
    assert_eq!(register.offset, 8);
    assert_eq!(register.dim.as_ref().unwrap().stride, 4);
    let odd = text.replace(">32</p:addressUnitBits>", ">12</p:addressUnitBits>");
    assert!(
        errors(&odd, &[])[0]
            .message
            .contains("`addressUnitBits` is 12")
    );
}

#[test]
fn parallel_banks_share_the_base_and_memory_remaps_are_noted() {
    let map = "<p:memoryMaps><p:memoryMap><p:name>m</p:name>\
        <p:bank bankAlignment=\"parallel\"><p:name>k</p:name><p:baseAddress>'h100</p:baseAddress>\
        <p:addressBlock><p:name>lo</p:name><p:range>8</p:range><p:width>16</p:width>\
        <p:register><p:name>r</p:name><p:addressOffset>0</p:addressOffset><p:size>16</p:size></p:register></p:addressBlock>\
        <p:addressBlock><p:name>hi</p:name><p:range>8</p:range><p:width>16</p:width>\
        <p:register><p:name>r</p:name><p:addressOffset>0</p:addressOffset><p:size>16</p:size></p:register></p:addressBlock>\
        </p:bank>\n<p:memoryRemap><p:name>boot</p:name></p:memoryRemap></p:memoryMap></p:memoryMaps>";
    let (device, warnings) = ok(&component(NS_2014, map), &[]);
    let bases: Vec<u64> = device.peripherals.iter().map(|p| p.base_address).collect();
    assert_eq!(bases, [0x100, 0x100]);
    let ignored: Vec<&Diagnostic> = warnings
        .iter()
        .filter(|w| w.kind == DiagnosticKind::IgnoredElement)
        .collect();
    assert_eq!(ignored.len(), 2, "{warnings:?}");
    assert!(ignored[0].message.contains("parallel bank"));
    assert!(ignored[1].message.contains("memory remap `boot`"));
}

#[test]
fn ieee_2022_access_policies_are_read_and_type_definitions_refused() {
    let inner = "<p:accessPolicies><p:accessPolicy><p:access>read-only</p:access></p:accessPolicy></p:accessPolicies>\
        <p:field><p:name>f</p:name><p:bitOffset>0</p:bitOffset><p:bitWidth>8</p:bitWidth>\
        <p:fieldAccessPolicies><p:fieldAccessPolicy><p:access>read-write</p:access>\
        <p:modifiedWriteValue>oneToClear</p:modifiedWriteValue></p:fieldAccessPolicy></p:fieldAccessPolicies></p:field>";
    let (device, _) = ok(
        &component(NS_2022, &block("0", &reg("r", "0", inner), "")),
        &[],
    );
    let register = registers_of(&device);
    assert_eq!(register.access, Access::ReadOnly);
    assert_eq!(register.fields[0].access, Access::ReadWrite);
    assert_eq!(
        register.fields[0].write_action,
        mmreg_codegen::ir::WriteAction::OneToClear
    );
    let by_reference = "<p:register><p:name>r</p:name><p:registerDefinitionRef typeDefinitions=\"t\">x</p:registerDefinitionRef>\
        <p:addressOffset>0</p:addressOffset></p:register>";
    let found = errors(&component(NS_2022, &block("0", by_reference, "")), &[]);
    assert!(found[0].message.contains("type definition"), "{}", found[0]);
}

#[test]
fn unknown_versions_and_non_components_are_refused_by_name() {
    let future = component("http://www.accellera.org/XMLSchema/IPXACT/1685-2030", "");
    let found = errors(&future, &[]);
    assert!(found[0].message.contains("1685-2030"), "{}", found[0]);
    let design = component(NS_2014, "").replace("p:component", "p:design");
    assert!(errors(&design, &[])[0].message.contains("`<design>`"));
}

#[test]
fn malformed_xml_and_deep_nesting_are_located_errors() {
    let text = component(NS_2014, "<p:memoryMaps>");
    assert_eq!(errors(&text, &[])[0].kind, DiagnosticKind::Syntax);
    let deep = format!(
        "<p:component xmlns:p=\"{NS_2014}\">{}{}</p:component>",
        "<p:x>".repeat(300),
        "</p:x>".repeat(300)
    );
    assert!(errors(&deep, &[])[0].message.contains("nested deeper"));
}

#[test]
fn missing_and_bad_values_are_located_with_their_path() {
    let field = "<p:field><p:name>f</p:name><p:bitOffset>0</p:bitOffset><p:bitWidth>0</p:bitWidth></p:field>\
        <p:field><p:name>g</p:name><p:bitOffset>1</p:bitOffset><p:bitWidth>1</p:bitWidth><p:access>sometimes</p:access></p:field>";
    let text = component(NS_2014, &block("0", &reg("r", "0", field), ""));
    let found = errors(&text, &[]);
    let paths: Vec<&str> = found.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(paths, ["b.r.f", "b.r.g"]);
    assert!(found[1].message.contains("access `sometimes`"));
    let no_offset = "<p:register><p:name>r</p:name><p:size>32</p:size></p:register>";
    let found = errors(&component(NS_2014, &block("0", no_offset, "")), &[]);
    assert_eq!(
        (found[0].kind, found[0].path.as_str()),
        (DiagnosticKind::MissingElement, "b.r")
    );
}

#[test]
fn svd_and_ipxact_are_told_apart_by_namespace() {
    use mmreg_codegen::{Format, detect_format};
    assert_eq!(
        detect_format("xml", &component(NS_2014, "")),
        Some(Format::IpXact)
    );
    assert_eq!(
        detect_format("xml", &component(NS_2009, "")),
        Some(Format::IpXact)
    );
    let svd = "<?xml version=\"1.0\"?><device schemaVersion=\"1.1\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema-instance\"><name>x</name></device>";
    assert_eq!(detect_format("xml", svd), Some(Format::Svd));
    assert_eq!(detect_format("svd", svd), Some(Format::Svd));
    assert_eq!(detect_format("yml", ""), Some(Format::Yaml));
    assert_eq!(detect_format("txt", svd), None);
}

#[test]
fn a_local_memory_map_takes_its_address_spaces_unit() {
    let space = "<p:addressSpaces><p:addressSpace><p:name>s</p:name><p:range>'h1000</p:range>\
        <p:width>32</p:width><p:addressUnitBits>16</p:addressUnitBits>\
        <p:localMemoryMap><p:name>l</p:name><p:addressBlock><p:name>b</p:name>\
        <p:baseAddress>'h10</p:baseAddress><p:range>8</p:range><p:width>16</p:width>\
        <p:register><p:name>r</p:name><p:addressOffset>1</p:addressOffset><p:size>16</p:size></p:register>\
        </p:addressBlock></p:localMemoryMap></p:addressSpace></p:addressSpaces>";
    let (device, _) = ok(&component(NS_2014, space), &[]);
    assert_eq!(device.peripherals[0].base_address, 0x20);
    assert_eq!(device.peripherals[0].size, Some(16));
    assert_eq!(registers_of(&device).offset, 2);
}

/// Names written as prose are sanitised for the identifiers and kept as
/// written for docs and `META`; each is a located warning.
#[test]
fn names_that_are_not_identifiers_warn_where_declared() {
    let fields = "<p:field><p:name>Clear Interrupt</p:name><p:bitOffset>0</p:bitOffset>\
        <p:bitWidth>1</p:bitWidth><p:access>read-write</p:access>\n<p:enumeratedValues>\
        <p:enumeratedValue><p:name>0</p:name><p:value>0</p:value></p:enumeratedValue>\
        <p:enumeratedValue><p:name>DONE</p:name><p:value>1</p:value></p:enumeratedValue>\
        </p:enumeratedValues></p:field>";
    let text = component(NS_2014, &block("'h0", &reg("CTRL", "'h0", fields), ""));
    let (device, warnings) = ok(&text, &[]);
    assert_eq!(
        registers(&device)[0].fields.len(),
        1,
        "{warnings:#?}\n{text}"
    );
    assert_eq!(registers(&device)[0].fields[0].name, "Clear Interrupt");
    let named: Vec<(&str, u32, &str)> = warnings
        .iter()
        .filter(|w| w.kind == DiagnosticKind::BadName)
        .map(|w| {
            (
                w.path.as_str(),
                w.location.as_ref().map_or(0, |l| l.line),
                w.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        named,
        [
            (
                "b.CTRL.Clear Interrupt",
                6,
                "name `Clear Interrupt` is not an identifier; the generated code sanitises it \
                 (`clear_interrupt`), and docs and `META` keep it as written"
            ),
            (
                "b.CTRL.Clear Interrupt.0",
                6,
                "name `0` is not an identifier; the generated code sanitises it (`v0`), and docs \
                 and `META` keep it as written"
            ),
        ]
    );
}
