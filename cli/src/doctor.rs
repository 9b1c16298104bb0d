//! `mmreg doctor [ADDR [LEN]]`: whether and why a mapping can or cannot work,
//! for this kernel and this process. It only reads: `/dev/mem`, the kernel
//! configuration (`/proc/config.gz` or `/boot/config-<release>`), the
//! command line, lockdown, this process's capabilities, container hints,
//! `/proc/iomem` for the range, the page size, and with `--uio`/`--pci` the
//! maps or BARs in sysfs. Every line says what it found and what to do.
//!
//! All paths hang off [`Roots`], so tests run it on fake `/proc` and `/sys`
//! trees.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use mmreg::map::IomemOwner;

use crate::error::Error;

/// `mmreg doctor` options.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// A physical address to check (`/proc/iomem` owner, RAM, alignment).
    #[arg(value_parser = number)]
    pub address: Option<u64>,
    /// The length of the range at ADDR (default one page).
    #[arg(value_parser = number)]
    pub len: Option<u64>,
    /// Check a UIO device (number or name) and list its maps.
    #[arg(long, value_name = "N|NAME")]
    pub uio: Option<String>,
    /// Check a PCI device and list its BARs.
    #[arg(long, value_name = "BDF")]
    pub pci: Option<String>,
}

fn number(text: &str) -> Result<u64, String> {
    crate::commands::parse_number(text).ok_or_else(|| format!("`{text}` is not a number"))
}

/// Where the system's files are: `/` normally, a fake tree in tests.
#[derive(Debug, Clone)]
pub struct Roots {
    /// The root directory (for `/.dockerenv`, `/run/.containerenv`).
    pub root: PathBuf,
    /// `/proc`.
    pub proc: PathBuf,
    /// `/sys`.
    pub sys: PathBuf,
    /// `/dev`.
    pub dev: PathBuf,
    /// `/boot`.
    pub boot: PathBuf,
    /// The page size (the real one for [`Roots::system`]).
    pub page_size: usize,
}

impl Roots {
    /// The running system.
    pub fn system() -> Roots {
        let mut roots = Roots::under(Path::new("/"));
        roots.page_size = mmreg::map::page::page_size().unwrap_or(4096);
        roots
    }

    /// A tree under `directory` (`directory/proc`, ...), page size 4096.
    pub fn under(directory: &Path) -> Roots {
        Roots {
            root: directory.to_path_buf(),
            proc: directory.join("proc"),
            sys: directory.join("sys"),
            dev: directory.join("dev"),
            boot: directory.join("boot"),
            page_size: 4096,
        }
    }
}

/// How a finding bears on mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Fine.
    Ok,
    /// Worth knowing; may matter.
    Note,
    /// Stops the mapping.
    Blocker,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// How it bears.
    pub status: Status,
    /// What was checked.
    pub topic: String,
    /// What was found and what to do.
    pub text: String,
}

impl Finding {
    fn new(status: Status, topic: &str, text: impl Into<String>) -> Self {
        Finding {
            status,
            topic: topic.to_string(),
            text: text.into(),
        }
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mark = match self.status {
            Status::Ok => "ok",
            Status::Note => "--",
            Status::Blocker => "!!",
        };
        write!(f, "[{mark}] {}: {}", self.topic, self.text)
    }
}

/// The kernel configuration, as far as it could be read.
#[derive(Debug, Clone, Default)]
struct Config {
    source: Option<PathBuf>,
    text: String,
}

impl Config {
    fn read(roots: &Roots) -> Config {
        let gz = roots.proc.join("config.gz");
        if let Ok(file) = std::fs::File::open(&gz) {
            let mut text = String::new();
            if flate2::read::GzDecoder::new(file)
                .take(16 << 20)
                .read_to_string(&mut text)
                .is_ok()
            {
                return Config {
                    source: Some(gz),
                    text,
                };
            }
        }
        let release =
            std::fs::read_to_string(roots.proc.join("sys/kernel/osrelease")).unwrap_or_default();
        let boot = roots.boot.join(format!("config-{}", release.trim()));
        if let Ok(text) = std::fs::read_to_string(&boot) {
            return Config {
                source: Some(boot),
                text,
            };
        }
        Config::default()
    }

