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

mod devices;

use devices::{pci_findings, uio_findings};

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
mod tests;
