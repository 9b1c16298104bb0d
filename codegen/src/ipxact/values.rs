//! Words and literals: access, write and read actions, 2009 scaled
//! integers, and the XPath subset of 2009 `spirit:dependency`.

use crate::ir::{Access, ReadAction, WriteAction};

use super::expr;

/// How `id('…')` references appear after [`translate_xpath`].
pub(super) const ALIAS_PREFIX: &str = "__id";

/// A 2009/SPIRIT literal: a `scaledInteger` (`4096`, `0x1000`, `#1000`,
/// `4K`, `-1`) or, leniently, a SystemVerilog literal or constant
/// expression (`'h10`).
pub(super) fn literal(text: &str) -> Result<i128, String> {
    let trimmed = text.trim();
    if let Some(value) = scaled_integer(trimmed) {
        return value;
    }
    expr::evaluate(trimmed, &mut expr::NoReferences)
}

/// `None` when `text` is not shaped like a scaled integer.
fn scaled_integer(text: &str) -> Option<Result<i128, String>> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (radix, digits) = if let Some(hex) = body
        .strip_prefix("0x")
        .or_else(|| body.strip_prefix("0X"))
        .or_else(|| body.strip_prefix('#'))
    {
        (16, hex)
    } else {
        (10, body)
    };
    let (digits, scale) = match digits.chars().last() {
        Some('k' | 'K') => (&digits[..digits.len() - 1], 10),
        Some('m' | 'M') => (&digits[..digits.len() - 1], 20),
        Some('g' | 'G') => (&digits[..digits.len() - 1], 30),
        Some('t' | 'T') => (&digits[..digits.len() - 1], 40),
        _ => (digits, 0),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let value = digits.chars().try_fold(0i128, |value, c| {
        value
            .checked_mul(i128::from(radix))?
            .checked_add(i128::from(c.to_digit(radix)?))
    });
    Some(
        value
            .and_then(|value| value.checked_mul(1i128 << scale))
            .map(|value| if negative { -value } else { value })
            .ok_or_else(|| format!("`{text}` does not fit in 128 bits")),
    )
}

/// Turns the XPath subset 2009 tools write in `spirit:dependency` into an
/// expression: `spirit:decode(id('X'))` and `id('X')` become references
/// (`__id0`…, returned in order), `div` and `mod` become `/` and `%`,
/// `spirit:pow(` becomes `$pow(`. Anything else XPath is refused.
pub(super) fn translate_xpath(text: &str) -> Result<(String, Vec<String>), String> {
    let mut out = String::new();
    let mut aliases = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("spirit:decode(") {
            let inner = after.trim_start();
            let (id, tail) = id_call(inner)
                .ok_or_else(|| "`spirit:decode` of something other than `id('…')`".to_string())?;
            let tail = tail
                .trim_start()
                .strip_prefix(')')
                .ok_or_else(|| "`spirit:decode(` is not closed".to_string())?;
            out.push_str(&format!("{ALIAS_PREFIX}{}", aliases.len()));
            aliases.push(id);
            rest = tail;
        } else if let Some((id, tail)) = id_call(rest) {
            out.push_str(&format!("{ALIAS_PREFIX}{}", aliases.len()));
            aliases.push(id);
            rest = tail;
        } else if let Some(tail) = rest.strip_prefix("spirit:pow(") {
            out.push_str("$pow(");
            rest = tail;
        } else if let Some(tail) = word(rest, "div") {
            out.push('/');
            rest = tail;
        } else if let Some(tail) = word(rest, "mod") {
            out.push('%');
            rest = tail;
        } else if rest.starts_with("spirit:") || rest.starts_with('\'') || rest.starts_with('"') {
            let mut end = rest.find('(').unwrap_or(rest.len()).min(40);
            while !rest.is_char_boundary(end) {
                end -= 1;
            }
            return Err(format!(
                "the XPath dependency `{text}` uses `{}`, which is not supported \
                 (supported: id('…'), spirit:decode, spirit:pow, + - * div mod)",
                &rest[..end]
            ));
        } else {
            let character = rest.chars().next().unwrap_or(' ');
            out.push(character);
            rest = &rest[character.len_utf8()..];
        }
    }
    Ok((out, aliases))
}

/// `id('X')` or `id("X")` at the start of `text`: the id and the rest.
fn id_call(text: &str) -> Option<(String, &str)> {
    let after = text.strip_prefix("id(")?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let body = &after[1..];
    let end = body.find(quote)?;
    let tail = body[end + 1..].trim_start().strip_prefix(')')?;
    Some((body[..end].to_string(), tail))
}