    /// `Some(true)` for `=y`, `Some(false)` for `is not set`, `None` unknown.
    fn option(&self, name: &str) -> Option<bool> {
        self.source.as_ref()?;
        for line in self.text.lines() {
            if line.starts_with(&format!("{name}=")) {
                return Some(!line.ends_with("=n"));
            }
            if line == format!("# {name} is not set") {
                return Some(false);
            }
        }
        Some(false)
    }
}

/// The effective capabilities of this process, from `/proc/self/status`.
fn capabilities(roots: &Roots) -> Option<u64> {
    let status = std::fs::read_to_string(roots.proc.join("self/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("CapEff:"))?;
    u64::from_str_radix(line.trim_start_matches("CapEff:").trim(), 16).ok()
}

const CAP_SYS_RAWIO: u32 = 17;

/// Every finding, in report order.
pub fn diagnose(args: &Args, roots: &Roots) -> Vec<Finding> {
    let mut findings = Vec::new();
    let config = Config::read(roots);
    let cmdline = std::fs::read_to_string(roots.proc.join("cmdline")).unwrap_or_default();
    let relaxed = cmdline
        .split_whitespace()
        .any(|word| word == "iomem=relaxed");

    // /dev/mem
    let dev_mem = roots.dev.join("mem");
    if dev_mem.exists() {
        findings.push(Finding::new(
            Status::Ok,
            "/dev/mem",
            format!("`{}` is present", dev_mem.display()),
        ));
    } else {
        findings.push(Finding::new(
            Status::Blocker,
            "/dev/mem",
            format!(
                "`{}` is missing (a kernel without CONFIG_DEVMEM, or a container without the device): use a UIO driver (`--uio`) or a PCI resource file (`--pci`), or pass the device into the container",
                dev_mem.display()
            ),
        ));
    }

    // Kernel configuration.
    match &config.source {
        None => findings.push(Finding::new(
            Status::Note,
            "kernel config",
            "neither /proc/config.gz nor /boot/config-<release> is readable: the CONFIG_*DEVMEM options are unknown (`modprobe configs` provides /proc/config.gz)",
        )),
        Some(source) => {
            let source = source.display();
            match config.option("CONFIG_DEVMEM") {
                Some(false) => findings.push(Finding::new(Status::Blocker, "CONFIG_DEVMEM", format!("not set in `{source}`: this kernel has no /dev/mem; use UIO or a PCI resource file"))),
                _ => findings.push(Finding::new(Status::Ok, "CONFIG_DEVMEM", format!("set in `{source}`"))),
            }
            if config.option("CONFIG_STRICT_DEVMEM") == Some(true) {
                findings.push(Finding::new(Status::Note, "CONFIG_STRICT_DEVMEM", format!("set in `{source}`: /dev/mem maps I/O ranges only, never RAM")));
            } else {
                findings.push(Finding::new(Status::Ok, "CONFIG_STRICT_DEVMEM", format!("not set in `{source}`: RAM can be mapped too")));
            }
            if config.option("CONFIG_IO_STRICT_DEVMEM") == Some(true) {
                let text = if relaxed {
                    format!("set in `{source}`, but `iomem=relaxed` is on the command line: ranges claimed by drivers can be mapped")
                } else {
                    format!("set in `{source}`: ranges a driver has claimed (busy in /proc/iomem) are refused; boot with `iomem=relaxed` or unbind the driver")
                };
                findings.push(Finding::new(Status::Note, "CONFIG_IO_STRICT_DEVMEM", text));
            } else {
                findings.push(Finding::new(Status::Ok, "CONFIG_IO_STRICT_DEVMEM", format!("not set in `{source}`: ranges claimed by drivers can be mapped")));
            }
        }
    }
    findings.push(Finding::new(
        Status::Ok,
        "command line",
        if relaxed {
            "`iomem=relaxed` is given"
        } else {
            "no `iomem=relaxed`"
        },
    ));

    // Lockdown.
    let lockdown_path = roots.sys.join("kernel/security/lockdown");
    match std::fs::read_to_string(&lockdown_path) {
        Ok(text) => {
            let mode = text
                .split_whitespace()
                .find(|word| word.starts_with('['))
                .map(|word| word.trim_matches(['[', ']']).to_string())
                .unwrap_or_default();
            if mode == "none" || mode.is_empty() {
                findings.push(Finding::new(Status::Ok, "lockdown", "none"));
            } else {
                findings.push(Finding::new(
                    Status::Blocker,
                    "lockdown",
                    format!("`{mode}`: /dev/mem and PCI resource files are refused even to root (often Secure Boot); use a UIO driver, or boot without lockdown"),
                ));
            }
        }
        Err(_) => findings.push(Finding::new(
            Status::Note,
            "lockdown",
            format!(
                "`{}` is not readable (no lockdown support, or securityfs not mounted)",
                lockdown_path.display()
            ),
        )),
    }

    // Privileges.
    match capabilities(roots) {
        Some(caps) if caps & (1 << CAP_SYS_RAWIO) != 0 => {
            findings.push(Finding::new(Status::Ok, "CAP_SYS_RAWIO", "this process has it"))
        }
        Some(_) => findings.push(Finding::new(
            Status::Blocker,
            "CAP_SYS_RAWIO",
            "this process lacks it: /dev/mem and PCI resource files need it; run as root (`sudo mmreg ...`) or use UIO, whose device node only needs file permissions",
        )),
        None => findings.push(Finding::new(Status::Note, "CAP_SYS_RAWIO", "/proc/self/status is not readable: unknown")),
    }

    // Containers.
    let cgroup = std::fs::read_to_string(roots.proc.join("1/cgroup")).unwrap_or_default();
    let container = if roots.root.join(".dockerenv").exists() {
        Some("/.dockerenv exists (Docker)")
    } else if roots.root.join("run/.containerenv").exists() {
        Some("/run/.containerenv exists (Podman)")
    } else if ["docker", "kubepods", "lxc", "containerd"]
        .iter()
        .any(|word| cgroup.contains(word))
    {
        Some("process 1's cgroup names a container runtime")
    } else {
        None
    };
    match container {
        Some(why) => findings.push(Finding::new(
            Status::Note,
            "container",
            format!("{why}: /dev/mem, /sys and capabilities are what the container was given (`--privileged` or `--device /dev/mem --cap-add SYS_RAWIO`)"),
        )),
        None => findings.push(Finding::new(Status::Ok, "container", "no sign of one")),
    }

    findings.push(Finding::new(
        Status::Ok,
        "page size",
        format!("{} bytes", roots.page_size),
    ));

    if let Some(address) = args.address {
        findings.extend(range_findings(
            roots,
            &config,
            relaxed,
            address,
            args.len.unwrap_or(roots.page_size as u64),
        ));
    }
    if let Some(uio) = &args.uio {
        findings.extend(uio_findings(roots, uio));
    }
    if let Some(pci) = &args.pci {
        findings.extend(pci_findings(roots, pci));
    }
    findings
}

fn range_findings(
    roots: &Roots,
    config: &Config,
    relaxed: bool,
    address: u64,
    len: u64,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let topic = format!("range {address:#x}+{len:#x}");
    if !address.is_multiple_of(8) {
        findings.push(Finding::new(
            Status::Blocker,
            &topic,
            "the address is not a multiple of 8: mmreg maps from 8-byte aligned addresses",
        ));
    }
    let iomem = roots.proc.join("iomem");
    let owner = IomemOwner::look_up(&iomem, address, usize::try_from(len).unwrap_or(usize::MAX));
    match owner {
        IomemOwner::Unreadable { path } => findings.push(Finding::new(
            Status::Note,
            &topic,
            format!("`{}` is not readable: the owner is unknown", path.display()),
        )),
        IomemOwner::AddressesHidden { .. } => findings.push(Finding::new(
            Status::Note,
            &topic,
            "/proc/iomem shows every address as 0 to this user: run as root to see the owner",
        )),
        IomemOwner::Unclaimed { .. } => findings.push(Finding::new(
            Status::Ok,
            &topic,
            "no entry in /proc/iomem claims it",
        )),
        IomemOwner::NotChecked => {}
        IomemOwner::Claimed { entries, .. } => {
            let names: Vec<&str> = entries
                .iter()
                .filter_map(|e| e.split_once(" : ").map(|(_, name)| name))
                .collect();
            let ram = names.iter().any(|name| name.contains("System RAM"));
            let text = format!("/proc/iomem: {}", entries.join(" > "));
            if ram {
                let strict = config.option("CONFIG_STRICT_DEVMEM") != Some(false);
                findings.push(Finding::new(
                    if strict { Status::Blocker } else { Status::Note },
                    &topic,
                    format!("{text}: it is RAM; CONFIG_STRICT_DEVMEM (set by most distributions, assumed when unknown) refuses RAM through /dev/mem: check the address, or share memory through a file"),
                ));
            } else {
                // The innermost entry that is not a bus window names the claimant.
                let claimant = names
                    .iter()
                    .rev()
                    .find(|name| !is_bus_window(name))
                    .copied();
                match claimant {
                    None => findings.push(Finding::new(
                        Status::Ok,
                        &topic,
                        format!("{text}: inside a bus window, claimed by no driver"),
                    )),
                    Some(driver) => {
                        let io_strict = config.option("CONFIG_IO_STRICT_DEVMEM");
                        let (status, advice) = match (io_strict, relaxed) {
                            (Some(false), _) | (_, true) => (
                                Status::Note,
                                "but this kernel lets /dev/mem map claimed ranges; the driver may fight your writes".to_string(),
                            ),
                            (Some(true), false) => (
                                Status::Blocker,
                                "CONFIG_IO_STRICT_DEVMEM refuses ranges a driver holds busy (most claims): boot with `iomem=relaxed` or unbind the driver".to_string(),
                            ),
                            (None, false) => (
                                Status::Note,
                                "if CONFIG_IO_STRICT_DEVMEM is set (unknown here) and the claim is busy, /dev/mem refuses it (EPERM): then boot with `iomem=relaxed` or unbind the driver".to_string(),
                            ),
                        };
                        findings.push(Finding::new(
                            status,
                            &topic,
                            format!("{text}: claimed by `{driver}`; {advice}"),
                        ));
                    }
                }
            }
        }
    }
    findings
}

/// Whether an `/proc/iomem` name is a bus window or a firmware reservation
/// rather than a driver's claim.
fn is_bus_window(name: &str) -> bool {
    name.starts_with("PCI Bus")
        || name.starts_with("PCI ECAM")
        || name == "Reserved"
        || name.starts_with("pnp ")
}

fn read_trimmed(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|text| text.trim().to_string())
}

fn parse_sysfs_number(text: &str) -> Option<u64> {
    let text = text.trim();
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

fn uio_findings(roots: &Roots, wanted: &str) -> Vec<Finding> {
    let class = roots.sys.join("class/uio");
    let mut devices: Vec<(u32, String)> = std::fs::read_dir(&class)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let index = name.strip_prefix("uio")?.parse().ok()?;
            Some((
                index,
                read_trimmed(&entry.path().join("name")).unwrap_or_default(),
            ))
        })
        .collect();
    devices.sort();
    let found = devices
        .iter()
        .find(|(index, name)| wanted.parse::<u32>().ok() == Some(*index) || name == wanted);
    let topic = format!("uio {wanted}");
    let Some((index, name)) = found else {
        let known: Vec<String> = devices
            .iter()
            .map(|(i, n)| format!("uio{i} ({n})"))
            .collect();
        return vec![Finding::new(
            Status::Blocker,
            &topic,
            if known.is_empty() {
                format!(
                    "no UIO devices in `{}`: bind a UIO driver (`uio_pdrv_genirq` with a `generic-uio` device tree node, `uio_pci_generic`)",
                    class.display()
                )
            } else {
                format!("no such device; there are {}", known.join(", "))
            },
        )];
    };
    let mut findings = Vec::new();
    let node = roots.dev.join(format!("uio{index}"));
    let access = std::ffi::CString::new(node.as_os_str().as_encoded_bytes())
        .ok()
        // SAFETY: `access` only reads the NUL-terminated path.
        .map(|path| unsafe { libc::access(path.as_ptr(), libc::R_OK | libc::W_OK) } == 0);
    match (node.exists(), access) {
        (false, _) => findings.push(Finding::new(Status::Blocker, &topic, format!("`{}` is missing: is devtmpfs mounted, or the node passed into the container?", node.display()))),
        (true, Some(false)) => findings.push(Finding::new(Status::Blocker, &topic, format!("`{}` is not readable and writable by this user: change its group or permissions (a udev rule)", node.display()))),
        _ => findings.push(Finding::new(Status::Ok, &topic, format!("uio{index} is `{name}`, `{}` is usable", node.display()))),
    }
    let maps = class.join(format!("uio{index}/maps"));
    let mut indices: Vec<u32> = std::fs::read_dir(&maps)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .strip_prefix("map")?
                .parse()
                .ok()
        })
        .collect();
    indices.sort();
    if indices.is_empty() {
        findings.push(Finding::new(
            Status::Blocker,
            &topic,
            "the device has no memory maps",
        ));
    }
    for map in indices {
        let directory = maps.join(format!("map{map}"));
        let addr = read_trimmed(&directory.join("addr")).and_then(|t| parse_sysfs_number(&t));
        let size = read_trimmed(&directory.join("size")).and_then(|t| parse_sysfs_number(&t));
        let map_name = read_trimmed(&directory.join("name")).unwrap_or_default();
        findings.push(Finding::new(
            Status::Ok,
            &format!("uio{index} map{map}"),
            format!(
                "address {}, size {}{}: `--uio {index}:{map}`",
                addr.map(|a| format!("{a:#x}"))
                    .unwrap_or_else(|| "?".into()),
                size.map(|s| format!("{s:#x}"))
                    .unwrap_or_else(|| "?".into()),
                if map_name.is_empty() {
                    String::new()
                } else {
                    format!(" (`{map_name}`)")
                }
            ),
        ));
    }
    findings
}

