//! A YAML document as a tree of nodes that remember where they start.
//!
//! Built from `saphyr-parser` events rather than through serde so that every
//! key and value keeps its line and column: schema errors can then point at
//! the exact key, and unknown keys can be reported with a suggestion.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// A node and where it starts (1-based line and column).
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// The content.
    pub value: Value,
    /// 1-based line of the node's first character.
    pub line: u32,
    /// 1-based column of the node's first character.
    pub column: u32,
}

/// The content of a node. Scalars stay text: the schema decides what a
/// scalar means (a name, a number, a bit range), so `0x10` is never read as a
/// string by one part and a number by another.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    /// A scalar and whether it was quoted (quoted scalars are never null).
    Scalar {
        /// The text after unescaping.
        text: String,
        /// Whether the scalar was written without quotes or block indicators.
        plain: bool,
    },
    /// A sequence.
    Sequence(Vec<Node>),
    /// A mapping, in input order.
    Mapping(Vec<(Node, Node)>),
}

impl Node {
    /// Whether this is the YAML null (`~`, `null` or nothing, unquoted).
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The scalar text, if this is a scalar.
    pub fn scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A word for what this node is, for "expected X, found Y" messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            _ if self.is_null() => "nothing",
            Value::Scalar { .. } => "a scalar",
            Value::Sequence(_) => "a list",
            Value::Mapping(_) => "a mapping",
        }
    }
}

/// A YAML syntax error with its 1-based position.
#[derive(Debug, Clone)]
pub(crate) struct SyntaxError {
    /// What is wrong.
    pub message: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// A collection being built while its events arrive.
enum Open {
    Sequence {
        node: Node,
        items: Vec<Node>,
        anchor: usize,
    },
    Mapping {
        node: Node,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        anchor: usize,
    },
}

fn position(span: &Span) -> (u32, u32) {
    let line = u32::try_from(span.start.line()).unwrap_or(u32::MAX);
    let column = u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX);
    (line, column)
}

/// Parses `text` into the root node of its single document (`None` when the
/// file holds no document).
pub(crate) fn load(text: &str) -> Result<Option<Node>, SyntaxError> {
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut root: Option<Node> = None;
    let mut documents = 0u32;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|error| SyntaxError {
            message: error.info().to_string(),
            line: u32::try_from(error.marker().line()).unwrap_or(u32::MAX),
            column: u32::try_from(error.marker().col() + 1).unwrap_or(u32::MAX),
        })?;
        let (line, column) = position(&span);
        let placeholder = |value| Node {
            value,
            line,
            column,
        };
        let complete = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(SyntaxError {
                        message: "a description is one YAML document; found a second `---`".into(),
                        line,
                        column,
                    });
                }
                None
            }
            Event::Scalar(text, style, anchor, _tag) => {
                let node = placeholder(Value::Scalar {
                    text: text.into_owned(),
                    plain: style == ScalarStyle::Plain,
                });
                if anchor != 0 {
                    anchors.insert(anchor, node.clone());
                }
                Some(node)
            }
            Event::Alias(anchor) => match anchors.get(&anchor) {
                // The copy keeps the anchored node's position: errors inside
                // it point at the text that defines it.
                Some(node) => Some(node.clone()),
                None => {
                    return Err(SyntaxError {
                        message: "alias to an unknown anchor".into(),
                        line,
                        column,
                    });
                }
            },
            Event::SequenceStart(anchor, _tag) => {
                stack.push(Open::Sequence {
                    node: placeholder(Value::Sequence(Vec::new())),
                    items: Vec::new(),
                    anchor,
                });
                None
            }
            Event::MappingStart(anchor, _tag) => {
                stack.push(Open::Mapping {
                    node: placeholder(Value::Mapping(Vec::new())),
                    entries: Vec::new(),
                    key: None,
                    anchor,
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match stack.pop() {
                    Some(Open::Sequence {
                        mut node,
                        items,
                        anchor,
                    }) => {
                        node.value = Value::Sequence(items);
                        (node, anchor)
                    }
                    Some(Open::Mapping {
                        mut node,
                        entries,
                        anchor,
                        ..
                    }) => {
                        node.value = Value::Mapping(entries);
                        (node, anchor)
                    }
                    None => {
                        return Err(SyntaxError {
                            message: "unbalanced collection end".into(),
                            line,
                            column,
                        });
                    }
                };
                if anchor != 0 {
                    anchors.insert(anchor, node.clone());
                }
                Some(node)
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => None,
        };
        let Some(node) = complete else { continue };
        match stack.last_mut() {
            Some(Open::Sequence { items, .. }) => items.push(node),
            Some(Open::Mapping { entries, key, .. }) => match key.take() {
                Some(key_node) => entries.push((key_node, node)),
                None => *key = Some(node),
            },
            None => root = Some(node),
        }
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_and_order() {
        let root = load("a: 1\nb:\n  - x\n  - {c: 'd'}\n").unwrap().unwrap();
        let Value::Mapping(entries) = &root.value else {
            panic!("not a mapping")
        };
        assert_eq!(entries[0].0.scalar(), Some("a"));
        assert_eq!((entries[1].0.line, entries[1].0.column), (2, 1));
        let Value::Sequence(items) = &entries[1].1.value else {
            panic!("not a list")
        };
        assert_eq!((items[1].line, items[1].column), (4, 5));
        let Value::Mapping(inner) = &items[1].value else {
            panic!("not a mapping")
        };
        assert!(matches!(&inner[0].1.value, Value::Scalar { text, plain: false } if text == "d"));
    }

    #[test]
    fn aliases_copy_the_anchored_node() {
        let root = load("a: &x [1, 2]\nb: *x\n").unwrap().unwrap();
        let Value::Mapping(entries) = &root.value else {
            panic!("not a mapping")
        };
        assert!(matches!(&entries[1].1.value, Value::Sequence(items) if items.len() == 2));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let error = load("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(error.line >= 2, "{error:?}");
    }

    #[test]
    fn empty_values_are_null() {
        let root = load("a:\nb: ''\n").unwrap().unwrap();
        let Value::Mapping(entries) = &root.value else {
            panic!("not a mapping")
        };
        assert!(entries[0].1.is_null());
        assert!(!entries[1].1.is_null());
    }
}
