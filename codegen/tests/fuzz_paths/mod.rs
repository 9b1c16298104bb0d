//! The paths the fuzz targets drive (`fuzz/fuzz_targets/*.rs`), shared with
//! `tests/fuzz_regressions.rs` so a saved crash input replays through exactly
//! the code that found it. Each function takes the raw input bytes and may
//! only return: any panic is a bug (a crash for libFuzzer, a failure for the
//! regression test).
//!
//! Not a test of its own: it lives in a directory, so cargo does not build it
//! as a test target, and both users include it with `#[path]`.

use mmreg_codegen::{Options, generate_with, svd, validate, yaml};

/// The name diagnostics and the `@generated` header give a fuzz input.
const SVD_NAME: &str = "fuzz.svd";
/// As [`SVD_NAME`], for YAML input.
const YAML_NAME: &str = "fuzz.yaml";

/// `svd_reader`: the SVD front end on the input as text (no generation).
pub fn svd_reader(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = svd::parse(text, SVD_NAME);
    }
}

/// `yaml_reader`: the YAML front end on the input as text (no generation).
pub fn yaml_reader(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = yaml::parse(text, YAML_NAME);
    }
}

/// `load_generate`: what `mmreg_codegen::load` then `generate` do with a file,
/// from text: the format by content (XML starts with `<` after any
/// whitespace or byte-order mark), parse, validate, and if nothing is an
/// error, generate with the default options.
///
/// # Panics
///
/// Also when generation fails with [`Error::Emit`]: the generator produced
/// code that does not parse, which is a generator bug, never the input's fault.
pub fn load_generate(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let is_xml = text
        .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .starts_with('<');
    let (name, parsed) = if is_xml {
        (SVD_NAME, svd::parse(text, SVD_NAME))
    } else {
        (YAML_NAME, yaml::parse(text, YAML_NAME))
    };
    let Ok((device, _warnings)) = parsed else {
        return;
    };
    let Ok((model, _warnings)) = validate::validate(device) else {
        return;
    };
    if let Err(error) = generate_with(&model, name, Options::default()) {
        panic!("validated input, no output: {error}");
    }
}
