//! Interrupts on a UIO device, against stand-ins: one end of a Unix socket
//! pair plays `/dev/uioN` (the test writes 4-byte counts into the other end
//! and reads back what `enable_irq` writes), a 256-byte regular file plays the
//! PCI `config` file, and a temp dir plays `/sys/class/uio`. The driver
//! without `irqcontrol` is a thread whose `write` calls fail with `ENOSYS`
//! (a seccomp filter), as `uio_pci_generic`'s do.

use std::fs::{self, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::FileExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use std::time::{Duration, Instant};

use mmreg::irq::{Interrupt, IrqControl, IrqError, IrqEvent, IrqOperation};
use mmreg::map::Uio;

mod common;
use common::{TempDir, assert_mentions};

/// A `Uio` over one end of a socket pair, and the other end (the "kernel").
fn socket_uio(sysfs: &Path) -> (Uio, UnixStream) {
    let (device, kernel) = UnixStream::pair().unwrap();
    let uio = Uio::from_fd(OwnedFd::from(device), "/dev/uio7", sysfs).unwrap();
    (uio, kernel)
}

fn send_count(kernel: &mut UnixStream, count: u32) {
    kernel.write_all(&count.to_ne_bytes()).unwrap();
}

/// What the driver side wrote, as 4-byte native-endian words.
fn received(kernel: &mut UnixStream, words: usize) -> Vec<u32> {
    let mut bytes = vec![0; 4 * words];
    kernel.read_exact(&mut bytes).unwrap();
    bytes
        .chunks(4)
        .map(|word| u32::from_ne_bytes(word.try_into().unwrap()))
        .collect()
}

/// A fake PCI device directory: `sysfs/device/config`, 256 bytes with the
/// command register (offset 4) set to `command` and a pattern elsewhere.
fn fake_pci_config(sysfs: &Path, command: u16) -> PathBuf {
    let device = sysfs.join("device");
    fs::create_dir_all(&device).unwrap();
    let mut config: Vec<u8> = (0..=255).collect();
    config[4..6].copy_from_slice(&command.to_le_bytes());
    let path = device.join("config");
    fs::write(&path, config).unwrap();
    path
}

fn command_register(config: &Path) -> u16 {
    let file = OpenOptions::new().read(true).open(config).unwrap();
    let mut bytes = [0; 2];
    file.read_exact_at(&mut bytes, 4).unwrap();
    u16::from_le_bytes(bytes)
}

/// Runs `body` on a thread whose `write(2)` calls fail with `ENOSYS`, as
/// writes to a UIO device whose driver has no `irqcontrol` do (`pread` and
/// `pwrite` still work). Returns `None` if this kernel refuses the filter.
fn without_irqcontrol<T: Send>(body: impl FnOnce() -> T + Send) -> Option<T> {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                deny_write_with_enosys().ok()?;
                Some(body())
            })
            .join()
            .unwrap()
    })
}

/// Installs, for the calling thread only, a seccomp filter that fails every
/// `write` with `ENOSYS` and allows everything else.
fn deny_write_with_enosys() -> io::Result<()> {
    let statement = |code: u32, k: u32| libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    };
    let jump_if_equal = |k: u32, jt: u8, jf: u8| libc::sock_filter {
        code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
        jt,
        jf,
        k,
    };
    let mut program = [
        // A = seccomp_data.nr (offset 0).
        statement(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 0),
        jump_if_equal(libc::SYS_write as u32, 0, 1),
        statement(
            libc::BPF_RET | libc::BPF_K,
            libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32,
        ),
        statement(libc::BPF_RET | libc::BPF_K, libc::SECCOMP_RET_ALLOW),
    ];
    let filter = libc::sock_fprog {
        len: program.len() as u16,
        filter: program.as_mut_ptr(),
    };
    // SAFETY: PR_SET_NO_NEW_PRIVS takes integer arguments only; it affects
    // this thread (and threads it creates, of which there are none).
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `filter` points at `program`, both alive across the call; the
    // kernel copies the program. Without TSYNC the filter applies to this
    // thread only.
    let installed = unsafe {
        libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_FILTER,
            &filter as *const libc::sock_fprog,
        )
    };
    if installed != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[test]
