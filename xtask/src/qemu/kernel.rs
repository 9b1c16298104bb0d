//! A guest's kernel: Debian's `linux-image-<flavour>` of the guest's
//! architecture (`cloud-amd64`, `cloud-arm64`, `armmp-lpae`), fetched once and
//! cached, with the modules the guest loads and, for a foreign architecture,
//! that architecture's static busybox.
//!
//! These kernels have `CONFIG_STRICT_DEVMEM=y` and `CONFIG_IO_STRICT_DEVMEM=y`
//! (so the test can check the runtime's refusal messages) and build UIO as
//! modules, shipped uncompressed, which the initramfs loads with `insmod`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use super::apt::Apt;
use super::guests::Guest;
use crate::util::run;

/// Where Debian's `busybox-static` installs busybox.
const BUSYBOX: &str = "bin/busybox";

/// The files the guest boots with.
pub struct Kernel {
    /// The compressed kernel image.
    pub vmlinuz: PathBuf,
    /// The module files, in load order (`uio.ko` first).
    pub modules: Vec<PathBuf>,
    /// A statically linked busybox for the guest's architecture.
    pub busybox: PathBuf,
}

/// What to fetch for one guest.
struct Wanted<'a> {
    /// The metapackage that depends on the current versioned kernel.
    metapackage: String,
    /// The suffix of the versioned package's name (`-cloud-arm64`).
    suffix: String,
    /// Modules, relative to `lib/modules/<release>/kernel/`.
    modules: &'a [&'a str],
    /// apt for the guest's architecture.
    apt: Apt,
}

/// Returns the cached kernel of the version Debian currently ships for
/// `guest`, downloading and extracting it first when it is not cached.
/// `cache` is `target/qemu-test/`.
pub fn ensure(cache: &Path, guest: &Guest) -> anyhow::Result<Kernel> {
    let apt = Apt::new(guest.debian_arch, &cache.join("apt"))?;
    let wanted = Wanted {
        metapackage: format!("linux-image-{}", guest.kernel_flavour),
        suffix: format!("-{}", guest.kernel_flavour),
        modules: guest.modules,
        apt,
    };
    let mut kernel = kernel(&cache.join("kernel").join(guest.debian_arch), &wanted)?;
    kernel.busybox = if wanted.apt.is_native() {
        PathBuf::from("/").join(BUSYBOX)
    } else {
        foreign_busybox(&cache.join("busybox").join(guest.debian_arch), &wanted.apt)?
    };
    Ok(kernel)
}

/// The kernel, cached under `cache` (one directory per versioned package).
fn kernel(cache: &Path, wanted: &Wanted<'_>) -> anyhow::Result<Kernel> {
    let mut lists_updated = false;
    let package = match versioned_package(wanted) {
        Ok(package) => package,
        Err(_) => {
            // A fresh machine may have no package lists yet.
            wanted.apt.update()?;
            lists_updated = true;
            versioned_package(wanted)?
        }
    };
    let kernel = Kernel::cached_in(&cache.join(&package), wanted.modules);
    if kernel.is_complete() {
        return Ok(kernel);
    }
    let error = match download(cache, &package, wanted) {
        Ok(kernel) => return Ok(kernel),
        Err(error) => error,
    };
    // The package lists may name a version the mirror no longer has: an
    // older cached kernel tests the runtime just as well, or fresher lists
    // name one it has.
    if let Some(older) = cached_versions(cache, wanted.modules)
        .into_iter()
        .find(Kernel::is_complete)
    {
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
    wanted.apt.update()?;
    download(cache, &versioned_package(wanted)?, wanted)
}

/// The static busybox of a foreign architecture, cached in `cache`.
fn foreign_busybox(cache: &Path, apt: &Apt) -> anyhow::Result<PathBuf> {
    let busybox = cache.join("busybox");
    if busybox.is_file() {
        return Ok(busybox);
    }
    let fetch = |apt: &Apt| -> anyhow::Result<()> {
        let scratch = cache_sibling(cache, "download");
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch)?;
        let archive = apt.download("busybox-static", &scratch)?;
        let tree = scratch.join("tree");
        run(Command::new("dpkg-deb").arg("-x").arg(&archive).arg(&tree))?;
        std::fs::create_dir_all(cache)?;
        std::fs::copy(tree.join(BUSYBOX), &busybox)
            .context("`busybox-static` has no `bin/busybox`")?;
        std::fs::remove_dir_all(&scratch)
            .with_context(|| format!("cannot remove `{}`", scratch.display()))
    };
    if let Err(error) = fetch(apt) {
        eprintln!("qemu-test: {error:#}; updating the package lists and retrying");
        apt.update()?;
        fetch(apt)?;
    }
    Ok(busybox)
}

/// Downloads `package` into the cache, removing other cached versions.
fn download(cache: &Path, package: &str, wanted: &Wanted<'_>) -> anyhow::Result<Kernel> {
    println!("qemu-test: downloading {package}");
    let directory = cache.join(package);
    fetch(package, &directory, wanted)?;
    remove_other_versions(cache, package, wanted.modules);
    Ok(Kernel::cached_in(&directory, wanted.modules))
}

impl Kernel {
    /// The files of a kernel cached in `directory` (which may not exist).
    fn cached_in(directory: &Path, modules: &[&str]) -> Kernel {
        Kernel {
            vmlinuz: directory.join("vmlinuz"),
            modules: modules
                .iter()
                .map(|module| directory.join(file_name(module)))
                .collect(),
            busybox: PathBuf::new(),
        }
    }

    /// Whether every file is there.
    fn is_complete(&self) -> bool {
        self.vmlinuz.is_file() && self.modules.iter().all(|module| module.is_file())
    }
}

/// Every kernel directory in the cache.
fn cached_versions(cache: &Path, modules: &[&str]) -> Vec<Kernel> {
    let Ok(entries) = std::fs::read_dir(cache) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .map(|entry| Kernel::cached_in(&entry.path(), modules))
        .collect()
}

/// Removes cached kernels other than `package`, so versions do not pile up.
fn remove_other_versions(cache: &Path, package: &str, modules: &[&str]) {
    for kernel in cached_versions(cache, modules) {
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
fn versioned_package(wanted: &Wanted<'_>) -> anyhow::Result<String> {
    let text = wanted.apt.depends(&wanted.metapackage)?;
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("Depends:"))
        .map(str::trim)
        .find(|name| name.starts_with("linux-image-") && name.ends_with(&wanted.suffix))
        .map(str::to_owned)
        .with_context(|| format!("apt-cache does not know `{}`", wanted.metapackage))
}

/// Downloads `package`, extracts it to a scratch directory, and keeps only
/// the kernel image and the modules in `directory`.
fn fetch(package: &str, directory: &Path, wanted: &Wanted<'_>) -> anyhow::Result<()> {
    let release = package
        .strip_prefix("linux-image-")
        .expect("checked when resolved");
    let scratch = cache_sibling(directory, "download");
    // A previous run may have been interrupted half-way.
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch)
        .with_context(|| format!("cannot create `{}`", scratch.display()))?;
    let archive = wanted.apt.download(package, &scratch)?;
    let tree = scratch.join("tree");
    run(Command::new("dpkg-deb").arg("-x").arg(&archive).arg(&tree))?;

    std::fs::create_dir_all(directory)?;
    let mut copies = vec![(
        tree.join(format!("boot/vmlinuz-{release}")),
        directory.join("vmlinuz"),
    )];
    let module_root = tree.join(format!("lib/modules/{release}/kernel"));
    for module in wanted.modules {
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
