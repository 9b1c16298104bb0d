//! Fuzz target `yaml_reader`: see `fuzz_paths::yaml_reader` (shared with
//! `codegen/tests/fuzz_regressions.rs`, which replays saved crashes).

#![no_main]

#[allow(dead_code)] // Each target uses one of the shared paths.
#[path = "../../codegen/tests/fuzz_paths/mod.rs"]
mod fuzz_paths;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_paths::yaml_reader(data));
