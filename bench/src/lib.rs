//! Benchmarks of the code `mmreg-codegen` generates, for `cargo xtask bench`.
//!
//! Start reading here:
//! - [`mmreg::RawIo`], the runtime's public `Io` over a raw pointer (the
//!   same accessors as a `Mapping`), carries the generated blocks here.
//! - [`access`] pairs `#[inline(never)]` functions: a field `read`, `write`
//!   and `modify` through the generated API, and the same operation written by
//!   hand with `read_volatile`/`write_volatile`. The instruction check
//!   (`tests/instructions.rs`) disassembles each pair and requires identical
//!   instructions; the microbenchmark (`benches/access.rs`) times them.
//! - [`mapping`] has the same kind of pairs with the block carried by an
//!   [`mmreg::Mapping`] (what a program maps from `/dev/mem`, UIO or a PCI
//!   resource), so the instruction check measures `Mapping` itself, and a
//!   loop over a register array that must stay plain accesses.
//! - [`disassembly`] parses and normalises `objdump` and `--emit asm` output.
//! - the `mmreg-generate` binary (feature `generator`) is the generator as a
//!   process, timed against svd2rust and svd2pac.

pub mod access;
pub mod disassembly;
pub mod mapping;

/// Generated from `svd/bcm2711-gpio.yaml` by `build.rs`.
// The emitter's layout asserts trip `int_plus_one` (`0x1 + size <= end`);
// reported to the emitter's owner.
#[allow(missing_docs, clippy::int_plus_one)]
pub mod bcm2711 {
    include!(concat!(env!("OUT_DIR"), "/gpio.rs"));
}

/// Generated from `bench/widths.yaml` by `build.rs`: one register per width.
#[allow(missing_docs, clippy::int_plus_one)]
pub mod all_widths {
    include!(concat!(env!("OUT_DIR"), "/widths.rs"));
}
