//! Names that are not identifiers. IP-XACT tools write names as prose
//! (`Clear Interrupt`, an enumerated value `0`); the generator sanitises
//! them for its identifiers and keeps the name as written in docs and
//! `META`, and says so once per name, where it is declared.

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::ir::{Device, Item, Location, strip_placeholder};

use super::join;

/// A warning for every peripheral, cluster, register, field and enumerated
/// value of `device` whose name (array placeholders aside) is not an
/// identifier.
pub(super) fn warn_unusable(device: &Device, out: &mut Vec<Diagnostic>) {
    for peripheral in &device.peripherals {
        check(&peripheral.name, "", &peripheral.location, out);
        let mut stack: Vec<(&[Item], String)> = vec![(&peripheral.items, peripheral.name.clone())];
        while let Some((items, path)) = stack.pop() {
            for item in items {
                match item {
                    Item::Cluster(cluster) => {
                        check(&cluster.name, &path, &cluster.location, out);
                        stack.push((&cluster.items, join(&path, &cluster.name)));
                    }
                    Item::Register(register) => {
                        check(&register.name, &path, &register.location, out);
                        let register_path = join(&path, &register.name);
                        for field in &register.fields {
                            check(&field.name, &register_path, &field.location, out);
                            let field_path = join(&register_path, &field.name);
                            for value in field.enums.iter().flat_map(|set| &set.values) {
                                check(&value.name, &field_path, &field.location, out);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Warns when `name` is not an identifier.
fn check(name: &str, parent: &str, location: &Option<Location>, out: &mut Vec<Diagnostic>) {
    let stripped = strip_placeholder(name);
    let mut characters = stripped.chars();
    let identifier = characters
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && characters.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if identifier {
        return;
    }
    out.push(
        Diagnostic::warning(
            DiagnosticKind::BadName,
            join(parent, name),
            format!(
                "name `{name}` is not an identifier; the generated code sanitises it (`{}`), and \
                 docs and `META` keep it as written",
                crate::names::snake(name)
            ),
        )
        .at(location.clone()),
    );
}
