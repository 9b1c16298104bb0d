//! Reading SVD scalar values leniently.
//!
//! Each reader returns the value and, when the text was not in the form the
//! schema asks for but its meaning is plain, a note saying what was repaired
//! (the caller turns it into a warning). Text that cannot be understood is an
//! error message. Nothing here panics, whatever the input.

use crate::ir::{Access, ReadAction, Usage, WriteAction};

/// A value read from text, with a note when the text needed repair.
pub(super) type Lenient<T> = Result<(T, Option<String>), String>;

/// Reads an SVD `scaledNonNegativeInteger`, whose schema pattern is
/// `[+]?(0x|0X|#)?[0-9a-fA-F]+[kmgtKMGT]?`: decimal, `0x`/`0X` hexadecimal
/// or `#` binary, optionally with a `k`/`m`/`g`/`t` scale (powers of 1024,
/// as the schema's documentation says).
///
/// Off the schema but plain, with a note: hexadecimal digits without `0x`
/// (the pattern admits them), `0b` binary and don't-care `x` bits in `#`
/// binary (both allowed only in enumerated values, see [`enum_value`]; `x`
/// is read as 0).
pub(super) fn number(text: &str) -> Lenient<u64> {
    let trimmed = text.trim();
    let unsigned = trimmed.strip_prefix('+').unwrap_or(trimmed);
    let Some(&last) = unsigned.as_bytes().last() else {
        return Err("empty number".to_string());
    };
    // The scale letters are ASCII, so the slice ends on a character boundary.
    let scaled_digits = unsigned
        .get(..unsigned.len().saturating_sub(1))
        .unwrap_or("");
    let (digits, scale) = match last.to_ascii_lowercase() {
        b'k' => (scaled_digits, 10),
        b'm' => (scaled_digits, 20),
        b'g' => (scaled_digits, 30),
        b't' => (scaled_digits, 40),
        _ => (unsigned, 0),
    };
    let mut note = None;
    let value = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        parse_radix(hex, 16, trimmed)?
    } else if let Some(binary) = digits.strip_prefix('#') {
        let (value, dont_care) = binary_with_dont_cares(binary, trimmed)?;
        if dont_care {
            note = Some(format!(
                "don't-care bits `x` in `{trimmed}`, which the schema allows only in enumerated values; read as 0"
            ));
        }
        value
    } else if let Some(binary) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        note = Some(format!(
            "binary number `{trimmed}` written with `0b`, which the schema allows only in enumerated values (elsewhere binary is written `#`)"
        ));
        binary_with_dont_cares(binary, trimmed)?.0
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        parse_radix(digits, 10, trimmed)?
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        // The schema's pattern admits hexadecimal digits without a prefix.
        note = Some(format!(
            "hexadecimal number `{trimmed}` written without `0x`"
        ));
        parse_radix(digits, 16, trimmed)?
    } else {
        return Err(format!("`{trimmed}` is not a number"));
    };
    let scaled = value
        .checked_mul(1u64 << scale)
        .ok_or_else(|| too_large(trimmed))?;
    // Surrounding whitespace is not worth a warning: XML tools add it freely.
    Ok((scaled, note))
}

/// Reads an `<enumeratedValue><value>`, an `enumeratedValueDataType`: its
/// schema pattern is `[+]?(((0x|0X)[0-9a-fA-F]+)|([0-9]+)|((#|0b)[01xX]+))`,
/// so `0b` binary and don't-care `x` bits are legal here.
///
/// A value with don't-care bits matches every value those bits can take;
/// the IR holds one value per name, so it reads as the first of them (every
/// `x` as 0), as `svd-parser` reads `#` values. Writing the variant writes
/// that value, which the description says means the same.
///
/// Forms of `scaledNonNegativeInteger` that this pattern lacks (a scale
/// suffix, hexadecimal without `0x`) are read with a note.
pub(super) fn enum_value(text: &str) -> Lenient<u64> {
    let trimmed = text.trim();
    let unsigned = trimmed.strip_prefix('+').unwrap_or(trimmed);
    if let Some(binary) = unsigned
        .strip_prefix("0b")
        .or_else(|| unsigned.strip_prefix('#'))
    {
        return Ok((binary_with_dont_cares(binary, trimmed)?.0, None));
    }
    if let Some(binary) = unsigned.strip_prefix("0B") {
        let note = format!("binary number `{trimmed}` written with `0B`; the schema writes `0b`");
        return Ok((binary_with_dont_cares(binary, trimmed)?.0, Some(note)));
    }
    let (value, note) = number(text)?;
    let scaled = unsigned
        .bytes()
        .last()
        .is_some_and(|last| matches!(last.to_ascii_lowercase(), b'k' | b'm' | b'g' | b't'));
    let note = note.or_else(|| {
        scaled.then(|| {
            format!(
                "scale suffix in `{trimmed}`, which the schema does not allow in enumerated values"
            )
        })
    });
    Ok((value, note))
}

