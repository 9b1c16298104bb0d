//! `cargo xtask codegen`: generate from one description, or refresh / check
//! the checked-in generated files listed in `codegen.toml`.
//!
//! ```text
//! cargo xtask codegen INPUT -o OUT.rs [--only A,B]      one module file
//! cargo xtask codegen INPUT --crate DIR [--only A,B]    a standalone crate
//! cargo xtask codegen INPUT --emit-yaml OUT.yaml         the model as YAML
//!     [--no-share] [--no-arrays]                        turn sharing / array inference off
//!     [--dma P.REG,...]                                 registers whose writes are unsafe (DMA)
//! cargo xtask codegen                                   rewrite every file in codegen.toml
//! cargo xtask codegen --check                           fail naming each stale file
//! ```

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::ArgGroup;
use mmreg_codegen::Diagnostic;
use mmreg_codegen::manifest;

use crate::util;

/// Options.
#[derive(clap::Args)]
#[command(group(ArgGroup::new("destination").args(["output", "crate_dir", "emit_yaml"])))]
pub struct Args {
    /// The description (`.svd`/`.xml` or `.yaml`/`.yml`). Without it, every
    /// file listed in `codegen.toml` is regenerated.
    #[arg(requires = "destination")]
    input: Option<PathBuf>,
    /// Write the generated module to this file.
    #[arg(short, long, value_name = "OUT.rs", requires = "input")]
    output: Option<PathBuf>,
    /// Write a standalone crate, named after the input's file stem, into DIR.
    #[arg(long = "crate", value_name = "DIR", requires = "input")]
    crate_dir: Option<PathBuf>,
    /// Write the description (after `--only`) as YAML in mmreg's schema, for
    /// example to turn an SVD file into an editable YAML one.
    #[arg(long, value_name = "OUT.yaml", requires = "input")]
    emit_yaml: Option<PathBuf>,
    /// Keep only these peripherals (comma-separated, case-insensitive) and
    /// those they derive from.
    #[arg(long, value_name = "A,B", value_delimiter = ',', requires = "input")]
    only: Vec<String>,
    /// Mark these registers DMA-capable, so their `write` and `modify` are
    /// `unsafe fn`: `PERIPHERAL.REGISTER` or `PERIPHERAL.CLUSTER.REGISTER`
    /// (case-insensitive; array placeholders like `CH%s` may be left out).
    /// Repeat the flag or separate paths with commas.
    #[arg(long, value_name = "PATH", value_delimiter = ',', requires = "input")]
    dma: Vec<String>,
    /// Emit every block, cluster, fieldset and enum where it is declared,
    /// even when an identical one exists (shows what sharing saves).
    #[arg(long, requires = "input")]
    no_share: bool,
    /// Keep numbered registers, clusters and fields as written instead of
    /// turning them into arrays.
    #[arg(long, requires = "input")]
    no_arrays: bool,
    /// Refuse input that draws any warning, instead of leaving out what is
    /// defective and generating the rest.
    #[arg(long, requires = "input")]
    deny_warnings: bool,
    /// Regenerate the files in `codegen.toml` in memory and fail naming each
    /// one that is stale.
    #[arg(long, conflicts_with = "input")]
    check: bool,
}

/// Runs the job.
pub fn run(args: Args) -> anyhow::Result<()> {
    let Some(input) = &args.input else {
        return if args.check {
            check_manifest()
        } else {
            regenerate_manifest()
        };
    };
    let device = load(input, &args)?;
    if let Some(output) = &args.emit_yaml {
        let yaml = mmreg_codegen::yaml::export(&device).or_else(|error| report(input, error))?;
        write_file(output, &yaml)?;
        eprintln!("wrote {}", output.display());
    } else if let Some(output) = &args.output {
        write_file(output, &generate(&device, input, &args)?)?;
        eprintln!("wrote {}", output.display());
    } else if let Some(directory) = &args.crate_dir {
        write_crate(directory, input, &generate(&device, input, &args)?)?;
        eprintln!(
            "wrote crate `{}` in {}",
            crate_name(input),
            directory.display()
        );
    }
    Ok(())
}

