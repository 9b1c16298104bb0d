//! The paths the fuzz targets drive (`fuzz/fuzz_targets/*.rs`), shared with
//! `tests/fuzz_regressions.rs` so a saved crash input replays through exactly
//! the code that found it. Each function takes the raw input bytes and may
//! only return: any panic is a bug (a crash for libFuzzer, a failure for the
//! regression test).
//!
//! Not a test of its own: it lives in a directory, so cargo does not build it
//! as a test target, and both users include it with `#[path]`.

use mmreg_codegen::ir::{Device, Item};
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
/// Also when generation of a validated model fails (a generator bug, never
/// the input's fault), and when a block's `SIZE` would not cover one of its
/// accessors, before or after array inference.
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
    assert_sizes_cover(&model);
    assert_sizes_cover(&mmreg_codegen::arrays::infer(&model));
    if let Err(error) = generate_with(&model, name, Options::default()) {
        panic!("validated input, no output: {error}");
    }
}

/// Checks that in `items` (a block of `size` bytes) every register's and
/// cluster's last element ends inside the block, recursively, with checked
/// arithmetic: `offset + (count - 1) * stride + width <= size`.
fn assert_covered(items: &[Item], size: u64, path: &str) {
    for item in items {
        let (name, offset, dim, width) = match item {
            Item::Register(r) => (
                &r.name,
                r.offset,
                r.dim.as_ref(),
                u64::from(r.size.div_ceil(8).max(1).next_power_of_two()),
            ),
            Item::Cluster(c) => (
                &c.name,
                c.offset,
                c.dim.as_ref(),
                mmreg_codegen::emit::block_size(&c.items).expect("validated sizes fit"),
            ),
        };
        let (count, stride) = dim.map_or((1, 0), |d| (u64::from(d.count.max(1)), d.stride));
        let end = (count - 1)
            .checked_mul(stride)
            .and_then(|last| last.checked_add(offset))
            .and_then(|start| start.checked_add(width));
        assert!(
            end.is_some_and(|end| end <= size),
            "{path}.{name}: ends at {end:?}, block SIZE is {size:#x}"
        );
        if let Item::Cluster(c) = item {
            assert_covered(&c.items, width, &format!("{path}.{name}"));
        }
    }
}

/// Every peripheral's `SIZE` (what the emitter writes) covers its accessors:
/// the check of issue 13 item 1, for corpus files and fuzzer outputs alike.
pub fn assert_sizes_cover(device: &Device) {
    for peripheral in &device.peripherals {
        let size = mmreg_codegen::emit::block_size(&peripheral.items)
            .expect("validated sizes fit")
            .max(peripheral.size.unwrap_or(0));
        assert_covered(&peripheral.items, size, &peripheral.name);
    }
}
