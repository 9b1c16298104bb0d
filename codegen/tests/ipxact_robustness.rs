//! Hostile values in real components: every corpus file with one value
//! replaced by an expression that overflows, divides by zero, nests deeply,
//! refers to nothing or is huge, and every file cut short, goes through
//! parse, validation and generation without a panic (debug builds check
//! overflow) and, when refused, with located errors.

use std::path::PathBuf;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ipxact-corpus");

/// Elements whose value is replaced (first occurrence each).
const ELEMENTS: &[&str] = &[
    "baseAddress",
    "range",
    "addressOffset",
    "size",
    "dim",
    "bitOffset",
    "bitWidth",
    "value",
];

/// What goes in.
const HOSTILE: &[&str] = &[
    "$pow(2,127)*4",
    "'hFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
    "1 &lt;&lt; 127",
    "-1",
    "0/0",
    "no_such_parameter",
    "18446744073709551615",
    "4294967295",
    "1048577",
    "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))",
];

fn files() -> Vec<(String, String)> {
    let mut names: Vec<String> = std::fs::read_dir(CORPUS)
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".xml"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(PathBuf::from(CORPUS).join(&name)).unwrap();
            (name, text)
        })
        .collect()
}

/// Parse, validate, generate; refusals must be located.
fn run(name: &str, text: &str) {
    match mmreg_codegen::ipxact::parse(text, name, &[]) {
        Ok((device, _)) => {
            if let Ok((model, _)) = mmreg_codegen::validate::validate(device) {
                let _ = mmreg_codegen::generate(&model, name);
            }
        }
        Err(errors) => {
            for error in errors.0.iter().filter(|d| d.is_error()) {
                assert!(error.location.is_some(), "{name}: unlocated {error}");
            }
        }
    }
}

#[test]
fn hostile_values_never_panic() {
    for (name, text) in files() {
        // The large file has no expressions; its cut-short copies below
        // cover it.
        if text.len() > 200_000 {
            continue;
        }
        let prefix = if text.contains("XMLSchema/IPXACT") {
            "ipxact"
        } else {
            "spirit"
        };
        for element in ELEMENTS {
            let open = format!("<{prefix}:{element}>");
            let Some(start) = text.find(&open).map(|at| at + open.len()) else {
                continue;
            };
            let Some(end) = text[start..].find('<').map(|at| start + at) else {
                continue;
            };
            for hostile in HOSTILE {
                let mutated = format!("{}{hostile}{}", &text[..start], &text[end..]);
                run(&name, &mutated);
            }
        }
    }
}

#[test]
fn cut_short_files_are_located_errors() {
    for (name, text) in files() {
        for step in 1..8 {
            let mut cut = text.len() * step / 8;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let result = mmreg_codegen::ipxact::parse(&text[..cut], &name, &[]);
            let errors = result.expect_err("a cut-short file is malformed XML");
            assert!(errors.0[0].location.is_some(), "{name} cut at {cut}");
        }
    }
}

/// A minimal component whose base address (2014) or `spirit:dependency`
/// (2009) is `value`.
fn with_value(value: &str) -> [String; 2] {
    let escaped = value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    let registers = "<p:register><p:name>r</p:name><p:addressOffset>0</p:addressOffset>\
                     <p:size>32</p:size></p:register>";
    let ipxact = format!(
        "<p:component xmlns:p=\"http://www.accellera.org/XMLSchema/IPXACT/1685-2014\">\
         <p:name>c</p:name><p:memoryMaps><p:memoryMap><p:name>m</p:name><p:addressBlock>\
         <p:name>b</p:name><p:baseAddress>{escaped}</p:baseAddress><p:range>4</p:range>\
         {registers}</p:addressBlock></p:memoryMap></p:memoryMaps></p:component>"
    );
    let spirit = format!(
        "<p:component xmlns:p=\"http://www.spiritconsortium.org/XMLSchema/SPIRIT/1685-2009\">\
         <p:name>c</p:name><p:memoryMaps><p:memoryMap><p:name>m</p:name><p:addressBlock>\
         <p:name>b</p:name><p:baseAddress p:dependency=\"{escaped}\">0</p:baseAddress>\
         <p:range>4</p:range>{registers}</p:addressBlock></p:memoryMap></p:memoryMaps></p:component>"
    );
    [ipxact, spirit]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Any text as a value: a number or a located error, never a panic.
    #[test]
    fn any_value_text_is_a_number_or_a_located_error(
        value in "[-+*/%()<>=!&|^~?:$'a-zA-Z0-9_., é]{0,48}"
    ) {
        for text in with_value(&value) {
            match mmreg_codegen::ipxact::parse(&text, "p.xml", &[]) {
                Ok(_) => {}
                Err(errors) => {
                    for error in errors.0.iter().filter(|d| d.is_error()) {
                        proptest::prop_assert!(error.location.is_some(), "{}", error);
                    }
                }
            }
        }
        let _ = mmreg_codegen::detect_format("xml", &value);
    }
}
