//! `cargo xtask <job>`: the project's automation. `ci` runs every check.

mod bench;
mod ci;
mod codegen;
mod cross;
mod fuzz;
mod ipxact_venv;
mod qemu;
mod util;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "mmreg project automation")]
struct Cli {
    #[command(subcommand)]
    job: Job,
}

#[derive(Subcommand)]
enum Job {
    /// Run every check, installing what they need (what CI runs).
    Ci(ci::Args),
    /// Generate code from a description, or refresh/check the checked-in files.
    Codegen(codegen::Args),
    /// Boot Linux under QEMU and drive real device models with generated code.
    QemuTest(qemu::Args),
    /// Measure generation, compile time and access cost against peer tools.
    Bench(bench::Args),
    /// Fuzz the SVD and YAML readers and load-then-generate (cargo-fuzz, nightly).
    Fuzz(fuzz::Args),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.job {
        Job::Ci(args) => ci::run(args),
        Job::Codegen(args) => codegen::run(args),
        Job::QemuTest(args) => qemu::run(args),
        Job::Bench(args) => bench::run(args),
        Job::Fuzz(args) => fuzz::run(args),
    };
    if let Err(error) = result {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}
