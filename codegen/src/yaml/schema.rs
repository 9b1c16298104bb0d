//! The schema's vocabulary: which keys each entity takes, the words for
//! access rules and actions, and how numbers and bit ranges are written.
//! Shared by the reader ([`super::convert`]) and the writer ([`super::export`])
//! so the two cannot drift apart.

use crate::ir::{Access, ReadAction, Usage, WordOrder, WriteAction};

/// Keys of the document's top-level mapping.
pub(crate) const DEVICE_KEYS: &[&str] = &["device", "description", "defaults", "peripherals"];
/// Keys of a `defaults` mapping (register properties inherited downwards).
pub(crate) const DEFAULTS_KEYS: &[&str] = &["size", "access", "reset", "reset_mask"];
/// Keys of a peripheral.
pub(crate) const PERIPHERAL_KEYS: &[&str] = &[
    "name",
    "description",
    "group",
    "base",
    "size",
    "derived_from",
    "defaults",
    "registers",
];
/// Keys of a cluster (an item with a `cluster` key).
pub(crate) const CLUSTER_KEYS: &[&str] = &[
    "cluster",
    "description",
    "offset",
    "count",
    "stride",
    "index_names",
    "derived_from",
    "defaults",
    "registers",
];
/// Keys of a register.
pub(crate) const REGISTER_KEYS: &[&str] = &[
    "name",
    "description",
    "offset",
    "size",
    "access",
    "reset",
    "reset_mask",
    "count",
    "stride",
    "index_names",
    "read_action",
    "write_action",
    "dma",
    "word_order",
    "alternate_register",
    "alternate_group",
    "derived_from",
    "fields",
];
/// Keys of a field.
pub(crate) const FIELD_KEYS: &[&str] = &[
    "name",
    "description",
    "bits",
    "bit",
    "lsb",
    "msb",
    "width",
    "access",
    "modified_write_values",
    "read_action",
    "write_constraint",
    "enum",
    "usage",
    "values",
    "enums",
    "count",
    "stride",
    "index_names",
    "derived_from",
];
/// Keys of one entry of `enums`.
pub(crate) const ENUMS_KEYS: &[&str] = &["name", "usage", "values"];
/// Keys of one enumerated value written as a mapping.
pub(crate) const VALUE_KEYS: &[&str] = &["name", "value", "default", "description"];
/// Keys of a range `write_constraint`.
pub(crate) const RANGE_KEYS: &[&str] = &["min", "max"];

/// Access words, as in SVD.
pub(crate) const ACCESS_WORDS: &[(&str, Access)] = &[
    ("read-only", Access::ReadOnly),
    ("write-only", Access::WriteOnly),
    ("read-write", Access::ReadWrite),
    ("writeOnce", Access::WriteOnce),
    ("read-writeOnce", Access::ReadWriteOnce),
];

/// Write action words: a field's `modified_write_values` and a register's
/// `write_action`, as SVD's `modifiedWriteValues` (plus `normal`, the plain
/// store, which is also what leaving the key out means).
pub(crate) const WRITE_ACTION_WORDS: &[(&str, WriteAction)] = &[
    ("normal", WriteAction::Normal),
    ("oneToClear", WriteAction::OneToClear),
    ("oneToSet", WriteAction::OneToSet),
    ("oneToToggle", WriteAction::OneToToggle),
    ("zeroToClear", WriteAction::ZeroToClear),
    ("zeroToSet", WriteAction::ZeroToSet),
    ("zeroToToggle", WriteAction::ZeroToToggle),
    ("clear", WriteAction::Clear),
    ("set", WriteAction::Set),
    ("modify", WriteAction::Modify),
];

/// `word_order` words (a register's 32-bit halves on 32-bit targets).
pub(crate) const WORD_ORDER_WORDS: &[(&str, WordOrder)] = &[
    ("low-first", WordOrder::LowFirst),
    ("high-first", WordOrder::HighFirst),
];

/// `read_action` words, as SVD's `readAction`.
pub(crate) const READ_ACTION_WORDS: &[(&str, ReadAction)] = &[
    ("clear", ReadAction::Clear),
    ("set", ReadAction::Set),
    ("modify", ReadAction::Modify),
    ("modifyExternal", ReadAction::ModifyExternal),
];

/// `usage` words, as SVD's enumerated values `usage`.
pub(crate) const USAGE_WORDS: &[(&str, Usage)] = &[
    ("read", Usage::Read),
    ("write", Usage::Write),
    ("read-write", Usage::ReadWrite),
];

/// Scalar `write_constraint` words (the range form is a mapping).
pub(crate) const WRITE_AS_READ: &str = "writeAsRead";
/// See [`WRITE_AS_READ`].
pub(crate) const USE_ENUMERATED_VALUES: &str = "useEnumeratedValues";

