//! `doctor` on fake `/proc`, `/sys`, `/dev` and `/boot` trees.

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
    assert!(texts(&findings).contains(&"[ok] command line: `iomem=relaxed` is given".to_string()));
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
    assert!(
        text.contains(
            "[!!] lockdown: `integrity`: /dev/mem and PCI resource files are refused even to root"
        ),
        "{text}"
    );
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
