//! Identifier rules: any vendor name becomes a valid, warning-free Rust
//! identifier, deterministically, and names that collide in one scope get
//! numbered suffixes in input order.
//!
//! One module for the emitter and validation: [`scopes`] computes the
//! identifiers every generated scope gives its members, so the names the
//! emitter writes are the names validation warns about.

pub mod scopes;

use std::collections::{BTreeSet, HashMap};

use proc_macro2::{Ident, Span};

/// Words of the 2024 edition that cannot be plain identifiers (strict,
/// reserved and edition keywords). `self`, `Self`, `crate` and `super` cannot
/// even be raw identifiers, so keywords get a `_` suffix instead.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names the generated code uses unqualified (prelude items, generic
/// parameters): a generated type must not shadow them.
pub const RESERVED_TYPES: &[&str] = &[
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
];

/// Methods of standard traits that clippy (`should_implement_trait`) wants
/// implemented as the trait when an inherent method of that name takes
/// `&self` and up to one argument, as getters and accessors do.
pub const TRAIT_METHODS: &[&str] = &[
    "as_mut",
    "as_ref",
    "borrow",
    "borrow_mut",
    "cmp",
    "deref",
    "deref_mut",
    "eq",
    "hash",
    "index",
    "index_mut",
    "into_iter",
    "ne",
    "next",
    "partial_cmp",
];

/// Removes the array placeholders from a name (one rule for the IR and the
/// emitter).
pub use crate::ir::strip_placeholder;

