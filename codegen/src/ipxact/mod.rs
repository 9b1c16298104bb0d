//! The IP-XACT front end: an IEEE 1685 `component` -> [`ir::Device`](crate::ir::Device).
//!
//! Reads 1685-2014 and 1685-2022 (`ipxact:`), 1685-2009 and the pre-IEEE
//! SPIRIT 1.4/1.5 (`spirit:`), chosen by the root element's namespace
//! ([`dialect`]). The XML is read with `roxmltree` after the same nesting
//! pre-scan as SVD, so every element has a line and column.
//!
//! The component is the device; every address block of every memory map
//! (and of every address space's local memory map) is a peripheral whose
//! base address is the block's `baseAddress` within its map (`map`).
//! Register files become clusters, registers and fields map one to one
//! (`register`, `field`; values read off elements in `element`, words in
//! `values`). Values are expressions (`expr`) over parameters (`params`),
//! which the user can override (`--param NAME=VALUE`).
//!
//! `docs/ipxact.md` lists what is read, ignored and refused.

pub mod dialect;
mod element;
mod expr;
mod field;
mod map;
mod names;
mod params;
mod register;
mod values;

use roxmltree::Node;

use crate::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
use crate::ir::{Device, Location};
use crate::svd::positions::LineIndex;

pub use dialect::Dialect;

/// Parses an IP-XACT component into the IR. `file` names the input in
/// diagnostics; `overrides` are `NAME=VALUE` parameter values (by parameter
/// name or `parameterId`/`spirit:id`). Returns the device and its warnings,
/// or every diagnostic when there are errors.
pub fn parse(
    text: &str,
    file: &str,
    overrides: &[(String, String)],
) -> Result<(Device, Vec<Diagnostic>), Diagnostics> {
    let (device, diagnostics) = read(text, file, overrides);
    match device {
        Some(device) if !diagnostics.iter().any(Diagnostic::is_error) => Ok((device, diagnostics)),
        _ => Err(Diagnostics(diagnostics)),
    }
}

/// Parses as far as the text allows: the device (`None` when the text is no
/// well-formed IP-XACT component) and every diagnostic, errors included
/// (elements with errors are left out of the device), so a caller can
/// validate what was read and report everything together.
pub(crate) fn read(
    text: &str,
    file: &str,
    overrides: &[(String, String)],
) -> (Option<Device>, Vec<Diagnostic>) {
    let lines = LineIndex::new(text, file);
    let document = match crate::svd::read_document(text, &lines) {
        Ok(document) => document,
        Err(Diagnostics(found)) => return (None, found),
    };
    let root = document.root_element();
    let namespace = root.tag_name().namespace().unwrap_or("");
    let located_error = |message: String| {
        vec![
            Diagnostic::error(DiagnosticKind::Syntax, "", message)
                .at(Some(lines.location(root.range().start))),
        ]
    };
    let Some(dialect) = Dialect::from_namespace(namespace) else {
        return (
            None,
            located_error(format!(
                "the root element's namespace `{namespace}` is no IP-XACT version this generator \
                 reads (1685-2022, 1685-2014, 1685-2009, SPIRIT 1.5 or 1.4)"
            )),
        );
    };
    if root.tag_name().name() != "component" {
        return (
            None,
            located_error(format!(
                "the root element is `<{}>`, not `<component>`: only {} components describe \
                 registers",
                root.tag_name().name(),
                dialect.label()
            )),
        );
    }
    let mut context = Context {
        lines,
        diagnostics: Vec::new(),
        dialect,
        namespace: namespace.to_string(),
        params: params::Params::default(),
    };
    context.params = params::Params::collect(root, &context);
    context.apply_overrides(overrides, root);
    let device = map::component(root, &mut context);
    names::warn_unusable(&device, &mut context.diagnostics);
    context
        .diagnostics
        .sort_by(|a, b| a.location.cmp(&b.location));
    (Some(device), context.diagnostics)
}

/// State shared while reading one component.
pub(super) struct Context<'a, 'input> {
    lines: LineIndex<'a>,
    diagnostics: Vec<Diagnostic>,
    dialect: Dialect,
    namespace: String,
    params: params::Params<'a, 'input>,
}

impl<'a, 'input> Context<'a, 'input> {
    /// The location of an element.
    pub(super) fn location(&self, node: Node) -> Location {
        self.lines.location(node.range().start)
    }

    /// Records a warning at `node`.
    pub(super) fn warn(&mut self, kind: DiagnosticKind, path: &str, node: Node, message: String) {
        let location = self.location(node);
        self.diagnostics
            .push(Diagnostic::warning(kind, path, message).at(Some(location)));
    }

    /// Records an error at `node`.
    pub(super) fn error(&mut self, kind: DiagnosticKind, path: &str, node: Node, message: String) {
        let location = self.location(node);
        self.diagnostics
            .push(Diagnostic::error(kind, path, message).at(Some(location)));
    }

    /// Whether `node` is the IP-XACT element `name`.
    pub(super) fn is(&self, node: Node, name: &str) -> bool {
        node.is_element()
            && node.tag_name().name() == name
            && node.tag_name().namespace() == Some(self.namespace.as_str())
    }

    /// The first IP-XACT child element `name`.
    pub(super) fn child(&self, node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
        node.children().find(|child| self.is(*child, name))
    }

    /// Every IP-XACT child element `name`.
    pub(super) fn children<'c>(
        &'c self,
        node: Node<'a, 'input>,
        name: &'c str,
    ) -> impl Iterator<Item = Node<'a, 'input>> + 'c {
        node.children().filter(move |child| self.is(*child, name))
    }

    /// The trimmed text of child `name`, if present.
    pub(super) fn text(&self, node: Node<'a, 'input>, name: &str) -> Option<String> {
        self.child(node, name).map(|child| element_text(child))
    }

    /// An attribute, without namespace or in the IP-XACT namespace
    /// (2009 writes `spirit:usage`, 2014 `usage`).
    pub(super) fn attribute(&self, node: Node<'a, 'input>, name: &str) -> Option<&'a str> {
        node.attribute(name)
            .or_else(|| node.attribute((self.namespace.as_str(), name)))
    }

    /// The dialect being read.
    pub(super) fn dialect(&self) -> Dialect {
        self.dialect
    }
}

/// The text of an element (all its text children, trimmed).
pub(super) fn element_text(node: Node) -> String {
    let text: String = node
        .children()
        .filter(|child| child.is_text())
        .filter_map(|child| child.text())
        .collect();
    text.trim().to_string()
}

/// `parent.name`, or `name` at the top.
pub(super) fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}
