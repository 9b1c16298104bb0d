//! Generates the SoC's register module into `OUT_DIR` at build time, keeping
//! only the peripherals this crate drives.

fn main() {
    let generated = mmreg_codegen::builder::Builder::new("example-soc.svd")
        .only(["UART0", "TIMER0"])
        .output("soc.rs")
        .generate();
    if let Err(error) = generated {
        // Cargo shows a build script's stderr when it fails.
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}
