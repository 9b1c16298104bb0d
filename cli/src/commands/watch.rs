//! `watch`: polls registers or fields and prints what changed.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use super::{Output, check_readable, out_error};
use crate::decode;
use crate::error::Error;
use crate::memory::{Options, Window};
use crate::model::Description;
use crate::names;

/// `HH:MM:SS.mmm` (UTC) of now.
fn timestamp() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let seconds = now.as_secs() % 86_400;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        now.subsec_millis()
    )
}

/// `mmreg watch PATH...`: polls every `interval`, printing the fields that
/// changed (all of them at the first poll), `count` polls or forever.
#[allow(clippy::too_many_arguments)]
pub fn watch(
    description: &Description,
    options: &Options,
    paths: &[String],
    interval: Duration,
    count: Option<u64>,
    force: bool,
    output: Output,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let mut targets = Vec::new();
    for path in paths {
        let resolved = names::resolve(description, path)?;
        check_readable(description, &resolved.hit, force)?;
        targets.push(resolved);
    }
    let mut windows: BTreeMap<usize, Window> = BTreeMap::new();
    for target in &targets {
        if let std::collections::btree_map::Entry::Vacant(slot) = windows.entry(target.peripheral) {
            slot.insert(Window::open(description, target.peripheral, options)?);
        }
    }
    let mut last: Vec<Option<BTreeMap<String, u64>>> = vec![None; targets.len()];
    let mut polls = 0u64;
    loop {
        let time = timestamp();
        for (slot, target) in targets.iter().enumerate() {
            let window = windows.get_mut(&target.peripheral).expect("opened above");
            window.refresh()?;
            let value = window.read(&target.hit)?;
            let mut now = BTreeMap::new();
            let register = target.hit.register;
            let elements = match &target.field {
                Some(element) => vec![element.clone()],
                None => names::field_elements(register.fields),
            };
            if elements.is_empty() {
                now.insert(String::new(), value);
            }
            for element in &elements {
                let mask = element.mask() & register.width_mask();
                now.insert(
                    element.name.clone(),
                    if mask == 0 {
                        0
                    } else {
                        (value & mask) >> mask.trailing_zeros()
                    },
                );
            }
            for (name, new) in &now {
                let old = last[slot].as_ref().and_then(|l| l.get(name)).copied();
                if old == Some(*new) {
                    continue;
                }
                let path = if name.is_empty() {
                    target.hit.path.clone()
                } else {
                    format!("{}.{name}", target.hit.path)
                };
                let field = elements.iter().find(|e| &e.name == name);
                let variant = field.and_then(|e| decode::variant(e.field, *new));
                let bits = field
                    .map(|e| u32::from(e.field.width))
                    .unwrap_or(u32::from(register.width));
                if output.json {
                    let line = serde_json::json!({
                        "time": time,
                        "path": path,
                        "old": old,
                        "new": new,
                        "enum": variant,
                    });
                    writeln!(out, "{line}").map_err(out_error)?;
                } else {
                    let new_text = decode::value_text(bits, *new, variant);
                    match old {
                        None => writeln!(out, "{time} {path} = {new_text}"),
                        Some(old) => {
                            let old_text = decode::value_text(
                                bits,
                                old,
                                field.and_then(|e| decode::variant(e.field, old)),
                            );
                            writeln!(out, "{time} {path} {old_text} -> {new_text}")
                        }
                    }
                    .map_err(out_error)?;
                }
            }
            last[slot] = Some(now);
        }
        out.flush().map_err(out_error)?;
        polls += 1;
        if count.is_some_and(|count| polls >= count) {
            break;
        }
        std::thread::sleep(interval);
    }
    for (_, window) in windows {
        window.finish()?;
    }
    Ok(())
}
