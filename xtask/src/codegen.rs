//! `cargo xtask codegen`: generate from one description, or refresh / check
//! the checked-in generated files listed in `codegen.toml`. Generating from
//! one description is [`mmreg_codegen::driver`], shared with `mmreg gen`;
//! this file only parses arguments.
//!
//! ```text
//! cargo xtask codegen INPUT -o OUT.rs [--only A,B]      one module file
//! cargo xtask codegen INPUT --crate DIR [--only A,B]    a standalone crate
//! cargo xtask codegen INPUT --emit-yaml OUT.yaml         the model as YAML
//!     [--no-share] [--no-arrays]                        turn sharing / array inference off
//!     [--dma P.REG,...]                                 registers whose writes are unsafe (DMA)
//!     [--param NAME=VALUE]...                           IP-XACT parameter values
//!     [--format svd|ipxact|yaml]                        override format detection
//!     [--deny-warnings]                                 fail on any warning
//! cargo xtask codegen                                   rewrite every file in codegen.toml
//! cargo xtask codegen --check                           fail naming each stale file
//! ```

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::ArgGroup;
use mmreg_codegen::Diagnostic;
use mmreg_codegen::driver::{self, Destination, Request, RuntimeDependency};
use mmreg_codegen::manifest;

use crate::util;

/// Options.
#[derive(clap::Args)]
#[command(group(ArgGroup::new("destination").args(["output", "crate_dir", "emit_yaml"])))]
pub struct Args {
    /// The description (`.svd`/`.xml` SVD or IP-XACT, or `.yaml`/`.yml`). Without it, every
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
    /// Give an IP-XACT parameter a value, replacing the declared one: NAME
    /// is its name or `parameterId`, VALUE a constant (`32`, `'h40`,
    /// `0x1000`). Repeat for more.
    #[arg(long, value_name = "NAME=VALUE", value_parser = mmreg_codegen::parse_param, requires = "input")]
    param: Vec<(String, String)>,
    /// Read the input as this format (`svd`, `ipxact` or `yaml`) instead of
    /// choosing by extension and, for `.xml`, by the root element's namespace.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format, requires = "input")]
    format: Option<mmreg_codegen::Format>,
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
    let destination = if let Some(output) = &args.emit_yaml {
        Destination::Yaml(output.clone())
    } else if let Some(output) = &args.output {
        Destination::Module(output.clone())
    } else if let Some(directory) = &args.crate_dir {
        Destination::Crate(directory.clone())
    } else {
        bail!("give `-o`, `--crate` or `--emit-yaml`");
    };
    let root = util::workspace_root();
    let runtime = root.join("runtime");
    let runtime = runtime
        .canonicalize()
        .with_context(|| format!("cannot find the runtime crate at `{}`", runtime.display()))?;
    let request = Request {
        only: args.only.clone(),
        options: mmreg_codegen::Options {
            share_types: !args.no_share,
            infer_arrays: !args.no_arrays,
            dma_registers: args.dma.clone(),
            params: args.param.clone(),
            format: args.format,
            deny_warnings: args.deny_warnings,
        },
        relative_to: Some(root),
        tool: "cargo xtask codegen".to_string(),
        runtime: RuntimeDependency::Path(runtime),
        ..Request::new(input, destination)
    };
    let outcome = driver::run(&request, &mut |warning| eprintln!("{warning}"))
        .or_else(|error| driver_failure(input, error))?;
    match outcome.crate_name {
        Some(name) => eprintln!("wrote crate `{name}` in {}", outcome.written.display()),
        None => eprintln!("wrote {}", outcome.written.display()),
    }
    Ok(())
}

/// `--format`'s value.
fn parse_format(text: &str) -> Result<mmreg_codegen::Format, String> {
    text.parse()
}

/// Turns a driver error into the job's failure; invalid input prints every
/// diagnostic first, one per line, so the final message can stay short.
fn driver_failure<T>(input: &Path, error: driver::Error) -> anyhow::Result<T> {
    match error {
        driver::Error::Generate { source, .. } => report(input, source),
        other => Err(other.into()),
    }
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
        assert!(
            Cli::try_parse_from(["codegen", "c.xml", "-o", "c.rs", "--param", "WIDTH=16"])
                .is_ok_and(|cli| cli.args.param == [("WIDTH".to_string(), "16".to_string())])
        );
        assert!(
            Cli::try_parse_from(["codegen", "c.xml", "-o", "c.rs", "--param", "WIDTH"]).is_err()
        );
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
