//! Which IP-XACT: the root element's namespace names the standard version.

/// An IP-XACT version, known by its XML namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SPIRIT 1.4 (pre-IEEE; read as 1.5).
    Spirit14,
    /// SPIRIT 1.5 (pre-IEEE; structurally 1685-2009).
    Spirit15,
    /// IEEE 1685-2009 (`spirit:` prefix): literal values plus XPath
    /// `spirit:dependency` expressions.
    Ieee2009,
    /// IEEE 1685-2014 (`ipxact:` prefix): SystemVerilog expressions.
    Ieee2014,
    /// IEEE 1685-2022: read as 2014 where it is the same; its access
    /// policies are read too; type definitions are refused.
    Ieee2022,
}

const NAMESPACES: &[(&str, Dialect)] = &[
    (
        "http://www.spiritconsortium.org/XMLSchema/SPIRIT/1.4",
        Dialect::Spirit14,
    ),
    (
        "http://www.spiritconsortium.org/XMLSchema/SPIRIT/1.5",
        Dialect::Spirit15,
    ),
    (
        "http://www.spiritconsortium.org/XMLSchema/SPIRIT/1685-2009",
        Dialect::Ieee2009,
    ),
    (
        "http://www.accellera.org/XMLSchema/IPXACT/1685-2014",
        Dialect::Ieee2014,
    ),
    (
        "http://www.accellera.org/XMLSchema/IPXACT/1685-2022",
        Dialect::Ieee2022,
    ),
];

impl Dialect {
    /// The dialect of namespace `uri` (a trailing `/` is tolerated).
    pub fn from_namespace(uri: &str) -> Option<Dialect> {
        let uri = uri.trim().trim_end_matches('/');
        NAMESPACES
            .iter()
            .find(|(namespace, _)| *namespace == uri)
            .map(|(_, dialect)| *dialect)
    }

    /// Whether values are SystemVerilog expressions (2014 and later) rather
    /// than literals with XPath dependencies (2009 and SPIRIT).
    pub fn has_expressions(self) -> bool {
        matches!(self, Dialect::Ieee2014 | Dialect::Ieee2022)
    }

    /// The name for messages.
    pub fn label(self) -> &'static str {
        match self {
            Dialect::Spirit14 => "SPIRIT 1.4",
            Dialect::Spirit15 => "SPIRIT 1.5",
            Dialect::Ieee2009 => "IEEE 1685-2009",
            Dialect::Ieee2014 => "IEEE 1685-2014",
            Dialect::Ieee2022 => "IEEE 1685-2022",
        }
    }
}

/// Whether a namespace URI looks like some IP-XACT or SPIRIT version, known
/// or not (so an unknown version is refused by name, not read as SVD).
pub fn looks_like_ipxact(uri: &str) -> bool {
    uri.contains("accellera.org/XMLSchema/IPXACT")
        || uri.contains("spiritconsortium.org/XMLSchema/SPIRIT")
}

/// The namespace URI of the root element of XML `text`, found by a scan of
/// its first start tag (without parsing the document): the prefix of the
/// tag name is looked up among the tag's `xmlns` attributes. `None` when
/// there is no root tag or its namespace is not declared on it.
pub fn root_namespace(text: &str) -> Option<String> {
    let mut rest = text;
    let tag = loop {
        let start = rest.find('<')?;
        rest = &rest[start..];
        if rest.starts_with("<?") {
            rest = &rest[rest.find("?>")? + 2..];
        } else if rest.starts_with("<!--") {
            rest = &rest[rest.find("-->")? + 3..];
        } else if rest.starts_with("<!") {
            rest = &rest[skip_declaration(rest)?..];
        } else {
            break &rest[1..rest.find('>')?];
        }
    };
    let name_end = tag
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(tag.len());
    let name = &tag[..name_end];
    let wanted = match name.split_once(':') {
        Some((prefix, _)) => format!("xmlns:{prefix}"),
        None => "xmlns".to_string(),
    };
    let mut attributes = &tag[name_end..];
    while let Some(equals) = attributes.find('=') {
        let key = attributes[..equals].trim();
        let after = attributes[equals + 1..].trim_start();
        let quote = after.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let value_end = after[1..].find(quote)? + 1;
        if key == wanted {
            return Some(after[1..value_end].to_string());
        }
        attributes = &after[value_end + 1..];
    }
    None
}

/// The length of a `<!…>` declaration with its bracketed internal subset.
fn skip_declaration(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (offset, character) in text.char_indices() {
        match character {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '>' if depth == 0 => return Some(offset + 1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_root_namespace() {
        let text = "<?xml version='1.0'?>\n<!-- <x:y xmlns:x='no'> -->\n<ipxact:component \
                    xmlns:xsi='a' xmlns:ipxact=\"http://www.accellera.org/XMLSchema/IPXACT/1685-2014\">";
        let uri = root_namespace(text).unwrap();
        assert_eq!(Dialect::from_namespace(&uri), Some(Dialect::Ieee2014));
        assert_eq!(
            root_namespace("<device schemaVersion='1.1'><x/></device>"),
            None
        );
        assert_eq!(
            root_namespace("<component xmlns='urn:x'/>").as_deref(),
            Some("urn:x")
        );
        assert_eq!(root_namespace("<!DOCTYPE d [<!ENTITY e '>'>]><a:b/>"), None);
        assert_eq!(root_namespace("no xml"), None);
        assert!(looks_like_ipxact(
            "http://www.accellera.org/XMLSchema/IPXACT/1685-2030"
        ));
    }
}
