//! Where the registers are: the sources the runtime maps (`/dev/mem`, UIO,
//! a PCI BAR, a file), fake memory seeded from the description (for one
//! command, or kept in a file between commands), and dry runs.
//!
//! A [`Window`] is one peripheral's registers in one source, offset 0 being
//! the peripheral's first byte. Every access is one access of the register's
//! exact width, and is rendered as [`mmreg::FakeMem::log_named`] renders it
//! (`EDU.STATUS -> 0x00000080 {INTERRUPT_ON_FACTORIAL}`): printed with `-v`,
//! and, for a dry run, printed instead of made.

use std::path::PathBuf;

use mmreg::fake::render_access;
use mmreg::map::{MappableFile, PciResource, ReadOnlyMode, Uio};
use mmreg::meta::{BlockMeta, RegisterHit};
use mmreg::{Access, AccessKind, DevMem, FakeMem, Io, IoWrite, Mapping};

use crate::error::Error;
use crate::fake_file;
use crate::model::Description;

/// Where the registers are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `/dev/mem` at the description's base address (or `base`).
    DevMem {
        /// `--base`: moves the named peripheral.
        base: Option<u64>,
    },
    /// A UIO device (`/dev/uioN` by number, or by its `name`), map `map`.
    Uio {
        /// The number or the name.
        device: String,
        /// The map index.
        map: u32,
        /// The peripheral's offset in the map.
        offset: u64,
    },
    /// A PCI BAR through its sysfs resource file.
    Pci {
        /// `domain:bus:device.function`.
        address: String,
        /// The BAR.
        bar: u32,
        /// The peripheral's offset in the BAR.
        offset: u64,
    },
    /// A mappable file (a regular file, a memfd, a device node).
    File {
        /// The file.
        path: PathBuf,
        /// The peripheral's offset in the file.
        offset: u64,
    },
    /// Fake memory seeded from the description: for one command, or kept in
    /// `file` (laid out by physical address) between commands.
    Fake {
        /// The file, if the fake persists.
        file: Option<PathBuf>,
        /// `--base`: moves the named peripheral.
        base: Option<u64>,
    },
}

/// How to open windows.
#[derive(Debug, Clone)]
pub struct Options {
    /// The source.
    pub source: Source,
    /// Map read-only (`--read-only`); writes are refused.
    pub read_only: bool,
    /// Print the accesses, decoded, instead of making them (`--dry-run`);
    /// values read are the description's reset values.
    pub dry_run: bool,
    /// Print every access, decoded, to standard error (`-v`).
    pub verbose: bool,
}

enum Memory {
    ReadWrite(Mapping),
    ReadOnly(Mapping<ReadOnlyMode>),
    Fake(FakeMem),
}

/// One peripheral's registers in one source.
pub struct Window {
    /// The peripheral's metadata.
    pub block: &'static BlockMeta,
    /// The address of the peripheral's first byte (physical, or the file
    /// offset for `--file`).
    pub address: u64,
    memory: Memory,
    /// The peripheral's first byte in `memory`.
    offset: usize,
    /// For a fake kept in a file: the file's mapping of the peripheral.
    persist: Option<Mapping>,
    read_only: bool,
    dry_run: bool,
    verbose: bool,
    description: String,
    /// Every access so far, rendered.
    pub log: Vec<String>,
}

fn map_error(block: &BlockMeta) -> impl Fn(mmreg::MapError) -> Error + '_ {
    move |source| Error::Map {
        path: block.name.to_string(),
        source: Box::new(source),
    }
}

/// Bytes the peripheral's registers span from its first byte.
pub fn extent(block: &'static BlockMeta) -> usize {
    block
        .registers_expanded()
        .iter()
        .map(|hit| hit.offset + usize::from(hit.register.width / 8))
        .fold(block.size, usize::max)
        .max(1)
}

/// Parses `N|NAME[:MAP]`.
pub fn parse_uio(text: &str) -> Result<(String, u32), Error> {
    match text.rsplit_once(':') {
        Some((device, map)) => map
            .parse()
            .map(|map| (device.to_string(), map))
            .map_err(|_| {
                Error::Usage(format!(
                    "`--uio {text}`: the map after `:` must be a number"
                ))
            }),
        None => Ok((text.to_string(), 0)),
    }
}

