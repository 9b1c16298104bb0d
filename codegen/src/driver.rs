//! What a generator command does with one description: load it, keep a
//! subset, and write a module file, a standalone crate or the model as YAML.
//!
//! `cargo xtask codegen INPUT ...` and `mmreg gen INPUT ...` are both thin
//! argument parsers around [`run`], so the two commands cannot drift apart.
//!
//! ```no_run
//! use mmreg_codegen::driver::{Destination, Request, run};
//! let request = Request::new("svd/hpet.yaml", Destination::Module("hpet.rs".into()));
//! let outcome = run(&request, &mut |warning| eprintln!("{warning}"))?;
//! eprintln!("wrote {}", outcome.written.display());
//! # Ok::<(), mmreg_codegen::driver::Error>(())
//! ```

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;

/// Everything that can stop a generator command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Loading, the subset or generation failed; for invalid input the
    /// source lists every diagnostic.
    #[error("cannot generate from `{input}`: {source}")]
    Generate {
        /// The description.
        input: PathBuf,
        /// The cause.
        source: crate::Error,
    },
    /// A directory or file could not be written.
    #[error("cannot write `{path}`: {source}")]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl Error {
    /// The diagnostics of an invalid description, or the warnings of one
    /// whose warnings are denied, when that is the cause.
    pub fn diagnostics(&self) -> Option<&[Diagnostic]> {
        match self {
            Error::Generate {
                source:
                    crate::Error::Invalid(diagnostics) | crate::Error::WarningsDenied(diagnostics),
                ..
            } => Some(&diagnostics.0),
            _ => None,
        }
    }
}

/// What to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// One formatted module file.
    Module(PathBuf),
    /// A standalone crate (`Cargo.toml`, `src/lib.rs`) in this directory,
    /// named after the input's file stem ([`crate_name`]).
    Crate(PathBuf),
    /// The model (after the subset) as YAML in mmreg's schema.
    Yaml(PathBuf),
}

/// Where a generated crate finds the runtime crate `mmreg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// A path dependency on this directory (a checkout's `runtime/`).
    Path(PathBuf),
    /// A registry dependency on this version requirement.
    Version(String),
}

/// One generator command: the description, what to write, and how.
#[derive(Debug, Clone)]
pub struct Request {
    /// The description (`.svd`/`.xml` or `.yaml`/`.yml`).
    pub input: PathBuf,
    /// What to write.
    pub destination: Destination,
    /// Peripherals to keep (case-insensitive) with those they derive from;
    /// empty keeps all.
    pub only: Vec<String>,
    /// Generator options (sharing, arrays, DMA registers, denying warnings).
    pub options: crate::Options,
    /// A directory the `@generated` header names the input relative to
    /// (the workspace root for `cargo xtask codegen`); an absolute input
    /// outside it is named by its file name, so output bytes never depend on
    /// where a checkout lives.
    pub relative_to: Option<PathBuf>,
    /// The command named in a generated crate's comments.
    pub tool: String,
    /// The runtime dependency of a generated crate.
    pub runtime: RuntimeDependency,
}

impl Request {
    /// A request with default options, no subset, the
    /// runtime as a registry dependency of this version.
    pub fn new(input: impl Into<PathBuf>, destination: Destination) -> Self {
        Request {
            input: input.into(),
            destination,
            only: Vec::new(),
            options: crate::Options::default(),
            relative_to: None,
            tool: "mmreg gen".to_string(),
            runtime: RuntimeDependency::Version(env!("CARGO_PKG_VERSION").to_string()),
        }
    }
}

/// What [`run`] wrote.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The file written (for a crate, its directory).
    pub written: PathBuf,
    /// The crate's package name, for [`Destination::Crate`].
    pub crate_name: Option<String>,
    /// How many warnings the description raised.
    pub warnings: usize,
}

/// Loads, subsets and writes as `request` says; every warning is passed to
/// `warn` as soon as loading has found it (also when a later step fails).
/// Under [`crate::Options::deny_warnings`] warnings are an error instead
/// (their diagnostics in [`Error::diagnostics`]) and nothing is written.
pub fn run(request: &Request, warn: &mut dyn FnMut(&Diagnostic)) -> Result<Outcome, Error> {
    let input = &request.input;
    let generate_error = |source| Error::Generate {
        input: input.clone(),
        source,
    };
    let loaded = crate::load_with(input, &request.options).map_err(generate_error)?;
    for warning in &loaded.warnings {
        warn(warning);
    }
    let warnings = loaded.warnings.len();
    let device = crate::select::only(loaded.device, &request.only).map_err(generate_error)?;
    let name = input_name(input, request.relative_to.as_deref());
    let generate =
        || crate::generate_with(&device, &name, request.options.clone()).map_err(generate_error);
    let (written, crate_name) = match &request.destination {
        Destination::Yaml(output) => {
            let yaml = crate::yaml::export(&device).map_err(generate_error)?;
            write_file(output, &yaml)?;
            (output.clone(), None)
        }
        Destination::Module(output) => {
            write_file(output, &generate()?)?;
            (output.clone(), None)
        }
        Destination::Crate(directory) => {
            let code = generate()?;
            let package = crate_name(input);
            write_file(
                &directory.join("Cargo.toml"),
                &crate_manifest(&package, &name, &request.tool, &request.runtime),
            )?;
            write_file(
                &directory.join("src").join("lib.rs"),
                &crate_root(input, &request.tool, &code),
            )?;
            (directory.clone(), Some(package))
        }
    };
    Ok(Outcome {
        written,
        crate_name,
        warnings,
    })
}

