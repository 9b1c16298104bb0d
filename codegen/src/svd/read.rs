//! XML -> [`raw`](super::raw) model, normalising values on the way.
//!
//! Unknown elements are skipped (vendors add their own); known elements with
//! values off the schema are repaired with a warning where the meaning is
//! plain, and reported as errors where it is not.

use roxmltree::Node;

use crate::diagnostic::DiagnosticKind;
use crate::ir::{EnumeratedValue, Location, WriteConstraint};

use super::raw::{
    Derivation, Properties, RawCluster, RawDevice, RawDim, RawEnumSet, RawField, RawItem,
    RawPeripheral, RawRegister,
};
use super::values::{self, Lenient};
use super::{Context, join};

/// Reads the `<device>` element.
pub(super) fn device(root: Node, context: &mut Context) -> RawDevice {
    let root = &Element::new(root);
    root.report("", context);
    let location = context.location(root.range().start);
    let name = child_text(root, "name").unwrap_or_else(|| {
        let message = "the device has no `<name>`; using `device`".to_string();
        context.warn(DiagnosticKind::MissingElement, "", &location, message);
        "device".to_string()
    });
    for required in ["version", "description", "addressUnitBits", "width"] {
        if root.child(required).is_none() {
            let message = format!(
                "the device has no `<{required}>` (required by the schema; not needed here)"
            );
            context.warn(DiagnosticKind::MissingElement, "", &location, message);
        }
    }
    if let Some(cpu) = root.child("cpu") {
        check_cpu(cpu, context);
    }
    let properties = properties(root, "", context);
    let mut peripherals = Vec::new();
    match root.child("peripherals") {
        Some(list) => {
            let list = Element::new(list);
            list.report("", context);
            for node in list.all("peripheral") {
                peripherals.extend(peripheral(node, context));
            }
        }
        None => {
            let message = "the device has no `<peripherals>`".to_string();
            context.warn(DiagnosticKind::MissingElement, "", &location, message);
        }
    }
    RawDevice {
        name,
        description: description(root),
        properties,
        peripherals,
    }
}

/// The `<cpu>` block is not used by the generator, but its schema defects are
/// reported (as warnings only) so the report matches what stricter tools say.
fn check_cpu(cpu: Node, context: &mut Context) {
    let cpu = &Element::new(cpu);
    cpu.report("", context);
    let location = context.location(cpu.range().start);
    let required = [
        "name",
        "revision",
        "endian",
        "mpuPresent",
        "fpuPresent",
        "nvicPrioBits",
        "vendorSystickConfig",
    ];
    for name in required {
        if cpu.child(name).is_none() {
            let message =
                format!("`<cpu>` has no `<{name}>` (required by the schema; not needed here)");
            context.warn(DiagnosticKind::MissingElement, "", &location, message);
        }
    }
    if let Some(node) = cpu.child("endian") {
        let node_location = context.location(node.range().start);
        match values::endian(&text(node)) {
            Ok((_, None)) => {}
            Ok((_, Some(note))) => {
                context.warn(DiagnosticKind::NonStandardValue, "", &node_location, note);
            }
            Err(message) => {
                let message = format!("`<cpu><endian>`: {message} (ignored)");
                context.warn(
                    DiagnosticKind::NonStandardValue,
                    "",
                    &node_location,
                    message,
                );
            }
        }
    }
    for name in [
        "mpuPresent",
        "fpuPresent",
        "vendorSystickConfig",
        "fpuDP",
        "icachePresent",
        "dcachePresent",
    ] {
        if let Some(node) = cpu.child(name) {
            let node_location = context.location(node.range().start);
            match values::boolean(&text(node)) {
                Ok((_, None)) => {}
                Ok((_, Some(note))) => {
                    context.warn(DiagnosticKind::NonStandardValue, "", &node_location, note)
                }
                Err(message) => {
                    let message = format!("`<cpu><{name}>`: {message} (ignored)");
                    context.warn(
                        DiagnosticKind::NonStandardValue,
                        "",
                        &node_location,
                        message,
                    );
                }
            }
        }
    }
}