/// `keyword` as a whole word at the start of `text`.
fn word<'t>(text: &'t str, keyword: &str) -> Option<&'t str> {
    let tail = text.strip_prefix(keyword)?;
    if tail.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
        None
    } else {
        Some(tail)
    }
}

/// An access word: the standard spelling, or a non-standard one whose
/// meaning is plain (`true` in the second place means "repaired").
pub(super) fn access(word: &str) -> Option<(Access, bool)> {
    let standard = match word {
        "read-write" => Some(Access::ReadWrite),
        "read-only" => Some(Access::ReadOnly),
        "write-only" => Some(Access::WriteOnly),
        "read-writeOnce" => Some(Access::ReadWriteOnce),
        "writeOnce" => Some(Access::WriteOnce),
        _ => None,
    };
    if let Some(access) = standard {
        return Some((access, false));
    }
    let squashed: String = word
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let repaired = match squashed.as_str() {
        "readwrite" | "rw" => Access::ReadWrite,
        "readonly" | "ro" | "read" => Access::ReadOnly,
        "writeonly" | "wo" | "write" => Access::WriteOnly,
        "readwriteonce" => Access::ReadWriteOnce,
        "writeonce" => Access::WriteOnce,
        _ => return None,
    };
    Some((repaired, true))
}

/// The standard spelling of an access rule, for messages.
pub(super) fn access_word(access: Access) -> &'static str {
    match access {
        Access::ReadWrite => "read-write",
        Access::ReadOnly => "read-only",
        Access::WriteOnly => "write-only",
        Access::ReadWriteOnce => "read-writeOnce",
        Access::WriteOnce => "writeOnce",
    }
}

/// A `modifiedWriteValue` word.
pub(super) fn write_action(word: &str) -> Option<WriteAction> {
    Some(match word {
        "oneToClear" => WriteAction::OneToClear,
        "oneToSet" => WriteAction::OneToSet,
        "oneToToggle" => WriteAction::OneToToggle,
        "zeroToClear" => WriteAction::ZeroToClear,
        "zeroToSet" => WriteAction::ZeroToSet,
        "zeroToToggle" => WriteAction::ZeroToToggle,
        "clear" => WriteAction::Clear,
        "set" => WriteAction::Set,
        "modify" => WriteAction::Modify,
        _ => return None,
    })
}

/// A `readAction` word.
pub(super) fn read_action(word: &str) -> Option<ReadAction> {
    Some(match word {
        "clear" => ReadAction::Clear,
        "set" => ReadAction::Set,
        "modify" => ReadAction::Modify,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_integers_and_literals() {
        assert_eq!(literal("4096"), Ok(4096));
        assert_eq!(literal("0x00C"), Ok(12));
        assert_eq!(literal("#10"), Ok(16));
        assert_eq!(literal("4K"), Ok(4096));
        assert_eq!(literal("1M"), Ok(1 << 20));
        assert_eq!(literal("-1"), Ok(-1));
        assert_eq!(literal("'h10"), Ok(16));
        assert!(literal("C_S00_AXI_BASEADDR").is_err());
        assert!(literal("99999999999999999999999999999999999999999T").is_err());
    }

    #[test]
    fn xpath_subset() {
        let (text, aliases) =
            translate_xpath("((spirit:decode(id('MODELPARAM_VALUE.W')) div 8) - 1)").unwrap();
        assert_eq!(text, "((__id0 / 8) - 1)");
        assert_eq!(aliases, ["MODELPARAM_VALUE.W"]);
        let (text, _) = translate_xpath("spirit:pow(2, id(\"A\")) mod 3").unwrap();
        assert_eq!(text, "$pow(2, __id0) % 3");
        assert!(translate_xpath("spirit:ééééééééééééééééééééééééééééééééé").is_err());
        assert!(
            translate_xpath("spirit:containsToken(id('A'), 'x')")
                .unwrap_err()
                .contains("spirit:containsToken")
        );
    }

    #[test]
    fn access_words() {
        assert_eq!(access("read-only"), Some((Access::ReadOnly, false)));
        assert_eq!(access("readOnly"), Some((Access::ReadOnly, true)));
        assert_eq!(access("writeOnly"), Some((Access::WriteOnly, true)));
        assert_eq!(access("RW"), Some((Access::ReadWrite, true)));
        assert_eq!(access("sometimes"), None);
    }
}
