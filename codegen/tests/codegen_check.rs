//! Checked-in generated files match their inputs: the same check as
//! `cargo xtask codegen --check`, so plain `cargo test` catches drift.

use std::path::Path;

#[test]
fn checked_in_generated_files_are_fresh() {
    let workspace_root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let stale = match mmreg_codegen::manifest::check(workspace_root) {
        Ok(stale) => stale,
        Err(error) => panic!("{error}"),
    };
    let report: Vec<String> = stale.iter().map(ToString::to_string).collect();
    assert!(
        report.is_empty(),
        "stale generated files:\n{}",
        report.join("\n")
    );
}

#[test]
fn workspace_manifest_parses() {
    let workspace_root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let manifest = mmreg_codegen::manifest::Manifest::read(workspace_root)
        .unwrap_or_else(|error| panic!("{error}"));
    for entry in &manifest.files {
        assert!(
            workspace_root.join(&entry.input).is_file(),
            "manifest input `{}` does not exist",
            entry.input.display()
        );
        assert!(
            entry.output.is_relative(),
            "manifest output `{}` must be relative",
            entry.output.display()
        );
    }
}