#[cfg_attr(miri, ignore)]
fn wait_returns_each_count_and_what_was_missed_between_waits() {
    let dir = TempDir::new("counts");
    let (mut uio, mut kernel) = socket_uio(dir.path());
    assert_eq!(uio.event_count(), None);
    assert_eq!(uio.try_wait().unwrap(), None);

    send_count(&mut kernel, 41);
    // The first wait after opening has no previous count: nothing missed.
    let first = uio.wait(Some(Duration::from_secs(10))).unwrap();
    assert_eq!(
        first,
        Some(IrqEvent {
            count: 41,
            missed: 0
        })
    );
    send_count(&mut kernel, 42);
    assert_eq!(
        uio.wait(None).unwrap(),
        Some(IrqEvent {
            count: 42,
            missed: 0
        })
    );
    send_count(&mut kernel, 45);
    assert_eq!(
        Interrupt::try_wait(&mut uio).unwrap(),
        Some(IrqEvent {
            count: 45,
            missed: 2
        })
    );
    assert_eq!(uio.event_count(), Some(45));
    assert_eq!(uio.try_wait().unwrap(), None);
}

#[test]
#[cfg_attr(miri, ignore)]
fn the_counter_wraps() {
    let dir = TempDir::new("wrap");
    let (mut uio, mut kernel) = socket_uio(dir.path());
    send_count(&mut kernel, u32::MAX - 1);
    uio.try_wait().unwrap().unwrap();
    send_count(&mut kernel, 1);
    assert_eq!(
        uio.try_wait().unwrap(),
        Some(IrqEvent {
            count: 1,
            missed: 2
        })
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn wait_times_out_without_an_interrupt() {
    let dir = TempDir::new("timeout");
    let (mut uio, _kernel) = socket_uio(dir.path());
    let start = Instant::now();
    assert_eq!(uio.wait(Some(Duration::from_millis(10))).unwrap(), None);
    assert!(start.elapsed() >= Duration::from_millis(10));
}

#[test]
#[cfg_attr(miri, ignore)]
fn wait_blocks_until_another_thread_delivers() {
    let dir = TempDir::new("thread");
    let (mut uio, mut kernel) = socket_uio(dir.path());
    std::thread::scope(|scope| {
        scope.spawn(move || send_count(&mut kernel, 7));
        assert_eq!(
            uio.wait(None).unwrap(),
            Some(IrqEvent {
                count: 7,
                missed: 0
            })
        );
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn the_descriptor_is_pollable() {
    let dir = TempDir::new("fd");
    let (uio, _kernel) = socket_uio(dir.path());
    let fd = uio.as_raw_fd();
    // SAFETY: F_GETFL on a descriptor `uio` keeps open.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    assert_ne!(
        flags & libc::O_NONBLOCK,
        0,
        "the descriptor is non-blocking"
    );
    assert_eq!(std::os::fd::AsFd::as_fd(&uio).as_raw_fd(), fd);
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_short_read_or_end_of_file_is_an_error_naming_the_device() {
    let dir = TempDir::new("short");
    let (mut uio, mut kernel) = socket_uio(dir.path());
    kernel.write_all(&[1, 2]).unwrap();
    let error = uio.wait(None).unwrap_err();
    assert!(matches!(
        error,
        IrqError::Short {
            len: 2,
            expected: 4,
            ..
        }
    ));
    assert_mentions(
        &error.to_string(),
        &["cannot read the interrupt count from `/dev/uio7`", "2 of 4"],
    );
    drop(kernel);
    let error = uio.wait(None).unwrap_err();
    assert_mentions(&error.to_string(), &["0 of 4 bytes (end of file)"]);
}

#[test]
#[cfg_attr(miri, ignore)]
fn enable_and_disable_write_one_and_zero_through_irqcontrol() {
    let dir = TempDir::new("irqcontrol");
    let (mut uio, mut kernel) = socket_uio(dir.path());
    assert_eq!(uio.enable_irq().unwrap(), IrqControl::Driver);
    assert_eq!(uio.disable_irq().unwrap(), IrqControl::Driver);
    Interrupt::rearm(&mut uio).unwrap();
    assert_eq!(received(&mut kernel, 3), [1, 0, 1]);
}

#[test]
#[cfg_attr(miri, ignore)]
fn without_irqcontrol_the_pci_command_register_is_switched() {
    let dir = TempDir::new("pci");
    let config = fake_pci_config(dir.path(), 0x0107 | 1 << 10);
    let (mut uio, mut kernel) = socket_uio(dir.path());
    let Some(results) = without_irqcontrol(|| {
        let first = uio.enable_irq().map_err(|error| error.to_string());
        let after_enable = command_register(&config);
        let disabled = uio.disable_irq().map_err(|error| error.to_string());
        let after_disable = command_register(&config);
        (first, after_enable, disabled, after_disable)
    }) else {
        eprintln!("skipped: this kernel refuses seccomp filters");
        return;
    };
    let (first, after_enable, disabled, after_disable) = results;
    assert_eq!(first, Ok(IrqControl::PciCommand));
    assert_eq!(after_enable, 0x0107, "bit 10 cleared, the others kept");
    assert_eq!(disabled, Ok(IrqControl::PciCommand));
    assert_eq!(after_disable, 0x0107 | 1 << 10);
    // The rest of config space is untouched.
    let bytes = fs::read(&config).unwrap();
    assert_eq!(bytes.len(), 256);
    assert!(
        bytes
            .iter()
            .enumerate()
            .all(|(index, &byte)| (4..6).contains(&index) || byte == index as u8)
    );
    // Once the driver has said ENOSYS, the device is not written again.
    assert_eq!(uio.enable_irq().unwrap(), IrqControl::PciCommand);
    assert_eq!(command_register(&config), 0x0107);
    kernel.set_nonblocking(true).unwrap();
    let mut byte = [0];
    assert_eq!(
        kernel.read(&mut byte).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn without_irqcontrol_and_without_pci_the_error_says_so() {
    let dir = TempDir::new("nopci");
    let (mut uio, _kernel) = socket_uio(dir.path());
    let Some(error) = without_irqcontrol(|| uio.enable_irq().unwrap_err()) else {
        eprintln!("skipped: this kernel refuses seccomp filters");
        return;
    };
    assert!(matches!(
        error,
        IrqError::PciConfig {
            operation: IrqOperation::OpenPciConfig,
            ..
        }
    ));
    assert_mentions(
        &error.to_string(),
        &[
            "cannot open `",
            "device/config`",
            "the driver of `/dev/uio7` has no irqcontrol (ENOSYS)",
            "not a PCI device",
        ],
    );
}

#[test]
fn pci_config_permission_errors_say_run_as_root() {
    // Tests run as root cannot provoke this one: build it.
    let error = IrqError::PciConfig {
        device: "/dev/uio0".into(),
        config: "/sys/class/uio/uio0/device/config".into(),
        operation: IrqOperation::WritePciCommand,
        error: io::Error::from_raw_os_error(libc::EACCES),
    };
    assert_mentions(
        &error.to_string(),
        &[
            "cannot write the PCI command register (offset 4) to \
             `/sys/class/uio/uio0/device/config`",
            "Permission denied",
            "uio_pci_generic",
            "run as root",
        ],
    );
}

#[test]
fn device_errors_name_the_path_the_operation_the_errno_and_a_hint() {
    let error = IrqError::Device {
        path: "/dev/uio0".into(),
        operation: IrqOperation::ReadCount,
        error: io::Error::from_raw_os_error(libc::EIO),
    };
    assert_mentions(
        &error.to_string(),
        &[
            "cannot read the interrupt count from `/dev/uio0`",
            "os error 5",
            "hint: the device has no interrupt",
        ],
    );
    assert_eq!(
        error.os_error().and_then(io::Error::raw_os_error),
        Some(libc::EIO)
    );
}

/// A fake `/sys/class/uio` with three devices, and a `/dev` with their nodes.
fn fake_uio_tree(dir: &Path) -> (PathBuf, PathBuf) {
    let dev = dir.join("dev");
    let sysfs = dir.join("sys");
    fs::create_dir_all(&dev).unwrap();
    for (index, name) in [
        (0, "axi-gpio"),
        (1, "uio_pci_generic"),
        (10, "uio_pci_generic"),
        (2, "axi-timer"),
    ] {
        let device = sysfs.join(format!("uio{index}"));
        fs::create_dir_all(&device).unwrap();
        fs::write(device.join("name"), format!("{name}\n")).unwrap();
        fs::write(dev.join(format!("uio{index}")), []).unwrap();
    }
    // Not devices.
    fs::create_dir_all(sysfs.join("power")).unwrap();
    fs::create_dir_all(sysfs.join("uiox")).unwrap();
    (dev, sysfs)
}

#[test]
#[cfg_attr(miri, ignore)]
fn open_by_name_finds_the_device_by_its_name_attribute() {
    let dir = TempDir::new("name");
    let (dev, sysfs) = fake_uio_tree(dir.path());
    let uio = Uio::open_by_name_at(&dev, &sysfs, "axi-timer").unwrap();
    assert_eq!(uio.path(), dev.join("uio2"));
    assert_eq!(uio.name().unwrap(), "axi-timer");
    assert_eq!(
        Uio::list_at(&sysfs).unwrap(),
        [
            (0, "axi-gpio".to_owned()),
            (1, "uio_pci_generic".to_owned()),
            (2, "axi-timer".to_owned()),
            (10, "uio_pci_generic".to_owned()),
        ]
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn open_by_name_lists_the_names_there_are_when_none_matches() {
    let dir = TempDir::new("noname");
    let (dev, sysfs) = fake_uio_tree(dir.path());
    let error = Uio::open_by_name_at(&dev, &sysfs, "axi-uart").unwrap_err();
    assert!(matches!(error, IrqError::NameNotFound { .. }));
    assert_mentions(
        &error.to_string(),
        &[
            "no UIO device named `axi-uart`",
            "found uio0 `axi-gpio`, uio1 `uio_pci_generic`, uio2 `axi-timer`, \
             uio10 `uio_pci_generic`",
        ],
    );

    let error = Uio::open_by_name_at(&dev, &sysfs, "uio_pci_generic").unwrap_err();
    assert_mentions(
        &error.to_string(),
        &[
            "several UIO devices",
            "named `uio_pci_generic`: uio1 uio10",
            "open one by index",
        ],
    );

    let missing = dir.path().join("no-uio-driver");
    let error = Uio::open_by_name_at(&dev, &missing, "axi-gpio").unwrap_err();
    assert_mentions(
        &error.to_string(),
        &["no UIO device at all", "is a UIO driver bound"],
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn open_by_name_reports_a_node_that_cannot_be_opened() {
    let dir = TempDir::new("nonode");
    let (dev, sysfs) = fake_uio_tree(dir.path());
    fs::remove_file(dev.join("uio0")).unwrap();
    let error = Uio::open_by_name_at(&dev, &sysfs, "axi-gpio").unwrap_err();
    assert!(matches!(error, IrqError::Open(_)));
    assert_eq!(
        error.os_error().and_then(io::Error::raw_os_error),
        Some(libc::ENOENT)
    );
    assert_mentions(&error.to_string(), &["uio0`", "no such UIO device"]);
}

/// Async waits on tokio's reactor.
#[cfg(feature = "async-tests")]
mod tokio_tests {
    use super::*;
    use mmreg::irq::{AsyncInterrupt, AsyncUio};

    #[tokio::test]
    #[cfg_attr(miri, ignore)]
    async fn async_wait_reads_each_count_and_clears_readiness() {
        let dir = TempDir::new("async");
        let (uio, mut kernel) = socket_uio(dir.path());
        let mut irq = AsyncUio::new(uio).unwrap();

        send_count(&mut kernel, 3);
        assert_eq!(
            irq.wait().await.unwrap(),
            IrqEvent {
                count: 3,
                missed: 0
            }
        );
        // Nothing more: the wait does not return (readiness was cleared).
        let pending = tokio::time::timeout(Duration::from_millis(10), irq.wait()).await;
        assert!(pending.is_err());

        // Another thread delivers while the task waits.
        let writer = std::thread::spawn(move || {
            send_count(&mut kernel, 6);
            kernel
        });
        assert_eq!(
            AsyncInterrupt::wait(&mut irq).await.unwrap(),
            IrqEvent {
                count: 6,
                missed: 2
            }
        );
        let mut kernel = writer.join().unwrap();

        assert_eq!(irq.enable_irq().unwrap(), IrqControl::Driver);
        AsyncInterrupt::rearm(&mut irq).unwrap();
        assert_eq!(received(&mut kernel, 2), [1, 1]);
        assert_eq!(irq.into_inner().event_count(), Some(6));
    }
}
