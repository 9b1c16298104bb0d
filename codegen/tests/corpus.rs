//! Real vendor SVD files (the shared corpus) go through the whole pipeline:
//! every file generates a crate that `cargo check`s with `-D warnings`, the
//! three smallest also pass `cargo clippy -D warnings`, and generating twice
//! gives the same bytes.
//!
//! Each file becomes a standalone crate under `target/tmp/corpus-check/`
//! (the same shape `cargo xtask codegen --crate` writes). A few workers check
//! them in parallel, largest first, each with one target directory under
//! `target/tmp/corpus-target/` that it keeps across runs, so the runtime is
//! built once per worker. The per-file numbers (generation time, lines,
//! warnings, check and clippy time) are printed and written to
//! `target/tmp/corpus-check/report.txt`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
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
    write_if_changed(&directory.join("Cargo.toml"), &manifest);
    write_if_changed(&directory.join("src/lib.rs"), lib_rs);
    // Cargo prunes the copy to what the crate uses; copied once so a later
    // run does not undo that while another run's Cargo reads it.
    if !directory.join("Cargo.lock").exists() {
        std::fs::copy(WORKSPACE_LOCK, directory.join("Cargo.lock")).expect("copy Cargo.lock");
    }
    directory
}

/// Writes `contents` unless the file already holds them, through a rename so
/// a concurrent run of this test (CI and a developer sharing a checkout) never
/// checks a half-written file.
fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read(path).is_ok_and(|bytes| bytes == contents.as_bytes()) {
        return;
    }
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&temporary, contents)
        .unwrap_or_else(|error| panic!("cannot write `{}`: {error}", temporary.display()));
    std::fs::rename(&temporary, path)
        .unwrap_or_else(|error| panic!("cannot write `{}`: {error}", path.display()));
}

/// Runs `cargo <subcommand>` in `directory` with warnings denied and
/// `target` as the target directory. Returns the time taken, or the first compiler
/// errors.
fn cargo(subcommand: &str, directory: &Path, target: &Path) -> Result<Duration, String> {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(program);
    command.arg(subcommand).args(["--offline", "--quiet"]);
    match subcommand {
        "clippy" => {
            command.args(["--", "-D", "warnings"]);
        }
        // The crate only: its package name is its directory's.
        "clean" => {
            let package = directory.file_name().expect("crate directories have names");
            command.arg("--package").arg(package);
        }
        _ => {}
    }
    // The same flags for check and clippy, so the runtime's artifacts are reused.
    command
        .current_dir(directory)
        .env("CARGO_TARGET_DIR", target)
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
        if let Some(message) = line.strip_prefix("error")
            && !message.starts_with(": could not compile")
        {
            *counts.entry(line).or_default() += 1;
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

/// One corpus file's row in the report, and what went wrong with it.
struct Outcome {
    row: String,
    failures: Vec<String>,
}

/// Generates `path` into a crate, checks it (and clippies it when asked)
/// with `target` as the target directory.
fn check_file(path: &Path, clippy: bool, target: &Path) -> Outcome {
    let name = file_name(path);
    let generated = match generate(path) {
        Ok(generated) => generated,
        Err(error) => {
            return Outcome {
                row: format!("{name:<21} generation failed"),
                failures: vec![format!("{name}: generation failed: {error}")],
            };
        }
    };
    let lines = generated.code.lines().count();
    // The same crate root `cargo xtask codegen --crate` writes.
    let lib_rs = format!(
        "//! Register blocks for `{name}`, generated by `cargo xtask codegen`.\n\n{}",
        generated.code
    );
    let directory = write_crate(&crate_name(path), &lib_rs);
    // A crate left fresh by an earlier run would "check" in no time: forget
    // it (the runtime stays built) so the time measured is rustc's.
    if let Err(error) = cargo("clean", &directory, target) {
        panic!("{name}: {error}");
    }
    let check = cargo("check", &directory, target);
    let clippy = (clippy && check.is_ok()).then(|| cargo("clippy", &directory, target));
    let seconds = |result: &Result<Duration, String>| match result {
        Ok(elapsed) => format!("{:.2}s", elapsed.as_secs_f64()),
        Err(_) => "FAILED".to_string(),
    };
    let row = format!(
        "{name:<21} {:>7}ms  {lines:>8}  {:>8}  {:<8}  {}",
        generated.elapsed.as_millis(),
        generated.warnings,
        seconds(&check),
        clippy.as_ref().map_or_else(|| "-".to_string(), seconds),
    );
    let failures = [Some(check), clippy]
        .into_iter()
        .flatten()
        .filter_map(Result::err)
        .map(|error| format!("{name}: {error}"))
        .collect();
    Outcome { row, failures }
}

/// Parallel workers: rustc checks one crate on about one core, and Cargo
/// locks a target directory for a whole build, so each worker runs its own
/// Cargo with its own target directory (the runtime is built once per worker).
fn worker_count() -> usize {
    std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, 4)
}

#[test]
fn every_corpus_file_generates_a_crate_that_checks() {
    let files = corpus_files();
    let workers = worker_count();
    let targets: Vec<PathBuf> = (0..workers)
        .map(|worker| Path::new(TARGET).join(format!("worker-{worker}")))
        .collect();
    // Built first, so no file's check time includes the runtime's.
    let warm_up = write_crate("runtime-warm-up", "pub use mmreg;\n");
    for target in &targets {
        if let Err(error) = cargo("check", &warm_up, target) {
            panic!("the runtime does not check on its own: {error}");
        }
    }
    // Largest first, so the longest check starts at once and the others fill in.
    let order: Vec<usize> = (0..files.len()).rev().collect();
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Option<Outcome>>> =
        Mutex::new((0..files.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for target in &targets {
            let (files, order, next, outcomes) = (&files, &order, &next, &outcomes);
            scope.spawn(move || {
                while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = check_file(&files[index], index < CLIPPY_COUNT, target);
                    outcomes
                        .lock()
                        .expect("no worker panicked holding the lock")[index] = Some(outcome);
                }
            });
        }
    });
    let mut report = format!(
        "{} corpus files, {workers} parallel worker(s); wall-clock times, generator built in the test profile\n\
         file                  generate   lines     warnings  check     clippy\n",
        files.len()
    );
    let mut failures = Vec::new();
    for outcome in outcomes
        .into_inner()
        .expect("workers finished")
        .into_iter()
        .flatten()
    {
        report.push_str(&outcome.row);
        report.push('\n');
        failures.extend(outcome.failures);
    }
    println!("{report}");
    std::fs::write(Path::new(CRATES).join("report.txt"), &report).expect("write report");
    assert!(
        failures.is_empty(),
        "{} corpus check(s) failed:\n\n{}",
        failures.len(),
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
