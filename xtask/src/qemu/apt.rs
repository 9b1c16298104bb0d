//! apt for one Debian architecture: the machine's own for its native one,
//! and for a foreign one (`arm64`, `armhf`) a private copy of the package
//! lists under `target/qemu-test/apt/<arch>/`, fetched from the machine's own
//! apt sources, so the system needs no `dpkg --add-architecture` and its
//! package state is untouched.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context;

use super::packages::apt_get;
use crate::util::run;

/// apt commands for one architecture.
pub struct Apt {
    /// The architecture, as Debian names it.
    arch: String,
    /// Private lists and caches; `None` for the native architecture.
    private: Option<PathBuf>,
}

impl Apt {
    /// apt for `arch`; private state goes under `cache/<arch>/` when `arch`
    /// is not the machine's own.
    pub fn new(arch: &str, cache: &Path) -> anyhow::Result<Apt> {
        let private = if arch == native_arch()? {
            None
        } else {
            let directory = cache.join(arch);
            for sub in ["lists/partial", "cache/archives/partial"] {
                std::fs::create_dir_all(directory.join(sub))
                    .with_context(|| format!("cannot create `{}`", directory.display()))?;
            }
            Some(directory)
        };
        Ok(Apt {
            arch: arch.to_owned(),
            private,
        })
    }

    /// The `-o` options that point apt at the private state.
    fn options(&self) -> Vec<String> {
        let Some(directory) = &self.private else {
            return Vec::new();
        };
        let path = |sub: &str| directory.join(sub).display().to_string();
        [
            format!("Dir::State::Lists={}", path("lists")),
            format!("Dir::Cache={}", path("cache")),
            format!("APT::Architecture={}", self.arch),
            format!("APT::Architectures={}", self.arch),
            // The private directories belong to root; apt's sandbox user
            // could not write them.
            "APT::Sandbox::User=root".to_owned(),
        ]
        .into_iter()
        .flat_map(|option| ["-o".to_owned(), option])
        .collect()
    }

    /// Refreshes the package lists.
    pub fn update(&self) -> anyhow::Result<()> {
        let options = self.options();
        let options: Vec<&str> = options.iter().map(String::as_str).collect();
        apt_get(&[options.as_slice(), &["update"]].concat())
    }

    /// `apt-cache depends PACKAGE`'s output.
    pub fn depends(&self, package: &str) -> anyhow::Result<String> {
        let output = Command::new("apt-cache")
            .args(self.options())
            .args(["depends", package])
            .stdin(Stdio::null())
            .output()
            .context("cannot run apt-cache")?;
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// Downloads `package`'s `.deb` into `directory` and returns its path.
    pub fn download(&self, package: &str, directory: &Path) -> anyhow::Result<PathBuf> {
        // `apt-get download` writes into its working directory.
        run(Command::new("apt-get")
            .args(self.options())
            .args(["-q", "download", &format!("{package}:{}", self.arch)])
            .current_dir(directory)
            .stdin(Stdio::null()))?;
        std::fs::read_dir(directory)?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .find(|path| path.extension().is_some_and(|extension| extension == "deb"))
            .with_context(|| format!("apt-get download left no .deb in `{}`", directory.display()))
    }

    /// Whether this is the machine's own architecture.
    pub fn is_native(&self) -> bool {
        self.private.is_none()
    }
}

/// `dpkg --print-architecture`.
fn native_arch() -> anyhow::Result<String> {
    let output = Command::new("dpkg")
        .arg("--print-architecture")
        .stdin(Stdio::null())
        .output()
        .context("cannot run dpkg")?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
