//! Loading a description, through a cache of the parsed model.
//!
//! Parsing the largest corpus file (MIMXRT1062, 10.8 MB) takes about 0.4 s;
//! a `read` of one register must answer in 100 ms. So the first load writes
//! the parsed model to `$XDG_CACHE_HOME/mmreg/` (else `~/.cache/mmreg/`), one
//! file per description content: a header naming every peripheral with the
//! byte range and checksum of its part, then each peripheral's model as
//! JSON. Later loads read the description's bytes only to hash them, read
//! the header, and parse only the peripherals a command touches.
//!
//! The key is a hash of the description's bytes and its length, the tool's
//! version and the file's extension (the format). Nothing is trusted
//! blindly: a header that does not parse or names another key, or a part
//! whose checksum differs, makes the load fall back to parsing the
//! description and rewriting the entry. Without a writable cache directory
//! (under `sudo` with a read-only home, say) every load parses.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::Hasher;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use mmreg::meta::BlockMeta;
use mmreg_codegen::ir;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::layout;

/// The first line of a cache file.
const MAGIC: &str = "mmreg-model-cache 1";

/// Where, if anywhere, parsed models are cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cache {
    /// `$XDG_CACHE_HOME/mmreg`, else `$HOME/.cache/mmreg`.
    Default,
    /// This directory.
    Directory(PathBuf),
    /// No cache.
    Off,
}

impl Cache {
    /// The directory, if any.
    pub fn directory(&self) -> Option<PathBuf> {
        match self {
            Cache::Off => None,
            Cache::Directory(directory) => Some(directory.clone()),
            Cache::Default => {
                let base = std::env::var_os("XDG_CACHE_HOME")
                    .filter(|value| !value.is_empty())
                    .map(PathBuf::from)
                    .or_else(|| {
                        std::env::var_os("HOME")
                            .filter(|value| !value.is_empty())
                            .map(|home| PathBuf::from(home).join(".cache"))
                    })?;
                Some(base.join("mmreg"))
            }
        }
    }
}

/// How the model was obtained, for `-v` and the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Parsed from the description (no usable cache entry).
    Parsed,
    /// Parsed, and a cache entry was written.
    ParsedAndCached,
    /// Read from the cache.
    Cached,
}

/// A peripheral's name, place and size, known without parsing its contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeripheralEntry {
    /// Name as in the description.
    pub name: String,
    /// Base address.
    pub base_address: u64,
    /// Declared size in bytes, if any.
    pub size: Option<u64>,
}

/// The cache file's header.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    version: String,
    key: String,
    device: String,
    warnings: Vec<String>,
    peripherals: Vec<PeripheralEntry>,
    /// Byte ranges of each peripheral's part, from the end of the header.
    parts: Vec<Part>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Part {
    offset: u64,
    len: u64,
    checksum: u64,
}

enum Store {
    Memory(Vec<ir::Peripheral>),
    Cache {
        file: PathBuf,
        body: u64,
        parts: Vec<Part>,
    },
}

/// A loaded description: every peripheral's name and place, and each
/// peripheral's contents on demand.
pub struct Description {
    /// The file as the user named it.
    pub path: PathBuf,
    /// The device name.
    pub device: String,
    /// Warnings loading raised, one line each.
    pub warnings: Vec<String>,
    /// Every peripheral, in description order.
    pub peripherals: Vec<PeripheralEntry>,
    /// How the model was obtained.
    pub origin: Origin,
    /// What reading the file takes besides its bytes (IP-XACT parameter
    /// values, a format override); part of the cache key.
    reading: Reading,
    store: Store,
    blocks: RefCell<HashMap<usize, &'static BlockMeta>>,
    cache: Cache,
}

impl std::fmt::Debug for Description {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Description")
            .field("path", &self.path)
            .field("device", &self.device)
            .field("peripherals", &self.peripherals.len())
            .field("origin", &self.origin)
            .finish()
    }
}

