//! Any model survives export and re-reading: names and descriptions with any
//! characters (quotes, colons, control characters, YAML keywords), every
//! access word and action (on registers too, with fields that differ from
//! their register's), DMA marks, word orders, arrays, nested clusters and
//! value sets.

use mmreg_codegen::ir::{
    Access, Cluster, Device, Dim, EnumeratedValue, EnumeratedValues, Field, Item, Peripheral,
    ReadAction, Register, Usage, WordOrder, WriteAction, WriteConstraint,
};
use proptest::prelude::*;

/// Text that stresses quoting: arbitrary strings, and words YAML treats
/// specially.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[A-Za-z_%\\[\\]0-9 .:#,\n\t\"'\\\\{}-]{0,12}",
        prop::sample::select(vec![
            "", "~", "null", "true", "No", "0x10", "- a", "a: b", "[%s]", " x "
        ])
        .prop_map(str::to_string),
    ]
}

fn access() -> impl Strategy<Value = Access> {
    prop::sample::select(vec![
        Access::ReadOnly,
        Access::WriteOnly,
        Access::ReadWrite,
        Access::WriteOnce,
        Access::ReadWriteOnce,
    ])
}

fn read_action() -> impl Strategy<Value = Option<ReadAction>> {
    prop::option::of(prop::sample::select(vec![
        ReadAction::Clear,
        ReadAction::Set,
        ReadAction::Modify,
        ReadAction::ModifyExternal,
    ]))
}

fn dim() -> impl Strategy<Value = Option<Dim>> {
    prop::option::of(
        (
            any::<u32>(),
            any::<u64>(),
            prop::collection::vec(text(), 0..3),
        )
            .prop_map(|(count, stride, index_names)| Dim {
                count,
                stride,
                index_names,
            }),
    )
}

fn enums() -> impl Strategy<Value = Vec<EnumeratedValues>> {
    let value = (
        text(),
        prop::option::of(text()),
        prop::option::of(any::<u64>()),
    )
        .prop_map(|(name, description, value)| EnumeratedValue {
            name,
            description,
            value,
        });
    let set = (
        prop::option::of(text()),
        prop::sample::select(vec![Usage::Read, Usage::Write, Usage::ReadWrite]),
        prop::collection::vec(value, 0..4),
    )
        .prop_map(|(name, usage, values)| EnumeratedValues {
            name,
            usage,
            values,
        });
    prop::collection::vec(set, 0..3)
}

fn write_action() -> impl Strategy<Value = WriteAction> {
    prop::sample::select(WriteAction::ALL.to_vec())
}

fn field() -> impl Strategy<Value = Field> {
    let write_action = write_action();
    let constraint = prop::option::of(prop_oneof![
        Just(WriteConstraint::WriteAsRead),
        Just(WriteConstraint::UseEnumeratedValues),
        (any::<u64>(), any::<u64>()).prop_map(|(min, max)| WriteConstraint::Range { min, max }),
    ]);
    (
        (
            text(),
            prop::option::of(text()),
            0u32..1 << 30,
            0u32..1 << 30,
            access(),
        ),
        (write_action, read_action(), constraint, enums(), dim()),
    )
        .prop_map(
            |(
                (name, description, lsb, width, access),
                (write_action, read_action, write_constraint, enums, dim),
            )| Field {
                name,
                description,
                lsb,
                width,
                access,
                write_action,
                read_action,
                write_constraint,
                enums,
                dim,
                location: None,
            },
        )
}

fn register() -> impl Strategy<Value = Register> {
    let size = prop_oneof![prop::sample::select(vec![8u32, 16, 32, 64]), any::<u32>()];
    (
        (
            text(),
            prop::option::of(text()),
            any::<u64>(),
            size,
            access(),
        ),
        (any::<u64>(), any::<u64>(), dim(), read_action()),
        (
            write_action(),
            any::<bool>(),
            prop::sample::select(vec![WordOrder::LowFirst, WordOrder::HighFirst]),
        ),
        (
            prop::option::of(text()),
            prop::option::of(text()),
            prop::collection::vec(field(), 0..3),
        ),
    )
        .prop_map(
            |(
                (name, description, offset, size, access),
                (reset_value, reset_mask, dim, read_action),
                (write_action, dma, word_order),
                (alternate_register, alternate_group, fields),
            )| Register {
                name,
                description,
                offset,
                size,
                access,
                reset_value,
                reset_mask,
                dim,
                read_action,
                write_action,
                dma,
                word_order,
                alternate_register,
                alternate_group,
                fields,
                location: None,
            },
        )
}

fn items() -> impl Strategy<Value = Vec<Item>> {
    let leaf = register().prop_map(Item::Register);
    let item = leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            register().prop_map(Item::Register),
            (
                text(),
                prop::option::of(text()),
                any::<u64>(),
                dim(),
                prop::collection::vec(inner, 0..3)
            )
                .prop_map(|(name, description, offset, dim, items)| {
                    Item::Cluster(Cluster {
                        name,
                        description,
                        offset,
                        dim,
                        items,
                        location: None,
                    })
                }),
        ]
    });
    prop::collection::vec(item, 0..3)
}

fn device() -> impl Strategy<Value = Device> {
    let peripheral = (
        (text(), prop::option::of(text()), prop::option::of(text())),
        (any::<u64>(), prop::option::of(any::<u64>()), items()),
    )
        .prop_map(
            |((name, description, group), (base_address, size, items))| Peripheral {
                name,
                description,
                group,
                base_address,
                size,
                derived_from: None,
                items,
                location: None,
            },
        );
    (
        text(),
        prop::option::of(text()),
        prop::collection::vec(peripheral, 0..3),
    )
        .prop_map(|(name, description, peripherals)| Device {
            name,
            description,
            peripherals,
        })
}

/// Locations point into the exported text; the model without them.
fn without_locations(mut device: Device) -> Device {
    fn clear(items: &mut [Item]) {
        for item in items {
            match item {
                Item::Register(register) => {
                    register.location = None;
                    register
                        .fields
                        .iter_mut()
                        .for_each(|field| field.location = None);
                }
                Item::Cluster(cluster) => {
                    cluster.location = None;
                    clear(&mut cluster.items);
                }
            }
        }
    }
    for peripheral in &mut device.peripherals {
        peripheral.location = None;
        clear(&mut peripheral.items);
    }
    device
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn export_then_parse_gives_the_same_model(device in device()) {
        let text = mmreg_codegen::yaml::export(&device).unwrap();
        let (reread, _) = mmreg_codegen::yaml::parse(&text, "exported.yaml")
            .unwrap_or_else(|error| panic!("{error}\n--- exported text ---\n{text}"));
        prop_assert_eq!(without_locations(reread), device, "exported text:\n{}", text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any text gives a model or located errors, never a panic.
    #[test]
    fn any_text_parses_or_fails_with_locations(text in prop_oneof![any::<String>(), "[-a-z:{}\\[\\] \n~&*!|>'\"#0-9%]{0,80}"]) {
        if let Err(diagnostics) = mmreg_codegen::yaml::parse(&text, "any.yaml") {
            prop_assert!(diagnostics.0.iter().all(|diagnostic| diagnostic.location.is_some()));
        }
    }
}
