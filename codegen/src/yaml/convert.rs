//! From the node tree to the IR: schema checks, defaults, `derived_from`.
//!
//! Every problem becomes a [`Diagnostic`] with the file, line and column of
//! the offending key or value and the entity path; conversion carries on past
//! errors so one run reports them all.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use super::node::{Node, Value};
use super::schema::{self, nearest};
use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::ir::{
    Access, Cluster, Device, Dim, EnumeratedValue, EnumeratedValues, Field, Item, Location,
    Peripheral, ReadAction, Register, Usage, WriteAction, WriteConstraint,
};

/// Register properties inherited from the device, peripheral and cluster
/// `defaults` mappings.
#[derive(Debug, Clone, Copy, Default)]
struct Defaults {
    size: Option<u32>,
    access: Option<Access>,
    reset: Option<u64>,
    reset_mask: Option<u64>,
}

/// A mapping whose keys have been checked against the schema.
struct Entries<'n> {
    node: &'n Node,
    entries: Vec<(&'n str, &'n Node)>,
}

impl<'n> Entries<'n> {
    /// The value of `key`; `None` when absent or null (so `key: ~` in a
    /// derived entity clears what it inherited).
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, value)| *value)
            .filter(|value| !value.is_null())
    }

    fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

/// One list of sibling entities, for resolving `derived_from` among them.
struct Siblings<'n, 'p> {
    list: &'n [Node],
    /// Each sibling's name, when it has one.
    names: Vec<Option<&'n str>>,
    /// Effective mappings of the derived siblings resolved so far.
    resolved: Vec<Option<Node>>,
    /// Path of the parent, for diagnostics.
    parent: &'p str,
    /// What the siblings are ("peripheral", "field"), for diagnostics.
    what: &'p str,
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

    fn error(&mut self, kind: DiagnosticKind, path: &str, node: &Node, message: String) {
        let location = self.location(node);
        self.diagnostics
            .push(Diagnostic::error(kind, path, message).at(location));
    }

    /// Checks that `node` is a mapping with only `keys`, each once.
    fn entries<'n>(
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