fn checksum(bytes: &[u8]) -> u64 {
    // SipHash with fixed keys: the same bytes give the same key in every run.
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(bytes);
    hasher.finish()
}

/// What reading a description takes besides its bytes: the generator
/// options that change the model (`--param`, `--format`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reading {
    /// IP-XACT parameter values, `(name or parameterId, value)`.
    pub params: Vec<(String, String)>,
    /// The format, when not chosen from the file.
    pub format: Option<mmreg_codegen::Format>,
}

impl Reading {
    /// The loading options these stand for.
    fn options(&self) -> mmreg_codegen::Options {
        mmreg_codegen::Options {
            params: self.params.clone(),
            format: self.format,
            ..mmreg_codegen::Options::default()
        }
    }
}

/// The cache key of a description's bytes read with `reading`.
fn key(path: &Path, bytes: &[u8], reading: &Reading) -> String {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let options = if *reading == Reading::default() {
        String::new()
    } else {
        format!("-o{:016x}", checksum(format!("{reading:?}").as_bytes()))
    };
    format!(
        "{:016x}-{:x}-{extension}{options}-v{}",
        checksum(bytes),
        bytes.len(),
        env!("CARGO_PKG_VERSION")
    )
}

impl Description {
    /// Loads `path` as `reading` says, from the cache when it has a valid
    /// entry.
    pub fn load(path: &Path, reading: &Reading, cache: Cache) -> Result<Description, Error> {
        let bytes = std::fs::read(path).map_err(|source| {
            Error::Description(format!("cannot read `{}`: {source}", path.display()))
        })?;
        let key = key(path, &bytes, reading);
        let entry = cache
            .directory()
            .map(|directory| directory.join(format!("{key}.model")));
        if let Some(file) = &entry
            && let Some(description) = Self::from_cache(path, file, &key, reading, cache.clone())
        {
            return Ok(description);
        }
        drop(bytes);
        Self::parse(path, entry.as_deref(), &key, reading, cache)
    }

    /// Reads a cache entry's header; `None` if it is missing or not valid.
    fn from_cache(
        path: &Path,
        file: &Path,
        key: &str,
        reading: &Reading,
        cache: Cache,
    ) -> Option<Description> {
        let mut reader = std::io::BufReader::new(std::fs::File::open(file).ok()?);
        let mut magic = String::new();
        std::io::BufRead::read_line(&mut reader, &mut magic).ok()?;
        if magic.trim_end() != MAGIC {
            return None;
        }
        let mut line = String::new();
        std::io::BufRead::read_line(&mut reader, &mut line).ok()?;
        let header: Header = serde_json::from_str(&line).ok()?;
        if header.key != key
            || header.version != env!("CARGO_PKG_VERSION")
            || header.parts.len() != header.peripherals.len()
        {
            return None;
        }
        let body = (magic.len() + line.len()) as u64;
        Some(Description {
            path: path.to_path_buf(),
            device: header.device,
            warnings: header.warnings,
            peripherals: header.peripherals,
            origin: Origin::Cached,
            reading: reading.clone(),
            store: Store::Cache {
                file: file.to_path_buf(),
                body,
                parts: header.parts,
            },
            blocks: RefCell::new(HashMap::new()),
            cache,
        })
    }

    /// Parses the description and, with a cache entry path, writes the entry.
    fn parse(
        path: &Path,
        entry: Option<&Path>,
        key: &str,
        reading: &Reading,
        cache: Cache,
    ) -> Result<Description, Error> {
        let loaded = mmreg_codegen::load_with(path, &reading.options())
            .map_err(|error| load_error(path, error))?;
        let device: &ir::Device = &loaded.device;
        let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
        let peripherals: Vec<PeripheralEntry> = device
            .peripherals
            .iter()
            .map(|p| PeripheralEntry {
                name: p.name.clone(),
                base_address: p.base_address,
                size: p.size,
            })
            .collect();
        let mut origin = Origin::Parsed;
        if let Some(entry) = entry
            && write_entry(entry, key, device, &warnings, &peripherals).is_ok()
        {
            origin = Origin::ParsedAndCached;
        }
        Ok(Description {
            path: path.to_path_buf(),
            device: device.name.clone(),
            warnings,
            peripherals,
            origin,
            reading: reading.clone(),
            store: Store::Memory(device.peripherals.clone()),
            blocks: RefCell::new(HashMap::new()),
            cache,
        })
    }

