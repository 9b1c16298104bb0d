//! Picking a subset of peripherals (`--only`).
//!
//! Names match case-insensitively. Peripherals that a chosen one derives from
//! come along, because the emitter may express a derived peripheral through
//! its base. An unknown name is an error that lists near matches.

use std::collections::BTreeSet;

use crate::validate::Validated;

/// How many near matches an unknown name lists at most.
const MAX_SUGGESTIONS: usize = 5;

/// Keeps the named peripherals (case-insensitive) and those they derive from,
/// transitively, in the device's order.
///
/// An empty `names` keeps everything. The first name that matches no
/// peripheral is reported as [`crate::Error::UnknownPeripheral`] with its near
/// matches.
pub fn only(mut device: Validated, names: &[String]) -> Result<Validated, crate::Error> {
    if names.is_empty() {
        return Ok(device);
    }
    let lower_names: Vec<String> = device
        .peripherals
        .iter()
        .map(|peripheral| peripheral.name.to_lowercase())
        .collect();
    let mut keep = BTreeSet::new();
    let mut pending = Vec::new();
    for name in names {
        let wanted = name.trim().to_lowercase();
        match lower_names
            .iter()
            .position(|candidate| *candidate == wanted)
        {
            Some(index) => pending.push(index),
            None => {
                let suggestions =
                    near_matches(&wanted, device.peripherals.iter().map(|p| p.name.as_str()));
                return Err(crate::Error::UnknownPeripheral {
                    name: name.clone(),
                    suggestions,
                });
            }
        }
    }
    // Follow `derivedFrom` chains; the set stops cycles.
    while let Some(index) = pending.pop() {
        if !keep.insert(index) {
            continue;
        }
        if let Some(base) = &device.peripherals[index].derived_from {
            let base = base.to_lowercase();
            if let Some(base_index) = lower_names.iter().position(|candidate| *candidate == base) {
                pending.push(base_index);
            }
        }
    }
    device.retain_peripherals(|index| keep.contains(&index));
    Ok(device)
}

/// Candidates close to `wanted` (already lower case): those it is a prefix or
/// substring of (or that are substrings of it), and those within a small edit
/// distance. Closest first, then alphabetical; at most [`MAX_SUGGESTIONS`].
pub(crate) fn near_matches<'a>(
    wanted: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Vec<String> {
    let limit = (wanted.chars().count() / 3).max(1);
    let mut scored: Vec<(usize, String)> = candidates
        .filter_map(|candidate| {
            let lower = candidate.to_lowercase();
            let distance = edit_distance(wanted, &lower);
            let contains =
                !wanted.is_empty() && (lower.contains(wanted) || wanted.contains(lower.as_str()));
            // Containment ranks by how much is missing, after close spellings.
            if distance <= limit {
                Some((distance, candidate.to_string()))
            } else if contains {
                Some((limit + distance, candidate.to_string()))
            } else {
                None
            }
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, name)| name)
        .collect()
}

/// Edit distance counting insertions, deletions, substitutions and swaps of
/// adjacent characters (optimal string alignment), so `TMIER` is one edit
/// from `TIMER`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut table = vec![0; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            table[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (table[(i - 1) * width + j] + 1)
                    .min(table[i * width + j - 1] + 1)
                    .min(table[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(table[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    table[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Device;
    use crate::ir::Peripheral;

    fn peripheral(name: &str, derived_from: Option<&str>) -> Peripheral {
        Peripheral {
            name: name.to_string(),
            description: None,
            group: None,
            base_address: 0x4000_0000,
            size: Some(0x400),
            derived_from: derived_from.map(str::to_string),
            items: Vec::new(),
            location: None,
        }
    }

    fn device() -> Validated {
        let device = Device {
            name: "TEST".to_string(),
            description: None,
            peripherals: vec![
                peripheral("GPIOA", None),
                peripheral("GPIOB", Some("GPIOA")),
                peripheral("UART0", None),
                peripheral("UART1", Some("UART0")),
                peripheral("UART2", Some("UART1")),
                peripheral("TIMER", None),
            ],
        };
        crate::validate::validate(device).expect("valid").0
    }

    fn names(device: &Device) -> Vec<&str> {
        device.peripherals.iter().map(|p| p.name.as_str()).collect()
    }

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn empty_selection_keeps_everything() {
        let selected = only(device(), &[]).unwrap();
        assert_eq!(selected, device());
    }

    #[test]
    fn matches_case_insensitively_and_keeps_device_order() {
        let selected = only(device(), &strings(&["timer", "Gpioa"])).unwrap();
        assert_eq!(names(&selected), ["GPIOA", "TIMER"]);
    }

    #[test]
    fn derived_from_bases_come_along_transitively() {
        let selected = only(device(), &strings(&["uart2", "GPIOB"])).unwrap();
        assert_eq!(
            names(&selected),
            ["GPIOA", "GPIOB", "UART0", "UART1", "UART2"]
        );
    }

    #[test]
    fn a_name_given_twice_is_kept_once() {
        let selected = only(device(), &strings(&["TIMER", "timer"])).unwrap();
        assert_eq!(names(&selected), ["TIMER"]);
    }

    #[test]
    fn unknown_name_lists_near_matches() {
        let error = only(device(), &strings(&["TIMER", "UART"])).unwrap_err();
        match &error {
            crate::Error::UnknownPeripheral { name, suggestions } => {
                assert_eq!(name, "UART");
                assert_eq!(suggestions, &strings(&["UART0", "UART1", "UART2"]));
            }
            other => panic!("unexpected error {other:?}"),
        }
        assert_eq!(
            error.to_string(),
            "no peripheral named `UART`; did you mean `UART0`, `UART1`, `UART2`?"
        );
    }

    #[test]
    fn misspelled_name_suggests_by_edit_distance() {
        let error = only(device(), &strings(&["tmier"])).unwrap_err();
        assert!(
            matches!(&error, crate::Error::UnknownPeripheral { suggestions, .. } if suggestions == &strings(&["TIMER"])),
            "{error:?}"
        );
    }

    #[test]
    fn far_name_has_no_suggestions() {
        let error = only(device(), &strings(&["ETHERNET"])).unwrap_err();
        assert_eq!(error.to_string(), "no peripheral named `ETHERNET`");
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("uart0", "uart0"), 0);
        assert_eq!(edit_distance("tmier", "timer"), 1);
    }
}
