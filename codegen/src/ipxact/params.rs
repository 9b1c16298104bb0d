//! Parameters and value evaluation.
//!
//! 1685-2014/2022: every `parameter` (and `moduleParameter`) with a
//! `parameterId`; an expression's identifiers are parameterIds, looked up
//! first in the parameters of the enclosing elements (nearest first), then
//! in the whole component (the standard makes ids unique there).
//! 1685-2009/SPIRIT: every element with a `spirit:id` (a parameter's value,
//! or a value such as a `baseAddress` marked `resolve="user"`); XPath
//! `spirit:dependency` expressions refer to them with `id('…')`.
//!
//! A parameter's value is evaluated once, when first used, and memoised, so
//! chains of references cost linear time; references that loop are an
//! error, and so is a chain deeper than [`MAX_CHAIN`].

use std::collections::HashMap;

use roxmltree::{Node, NodeId};

use crate::diagnostic::{Diagnostic, DiagnosticKind};

use super::expr::{self, Resolve};
use super::{Context, element_text, values};

/// Longest chain of parameter references followed.
const MAX_CHAIN: usize = 32;

/// One parameter.
struct Param<'a, 'input> {
    id: String,
    name: String,
    /// The element holding the value text.
    value: Option<Node<'a, 'input>>,
    /// The element that declares it (for messages).
    declared: Node<'a, 'input>,
    state: State,
}

#[derive(Clone)]
enum State {
    Pending,
    Busy,
    Done(Result<i128, String>),
}

/// Every parameter of a component.
#[derive(Default)]
pub(super) struct Params<'a, 'input> {
    list: Vec<Param<'a, 'input>>,
    /// (scope element, id) -> index, for 2014 scoping.
    by_scope: HashMap<(NodeId, String), usize>,
    /// id -> indices (several only in malformed input).
    by_id: HashMap<String, Vec<usize>>,
}

impl<'a, 'input> Params<'a, 'input> {
    /// Collects the parameters under `root`.
    pub(super) fn collect(root: Node<'a, 'input>, context: &Context<'a, 'input>) -> Self {
        let mut params = Params::default();
        let namespace = context.namespace.as_str();
        for node in root.descendants().filter(Node::is_element) {
            let param = if context.dialect().has_expressions() {
                if !(context.is(node, "parameter") || context.is(node, "moduleParameter")) {
                    continue;
                }
                let Some(id) = node.attribute("parameterId") else {
                    continue;
                };
                Param {
                    id: id.to_string(),
                    name: context.text(node, "name").unwrap_or_else(|| id.to_string()),
                    value: context.child(node, "value"),
                    declared: node,
                    state: State::Pending,
                }
            } else {
                let Some(id) = node.attribute((namespace, "id")) else {
                    continue;
                };
                let parent = node.parent_element();
                let name = parent
                    .and_then(|parent| context.text(parent, "name"))
                    .filter(|_| context.is(node, "value"))
                    .unwrap_or_else(|| id.to_string());
                Param {
                    id: id.to_string(),
                    name,
                    value: Some(node),
                    declared: parent.unwrap_or(node),
                    state: State::Pending,
                }
            };
            let index = params.list.len();
            // The element whose `parameters` list declares it.
            if let Some(scope) = param
                .declared
                .parent_element()
                .and_then(|list| list.parent_element())
            {
                params
                    .by_scope
                    .entry((scope.id(), param.id.clone()))
                    .or_insert(index);
            }
            params
                .by_id
                .entry(param.id.clone())
                .or_default()
                .push(index);
            params.list.push(param);
        }
        params
    }

    /// The parameter `reference` names, seen from `at`.
    fn find(&self, reference: &str, at: Node) -> Result<usize, String> {
        for scope in at.ancestors() {
            if let Some(&index) = self.by_scope.get(&(scope.id(), reference.to_string())) {
                return Ok(index);
            }
        }
        match self.by_id.get(reference).map(Vec::as_slice) {
            Some([index]) => Ok(*index),
            Some(several) if several.len() > 1 => Err(format!(
                "`{reference}` names {} parameters (parameterIds must be unique)",
                several.len()
            )),
            _ => Err(format!("`{reference}` names no parameter of the component")),
        }
    }

    /// Names and ids, for suggestions.
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.list.iter().map(|p| p.name.clone()).collect();
        names.sort();
        names.dedup();
        names
    }
}

