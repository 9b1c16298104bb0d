//! A `qemu-arm` that keeps 64-bit `mmap` offsets.
//!
//! Debian 12's `qemu-user` (QEMU 7.2) keeps only the low 32 bits of a 32-bit
//! guest's `mmap2` page offset, so the runtime's test that maps a file above
//! 4 GiB cannot prove the 64-bit offset path under it. Later QEMU keeps every
//! bit. This module takes `qemu-user` from the release's backports suite,
//! unpacked under `target/` (the system's packages stay as they are), with an
//! apt source derived from the machine's own Debian sources: no mirror is
//! named here. When that fails, the system `qemu-arm` is used and the test
//! checks the truncation it knows about instead.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

use crate::util;

/// QEMU's first major version whose user mode keeps 64-bit mmap offsets.
const FIRST_FULL_OFFSET_MAJOR: u32 = 8;

/// A `qemu-arm` binary and whether it keeps 64-bit offsets.
pub struct QemuArm {
    /// The program to run.
    pub program: PathBuf,
    /// Whether the test may demand the full 64-bit offset.
    pub full_offsets: bool,
}

/// The best `qemu-arm` to be had: the system one if it is new enough, else a
/// backports build cached under `target/cross/qemu-user/`, else the system one.
pub fn find() -> QemuArm {
    let system = PathBuf::from("qemu-arm");
    if major_version(&system).is_some_and(|major| major >= FIRST_FULL_OFFSET_MAJOR) {
        return QemuArm {
            program: system,
            full_offsets: true,
        };
    }
    let cache = util::workspace_root().join("target/cross/qemu-user");
    let cached = cache.join("usr/bin/qemu-arm");
    if !cached.exists()
        && let Err(error) = fetch_backports(&cache)
    {
        println!("note: no backports qemu-user ({error:#}); using the system qemu-arm");
    }
    match major_version(&cached) {
        Some(major) if major >= FIRST_FULL_OFFSET_MAJOR => QemuArm {
            program: cached,
            full_offsets: true,
        },
        _ => QemuArm {
            program: system,
            full_offsets: false,
        },
    }
}

/// The major version `program --version` reports.
fn major_version(program: &Path) -> Option<u32> {
    let output = Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text.split("version ").nth(1)?;
    version.split('.').next()?.trim().parse().ok()
}

/// Downloads `qemu-user` from `<codename>-backports` and unpacks it into `cache`.
fn fetch_backports(cache: &Path) -> anyhow::Result<()> {
    let codename = os_release_codename().context("reading the release codename")?;
    let suite = format!("{codename}-backports");
    let source = backports_source(&codename, &suite).context("deriving a backports source")?;
    let apt_dir = cache.with_file_name("apt");
    fs::create_dir_all(apt_dir.join("lists/partial"))?;
    fs::create_dir_all(apt_dir.join("cache/archives/partial"))?;
    let list = apt_dir.join("sources.list");
    fs::write(&list, source)?;
    let options = private_apt_options(&apt_dir, &list);
    util::run(
        Command::new("apt-get")
            .args(&options)
            .args(["-q", "update"])
            .stdin(Stdio::null()),
    )?;
    let download_dir = apt_dir.join("download");
    fs::create_dir_all(&download_dir)?;
    util::run(
        Command::new("apt-get")
            .args(&options)
            .args(["-q", "download", &format!("qemu-user/{suite}")])
            .current_dir(&download_dir)
            .stdin(Stdio::null()),
    )?;
    let package = fs::read_dir(&download_dir)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|e| e == "deb"))
        .context("apt-get download left no .deb")?;
    util::run(Command::new("dpkg-deb").arg("-x").arg(&package).arg(cache))?;
    Ok(())
}

/// apt options that keep lists and caches private to `apt_dir`, so the
/// system's own package state is untouched.
fn private_apt_options(apt_dir: &Path, list: &Path) -> Vec<String> {
    let path = |p: &Path| p.display().to_string();
    vec![
        "-o".into(),
        format!("Dir::Etc::sourcelist={}", path(list)),
        "-o".into(),
        "Dir::Etc::sourceparts=-".into(),
        "-o".into(),
        format!("Dir::State::Lists={}", path(&apt_dir.join("lists"))),
        "-o".into(),
        format!("Dir::Cache={}", path(&apt_dir.join("cache"))),
        "-o".into(),
        "APT::Sandbox::User=root".into(),
    ]
}