fn peripheral(node: Node, context: &mut Context) -> Option<RawPeripheral> {
    let node = &Element::new(node);
    let location = context.location(node.range().start);
    let name = required_name(node, "", "peripheral", &location, context)?;
    let path = name.clone();
    node.report(&path, context);
    let mut address_blocks = Vec::new();
    for block in node.all("addressBlock") {
        let block = &Element::new(block);
        block.report(&path, context);
        let offset = child_value(block, "offset", &path, values::number, context);
        let size = child_value(block, "size", &path, values::number, context);
        match (offset, size) {
            (Some(offset), Some(size)) => address_blocks.push((offset, size)),
            _ => {
                let block_location = context.location(block.range().start);
                let message =
                    "`<addressBlock>` without a readable `<offset>` and `<size>`; ignored"
                        .to_string();
                context.warn(
                    DiagnosticKind::MissingElement,
                    &path,
                    &block_location,
                    message,
                );
            }
        }
    }
    Some(RawPeripheral {
        description: description(node),
        group: child_text(node, "groupName"),
        base_address: child_value(node, "baseAddress", &path, values::number, context),
        properties: properties(node, &path, context),
        address_blocks,
        items: node
            .child("registers")
            .map(|list| {
                let list = Element::new(list);
                list.report(&path, context);
                items(&list, &path, context)
            })
            .unwrap_or_default(),
        dim: dim(node, &path, "peripheral", context)?,
        derived_from: derivation(node, &path, &location, context),
        resolved_from: None,
        location,
        name,
    })
}

/// The registers and clusters inside `container`.
fn items(container: &Element, parent_path: &str, context: &mut Context) -> Vec<RawItem> {
    let mut out = Vec::new();
    for &(tag, node) in &container.children {
        match tag {
            "register" => out.extend(register(node, parent_path, context).map(RawItem::Register)),
            "cluster" => out.extend(cluster(node, parent_path, context).map(RawItem::Cluster)),
            _ => {}
        }
    }
    out
}

fn cluster(node: Node, parent_path: &str, context: &mut Context) -> Option<RawCluster> {
    let node = &Element::new(node);
    let location = context.location(node.range().start);
    let name = required_name(node, parent_path, "cluster", &location, context)?;
    let path = join(parent_path, &name);
    node.report(&path, context);
    Some(RawCluster {
        description: description(node),
        offset: child_value(node, "addressOffset", &path, values::number, context),
        properties: properties(node, &path, context),
        dim: dim(node, &path, "cluster", context)?,
        items: items(node, &path, context),
        derived_from: derivation(node, &path, &location, context),
        location,
        name,
    })
}

fn register(node: Node, parent_path: &str, context: &mut Context) -> Option<RawRegister> {
    let node = &Element::new(node);
    let location = context.location(node.range().start);
    let name = required_name(node, parent_path, "register", &location, context)?;
    let path = join(parent_path, &name);
    node.report(&path, context);
    let mut fields = Vec::new();
    if let Some(list) = node.child("fields") {
        let list = Element::new(list);
        list.report(&path, context);
        for field_node in list.all("field") {
            fields.extend(field(field_node, &path, context));
        }
    }
    Some(RawRegister {
        description: description(node),
        offset: child_value(node, "addressOffset", &path, values::number, context),
        properties: properties(node, &path, context),
        dim: dim(node, &path, "register", context)?,
        read_action: child_value(node, "readAction", &path, values::read_action, context),
        write_action: child_value(
            node,
            "modifiedWriteValues",
            &path,
            values::write_action,
            context,
        ),
        alternate_register: child_text(node, "alternateRegister"),
        alternate_group: child_text(node, "alternateGroup"),
        fields,
        derived_from: derivation(node, &path, &location, context),
        location,
        name,
    })
}