impl<'a, 'input> Context<'a, 'input> {
    /// Applies `--param NAME=VALUE` overrides: NAME is matched against
    /// parameter ids first, then names; no match or an ambiguous name is an
    /// error, and so is a value that is not a constant.
    pub(super) fn apply_overrides(&mut self, overrides: &[(String, String)], root: Node) {
        for (name, text) in overrides {
            let by_id: Vec<usize> = (0..self.params.list.len())
                .filter(|&index| self.params.list[index].id == *name)
                .collect();
            let matches = if by_id.is_empty() {
                (0..self.params.list.len())
                    .filter(|&index| self.params.list[index].name == *name)
                    .collect()
            } else {
                by_id
            };
            let problem = match matches.as_slice() {
                [] => Some(format!(
                    "`--param {name}`: the component has no parameter with that name or id \
                     (its parameters: {})",
                    quoted_list(&self.params.names())
                )),
                [_] => None,
                several => Some(format!(
                    "`--param {name}` is ambiguous: it names parameters with ids {}; give the id",
                    quoted_list(
                        &several
                            .iter()
                            .map(|&index| self.params.list[index].id.clone())
                            .collect::<Vec<_>>()
                    )
                )),
            };
            if let Some(message) = problem {
                self.diagnostics.push(
                    Diagnostic::error(DiagnosticKind::UnresolvedParameter, "", message)
                        .at(Some(self.location(root))),
                );
                continue;
            }
            match constant(text) {
                Ok(value) => self.params.list[matches[0]].state = State::Done(Ok(value)),
                Err(message) => self.diagnostics.push(
                    Diagnostic::error(
                        DiagnosticKind::BadExpression,
                        "",
                        format!("`--param {name}={text}`: {message}"),
                    )
                    .at(Some(self.location(root))),
                ),
            }
        }
    }

    /// The value of element `node` (an expression in 2014, a literal or a
    /// `spirit:dependency` in 2009), or why it has none.
    pub(super) fn evaluate(&mut self, node: Node<'a, 'input>) -> Result<i128, String> {
        if !self.dialect().has_expressions() {
            // A value with an id is a parameter: an override may replace it.
            if let Some(id) = node.attribute((self.namespace.as_str(), "id"))
                && let Some(&index) = self.params.by_id.get(id).and_then(|list| list.first())
            {
                return self.param_value(index, 0);
            }
        }
        self.compute(node, 0)
    }

    fn param_value(&mut self, index: usize, depth: usize) -> Result<i128, String> {
        match self.params.list[index].state.clone() {
            State::Done(result) => return result,
            State::Busy => {
                return Err(format!(
                    "parameter `{}` depends on itself",
                    self.params.list[index].name
                ));
            }
            State::Pending => {}
        }
        self.params.list[index].state = State::Busy;
        let result = match self.params.list[index].value {
            None => Err("it has no value".to_string()),
            Some(value) => self.compute(value, depth + 1),
        };
        let param = &self.params.list[index];
        let result = result.map_err(|reason| {
            let line = self.lines.location(param.declared.range().start).line;
            if reason.contains("give it with `--param") {
                reason
            } else {
                format!(
                    "parameter `{}` (id `{}`, line {line}) has no usable value: {reason}; \
                     give it with `--param {}=VALUE`",
                    param.name, param.id, param.name
                )
            }
        });
        self.params.list[index].state = State::Done(result.clone());
        result
    }

    fn compute(&mut self, node: Node<'a, 'input>, depth: usize) -> Result<i128, String> {
        if depth > MAX_CHAIN {
            return Err(format!(
                "parameter references nested deeper than {MAX_CHAIN}"
            ));
        }
        let text = element_text(node);
        if self.dialect().has_expressions() {
            let expression = expr::parse(&text)?;
            let mut scope = Scope {
                context: self,
                at: node,
                depth,
                aliases: Vec::new(),
            };
            return expr::eval(&expression, &mut scope);
        }
        match node.attribute((self.namespace.as_str(), "dependency")) {
            Some(dependency) => {
                let (translated, aliases) = values::translate_xpath(dependency)?;
                let expression = expr::parse(&translated)?;
                let mut scope = Scope {
                    context: self,
                    at: node,
                    depth,
                    aliases,
                };
                expr::eval(&expression, &mut scope)
            }
            None => values::literal(&text),
        }
    }
}

/// Resolves references while evaluating one value.
struct Scope<'c, 'a, 'input> {
    context: &'c mut Context<'a, 'input>,
    at: Node<'a, 'input>,
    depth: usize,
    /// 2009: `id('…')` targets, referred to as `__idN`.
    aliases: Vec<String>,
}

impl Resolve for Scope<'_, '_, '_> {
    fn resolve(&mut self, name: &str) -> Result<i128, String> {
        let target = match name
            .strip_prefix(values::ALIAS_PREFIX)
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(alias) => self
                .aliases
                .get(alias)
                .cloned()
                .ok_or_else(|| format!("`{name}` is not a reference"))?,
            None if self.context.dialect().has_expressions() => name.to_string(),
            None => return Err(format!("`{name}` is not a number")),
        };
        let index = self.context.params.find(&target, self.at)?;
        self.context.param_value(index, self.depth)
    }
}

/// A `--param` value: a constant (SystemVerilog literal, `0x`, decimal, a
/// scaled integer like `4K`, or an expression of those).
fn constant(text: &str) -> Result<i128, String> {
    values::literal(text).or_else(|_| expr::evaluate(text, &mut expr::NoReferences))
}

fn quoted_list(items: &[String]) -> String {
    if items.is_empty() {
        return "none".to_string();
    }
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