fn pci_findings(roots: &Roots, address: &str) -> Vec<Finding> {
    let address = if address.matches(':').count() == 1 {
        format!("0000:{address}")
    } else {
        address.to_string()
    };
    let device = roots.sys.join("bus/pci/devices").join(&address);
    let topic = format!("pci {address}");
    let Some(resource) = read_trimmed(&device.join("resource")) else {
        return vec![Finding::new(
            Status::Blocker,
            &topic,
            format!(
                "`{}` is not readable: no such device (`lspci -D` lists them)",
                device.join("resource").display()
            ),
        )];
    };
    let mut findings = Vec::new();
    match std::fs::read_link(device.join("driver")) {
        Ok(driver) => {
            let driver = driver
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let uio = driver == "uio_pci_generic";
            findings.push(Finding::new(
                if uio { Status::Ok } else { Status::Note },
                &topic,
                if uio {
                    "bound to `uio_pci_generic`: map its BARs through the resource files (`--pci`), interrupts through /dev/uioN".to_string()
                } else {
                    format!("bound to driver `{driver}`: the driver may fight your accesses; unbind it (`echo {address} > /sys/bus/pci/drivers/{driver}/unbind`)")
                },
            ));
        }
        Err(_) => findings.push(Finding::new(Status::Ok, &topic, "no driver bound")),
    }
    if read_trimmed(&device.join("enable")).as_deref() == Some("0") {
        findings.push(Finding::new(
            Status::Note,
            &topic,
            format!(
                "the device is disabled: `echo 1 > {}` enables its memory decoding",
                device.join("enable").display()
            ),
        ));
    }
    for (bar, line) in resource.lines().enumerate().take(6) {
        let numbers: Vec<u64> = line
            .split_whitespace()
            .filter_map(parse_sysfs_number)
            .collect();
        let [start, end, flags] = numbers[..] else {
            continue;
        };
        if start == 0 && end == 0 {
            continue;
        }
        let size = end - start + 1;
        let file = device.join(format!("resource{bar}"));
        let (status, text) = if flags & 0x200 != 0 {
            (
                Status::Ok,
                format!("memory at {start:#x}, size {size:#x}: `--pci {address}:{bar}`"),
            )
        } else if flags & 0x100 != 0 {
            (
                Status::Note,
                format!("I/O ports at {start:#x}, size {size:#x}: not mappable"),
            )
        } else {
            (
                Status::Note,
                format!("at {start:#x}, size {size:#x}, flags {flags:#x}"),
            )
        };
        let text = if status == Status::Ok && !file.exists() {
            format!("{text}; but `{}` is missing", file.display())
        } else {
            text
        };
        findings.push(Finding::new(
            status,
            &format!("pci {address} BAR{bar}"),
            text,
        ));
    }
    findings
}

