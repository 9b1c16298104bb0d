//! Identifier collisions: both members are kept, the later one renamed; the
//! warning names both source names and both identifiers. The plans come from
//! [`crate::names::scopes`], the same ones the emitter names with.

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::ir::{Device, Item, Location};
use crate::names::scopes::{self, Holder, Named};

use super::join;

/// Warns about every renamed peripheral module, accessor, field getter and
/// enum variant of `device`.
pub(super) fn check_device(device: &Device, out: &mut Vec<Diagnostic>) {
    let modules = scopes::peripheral_modules(device);
    let members: Vec<_> = device
        .peripherals
        .iter()
        .map(|p| ("peripheral", &p.location))
        .collect();
    report(&modules, "", "module", &members, &[], out);
    for peripheral in &device.peripherals {
        check_items(&peripheral.items, &peripheral.name, out);
    }
}

/// One block's accessors, then its registers' fields and its clusters
/// (recursion bounded by the depth check that ran first).
fn check_items(items: &[Item], path: &str, out: &mut Vec<Diagnostic>) {
    let accessors = scopes::block_accessors(items);
    let members: Vec<_> = items
        .iter()
        .map(|item| match item {
            Item::Register(register) => ("register", &register.location),
            Item::Cluster(cluster) => ("cluster", &cluster.location),
        })
        .collect();
    report(
        &accessors,
        path,
        "accessor",
        &members,
        scopes::RESERVED_BLOCK_METHODS,
        out,
    );
    for item in items {
        match item {
            Item::Register(register) => {
                let register_path = join(path, &register.name);
                let getters = scopes::field_accessors(&register.fields);
                let members: Vec<_> = register
                    .fields
                    .iter()
                    .map(|f| ("field", &f.location))
                    .collect();
                report(
                    &getters,
                    &register_path,
                    "getter",
                    &members,
                    scopes::RESERVED_FIELDSET_METHODS,
                    out,
                );
                for field in &register.fields {
                    let field_path = join(&register_path, &field.name);
                    for set in &field.enums {
                        let Some(variants) = scopes::enum_variants(set, field.width) else {
                            continue;
                        };
                        let named: Vec<Named> =
                            variants.kept.into_iter().map(|(_, _, n)| n).collect();
                        let members = vec![("value", &field.location); named.len()];
                        report(&named, &field_path, "variant", &members, &[], out);
                    }
                }
            }
            Item::Cluster(cluster) => check_items(&cluster.items, &join(path, &cluster.name), out),
        }
    }
}

/// One warning per renamed member of `plan`; `members` says what each
/// member is (`register`, `field`) and where it was declared.
fn report(
    plan: &[Named],
    path: &str,
    role: &str,
    members: &[(&str, &Option<Location>)],
    reserved: &[&str],
    out: &mut Vec<Diagnostic>,
) {
    for (index, member) in plan.iter().enumerate() {
        if !member.renamed() {
            continue;
        }
        let what = |index: usize| members.get(index).map_or("item", |m| m.0);
        let message = match scopes::holder(plan, index) {
            Holder::Member(first) => {
                let first_index = plan.iter().position(|p| std::ptr::eq(p, first));
                format!(
                    "{} `{}` and {} `{}` both become the {role} `{}`; `{}` keeps it and `{}` \
                     is the {role} `{}`",
                    first_index.map_or("item", what),
                    first.source,
                    what(index),
                    member.source,
                    member.wanted,
                    first.source,
                    member.source,
                    member.ident
                )
            }
            Holder::Reserved => {
                let taken = if reserved.contains(&member.wanted.as_str()) {
                    format!("`{}`", member.wanted)
                } else {
                    format!("a name `{}` needs", member.wanted)
                };
                format!(
                    "{} `{}` becomes the {role} `{}`, but the generated code uses {taken} \
                     itself; it is the {role} `{}`",
                    what(index),
                    member.source,
                    member.wanted,
                    member.ident
                )
            }
        };
        let location = members.get(index).and_then(|m| m.1.clone());
        out.push(
            Diagnostic::warning(
                DiagnosticKind::NameCollision,
                join(path, &member.source),
                message,
            )
            .at(location),
        );
    }
}