    /// The description's file as messages name it.
    pub fn display(&self) -> String {
        self.path.display().to_string()
    }

    /// The model of peripheral `index` (of [`Self::peripherals`]).
    pub fn peripheral(&self, index: usize) -> Result<ir::Peripheral, Error> {
        match &self.store {
            Store::Memory(peripherals) => Ok(peripherals[index].clone()),
            Store::Cache { file, body, parts } => {
                match read_part(file, *body, &parts[index]) {
                    Some(peripheral) => Ok(peripheral),
                    // A damaged entry: parse the description (rewriting the entry).
                    None => {
                        let _ = std::fs::remove_file(file);
                        let fresh =
                            Description::load(&self.path, &self.reading, self.cache.clone())?;
                        fresh.peripheral(index)
                    }
                }
            }
        }
    }

    /// The runtime metadata of peripheral `index`, built once.
    pub fn block(&self, index: usize) -> Result<&'static BlockMeta, Error> {
        if let Some(block) = self.blocks.borrow().get(&index) {
            return Ok(block);
        }
        let block = layout::block(&self.peripheral(index)?);
        self.blocks.borrow_mut().insert(index, block);
        Ok(block)
    }
}

/// A library load error as one message (every diagnostic of invalid input,
/// one per line, then the count).
fn load_error(path: &Path, error: mmreg_codegen::Error) -> Error {
    if let mmreg_codegen::Error::Invalid(diagnostics) = &error {
        let mut text: Vec<String> = diagnostics.0.iter().map(|d| d.to_string()).collect();
        let errors = diagnostics.0.iter().filter(|d| d.is_error()).count();
        text.push(format!("`{}` has {errors} error(s)", path.display()));
        return Error::Description(text.join("\n"));
    }
    Error::Description(format!("cannot load `{}`: {error}", path.display()))
}

fn read_part(file: &Path, body: u64, part: &Part) -> Option<ir::Peripheral> {
    let mut handle = std::fs::File::open(file).ok()?;
    handle
        .seek(SeekFrom::Start(body.checked_add(part.offset)?))
        .ok()?;
    let mut bytes = vec![0; usize::try_from(part.len).ok()?];
    handle.read_exact(&mut bytes).ok()?;
    if checksum(&bytes) != part.checksum {
        return None;
    }
    serde_json::from_slice(&bytes).ok()
}

/// Writes a cache entry atomically (a temporary file renamed into place).
fn write_entry(
    entry: &Path,
    key: &str,
    device: &ir::Device,
    warnings: &[String],
    peripherals: &[PeripheralEntry],
) -> std::io::Result<()> {
    let mut body = Vec::new();
    let mut parts = Vec::new();
    for peripheral in &device.peripherals {
        let start = body.len();
        serde_json::to_writer(&mut body, peripheral)?;
        parts.push(Part {
            offset: start as u64,
            len: (body.len() - start) as u64,
            checksum: checksum(&body[start..]),
        });
    }
    let header = Header {
        version: env!("CARGO_PKG_VERSION").to_string(),
        key: key.to_string(),
        device: device.name.clone(),
        warnings: warnings.to_vec(),
        peripherals: peripherals.to_vec(),
        parts,
    };
    let directory = entry.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(directory)?;
    let temporary = directory.join(format!(
        ".{}.{}.tmp",
        entry.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&temporary)?);
        writeln!(file, "{MAGIC}")?;
        serde_json::to_writer(&mut file, &header)?;
        writeln!(file)?;
        file.write_all(&body)?;
        file.flush()?;
        drop(file);
        std::fs::rename(&temporary, entry)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}
