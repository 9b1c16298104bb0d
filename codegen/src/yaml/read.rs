//! Reading checked values out of the node tree: each mapping's keys are
//! checked against the schema, and each value is read as text, a number or a
//! word, with a located diagnostic for anything else.

use std::collections::HashSet;
use std::sync::Arc;

use super::node::{Node, Value};
use super::schema::{self, nearest};
use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::ir::Location;

/// A mapping whose keys have been checked against the schema.
pub(super) struct Entries<'n> {
    /// The mapping itself, where "missing key" errors point.
    pub(super) node: &'n Node,
    entries: Vec<(&'n str, &'n Node)>,
}

impl<'n> Entries<'n> {
    /// The value of `key`; `None` when absent or null (so `key: ~` in a
    /// derived entity clears what it inherited).
    pub(super) fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, value)| *value)
            .filter(|value| !value.is_null())
    }

    /// Whether `key` has a non-null value.
    pub(super) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

/// The conversion state: the file name and the diagnostics so far.
pub(crate) struct Converter {
    file: Arc<str>,
    diagnostics: Vec<Diagnostic>,
}

impl Converter {
    /// A converter for `file`.
    pub(crate) fn new(file: &str) -> Self {
        Converter {
            file: Arc::from(file),
            diagnostics: Vec::new(),
        }
    }

    /// The diagnostics, each reported once (an entity derived from a faulty
    /// one would otherwise repeat its errors).
    pub(crate) fn finish(self) -> Vec<Diagnostic> {
        let mut seen = HashSet::new();
        self.diagnostics
            .into_iter()
            .filter(|diagnostic| {
                seen.insert((diagnostic.location.clone(), diagnostic.message.clone()))
            })
            .collect()
    }

    /// Where `node` starts.
    pub(crate) fn location(&self, node: &Node) -> Option<Location> {
        self.location_at(node.line, node.column)
    }

    /// A location in this file.
    pub(crate) fn location_at(&self, line: u32, column: u32) -> Option<Location> {
        Some(Location {
            file: Arc::clone(&self.file),
            line,
            column,
        })
    }

    /// Records an error at `node`.
    pub(super) fn error(&mut self, kind: DiagnosticKind, path: &str, node: &Node, message: String) {
        let location = self.location(node);
        self.diagnostics
            .push(Diagnostic::error(kind, path, message).at(location));
    }

