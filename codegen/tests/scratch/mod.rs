//! A scratch crate for tests that compile generated code: a package that
//! depends on the workspace's runtime, written under `target/tmp/<name>/`
//! with the workspace's `Cargo.lock`, and Cargo run in it with a target
//! directory of its own (`target/tmp/<name>-target/`), kept across runs so
//! the runtime is built once.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const RUNTIME: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../runtime");
const WORKSPACE_LOCK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock");

/// A package under `target/tmp/`.
pub struct ScratchCrate {
    directory: PathBuf,
    target: PathBuf,
}

impl ScratchCrate {
    /// The package `name` (its `Cargo.toml` and `Cargo.lock` written); add
    /// its sources with [`ScratchCrate::write`].
    pub fn new(name: &str) -> Self {
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let scratch = ScratchCrate {
            directory: tmp.join(name),
            target: tmp.join(format!("{name}-target")),
        };
        std::fs::create_dir_all(scratch.directory.join("src")).expect("create crate directory");
        let runtime = Path::new(RUNTIME)
            .canonicalize()
            .expect("runtime crate directory");
        scratch.write(
            "Cargo.toml",
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
                 publish = false\n\n[dependencies]\nmmreg = {{ path = \"{}\" }}\n\n[workspace]\n",
                runtime.display()
            ),
        );
        // Copied once: Cargo prunes the copy to what the crate uses.
        let lock = scratch.directory.join("Cargo.lock");
        if !lock.exists() {
            std::fs::copy(WORKSPACE_LOCK, lock).expect("copy Cargo.lock");
        }
        scratch
    }

    /// Writes `contents` to `relative` in the crate, unless the file already
    /// holds them (so Cargo sees nothing new and reuses its build).
    pub fn write(&self, relative: &str, contents: &str) {
        let path = self.directory.join(relative);
        if std::fs::read(&path).is_ok_and(|bytes| bytes == contents.as_bytes()) {
            return;
        }
        std::fs::write(&path, contents)
            .unwrap_or_else(|error| panic!("cannot write `{}`: {error}", path.display()));
    }

    /// Runs `cargo <arguments>` (offline, quiet) in the crate, without the
    /// flags of the Cargo running this test.
    pub fn cargo(&self, arguments: &[&str]) -> Output {
        let (subcommand, rest) = arguments.split_first().expect("a cargo subcommand");
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .arg(subcommand)
            .args(["--offline", "--quiet"])
            .args(rest)
            .current_dir(&self.directory)
            .env("CARGO_TARGET_DIR", &self.target)
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|error| panic!("cannot run cargo {subcommand}: {error}"))
    }
}