/// The word for `value` in `words`.
pub(crate) fn word_of<T: PartialEq + Copy>(words: &[(&'static str, T)], value: T) -> &'static str {
    words
        .iter()
        .find(|(_, candidate)| *candidate == value)
        .map_or("", |(word, _)| word)
}

/// The value `word` stands for in `words`.
pub(crate) fn value_of<T: Copy>(words: &[(&'static str, T)], word: &str) -> Option<T> {
    words
        .iter()
        .find(|(candidate, _)| *candidate == word)
        .map(|(_, value)| *value)
}

/// Parses an unsigned number: decimal, `0x` hex, `0b` binary or `0o` octal,
/// with optional `_` separators.
pub(crate) fn parse_number(text: &str) -> Option<u64> {
    let cleaned: String = text.trim().chars().filter(|c| *c != '_').collect();
    let lower = cleaned.to_ascii_lowercase();
    let (digits, radix) = if let Some(rest) = lower.strip_prefix("0x") {
        (rest, 16)
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (rest, 2)
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (rest, 8)
    } else {
        (lower.as_str(), 10)
    };
    if digits.is_empty() || digits.starts_with('+') {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// Parses a bit range `[msb:lsb]`, `msb:lsb`, `[bit]` or `bit` into
/// `(lsb, width)`. The error says what is wrong.
pub(crate) fn parse_bit_range(text: &str) -> Result<(u32, u32), String> {
    let trimmed = text.trim();
    let inner = match (trimmed.strip_prefix('['), trimmed.ends_with(']')) {
        (Some(rest), true) => &rest[..rest.len() - 1],
        (None, false) => trimmed,
        _ => return Err(format!("unbalanced brackets in bit range `{text}`")),
    };
    let bit = |part: &str| -> Result<u32, String> {
        parse_number(part)
            .and_then(|value| u32::try_from(value).ok())
            .ok_or_else(|| {
                format!(
                    "`{}` is not a bit number in bit range `{text}`",
                    part.trim()
                )
            })
    };
    let (msb, lsb) = match inner.split_once(':') {
        Some((msb, lsb)) => (bit(msb)?, bit(lsb)?),
        None => {
            let single = bit(inner)?;
            (single, single)
        }
    };
    if msb < lsb {
        return Err(format!(
            "bit range `{text}` has its high bit below its low bit (write `[msb:lsb]`)"
        ));
    }
    Ok((
        lsb,
        crate::ir::field_width(lsb, msb)
            .map_err(|message| format!("bit range `{text}` {message}"))?,
    ))
}

/// The nearest of `candidates` to `word`, if one is plausibly a typo of it.
pub(crate) fn nearest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lowered = word.to_ascii_lowercase().replace('-', "_");
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let normalised = candidate.to_ascii_lowercase().replace('-', "_");
        let distance = if normalised == lowered {
            0
        } else {
            edit_distance(&lowered, &normalised)
        };
        if best.is_none_or(|(best_distance, _)| distance < best_distance) {
            best = Some((distance, candidate));
        }
    }
    // A third of the word may be wrong, and always at least two letters, so
    // `ofset` finds `offset` but `colour` does not find `count`.
    let limit = (word.chars().count() / 3).max(2);
    best.filter(|(distance, _)| *distance <= limit)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance over characters.
fn edit_distance(left: &str, right: &str) -> usize {
    let right: Vec<char> = right.chars().collect();
    let mut previous: Vec<usize> = (0..=right.len()).collect();
    for (row, left_char) in left.chars().enumerate() {
        let mut current = vec![row + 1; right.len() + 1];
        for (column, right_char) in right.iter().enumerate() {
            let substitution = previous[column] + usize::from(left_char != *right_char);
            current[column + 1] = substitution
                .min(previous[column + 1] + 1)
                .min(current[column] + 1);
        }
        previous = current;
    }
    previous[right.len()]
}

/// All bits of a `size`-bit register.
pub(crate) fn full_mask(size: u32) -> u64 {
    if size >= 64 {
        u64::MAX
    } else {
        (1u64 << size) - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number("0x1F"), Some(31));
        assert_eq!(parse_number("0b101"), Some(5));
        assert_eq!(parse_number("1_000"), Some(1000));
        assert_eq!(parse_number("0xFFFF_FFFF_FFFF_FFFF"), Some(u64::MAX));
        assert_eq!(parse_number("0x1_0000_0000_0000_0000"), None);
        assert_eq!(parse_number("-1"), None);
        assert_eq!(parse_number("0x"), None);
        assert_eq!(parse_number("twelve"), None);
    }

    #[test]
    fn bit_ranges() {
        assert_eq!(parse_bit_range("[7:4]"), Ok((4, 4)));
        assert_eq!(parse_bit_range("31:0"), Ok((0, 32)));
        assert_eq!(parse_bit_range("[3]"), Ok((3, 1)));
        assert!(
            parse_bit_range("[4:7]")
                .unwrap_err()
                .contains("high bit below")
        );
        assert!(parse_bit_range("[7:4").is_err());
        assert!(
            parse_bit_range("[4294967295:0]")
                .unwrap_err()
                .contains("4294967296 bits")
        );
        assert_eq!(parse_bit_range("[4294967295:1]"), Ok((1, u32::MAX)));
        assert!(parse_bit_range("[a:4]").unwrap_err().contains("`a`"));
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            nearest("ofset", REGISTER_KEYS.iter().copied()),
            Some("offset")
        );
        assert_eq!(
            nearest("readAction", REGISTER_KEYS.iter().copied()),
            Some("read_action")
        );
        assert_eq!(
            nearest("Offset", REGISTER_KEYS.iter().copied()),
            Some("offset")
        );
        assert_eq!(nearest("colour", REGISTER_KEYS.iter().copied()), None);
        assert_eq!(
            nearest("read_only", ACCESS_WORDS.iter().map(|(word, _)| *word)),
            Some("read-only")
        );
    }

    #[test]
    fn masks() {
        assert_eq!(full_mask(8), 0xff);
        assert_eq!(full_mask(64), u64::MAX);
    }
}
