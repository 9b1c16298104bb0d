//! The IP-XACT front end against independent readings of the corpus:
//! every register's absolute address, width and reset and every field's bit
//! range and access.
//!
//! * PeakRDL-ipxact's importer (PyPI `peakrdl-ipxact`, through
//!   `systemrdl-compiler`), for the files it reads; it runs from the private
//!   virtual environment `target/ipxact-venv`, which `cargo xtask ci`'s
//!   install step creates (`cargo xtask ci --only install`).
//! * For the files it refuses (it evaluates no expressions, needs exactly
//!   one `memoryMaps`, a `range` on every block, and ignores banks), tables
//!   written by hand from the XML, each entry citing its line
//!   (`ipxact_crosscheck/tables.rs`).

#[path = "ipxact_crosscheck/tables.rs"]
mod tables;

use std::path::{Path, PathBuf};
use std::process::Command;

use mmreg_codegen::ir::{Access, Item, Register};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ipxact-corpus");
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ipxact/peakrdl_dump.py");

/// One register element as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    name: String,
    address: u64,
    width: u32,
    /// Reset value over the bits with a defined reset.
    reset: u64,
    /// Bits with a defined reset.
    reset_mask: u64,
    /// (name, lsb, msb, access) sorted by lsb.
    fields: Vec<(String, u32, u32, Access)>,
}

/// PeakRDL gives only the fields' reset values: no mask to compare.
const NO_MASK: u64 = u64::MAX;

/// Our reading: every register element, arrays unrolled, at its absolute
/// address.
fn ours(file: &str) -> Vec<Seen> {
    let loaded = mmreg_codegen::load(&Path::new(CORPUS).join(file))
        .unwrap_or_else(|error| panic!("{file}: {error}"));
    let mut out = Vec::new();
    for peripheral in &loaded.device.peripherals {
        unroll(&peripheral.items, peripheral.base_address, &mut out);
    }
    out
}

fn elements(dim: Option<&mmreg_codegen::ir::Dim>) -> Vec<u64> {
    match dim {
        None => vec![0],
        Some(dim) => (0..u64::from(dim.count)).map(|i| i * dim.stride).collect(),
    }
}

fn unroll(items: &[Item], base: u64, out: &mut Vec<Seen>) {
    for item in items {
        match item {
            Item::Register(register) => {
                for step in elements(register.dim.as_ref()) {
                    out.push(seen(register, base + register.offset + step));
                }
            }
            Item::Cluster(cluster) => {
                for step in elements(cluster.dim.as_ref()) {
                    unroll(&cluster.items, base + cluster.offset + step, out);
                }
            }
        }
    }
}

fn seen(register: &Register, address: u64) -> Seen {
    let mut fields: Vec<(String, u32, u32, Access)> = register
        .fields
        .iter()
        .map(|f| (f.name.clone(), f.lsb, f.lsb + f.width - 1, f.access))
        .collect();
    fields.sort_by_key(|f| f.1);
    Seen {
        name: mmreg_codegen::ir::strip_placeholder(&register.name),
        address,
        width: register.size,
        reset: register.reset_value & register.reset_mask,
        reset_mask: register.reset_mask,
        fields,
    }
}

fn venv_python() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target/tmp has a parent")
        .join("ipxact-venv/bin/python")
}

fn access_of(sw: &str) -> Access {
    match sw {
        "r" => Access::ReadOnly,
        "w" => Access::WriteOnly,
        "rw" => Access::ReadWrite,
        "w1" => Access::WriteOnce,
        "rw1" => Access::ReadWriteOnce,
        other => panic!("unexpected SystemRDL access `{other}`"),
    }
}

