//! A builder for `build.rs`: generate a register map into `OUT_DIR` at build
//! time.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), mmreg_codegen::builder::Error> {
//!     mmreg_codegen::builder::Builder::new("regs/soc.svd")
//!         .only(["GPIO", "UART0"])
//!         .output("soc.rs")
//!         .generate()?;
//!     Ok(())
//! }
//! ```
//!
//! and in the crate:
//!
//! ```ignore
//! mod soc {
//!     include!(concat!(env!("OUT_DIR"), "/soc.rs"));
//! }
//! ```
//!
//! The builder prints `cargo:rerun-if-changed=<input>` so Cargo reruns the
//! script only when the description changes, and prints every warning as
//! `cargo:warning=...` so it shows in the build output.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;

/// Everything that can stop a build-time generation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Neither [`Builder::out_dir`] nor the `OUT_DIR` variable gave a directory
    /// (the builder runs outside a build script).
    #[error("`OUT_DIR` is not set: run the builder from `build.rs` or call `Builder::out_dir`")]
    OutDirUnset,
    /// Loading or generating failed; for invalid input, every diagnostic is listed.
    #[error("cannot generate from `{input}`: {source}")]
    Generate {
        /// The input.
        input: PathBuf,
        /// The cause.
        source: crate::Error,
    },
    /// The output could not be written.
    #[error("cannot write `{path}`: {source}")]
    Write {
        /// The output file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// Generates one description into one file under `OUT_DIR`.
#[derive(Debug, Clone)]
pub struct Builder {
    input: PathBuf,
    only: Vec<String>,
    output: Option<PathBuf>,
    out_dir: Option<PathBuf>,
    options: crate::Options,
}

/// What [`Builder::generate`] produced.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The file written.
    pub path: PathBuf,
    /// Warnings the input raised (already printed for Cargo).
    pub warnings: Vec<Diagnostic>,
}

impl Builder {
    /// Generates from `input` (SVD or YAML, by extension), relative to the
    /// crate's directory as build scripts run there.
    pub fn new(input: impl Into<PathBuf>) -> Self {
        Builder {
            input: input.into(),
            only: Vec::new(),
            output: None,
            out_dir: None,
            options: crate::Options::default(),
        }
    }

    /// Turns sharing of identical blocks, clusters, fieldsets and enums on
    /// or off (on by default); see [`crate::Options::share_types`].
    pub fn share_types(mut self, share: bool) -> Self {
        self.options.share_types = share;
        self
    }

    /// Turns array inference on or off (on by default); see
    /// [`crate::Options::infer_arrays`].
    pub fn infer_arrays(mut self, infer: bool) -> Self {
        self.options.infer_arrays = infer;
        self
    }

    /// Fails the build on any warning instead of leaving out what is
    /// defective and generating the rest (off by default); see
    /// [`crate::Options::deny_warnings`].
    pub fn deny_warnings(mut self, deny: bool) -> Self {
        self.options.deny_warnings = deny;
        self
    }