fn field(node: Node, parent_path: &str, context: &mut Context) -> Option<RawField> {
    let node = &Element::new(node);
    let location = context.location(node.range().start);
    let name = required_name(node, parent_path, "field", &location, context)?;
    let path = join(parent_path, &name);
    node.report(&path, context);
    let diagnostics_before = context.diagnostics.len();
    let (lsb, width) = if node.child("bitOffset").is_some() || node.child("bitWidth").is_some() {
        // The schema makes `bitWidth` optional next to `bitOffset`: one bit,
        // unless `derivedFrom` supplies it (see `convert`).
        let lsb = child_value(node, "bitOffset", &path, values::number_u32, context);
        (
            lsb,
            child_value(node, "bitWidth", &path, values::number_u32, context),
        )
    } else if node.child("lsb").is_some() || node.child("msb").is_some() {
        let lsb = child_value(node, "lsb", &path, values::number_u32, context);
        let msb = child_value(node, "msb", &path, values::number_u32, context);
        let range = match (lsb, msb) {
            (Some(lsb), Some(msb)) if lsb <= msb => Some((lsb, msb)),
            (Some(lsb), Some(msb)) => {
                let message =
                    format!("`<lsb>` {lsb} is above `<msb>` {msb}; read as bits {msb} to {lsb}");
                context.warn(DiagnosticKind::NonStandardValue, &path, &location, message);
                Some((msb, lsb))
            }
            _ => None,
        };
        match range.map(|(low, high)| (low, high, crate::ir::field_width(low, high))) {
            Some((low, _, Ok(width))) => (Some(low), Some(width)),
            Some((low, high, Err(message))) => {
                let message = format!("`<lsb>` {low} to `<msb>` {high} {message}");
                context.leave_out(DiagnosticKind::Syntax, &path, &location, message, "field");
                return None;
            }
            None => (None, None),
        }
    } else {
        let range = child_value(node, "bitRange", &path, values::bit_range, context);
        (range.map(|(lsb, _)| lsb), range.map(|(_, width)| width))
    };
    if context.leave_out_on_errors(diagnostics_before, "field") {
        // An unreadable bit range costs the field, not the device.
        return None;
    }
    let mut enums = Vec::new();
    for set_node in node.all("enumeratedValues") {
        enums.push(enum_set(set_node, &path, context));
    }
    Some(RawField {
        description: description(node),
        lsb,
        width,
        access: child_value(node, "access", &path, values::access, context),
        write_action: child_value(
            node,
            "modifiedWriteValues",
            &path,
            values::write_action,
            context,
        ),
        read_action: child_value(node, "readAction", &path, values::read_action, context),
        write_constraint: node
            .child("writeConstraint")
            .and_then(|constraint| write_constraint(&Element::new(constraint), &path, context)),
        enums,
        dim: dim(node, &path, "field", context)?,
        derived_from: derivation(node, &path, &location, context),
        location,
        name,
    })
}

fn write_constraint(node: &Element, path: &str, context: &mut Context) -> Option<WriteConstraint> {
    node.report(path, context);
    if child_value(node, "writeAsRead", path, values::boolean, context) == Some(true) {
        return Some(WriteConstraint::WriteAsRead);
    }
    if child_value(node, "useEnumeratedValues", path, values::boolean, context) == Some(true) {
        return Some(WriteConstraint::UseEnumeratedValues);
    }
    let range = &Element::new(node.child("range")?);
    range.report(path, context);
    let min = child_value(range, "minimum", path, values::number, context);
    let max = child_value(range, "maximum", path, values::number, context);
    match (min, max) {
        (Some(min), Some(max)) => Some(WriteConstraint::Range { min, max }),
        _ => {
            let location = context.location(range.range().start);
            let message = "write constraint `<range>` without a readable `<minimum>` and `<maximum>`; ignored";
            context.warn(
                DiagnosticKind::MissingElement,
                path,
                &location,
                message.to_string(),
            );
            None
        }
    }
}

fn enum_set(node: Node, path: &str, context: &mut Context) -> RawEnumSet {
    let node = &Element::new(node);
    node.report(path, context);
    let location = context.location(node.range().start);
    let mut values = Vec::new();
    for value_node in node.all("enumeratedValue") {
        let value_node = &Element::new(value_node);
        value_node.report(path, context);
        let value_location = context.location(value_node.range().start);
        let Some(name) = child_text(value_node, "name") else {
            let message = "`<enumeratedValue>` has no `<name>`; ignored".to_string();
            context.warn(
                DiagnosticKind::MissingElement,
                path,
                &value_location,
                message,
            );
            continue;
        };
        let value = if value_node.child("value").is_some() {
            match child_value(value_node, "value", path, values::enum_value, context) {
                Some(number) => Some(number),
                None => continue,
            }
        } else if child_value(value_node, "isDefault", path, values::boolean, context) == Some(true)
        {
            None
        } else {
            let message = format!(
                "enumerated value `{name}` has neither `<value>` nor `<isDefault>`; ignored"
            );
            context.warn(
                DiagnosticKind::MissingElement,
                path,
                &value_location,
                message,
            );
            continue;
        };
        values.push(EnumeratedValue {
            name,
            description: description(value_node),
            value,
        });
    }
    RawEnumSet {
        name: child_text(node, "name"),
        usage: child_value(node, "usage", path, values::usage, context),
        values,
        derived_from: derivation(node, path, &location, context),
        location,
    }
}

