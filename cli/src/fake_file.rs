//! Fake memory kept in a file between commands (`--fake=FILE`).
//!
//! The file is a sparse image of the physical address space: the register
//! at address `A` is at file offset `A`, little-endian. When the file is
//! created, every peripheral's registers are seeded with their reset values
//! (undefined bits 0); a region past the end of the file (a peripheral moved
//! with `--base`) is seeded when it is first used.
//!
//! A command maps the peripheral's range of the file (the runtime's file
//! source), loads its registers into a [`FakeMem`] seeded from the
//! description, so each access behaves as declared (read-only bits keep
//! their value, write-1-to-clear and clear-on-read flags act), and stores the
//! registers back when it ends. So `write` then `read` in two commands shows
//! the declared side effects. What only a `FakeMem` remembers, whether a
//! write-once register was written, does not persist.

use std::os::unix::fs::FileExt;
use std::path::Path;

use mmreg::map::MappableFile;
use mmreg::meta::BlockMeta;
use mmreg::{AccessError, FakeMem, Mapping};

use crate::error::Error;
use crate::memory;
use crate::model::Description;

/// File offsets (physical addresses) past this are refused: 1 TiB.
const LIMIT: u64 = 1 << 40;

fn io_error<'a>(message: &'static str, path: &'a Path) -> impl Fn(std::io::Error) -> Error + 'a {
    move |source| Error::Io {
        message,
        path: path.to_path_buf(),
        source,
    }
}

/// Writes the reset values of `block`'s registers at `address` of `file`.
fn seed(
    file: &std::fs::File,
    path: &Path,
    block: &'static BlockMeta,
    address: u64,
) -> Result<(), Error> {
    for hit in block.registers_expanded() {
        let register = hit.register;
        let value = register.reset & register.reset_mask & register.width_mask();
        let bytes = value.to_le_bytes();
        let width = usize::from(register.width / 8);
        file.write_at(&bytes[..width], address + hit.offset as u64)
            .map_err(io_error("cannot seed the fake memory file", path))?;
    }
    Ok(())
}

/// Maps `len` bytes at `address` of the fake memory file `path`, creating and
/// seeding it (or the region) first when needed.
pub fn map(
    path: &Path,
    description: &Description,
    block: &'static BlockMeta,
    address: u64,
    len: usize,
) -> Result<Mapping, Error> {
    let end = address.checked_add(len as u64).filter(|end| *end <= LIMIT).ok_or_else(|| {
        Error::Usage(format!(
            "{}: address {address:#x} is past what a fake memory file holds ({LIMIT:#x}); move it with `--base`",
            block.name
        ))
    })?;
    let created = !path.exists();
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(io_error("cannot open the fake memory file", path))?;
    if created {
        let mut size = end;
        for index in 0..description.peripherals.len() {
            let other = description.block(index)?;
            let base = description.peripherals[index].base_address;
            let other_end = base.saturating_add(memory::extent(other) as u64);
            if other_end <= LIMIT {
                seed(&file, path, other, base)?;
                size = size.max(other_end);
            }
        }
        file.set_len(size)
            .map_err(io_error("cannot size the fake memory file", path))?;
    }
    let size = file
        .metadata()
        .map_err(io_error("cannot query the fake memory file", path))?
        .len();
    if size < end {
        file.set_len(end)
            .map_err(io_error("cannot size the fake memory file", path))?;
        seed(&file, path, block, address)?;
    }
    drop(file);
    let mappable = MappableFile::open(path).map_err(|source| Error::Map {
        path: block.name.to_string(),
        source: Box::new(source),
    })?;
    // SAFETY: the command's own fake memory file, reached only through this
    // mapping while the command runs; no reference points into it.
    unsafe { mappable.map(address, len) }.map_err(|source| Error::Map {
        path: block.name.to_string(),
        source: Box::new(source),
    })
}

/// Copies the registers of `block` from the file's mapping into `fake`, as
/// the device's state: not logged, no hooks.
pub fn load(
    fake: &FakeMem,
    mapping: &Mapping,
    block: &'static BlockMeta,
) -> Result<(), AccessError> {
    for hit in block.registers_expanded() {
        let value = memory::read(mapping, hit.offset, hit.register.width)?;
        match hit.register.width {
            8 => fake.poke(hit.offset, value as u8),
            16 => fake.poke(hit.offset, value as u16),
            32 => fake.poke(hit.offset, value as u32),
            _ => fake.poke(hit.offset, value),
        }
    }
    Ok(())
}

/// Copies the registers of `block` from `fake` back to the file's mapping.
pub fn store(
    fake: &FakeMem,
    mapping: &Mapping,
    block: &'static BlockMeta,
) -> Result<(), AccessError> {
    for hit in block.registers_expanded() {
        let value = match hit.register.width {
            8 => u64::from(fake.peek::<u8>(hit.offset)),
            16 => u64::from(fake.peek::<u16>(hit.offset)),
            32 => u64::from(fake.peek::<u32>(hit.offset)),
            _ => fake.peek::<u64>(hit.offset),
        };
        memory::write(mapping, hit.offset, hit.register.width, value)?;
    }
    Ok(())
}
