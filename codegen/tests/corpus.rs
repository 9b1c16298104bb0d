//! Real vendor SVD files (the shared corpus) go through the whole pipeline:
//! every file generates a crate that `cargo check`s with `-D warnings`, the
//! three smallest also pass `cargo clippy -D warnings`, and generating twice
//! gives the same bytes.
//!
//! Each file becomes a standalone crate under `target/tmp/corpus-check/`
//! (the same shape `cargo xtask codegen --crate` writes), all sharing one
//! target directory so the runtime is built once. The per-file numbers
//! (generation time, lines, warnings, check time) are printed and written to
//! `target/tmp/corpus-check/report.txt`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/svd-corpus");
const RUNTIME: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../runtime");
const WORKSPACE_LOCK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock");
const CRATES: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/corpus-check");
const TARGET: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/corpus-target");

/// How many of the smallest files also go through clippy.
const CLIPPY_COUNT: usize = 3;
/// How many lines of compiler output a failure quotes.
const QUOTED_LINES: usize = 40;

/// The corpus's SVD files, smallest first (ties by name).
fn corpus_files() -> Vec<PathBuf> {
    let entries = std::fs::read_dir(CORPUS)
        .unwrap_or_else(|error| panic!("cannot read the corpus `{CORPUS}`: {error}"));
    let mut files: Vec<(u64, PathBuf)> = entries
        .map(|entry| entry.expect("corpus directory entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension.eq_ignore_ascii_case("svd"))
        })
        .map(|path| {
            (
                std::fs::metadata(&path)
                    .map(|metadata| metadata.len())
                    .unwrap_or(0),
                path,
            )
        })
        .collect();
    files.sort();
    assert!(
        files.len() >= 12,
        "expected the 12 corpus files in `{CORPUS}`, found {}",
        files.len()
    );
    files.into_iter().map(|(_, path)| path).collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .expect("corpus files have names")
        .to_string_lossy()
        .into_owned()
}

/// A Cargo package name from the file stem (the corpus stems are all
/// alphanumeric with `_` or `-`).
fn crate_name(path: &Path) -> String {
    path.file_stem()
        .expect("corpus files have stems")
        .to_string_lossy()
        .to_lowercase()
}

/// What generating one file gave.
struct Generated {
    code: String,
    warnings: usize,
    elapsed: Duration,
}

fn generate(path: &Path) -> Result<Generated, String> {
    let started = Instant::now();
    let loaded = mmreg_codegen::load(path).map_err(|error| error.to_string())?;
    let code = mmreg_codegen::generate(&loaded.device, &file_name(path))
        .map_err(|error| error.to_string())?;
    Ok(Generated {
        code,
        warnings: loaded.warnings.len(),
        elapsed: started.elapsed(),
    })
}

