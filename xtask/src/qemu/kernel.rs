//! The guest kernel: Debian's `linux-image-cloud-amd64`, fetched once and
//! cached.
//!
//! That kernel has `CONFIG_STRICT_DEVMEM=y` and `CONFIG_IO_STRICT_DEVMEM=y`
//! (so the test can check the runtime's refusal messages) and builds UIO as
//! modules, shipped uncompressed, which the initramfs loads with `insmod`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use super::packages::apt_get;
use crate::util::run;

/// The metapackage that depends on the current versioned cloud kernel.
const METAPACKAGE: &str = "linux-image-cloud-amd64";

/// The UIO modules, relative to `lib/modules/<release>/kernel/`, in load order.
const MODULES: [&str; 2] = ["drivers/uio/uio.ko", "drivers/uio/uio_pci_generic.ko"];

/// The files the guest boots with.
pub struct Kernel {
    /// The compressed kernel image.
    pub vmlinuz: PathBuf,
    /// The module files, in load order (`uio.ko` first).
    pub modules: Vec<PathBuf>,
}

/// Returns the cached kernel of the version Debian currently ships,
/// downloading and extracting it first when it is not cached.
pub fn ensure(cache: &Path) -> anyhow::Result<Kernel> {
    let mut lists_updated = false;
    let package = match versioned_package() {
        Ok(package) => package,
        Err(_) => {
            // A fresh machine may have no package lists yet.
            apt_get(&["update"])?;
            lists_updated = true;
            versioned_package()?
        }
    };
    let kernel = Kernel::cached_in(&cache.join(&package));
    if kernel.is_complete() {
        return Ok(kernel);
    }
    let error = match download(cache, &package) {
        Ok(kernel) => return Ok(kernel),
        Err(error) => error,
    };
    // The package lists may name a version the mirror no longer has: an
    // older cached kernel tests the runtime just as well, or fresher lists
    // name one it has.
    if let Some(older) = cached_versions(cache).into_iter().find(Kernel::is_complete) {
        eprintln!(
            "qemu-test: {error:#}; using the cached `{}`",
            older.vmlinuz.display()
        );
        return Ok(older);
    }
    if lists_updated {
        return Err(error);
    }
    eprintln!("qemu-test: {error:#}; updating the package lists and retrying");
    apt_get(&["update"])?;
    download(cache, &versioned_package()?)
}

/// Downloads `package` into the cache, removing other cached versions.
fn download(cache: &Path, package: &str) -> anyhow::Result<Kernel> {
    println!("qemu-test: downloading {package}");
    let directory = cache.join(package);
    fetch(package, &directory)?;
    remove_other_versions(cache, package);
    Ok(Kernel::cached_in(&directory))
}

impl Kernel {
    /// The files of a kernel cached in `directory` (which may not exist).
    fn cached_in(directory: &Path) -> Kernel {
        Kernel {
            vmlinuz: directory.join("vmlinuz"),
            modules: MODULES
                .iter()
                .map(|module| directory.join(file_name(module)))
                .collect(),
        }
    }

    /// Whether every file is there.
    fn is_complete(&self) -> bool {
        self.vmlinuz.is_file() && self.modules.iter().all(|module| module.is_file())
    }
}

/// Every kernel directory in the cache.
fn cached_versions(cache: &Path) -> Vec<Kernel> {
    let Ok(entries) = std::fs::read_dir(cache) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .map(|entry| Kernel::cached_in(&entry.path()))
        .collect()
}

/// Removes cached kernels other than `package`, so versions do not pile up.
fn remove_other_versions(cache: &Path, package: &str) {
    for kernel in cached_versions(cache) {
        let directory = kernel
            .vmlinuz
            .parent()
            .expect("cached files sit in a directory");
        if directory.file_name().is_some_and(|name| name != package) {
            // Best effort: a leftover directory costs only disk space.
            let _ = std::fs::remove_dir_all(directory);
        }
    }
}

/// Resolves the metapackage to the versioned package it depends on, such as
/// `linux-image-6.1.0-48-cloud-amd64`.
fn versioned_package() -> anyhow::Result<String> {
    let output = Command::new("apt-cache")
        .args(["depends", METAPACKAGE])
        .output()
        .context("cannot run apt-cache")?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("Depends:"))
        .map(str::trim)
        .find(|name| name.starts_with("linux-image-") && name.ends_with("-cloud-amd64"))
        .map(str::to_owned)
        .with_context(|| format!("apt-cache does not know `{METAPACKAGE}`"))
}

/// Downloads `package`, extracts it to a scratch directory, and keeps only
/// the kernel image and the modules in `directory`.
fn fetch(package: &str, directory: &Path) -> anyhow::Result<()> {
    let release = package
        .strip_prefix("linux-image-")
        .expect("checked when resolved");
    let scratch = cache_sibling(directory, "download");
    // A previous run may have been interrupted half-way.
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch)
        .with_context(|| format!("cannot create `{}`", scratch.display()))?;
    // `apt-get download` writes into its working directory.
    run(Command::new("apt-get")
        .args(["-q", "download", package])
        .current_dir(&scratch))?;
    let archive = std::fs::read_dir(&scratch)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|extension| extension == "deb"))
        .with_context(|| format!("apt-get download left no .deb in `{}`", scratch.display()))?;
    let tree = scratch.join("tree");
    run(Command::new("dpkg-deb").arg("-x").arg(&archive).arg(&tree))?;

    std::fs::create_dir_all(directory)?;
    let mut copies = vec![(
        tree.join(format!("boot/vmlinuz-{release}")),
        directory.join("vmlinuz"),
    )];
    let module_root = tree.join(format!("lib/modules/{release}/kernel"));
    for module in MODULES {
        let source = module_root.join(module);
        if !source.is_file() && source.with_extension("ko.xz").is_file() {
            bail!(
                "`{}` is compressed; this test expects uncompressed modules",
                source.display()
            );
        }
        copies.push((source, directory.join(file_name(module))));
    }
    for (source, destination) in copies {
        std::fs::copy(&source, &destination).with_context(|| {
            format!(
                "`{package}` has no `{}`",
                source.strip_prefix(&tree).unwrap_or(&source).display()
            )
        })?;
    }
    std::fs::remove_dir_all(&scratch)
        .with_context(|| format!("cannot remove `{}`", scratch.display()))
}

/// `directory` with `.suffix` appended to its name (not replacing what follows
/// its last dot, as `with_extension` would: package names contain dots).
fn cache_sibling(directory: &Path, suffix: &str) -> PathBuf {
    let mut name = directory.file_name().unwrap_or_default().to_owned();
    name.push(".");
    name.push(suffix);
    directory.with_file_name(name)
}

/// The last component of a module path.
fn file_name(module: &str) -> &str {
    module.rsplit('/').next().unwrap_or(module)
}