    /// Keeps only these peripherals (case-insensitive), plus those they derive
    /// from. By default every peripheral is kept.
    pub fn only<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.only = names.into_iter().map(Into::into).collect();
        self
    }

    /// Marks these registers as DMA-capable, so their `write` and `modify`
    /// are `unsafe fn`: paths `PERIPHERAL.REGISTER` or
    /// `PERIPHERAL.CLUSTER.REGISTER`, names matched ignoring case and array
    /// placeholders (`DMA.CH%s.SRC`, `DMA.CH.SRC`). A path that names no
    /// register fails the build. By default none are marked (YAML inputs can
    /// also say `dma: true`); see [`crate::Options::dma_registers`].
    pub fn dma_registers<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options.dma_registers = paths.into_iter().map(Into::into).collect();
        self
    }

    /// The output file name inside the output directory; by default the
    /// input's file stem with `.rs`.
    pub fn output(mut self, file_name: impl Into<PathBuf>) -> Self {
        self.output = Some(file_name.into());
        self
    }

    /// The output directory; by default the `OUT_DIR` Cargo gives build scripts.
    pub fn out_dir(mut self, directory: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(directory.into());
        self
    }

    /// Generates the file, printing the `cargo:` lines a build script needs.
    ///
    /// The file is rewritten only when its contents change, so an unchanged
    /// description does not trigger a recompile of the including crate.
    pub fn generate(&self) -> Result<Generated, Error> {
        // Printed first so a failing input is retried when it is fixed.
        println!("cargo:rerun-if-changed={}", self.input.display());
        let out_dir = match &self.out_dir {
            Some(directory) => directory.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(Error::OutDirUnset)?,
        };
        let path = out_dir.join(self.output_name());
        let generate_error = |source| Error::Generate {
            input: self.input.clone(),
            source,
        };
        let loaded = crate::load_with(&self.input, &self.options).map_err(generate_error)?;
        for warning in &loaded.warnings {
            println!("cargo:warning={}", one_line(&warning.to_string()));
        }
        let device = crate::select::only(loaded.device, &self.only).map_err(generate_error)?;
        let input_name = self.input.to_string_lossy().replace('\\', "/");
        let code = crate::generate_with(&device, &input_name, self.options.clone())
            .map_err(generate_error)?;
        let unchanged = std::fs::read(&path).is_ok_and(|bytes| bytes == code.as_bytes());
        if !unchanged {
            std::fs::write(&path, code).map_err(|source| Error::Write {
                path: path.clone(),
                source,
            })?;
        }
        Ok(Generated {
            path,
            warnings: loaded.warnings,
        })
    }

    fn output_name(&self) -> PathBuf {
        match &self.output {
            Some(name) => name.clone(),
            None => {
                let stem = self
                    .input
                    .file_stem()
                    .unwrap_or_else(|| Path::new("registers").as_os_str());
                PathBuf::from(stem).with_extension("rs")
            }
        }
    }
}