/// PeakRDL's reading, or `None` when it refuses the file.
fn peakrdl(file: &str) -> Option<Vec<Seen>> {
    let python = venv_python();
    assert!(
        python.exists(),
        "`{}` is missing: run `cargo xtask ci --only install` (it creates the virtual \
         environment with peakrdl-ipxact)",
        python.display()
    );
    let output = Command::new(&python)
        .arg(SCRIPT)
        .arg(Path::new(CORPUS).join(file))
        .output()
        .expect("run the PeakRDL script");
    if output.status.code() == Some(3) {
        return None;
    }
    assert!(
        output.status.success(),
        "{file}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    Some(
        text.lines()
            .map(|line| {
                let parts: Vec<&str> = line.split('|').collect();
                assert_eq!(parts.len(), 5, "{line}");
                let width: u32 = parts[2].parse().unwrap();
                let fields = parts[4]
                    .split(',')
                    .filter(|f| !f.is_empty())
                    .map(|f| {
                        let bits: Vec<&str> = f.rsplitn(4, ':').collect();
                        (
                            bits[3].to_string(),
                            bits[2].parse().unwrap(),
                            bits[1].parse().unwrap(),
                            access_of(bits[0]),
                        )
                    })
                    .collect();
                Seen {
                    name: parts[0].to_string(),
                    address: parts[1].parse().unwrap(),
                    width,
                    reset: parts[3].parse().unwrap(),
                    reset_mask: NO_MASK,
                    fields,
                }
            })
            .collect(),
    )
}

/// Compares their registers with ours by (address, name); returns how many
/// were compared, panicking with every difference.
fn compare(file: &str, theirs: &[Seen], ours: &[Seen]) -> usize {
    let mut problems = Vec::new();
    for their in theirs {
        let Some(our) = ours
            .iter()
            .find(|o| o.address == their.address && o.name == their.name)
        else {
            problems.push(format!(
                "{file}: no register `{}` at {:#x}",
                their.name, their.address
            ));
            continue;
        };
        // Bits both readers say have a reset.
        let field_bits = our.fields.iter().fold(0u64, |bits, f| {
            bits | (((1u128 << (f.2 - f.1 + 1)) - 1) as u64) << f.1
        });
        let defined = our.reset_mask & their.reset_mask & field_bits;
        let mask_agrees = their.reset_mask == NO_MASK || their.reset_mask == our.reset_mask;
        let same = mask_agrees
            && our.width == their.width
            && our.fields == their.fields
            && (our.reset & defined) == (their.reset & defined);
        if !same {
            problems.push(format!(
                "{file}: at {:#x}\n  theirs {their:?}\n  ours   {our:?}",
                their.address
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    theirs.len()
}

/// Files PeakRDL-ipxact reads, with the register elements it reports.
const PEAKRDL: &[(&str, usize)] = &[
    ("ghlhub-e_uart-component.xml", 12),
    ("ipyxact-generic_example.xml", 40),
    ("kactus2-pulpino-spi_master_apb_if.xml", 9),
    ("peakrdl-ipxact-my_subblock.xml", 5),
];

#[test]
fn peakrdl_ipxact_agrees() {
    for (file, expected) in PEAKRDL {
        let theirs = peakrdl(file).unwrap_or_else(|| panic!("PeakRDL no longer reads {file}"));
        let ours = ours(file);
        let compared = compare(file, &theirs, &ours);
        println!("{file}: {compared} register elements compared with PeakRDL-ipxact");
        assert_eq!(compared, *expected, "{file}");
        assert_eq!(
            ours.len(),
            compared,
            "{file}: we read registers PeakRDL did not"
        );
    }
}

#[test]
fn hand_tables_agree() {
    for (file, table) in tables::TABLES {
        assert!(
            peakrdl(file).is_none(),
            "PeakRDL-ipxact now reads {file}: compare with it instead"
        );
        let theirs: Vec<Seen> = table.iter().map(tables::Entry::seen).collect();
        let compared = compare(file, &theirs, &ours(file));
        let total = ours(file).len();
        println!("{file}: {compared} of {total} register elements compared with the hand table");
        assert!(compared >= 10.min(total), "{file}: {compared}");
    }
}
