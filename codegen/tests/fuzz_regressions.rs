//! Every input the fuzzers (`fuzz/`, `cargo xtask fuzz`) ever crashed on,
//! minimised and saved under `tests/fuzz-regressions/<target>/`, replayed
//! through the same path the target drives (`fuzz_paths`). Every input runs,
//! and a failure names each one that panicked and its message.
//!
//! Inputs run on a thread with the main thread's 8 MiB stack, as under
//! libFuzzer, so a deep but bounded recursion passes here as it does there.

#[path = "fuzz_paths/mod.rs"]
mod fuzz_paths;

use std::path::{Path, PathBuf};

/// Where the saved inputs live, one directory per fuzz target.
const REGRESSIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz-regressions");
/// The largest input the repository may hold (whole vendor files may not).
const MAX_SAVED_BYTES: u64 = 4096;
/// The stack each input runs on (a Linux main thread's default).
const STACK_BYTES: usize = 8 * 1024 * 1024;

/// The saved inputs of `target`, sorted; none when it has no directory.
fn inputs(target: &str) -> Vec<PathBuf> {
    let directory = Path::new(REGRESSIONS).join(target);
    let Ok(entries) = std::fs::read_dir(&directory) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("regression directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every saved input of `target` through `path`; fails naming each
/// input that panicked, with its panic message.
fn replay(target: &str, path: fn(&[u8])) {
    let mut failures = Vec::new();
    for input in inputs(target) {
        let data = std::fs::read(&input)
            .unwrap_or_else(|error| panic!("cannot read `{}`: {error}", input.display()));
        let outcome = std::thread::Builder::new()
            .name(format!("{target}: {}", input.display()))
            .stack_size(STACK_BYTES)
            .spawn(move || path(&data))
            .expect("spawn the replay thread")
            .join();
        if let Err(payload) = outcome {
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(a panic without a message)");
            failures.push(format!("  {}: {message}", input.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} saved `{target}` input(s) panic:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn svd_reader_inputs_do_not_panic() {
    replay("svd_reader", fuzz_paths::svd_reader);
}

#[test]
fn yaml_reader_inputs_do_not_panic() {
    replay("yaml_reader", fuzz_paths::yaml_reader);
}

#[test]
fn load_generate_inputs_do_not_panic() {
    replay("load_generate", fuzz_paths::load_generate);
}

#[test]
fn saved_inputs_are_small_and_belong_to_a_target() {
    let Ok(entries) = std::fs::read_dir(REGRESSIONS) else {
        return;
    };
    for entry in entries {
        let directory = entry.expect("regression directory entry").path();
        let target = directory
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default()
            .to_string();
        assert!(
            ["svd_reader", "yaml_reader", "load_generate"].contains(&target.as_str()),
            "`{}` is not a fuzz target's directory",
            directory.display()
        );
        for input in inputs(&target) {
            let size = std::fs::metadata(&input).map_or(0, |metadata| metadata.len());
            assert!(
                size <= MAX_SAVED_BYTES,
                "`{}` is {size} bytes: minimise it (`cargo fuzz tmin`) below {MAX_SAVED_BYTES}",
                input.display()
            );
        }
    }
}
