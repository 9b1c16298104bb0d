//! `list` and `dump`: glob patterns over peripherals, clusters and registers.

use std::collections::BTreeMap;
use std::io::Write;

use mmreg::meta::RegisterHit;

use super::{Output, out_error, print_report};
use crate::decode::{self, read_side_effect};
use crate::error::Error;
use crate::memory::{Options, Source, Window};
use crate::model::Description;
use crate::names;

/// The peripherals a pattern's first segment selects, and the register
/// pattern (`PERIPHERAL` alone selects all its registers).
fn select(description: &Description, pattern: &str) -> (Vec<usize>, String) {
    let (first, register_pattern) = match pattern.split_once('.') {
        Some((first, _)) => (first, pattern.to_string()),
        None => (pattern, format!("{pattern}.*")),
    };
    let peripherals = description
        .peripherals
        .iter()
        .enumerate()
        .filter(|(_, p)| names::glob(first, &p.name))
        .map(|(index, _)| index)
        .collect();
    (peripherals, register_pattern)
}

/// The registers of `pattern`, by peripheral, in description order.
fn registers_matching(
    description: &Description,
    pattern: &str,
) -> Result<Vec<(usize, Vec<RegisterHit>)>, Error> {
    let (peripherals, register_pattern) = select(description, pattern);
    let mut found = Vec::new();
    for index in peripherals {
        let block = description.block(index)?;
        let hits: Vec<RegisterHit> = block
            .registers_expanded()
            .into_iter()
            .filter(|hit| names::glob(&register_pattern, &hit.path))
            .collect();
        if !hits.is_empty() {
            found.push((index, hits));
        }
    }
    if found.is_empty() {
        let first = pattern.split('.').next().unwrap_or(pattern);
        return Err(Error::UnknownName {
            description: description.display(),
            what: "register matching",
            name: pattern.to_string(),
            suggestions: mmreg_codegen::select::near_matches(
                &first.replace('*', "").to_lowercase(),
                description.peripherals.iter().map(|p| p.name.as_str()),
            ),
        });
    }
    Ok(found)
}

/// `mmreg list [PATTERN...]`: peripherals, or the registers patterns match.
pub fn list(
    description: &Description,
    patterns: &[String],
    output: Output,
    out: &mut dyn Write,
) -> Result<(), Error> {
    if patterns.is_empty() {
        let width = description
            .peripherals
            .iter()
            .map(|p| p.name.len())
            .max()
            .unwrap_or(0);
        for entry in &description.peripherals {
            if output.json {
                let line = serde_json::json!({
                    "peripheral": entry.name,
                    "base": format!("{:#x}", entry.base_address),
                    "size": entry.size.map(|size| format!("{size:#x}")),
                });
                writeln!(out, "{line}").map_err(out_error)?;
            } else {
                let size = entry
                    .size
                    .map(|s| format!("{s:#x}"))
                    .unwrap_or_else(|| "-".into());
                writeln!(
                    out,
                    "{:<width$}  {:#010x}  {size}",
                    entry.name, entry.base_address
                )
                .map_err(out_error)?;
            }
        }
        return Ok(());
    }
    let mut rows = Vec::new();
    for pattern in patterns {
        for (index, hits) in registers_matching(description, pattern)? {
            let base = description.peripherals[index].base_address;
            for hit in hits {
                rows.push((base + hit.offset as u64, hit));
            }
        }
    }
    let width = rows.iter().map(|(_, h)| h.path.len()).max().unwrap_or(0);
    for (address, hit) in rows {
        let register = hit.register;
        let reset = decode::hex(register.reset & register.reset_mask, register.width);
        let effect = read_side_effect(register);
        let fields: Vec<String> = names::field_elements(register.fields)
            .into_iter()
            .map(|element| element.name)
            .collect();
        if output.json {
            let line = serde_json::json!({
                "path": hit.path,
                "address": format!("{address:#x}"),
                "width": register.width,
                "access": decode::access_word(register.access),
                "reset": reset,
                "read_side_effect": effect,
                "fields": fields,
            });
            writeln!(out, "{line}").map_err(out_error)?;
        } else {
            let mut line = format!(
                "{:<width$}  {address:#010x}  {:>2}  {:<3}  reset {reset}",
                hit.path,
                register.width,
                decode::access_word(register.access)
            );
            if let Some(effect) = effect {
                line.push_str(&format!("  ({effect})"));
            }
            writeln!(out, "{line}").map_err(out_error)?;
        }
    }
    Ok(())
}

/// Refuses `--base` for more than one peripheral.
fn one_peripheral_for_base(options: &Options, count: usize) -> Result<(), Error> {
    let moved = matches!(
        options.source,
        Source::DevMem { base: Some(_) } | Source::Fake { base: Some(_), .. }
    );
    if moved && count > 1 {
        return Err(Error::Usage(
            "`--base` moves one peripheral, but the patterns select several".into(),
        ));
    }
    Ok(())
}

/// `mmreg dump PATTERN...`: every readable register without read side
/// effects (all with `force`); skipped ones are named on standard error.
pub fn dump(
    description: &Description,
    options: &Options,
    patterns: &[String],
    force: bool,
    output: Output,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let mut by_peripheral: BTreeMap<usize, Vec<RegisterHit>> = BTreeMap::new();
    for pattern in patterns {
        for (index, hits) in registers_matching(description, pattern)? {
            let list = by_peripheral.entry(index).or_default();
            for hit in hits {
                if !list
                    .iter()
                    .any(|h| h.offset == hit.offset && h.path == hit.path)
                {
                    list.push(hit);
                }
            }
        }
    }
    one_peripheral_for_base(options, by_peripheral.len())?;
    for (index, hits) in by_peripheral {
        let mut window = Window::open(description, index, options)?;
        for hit in hits {
            if !force {
                let why = if !hit.register.access.readable() {
                    Some("write-only".to_string())
                } else {
                    read_side_effect(hit.register)
                };
                if let Some(why) = why {
                    eprintln!("skipped {}: {why} (`--force` reads it)", hit.path);
                    continue;
                }
            }
            let value = window.read(&hit)?;
            if !options.dry_run {
                let report = decode::register_report(
                    &hit.path,
                    window.address_of(&hit),
                    hit.register,
                    value,
                );
                print_report(out, &report, output)?;
            }
        }
        window.finish()?;
    }
    Ok(())
}