/// `VERSION_CODENAME` from `/etc/os-release`.
fn os_release_codename() -> anyhow::Result<String> {
    let text = fs::read_to_string("/etc/os-release")?;
    text.lines()
        .find_map(|line| line.strip_prefix("VERSION_CODENAME="))
        .map(|value| value.trim_matches('"').to_string())
        .filter(|value| !value.is_empty())
        .context("no VERSION_CODENAME")
}

/// A one-line apt source for `suite`, from the first machine source (deb822
/// `.sources` or one-line `.list`) that serves `codename` itself.
fn backports_source(codename: &str, suite: &str) -> anyhow::Result<String> {
    let mut files = vec![PathBuf::from("/etc/apt/sources.list")];
    if let Ok(entries) = fs::read_dir("/etc/apt/sources.list.d") {
        let mut parts: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        parts.sort();
        files.extend(parts);
    }
    for file in files {
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        let name = file.to_string_lossy();
        let found = if name.ends_with(".sources") {
            deb822_uri(&text, codename)
        } else if name.ends_with(".list") {
            one_line_uri(&text, codename)
        } else {
            None
        };
        if let Some((uri, signed_by)) = found {
            let options = signed_by
                .map(|key| format!("[signed-by={key}] "))
                .unwrap_or_default();
            return Ok(format!("deb {options}{uri} {suite} main\n"));
        }
    }
    bail!("no apt source serves `{codename}`")
}

/// URI and key of the first deb822 stanza whose suites include `codename`.
fn deb822_uri(text: &str, codename: &str) -> Option<(String, Option<String>)> {
    for stanza in text.split("\n\n") {
        let field = |key: &str| {
            stanza
                .lines()
                .find_map(|line| line.strip_prefix(key).map(|v| v.trim().to_string()))
        };
        let types = field("Types:").unwrap_or_default();
        let suites = field("Suites:").unwrap_or_default();
        if types.split_whitespace().any(|t| t == "deb")
            && suites.split_whitespace().any(|s| s == codename)
        {
            let uri = field("URIs:")?.split_whitespace().next()?.to_string();
            return Some((uri, field("Signed-By:")));
        }
    }
    None
}

/// URI of the first one-line `deb` entry for `codename`.
fn one_line_uri(text: &str, codename: &str) -> Option<(String, Option<String>)> {
    text.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("deb ")?.trim_start();
        // Options come first, in brackets: `[arch=amd64 signed-by=/key.gpg]`.
        let (options, entry) = match rest.strip_prefix('[') {
            Some(bracketed) => bracketed.split_once(']')?,
            None => ("", rest),
        };
        let words: Vec<&str> = entry.split_whitespace().collect();
        let signed_by = options
            .split_whitespace()
            .find_map(|option| option.strip_prefix("signed-by="))
            .map(str::to_string);
        (words.get(1) == Some(&codename)).then(|| (words[0].to_string(), signed_by))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deb822_source_for_the_codename_is_found() {
        let text = "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\n\
                    Components: main\nSigned-By: /usr/share/keyrings/k.gpg\n\n\
                    Types: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\n";
        assert_eq!(
            deb822_uri(text, "bookworm"),
            Some((
                "http://mirror.example/debian".into(),
                Some("/usr/share/keyrings/k.gpg".into())
            ))
        );
        assert_eq!(deb822_uri(text, "trixie"), None);
    }

    #[test]
    fn one_line_source_for_the_codename_is_found() {
        let text = "# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main\n";
        assert_eq!(
            one_line_uri(text, "bookworm"),
            Some(("http://mirror.example/debian".into(), Some("/k.gpg".into())))
        );
        assert_eq!(
            one_line_uri("deb http://m.example/d bookworm-security main", "bookworm"),
            None
        );
    }
}
