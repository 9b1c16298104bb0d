//! `mmreg`: registers by name from a shell. See `mmreg --help` and the
//! README's "The mmreg command".

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{ArgGroup, Args, Parser, Subcommand};
use mmreg_cli::commands::{self, Output};
use mmreg_cli::error::exit;
use mmreg_cli::memory::{self, Options, Source};
use mmreg_cli::model::{Cache, Description, Reading};
use mmreg_cli::{Error, doctor};
use mmreg_codegen::driver::{self, Destination, Request, RuntimeDependency};

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  a mapping, an access or a file failed; doctor found a blocker
  2  bad arguments
  3  the description cannot be read or is invalid (or has warnings with --deny-warnings)
  4  a name matches nothing, or a value does not fit its field
  5  refused: a read side effect, a write-only read, a read-only write (some yield to --force)";

#[derive(Parser)]
#[command(name = "mmreg", version, about = "Registers by name from a shell: read, write, list, dump, watch; generate code; explain mappings", after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate Rust code from a description (as `cargo xtask codegen`).
    Gen(GenArgs),
    /// Read a register (every field decoded) or one field.
    Read {
        #[command(flatten)]
        common: Common,
        /// `PERIPHERAL.REGISTER` or `PERIPHERAL.REGISTER.FIELD` (ignoring
        /// case; arrays as `DMA.CH[3].CTRL`).
        path: String,
        /// Read even if the read has a side effect or the register is write-only.
        #[arg(long)]
        force: bool,
    },
    /// Write a register (a raw value), or fields by name (read-modify-write).
    Write {
        #[command(flatten)]
        common: Common,
        /// `PERIPHERAL.REGISTER` (or `PERIPHERAL.REGISTER.FIELD` and one value).
        path: String,
        /// A raw value, or `FIELD=VALUE` assignments (numbers or value names).
        #[arg(required = true)]
        values: Vec<String>,
        /// Read the register again after the write and show it decoded.
        #[arg(long)]
        readback: bool,
        /// Read-modify-write even if the read has a side effect.
        #[arg(long)]
        force: bool,
    },
    /// List peripherals, or the registers glob patterns match.
    List {
        #[command(flatten)]
        common: Common,
        /// `UART*`, `DMA.CH*.CTRL`, ... (none: every peripheral).
        patterns: Vec<String>,
    },
    /// Read every register of peripherals or patterns, skipping reads with
    /// side effects and write-only registers.
    Dump {
        #[command(flatten)]
        common: Common,
        /// Peripheral names or glob patterns.
        #[arg(required = true)]
        patterns: Vec<String>,
        /// Read the skipped registers too.
        #[arg(long)]
        force: bool,
    },
    /// Poll registers or fields, printing what changed, with timestamps.
    Watch {
        #[command(flatten)]
        common: Common,
        /// Registers or fields.
        #[arg(required = true)]
        paths: Vec<String>,
        /// Time between polls, in milliseconds.
        #[arg(long, default_value_t = 100, value_name = "MS")]
        interval: u64,
        /// Stop after this many polls.
        #[arg(long, value_name = "N")]
        count: Option<u64>,
        /// Watch even if the read has a side effect.
        #[arg(long)]
        force: bool,
    },
    /// Explain whether and why a mapping can or cannot work here.
    Doctor(doctor::Args),
}

/// Options every register command takes.
#[derive(Args)]
#[command(group(ArgGroup::new("source").args(["fake", "file", "uio", "pci"])))]
struct Common {
    /// The description (SVD or YAML).
    #[arg(
        short = 'd',
        long = "description",
        env = "MMREG_DESCRIPTION",
        value_name = "FILE"
    )]
    description: PathBuf,
    /// Fake memory seeded from the description; with FILE, kept there
    /// between commands (side effects persist).
    #[arg(long, value_name = "FILE", num_args = 0..=1, require_equals = true)]
    fake: Option<Option<PathBuf>>,
    /// A mappable file; the peripheral at `--offset`.
    #[arg(long, value_name = "PATH")]
    file: Option<PathBuf>,
    /// A UIO device by number or name, and map; the peripheral at `--offset`.
    #[arg(long, value_name = "N|NAME[:MAP]")]
    uio: Option<String>,
    /// A PCI device's BAR (resource file); the peripheral at `--offset`.
    #[arg(long, value_name = "BDF[:BAR]")]
    pci: Option<String>,
    /// The peripheral's offset in `--file`, `--uio` or `--pci`.
    #[arg(long, value_name = "OFFSET", value_parser = number)]
    offset: Option<u64>,
    /// Move the peripheral to this physical address (`/dev/mem`, `--fake`).
    #[arg(long, value_name = "ADDR", value_parser = number, conflicts_with_all = ["file", "uio", "pci"])]
    base: Option<u64>,
    /// Map read-only; writes are refused.
    #[arg(long)]
    read_only: bool,
    /// Print the accesses that would be made, decoded; make none.
    #[arg(long)]
    dry_run: bool,
    /// Print every access, decoded, to standard error.
    #[arg(short, long)]
    verbose: bool,
    /// One JSON object per line.
    #[arg(long)]
    json: bool,
    /// Do not use or write the model cache.
    #[arg(long)]
    no_cache: bool,
    /// Fail if the description raises any warning.
    #[arg(long)]
    deny_warnings: bool,
    #[command(flatten)]
    reading: ReadingArgs,
}