/// Cargo reads one directive per line; a newline inside a message would end it.
fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_defaults_to_the_input_stem() {
        assert_eq!(
            Builder::new("regs/soc.svd").output_name(),
            Path::new("soc.rs")
        );
        assert_eq!(
            Builder::new("qemu-edu.yaml").output_name(),
            Path::new("qemu-edu.rs")
        );
        assert_eq!(
            Builder::new("regs/soc.svd").output("chip.rs").output_name(),
            Path::new("chip.rs")
        );
    }

    #[test]
    fn only_collects_names() {
        let builder = Builder::new("soc.svd").only(["GPIO", "UART0"]);
        assert_eq!(builder.only, ["GPIO", "UART0"]);
    }

    #[test]
    fn dma_registers_collects_paths() {
        let builder = Builder::new("soc.svd").dma_registers(["EDU.DMA_SOURCE", "DMA.CH%s.SRC"]);
        assert_eq!(
            builder.options.dma_registers,
            ["EDU.DMA_SOURCE", "DMA.CH%s.SRC"]
        );
    }

    #[test]
    fn unknown_dma_register_is_a_typed_error() {
        let directory = scratch_directory("unknown-dma");
        let error = Builder::new(ARM_SAMPLE)
            .dma_registers(["TIMER0.CRR"])
            .out_dir(&directory)
            .generate()
            .unwrap_err();
        assert!(
            matches!(&error, Error::Generate { source: crate::Error::UnknownRegister { path, suggestions }, .. }
                if path == "TIMER0.CRR" && suggestions.first().is_some_and(|s| s == "TIMER0.CR")),
            "{error:?}"
        );
        assert!(!directory.join("ARM_Sample.rs").exists());
        std::fs::remove_dir_all(&directory).unwrap();
    }

    #[test]
    fn deny_warnings_turns_a_repair_into_a_failed_build() {
        let directory = scratch_directory("deny");
        let input = directory.join("odd.yaml");
        std::fs::write(
            &input,
            "device: d\nperipherals:\n  - name: P\n    base: 0\n    registers:\n      \
             - { name: A, offset: 0 }\n      - { name: B, offset: 2 }\n",
        )
        .unwrap();
        let lenient = Builder::new(&input).out_dir(&directory).generate().unwrap();
        assert_eq!(lenient.warnings.len(), 1, "{:?}", lenient.warnings);
        assert!(
            lenient.warnings[0]
                .message
                .ends_with("the register is left out")
        );
        std::fs::remove_file(&lenient.path).unwrap();
        let error = Builder::new(&input)
            .deny_warnings(true)
            .out_dir(&directory)
            .generate()
            .unwrap_err();
        assert!(
            matches!(&error, Error::Generate { source: crate::Error::WarningsDenied(found), .. }
                if found.0 == lenient.warnings),
            "{error:?}"
        );
        assert!(!lenient.path.exists());
        std::fs::remove_dir_all(&directory).unwrap();
    }

    #[test]
    fn missing_input_is_a_typed_error() {
        let directory = std::env::temp_dir();
        let error = Builder::new("does/not/exist.svd")
            .out_dir(&directory)
            .generate()
            .unwrap_err();
        assert!(
            matches!(
                &error,
                Error::Generate {
                    source: crate::Error::Read { .. },
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .starts_with("cannot generate from `does/not/exist.svd`: cannot read"),
            "{error}"
        );
    }

    /// A fresh, empty directory for one test's output.
    fn scratch_directory(name: &str) -> PathBuf {
        let directory =
            std::env::temp_dir().join(format!("mmreg-builder-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&directory);
        std::fs::create_dir_all(&directory).unwrap();
        directory
    }

    const ARM_SAMPLE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/svd-corpus/ARM_Sample.svd"
    );

    #[test]
    fn generates_the_subset_with_its_bases_into_the_output_directory() {
        let directory = scratch_directory("subset");
        let generated = Builder::new(ARM_SAMPLE)
            .only(["timer1"])
            .output("arm.rs")
            .out_dir(&directory)
            .generate()
            .unwrap();
        assert_eq!(generated.path, directory.join("arm.rs"));
        let code = std::fs::read_to_string(&generated.path).unwrap();
        assert!(
            code.starts_with("// @generated by mmreg-codegen from `ARM_Sample.svd`"),
            "{}",
            &code[..80]
        );
        // TIMER1 derives from TIMER0, so both come; TIMER2 does not.
        assert!(code.contains("pub mod timer0 {"));
        assert!(code.contains("pub mod timer1 {"));
        assert!(!code.contains("pub mod timer2 {"));
        // The sample declares PRESCALE_RD/PRESCALE_WR at one offset without
        // marking them alternates: a warning, passed on to Cargo.
        assert!(
            generated
                .warnings
                .iter()
                .any(|warning| warning.path.contains("PRESCALE")),
            "{:?}",
            generated.warnings
        );

        // Unchanged output is not rewritten, so Cargo does not rebuild the includer.
        let written = std::fs::metadata(&generated.path)
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        Builder::new(ARM_SAMPLE)
            .only(["timer1"])
            .output("arm.rs")
            .out_dir(&directory)
            .generate()
            .unwrap();
        assert_eq!(
            std::fs::metadata(&generated.path)
                .unwrap()
                .modified()
                .unwrap(),
            written
        );
        std::fs::remove_dir_all(&directory).unwrap();
    }

    #[test]
    fn unknown_peripheral_is_a_typed_error_with_suggestions() {
        let directory = scratch_directory("unknown");
        let error = Builder::new(ARM_SAMPLE)
            .only(["TIMER"])
            .out_dir(&directory)
            .generate()
            .unwrap_err();
        assert!(
            matches!(&error, Error::Generate { source: crate::Error::UnknownPeripheral { suggestions, .. }, .. }
                if suggestions == &["TIMER0", "TIMER1", "TIMER2"]),
            "{error:?}"
        );
        assert!(!directory.join("ARM_Sample.rs").exists());
        std::fs::remove_dir_all(&directory).unwrap();
    }

    #[test]
    fn warnings_become_single_lines() {
        assert_eq!(one_line("a\nb\r\nc"), "a b  c");
    }
}