/// Parses `BDF[:BAR]`; a BDF without a domain gets `0000:`.
pub fn parse_pci(text: &str) -> Result<(String, u32), Error> {
    let (address, bar) = match text.rsplit_once(':') {
        Some((address, bar)) if !bar.is_empty() && bar.chars().all(|c| c.is_ascii_digit()) => {
            let bar = bar
                .parse()
                .map_err(|_| Error::Usage(format!("`--pci {text}`: bad BAR number")))?;
            (address.to_string(), bar)
        }
        _ => (text.to_string(), 0),
    };
    let address = if address.matches(':').count() == 1 {
        format!("0000:{address}")
    } else {
        address
    };
    Ok((address, bar))
}

impl Window {
    /// Opens peripheral `index` of `description` in the source `options`
    /// names.
    pub fn open(
        description: &Description,
        index: usize,
        options: &Options,
    ) -> Result<Window, Error> {
        let block = description.block(index)?;
        let entry = &description.peripherals[index];
        let len = extent(block);
        let mut window = Window {
            block,
            address: entry.base_address,
            memory: Memory::Fake(FakeMem::new(0)),
            offset: 0,
            persist: None,
            read_only: options.read_only,
            dry_run: options.dry_run,
            verbose: options.verbose,
            description: description.display(),
            log: Vec::new(),
        };
        if options.dry_run {
            // Values "read" in a dry run are those after reset.
            if let Source::DevMem { base: Some(base) }
            | Source::Fake {
                base: Some(base), ..
            } = &options.source
            {
                window.address = *base;
            }
            window.memory = Memory::Fake(FakeMem::from_meta(block));
            return Ok(window);
        }
        let error = map_error(block);
        match &options.source {
            Source::DevMem { base } => {
                let address = base.unwrap_or(entry.base_address);
                window.address = address;
                // SAFETY: the user named this range on the command line; the
                // command reaches it only through the mapping, with the
                // widths the description declares, and holds no reference
                // into it.
                window.memory = if options.read_only {
                    let mem = DevMem::open_read_only().map_err(&error)?;
                    Memory::ReadOnly(unsafe { mem.map(address, len) }.map_err(&error)?)
                } else {
                    let mem = DevMem::open().map_err(&error)?;
                    Memory::ReadWrite(unsafe { mem.map(address, len) }.map_err(&error)?)
                };
            }
            Source::Uio {
                device,
                map,
                offset,
            } => {
                let uio = match device.parse::<u32>() {
                    Ok(number) => Uio::open(number).map_err(&error)?,
                    Err(_) => Uio::open_by_name(device)
                        .map_err(|source| Error::Source(format!("{}: {source}", block.name)))?,
                };
                // SAFETY: as for `/dev/mem`; the driver exposes the map for
                // user space.
                let mapping = unsafe { uio.map_range(*map, *offset, len) }.map_err(&error)?;
                window.address = mapping.phys_address();
                window.memory = Memory::ReadWrite(mapping);
            }
            Source::Pci {
                address,
                bar,
                offset,
            } => {
                let resource = PciResource::open(address, *bar).map_err(&error)?;
                // SAFETY: as for `/dev/mem`: the user named the device.
                let mapping = unsafe { resource.map(*offset, len) }.map_err(&error)?;
                window.address = mapping.phys_address();
                window.memory = Memory::ReadWrite(mapping);
            }
            Source::File { path, offset } => {
                window.address = *offset;
                // SAFETY: the user named the file; it is not truncated while
                // the command runs unless another process does so.
                window.memory = if options.read_only {
                    let file = MappableFile::open_read_only(path).map_err(&error)?;
                    Memory::ReadOnly(unsafe { file.map(*offset, len) }.map_err(&error)?)
                } else {
                    let file = MappableFile::open(path).map_err(&error)?;
                    Memory::ReadWrite(unsafe { file.map(*offset, len) }.map_err(&error)?)
                };
            }
            Source::Fake { file, base } => {
                let address = base.unwrap_or(entry.base_address);
                window.address = address;
                let fake = FakeMem::from_meta(block);
                if let Some(path) = file {
                    let mapping = fake_file::map(path, description, block, address, len)?;
                    fake_file::load(&fake, &mapping, block).map_err(|source| Error::Access {
                        path: block.name.to_string(),
                        source,
                    })?;
                    window.persist = Some(mapping);
                }
                fake.clear_log();
                window.memory = Memory::Fake(fake);
            }
        }
        Ok(window)
    }

    /// The address of a register (for messages and output).
    pub fn address_of(&self, hit: &RegisterHit) -> u64 {
        self.address.wrapping_add(hit.offset as u64)
    }