/// Splits a name into words at separators and case changes
/// (`TxFIFOLevel` -> `Tx`, `FIFO`, `Level`). Characters that are not ASCII
/// letters or digits separate words and are dropped.
fn words(name: &str) -> Vec<String> {
    let stripped = strip_placeholder(name);
    let mut out = Vec::new();
    for chunk in stripped.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = chunk.chars().collect();
        let mut current = String::new();
        for (index, &c) in chars.iter().enumerate() {
            if index > 0 && !current.is_empty() {
                let previous = chars[index - 1];
                let next_is_lower = chars.get(index + 1).is_some_and(|n| n.is_ascii_lowercase());
                // lower -> Upper starts a word; so does the last capital of an
                // acronym when a lower-case letter follows (`FIFOLevel`).
                let boundary = (previous.is_ascii_lowercase() && c.is_ascii_uppercase())
                    || (previous.is_ascii_uppercase() && c.is_ascii_uppercase() && next_is_lower);
                if boundary {
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

fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// `snake_case`: modules, functions, fields. A leading digit gets a `v`
/// prefix (a `_` prefix would trip clippy's `used_underscore_items`), a keyword a `_` suffix; an empty name becomes `unnamed`.
pub fn snake(name: &str) -> String {
    let joined = words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    finish_lowerish(joined, "unnamed", 'v')
}

/// `SCREAMING_CASE`: constants. A leading digit gets a `V` prefix.
pub fn screaming(name: &str) -> String {
    let joined = words(name)
        .iter()
        .map(|w| w.to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join("_");
    finish_lowerish(joined, "UNNAMED", 'V')
}

fn finish_lowerish(joined: String, empty: &str, digit_prefix: char) -> String {
    if joined.is_empty() {
        return empty.to_string();
    }
    let mut out = joined;
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, digit_prefix);
    }
    if is_keyword(&out) {
        out.push('_');
    }
    out
}

/// `CamelCase`: types and enum variants. A leading digit gets a `V` prefix
/// (`_1x` style names warn under `non_camel_case_types`), and `Self` becomes
/// `VSelf`; an empty name becomes `Unnamed`.
pub fn camel(name: &str) -> String {
    let mut out = String::new();
    for word in words(name) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            // Two digit-ending words would run together (`A1_2` -> `A12`);
            // keep them apart with `_`, which the camel-case lint allows
            // between digits.
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
    if out.starts_with(|c: char| c.is_ascii_digit()) || is_keyword(&out) {
        out.insert(0, 'V');
    }
    out
}

/// Which case a scope's names are in: decides how a collision suffix is added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `snake_case` or `SCREAMING_CASE`: suffix `_1`, `_2`.
    Underscored,
    /// `CamelCase`: suffix `1`, `2` (or `_1` after a digit, which the lint allows).
    Camel,
}

/// The names taken in one scope. Claims are first come, first served, so
/// input order decides who keeps the plain name.
///
/// Claiming is linear overall: each base name (with its companions)
/// remembers the first suffix not yet tried, so the thousandth claim of one
/// name does not retry the 999 numbers before it. Numbers below that were
/// all taken, and names are never released, so skipping them changes no
/// result.
#[derive(Debug, Clone)]
pub struct Namespace {
    used: BTreeSet<String>,
    case: Case,
    /// First suffix number not yet tried, by base name and companions.
    next: HashMap<String, u32>,
    /// Candidates looked at so far (for tests of the linear bound).
    probes: u64,
}

impl Namespace {
    /// An empty scope of the given case, with some names held back for the
    /// items the generator adds itself.
    pub fn new(case: Case, reserved: &[&str]) -> Self {
        Namespace {
            used: reserved.iter().map(|s| s.to_string()).collect(),
            case,
            next: HashMap::new(),
            probes: 0,
        }
    }

    /// A scope for methods: `reserved` and [`TRAIT_METHODS`] held back.
    pub fn methods(reserved: &[&str]) -> Self {
        let mut namespace = Namespace::new(Case::Underscored, reserved);
        namespace
            .used
            .extend(TRAIT_METHODS.iter().map(|s| s.to_string()));
        namespace
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.used.contains(name)
    }

    /// Takes `base`, or the first free numbered form of it.
    pub fn claim(&mut self, base: &str) -> String {
        self.claim_with(base, |_| Vec::new())
    }

    /// Takes a name whose companions (like the setter `set_<name>`) must be
    /// free as well; claims the companions too.
    pub fn claim_with(&mut self, base: &str, companions: impl Fn(&str) -> Vec<String>) -> String {
        // The same base with other companions may succeed where this one
        // failed, so the memory is per (base, companions of the base).
        let mut memo = base.to_string();
        for companion in companions(base) {
            memo.push('\0');
            memo.push_str(&companion);
        }
        let mut number = self.next.get(&memo).copied().unwrap_or(0);
        loop {
            self.probes = self.probes.saturating_add(1);
            let candidate = if number == 0 {
                base.to_string()
            } else {
                self.numbered(base, number)
            };
            let others = companions(&candidate);
            if !self.used.contains(&candidate)
                && others
                    .iter()
                    .all(|o| !self.used.contains(o) && *o != candidate)
            {
                self.used.insert(candidate.clone());
                self.used.extend(others);
                self.next.insert(memo, number.saturating_add(1));
                return candidate;
            }
            number = number.saturating_add(1);
        }
    }

    /// How many candidate names claims have looked at so far.
    pub fn probes(&self) -> u64 {
        self.probes
    }

    fn numbered(&self, base: &str, number: u32) -> String {
        let trimmed = base.trim_end_matches('_');
        let trimmed = if trimmed.is_empty() { base } else { trimmed };
        match self.case {
            Case::Underscored => format!("{trimmed}_{number}"),
            Case::Camel if trimmed.ends_with(|c: char| c.is_ascii_digit()) => {
                format!("{trimmed}_{number}")
            }
            Case::Camel => format!("{trimmed}{number}"),
        }
    }
}

/// An identifier token for a name these rules produced.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(snake("GPFSEL%s"), "gpfsel");
        assert_eq!(snake("TxFIFOLevel"), "tx_fifo_level");
        assert_eq!(snake("CH[%s]_CTRL"), "ch_ctrl");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("SELF"), "self_");
        assert_eq!(snake("1WIRE"), "v1wire");
        assert_eq!(snake("__"), "unnamed");
        assert_eq!(snake("I2C0"), "i2c0");
        assert_eq!(camel("UART0_CR"), "Uart0Cr");
        assert_eq!(camel("1x"), "V1x");
        assert_eq!(camel("self"), "VSelf");
        assert_eq!(camel("A1_2"), "A1_2");
        assert_eq!(screaming("fast-mode"), "FAST_MODE");
        assert_eq!(screaming("10MHz"), "V10M_HZ");
    }

    #[test]
    fn any_name_becomes_a_plain_identifier() {
        let hostile = [
            "",
            "_",
            "__x",
            "%s",
            "[%s]",
            "1",
            "9lives",
            "self",
            "Self",
            "super",
            "crate",
            "gen",
            "async",
            "type",
            "r#type",
            "a-b.c d",
            "ÄÖÜ",
            "µA",
            "x__y",
            "X_1_2",
            "CH%s_CTRL",
            "ALT-5",
            "__init__",
            "SET_",
            "Result",
        ];
        for name in hostile {
            for converted in [snake(name), camel(name), screaming(name)] {
                let parsed: syn::Ident = syn::parse_str(&converted)
                    .unwrap_or_else(|error| panic!("`{name}` -> `{converted}`: {error}"));
                assert_eq!(parsed, converted);
                assert!(
                    !converted.contains("__"),
                    "`{name}` -> `{converted}` has `__`"
                );
                assert!(
                    !is_keyword(&converted),
                    "`{name}` -> `{converted}` is a keyword"
                );
            }
        }
    }

    #[test]
    fn collisions_get_suffixes_in_order() {
        let mut names = Namespace::new(Case::Underscored, &["new"]);
        assert_eq!(names.claim("new"), "new_1");
        assert_eq!(names.claim("cr"), "cr");
        assert_eq!(names.claim("cr"), "cr_1");
        let setter = |n: &str| vec![format!("set_{n}")];
        assert_eq!(names.claim_with("set_en", setter), "set_en");
        assert_eq!(names.claim_with("en", setter), "en_1");
        let mut types = Namespace::new(Case::Camel, &[]);
        assert_eq!(types.claim("Cr"), "Cr");
        assert_eq!(types.claim("Cr"), "Cr1");
        assert_eq!(types.claim("Ch0"), "Ch0");
        assert_eq!(types.claim("Ch0"), "Ch0_1");
    }

    #[test]
    fn many_claims_of_one_name_are_linear() {
        let mut names = Namespace::new(Case::Underscored, &[]);
        for _ in 0..8000 {
            names.claim("same");
        }
        assert_eq!(names.claim("same"), "same_8000");
        // One probe per claim, plus the odd retry: not 8000 * 8000 / 2.
        assert!(names.probes() <= 2 * 8001, "{} probes", names.probes());
        // A number claimed outright is still skipped.
        assert_eq!(names.claim("same_8002"), "same_8002");
        assert_eq!(names.claim("same"), "same_8001");
        assert_eq!(names.claim("same"), "same_8003");
    }
}