/// `size`, `access`, `resetValue` and `resetMask` declared on `node`.
fn properties(node: &Element, path: &str, context: &mut Context) -> Properties {
    Properties {
        size: child_value(node, "size", path, values::number_u32, context),
        access: child_value(node, "access", path, values::access, context),
        reset_value: child_value(node, "resetValue", path, values::number, context),
        reset_mask: child_value(node, "resetMask", path, values::number, context),
    }
}

/// The element's array: `Some(None)` when it has none, `None` when its
/// `<dim>` is unusable (reported; the element, a `what`, is left out).
fn dim(node: &Element, path: &str, what: &str, context: &mut Context) -> Option<Option<RawDim>> {
    let Some(dim_node) = node.child("dim") else {
        return Some(None);
    };
    let location = context.location(dim_node.range().start);
    let count = value(dim_node, path, values::number_u32, context)?;
    let Some(increment_node) = node.child("dimIncrement") else {
        let message =
            "`<dim>` without `<dimIncrement>`: the element spacing is unknown".to_string();
        context.leave_out(DiagnosticKind::BadArray, path, &location, message, what);
        return None;
    };
    let increment = value(increment_node, path, values::number, context)?;
    let index = match node.child("dimIndex") {
        Some(index_node) => Some(value(index_node, path, values::dim_index, context)?),
        None => None,
    };
    Some(Some(RawDim {
        count,
        increment,
        index,
        location,
    }))
}

fn derivation(
    node: &Element,
    path: &str,
    location: &Location,
    context: &mut Context,
) -> Option<Derivation> {
    let target = node.attribute("derivedFrom")?.trim();
    if target.is_empty() {
        context.warn(
            DiagnosticKind::UnresolvedDerivation,
            path,
            location,
            "empty `derivedFrom`; ignored".to_string(),
        );
        return None;
    }
    Some(Derivation {
        target: target.to_string(),
    })
}

fn required_name(
    node: &Element,
    parent_path: &str,
    what: &str,
    location: &Location,
    context: &mut Context,
) -> Option<String> {
    let name = child_text(node, "name");
    if name.is_none() {
        let message = format!("{what} without a `<name>`");
        context.leave_out(
            DiagnosticKind::MissingElement,
            parent_path,
            location,
            message,
            what,
        );
    }
    name
}

/// Reads `node`'s text with `parse`, reporting repairs and failures.
fn value<T>(
    node: Node,
    path: &str,
    parse: fn(&str) -> Lenient<T>,
    context: &mut Context,
) -> Option<T> {
    let location = context.location(node.range().start);
    let tag = node.tag_name().name();
    match parse(&text(node)) {
        Ok((value, note)) => {
            if let Some(note) = note {
                context.warn(
                    DiagnosticKind::NonStandardValue,
                    path,
                    &location,
                    format!("`<{tag}>`: {note}"),
                );
            }
            Some(value)
        }
        Err(message) => {
            context.error(
                DiagnosticKind::Syntax,
                path,
                &location,
                format!("`<{tag}>`: {message}"),
            );
            None
        }
    }
}

fn child_value<T>(
    node: &Element,
    name: &str,
    path: &str,
    parse: fn(&str) -> Lenient<T>,
    context: &mut Context,
) -> Option<T> {
    node.child(name)
        .and_then(|child| value(child, path, parse, context))
}