/// Prints every finding; returns whether any is a blocker.
pub fn run(args: &Args, roots: &Roots, out: &mut dyn Write) -> Result<bool, Error> {
    let findings = diagnose(args, roots);
    for finding in &findings {
        writeln!(out, "{finding}").map_err(|source| Error::Io {
            message: "cannot write to",
            path: "standard output".into(),
            source,
        })?;
    }
    Ok(findings.iter().any(|f| f.status == Status::Blocker))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake system tree: `/proc`, `/sys`, `/dev`, `/boot` under a scratch
    /// directory.
    struct Tree(PathBuf);

    impl Tree {
        fn new(name: &str) -> Tree {
            let directory =
                std::env::temp_dir().join(format!("mmreg-doctor-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&directory);
            std::fs::create_dir_all(&directory).unwrap();
            Tree(directory)
        }

        fn file(&self, path: &str, text: &str) -> &Tree {
            let path = self.0.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
            self
        }

        fn config_gz(&self, text: &str) -> &Tree {
            use std::io::Write as _;
            let path = self.0.join("proc/config.gz");
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let mut encoder = flate2::write::GzEncoder::new(
                std::fs::File::create(path).unwrap(),
                flate2::Compression::default(),
            );
            encoder.write_all(text.as_bytes()).unwrap();
            encoder.finish().unwrap();
            self
        }

        fn roots(&self) -> Roots {
            Roots::under(&self.0)
        }
    }

    impl Drop for Tree {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const IOMEM: &str = "\
00000000-00000fff : Reserved
00001000-0009fbff : System RAM
00100000-7ffdffff : System RAM
  01000000-01ffffff : Kernel code
fe000000-febfffff : PCI Bus 0000:00
  febf0000-febfffff : 0000:00:04.0
    febf0000-febfffff : edu
fed00000-fed003ff : HPET 0
  fed00000-fed003ff : PNP0103:00
";

    fn args(address: Option<u64>) -> Args {
        Args {
            address,
            len: None,
            uio: None,
            pci: None,
        }
    }

    fn texts(findings: &[Finding]) -> Vec<String> {
        findings.iter().map(ToString::to_string).collect()
    }

    /// A typical distribution kernel, root, no container.
    fn distribution(name: &str) -> Tree {
        let tree = Tree::new(name);
        tree.config_gz("CONFIG_DEVMEM=y\nCONFIG_STRICT_DEVMEM=y\nCONFIG_IO_STRICT_DEVMEM=y\n")
            .file("dev/mem", "")
            .file("proc/cmdline", "console=ttyS0 root=/dev/vda\n")
            .file("proc/iomem", IOMEM)
            .file(
                "proc/self/status",
                "Name:\tmmreg\nCapEff:\t000001ffffffffff\n",
            )
            .file("proc/1/cgroup", "0::/init.scope\n")
            .file(
                "sys/kernel/security/lockdown",
                "[none] integrity confidentiality\n",
            );
        tree
    }

    #[test]
    fn ram_is_refused_under_strict_devmem() {
        let tree = distribution("ram");
        let findings = diagnose(&args(Some(0x100_0000)), &tree.roots());
        let text = texts(&findings);
        assert!(
            text.contains(&format!(
                "[ok] /dev/mem: `{}` is present",
                tree.0.join("dev/mem").display()
            )),
            "{text:#?}"
        );
        let range = findings
            .iter()
            .find(|f| f.topic == "range 0x1000000+0x1000")
            .unwrap();
        assert_eq!(range.status, Status::Blocker);
        assert!(range.text.starts_with("/proc/iomem: 00100000-7ffdffff : System RAM > 01000000-01ffffff : Kernel code: it is RAM;"), "{}", range.text);
        assert!(
            text.iter()
                .any(|l| l.starts_with("[--] CONFIG_STRICT_DEVMEM: set in")),
            "{text:#?}"
        );
    }

    #[test]
    fn driver_claimed_ranges_need_iomem_relaxed() {
        let tree = distribution("claimed");
        let findings = diagnose(&args(Some(0xfebf_0000)), &tree.roots());
        let range = findings
            .iter()
            .find(|f| f.topic.starts_with("range"))
            .unwrap();
        assert_eq!(range.status, Status::Blocker, "{range}");
        assert!(
            range
                .text
                .contains("claimed by `edu`; CONFIG_IO_STRICT_DEVMEM"),
            "{}",
            range.text
        );
        assert!(
            range
                .text
                .contains("boot with `iomem=relaxed` or unbind the driver"),
            "{}",
            range.text
        );

        // A top-level claim (the local APIC) is a claim too.
        let findings = diagnose(&args(Some(0xfed0_0000)), &tree.roots());
        let range = findings
            .iter()
            .find(|f| f.topic.starts_with("range"))
            .unwrap();
        assert!(range.text.ends_with("claimed by `PNP0103:00`; CONFIG_IO_STRICT_DEVMEM refuses ranges a driver holds busy (most claims): boot with `iomem=relaxed` or unbind the driver"), "{}", range.text);
        // A bus window alone is no claim.
        let findings = diagnose(&args(Some(0xfe00_0000)), &tree.roots());
        let range = findings
            .iter()
            .find(|f| f.topic.starts_with("range"))
            .unwrap();
        assert_eq!(range.status, Status::Ok, "{range}");
        tree.file("proc/cmdline", "console=ttyS0 iomem=relaxed\n");
        let findings = diagnose(&args(Some(0xfebf_0000)), &tree.roots());
        let range = findings
            .iter()
            .find(|f| f.topic.starts_with("range"))
            .unwrap();
        assert_eq!(range.status, Status::Note, "{range}");
        assert!(
            texts(&findings).contains(&"[ok] command line: `iomem=relaxed` is given".to_string())
        );
    }

    #[test]
    fn lockdown_capabilities_containers_and_a_missing_dev_mem_are_explained() {
        let tree = Tree::new("locked");
        tree.file("proc/self/status", "CapEff:\t0000000000000000\n")
            .file(
                "sys/kernel/security/lockdown",
                "none [integrity] confidentiality\n",
            )
            .file(".dockerenv", "")
            .file("proc/sys/kernel/osrelease", "6.1.0-test\n")
            .file("boot/config-6.1.0-test", "# CONFIG_DEVMEM is not set\n");
        let findings = diagnose(&args(None), &tree.roots());
        let blockers: Vec<&str> = findings
            .iter()
            .filter(|f| f.status == Status::Blocker)
            .map(|f| f.topic.as_str())
            .collect();
        assert_eq!(
            blockers,
            ["/dev/mem", "CONFIG_DEVMEM", "lockdown", "CAP_SYS_RAWIO"]
        );
        let text = texts(&findings).join("\n");
        assert!(text.contains("[!!] lockdown: `integrity`: /dev/mem and PCI resource files are refused even to root"), "{text}");
        assert!(text.contains("config-6.1.0-test"), "{text}");
        assert!(
            text.contains("[--] container: /.dockerenv exists (Docker)"),
            "{text}"
        );
        assert!(
            text.contains("[--] lockdown") || text.contains("[!!] lockdown"),
            "{text}"
        );
    }

    #[test]
    fn without_a_kernel_config_the_options_are_unknown() {
        let tree = Tree::new("noconfig");
        let findings = diagnose(&args(None), &tree.roots());
        let config = findings
            .iter()
            .find(|f| f.topic == "kernel config")
            .unwrap();
        assert_eq!(config.status, Status::Note);
        assert!(config.text.contains("`modprobe configs`"), "{config}");
    }

    #[test]
    fn uio_maps_and_pci_bars_are_listed() {
        let tree = distribution("devices");
        tree.file("sys/class/uio/uio0/name", "axi-gpio\n")
            .file("sys/class/uio/uio0/maps/map0/addr", "0x41200000\n")
            .file("sys/class/uio/uio0/maps/map0/size", "0x10000\n")
            .file("dev/uio0", "")
            .file(
                "sys/bus/pci/devices/0000:00:04.0/resource",
                "0x00000000febf0000 0x00000000febfffff 0x0000000000040200\n0x0000000000000000 0x0000000000000000 0x0000000000000000\n0x000000000000c000 0x000000000000c03f 0x0000000000040101\n",
            )
            .file("sys/bus/pci/devices/0000:00:04.0/resource0", "");
        std::os::unix::fs::symlink(
            tree.0.join("sys/bus/pci/drivers/edu"),
            tree.0.join("sys/bus/pci/devices/0000:00:04.0/driver"),
        )
        .unwrap();
        let mut request = args(None);
        request.uio = Some("axi-gpio".into());
        request.pci = Some("00:04.0".into());
        let text = texts(&diagnose(&request, &tree.roots()));
        let tail: Vec<&str> = text
            .iter()
            .rev()
            .take(5)
            .rev()
            .map(String::as_str)
            .collect();
        assert_eq!(
            tail,
            [
                &format!(
                    "[ok] uio axi-gpio: uio0 is `axi-gpio`, `{}` is usable",
                    tree.0.join("dev/uio0").display()
                ) as &str,
                "[ok] uio0 map0: address 0x41200000, size 0x10000: `--uio 0:0`",
                "[--] pci 0000:00:04.0: bound to driver `edu`: the driver may fight your accesses; unbind it (`echo 0000:00:04.0 > /sys/bus/pci/drivers/edu/unbind`)",
                "[ok] pci 0000:00:04.0 BAR0: memory at 0xfebf0000, size 0x10000: `--pci 0000:00:04.0:0`",
                "[--] pci 0000:00:04.0 BAR2: I/O ports at 0xc000, size 0x40: not mappable",
            ]
        );
        let mut missing = args(None);
        missing.uio = Some("7".into());
        let text = texts(&diagnose(&missing, &tree.roots()));
        assert_eq!(
            text.last().unwrap(),
            "[!!] uio 7: no such device; there are uio0 (axi-gpio)"
        );
    }
}
