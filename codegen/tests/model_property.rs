//! For random valid models, the generated code compiles and its `META` and
//! accessors agree with the model (issue 13).
//!
//! A fixed-seed proptest runner draws [`MODELS`] seeds (100); each seed makes one
//! valid model (`model_property/generate.rs`: widths 8 to 64 at aligned,
//! non-overlapping offsets, register and cluster arrays, nested clusters,
//! field arrays, enumerated values, every access kind and action, reset
//! values, names that need sanitising), which must validate without a
//! single diagnostic. Every model's module goes into ONE crate under
//! `target/tmp/model-property/`, with a `#[test]` per model
//! (`model_property/expect.rs`) comparing `META` with literals computed here
//! from the model and driving the accessors on `mmreg::FakeMem`; the crate is
//! built and tested by one `cargo test` (`#![deny(warnings)]`, so generated
//! code must also be warning-free). A failing model is named with its seed
//! and its YAML export (also written to `models/m<N>.yaml` in that crate).

use std::fmt::Write as _;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

mod scratch;
use scratch::ScratchCrate;

#[path = "model_property/expect.rs"]
mod expect;
#[path = "model_property/generate.rs"]
mod generate;
#[path = "model_property/names.rs"]
mod names;
#[path = "model_property/semantics.rs"]
mod semantics;
#[path = "model_property/vocabulary.rs"]
mod vocabulary;

/// How many models one run checks (`MMREG_PROPERTY_MODELS` overrides it
/// for a longer run).
const MODELS: usize = 100;
/// The runner's seed: the same models on every run (`MMREG_PROPERTY_SEED`,
/// any text, draws other ones).
const SEED: [u8; 32] = *b"mmreg model property, issue 13!!";

/// The number of models and the runner's seed, with the overrides.
fn run_settings() -> (usize, [u8; 32]) {
    let models = std::env::var("MMREG_PROPERTY_MODELS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(MODELS);
    let mut seed = SEED;
    if let Ok(text) = std::env::var("MMREG_PROPERTY_SEED") {
        for (index, byte) in text.bytes().enumerate() {
            seed[index % 32] ^= byte.rotate_left(index as u32 / 32);
        }
    }
    (models, seed)
}

/// Validation, then generation with the default options: every diagnostic,
/// and the code (or why there is none). The one place that knows the
/// generator's API.
fn validate_and_generate(
    device: mmreg_codegen::Device,
    input_name: &str,
) -> (Vec<mmreg_codegen::Diagnostic>, Result<String, String>) {
    match mmreg_codegen::validate::validate(device) {
        Ok((model, warnings)) => {
            let code =
                mmreg_codegen::generate_with(&model, input_name, mmreg_codegen::Options::default())
                    .map_err(|error| format!("generation failed: {error}"));
            (warnings, code)
        }
        Err(diagnostics) => (diagnostics, Err("validation failed".to_string())),
    }
}

/// The code for a model meant to be valid: no diagnostic at all.
fn generate_valid(device: mmreg_codegen::Device, input_name: &str) -> Result<String, String> {
    let (diagnostics, code) = validate_and_generate(device, input_name);
    if !diagnostics.is_empty() {
        let text: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        return Err(format!(
            "validation reported {} diagnostic(s) for a model meant to be valid:\n{}",
            text.len(),
            text.join("\n")
        ));
    }
    code
}

/// `models` seeds from the runner seeded with `seed`.
fn seeds(models: usize, seed: [u8; 32]) -> Vec<u64> {
    let config = Config {
        cases: models as u32,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    let strategy = proptest::num::u64::ANY;
    (0..models)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .expect("any u64 has a value")
                .current()
        })
        .collect()
}

fn yaml(device: &mmreg_codegen::Device) -> String {
    mmreg_codegen::yaml::export(device).unwrap_or_else(|error| format!("(no YAML: {error})"))
}

