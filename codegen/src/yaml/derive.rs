//! `derived_from` among siblings: a derived entity is its base's mapping
//! overridden by its own keys, resolved on the node tree so that every kind
//! of entity (peripheral, cluster, register, field) derives the same way and
//! inherited values keep the position of the text that defines them.

use std::borrow::Cow;
use std::collections::HashMap;

use super::node::{Node, Value};
use super::read::{Converter, join};
use super::schema::nearest;
use crate::diagnostic::DiagnosticKind;

/// One list of sibling entities, for resolving `derived_from` among them.
struct Siblings<'n, 'p> {
    list: &'n [Node],
    /// Each sibling's name, when it has one.
    names: Vec<Option<&'n str>>,
    /// The first sibling of each name.
    by_name: HashMap<&'n str, usize>,
    /// Whether each sibling is on the chain being resolved.
    on_chain: Vec<bool>,
    /// Effective mappings of the derived siblings resolved so far.
    resolved: Vec<Option<Node>>,
    /// Path of the parent, for diagnostics.
    parent: &'p str,
    /// What the siblings are ("peripheral", "field"), for diagnostics.
    what: &'p str,
}

impl Converter {
    /// Resolves `derived_from` among the siblings in `list`: a derived entity
    /// is its base's keys overridden by its own. Returns each entity's
    /// effective mapping and the name it was derived from.
    pub(super) fn derive<'n>(
        &mut self,
        list: &'n [Node],
        name_keys: &[&str],
        parent: &str,
        what: &str,
    ) -> Vec<(Cow<'n, Node>, Option<&'n str>)> {
        let names: Vec<Option<&'n str>> =
            list.iter().map(|node| name_of(node, name_keys)).collect();
        let mut by_name = HashMap::new();
        for (index, name) in names.iter().enumerate() {
            if let Some(name) = name {
                by_name.entry(*name).or_insert(index);
            }
        }
        let mut siblings = Siblings {
            list,
            names,
            by_name,
            on_chain: vec![false; list.len()],
            resolved: vec![None; list.len()],
            parent,
            what,
        };
        (0..list.len())
            .map(|index| {
                let node = self.resolve(&mut siblings, index);
                (node, derived_from_of(&list[index]))
            })
            .collect()
    }

    /// The effective mapping of sibling `index`. The chain of bases is
    /// walked without recursion to the first sibling whose mapping is known
    /// (one that derives from nothing, one resolved before, or one whose
    /// `derived_from` is an error), then merged back up, so chains of any
    /// length resolve; a base already on the chain is a cycle.
    fn resolve<'n>(&mut self, siblings: &mut Siblings<'n, '_>, index: usize) -> Cow<'n, Node> {
        // The links still to merge, nearest first.
        let mut chain: Vec<usize> = Vec::new();
        let mut current = index;
        let mut base: Cow<'n, Node> = loop {
            let own = &siblings.list[current];
            let Some(base_name) = derived_from_of(own) else {
                break Cow::Borrowed(own);
            };
            if let Some(node) = &siblings.resolved[current] {
                break Cow::Owned(node.clone());
            }
            let path = join(siblings.parent, siblings.names[current].unwrap_or("?"));
            let value_node = derived_from_node(own).unwrap_or(own);
            let Some(&base_index) = siblings.by_name.get(base_name) else {
                let hint = nearest(base_name, siblings.names.iter().flatten().copied())
                    .map(|suggestion| format!("; did you mean `{suggestion}`?"))
                    .unwrap_or_default();
                let what = siblings.what;
                self.error(
                    DiagnosticKind::UnresolvedDerivation,
                    &path,
                    value_node,
                    format!("`derived_from` names `{base_name}`, which is not a {what} here{hint}"),
                );
                break Cow::Borrowed(own);
            };
            if base_index == current || siblings.on_chain[base_index] {
                self.error(
                    DiagnosticKind::UnresolvedDerivation,
                    &path,
                    value_node,
                    format!("`derived_from: {base_name}` makes a cycle"),
                );
                break Cow::Borrowed(own);
            }
            chain.push(current);
            siblings.on_chain[current] = true;
            current = base_index;
        };
        while let Some(link) = chain.pop() {
            siblings.on_chain[link] = false;
            let merged = merge(&base, &siblings.list[link]);
            siblings.resolved[link] = Some(merged.clone());
            base = Cow::Owned(merged);
        }
        base
    }
}

/// The entries of a mapping node (none for other nodes).
pub(super) fn pairs(node: &Node) -> &[(Node, Node)] {
    match &node.value {
        Value::Mapping(pairs) => pairs,
        _ => &[],
    }
}

/// The value of `key` in a mapping node, null or not.
pub(super) fn entry<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    pairs(node)
        .iter()
        .find(|(name, _)| name.scalar() == Some(key))
        .map(|(_, value)| value)
}

/// Whether a mapping node has `key`.
pub(super) fn has_key(node: &Node, key: &str) -> bool {
    entry(node, key).is_some()
}

/// The first of `keys` that names the entity.
pub(super) fn name_of<'n>(node: &'n Node, keys: &[&str]) -> Option<&'n str> {
    keys.iter()
        .find_map(|key| entry(node, key).and_then(Node::scalar))
}

/// The non-null `derived_from` value of a mapping node.
pub(super) fn derived_from_node(node: &Node) -> Option<&Node> {
    entry(node, "derived_from").filter(|value| !value.is_null())
}

/// The name a mapping node derives from.
pub(super) fn derived_from_of(node: &Node) -> Option<&str> {
    derived_from_node(node).and_then(Node::scalar)
}

/// `base` overridden by `own`: the base's keys that `own` does not give
/// (but not its `derived_from`), then all of `own`'s entries, duplicates
/// included so they are still reported. Positions are `own`'s.
fn merge(base: &Node, own: &Node) -> Node {
    let own_pairs = pairs(own);
    let mut merged: Vec<(Node, Node)> = pairs(base)
        .iter()
        .filter(|(key, _)| {
            let name = key.scalar();
            name != Some("derived_from")
                && !own_pairs
                    .iter()
                    .any(|(own_key, _)| name.is_some() && own_key.scalar() == name)
        })
        .cloned()
        .collect();
    merged.extend(own_pairs.iter().cloned());
    Node {
        value: Value::Mapping(merged),
        line: own.line,
        column: own.column,
    }
}
