//! Figure 3: access overhead. Runs the divan microbenchmark of
//! `bench/benches/access.rs` and the instruction-level check of
//! `bench/tests/instructions.rs`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::Report;
use crate::util;

/// Runs the instruction check (`cargo test -p mmreg-bench --test instructions`).
pub fn instruction_check() -> anyhow::Result<()> {
    util::run(util::cargo().args([
        "test",
        "-p",
        "mmreg-bench",
        "--test",
        "instructions",
        "--",
        "--nocapture",
    ]))
}

/// Runs the microbenchmark (fewer samples when `quick`) and the instruction
/// check, and reports the ratios.
pub fn run(quick: bool, report: &mut Report) -> anyhow::Result<()> {
    let mut command = util::cargo();
    command.args(["bench", "-p", "mmreg-bench", "--bench", "access", "--"]);
    if quick {
        command.args(["--sample-count", "100", "--sample-size", "10000"]);
    }
    let output = util::run_echoing_stdout(&mut command)?;
    let medians = parse_divan(&output);
    let mut table = String::from(
        "| form | access | mmreg (median / fastest) | hand-written (median / fastest) | ratio of medians | ratio of fastest |\n\
         |---|---|---:|---:|---:|---:|\n",
    );
    let mut ratios = Vec::new();
    for ((form, access), times) in &medians {
        let (Some(ours), Some(hand)) = (times.get("ours"), times.get("hand")) else {
            continue;
        };
        let median_ratio = ours.0 / hand.0;
        let fastest_ratio = ours.1 / hand.1;
        ratios.push(median_ratio);
        let _ = writeln!(
            table,
            "| {form} | {access} | {:.3} / {:.3} ns | {:.3} / {:.3} ns | {median_ratio:.3} | {fastest_ratio:.3} |",
            ours.0, ours.1, hand.0, hand.1
        );
    }
    let check = instruction_check();
    let _ = write!(
        table,
        "\n`inlined`: the access inside the timed loop, block made from an opaque base pointer; \
         `called`: a call to the `#[inline(never)]` functions the instruction check compares. \
         Plain memory (a heap array), divan.\n\nInstruction check (`cargo test -p mmreg-bench --test instructions`): {}\n",
        match &check {
            Ok(()) => "identical instructions on x86_64, over `RawIo` and over a `Mapping`; on aarch64 and armv7 identical but for one address `add` per access at a non-zero offset (the runtime's inline `ldr`/`str` take the address in a register; on armv7 also a different but never longer ALU choice in 6 of 21 pairs), every access one plain `ldr`/`str` of the register's width (two 32-bit ones for a 64-bit register on armv7)".to_string(),
            Err(error) => format!("FAILED: {error:#}"),
        }
    );
    report.section("3. Access overhead", table);
    let geometric_mean =
        (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len().max(1) as f64).exp();
    let worst = ratios.iter().copied().fold(f64::NAN, f64::max);
    report.summary(format!(
        "access: time ratio mmreg / hand-written {geometric_mean:.3} (geometric mean of {} medians, worst {worst:.3}); instructions {}",
        ratios.len(),
        if check.is_ok() { "identical (aarch64, armv7: +1 address add per access)" } else { "DIFFER" }
    ));
    check
}

/// `(form, access) -> {ours|hand -> (median ns, fastest ns)}` from divan's
/// tree output (`form` / `access` / `ours|hand`).
fn parse_divan(output: &str) -> BTreeMap<(String, String), BTreeMap<String, (f64, f64)>> {
    let mut result: BTreeMap<(String, String), BTreeMap<String, (f64, f64)>> = BTreeMap::new();
    let mut path: Vec<String> = Vec::new();
    for line in output.lines() {
        // The tree drawing uses `│` too, so find the name first and split
        // only what follows it into columns.
        let Some(name_start) = line.find(|c: char| c.is_ascii_alphanumeric() || c == '_') else {
            continue;
        };
        let depth = line[..name_start].chars().count() / 3;
        let rest = &line[name_start..];
        let name_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let name = &rest[..name_end];
        let columns: Vec<&str> = rest[name_end..].split('│').collect();
        if depth == 0 || columns.len() < 4 {
            // The header line, or not part of the table.
            continue;
        }
        path.truncate(depth - 1);
        path.push(name.to_string());
        if let (Some(fastest), Some(median), [form, access, side]) = (
            nanoseconds(columns[0]),
            nanoseconds(columns[2]),
            path.as_slice(),
        ) {
            result
                .entry((form.clone(), access.clone()))
                .or_default()
                .insert(side.clone(), (median, fastest));
        }
    }
    result
}

/// `1.23 ns`, `4.5 µs` in nanoseconds.
fn nanoseconds(text: &str) -> Option<f64> {
    let mut parts = text.split_whitespace();
    let value: f64 = parts.next()?.parse().ok()?;
    let scale = match parts.next()? {
        "ps" => 0.001,
        "ns" => 1.0,
        "µs" | "us" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => return None,
    };
    Some(value * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divan_tree_output_is_parsed_into_pairs() {
        let output = "\
access             fastest       │ slowest       │ median        │ mean          │ samples │ iters
╰─ inlined                       │               │               │               │         │
   ├─ gpio_modify                │               │               │               │         │
   │  ├─ hand      0.7 ns        │ 15.97 ns      │ 1.089 ns      │ 1.454 ns      │ 400     │ 8000000
   │  ╰─ ours      0.695 ns      │ 1.85 ns       │ 0.743 ns      │ 0.853 ns      │ 400     │ 8000000
   ╰─ gpio_write                 │               │               │               │         │
      ├─ hand      0.529 ns      │ 2.684 ns      │ 1.2 µs        │ 0.803 ns      │ 400     │ 8000000
      ╰─ ours      0.531 ns      │ 3.752 ns      │ 0.582 ns      │ 0.631 ns      │ 400     │ 8000000
";
        let parsed = parse_divan(output);
        let modify = &parsed[&("inlined".to_string(), "gpio_modify".to_string())];
        assert_eq!(modify["ours"], (0.743, 0.695));
        assert_eq!(modify["hand"], (1.089, 0.7));
        let write = &parsed[&("inlined".to_string(), "gpio_write".to_string())];
        assert_eq!(write["hand"], (1200.0, 0.529));
        assert_eq!(parsed.len(), 2);
    }
}