/// Writes a standalone crate (own workspace, runtime by absolute path) with
/// `lib_rs` as its library; the workspace's lock file pins the runtime's
/// dependencies so no resolution (and no network) is needed.
fn write_crate(name: &str, lib_rs: &str) -> PathBuf {
    let directory = Path::new(CRATES).join(name);
    let runtime = Path::new(RUNTIME)
        .canonicalize()
        .expect("runtime crate directory");
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nmmreg = {{ path = \"{}\" }}\n\n[workspace]\n",
        runtime.display()
    );
    std::fs::create_dir_all(directory.join("src")).expect("create crate directory");
    std::fs::write(directory.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    std::fs::write(directory.join("src/lib.rs"), lib_rs).expect("write lib.rs");
    std::fs::copy(WORKSPACE_LOCK, directory.join("Cargo.lock")).expect("copy Cargo.lock");
    directory
}

/// Runs `cargo <subcommand>` in `directory` with warnings denied and the
/// shared target directory. Returns the time taken, or the first compiler
/// errors.
fn cargo(subcommand: &str, directory: &Path) -> Result<Duration, String> {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(program);
    command.arg(subcommand).args(["--offline", "--quiet"]);
    if subcommand == "clippy" {
        command.args(["--", "-D", "warnings"]);
    }
    // The same flags for check and clippy, so the runtime's artifacts are reused.
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
    let elapsed = started.elapsed();
    if output.status.success() {
        return Ok(elapsed);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first_error = stderr
        .lines()
        .position(|line| line.starts_with("error") || line.starts_with("warning"))
        .unwrap_or(0);
    let quoted: Vec<&str> = stderr
        .lines()
        .skip(first_error)
        .take(QUOTED_LINES)
        .collect();
    Err(format!(
        "cargo {subcommand} failed ({}); {}\n{}",
        output.status,
        summarize(&stderr),
        quoted.join("\n")
    ))
}

/// How many compiler errors of each kind, most frequent first, so one line
/// tells a generator bug (thousands of one error) from a one-off.
fn summarize(stderr: &str) -> String {
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for line in stderr.lines() {
        if let Some(message) = line.strip_prefix("error") {
            if !message.starts_with(": could not compile") {
                *counts.entry(line).or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let total: usize = ranked.iter().map(|(_, count)| count).sum();
    let top: Vec<String> = ranked
        .iter()
        .take(5)
        .map(|(message, count)| format!("{count} × {message}"))
        .collect();
    format!(
        "{total} error(s), most frequent:\n  {}\nfirst lines:",
        top.join("\n  ")
    )
}

#[test]
fn every_corpus_file_generates_a_crate_that_checks() {
    // Built first and alone, so no file's check time includes the runtime's.
    let warm_up = write_crate("runtime-warm-up", "pub use mmreg;\n");
    if let Err(error) = cargo("check", &warm_up) {
        panic!("the runtime does not check on its own: {error}");
    }
    let files = corpus_files();
    let mut report =
        String::from("file                  generate   lines     warnings  check     clippy\n");
    let mut failures = Vec::new();
    for (index, path) in files.iter().enumerate() {
        let name = file_name(path);
        let generated = match generate(path) {
            Ok(generated) => generated,
            Err(error) => {
                writeln!(report, "{name:<21} generation failed").unwrap();
                failures.push(format!("{name}: generation failed: {error}"));
                continue;
            }
        };
        let lines = generated.code.lines().count();
        // The same crate root `cargo xtask codegen --crate` writes.
        let lib_rs = format!(
            "//! Register blocks for `{name}`, generated by `cargo xtask codegen`.\n\n{}",
            generated.code
        );
        let directory = write_crate(&crate_name(path), &lib_rs);
        let check = cargo("check", &directory);
        let clippy = (index < CLIPPY_COUNT && check.is_ok()).then(|| cargo("clippy", &directory));
        let seconds = |result: &Result<Duration, String>| match result {
            Ok(elapsed) => format!("{:.2}s", elapsed.as_secs_f64()),
            Err(_) => "FAILED".to_string(),
        };
        writeln!(
            report,
            "{name:<21} {:>7}ms  {lines:>8}  {:>8}  {:<8}  {}",
            generated.elapsed.as_millis(),
            generated.warnings,
            seconds(&check),
            clippy.as_ref().map_or_else(|| "-".to_string(), seconds),
        )
        .unwrap();
        if let Err(error) = check {
            failures.push(format!("{name}: {error}"));
        }
        if let Some(Err(error)) = clippy {
            failures.push(format!("{name}: {error}"));
        }
    }
    println!("{report}");
    std::fs::write(Path::new(CRATES).join("report.txt"), &report).expect("write report");
    assert!(
        failures.is_empty(),
        "{} of {} corpus files failed:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

#[test]
fn generation_is_deterministic() {
    let mut differing = Vec::new();
    for path in corpus_files() {
        let (first, second) = match (generate(&path), generate(&path)) {
            (Ok(first), Ok(second)) => (first, second),
            (Err(error), _) | (_, Err(error)) => {
                differing.push(format!("{} (generation failed: {error})", file_name(&path)));
                continue;
            }
        };
        if first.code != second.code {
            let line = first
                .code
                .lines()
                .zip(second.code.lines())
                .position(|(a, b)| a != b)
                .map_or(0, |index| index + 1);
            differing.push(format!(
                "{} (first difference at line {line})",
                file_name(&path)
            ));
        }
    }
    assert!(
        differing.is_empty(),
        "generating twice gave different bytes for: {}",
        differing.join(", ")
    );
}
