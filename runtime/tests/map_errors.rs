//! Every way mapping can fail gives a message naming the source, the address,
//! the length, the errno and a hint. Failures that need a particular kernel or
//! missing privileges (which tests running as root cannot provoke) are built
//! directly; the rest are provoked for real through fake sources in a temp dir.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::Path;

use mmreg::map::{IomemOwner, MappableFile, PciResource, SourceKind, Uio};
use mmreg::{DevMem, MapError};

mod common;
use common::{TempDir, assert_mentions};

/// A zeroed regular file of `len` bytes.
fn file_of(path: &Path, len: u64) -> File {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(true);
    let file = options.open(path).unwrap();
    file.set_len(len).unwrap();
    file
}

/// Maps through a fake `/dev/mem` and returns the error.
fn dev_mem_error(address: u64, len: usize) -> String {
    let dir = TempDir::new("devmem");
    let path = dir.path().join("mem");
    file_of(&path, 0x4000);
    let mem = DevMem::open_at(&path, false).unwrap();
    // SAFETY: a private temp file standing in for /dev/mem.
    let error = unsafe { mem.map(address, len) }.unwrap_err();
    error
        .to_string()
        .replace(&path.display().to_string(), "<mem>")
}

#[test]
#[cfg_attr(miri, ignore)]
fn missing_dev_mem_points_at_config_devmem_and_containers() {
    let error = DevMem::open_at("/nonexistent/mem", false).unwrap_err();
    assert_eq!(
        error.os_error().and_then(io::Error::raw_os_error),
        Some(libc::ENOENT)
    );
    assert_mentions(
        &error.to_string(),
        &[
            "`/nonexistent/mem`",
            "(os error 2)",
            "CONFIG_DEVMEM",
            "container",
        ],
    );
}

