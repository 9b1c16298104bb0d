//! A nesting bound checked on the raw text, before the XML parser runs.
//!
//! `roxmltree`'s tokenizer recurses once per element level (about 1 KB of
//! stack each in a debug build), and the passes here walk clusters
//! recursively, so 20,000 nested elements would overflow the stack. This scan
//! counts element depth without recursion and finds the first start tag past
//! [`MAX_DEPTH`], so the input is refused with a located error instead.

/// Deepest element nesting read. An SVD nests about a dozen levels plus one
/// per cluster level.
pub(crate) const MAX_DEPTH: usize = 256;

/// The byte offset of the first start tag nested deeper than [`MAX_DEPTH`].
///
/// Exact on well-formed XML: text cannot hold a raw `<`, and comments,
/// CDATA sections, processing instructions, the DOCTYPE (with its internal
/// subset) and quoted attribute values are skipped. On malformed XML it is
/// only an estimate, and the parser reports what is wrong.
pub(crate) fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth: usize = 0;
    let mut at = 0;
    while let Some(found) = find(bytes, at, b"<") {
        let rest = bytes.get(found..).unwrap_or_default();
        at = if rest.starts_with(b"<!--") {
            after(bytes, found, b"-->")
        } else if rest.starts_with(b"<![CDATA[") {
            after(bytes, found, b"]]>")
        } else if rest.starts_with(b"<?") {
            after(bytes, found, b"?>")
        } else if rest.starts_with(b"<!") {
            declaration_end(bytes, found)
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            after(bytes, found, b">")
        } else {
            let (end, self_closing) = tag_end(bytes, found);
            if !self_closing {
                depth = depth.saturating_add(1);
                if depth > MAX_DEPTH {
                    return Some(found);
                }
            }
            end
        };
    }
    None
}

/// The first offset of `needle` at or after `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let haystack = bytes.get(from..)?;
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|offset| from.saturating_add(offset))
}

/// The offset just past the first `end` after `from` (the text's end when
/// there is none).
fn after(bytes: &[u8], from: usize, end: &[u8]) -> usize {
    find(bytes, from.saturating_add(1), end)
        .map_or(bytes.len(), |offset| offset.saturating_add(end.len()))
}

/// The offset just past a start tag's `>` (quoted values may hold `>`), and
/// whether the tag closes itself (`/>`).
fn tag_end(bytes: &[u8], from: usize) -> (usize, bool) {
    let mut quote = None;
    let mut previous = 0u8;
    for (offset, &byte) in bytes.iter().enumerate().skip(from.saturating_add(1)) {
        match quote {
            Some(open) if byte == open => quote = None,
            Some(_) => {}
            None if byte == b'"' || byte == b'\'' => quote = Some(byte),
            None if byte == b'>' => return (offset.saturating_add(1), previous == b'/'),
            None => {}
        }
        previous = byte;
    }
    (bytes.len(), false)
}

/// The offset just past a `<!DOCTYPE ...>` (or other `<!` declaration),
/// with its bracketed internal subset and quoted strings.
fn declaration_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    let mut brackets: usize = 0;
    for (offset, &byte) in bytes.iter().enumerate().skip(from.saturating_add(2)) {
        match quote {
            Some(open) if byte == open => quote = None,
            Some(_) => {}
            None => match byte {
                b'"' | b'\'' => quote = Some(byte),
                b'[' => brackets = brackets.saturating_add(1),
                b']' => brackets = brackets.saturating_sub(1),
                b'>' if brackets == 0 => return offset.saturating_add(1),
                _ => {}
            },
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_elements_only() {
        let nested =
            |depth: usize| format!("{}{}", "<a x='>'>".repeat(depth), "</a>".repeat(depth));
        assert_eq!(too_deep(&nested(MAX_DEPTH)), None);
        let deeper = nested(MAX_DEPTH + 1);
        assert_eq!(too_deep(&deeper), Some(MAX_DEPTH * "<a x='>'>".len()));
        // Self-closing tags, comments, CDATA and the DOCTYPE do not nest.
        let flat = format!(
            "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY e '<x>'>]><d>{}</d>",
            "<b/><!-- <c> --><![CDATA[<c>]]>".repeat(1000)
        );
        assert_eq!(too_deep(&flat), None);
    }
}