/// Loads and validates `input` (marking the `--dma` registers) and applies
/// the subset, printing warnings.
fn load(input: &Path, args: &Args) -> anyhow::Result<mmreg_codegen::Validated> {
    let loaded =
        mmreg_codegen::load_with(input, &options(args)).or_else(|error| report(input, error))?;
    print_diagnostics(&loaded.warnings);
    mmreg_codegen::select::only(loaded.device, &args.only).or_else(|error| report(input, error))
}

/// The generator options the flags ask for.
fn options(args: &Args) -> mmreg_codegen::Options {
    mmreg_codegen::Options {
        share_types: !args.no_share,
        infer_arrays: !args.no_arrays,
        dma_registers: args.dma.clone(),
        deny_warnings: args.deny_warnings,
    }
}

fn generate(
    device: &mmreg_codegen::Validated,
    input: &Path,
    args: &Args,
) -> anyhow::Result<String> {
    mmreg_codegen::generate_with(device, &input_name(input), options(args))
        .or_else(|error| report(input, error))
}

/// Turns a library error into the job's failure; invalid input prints every
/// diagnostic first, one per line, so the final message can stay short.
fn report<T>(input: &Path, error: mmreg_codegen::Error) -> anyhow::Result<T> {
    if let mmreg_codegen::Error::Invalid(diagnostics) = &error {
        print_diagnostics(&diagnostics.0);
        let errors = diagnostics
            .0
            .iter()
            .filter(|diagnostic| diagnostic.is_error())
            .count();
        bail!(
            "`{}` has {errors} error(s); nothing was generated",
            input.display()
        );
    }
    if let mmreg_codegen::Error::WarningsDenied(diagnostics) = &error {
        print_diagnostics(&diagnostics.0);
        bail!(
            "`{}` has {} warning(s) and `--deny-warnings` is on; nothing was generated",
            input.display(),
            diagnostics.0.len()
        );
    }
    Err(anyhow::Error::new(error).context(format!("cannot generate from `{}`", input.display())))
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("{diagnostic}");
    }
}

/// The name the `@generated` header gives the input: as the user typed it
/// when relative, relative to the workspace when inside it, otherwise the file
/// name, so output bytes never depend on where the checkout lives.
fn input_name(input: &Path) -> String {
    let name = if input.is_relative() {
        input.to_path_buf()
    } else if let Ok(inside) = input.strip_prefix(util::workspace_root()) {
        inside.to_path_buf()
    } else {
        input
            .file_name()
            .map(PathBuf::from)
            .unwrap_or_else(|| input.to_path_buf())
    };
    name.to_string_lossy().replace('\\', "/")
}

fn write_file(path: &Path, contents: &str) -> anyhow::Result<()> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create `{}`", parent.display()))?;
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write `{}`", path.display()))
}

/// Writes `DIR/Cargo.toml` and `DIR/src/lib.rs` (the generated module).
fn write_crate(directory: &Path, input: &Path, code: &str) -> anyhow::Result<()> {
    let runtime = util::workspace_root().join("runtime");
    let runtime = runtime
        .canonicalize()
        .with_context(|| format!("cannot find the runtime crate at `{}`", runtime.display()))?;
    write_file(
        &directory.join("Cargo.toml"),
        &crate_manifest(&crate_name(input), &input_name(input), &runtime),
    )?;
    write_file(
        &directory.join("src").join("lib.rs"),
        &crate_root(input, code),
    )
}

/// The crate's `lib.rs`: a crate doc line, then the generated module as is.
fn crate_root(input: &Path, code: &str) -> String {
    let file_name = input
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("//! Register blocks for `{file_name}`, generated by `cargo xtask codegen`.\n\n{code}")
}