/// How a description is read: the options every command that reads one
/// takes, `gen` included.
#[derive(Args)]
struct ReadingArgs {
    /// Give an IP-XACT parameter a value: NAME is its name or
    /// `parameterId`, VALUE a constant. Repeat for more.
    #[arg(long, value_name = "NAME=VALUE", value_parser = mmreg_codegen::parse_param)]
    param: Vec<(String, String)>,
    /// Read the description as this format (`svd`, `ipxact` or `yaml`).
    #[arg(long, value_name = "FORMAT", value_parser = format)]
    format: Option<mmreg_codegen::Format>,
}

impl ReadingArgs {
    /// The model cache's view of them.
    fn reading(&self) -> Reading {
        Reading {
            params: self.param.clone(),
            format: self.format,
        }
    }
}

/// `--format`'s value.
fn format(text: &str) -> Result<mmreg_codegen::Format, String> {
    text.parse()
}

fn number(text: &str) -> Result<u64, String> {
    commands::parse_number(text).ok_or_else(|| format!("`{text}` is not a number"))
}

#[derive(Args)]
#[command(group(ArgGroup::new("destination").required(true).args(["output", "crate_dir", "emit_yaml"])))]
struct GenArgs {
    /// The description (`.svd`/`.xml` or `.yaml`/`.yml`).
    input: PathBuf,
    /// Write the generated module to this file.
    #[arg(short, long, value_name = "OUT.rs")]
    output: Option<PathBuf>,
    /// Write a standalone crate, named after the input's file stem, into DIR.
    #[arg(long = "crate", value_name = "DIR")]
    crate_dir: Option<PathBuf>,
    /// Write the description (after `--only`) as YAML in mmreg's schema.
    #[arg(long, value_name = "OUT.yaml")]
    emit_yaml: Option<PathBuf>,
    /// Keep only these peripherals (and those they derive from).
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    only: Vec<String>,
    /// Registers whose writes are `unsafe` (DMA): `PERIPHERAL.REGISTER`.
    #[arg(long, value_name = "PATH", value_delimiter = ',')]
    dma: Vec<String>,
    /// Do not share identical blocks, fieldsets and enums.
    #[arg(long)]
    no_share: bool,
    /// Do not turn numbered registers, clusters and fields into arrays.
    #[arg(long)]
    no_arrays: bool,
    /// Fail, writing nothing, if the description raises any warning.
    #[arg(long)]
    deny_warnings: bool,
    #[command(flatten)]
    reading: ReadingArgs,
    /// The runtime crate a generated crate depends on, by path (default:
    /// the checkout this command was built from, if it still exists, else
    /// the registry version).
    #[arg(long, value_name = "DIR")]
    runtime: Option<PathBuf>,
}

fn generate(args: GenArgs) -> Result<(), (i32, String)> {
    let destination = match (args.output, args.crate_dir, args.emit_yaml) {
        (Some(output), _, _) => Destination::Module(output),
        (_, Some(directory), _) => Destination::Crate(directory),
        (_, _, Some(yaml)) => Destination::Yaml(yaml),
        _ => return Err((exit::USAGE, "give `-o`, `--crate` or `--emit-yaml`".into())),
    };
    let built_from = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../runtime"));
    let runtime = match args.runtime.or_else(|| built_from.canonicalize().ok()) {
        Some(path) => RuntimeDependency::Path(path),
        None => RuntimeDependency::Version(env!("CARGO_PKG_VERSION").to_string()),
    };
    let request = Request {
        only: args.only,
        options: mmreg_codegen::Options {
            share_types: !args.no_share,
            infer_arrays: !args.no_arrays,
            dma_registers: args.dma,
            params: args.reading.param,
            format: args.reading.format,
            deny_warnings: args.deny_warnings,
        },
        tool: "mmreg gen".to_string(),
        runtime,
        ..Request::new(&args.input, destination)
    };
    match driver::run(&request, &mut |warning| eprintln!("{warning}")) {
        Ok(outcome) => {
            match outcome.crate_name {
                Some(name) => eprintln!("wrote crate `{name}` in {}", outcome.written.display()),
                None => eprintln!("wrote {}", outcome.written.display()),
            }
            Ok(())
        }
        Err(error) => {
            if let Some(diagnostics) = error.diagnostics() {
                for diagnostic in diagnostics {
                    eprintln!("{diagnostic}");
                }
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                let what = if errors > 0 {
                    format!("{errors} error(s)")
                } else {
                    format!(
                        "{} warning(s) and `--deny-warnings` is on",
                        diagnostics.len()
                    )
                };
                return Err((
                    exit::DESCRIPTION,
                    format!(
                        "`{}` has {what}; nothing was generated",
                        args.input.display()
                    ),
                ));
            }
            let code = match &error {
                driver::Error::Write { .. } => exit::FAILURE,
                driver::Error::Generate {
                    source:
                        mmreg_codegen::Error::UnknownPeripheral { .. }
                        | mmreg_codegen::Error::UnknownRegister { .. },
                    ..
                } => exit::NAME_OR_VALUE,
                _ => exit::DESCRIPTION,
            };
            Err((code, error.to_string()))
        }
    }
}

