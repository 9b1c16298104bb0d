//! The instruction-level check: every generated field access in
//! `mmreg_bench::access` (over `RawIo`) and `mmreg_bench::mapping` (over a
//! `Mapping`) compiles (release) to the same instructions as its
//! hand-written twin, on x86_64 (`objdump` of the object file), aarch64 and
//! armv7 (`--emit asm`, no linker needed), and on the Arm targets each access
//! is one plain `ldr`/`str` of the register's width (two 32-bit ones for a
//! 64-bit register on armv7), with no pair, doubleword or write-back form,
//! also in a loop over a register array.
//!
//! The crate is compiled into its own target directory (`target/asm-check`),
//! because the `cargo test` that runs this holds the lock of the default one.

use std::path::{Path, PathBuf};
use std::process::Command;

use mmreg_bench::access::PAIRS;
use mmreg_bench::disassembly::{self, Arch, Direction, Function};
use mmreg_bench::mapping::PLAIN_ONLY;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the bench crate sits in the workspace")
        .to_path_buf()
}

/// Compiles the library in release with one codegen unit (so there is one
/// output file) and returns the file rustc wrote for `emit` (`obj` or `asm`).
fn compile(target: Option<&str>, emit: &str, extension: &str) -> PathBuf {
    let target_dir = workspace_root().join("target").join("asm-check");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace_root())
        .args([
            "rustc",
            "--release",
            "-p",
            "mmreg-bench",
            "--lib",
            "--target-dir",
        ])
        .arg(&target_dir);
    if let Some(target) = target {
        command.args(["--target", target]);
    }
    command.args(["--", "--emit", emit, "-C", "codegen-units=1"]);
    let output = command.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "building for {target:?} failed (is the target installed? `rustup target add aarch64-unknown-linux-gnu`):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let deps = match target {
        Some(target) => target_dir.join(target).join("release").join("deps"),
        None => target_dir.join("release").join("deps"),
    };
    // Several hashes may exist; the newest is the one just written.
    std::fs::read_dir(&deps)
        .expect("the deps directory exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == extension)
                && path
                    .file_name()
                    .is_some_and(|name| name.to_string_lossy().starts_with("mmreg_bench-"))
        })
        .max_by_key(|path| path.metadata().and_then(|m| m.modified()).ok())
        .unwrap_or_else(|| panic!("no mmreg_bench-*.{extension} in {}", deps.display()))
}

fn check_all(arch: Arch, functions: &std::collections::BTreeMap<String, Function>) {
    let mut failures = Vec::new();
    for pair in PAIRS {
        match disassembly::check_pair(arch, functions, pair) {
            Ok(code) => {
                let (folded, adds) = disassembly::fold_address_adds(&code);
                let mut extra = if arch.has_inline_accessors() {
                    format!(" (+{adds} address add)")
                } else {
                    String::new()
                };
                let folded = Function {
                    body: pair.ours.to_string(),
                    raw: folded,
                };
                if functions
                    .get(pair.hand)
                    .is_some_and(|hand| hand.normalised(arch) != folded.normalised(arch))
                {
                    extra.push_str(" [same accesses; other ALU or registers, not longer]");
                }
                println!(
                    "{:<20} = {:<20}{extra} {}",
                    pair.ours,
                    pair.hand,
                    code.join("; ")
                );
            }
            Err(mismatch) => failures.push(mismatch.to_string()),
        }
    }
    if arch.has_inline_accessors() {
        for symbol in PLAIN_ONLY {
            let Some(function) = functions.get(*symbol) else {
                failures.push(format!("`{symbol}` is not in the disassembly"));
                continue;
            };
            let accesses = disassembly::memory_accesses(arch, &function.raw);
            let stores = accesses
                .iter()
                .filter(|a| a.direction == Direction::Store)
                .count();
            if stores == 0 || accesses.iter().any(|access| !access.plain) {
                failures.push(format!(
                    "`{symbol}` must do only plain accesses, and stores: {:?}",
                    accesses
                        .iter()
                        .map(|a| a.instruction.as_str())
                        .collect::<Vec<_>>()
                ));
            } else {
                println!("{symbol:<43} plain: {}", function.raw.join("; "));
            }
            // The hand-written loop, for comparison (not required plain:
            // it is why the runtime keeps its inline assembly).
            let hand = symbol.replacen("ours_", "hand_", 1);
            if let Some(function) = functions.get(&hand) {
                println!("{hand:<43} {}", function.raw.join("; "));
            }
        }
    }
    assert!(failures.is_empty(), "{arch:?}:\n{}", failures.join("\n"));
}

fn objdump(arguments: &[&str], file: &Path) -> String {
    let output = Command::new("objdump")
        .args(arguments)
        .arg(file)
        .output()
        .expect("objdump (binutils) is installed");
    assert!(output.status.success(), "objdump failed");
    String::from_utf8(output.stdout).expect("objdump prints text")
}

#[test]
#[cfg_attr(miri, ignore = "runs cargo and objdump")]
#[cfg(target_arch = "x86_64")]
fn x86_64_generated_accesses_match_hand_written() {
    let object = compile(None, "obj", "o");
    let symbols = objdump(&["-t"], &object);
    let code = objdump(&["-d", "--no-show-raw-insn"], &object);
    let functions = disassembly::parse_objdump(&symbols, &code);
    check_all(Arch::X86_64, &functions);
}

#[test]
#[cfg_attr(miri, ignore = "runs cargo")]
fn aarch64_generated_accesses_match_hand_written_with_plain_loads_and_stores() {
    let assembly = compile(Some("aarch64-unknown-linux-gnu"), "asm", "s");
    let text = std::fs::read_to_string(&assembly).expect("the assembly is readable");
    check_all(Arch::Aarch64, &disassembly::parse_asm(&text));
}

#[test]
#[cfg_attr(miri, ignore = "runs cargo")]
fn armv7_generated_accesses_match_hand_written_with_plain_loads_and_stores() {
    let assembly = compile(Some("armv7-unknown-linux-gnueabihf"), "asm", "s");
    let text = std::fs::read_to_string(&assembly).expect("the assembly is readable");
    check_all(Arch::Armv7, &disassembly::parse_asm(&text));
}
