//! Snapshots of what the YAML front end makes of the examples in
//! `docs/yaml.md` (the model, and the model exported back to YAML), so the
//! documented examples stay valid and any change in their meaning shows up
//! in review. Bless with `INSTA_UPDATE=always` and read the diff.

use mmreg_codegen::ir::Device;

const DOCS: &str = include_str!("../../docs/yaml.md");

/// The first ```` ```yaml ```` block after `heading` in `docs/yaml.md`.
fn example(heading: &str) -> &'static str {
    let section = DOCS
        .split_once(heading)
        .unwrap_or_else(|| panic!("no `{heading}` in docs/yaml.md"))
        .1;
    let block = section.split_once("```yaml\n").expect("a yaml block").1;
    block.split_once("```").expect("the block ends").0
}

/// Parses and validates an example: it must give no diagnostics at all.
fn load(text: &str) -> Device {
    let (device, warnings) =
        mmreg_codegen::yaml::parse(text, "example.yaml").unwrap_or_else(|error| panic!("{error}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    let diagnostics = mmreg_codegen::validate::check(&device);
    assert!(
        diagnostics.is_empty(),
        "{}",
        mmreg_codegen::Diagnostics(diagnostics)
    );
    device
}

#[test]
fn shortest_example() {
    let device = load(example("## The shortest complete example"));
    insta::assert_debug_snapshot!(device);
}

#[test]
fn worked_example() {
    let device = load(example("## Worked example"));
    insta::assert_debug_snapshot!(device);
}

#[test]
fn worked_example_exported() {
    let device = load(example("## Worked example"));
    let exported = mmreg_codegen::yaml::export(&device).unwrap();
    // The export reads back to the same model (locations aside, they point
    // into different texts).
    let reread = load(&exported);
    assert_eq!(mmreg_codegen::yaml::export(&reread).unwrap(), exported);
    insta::assert_snapshot!(exported);
}

#[test]
fn worked_example_generates() {
    let device = load(example("## Worked example"));
    let (model, _) = mmreg_codegen::validate::validate(device).expect("valid");
    let code = mmreg_codegen::generate(&model, "example.yaml").unwrap();
    assert!(code.contains("pub mod timer0"), "{code}");
}
