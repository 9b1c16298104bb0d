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

/// Deepest nesting of lists and mappings read. A description nests a few
/// levels per cluster; deeper input is refused with a located error, so the
/// recursive walks over the tree (conversion, `Clone`, `Drop`) stay far from
/// the stack's end. (`saphyr-parser` refuses flow collections past 255 levels
/// by itself, block collections not at all.)
pub(crate) const MAX_DEPTH: usize = 128;

/// The fixed part of the alias expansion budget, in nodes: aliases may copy
/// this many nodes in all, plus [`ALIAS_BUDGET_PER_BYTE`] per input byte.
const ALIAS_BUDGET_FLOOR: usize = 1_000_000;

/// Nodes aliases may copy per byte of input, on top of the floor.
const ALIAS_BUDGET_PER_BYTE: usize = 16;

/// A collection being built while its events arrive.
enum Open {
    Sequence {
        node: Node,
        items: Vec<Node>,
        anchor: usize,
        /// Nodes in this collection so far, itself included.
        size: usize,
    },
    Mapping {
        node: Node,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        anchor: usize,
        /// Nodes in this collection so far, itself included.
        size: usize,
    },
}

impl Open {
    /// The running node count.
    fn size_mut(&mut self) -> &mut usize {
        match self {
            Open::Sequence { size, .. } | Open::Mapping { size, .. } => size,
        }
    }
}

fn position(span: &Span) -> (u32, u32) {
    let line = u32::try_from(span.start.line()).unwrap_or(u32::MAX);
    let column = u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX);
    (line, column)
}

/// Parses `text` into the root node of its single document (`None` when the
/// file holds no document).
///
/// Aliases are copied (the tree has no sharing), within a budget: all
/// aliases together may copy at most [`ALIAS_BUDGET_FLOOR`] nodes plus
/// [`ALIAS_BUDGET_PER_BYTE`] per input byte, so a few hundred bytes of nested
/// aliases (a "billion laughs") are an error at the alias that crosses the
/// budget rather than an exhausted memory. Nesting deeper than [`MAX_DEPTH`]
/// is an error where it crosses that depth.
pub(crate) fn load(text: &str) -> Result<Option<Node>, SyntaxError> {
    let mut stack: Vec<Open> = Vec::new();
    // Each anchored node with its size in nodes.
    let mut anchors: HashMap<usize, (Node, usize)> = HashMap::new();
    let budget = text
        .len()
        .saturating_mul(ALIAS_BUDGET_PER_BYTE)
        .saturating_add(ALIAS_BUDGET_FLOOR);
    let mut expanded: usize = 0;
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
        // The finished node and its size in nodes.
        let complete: Option<(Node, usize)> = match event {
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
                    anchors.insert(anchor, (node.clone(), 1));
                }
                Some((node, 1))
            }
            Event::Alias(anchor) => match anchors.get(&anchor) {
                // The copy keeps the anchored node's position: errors inside
                // it point at the text that defines it.
                Some((node, size)) => {
                    expanded = expanded.saturating_add(*size);
                    if expanded > budget {
                        let name = alias_name(text, &span);
                        return Err(SyntaxError {
                            message: format!(
                                "alias `{name}` passes the alias expansion budget ({budget} nodes copied by aliases for this input); aliases nest too deeply"
                            ),
                            line,
                            column,
                        });
                    }
                    Some((node.clone(), *size))
                }
                None => {
                    return Err(SyntaxError {
                        message: "alias to an unknown anchor".into(),
                        line,
                        column,
                    });
                }
            },
            Event::SequenceStart(anchor, _tag) => {
                check_depth(stack.len(), line, column)?;
                stack.push(Open::Sequence {
                    node: placeholder(Value::Sequence(Vec::new())),
                    items: Vec::new(),
                    anchor,
                    size: 1,
                });
                None
            }
            Event::MappingStart(anchor, _tag) => {
                check_depth(stack.len(), line, column)?;
                stack.push(Open::Mapping {
                    node: placeholder(Value::Mapping(Vec::new())),
                    entries: Vec::new(),
                    key: None,
                    anchor,
                    size: 1,
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor, size) = match stack.pop() {
                    Some(Open::Sequence {
                        mut node,
                        items,
                        anchor,
                        size,
                    }) => {
                        node.value = Value::Sequence(items);
                        (node, anchor, size)
                    }
                    Some(Open::Mapping {
                        mut node,
                        entries,
                        anchor,
                        size,
                        ..
                    }) => {
                        node.value = Value::Mapping(entries);
                        (node, anchor, size)
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
                    anchors.insert(anchor, (node.clone(), size));
                }
                Some((node, size))
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => None,
        };
        let Some((node, size)) = complete else {
            continue;
        };
        if let Some(open) = stack.last_mut() {
            let total = open.size_mut();
            *total = total.saturating_add(size);
        }
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

/// An error when a collection opened at `depth` (the number already open)
/// would nest deeper than [`MAX_DEPTH`].
fn check_depth(depth: usize, line: u32, column: u32) -> Result<(), SyntaxError> {
    if depth < MAX_DEPTH {
        return Ok(());
    }
    Err(SyntaxError {
        message: format!("lists and mappings nested deeper than {MAX_DEPTH} levels"),
        line,
        column,
    })
}

/// The alias as written (`*name`), for messages. Marker indices count
/// characters; this walks the text once, on the error path only.
fn alias_name(text: &str, span: &Span) -> String {
    let start = span.start.index();
    let length = span.end.index().saturating_sub(start);
    text.chars().skip(start).take(length).collect()
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