/// Binary digits where `x`/`X` marks a don't-care bit (read as 0), and
/// whether there was one.
fn binary_with_dont_cares(digits: &str, whole: &str) -> Result<(u64, bool), String> {
    let dont_care = digits.contains(['x', 'X']);
    let zeros: String = digits
        .chars()
        .map(|c| if c == 'x' || c == 'X' { '0' } else { c })
        .collect();
    Ok((parse_radix(&zeros, 2, whole)?, dont_care))
}

fn parse_radix(digits: &str, radix: u32, whole: &str) -> Result<u64, String> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(format!("`{whole}` is not a number"));
    }
    u64::from_str_radix(digits, radix).map_err(|_| too_large(whole))
}

fn too_large(text: &str) -> String {
    format!("`{text}` does not fit in 64 bits")
}

/// A number that must fit in 32 bits (sizes, bit positions, counts).
pub(super) fn number_u32(text: &str) -> Lenient<u32> {
    let (value, note) = number(text)?;
    let narrow = u32::try_from(value).map_err(|_| format!("`{}` is too large", text.trim()))?;
    Ok((narrow, note))
}

/// Reads an SVD boolean (`true`, `false`, `1`, `0`), any case.
pub(super) fn boolean(text: &str) -> Lenient<bool> {
    let trimmed = text.trim();
    let value = match trimmed.to_ascii_lowercase().as_str() {
        "true" | "1" => true,
        "false" | "0" => false,
        _ => return Err(format!("`{trimmed}` is not a boolean")),
    };
    let canonical = matches!(trimmed, "true" | "false" | "1" | "0");
    Ok((
        value,
        (!canonical).then(|| format!("boolean `{trimmed}` is not in lower case")),
    ))
}

/// Folds a keyword for comparison: lower case, separators dropped, so
/// `Read-Write`, `read_write` and `readwrite` compare equal.
fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' ' | '/' | '\t'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Maps `text` through a keyword table. Entries are (canonical spelling,
/// folded synonyms, value); the canonical spelling needs no note.
fn keyword<T: Copy>(text: &str, what: &str, table: &[(&str, &[&str], T)]) -> Lenient<T> {
    let trimmed = text.trim();
    let folded = fold(trimmed);
    for &(canonical, synonyms, value) in table {
        if trimmed == canonical {
            return Ok((value, None));
        }
        if fold(canonical) == folded || synonyms.contains(&folded.as_str()) {
            return Ok((
                value,
                Some(format!("{what} `{trimmed}` read as `{canonical}`")),
            ));
        }
    }
    let expected: Vec<String> = table
        .iter()
        .map(|(canonical, _, _)| format!("`{canonical}`"))
        .collect();
    Err(format!(
        "unknown {what} `{trimmed}` (expected one of {})",
        expected.join(", ")
    ))
}

/// Reads an `access` value.
pub(super) fn access(text: &str) -> Lenient<Access> {
    keyword(
        text,
        "access",
        &[
            ("read-only", &["read", "ro", "r"], Access::ReadOnly),
            ("write-only", &["write", "wo", "w"], Access::WriteOnly),
            ("read-write", &["rw", "writeread"], Access::ReadWrite),
            ("writeOnce", &["writeonlyonce"], Access::WriteOnce),
            (
                "read-writeOnce",
                &["readwriteonlyonce"],
                Access::ReadWriteOnce,
            ),
        ],
    )
}

/// Reads an enumerated values' `usage`.
pub(super) fn usage(text: &str) -> Lenient<Usage> {
    keyword(
        text,
        "usage",
        &[
            ("read", &["readonly", "r"], Usage::Read),
            ("write", &["writeonly", "w"], Usage::Write),
            ("read-write", &["rw", "writeread"], Usage::ReadWrite),
        ],
    )
}

/// Reads a `modifiedWriteValues` value.
pub(super) fn write_action(text: &str) -> Lenient<WriteAction> {
    keyword(
        text,
        "modifiedWriteValues",
        &[
            (
                "oneToClear",
                &["w1c", "write1toclear"],
                WriteAction::OneToClear,
            ),
            ("oneToSet", &["w1s", "write1toset"], WriteAction::OneToSet),
            (
                "oneToToggle",
                &["w1t", "write1totoggle"],
                WriteAction::OneToToggle,
            ),
            (
                "zeroToClear",
                &["w0c", "write0toclear"],
                WriteAction::ZeroToClear,
            ),
            ("zeroToSet", &["w0s", "write0toset"], WriteAction::ZeroToSet),
            (
                "zeroToToggle",
                &["w0t", "write0totoggle"],
                WriteAction::ZeroToToggle,
            ),
            ("clear", &["wc"], WriteAction::Clear),
            ("set", &["ws"], WriteAction::Set),
            ("modify", &["normal"], WriteAction::Modify),
        ],
    )
}

/// Reads a `readAction` value.
pub(super) fn read_action(text: &str) -> Lenient<ReadAction> {
    keyword(
        text,
        "readAction",
        &[
            (
                "clear",
                &["rc", "readclear", "clearonread"],
                ReadAction::Clear,
            ),
            ("set", &["rs", "readset", "setonread"], ReadAction::Set),
            ("modify", &[], ReadAction::Modify),
            ("modifyExternal", &[], ReadAction::ModifyExternal),
        ],
    )
}

/// Reads a `<cpu>` `endian` value (checked only: the generator does not use it).
pub(super) fn endian(text: &str) -> Lenient<&'static str> {
    keyword(
        text,
        "endian",
        &[
            ("little", &["le", "littleendian"], "little"),
            ("big", &["be", "bigendian"], "big"),
            ("selectable", &[], "selectable"),
            ("other", &[], "other"),
        ],
    )
}