#[test]
fn generated_code_agrees_with_random_valid_models() {
    let started = std::time::Instant::now();
    let scratch = ScratchCrate::new("model-property");
    std::fs::create_dir_all(
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("model-property/models"),
    )
    .expect("create the models directory");
    let mut lib = String::from(
        "//! Random valid models (codegen/tests/model_property.rs), one module each.\n\
         #![deny(warnings)]\n#[cfg(test)]\nmod check;\n",
    );
    let mut yamls = Vec::new();
    let mut failures = Vec::new();
    let (models, runner_seed) = run_settings();
    remove_stale_models(models);
    for (index, seed) in seeds(models, runner_seed).into_iter().enumerate() {
        let device = generate::device(&mut vocabulary::Rng::new(seed), &format!("model{index}"));
        let text = yaml(&device);
        scratch.write(&format!("models/m{index}.yaml"), &text);
        match generate_valid(device.clone(), &format!("m{index}.yaml")) {
            Ok(code) => {
                scratch.write(&format!("src/m{index}.rs"), &code);
                scratch.write(
                    &format!("src/t{index}.rs"),
                    &expect::model_test(index, &device, seed),
                );
                let _ = writeln!(lib, "pub mod m{index};\n#[cfg(test)]\nmod t{index};");
            }
            Err(error) => failures.push(format!(
                "model {index} (seed {seed:#x}): {error}\n--- model ---\n{text}"
            )),
        }
        yamls.push((index, seed, text));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    scratch.write(
        "src/check.rs",
        include_str!("model_property/crate_check.rs"),
    );
    scratch.write("src/lib.rs", &lib);
    let generated = started.elapsed();
    let output = scratch.cargo(&["test", "--lib"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!(
        "{models} models: generated in {:.1}s, cargo test in {:.1}s",
        generated.as_secs_f64(),
        (started.elapsed() - generated).as_secs_f64()
    );
    if !output.status.success() {
        // The models whose tests failed or whose code did not compile.
        let mut named = String::new();
        for (index, seed, text) in &yamls {
            let test = format!("---- t{index}::m{index} stdout");
            let source = format!("src/m{index}.rs");
            let tests = format!("src/t{index}.rs");
            if stdout.contains(&test) || stderr.contains(&source) || stderr.contains(&tests) {
                let _ = writeln!(named, "--- model {index} (seed {seed:#x}) ---\n{text}");
            }
        }
        panic!(
            "cargo test of the generated crate failed (crate: {}):\n{}\n{}\n{named}",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/model-property"),
            panics(&stdout),
            tail(&stderr, 80)
        );
    }
}

/// Removes the files of models numbered `models` and up, left by a longer
/// run (`MMREG_PROPERTY_MODELS`), so the crate holds this run's only.
fn remove_stale_models(models: usize) {
    let crate_directory = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("model-property");
    for directory in ["src", "models"] {
        let Ok(entries) = std::fs::read_dir(crate_directory.join(directory)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let number = name
                .strip_prefix(['m', 't'])
                .and_then(|rest| rest.split('.').next())
                .and_then(|digits| digits.parse::<usize>().ok());
            if number.is_some_and(|number| number >= models) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// The panic messages in the test harness's output (without backtraces).
fn panics(stdout: &str) -> String {
    let mut out = Vec::new();
    let mut lines = stdout.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("thread '") {
            out.push(line);
            out.extend(
                lines
                    .by_ref()
                    .take_while(|line| !line.starts_with("stack backtrace") && !line.is_empty()),
            );
        }
    }
    if out.is_empty() {
        tail(stdout, 80)
    } else {
        out.join("\n")
    }
}

/// The last `lines` lines of `text`.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Generates the YAML description `text` (which must validate cleanly).
fn generate_yaml(text: &str) -> String {
    let (device, diagnostics) =
        mmreg_codegen::yaml::parse(text, "bug.yaml").unwrap_or_else(|error| panic!("{error}"));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    generate_valid(device, "bug.yaml").unwrap_or_else(|error| panic!("{error}"))
}

/// Generator bug 1 this test found, the minimal model: the cluster `try`
/// becomes the accessor `try_`, and its `&mut` companion was `try__mut`,
/// which warns (`non_snake_case`); it is `try_mut`.
#[test]
fn keyword_cluster_with_side_effect_reads_gets_a_snake_case_mut_accessor() {
    let code = generate_yaml(
        "device: bug1\nperipherals:\n  - name: P\n    base: 0x1000\n    registers:\n      \
         - cluster: try\n        offset: 0\n        registers:\n          \
         - { name: DATA, offset: 0, access: read-only, read_action: clear }\n",
    );
    let doubled: Vec<&str> = code
        .lines()
        .filter(|line| line.trim_start().starts_with("pub fn ") && line.contains("__"))
        .collect();
    assert!(doubled.is_empty(), "{doubled:#?}");
    assert!(code.contains("pub fn try_mut(&mut self)"), "{code}");
}

/// Generator bug 2 this test found, the minimal model: a register whose write action
/// is write-1-to-clear, with one plain field over all 32 bits written
/// normally (declared: YAML fields inherit the register's action
/// otherwise). The field says how all bits are written, but the raw value
/// the register was emitted as took the register's action for every bit:
/// `META` and `WRITE_ONE_ACTION_MASK` said all 32 bits clear on writing 1,
/// and `write` started from 0 instead of the reset value. Such a register
/// is no raw value now.
#[test]
fn lone_full_width_field_keeps_its_own_write_action() {
    let code = generate_yaml(
        "device: bug2\nperipherals:\n  - name: P\n    base: 0x1000\n    registers:\n      \
         - name: CTRL\n        offset: 0\n        reset: 0x5\n        write_action: oneToClear\n        \
         fields:\n          - { name: VALUE, bits: \"[31:0]\", modified_write_values: normal }\n",
    );
    assert!(
        code.contains("const WRITE_ONE_ACTION_MASK: u32 = 0x0;")
            && !code.contains("const WRITE_ONE_ACTION_MASK: u32 = 0xffff_ffff;"),
        "{code}"
    );
}

/// Found while writing the generator (not by it: its models never overlap):
/// validation compared the registers of one block with each other only, so
/// a register and a cluster that share bytes drew no warning. Here `A`,
/// `C.X` and `D.Y` are all at byte 4; `A` overlapping `C` is warned (two
/// clusters overlapping each other are usually alternate views and are not).
#[test]
fn registers_overlapping_through_clusters_are_warned() {
    let text = "device: gap\nperipherals:\n  - name: P\n    base: 0x1000\n    registers:\n      \
                - { name: A, offset: 0x4 }\n      - cluster: C\n        offset: 0x0\n        \
                registers:\n          - { name: X, offset: 0x4 }\n      - cluster: D\n        \
                offset: 0x0\n        registers:\n          - { name: Y, offset: 0x4 }\n";
    let (device, _) =
        mmreg_codegen::yaml::parse(text, "gap.yaml").unwrap_or_else(|error| panic!("{error}"));
    let (diagnostics, _) = validate_and_generate(device, "gap.yaml");
    assert!(
        diagnostics
            .iter()
            .any(|d| d.kind == mmreg_codegen::DiagnosticKind::OverlappingRegisters),
        "{diagnostics:?}"
    );
}