/// The name the `@generated` header gives the input: as the user typed it
/// when relative, relative to `relative_to` when inside it, otherwise the
/// file name.
pub fn input_name(input: &Path, relative_to: Option<&Path>) -> String {
    let name = if input.is_relative() {
        input.to_path_buf()
    } else if let Some(inside) = relative_to.and_then(|root| input.strip_prefix(root).ok()) {
        inside.to_path_buf()
    } else {
        input
            .file_name()
            .map(PathBuf::from)
            .unwrap_or_else(|| input.to_path_buf())
    };
    name.to_string_lossy().replace('\\', "/")
}

/// Writes `contents` to `path`, creating its directory.
fn write_file(path: &Path, contents: &str) -> Result<(), Error> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|source| Error::Write {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(path, contents).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// The crate's `lib.rs`: a crate doc line, then the generated module as is.
fn crate_root(input: &Path, tool: &str, code: &str) -> String {
    let file_name = input
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("//! Register blocks for `{file_name}`, generated by `{tool}`.\n\n{code}")
}

/// The standalone crate's `Cargo.toml`. Its own `[workspace]` table lets the
/// directory sit anywhere, even inside another workspace.
pub fn crate_manifest(
    name: &str,
    input_name: &str,
    tool: &str,
    runtime: &RuntimeDependency,
) -> String {
    let dependency = match runtime {
        RuntimeDependency::Path(path) => {
            format!("{{ path = \"{}\" }}", toml_escape(&path.to_string_lossy()))
        }
        RuntimeDependency::Version(version) => format!("\"{}\"", toml_escape(version)),
    };
    format!(
        "# @generated by `{tool}` from `{input_name}`.\n\
         [package]\n\
         name = \"{name}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2024\"\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         mmreg = {dependency}\n\
         \n\
         [workspace]\n"
    )
}

/// Escapes a string for a TOML basic string.
fn toml_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// A valid Cargo package name from the input's file stem: lower case, only
/// letters, digits, `-` and `_`, starting with a letter, not a name Cargo
/// reserves, and not the name of a crate the generated crate depends on
/// (`mmreg.yaml` gives `mmreg-registers`, not a second `mmreg`).
pub fn crate_name(input: &Path) -> String {
    let stem = input
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    name = name.trim_matches(['-', '_']).to_string();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name = format!("device-{name}").trim_end_matches('-').to_string();
    }
    // Cargo refuses the names of the standard crates and of the test harness.
    const RESERVED: &[&str] = &[
        "alloc",
        "core",
        "std",
        "test",
        "proc_macro",
        "proc-macro",
        "build",
    ];
    // The generated crate's dependency and the runtime's own: a package of
    // the same name (Cargo treats `-` and `_` alike) cannot depend on it.
    const DEPENDENCIES: &[&str] = &["mmreg", "mmreg-codegen", "libc"];
    let normalised = name.replace('_', "-");
    if RESERVED.contains(&name.as_str()) || DEPENDENCIES.contains(&normalised.as_str()) {
        name.push_str("-registers");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_are_valid_package_names() {
        assert_eq!(crate_name(Path::new("/x/STM32F407.svd")), "stm32f407");
        assert_eq!(crate_name(Path::new("nrf54l15-app.svd")), "nrf54l15-app");
        assert_eq!(crate_name(Path::new("bcm2711_lpa.svd")), "bcm2711_lpa");
        assert_eq!(crate_name(Path::new("ARM_Sample.svd")), "arm_sample");
        assert_eq!(crate_name(Path::new("my chip.v2.yaml")), "my-chip-v2");
        assert_eq!(crate_name(Path::new("2711.svd")), "device-2711");
        assert_eq!(crate_name(Path::new("test.yaml")), "test-registers");
        assert_eq!(crate_name(Path::new("---.svd")), "device");
    }

    #[test]
    fn crate_names_never_collide_with_the_dependencies() {
        // Issue 13: `mmreg.yaml` made a crate `mmreg` depending on `mmreg`.
        assert_eq!(crate_name(Path::new("mmreg.yaml")), "mmreg-registers");
        assert_eq!(crate_name(Path::new("MMREG.svd")), "mmreg-registers");
        assert_eq!(
            crate_name(Path::new("mmreg_codegen.svd")),
            "mmreg_codegen-registers"
        );
        assert_eq!(crate_name(Path::new("libc.yaml")), "libc-registers");
        assert_eq!(crate_name(Path::new("mmreg2.yaml")), "mmreg2");
    }

    #[test]
    fn crate_manifest_depends_on_the_runtime_and_is_its_own_workspace() {
        let runtime = RuntimeDependency::Path(PathBuf::from("/work/main/runtime"));
        let text = crate_manifest("edu", "svd/qemu-edu.yaml", "cargo xtask codegen", &runtime);
        assert!(text.contains("name = \"edu\"\n"), "{text}");
        assert!(text.contains("edition = \"2024\"\n"), "{text}");
        assert!(
            text.contains("mmreg = { path = \"/work/main/runtime\" }\n"),
            "{text}"
        );
        assert!(text.ends_with("[workspace]\n"), "{text}");
        assert!(
            text.starts_with("# @generated by `cargo xtask codegen` from `svd/qemu-edu.yaml`.\n"),
            "{text}"
        );
        let registry = RuntimeDependency::Version("0.1.0".into());
        let text = crate_manifest("edu", "edu.yaml", "mmreg gen", &registry);
        assert!(text.contains("mmreg = \"0.1.0\"\n"), "{text}");
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml_escape(r#"C:\a "b""#), r#"C:\\a \"b\""#);
    }

    #[test]
    fn input_names_never_carry_the_checkout_location() {
        let root = Path::new("/work/main");
        assert_eq!(
            input_name(Path::new("svd/qemu-edu.yaml"), Some(root)),
            "svd/qemu-edu.yaml"
        );
        assert_eq!(
            input_name(&root.join("svd/hpet.yaml"), Some(root)),
            "svd/hpet.yaml"
        );
        assert_eq!(
            input_name(Path::new("/elsewhere/chips/soc.svd"), Some(root)),
            "soc.svd"
        );
        assert_eq!(input_name(Path::new("/a/soc.svd"), None), "soc.svd");
    }

    const HPET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../svd/hpet.yaml");

    fn scratch(name: &str) -> PathBuf {
        let directory =
            std::env::temp_dir().join(format!("mmreg-driver-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&directory);
        directory
    }

    #[test]
    fn writes_a_module_a_crate_and_yaml() {
        let directory = scratch("all");
        let module = directory.join("out/hpet.rs");
        let outcome = run(
            &Request::new(HPET, Destination::Module(module.clone())),
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(outcome.written, module);
        let code = std::fs::read_to_string(&module).unwrap();
        assert!(
            code.starts_with("// @generated by mmreg-codegen from `hpet.yaml`"),
            "{}",
            &code[..80]
        );

        let crate_dir = directory.join("crate");
        let outcome = run(
            &Request::new(HPET, Destination::Crate(crate_dir.clone())),
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(outcome.crate_name.as_deref(), Some("hpet"));
        let lib = std::fs::read_to_string(crate_dir.join("src/lib.rs")).unwrap();
        assert!(
            lib.starts_with("//! Register blocks for `hpet.yaml`, generated by `mmreg gen`.\n\n")
        );
        assert!(lib.ends_with(&code), "the crate root is the module as is");

        let yaml = directory.join("hpet.yaml");
        run(
            &Request::new(HPET, Destination::Yaml(yaml.clone())),
            &mut |_| {},
        )
        .unwrap();
        let text = std::fs::read_to_string(&yaml).unwrap();
        assert!(text.contains("name: HPET"), "{text}");
        std::fs::remove_dir_all(&directory).unwrap();
    }

    #[test]
    fn warnings_reach_the_sink_and_can_be_denied() {
        let directory = scratch("deny");
        std::fs::create_dir_all(&directory).unwrap();
        let input = directory.join("wide.yaml");
        std::fs::write(
            &input,
            "device: d\nperipherals:\n  - name: P\n    base: 0\n    registers:\n      - name: R\n        offset: 0\n        reset: 0x1ffffffff\n",
        )
        .unwrap();
        let output = directory.join("wide.rs");
        let mut request = Request::new(&input, Destination::Module(output.clone()));
        let mut seen = Vec::new();
        let outcome = run(&request, &mut |w| seen.push(w.to_string())).unwrap();
        assert!(
            outcome.warnings > 0 && seen.len() == outcome.warnings,
            "{seen:?}"
        );
        std::fs::remove_file(&output).unwrap();
        request.options.deny_warnings = true;
        let error = run(&request, &mut |_| {}).unwrap_err();
        assert!(
            matches!(&error, Error::Generate { source: crate::Error::WarningsDenied(d), .. } if d.0.len() == seen.len()),
            "{error}"
        );
        assert_eq!(error.diagnostics().map(<[_]>::len), Some(seen.len()));
        assert!(
            !output.exists(),
            "nothing is written when warnings are denied"
        );
        std::fs::remove_dir_all(&directory).unwrap();
    }

    #[test]
    fn an_unknown_peripheral_is_a_typed_error() {
        let mut request = Request::new(HPET, Destination::Module(scratch("x").join("x.rs")));
        request.only = vec!["HPT".into()];
        let error = run(&request, &mut |_| {}).unwrap_err();
        assert!(
            matches!(&error, Error::Generate { source: crate::Error::UnknownPeripheral { suggestions, .. }, .. }
                if suggestions == &["HPET"]),
            "{error:?}"
        );
    }
}