/// Reads a `bitRange` `[msb:lsb]` into (lsb, width). A reversed range is
/// repaired with a note.
pub(super) fn bit_range(text: &str) -> Lenient<(u32, u32)> {
    let trimmed = text.trim();
    let inner = trimmed
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .ok_or_else(|| format!("bit range `{trimmed}` is not of the form `[msb:lsb]`"))?;
    let (msb, lsb) = inner
        .split_once(':')
        .ok_or_else(|| format!("bit range `{trimmed}` is not of the form `[msb:lsb]`"))?;
    let (msb, msb_note) = number_u32(msb)?;
    let (lsb, lsb_note) = number_u32(lsb)?;
    let mut note = msb_note.or(lsb_note);
    let (low, high) = if lsb <= msb {
        (lsb, msb)
    } else {
        note = Some(format!(
            "bit range `{trimmed}` is written `[lsb:msb]`; read as `[{lsb}:{msb}]`"
        ));
        (msb, lsb)
    };
    let width = crate::ir::field_width(low, high)
        .map_err(|message| format!("bit range `{trimmed}` {message}"))?;
    Ok(((low, width), note))
}

/// How a `dimIndex` names the elements of an array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum DimIndex {
    /// `first-last` over numbers.
    NumberRange(u64, u64),
    /// `A-D` over letters, or an explicit comma-separated list.
    Names(Vec<String>),
}

impl DimIndex {
    /// Number of indices.
    pub(super) fn len(&self) -> u64 {
        match self {
            DimIndex::NumberRange(first, last) => (last - first).saturating_add(1),
            DimIndex::Names(names) => names.len() as u64,
        }
    }
}