    fn record(&mut self, kind: AccessKind, hit: &RegisterHit, value: u64) {
        let access = Access {
            kind,
            offset: hit.offset,
            width: hit.register.width / 8,
            value,
        };
        let line = render_access(&access, self.block, 0);
        if self.dry_run {
            println!("dry run: {line}");
        } else if self.verbose {
            eprintln!("  {line}");
        }
        self.log.push(line);
    }

    /// Reads a register with one access of its width.
    pub fn read(&mut self, hit: &RegisterHit) -> Result<u64, Error> {
        let offset = self.offset + hit.offset;
        let width = hit.register.width;
        let value = match &self.memory {
            Memory::ReadWrite(io) => read(io, offset, width),
            Memory::ReadOnly(io) => read(io, offset, width),
            Memory::Fake(io) => read(io, offset, width),
        }
        .map_err(|source| Error::Access {
            path: hit.path.clone(),
            source,
        })?;
        self.record(AccessKind::Read, hit, value);
        Ok(value)
    }

    /// Writes a register with one access of its width.
    pub fn write(&mut self, hit: &RegisterHit, value: u64) -> Result<(), Error> {
        let offset = self.offset + hit.offset;
        let width = hit.register.width;
        let refused = |why: &str| Error::Refused {
            description: self.description.clone(),
            path: hit.path.clone(),
            message: why.to_string(),
        };
        if self.read_only {
            return Err(refused(
                "the registers are mapped read-only (`--read-only`)",
            ));
        }
        match &self.memory {
            Memory::ReadWrite(io) => write(io, offset, width, value),
            Memory::ReadOnly(_) => return Err(refused("the registers are mapped read-only")),
            Memory::Fake(io) => write(io, offset, width, value),
        }
        .map_err(|source| Error::Access {
            path: hit.path.clone(),
            source,
        })?;
        self.record(AccessKind::Write, hit, value);
        Ok(())
    }

    /// For a fake kept in a file, reloads the registers from the file (which
    /// another command may have changed); other sources are live already.
    pub fn refresh(&mut self) -> Result<(), Error> {
        if let (Some(mapping), Memory::Fake(fake)) = (&self.persist, &self.memory) {
            fake_file::load(fake, mapping, self.block).map_err(|source| Error::Access {
                path: self.block.name.to_string(),
                source,
            })?;
        }
        Ok(())
    }

    /// Ends the command: a fake kept in a file is written back to it.
    pub fn finish(self) -> Result<Vec<String>, Error> {
        if let (Some(mapping), Memory::Fake(fake)) = (&self.persist, &self.memory) {
            fake_file::store(fake, mapping, self.block).map_err(|source| Error::Access {
                path: self.block.name.to_string(),
                source,
            })?;
        }
        Ok(self.log)
    }
}

/// One access of `width` bits at `offset`.
pub fn read<I: Io + ?Sized>(io: &I, offset: usize, width: u8) -> Result<u64, mmreg::AccessError> {
    Ok(match width {
        8 => u64::from(io.checked_read8(offset)?),
        16 => u64::from(io.checked_read16(offset)?),
        32 => u64::from(io.checked_read32(offset)?),
        _ => io.checked_read64(offset)?,
    })
}

/// One access of `width` bits at `offset`.
pub fn write<I: IoWrite + ?Sized>(
    io: &I,
    offset: usize,
    width: u8,
    value: u64,
) -> Result<(), mmreg::AccessError> {
    match width {
        8 => io.checked_write8(offset, value as u8),
        16 => io.checked_write16(offset, value as u16),
        32 => io.checked_write32(offset, value as u32),
        _ => io.checked_write64(offset, value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pci_and_uio_arguments() {
        assert_eq!(
            parse_pci("0000:00:04.0").unwrap(),
            ("0000:00:04.0".into(), 0)
        );
        assert_eq!(
            parse_pci("0000:00:04.0:2").unwrap(),
            ("0000:00:04.0".into(), 2)
        );
        assert_eq!(parse_pci("00:04.0").unwrap(), ("0000:00:04.0".into(), 0));
        assert_eq!(parse_pci("00:04.0:1").unwrap(), ("0000:00:04.0".into(), 1));
        assert_eq!(parse_uio("0").unwrap(), ("0".into(), 0));
        assert_eq!(parse_uio("my-ip:1").unwrap(), ("my-ip".into(), 1));
        assert!(parse_uio("x:y").is_err());
    }
}