/// An element with its child elements listed once, by tag name: each SVD
/// element is asked for some twenty known children, and walking the XML
/// siblings (whitespace included) for each was most of the reading time.
struct Element<'a, 'input> {
    node: Node<'a, 'input>,
    /// Child elements with their tag names, known names in canonical case.
    children: Vec<(&'input str, Node<'a, 'input>)>,
    /// Children whose tag was a known name in the wrong case.
    case_repairs: Vec<(Node<'a, 'input>, &'static str)>,
}

impl<'a, 'input> Element<'a, 'input> {
    fn new(node: Node<'a, 'input>) -> Self {
        let mut case_repairs = Vec::new();
        let children = elements(node)
            .map(|child| {
                let tag = child.tag_name().name();
                if KNOWN_ELEMENTS.binary_search(&tag).is_ok() {
                    return (tag, child);
                }
                match KNOWN_ELEMENTS
                    .iter()
                    .find(|known| known.eq_ignore_ascii_case(tag))
                {
                    Some(known) => {
                        case_repairs.push((child, *known));
                        (*known, child)
                    }
                    None => (tag, child),
                }
            })
            .collect();
        Element {
            node,
            children,
            case_repairs,
        }
    }

    /// Reports the children whose tag names were repaired, as `path`'s.
    fn report(&self, path: &str, context: &mut Context) {
        for &(child, known) in &self.case_repairs {
            let location = context.location(child.range().start);
            let message = format!(
                "element `<{}>` read as `<{known}>`",
                child.tag_name().name()
            );
            context.warn(DiagnosticKind::NonStandardValue, path, &location, message);
        }
    }

    /// The first child element called `name`.
    fn child(&self, name: &str) -> Option<Node<'a, 'input>> {
        self.children
            .iter()
            .find(|(tag, _)| *tag == name)
            .map(|&(_, child)| child)
    }

    /// Every child element called `name`, in order.
    fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = Node<'a, 'input>> + 's {
        self.children
            .iter()
            .filter(move |(tag, _)| *tag == name)
            .map(|&(_, child)| child)
    }

    fn range(&self) -> std::ops::Range<usize> {
        self.node.range()
    }

    fn attribute(&self, name: &str) -> Option<&'a str> {
        self.node.attribute(name)
    }
}

/// Every element name of the SVD schema (1.3), sorted (binary search).
const KNOWN_ELEMENTS: &[&str] = &[
    "access",
    "addressBlock",
    "addressOffset",
    "addressUnitBits",
    "alternateCluster",
    "alternateGroup",
    "alternatePeripheral",
    "alternateRegister",
    "appendToName",
    "baseAddress",
    "bitOffset",
    "bitRange",
    "bitWidth",
    "cluster",
    "cpu",
    "dataType",
    "dcachePresent",
    "derivedFrom",
    "description",
    "deviceNumInterrupts",
    "dim",
    "dimArrayIndex",
    "dimIncrement",
    "dimIndex",
    "dimName",
    "disableCondition",
    "displayName",
    "dspPresent",
    "dtcmPresent",
    "endian",
    "enumeratedValue",
    "enumeratedValues",
    "field",
    "fields",
    "fpuDP",
    "fpuPresent",
    "groupName",
    "headerDefinitionsPrefix",
    "headerEnumName",
    "headerStructName",
    "headerSystemFilename",
    "icachePresent",
    "interrupt",
    "isDefault",
    "itcmPresent",
    "licenseText",
    "lsb",
    "maximum",
    "minimum",
    "modifiedWriteValues",
    "mpuPresent",
    "msb",
    "name",
    "nvicPrioBits",
    "offset",
    "peripheral",
    "peripherals",
    "prependToName",
    "protection",
    "range",
    "readAction",
    "register",
    "registers",
    "resetMask",
    "resetValue",
    "revision",
    "sauNumRegions",
    "sauRegionsConfig",
    "series",
    "size",
    "usage",
    "useEnumeratedValues",
    "value",
    "vendor",
    "vendorExtensions",
    "vendorID",
    "vendorSystickConfig",
    "version",
    "vtorPresent",
    "width",
    "writeAsRead",
    "writeConstraint",
];

fn elements<'a, 'input>(node: Node<'a, 'input>) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(Node::is_element)
}

/// All text inside `node` (CDATA included), untrimmed.
fn text(node: Node) -> String {
    match node.first_child() {
        Some(only) if only.is_text() && only.next_sibling().is_none() => {
            only.text().unwrap_or("").to_string()
        }
        _ => node
            .descendants()
            .filter(Node::is_text)
            .filter_map(|text| text.text())
            .collect(),
    }
}

/// A child's text, trimmed; `None` when absent or blank.
fn child_text(node: &Element, name: &str) -> Option<String> {
    let text = text(node.child(name)?);
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// A `<description>`, with each line trimmed and blank lines dropped (vendor
/// files indent continuation lines to the XML's depth).
fn description(node: &Element) -> Option<String> {
    let text = text(node.child("description")?);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::KNOWN_ELEMENTS;

    #[test]
    fn known_elements_are_sorted_for_binary_search() {
        assert!(KNOWN_ELEMENTS.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
