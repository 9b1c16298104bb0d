//! Generates the register blocks the microbenchmark and the instruction check
//! use, with the same builder a user's `build.rs` would call.

fn main() -> Result<(), mmreg_codegen::builder::Error> {
    mmreg_codegen::builder::Builder::new("../svd/bcm2711-gpio.yaml")
        .output("gpio.rs")
        .generate()?;
    mmreg_codegen::builder::Builder::new("widths.yaml")
        .output("widths.rs")
        .generate()?;
    Ok(())
}
