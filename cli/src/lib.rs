//! The library behind the `mmreg` command: registers by name from a shell.
//!
//! Start reading here. A command runs in three steps:
//! 1. [`model`] loads the description (SVD or YAML, through
//!    `mmreg-codegen`), from a cache of the parsed model when it can, so a
//!    `read` answers in well under 100 ms even for a 10 MB SVD file;
//! 2. [`names`] resolves `PERIPHERAL.REGISTER[.FIELD]` paths and globs, and
//!    [`layout`] turns the peripheral's model into the runtime's metadata
//!    (`mmreg::meta`), as generated code has it;
//! 3. [`memory`] opens a [`memory::Window`] on the peripheral in the chosen
//!    source (the runtime's mappings, or `mmreg::FakeMem` seeded from the
//!    description, kept in a file by [`fake_file`]), and [`commands`] reads,
//!    writes, dumps or watches through it, printing with [`decode`].
//!
//! [`doctor`] explains whether a mapping can work on this machine; code
//! generation (`mmreg gen`) is `mmreg_codegen::driver`, shared with
//! `cargo xtask codegen`. Errors are one [`Error`] enum whose
//! [`Error::exit_code`] the binary exits with ([`error::exit`]).

pub mod commands;
pub mod decode;
pub mod doctor;
pub mod error;
pub mod fake_file;
pub mod layout;
pub mod memory;
pub mod model;
pub mod names;

pub use error::Error;