#[test]
fn dev_mem_permission_points_at_root_capability_and_lockdown() {
    let error = MapError::Open {
        path: "/dev/mem".into(),
        kind: SourceKind::DevMem,
        error: io::Error::from_raw_os_error(libc::EACCES),
    };
    assert_mentions(
        &error.to_string(),
        &[
            "cannot open `/dev/mem`",
            "(os error 13)",
            "root",
            "CAP_SYS_RAWIO",
            "lockdown",
        ],
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn zero_length_is_refused() {
    assert_mentions(
        &dev_mem_error(0x1000, 0),
        &[
            "zero bytes",
            "physical address 0x1000",
            "`<mem>`",
            "at least 1",
        ],
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn address_overflow_is_refused() {
    assert_mentions(
        &dev_mem_error(u64::MAX - 7, 0x100),
        &[
            "0x100 bytes",
            "physical address 0xfffffffffffffff8",
            "`<mem>`",
            "overflows",
        ],
    );
    assert_mentions(
        &dev_mem_error(0x7fff_ffff_ffff_fff8, 0x10),
        &["0x10 bytes", "0x7ffffffffffffff8", "overflows"],
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn misaligned_address_is_refused_with_the_aligned_alternative() {
    assert_mentions(
        &dev_mem_error(0x1004, 4),
        &[
            "physical address 0x1004",
            "multiple of 8",
            "map from 0x1000 and add 4",
        ],
    );
}

/// A memfd sealed against writing: writable shared mappings of it fail with
/// EPERM, as `/dev/mem` does for a range the kernel refuses.
fn sealed_memfd() -> OwnedFd {
    let flags = libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING;
    // SAFETY: a valid NUL-terminated name and valid flags.
    let fd = unsafe { libc::memfd_create(c"mmreg-sealed".as_ptr(), flags) };
    assert!(fd >= 0, "{}", io::Error::last_os_error());
    // SAFETY: `fd` was just returned and nothing else owns it.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    File::from(fd.try_clone().unwrap()).set_len(0x4000).unwrap();
    // SAFETY: plain fcntl on a descriptor we own.
    let sealed = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_ADD_SEALS, libc::F_SEAL_WRITE) };
    assert_eq!(sealed, 0, "{}", io::Error::last_os_error());
    fd
}

/// Maps 0x10 bytes at 0x1000 of a fake `/dev/mem` that refuses with EPERM,
/// with `iomem` as `/proc/iomem`.
fn refused_by_kernel(iomem: &Path) -> String {
    let fd = sealed_memfd();
    let path = format!("/proc/self/fd/{}", fd.as_raw_fd());
    let mem = DevMem::open_at(&path, false).unwrap().with_iomem(iomem);
    // SAFETY: a private memfd standing in for /dev/mem; the map is refused.
    let error = unsafe { mem.map(0x1000, 0x10) }.unwrap_err();
    assert_eq!(
        error.os_error().and_then(io::Error::raw_os_error),
        Some(libc::EPERM)
    );
    error.to_string()
}

#[test]
#[cfg_attr(miri, ignore)]
fn eperm_from_mmap_names_strict_devmem_and_the_owning_driver() {
    let dir = TempDir::new("iomem");
    let iomem = dir.path().join("iomem");
    fs::write(
        &iomem,
        "00000000-00000fff : Reserved\n\
         00001000-00001fff : PCI Bus 0000:00\n  \
           00001000-0000100f : fake-uart\n\
         00002000-00002fff : System RAM\n",
    )
    .unwrap();
    assert_mentions(
        &refused_by_kernel(&iomem),
        &[
            "cannot map 0x10 bytes at physical address 0x1000",
            "(os error 1)",
            "CONFIG_STRICT_DEVMEM",
            "iomem=relaxed",
            "`00001000-00001fff : PCI Bus 0000:00` › `00001000-0000100f : fake-uart`",
            "unbind that driver",
        ],
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn eperm_with_unreadable_or_hidden_iomem_says_so() {
    let dir = TempDir::new("iomem-hidden");
    let hidden = dir.path().join("iomem");
    fs::write(
        &hidden,
        "00000000-00000000 : System RAM\n00000000-00000000 : fake-uart\n",
    )
    .unwrap();
    assert_mentions(
        &refused_by_kernel(&hidden),
        &["all addresses as 0", "as root"],
    );
    let missing = dir.path().join("missing");
    assert_mentions(
        &refused_by_kernel(&missing),
        &["missing` is not readable", "unknown"],
    );
}

#[test]
fn eperm_on_ram_says_ram_is_never_mappable() {
    let error = MapError::Map {
        path: "/dev/mem".into(),
        kind: SourceKind::DevMem,
        address: 0x3000_0000,
        len: 0x1000,
        error: io::Error::from_raw_os_error(libc::EPERM),
        owner: IomemOwner::from_text(
            Path::new("/proc/iomem"),
            "00000000-3b3fffff : System RAM\n",
            0x3000_0000,
            0x1000,
        ),
    };
    assert_mentions(
        &error.to_string(),
        &[
            "0x1000 bytes at physical address 0x30000000",
            "`/dev/mem`",
            "RAM is never mappable",
        ],
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn eacces_from_mmap_of_a_read_only_descriptor() {
    let dir = TempDir::new("eacces");
    let path = dir.path().join("file");
    file_of(&path, 0x1000);
    let source = MappableFile::from_fd(File::open(&path).unwrap().into());
    // SAFETY: a private temp file; the map is refused.
    let error = unsafe { source.map(0, 8) }.unwrap_err();
    assert_mentions(
        &error.to_string(),
        &[
            "cannot map 0x8 bytes at offset 0x0",
            "(os error 13)",
            "read-only",
        ],
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn enodev_from_a_file_without_mmap() {
    let source = MappableFile::open("/dev/null").unwrap();
    // SAFETY: /dev/null cannot be mapped; the map is refused.
    let error = unsafe { source.map(0, 8) }.unwrap_err();
    assert_mentions(
        &error.to_string(),
        &["`/dev/null`", "(os error 19)", "does not support mmap"],
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn file_length_past_its_end_is_refused_before_sigbus() {
    let dir = TempDir::new("past-file");
    let path = dir.path().join("file");
    file_of(&path, 0x1000);
    let source = MappableFile::open(&path).unwrap();
    // SAFETY: a private temp file; the map is refused.
    let error = unsafe { source.map(0xff8, 0x10) }.unwrap_err();
    assert_mentions(
        &error.to_string(),
        &[
            "0x10 bytes at offset 0xff8 of `",
            "the file is only 0x1000 bytes long",
            "SIGBUS",
        ],
    );
}

/// A fake UIO device 0 whose map 0 is 0x100 bytes.
fn fake_uio(dir: &Path, size: &str) -> Uio {
    fs::create_dir_all(dir.join("dev")).unwrap();
    file_of(&dir.join("dev/uio0"), 0x10000);
    let map = dir.join("sys/uio0/maps/map0");
    fs::create_dir_all(&map).unwrap();
    fs::write(map.join("addr"), "0x43c00000\n").unwrap();
    fs::write(map.join("size"), size).unwrap();
    fs::write(map.join("offset"), "0x0\n").unwrap();
    Uio::open_at(&dir.join("dev"), &dir.join("sys"), 0).unwrap()
}

#[test]
#[cfg_attr(miri, ignore)]
fn uio_length_past_the_map_is_refused() {
    let dir = TempDir::new("uio-past");
    let uio = fake_uio(dir.path(), "0x100\n");
    // SAFETY: a private temp file; the map is refused.
    let error = unsafe { uio.map_range(0, 0xf0, 0x20) }.unwrap_err();
    assert_mentions(
        &error.to_string(),
        &[
            "0x20 bytes at offset 0xf0 of UIO map 0 of `",
            "uio0`",
            "the map is only 0x100 bytes long",
        ],
    );
    // SAFETY: as above.
    let error = unsafe { uio.map_range(0, 0x100, 0) }.unwrap_err();
    assert!(matches!(error, MapError::ZeroLength { .. }), "{error}");
}

#[test]
#[cfg_attr(miri, ignore)]
fn uio_missing_device_map_or_garbled_size() {
    let dir = TempDir::new("uio-missing");
    let uio = fake_uio(dir.path(), "banana\n");
    let error = Uio::open_at(&dir.path().join("dev"), &dir.path().join("sys"), 7).unwrap_err();
    assert_mentions(
        &error.to_string(),
        &["dev/uio7`", "(os error 2)", "UIO driver bound"],
    );
    // SAFETY: the map is refused before anything is mapped.
    let error = unsafe { uio.map(3) }.unwrap_err();
    assert_mentions(
        &error.to_string(),
        &[
            "maps/map3/addr`",
            "(os error 2)",
            "no such UIO device or map 3",
        ],
    );
    // SAFETY: as above.
    let error = unsafe { uio.map(0) }.unwrap_err();
    assert_mentions(
        &error.to_string(),
        &["maps/map0/size`", "unexpected content `banana`"],
    );
}

/// A fake PCI device with a 4 KiB memory BAR 0, an I/O BAR 1 and no BAR 2.
fn fake_pci(root: &Path) {
    let device = root.join("0000:00:04.0");
    fs::create_dir_all(&device).unwrap();
    fs::write(
        device.join("resource"),
        "0x00000000fea00000 0x00000000fea00fff 0x0000000000040200\n\
         0x000000000000c000 0x000000000000c03f 0x0000000000040101\n\
         0x0000000000000000 0x0000000000000000 0x0000000000000000\n",
    )
    .unwrap();
    file_of(&device.join("resource0"), 0x1000);
}

#[test]
#[cfg_attr(miri, ignore)]
fn pci_length_past_the_bar_is_refused() {
    let dir = TempDir::new("pci-past");
    fake_pci(dir.path());
    let bar = PciResource::open_at(dir.path(), "0000:00:04.0", 0).unwrap();
    // SAFETY: a private temp file; the map is refused.
    let error = unsafe { bar.map(0xff8, 0x10) }.unwrap_err();
    assert_mentions(
        &error.to_string(),
        &[
            "0x10 bytes at offset 0xff8 of BAR 0 through `",
            "resource0`",
            "the BAR is only 0x1000 bytes long",
        ],
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn pci_io_unused_and_missing_bars_and_devices() {
    let dir = TempDir::new("pci-bars");
    fake_pci(dir.path());
    let error = PciResource::open_at(dir.path(), "0000:00:04.0", 1).unwrap_err();
    assert_mentions(&error.to_string(), &["BAR 1", "resource1`", "I/O port BAR"]);
    let error = PciResource::open_at(dir.path(), "0000:00:04.0", 2).unwrap_err();
    assert_mentions(&error.to_string(), &["BAR 2", "does not implement it"]);
    let error = PciResource::open_at(dir.path(), "0000:00:04.0", 5).unwrap_err();
    assert_mentions(
        &error.to_string(),
        &["BAR 5", "resource5`", "does not implement it"],
    );
    fs::write(dir.path().join("0000:00:04.0/resource"), "0x1000 0x1fff\n").unwrap();
    let error = PciResource::open_at(dir.path(), "0000:00:04.0", 0).unwrap_err();
    assert_mentions(
        &error.to_string(),
        &["cannot parse", "/resource`", "`0x1000 0x1fff`"],
    );
    let error = PciResource::open_at(dir.path(), "0000:00:05.0", 0).unwrap_err();
    assert_mentions(
        &error.to_string(),
        &["0000:00:05.0/resource`", "(os error 2)", "lspci -D"],
    );
    let error = PciResource::open_at(dir.path(), "../etc", 0).unwrap_err();
    assert_mentions(
        &error.to_string(),
        &["invalid name `../etc`", "domain:bus:device.function"],
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn pci_resource_line_spanning_the_whole_address_space_is_a_parse_error() {
    // Issue 13: `end - start + 1` overflowed (a panic in debug builds, a
    // BAR of size 0 reported as "does not implement it" in release).
    let dir = TempDir::new("pci-huge");
    fake_pci(dir.path());
    let line = "0x0000000000000000 0xffffffffffffffff 0x0000000000040200";
    fs::write(
        dir.path().join("0000:00:04.0/resource"),
        format!("{line}\n"),
    )
    .unwrap();
    let error = PciResource::open_at(dir.path(), "0000:00:04.0", 0).unwrap_err();
    assert_mentions(
        &error.to_string(),
        &["cannot parse", "/resource`", &format!("`{line}`")],
    );
}

#[test]
fn pci_permission_points_at_root_and_lockdown() {
    let error = MapError::Open {
        path: "/sys/bus/pci/devices/0000:00:04.0/resource0".into(),
        kind: SourceKind::PciResource { bar: 0 },
        error: io::Error::from_raw_os_error(libc::EPERM),
    };
    assert_mentions(
        &error.to_string(),
        &["resource0`", "(os error 1)", "root", "lockdown"],
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn malformed_shared_memory_and_memfd_names_are_refused() {
    let error = MappableFile::shm_open("/a/b").unwrap_err();
    assert_mentions(
        &error.to_string(),
        &["invalid name `/a/b`", "one path component"],
    );
    let error = MappableFile::memfd("nul\0name", 0x1000).unwrap_err();
    assert_mentions(&error.to_string(), &["invalid name `nul\\0name`", "NUL"]);
    let error = MappableFile::shm_open("/mmreg-does-not-exist").unwrap_err();
    assert_mentions(
        &error.to_string(),
        &["/mmreg-does-not-exist`", "(os error 2)", "shared memory"],
    );
}

#[test]
fn uio_permission_and_gpiomem_hints() {
    let error = MapError::Open {
        path: "/dev/uio0".into(),
        kind: SourceKind::Uio { map: 0 },
        error: io::Error::from_raw_os_error(libc::EACCES),
    };
    assert_mentions(
        &error.to_string(),
        &["`/dev/uio0`", "(os error 13)", "udev rule"],
    );
    let error = MapError::Open {
        path: "/dev/gpiomem".into(),
        kind: SourceKind::File,
        error: io::Error::from_raw_os_error(libc::ENOENT),
    };
    assert_mentions(
        &error.to_string(),
        &["`/dev/gpiomem`", "(os error 2)", "gpiomem driver"],
    );
}