/// Reads a `dimIndex`: `0-7`, `A-D` or `A,B,C` (also `1,3,4`).
pub(super) fn dim_index(text: &str) -> Lenient<DimIndex> {
    let trimmed = text.trim();
    if !trimmed.contains(',')
        && let Some((first, last)) = trimmed.split_once('-')
    {
        let (first, last) = (first.trim(), last.trim());
        if let (Ok(first_number), Ok(last_number)) = (first.parse::<u64>(), last.parse::<u64>()) {
            if first_number > last_number {
                return Err(format!("dimIndex `{trimmed}` counts down"));
            }
            return Ok((DimIndex::NumberRange(first_number, last_number), None));
        }
        let (mut first_chars, mut last_chars) = (first.chars(), last.chars());
        if let (Some(a), None, Some(b), None) = (
            first_chars.next(),
            first_chars.next(),
            last_chars.next(),
            last_chars.next(),
        ) && a.is_ascii_alphabetic()
            && b.is_ascii_alphabetic()
            && a <= b
        {
            return Ok((DimIndex::Names((a..=b).map(String::from).collect()), None));
        }
        return Err(format!(
            "dimIndex `{trimmed}` is neither a number range nor a letter range"
        ));
    }
    let names: Vec<String> = trimmed
        .split(',')
        .map(|name| name.trim().to_string())
        .collect();
    if names.iter().any(String::is_empty) {
        return Err(format!("dimIndex `{trimmed}` has an empty entry"));
    }
    Ok((DimIndex::Names(names), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_every_svd_form() {
        assert_eq!(number("0x1F"), Ok((31, None)));
        assert_eq!(number("0X1f"), Ok((31, None)));
        assert_eq!(number("#101"), Ok((5, None)));
        assert_eq!(number("#1x1").map(|(v, n)| (v, n.is_some())), Ok((5, true)));
        assert_eq!(
            number("#xxx1").map(|(v, n)| (v, n.is_some())),
            Ok((1, true))
        );
        assert_eq!(enum_value("#1x1"), Ok((5, None)));
        assert_eq!(enum_value("0b1x"), Ok((2, None)));
        assert_eq!(enum_value("+0bxx"), Ok((0, None)));
        assert_eq!(enum_value("0x1F"), Ok((31, None)));
        assert_eq!(
            enum_value("4k").map(|(v, n)| (v, n.is_some())),
            Ok((4096, true))
        );
        assert!(enum_value("0B1").unwrap().1.unwrap().contains("`0B`"));
        assert!(enum_value("0b").is_err());
        assert!(enum_value("0b12").is_err());
        assert_eq!(number("42"), Ok((42, None)));
        assert_eq!(number("+4k"), Ok((4096, None)));
        assert_eq!(number("0x1M"), Ok((1 << 20, None)));
        assert_eq!(number(" 7\n "), Ok((7, None)));
        assert_eq!(number("1F").map(|(v, n)| (v, n.is_some())), Ok((31, true)));
        assert_eq!(number("0b11").map(|(v, n)| (v, n.is_some())), Ok((3, true)));
        assert!(number("0x").is_err());
        assert!(number("").is_err());
        assert!(number("-1").is_err());
        assert!(number("0x1_0000_0000_0000_0000").is_err());
        assert!(
            number("0x10000000000000000")
                .unwrap_err()
                .contains("64 bits")
        );
        assert!(number("0xFFFFFFFFFFFFFFFFk").is_err());
        assert!(number("lots").is_err());
    }

    #[test]
    fn access_words_fold_case_and_synonyms() {
        assert_eq!(access("read-write"), Ok((Access::ReadWrite, None)));
        assert_eq!(access("read-writeOnce"), Ok((Access::ReadWriteOnce, None)));
        assert_eq!(
            access("read-writeonce").map(|(a, n)| (a, n.is_some())),
            Ok((Access::ReadWriteOnce, true))
        );
        assert_eq!(
            access("writeonce").map(|(a, n)| (a, n.is_some())),
            Ok((Access::WriteOnce, true))
        );
        assert_eq!(
            access("write").map(|(a, n)| (a, n.is_some())),
            Ok((Access::WriteOnly, true))
        );
        assert_eq!(access("READ").map(|(a, _)| a), Ok(Access::ReadOnly));
        assert_eq!(access("Read/Write").map(|(a, _)| a), Ok(Access::ReadWrite));
        assert!(access("sometimes").unwrap_err().contains("`sometimes`"));
        assert_eq!(
            write_action("OneToClear").map(|(a, n)| (a, n.is_some())),
            Ok((WriteAction::OneToClear, true))
        );
        assert_eq!(
            read_action("modifyExternal"),
            Ok((ReadAction::ModifyExternal, None))
        );
        assert_eq!(usage("Read-Write").map(|(u, _)| u), Ok(Usage::ReadWrite));
        assert_eq!(
            boolean("TRUE").map(|(b, n)| (b, n.is_some())),
            Ok((true, true))
        );
        assert!(boolean("yes").is_err());
    }

    #[test]
    fn bit_ranges_and_dim_indices() {
        assert_eq!(bit_range("[7:4]"), Ok(((4, 4), None)));
        assert_eq!(bit_range("[0:0]"), Ok(((0, 1), None)));
        assert_eq!(
            bit_range("[4:7]").map(|(r, n)| (r, n.is_some())),
            Ok(((4, 4), true))
        );
        assert!(bit_range("7:4").is_err());
        assert!(
            bit_range("[4294967295:0]")
                .unwrap_err()
                .contains("4294967296 bits")
        );
        assert_eq!(dim_index("0-7"), Ok((DimIndex::NumberRange(0, 7), None)));
        assert_eq!(
            dim_index("A-C").map(|(d, _)| d),
            Ok(DimIndex::Names(vec!["A".into(), "B".into(), "C".into()]))
        );
        assert_eq!(dim_index("1, 3,4").map(|(d, _)| d.len()), Ok(3));
        assert!(dim_index("7-0").is_err());
        assert!(dim_index("A,,B").is_err());
        assert_eq!(
            dim_index("0-18446744073709551615").map(|(d, _)| d),
            Ok(DimIndex::NumberRange(0, u64::MAX))
        );
    }
}
