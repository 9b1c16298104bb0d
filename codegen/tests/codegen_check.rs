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

/// The check itself, on a scratch workspace: a missing output, then an edited
/// one, are reported by name; regenerating makes the check pass and leaves
/// fresh files untouched.
#[test]
fn check_names_missing_and_edited_outputs_and_regenerate_fixes_them() {
    use mmreg_codegen::manifest::{self, StaleReason};

    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("codegen-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/svd-corpus/ARM_Sample.svd"
    );
    std::fs::write(
        root.join("codegen.toml"),
        format!("[[file]]\ninput = \"{sample}\"\noutput = \"out/arm.rs\"\nonly = [\"TIMER1\"]\n"),
    )
    .unwrap();

    let stale = manifest::check(&root).unwrap();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].output, Path::new("out/arm.rs"));
    assert_eq!(stale[0].reason, StaleReason::Missing);

    let report = manifest::regenerate(&root).unwrap();
    assert_eq!(report.len(), 1);
    assert!(report[0].changed);
    let code = std::fs::read_to_string(root.join("out/arm.rs")).unwrap();
    assert!(
        code.contains("pub mod timer0 {")
            && code.contains("pub mod timer1 {")
            && !code.contains("pub mod timer2 {")
    );
    assert_eq!(manifest::check(&root).unwrap(), []);

    std::fs::write(
        root.join("out/arm.rs"),
        code.replace("pub mod timer1 {", "pub mod timer_one {"),
    )
    .unwrap();
    let stale = manifest::check(&root).unwrap();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].reason, StaleReason::Differs);
    assert!(
        stale[0].to_string().starts_with("`out/arm.rs` is stale"),
        "{}",
        stale[0]
    );

    assert!(manifest::regenerate(&root).unwrap()[0].changed);
    assert!(!manifest::regenerate(&root).unwrap()[0].changed);
    assert_eq!(
        std::fs::read_to_string(root.join("out/arm.rs")).unwrap(),
        code
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn generation_errors_name_the_entry() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("codegen-check-error-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("codegen.toml"),
        "[[file]]\ninput = \"missing.yaml\"\noutput = \"out.rs\"\n",
    )
    .unwrap();
    let error = mmreg_codegen::manifest::check(&root).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("cannot generate `out.rs` from `missing.yaml`: cannot read"),
        "{error}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}
