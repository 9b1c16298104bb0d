//! From the node tree to the IR, entity by entity: defaults flow down,
//! positions and value sets are read in every form the schema allows.
//!
//! Every problem becomes a [`Diagnostic`] with the file, line and column of
//! the offending key or value and the entity path; conversion carries on past
//! errors so one run reports them all.

use super::derive::{has_key, name_of};
use super::node::{Node, Value};
use super::read::{Converter, Entries, join};
use super::schema::{self, nearest};
use crate::diagnostic::DiagnosticKind;
use crate::ir::{
    Access, Cluster, Device, Dim, EnumeratedValue, EnumeratedValues, Field, Item, Peripheral,
    ReadAction, Register, Usage, WriteAction, WriteConstraint,
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

impl Converter {
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

    /// The register properties in force here: `inherited`, overridden by this mapping's `defaults`.
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
    /// One peripheral (its mapping already merged with its base's).
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

    /// A `registers` list: registers and clusters.
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

    /// One cluster and its items.
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

    /// One register and its fields.
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
        // As SVD's register-level `modifiedWriteValues`: the action on bits
        // no field covers, and the default of the fields (like `access`).
        let write_action = self
            .word(&entries, "write_action", schema::WRITE_ACTION_WORDS, &path)
            .unwrap_or(WriteAction::Normal);
        let list = self.list(&entries, "fields", &path);
        let mut fields = Vec::with_capacity(list.len());
        for (field_node, _) in self.derive(list, &["name"], &path, "field") {
            fields.extend(self.field(&field_node, access, write_action, &path));
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
            write_action,
            dma: self.boolean(&entries, "dma", &path).unwrap_or(false),
            word_order: self
                .word(&entries, "word_order", schema::WORD_ORDER_WORDS, &path)
                .unwrap_or_default(),
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

    /// One field; its access and write action default to the register's.
    fn field(
        &mut self,
        node: &Node,
        register_access: Access,
        register_write_action: WriteAction,
        parent: &str,
    ) -> Option<Field> {
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
                .unwrap_or(register_write_action),
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
                        match crate::ir::field_width(lsb, msb) {
                            Ok(width) => Some((lsb, width)),
                            Err(message) => {
                                let node = entries.get("msb")?;
                                self.error(
                                    DiagnosticKind::Syntax,
                                    path,
                                    node,
                                    format!("`lsb` {lsb} to `msb` {msb} {message}"),
                                );
                                None
                            }
                        }
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

    /// `writeAsRead`, `useEnumeratedValues` or `{ min, max }`.
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

    /// One set of named values; its name is under `name_key`.
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

    /// One named value written as a mapping.
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
