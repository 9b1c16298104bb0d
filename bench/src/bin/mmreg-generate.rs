//! The generator as a process, timed against svd2rust and svd2pac:
//! `mmreg-generate INPUT OUT.rs` loads, validates and generates one formatted
//! module, as `cargo xtask codegen INPUT -o OUT.rs` does, without the xtask's
//! other jobs. With `MMREG_GENERATE_TIMINGS=1` it prints the time of each
//! phase (load and validate, generate and format, write) to stderr.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = arguments.as_slice() else {
        eprintln!("usage: mmreg-generate INPUT OUT.rs");
        return ExitCode::from(2);
    };
    match generate(Path::new(input), Path::new(output)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn generate(input: &Path, output: &Path) -> Result<(), String> {
    let timings = std::env::var_os("MMREG_GENERATE_TIMINGS").is_some();
    let start = Instant::now();
    let loaded = mmreg_codegen::load(input).map_err(|error| error.to_string())?;
    let loaded_at = start.elapsed();
    let name = input
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let code = mmreg_codegen::generate(&loaded.device, &name).map_err(|error| error.to_string())?;
    let generated_at = start.elapsed();
    std::fs::write(output, &code)
        .map_err(|error| format!("cannot write `{}`: {error}", output.display()))?;
    if timings {
        eprintln!(
            "load {:?}, generate {:?}, write {:?}, {} bytes",
            loaded_at,
            generated_at - loaded_at,
            start.elapsed() - generated_at,
            code.len()
        );
    }
    Ok(())
}