/// Loads the description and builds the source options.
fn prepare(common: &Common) -> Result<(Description, Options, Output), Error> {
    let cache = if common.no_cache {
        Cache::Off
    } else {
        Cache::Default
    };
    let description = Description::load(&common.description, &common.reading.reading(), cache)?;
    if common.verbose {
        eprintln!(
            "{}: {} peripheral(s), model {:?}, {} warning(s)",
            description.display(),
            description.peripherals.len(),
            description.origin,
            description.warnings.len()
        );
    }
    if !description.warnings.is_empty() && (common.deny_warnings || common.verbose) {
        for warning in &description.warnings {
            eprintln!("{warning}");
        }
    }
    if common.deny_warnings && !description.warnings.is_empty() {
        return Err(Error::Warnings {
            path: common.description.clone(),
            count: description.warnings.len(),
        });
    }
    let offset = common.offset.unwrap_or(0);
    if common.offset.is_some()
        && common.file.is_none()
        && common.uio.is_none()
        && common.pci.is_none()
    {
        return Err(Error::Usage("`--offset` applies to `--file`, `--uio` and `--pci`; use `--base` to move a peripheral".into()));
    }
    let source = if let Some(fake) = &common.fake {
        Source::Fake {
            file: fake.clone(),
            base: common.base,
        }
    } else if let Some(path) = &common.file {
        Source::File {
            path: path.clone(),
            offset,
        }
    } else if let Some(uio) = &common.uio {
        let (device, map) = memory::parse_uio(uio)?;
        Source::Uio {
            device,
            map,
            offset,
        }
    } else if let Some(pci) = &common.pci {
        let (address, bar) = memory::parse_pci(pci)?;
        Source::Pci {
            address,
            bar,
            offset,
        }
    } else {
        Source::DevMem { base: common.base }
    };
    let options = Options {
        source,
        read_only: common.read_only,
        dry_run: common.dry_run,
        verbose: common.verbose,
    };
    let output = Output {
        json: common.json,
        colour: !common.json && mmreg_cli::decode::colour(),
    };
    Ok((description, options, output))
}

fn run(command: Command) -> Result<(), (i32, String)> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let failed = |error: Error| (error.exit_code(), error.to_string());
    match command {
        Command::Gen(args) => generate(args),
        Command::Doctor(args) => {
            let found = doctor::run(&args, &doctor::Roots::system(), &mut out).map_err(failed)?;
            if found {
                Err((
                    exit::FAILURE,
                    "doctor found a blocker (lines marked `!!`)".into(),
                ))
            } else {
                Ok(())
            }
        }
        Command::Read {
            common,
            path,
            force,
        } => {
            let (description, options, output) = prepare(&common).map_err(failed)?;
            commands::read(&description, &options, &path, force, output, &mut out).map_err(failed)
        }
        Command::Write {
            common,
            path,
            values,
            readback,
            force,
        } => {
            let (description, options, output) = prepare(&common).map_err(failed)?;
            commands::write(
                &description,
                &options,
                &path,
                &values,
                readback,
                force,
                output,
                &mut out,
            )
            .map_err(failed)
        }
        Command::List { common, patterns } => {
            let (description, _, output) = prepare(&common).map_err(failed)?;
            commands::list(&description, &patterns, output, &mut out).map_err(failed)
        }
        Command::Dump {
            common,
            patterns,
            force,
        } => {
            let (description, options, output) = prepare(&common).map_err(failed)?;
            commands::dump(&description, &options, &patterns, force, output, &mut out)
                .map_err(failed)
        }
        Command::Watch {
            common,
            paths,
            interval,
            count,
            force,
        } => {
            let (description, options, output) = prepare(&common).map_err(failed)?;
            commands::watch(
                &description,
                &options,
                &paths,
                Duration::from_millis(interval),
                count,
                force,
                output,
                &mut out,
            )
            .map_err(failed)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            eprintln!("error: {message}");
            ExitCode::from(code as u8)
        }
    }
}
