//! Every IP-XACT component in the shared corpus generates code that passes
//! `cargo check` and `cargo clippy` with `-D warnings`, and generating twice
//! gives the same bytes.
//!
//! All ten files go into one crate (one module each), so one compiler run
//! checks them all; the crate lives under `target/tmp/ipxact-check/` and
//! shares the SVD corpus test's first target directory, so the runtime is
//! built once for both. Per-file generation times are printed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ipxact-corpus");
const RUNTIME: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../runtime");
const WORKSPACE_LOCK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock");
const CRATE: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/ipxact-check");
const TARGET: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/corpus-target/worker-0");

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .unwrap_or_else(|error| panic!("cannot read `{CORPUS}`: {error}"))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 10, "IP-XACT corpus files: {files:?}");
    files
}

/// A module name from a file stem.
fn module_name(path: &Path) -> String {
    path.file_stem()
        .expect("corpus files have stems")
        .to_string_lossy()
        .to_lowercase()
        .replace(['-', '.'], "_")
}

fn generate(path: &Path) -> Result<(String, usize), String> {
    let loaded = mmreg_codegen::load(path).map_err(|error| error.to_string())?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let code = mmreg_codegen::generate(&loaded.device, &name).map_err(|error| error.to_string())?;
    Ok((code, loaded.warnings.len()))
}

fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read(path).is_ok_and(|bytes| bytes == contents.as_bytes()) {
        return;
    }
    std::fs::write(path, contents)
        .unwrap_or_else(|error| panic!("cannot write `{}`: {error}", path.display()));
}

fn cargo(subcommand: &str, directory: &Path) -> Result<f64, String> {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(program);
    command.arg(subcommand).args(["--offline", "--quiet"]);
    if subcommand == "clippy" {
        command.args(["--", "-D", "warnings"]);
    }
    if subcommand == "clean" {
        command.args(["--package", "ipxact-check"]);
    }
    command
        .current_dir(directory)
        .env("CARGO_TARGET_DIR", TARGET)
        .env("RUSTFLAGS", "-D warnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .stdin(Stdio::null());
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|error| format!("cannot run cargo {subcommand}: {error}"))?;
    if output.status.success() {
        return Ok(started.elapsed().as_secs_f64());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let quoted: Vec<&str> = stderr.lines().take(60).collect();
    Err(format!(
        "cargo {subcommand} failed ({}):\n{}",
        output.status,
        quoted.join("\n")
    ))
}

/// The ```` ```rust ```` block of docs/ipxact.md that uses the UIO mapping,
/// as a function.
fn docs_example() -> String {
    let docs = include_str!("../../docs/ipxact.md");
    let block = docs
        .split("```rust\n")
        .find(|block| block.contains("Uio::open_by_name"))
        .and_then(|block| block.split_once("```"))
        .expect("docs/ipxact.md has the UIO example")
        .0;
    format!(
        "//! docs/ipxact.md's worked example.\n\n\
         /// The example.\n\
         pub fn example() -> Result<(), Box<dyn std::error::Error>> {{\n\
         use crate::peakrdl_ipxact_my_subblock::my_subblock;\n{block}Ok(())\n}}\n"
    )
}

#[test]
fn every_corpus_file_generates_code_that_checks_and_is_clippy_clean() {
    let directory = Path::new(CRATE);
    std::fs::create_dir_all(directory.join("src")).expect("create crate directory");
    let runtime = Path::new(RUNTIME)
        .canonicalize()
        .expect("runtime directory");
    let manifest = format!(
        "[package]\nname = \"ipxact-check\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nmmreg = {{ path = \"{}\" }}\n\n[workspace]\n",
        runtime.display()
    );
    write_if_changed(&directory.join("Cargo.toml"), &manifest);
    if !directory.join("Cargo.lock").exists() {
        std::fs::copy(WORKSPACE_LOCK, directory.join("Cargo.lock")).expect("copy Cargo.lock");
    }
    let mut lib_rs = String::from("//! The IP-XACT corpus, one module per file.\n\n");
    let mut report = format!(
        "{:<38} {:>9} {:>8} {:>8}\n",
        "file", "generate", "lines", "warnings"
    );
    let mut failures = Vec::new();
    for path in corpus_files() {
        let module = module_name(&path);
        let started = Instant::now();
        match generate(&path) {
            Ok((code, warnings)) => {
                let elapsed = started.elapsed();
                report.push_str(&format!(
                    "{:<38} {:>7.1}ms {:>8} {:>8}\n",
                    path.file_name().unwrap_or_default().to_string_lossy(),
                    elapsed.as_secs_f64() * 1000.0,
                    code.lines().count(),
                    warnings
                ));
                write_if_changed(&directory.join(format!("src/{module}.rs")), &code);
                lib_rs.push_str(&format!("pub mod {module};\n"));
                let (again, _) = generate(&path).expect("generates twice");
                if again != code {
                    failures.push(format!("{module}: generating twice gave different bytes"));
                }
            }
            Err(error) => failures.push(format!("{module}: generation failed: {error}")),
        }
    }
    // The worked example of docs/ipxact.md, compiled against its module.
    write_if_changed(&directory.join("src/docs_example.rs"), &docs_example());
    lib_rs.push_str("pub mod docs_example;\n");
    write_if_changed(&directory.join("src/lib.rs"), &lib_rs);
    // A crate left fresh by an earlier run would check in no time.
    if let Err(error) = cargo("clean", directory) {
        failures.push(error);
    }
    match cargo("check", directory) {
        Ok(seconds) => report.push_str(&format!("cargo check -D warnings: {seconds:.2}s\n")),
        Err(error) => failures.push(error),
    }
    if failures.is_empty() {
        match cargo("clippy", directory) {
            Ok(seconds) => report.push_str(&format!("cargo clippy -D warnings: {seconds:.2}s\n")),
            Err(error) => failures.push(error),
        }
    }
    println!("{report}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