    /// Checks that `node` is a mapping with only `keys`, each once.
    pub(super) fn entries<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        keys: &[&str],
        what: &str,
    ) -> Option<Entries<'n>> {
        let Value::Mapping(pairs) = &node.value else {
            self.error(
                DiagnosticKind::Syntax,
                path,
                node,
                format!("expected a mapping for {what}, found {}", node.kind_name()),
            );
            return None;
        };
        let mut entries: Vec<(&'n str, &'n Node)> = Vec::with_capacity(pairs.len());
        for (key, value) in pairs {
            let Some(name) = key.scalar().filter(|_| !key.is_null()) else {
                self.error(
                    DiagnosticKind::Syntax,
                    path,
                    key,
                    format!("keys must be words, found {}", key.kind_name()),
                );
                continue;
            };
            if !keys.contains(&name) {
                let hint = match nearest(name, keys.iter().copied()) {
                    Some(suggestion) => format!("; did you mean `{suggestion}`?"),
                    None => format!(
                        " (known keys: {})",
                        keys.iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                self.error(
                    DiagnosticKind::UnknownKey,
                    path,
                    key,
                    format!("unknown key `{name}` in {what}{hint}"),
                );
                continue;
            }
            if entries.iter().any(|(seen, _)| *seen == name) {
                self.error(
                    DiagnosticKind::Syntax,
                    path,
                    key,
                    format!("duplicate key `{name}` in {what}"),
                );
                continue;
            }
            entries.push((name, value));
        }
        Some(Entries { node, entries })
    }

    /// The text of `key`, if given; an error unless it is a scalar.
    pub(super) fn text(&mut self, entries: &Entries<'_>, key: &str, path: &str) -> Option<String> {
        let node = entries.get(key)?;
        match node.scalar() {
            Some(text) => Some(text.to_string()),
            None => {
                self.error(
                    DiagnosticKind::Syntax,
                    path,
                    node,
                    format!("`{key}` must be text, found {}", node.kind_name()),
                );
                None
            }
        }
    }

    /// The text of `key`; an error naming `what` when it is missing.
    pub(super) fn required_text(
        &mut self,
        entries: &Entries<'_>,
        key: &str,
        path: &str,
        what: &str,
    ) -> Option<String> {
        if !entries.has(key) {
            self.error(
                DiagnosticKind::MissingElement,
                path,
                entries.node,
                format!("{what} has no `{key}`"),
            );
            return None;
        }
        self.text(entries, key, path)
    }

    /// The number at `key`, if given; an error unless it parses.
    pub(super) fn number(&mut self, entries: &Entries<'_>, key: &str, path: &str) -> Option<u64> {
        let node = entries.get(key)?;
        let parsed = node.scalar().and_then(schema::parse_number);
        if parsed.is_none() {
            let found = node
                .scalar()
                .map_or_else(|| node.kind_name().to_string(), |text| format!("`{text}`"));
            self.error(
                DiagnosticKind::Syntax,
                path,
                node,
                format!("`{key}` must be a number (decimal, `0x` hex or `0b` binary, below 2^64), found {found}"),
            );
        }
        parsed
    }

    /// The number at `key`, which must fit in 32 bits.
    pub(super) fn small_number(
        &mut self,
        entries: &Entries<'_>,
        key: &str,
        path: &str,
    ) -> Option<u32> {
        let value = self.number(entries, key, path)?;
        match u32::try_from(value) {
            Ok(small) => Some(small),
            Err(_) => {
                let node = entries.get(key)?;
                self.error(
                    DiagnosticKind::Syntax,
                    path,
                    node,
                    format!("`{key}` is too large: `{value}`"),
                );
                None
            }
        }
    }

    /// The number at `key`; an error naming `what` when it is missing.
    pub(super) fn required_number(
        &mut self,
        entries: &Entries<'_>,
        key: &str,
        path: &str,
        what: &str,
    ) -> Option<u64> {
        if !entries.has(key) {
            self.error(
                DiagnosticKind::MissingElement,
                path,
                entries.node,
                format!("{what} has no `{key}`"),
            );
            return None;
        }
        self.number(entries, key, path)
    }

    /// The value the word at `key` stands for in `words`; an error with the nearest word otherwise.
    pub(super) fn word<T: Copy>(
        &mut self,
        entries: &Entries<'_>,
        key: &str,
        words: &[(&'static str, T)],
        path: &str,
    ) -> Option<T> {
        let node = entries.get(key)?;
        let text = node.scalar().unwrap_or_default();
        if let Some(value) = schema::value_of(words, text) {
            return Some(value);
        }
        let hint = match nearest(text, words.iter().map(|(word, _)| *word)) {
            Some(suggestion) => format!("; did you mean `{suggestion}`?"),
            None => format!(
                " (expected one of {})",
                words
                    .iter()
                    .map(|(w, _)| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let found = node
            .scalar()
            .map_or_else(|| node.kind_name().to_string(), |text| format!("`{text}`"));
        self.error(
            DiagnosticKind::Syntax,
            path,
            node,
            format!("unknown `{key}` value {found}{hint}"),
        );
        None
    }

    /// `true` or `false` at `key`.
    pub(super) fn boolean(&mut self, entries: &Entries<'_>, key: &str, path: &str) -> Option<bool> {
        let node = entries.get(key)?;
        match node.scalar() {
            Some("true" | "True" | "TRUE") => Some(true),
            Some("false" | "False" | "FALSE") => Some(false),
            found => {
                let found =
                    found.map_or_else(|| node.kind_name().to_string(), |text| format!("`{text}`"));
                self.error(
                    DiagnosticKind::Syntax,
                    path,
                    node,
                    format!("`{key}` must be `true` or `false`, found {found}"),
                );
                None
            }
        }
    }

    /// `index_names`: a list of words, or one comma-separated text as in SVD.
    pub(super) fn names(
        &mut self,
        entries: &Entries<'_>,
        key: &str,
        path: &str,
    ) -> Option<Vec<String>> {
        let node = entries.get(key)?;
        match &node.value {
            Value::Scalar { text, .. } => Some(
                text.split(',')
                    .map(|name| name.trim().to_string())
                    .collect(),
            ),
            Value::Sequence(items) => {
                let mut names = Vec::with_capacity(items.len());
                for item in items {
                    match item.scalar() {
                        Some(text) => names.push(text.to_string()),
                        None => self.error(
                            DiagnosticKind::Syntax,
                            path,
                            item,
                            format!("`{key}` items must be words, found {}", item.kind_name()),
                        ),
                    }
                }
                Some(names)
            }
            Value::Mapping(_) => {
                self.error(
                    DiagnosticKind::Syntax,
                    path,
                    node,
                    format!("`{key}` must be a list of words"),
                );
                None
            }
        }
    }

    /// The items of the list at `key` (none when absent).
    pub(super) fn list<'n>(&mut self, entries: &Entries<'n>, key: &str, path: &str) -> &'n [Node] {
        let Some(node) = entries.get(key) else {
            return &[];
        };
        match &node.value {
            Value::Sequence(items) => items,
            _ => {
                self.error(
                    DiagnosticKind::Syntax,
                    path,
                    node,
                    format!("`{key}` must be a list, found {}", node.kind_name()),
                );
                &[]
            }
        }
    }
}

/// `parent.name`, or `name` at the top.
pub(super) fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}