    fn text(&mut self, entries: &Entries<'_>, key: &str, path: &str) -> Option<String> {
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

    fn required_text(
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

    fn number(&mut self, entries: &Entries<'_>, key: &str, path: &str) -> Option<u64> {
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

    fn small_number(&mut self, entries: &Entries<'_>, key: &str, path: &str) -> Option<u32> {
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

    fn required_number(
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

    fn word<T: Copy>(
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

    fn boolean(&mut self, entries: &Entries<'_>, key: &str, path: &str) -> Option<bool> {
        let node = entries.get(key)?;
        match node.scalar() {
            Some("true" | "True" | "TRUE") => Some(true),
            Some("false" | "False" | "FALSE") => Some(false),
            _ => {
                self.error(
                    DiagnosticKind::Syntax,
                    path,
                    node,
                    format!("`{key}` must be `true` or `false`"),
                );
                None
            }
        }
    }

    /// `index_names`: a list of words, or one comma-separated text as in SVD.
    fn names(&mut self, entries: &Entries<'_>, key: &str, path: &str) -> Option<Vec<String>> {
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

    fn list<'n>(&mut self, entries: &Entries<'n>, key: &str, path: &str) -> &'n [Node] {
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

    /// The document.
    pub(crate) fn device(&mut self, root: &Node) -> Device {
        let mut device = Device {
            name: String::new(),
            description: None,
            peripherals: Vec::new(),
        };
        let Some(entries) = self.entries(root, "", schema::DEVICE_KEYS, "the device") else {
            return device;
        };
        device.name = self
            .required_text(&entries, "device", "", "the description")
            .unwrap_or_default();
        device.description = self.text(&entries, "description", "");
        let defaults = self.defaults(&entries, Defaults::default(), "");
        let list = self.list(&entries, "peripherals", "");
        for (node, derived_from) in self.derive(list, &["name"], "", "peripheral") {
            if let Some(peripheral) = self.peripheral(&node, derived_from, defaults) {
                device.peripherals.push(peripheral);
            }
        }
        device
    }

    fn defaults(&mut self, entries: &Entries<'_>, inherited: Defaults, path: &str) -> Defaults {
        let Some(node) = entries.get("defaults") else {
            return inherited;
        };
        let Some(own) = self.entries(node, path, schema::DEFAULTS_KEYS, "`defaults`") else {
            return inherited;
        };
        Defaults {
            size: self.small_number(&own, "size", path).or(inherited.size),
            access: self
                .word(&own, "access", schema::ACCESS_WORDS, path)
                .or(inherited.access),
            reset: self.number(&own, "reset", path).or(inherited.reset),
            reset_mask: self
                .number(&own, "reset_mask", path)
                .or(inherited.reset_mask),
        }
    }

    /// Resolves `derived_from` among the siblings in `list`: a derived entity
    /// is its base's keys overridden by its own. Returns each entity's
    /// effective mapping and the name it was derived from.
    fn derive<'n>(
        &mut self,
        list: &'n [Node],
        name_keys: &[&str],
        parent: &str,
        what: &str,
    ) -> Vec<(Cow<'n, Node>, Option<&'n str>)> {
        let mut siblings = Siblings {
            list,
            names: list.iter().map(|node| name_of(node, name_keys)).collect(),
            resolved: vec![None; list.len()],
            parent,
            what,
        };
        (0..list.len())
            .map(|index| {
                let node = self.resolve(&mut siblings, index, &mut Vec::new());
                (node, derived_from_of(&list[index]))
            })
            .collect()
    }

    /// The effective mapping of sibling `index`; `visiting` holds the
    /// siblings whose derivation is being resolved, to catch cycles.
    fn resolve<'n>(
        &mut self,
        siblings: &mut Siblings<'n, '_>,
        index: usize,
        visiting: &mut Vec<usize>,
    ) -> Cow<'n, Node> {
        let own = &siblings.list[index];
        let Some(base_name) = derived_from_of(own) else {
            return Cow::Borrowed(own);
        };
        if let Some(node) = &siblings.resolved[index] {
            return Cow::Owned(node.clone());
        }
        let path = join(siblings.parent, siblings.names[index].unwrap_or("?"));
        let value_node = derived_from_node(own).unwrap_or(own);
        let Some(base_index) = siblings
            .names
            .iter()
            .position(|name| *name == Some(base_name))
        else {
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
            return Cow::Borrowed(own);
        };
        if base_index == index || visiting.contains(&base_index) {
            self.error(
                DiagnosticKind::UnresolvedDerivation,
                &path,
                value_node,
                format!("`derived_from: {base_name}` makes a cycle"),
            );
            return Cow::Borrowed(own);
        }
        visiting.push(index);
        let base = self.resolve(siblings, base_index, visiting);
        visiting.pop();
        let merged = merge(&base, own);
        siblings.resolved[index] = Some(merged.clone());
        Cow::Owned(merged)
    }

    fn peripheral(
        &mut self,
        node: &Node,
        derived_from: Option<&str>,
        inherited: Defaults,
    ) -> Option<Peripheral> {
        let path = name_of(node, &["name"]).unwrap_or("?").to_string();
        let entries = self.entries(node, &path, schema::PERIPHERAL_KEYS, "a peripheral")?;
        let name = self
            .required_text(&entries, "name", &path, "a peripheral")
            .unwrap_or_default();
        let defaults = self.defaults(&entries, inherited, &path);
        let list = self.list(&entries, "registers", &path);
        Some(Peripheral {
            description: self.text(&entries, "description", &path),
            group: self.text(&entries, "group", &path),
            base_address: self.number(&entries, "base", &path).unwrap_or(0),
            size: self.number(&entries, "size", &path),
            derived_from: derived_from.map(str::to_string),
            items: self.items(list, defaults, &path),
            location: self.location(node),
            name,
        })
    }

    fn items(&mut self, list: &[Node], defaults: Defaults, parent: &str) -> Vec<Item> {
        let mut items = Vec::with_capacity(list.len());
        for (node, _) in self.derive(list, &["name", "cluster"], parent, "register or cluster") {
            let item = if has_key(&node, "cluster") {
                self.cluster(&node, defaults, parent).map(Item::Cluster)
            } else {
                self.register(&node, defaults, parent).map(Item::Register)
            };
            items.extend(item);
        }
        items
    }

    fn cluster(&mut self, node: &Node, inherited: Defaults, parent: &str) -> Option<Cluster> {
        let path = join(parent, name_of(node, &["cluster"]).unwrap_or("?"));
        let entries = self.entries(node, &path, schema::CLUSTER_KEYS, "a cluster")?;
        let name = self
            .required_text(&entries, "cluster", &path, "a cluster")
            .unwrap_or_default();
        let offset = self
            .required_number(&entries, "offset", &path, "a cluster")
            .unwrap_or(0);
        let dim = self.dim(&entries, &path, None);
        let defaults = self.defaults(&entries, inherited, &path);
        let list = self.list(&entries, "registers", &path);
        Some(Cluster {
            name,
            description: self.text(&entries, "description", &path),
            offset,
            dim,
            items: self.items(list, defaults, &path),
            location: self.location(node),
        })
    }

    fn register(&mut self, node: &Node, defaults: Defaults, parent: &str) -> Option<Register> {
        let path = join(parent, name_of(node, &["name"]).unwrap_or("?"));
        let entries = self.entries(node, &path, schema::REGISTER_KEYS, "a register")?;
        let name = self
            .required_text(&entries, "name", &path, "a register")
            .unwrap_or_default();
        let offset = self
            .required_number(&entries, "offset", &path, "a register")
            .unwrap_or(0);
        let size = self
            .small_number(&entries, "size", &path)
            .or(defaults.size)
            .unwrap_or(32);
        let access = self
            .word(&entries, "access", schema::ACCESS_WORDS, &path)
            .or(defaults.access)
            .unwrap_or_default();
        let reset_value = self
            .number(&entries, "reset", &path)
            .or(defaults.reset)
            .unwrap_or(0);
        let reset_mask = self
            .number(&entries, "reset_mask", &path)
            .or(defaults.reset_mask)
            .unwrap_or_else(|| schema::full_mask(size));
        let dim = self.dim(&entries, &path, Some(u64::from(size.div_ceil(8))));
        let list = self.list(&entries, "fields", &path);
        let mut fields = Vec::with_capacity(list.len());
        for (field_node, _) in self.derive(list, &["name"], &path, "field") {
            fields.extend(self.field(&field_node, access, &path));
        }
        Some(Register {
            name,
            description: self.text(&entries, "description", &path),
            offset,
            size,
            access,
            reset_value,
            reset_mask,
            dim,
            read_action: self.word(&entries, "read_action", schema::READ_ACTION_WORDS, &path),
            alternate_register: self.text(&entries, "alternate_register", &path),
            alternate_group: self.text(&entries, "alternate_group", &path),
            fields,
            location: self.location(node),
        })
    }

    /// `count`, `stride` and `index_names`; `default_stride` is used when
    /// `stride` is left out (registers: their width; fields: their width).
    fn dim(
        &mut self,
        entries: &Entries<'_>,
        path: &str,
        default_stride: Option<u64>,
    ) -> Option<Dim> {
        let count = self.small_number(entries, "count", path);
        let stride = self.number(entries, "stride", path);
        let index_names = self.names(entries, "index_names", path);
        if count.is_none() && index_names.is_none() {
            if let Some(node) = entries.get("stride") {
                self.error(
                    DiagnosticKind::BadArray,
                    path,
                    node,
                    "`stride` without `count`".into(),
                );
            }
            return None;
        }
        let index_names = index_names.unwrap_or_default();
        let count = count.unwrap_or(u32::try_from(index_names.len()).unwrap_or(u32::MAX));
        let stride = match stride.or(default_stride) {
            Some(stride) => stride,
            None => {
                self.error(
                    DiagnosticKind::MissingElement,
                    path,
                    entries.node,
                    "an array needs a `stride`".into(),
                );
                0
            }
        };
        Some(Dim {
            count,
            stride,
            index_names,
        })
    }

    fn field(&mut self, node: &Node, register_access: Access, parent: &str) -> Option<Field> {
        let path = join(parent, name_of(node, &["name"]).unwrap_or("?"));
        let entries = self.entries(node, &path, schema::FIELD_KEYS, "a field")?;
        let name = self
            .required_text(&entries, "name", &path, "a field")
            .unwrap_or_default();
        let (lsb, width) = self.position(&entries, &path).unwrap_or((0, 1));
        let write_constraint = self.write_constraint(&entries, &path);
        let enums = self.enums(&entries, &path);
        Some(Field {
            name,
            description: self.text(&entries, "description", &path),
            lsb,
            width,
            access: self
                .word(&entries, "access", schema::ACCESS_WORDS, &path)
                .unwrap_or(register_access),
            write_action: self
                .word(
                    &entries,
                    "modified_write_values",
                    schema::WRITE_ACTION_WORDS,
                    &path,
                )
                .unwrap_or(WriteAction::Normal),
            read_action: self.word::<ReadAction>(
                &entries,
                "read_action",
                schema::READ_ACTION_WORDS,
                &path,
            ),
            write_constraint,
            enums,
            dim: self.dim(&entries, &path, Some(u64::from(width))),
            location: self.location(node),
        })
    }

    /// `bits: "[msb:lsb]"`, `bit: n`, or `lsb` with `width` or `msb`.
    fn position(&mut self, entries: &Entries<'_>, path: &str) -> Option<(u32, u32)> {
        let given: Vec<&str> = ["bits", "bit", "lsb"]
            .into_iter()
            .filter(|key| entries.has(key))
            .collect();
        if given.len() > 1 {
            let node = entries.get(given[1]).unwrap_or(entries.node);
            self.error(
                DiagnosticKind::Syntax,
                path,
                node,
                format!(
                    "give the field's position once: `{}` and `{}` both given",
                    given[0], given[1]
                ),
            );
            return None;
        }
        let lone = |key: &str| entries.get(key).filter(|_| !entries.has("lsb"));
        for key in ["width", "msb"] {
            if let Some(node) = lone(key) {
                self.error(
                    DiagnosticKind::Syntax,
                    path,
                    node,
                    format!("`{key}` goes with `lsb`"),
                );
                return None;
            }
        }
        match given.first().copied() {
            Some("bits") => {
                let node = entries.get("bits")?;
                let text = match &node.value {
                    Value::Scalar { text, .. } => Some(text.as_str()),
                    // `bits: [7:4]` unquoted is a one-element flow list.
                    Value::Sequence(items) if items.len() == 1 => items[0].scalar(),
                    _ => None,
                };
                let Some(text) = text else {
                    self.error(
                        DiagnosticKind::Syntax,
                        path,
                        node,
                        "`bits` must look like `\"[msb:lsb]\"`".into(),
                    );
                    return None;
                };
                match schema::parse_bit_range(text) {
                    Ok(position) => Some(position),
                    Err(message) => {
                        self.error(DiagnosticKind::Syntax, path, node, message);
                        None
                    }
                }
            }
            Some("bit") => Some((self.small_number(entries, "bit", path)?, 1)),
            Some(_) => {
                let lsb = self.small_number(entries, "lsb", path)?;
                match (entries.has("width"), entries.has("msb")) {
                    (true, false) => Some((lsb, self.small_number(entries, "width", path)?)),
                    (false, true) => {
                        let msb = self.small_number(entries, "msb", path)?;
                        if msb < lsb {
                            let node = entries.get("msb")?;
                            self.error(
                                DiagnosticKind::Syntax,
                                path,
                                node,
                                format!("`msb` {msb} is below `lsb` {lsb}"),
                            );
                            return None;
                        }
                        Some((lsb, msb - lsb + 1))
                    }
                    (true, true) => {
                        let node = entries.get("msb")?;
                        self.error(
                            DiagnosticKind::Syntax,
                            path,
                            node,
                            "give `width` or `msb`, not both".into(),
                        );
                        None
                    }
                    (false, false) => {
                        self.error(
                            DiagnosticKind::MissingElement,
                            path,
                            entries.node,
                            "`lsb` needs `width` or `msb`".into(),
                        );
                        None
                    }
                }
            }
            None => {
                self.error(
                    DiagnosticKind::MissingElement,
                    path,
                    entries.node,
                    "a field has no position: give `bits: \"[msb:lsb]\"`, `bit: n`, or `lsb` and `width`".into(),
                );
                None
            }
        }
    }

    fn write_constraint(&mut self, entries: &Entries<'_>, path: &str) -> Option<WriteConstraint> {
        let node = entries.get("write_constraint")?;
        match &node.value {
            Value::Scalar { text, .. } if text == schema::WRITE_AS_READ => {
                Some(WriteConstraint::WriteAsRead)
            }
            Value::Scalar { text, .. } if text == schema::USE_ENUMERATED_VALUES => {
                Some(WriteConstraint::UseEnumeratedValues)
            }
            Value::Mapping(_) => {
                let range =
                    self.entries(node, path, schema::RANGE_KEYS, "a `write_constraint` range")?;
                let min = self.required_number(&range, "min", path, "a `write_constraint` range");
                let max = self.required_number(&range, "max", path, "a `write_constraint` range");
                Some(WriteConstraint::Range {
                    min: min?,
                    max: max?,
                })
            }
            _ => {
                let words = [schema::WRITE_AS_READ, schema::USE_ENUMERATED_VALUES];
                let hint = node
                    .scalar()
                    .and_then(|text| nearest(text, words))
                    .map(|suggestion| format!("; did you mean `{suggestion}`?"))
                    .unwrap_or_default();
                self.error(
                    DiagnosticKind::Syntax,
                    path,
                    node,
                    format!("`write_constraint` must be `writeAsRead`, `useEnumeratedValues` or `{{ min: .., max: .. }}`{hint}"),
                );
                None
            }
        }
    }

    /// `values` (with optional `enum` name and `usage`) or `enums`.
    fn enums(&mut self, entries: &Entries<'_>, path: &str) -> Vec<EnumeratedValues> {
        if let Some(node) = entries.get("enums") {
            for key in ["values", "enum", "usage"] {
                if let Some(other) = entries.get(key) {
                    self.error(
                        DiagnosticKind::Syntax,
                        path,
                        other,
                        format!("`{key}` cannot be used with `enums`"),
                    );
                }
            }
            let Value::Sequence(sets) = &node.value else {
                self.error(
                    DiagnosticKind::Syntax,
                    path,
                    node,
                    format!("`enums` must be a list, found {}", node.kind_name()),
                );
                return Vec::new();
            };
            let mut result = Vec::with_capacity(sets.len());
            for set in sets {
                let Some(set_entries) =
                    self.entries(set, path, schema::ENUMS_KEYS, "an `enums` entry")
                else {
                    continue;
                };
                if !set_entries.has("values") {
                    self.error(
                        DiagnosticKind::MissingElement,
                        path,
                        set,
                        "an `enums` entry has no `values`".into(),
                    );
                    continue;
                }
                result.push(self.value_set(&set_entries, "name", path));
            }
            return result;
        }
        if !entries.has("values") {
            for key in ["enum", "usage"] {
                if let Some(other) = entries.get(key) {
                    self.error(
                        DiagnosticKind::Syntax,
                        path,
                        other,
                        format!("`{key}` goes with `values`"),
                    );
                }
            }
            return Vec::new();
        }
        vec![self.value_set(entries, "enum", path)]
    }

    fn value_set(&mut self, entries: &Entries<'_>, name_key: &str, path: &str) -> EnumeratedValues {
        let name = self.text(entries, name_key, path);
        let usage = self
            .word(entries, "usage", schema::USAGE_WORDS, path)
            .unwrap_or(Usage::ReadWrite);
        let mut values = Vec::new();
        if let Some(node) = entries.get("values") {
            match &node.value {
                // The compact form: `values: { INPUT: 0, OUTPUT: 1 }`.
                Value::Mapping(pairs) => {
                    for (key, value) in pairs {
                        let Some(value_name) = key.scalar() else {
                            self.error(DiagnosticKind::Syntax, path, key, "value names must be words".into());
                            continue;
                        };
                        let number = value.scalar().and_then(schema::parse_number);
                        if number.is_none() {
                            self.error(
                                DiagnosticKind::Syntax,
                                path,
                                value,
                                format!("the value of `{value_name}` must be a number"),
                            );
                        }
                        values.push(EnumeratedValue { name: value_name.to_string(), description: None, value: number });
                    }
                }
                Value::Sequence(items) => {
                    for item in items {
                        values.extend(self.enumerated_value(item, path));
                    }
                }
                Value::Scalar { .. } => self.error(
                    DiagnosticKind::Syntax,
                    path,
                    node,
                    "`values` must be a list of `{ name: .., value: .. }` or a mapping of names to numbers".into(),
                ),
            }
        }
        EnumeratedValues {
            name,
            usage,
            values,
        }
    }

    fn enumerated_value(&mut self, node: &Node, parent: &str) -> Option<EnumeratedValue> {
        let entries = self.entries(node, parent, schema::VALUE_KEYS, "an enumerated value")?;
        let name = self.required_text(&entries, "name", parent, "an enumerated value")?;
        let path = join(parent, &name);
        let value = self.number(&entries, "value", &path);
        let is_default = self.boolean(&entries, "default", &path).unwrap_or(false);
        match (entries.has("value"), is_default) {
            (true, true) => self.error(
                DiagnosticKind::Syntax,
                &path,
                node,
                "give `value` or `default: true`, not both".into(),
            ),
            (false, false) => self.error(
                DiagnosticKind::MissingElement,
                &path,
                node,
                "an enumerated value needs `value` (or `default: true` for every other value)"
                    .into(),
            ),
            _ => {}
        }
        Some(EnumeratedValue {
            name,
            description: self.text(&entries, "description", &path),
            value,
        })
    }
}

/// `parent.name`, or `name` at the top.
fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

fn pairs(node: &Node) -> &[(Node, Node)] {
    match &node.value {
        Value::Mapping(pairs) => pairs,
        _ => &[],
    }
}

fn entry<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    pairs(node)
        .iter()
        .find(|(name, _)| name.scalar() == Some(key))
        .map(|(_, value)| value)
}

fn has_key(node: &Node, key: &str) -> bool {
    entry(node, key).is_some()
}

/// The first of `keys` that names the entity.
fn name_of<'n>(node: &'n Node, keys: &[&str]) -> Option<&'n str> {
    keys.iter()
        .find_map(|key| entry(node, key).and_then(Node::scalar))
}

fn derived_from_node(node: &Node) -> Option<&Node> {
    entry(node, "derived_from").filter(|value| !value.is_null())
}

fn derived_from_of(node: &Node) -> Option<&str> {
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
