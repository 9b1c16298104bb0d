//! The identifier rules as `docs` and the emitter's module docs state them,
//! written again here so the test predicts accessor names on its own: words
//! split at separators and case changes (`TxFIFOLevel` is `Tx`, `FIFO`,
//! `Level`); snake case lowers and joins with `_`, a leading digit gets a
//! `v`, a keyword a `_` suffix; camel case capitalises each word, a leading
//! digit or keyword gets a `V` prefix.

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

fn words(name: &str) -> Vec<String> {
    let stripped = name.replace("[%s]", "").replace("%s", "");
    let mut out = Vec::new();
    for chunk in stripped.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = chunk.chars().collect();
        let mut current = String::new();
        for (index, &c) in chars.iter().enumerate() {
            if index > 0 && !current.is_empty() {
                let previous = chars[index - 1];
                let next_lower = chars.get(index + 1).is_some_and(char::is_ascii_lowercase);
                if (previous.is_ascii_lowercase() && c.is_ascii_uppercase())
                    || (previous.is_ascii_uppercase() && c.is_ascii_uppercase() && next_lower)
                {
                    out.push(std::mem::take(&mut current));
                }
            }
            current.push(c);
        }
        if !current.is_empty() {
            out.push(current);
        }
    }
    out
}

/// `snake_case` of a description name.
pub fn snake(name: &str) -> String {
    let mut out = words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if out.is_empty() {
        return "unnamed".to_string();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'v');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// `CamelCase` of a description name.
pub fn camel(name: &str) -> String {
    let mut out = String::new();
    for word in words(name) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            if out.ends_with(|c: char| c.is_ascii_digit()) && first.is_ascii_digit() {
                out.push('_');
            }
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if out.is_empty() {
        return "Unnamed".to_string();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) || KEYWORDS.contains(&out.as_str()) {
        out.insert(0, 'V');
    }
    out
}

/// Type names the generated module uses unqualified (prelude items,
/// generic parameters, the runtime's access markers): a block type named
/// like one gets the suffix `1` (`_1` after a digit).
const RESERVED_TYPES: &[&str] = &[
    "A",
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Eq",
    "Err",
    "I",
    "None",
    "Ok",
    "Option",
    "PartialEq",
    "Result",
    "Self",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "V",
    "Vec",
    "Reg",
    "ReadOnly",
    "ReadOnlySideEffect",
    "ReadWrite",
    "ReadWriteSideEffect",
    "WriteOnly",
];

/// The block type of the peripheral module `module`.
pub fn block_type(module: &str) -> String {
    let name = camel(module);
    if !RESERVED_TYPES.contains(&name.as_str()) {
        name
    } else if name.ends_with(|c: char| c.is_ascii_digit()) {
        format!("{name}_1")
    } else {
        format!("{name}1")
    }
}

#[test]
fn rules_as_documented() {
    assert_eq!(snake("TxFIFOLevel"), "tx_fifo_level");
    assert_eq!(snake("CH[%s]_CTRL"), "ch_ctrl");
    assert_eq!(snake("type"), "type_");
    assert_eq!(snake("SELF"), "self_");
    assert_eq!(snake("1WIRE"), "v1wire");
    assert_eq!(camel("UART0_CR"), "Uart0Cr");
    assert_eq!(camel("self"), "VSelf");
    assert_eq!(camel("A1_2"), "A1_2");
    assert_eq!(block_type("sync"), "Sync1");
    assert_eq!(block_type("uart"), "Uart");
}