/// The standalone crate's `Cargo.toml`. Its own `[workspace]` table lets DIR
/// sit anywhere, even inside another workspace.
fn crate_manifest(name: &str, input_name: &str, runtime: &Path) -> String {
    format!(
        "# @generated by `cargo xtask codegen` from `{input_name}`.\n\
         [package]\n\
         name = \"{name}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2024\"\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         mmreg = {{ path = \"{}\" }}\n\
         \n\
         [workspace]\n",
        toml_escape(&runtime.to_string_lossy())
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
fn crate_name(input: &Path) -> String {
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

fn regenerate_manifest() -> anyhow::Result<()> {
    let root = util::workspace_root();
    let report = manifest::regenerate(&root).or_else(manifest_failure)?;
    if report.is_empty() {
        eprintln!("{} lists no generated files", manifest::FILE_NAME);
    }
    for file in &report {
        print_diagnostics(&file.warnings);
        let status = if file.changed { "wrote" } else { "unchanged" };
        eprintln!(
            "{status} {} (from {})",
            file.entry.output.display(),
            file.entry.input.display()
        );
    }
    Ok(())
}

fn check_manifest() -> anyhow::Result<()> {
    let root = util::workspace_root();
    let stale = manifest::check(&root).or_else(manifest_failure)?;
    for file in &stale {
        eprintln!("{file}");
    }
    if !stale.is_empty() {
        bail!(
            "{} generated file(s) are stale; run `cargo xtask codegen`",
            stale.len()
        );
    }
    eprintln!(
        "generated files listed in {} are fresh",
        manifest::FILE_NAME
    );
    Ok(())
}

/// Like [`report`] for a manifest entry: diagnostics one per line, then a
/// short failure naming the entry.
fn manifest_failure<T>(error: manifest::Error) -> anyhow::Result<T> {
    if let manifest::Error::Generate { input, source, .. } = error {
        return report(&input, source);
    }
    Err(error.into())
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
        let text = crate_manifest("edu", "svd/qemu-edu.yaml", Path::new("/work/main/runtime"));
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
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml_escape(r#"C:\a "b""#), r#"C:\\a \"b\""#);
    }

    #[test]
    fn input_names_never_carry_the_checkout_location() {
        assert_eq!(
            input_name(Path::new("svd/qemu-edu.yaml")),
            "svd/qemu-edu.yaml"
        );
        assert_eq!(
            input_name(&util::workspace_root().join("svd/hpet.yaml")),
            "svd/hpet.yaml"
        );
        assert_eq!(input_name(Path::new("/elsewhere/chips/soc.svd")), "soc.svd");
    }

    #[test]
    fn destinations_are_exclusive_and_need_an_input() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            args: Args,
        }
        assert!(Cli::try_parse_from(["codegen", "a.svd", "-o", "a.rs"]).is_ok());
        assert!(
            Cli::try_parse_from(["codegen", "a.svd", "--crate", "dir", "--only", "A,b"])
                .is_ok_and(|cli| cli.args.only == ["A", "b"])
        );
        assert!(
            Cli::try_parse_from([
                "codegen",
                "a.svd",
                "-o",
                "a.rs",
                "--dma",
                "EDU.DMA_SOURCE,EDU.DMA_COUNT",
                "--dma",
                "DMA.CH%s.SRC"
            ])
            .is_ok_and(|cli| cli.args.dma == ["EDU.DMA_SOURCE", "EDU.DMA_COUNT", "DMA.CH%s.SRC"])
        );
        assert!(Cli::try_parse_from(["codegen", "--dma", "EDU.DMA_SOURCE"]).is_err());
        assert!(Cli::try_parse_from(["codegen", "a.svd", "-o", "a.rs", "--crate", "dir"]).is_err());
        assert!(Cli::try_parse_from(["codegen", "a.svd", "--emit-yaml", "a.yaml"]).is_ok());
        assert!(
            Cli::try_parse_from(["codegen", "a.svd", "--emit-yaml", "a.yaml", "-o", "a.rs"])
                .is_err()
        );
        assert!(Cli::try_parse_from(["codegen", "a.svd"]).is_err());
        assert!(Cli::try_parse_from(["codegen", "-o", "a.rs"]).is_err());
        assert!(Cli::try_parse_from(["codegen", "--check"]).is_ok_and(|cli| cli.args.check));
        assert!(Cli::try_parse_from(["codegen", "a.svd", "-o", "a.rs", "--check"]).is_err());
        assert!(Cli::try_parse_from(["codegen"]).is_ok());
    }
}
