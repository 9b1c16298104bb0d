//! The initramfs: busybox, the guest's modules, the guest program, the
//! guest's extra files and `/init`, written as a `newc` cpio archive.
//!
//! The archive is written here rather than by the `cpio` tool so that it can
//! hold `/dev/console` (the kernel opens it for `/init`'s output before
//! devtmpfs is mounted) without `mknod`, and so that it is the same bytes on
//! every run.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use super::cli_guest;
use super::guest;
use super::guests::Guest;
use super::kernel::Kernel;
use crate::util::workspace_root;

/// Marks, on the console, that the kernel reached the test; [`super::boot`]
/// looks for it.
pub const START_MARKER: &str = "mmreg-guest: start";
/// Precedes the guest program's exit status on the console.
pub const EXIT_MARKER: &str = "mmreg-guest: exit status ";

/// Writes the initramfs for `spec`, its guest program `guest` and its
/// `kernel` to `image`; with `cli`, the `mmreg` command and its checks too
/// (issue 15).
pub fn build(
    image: &Path,
    spec: &Guest,
    guest: &Path,
    cli: Option<&Path>,
    kernel: &Kernel,
) -> anyhow::Result<()> {
    let mut archive = Archive::default();
    for directory in ["bin", "dev", "proc", "sys", "tmp", "lib", "lib/modules"] {
        archive.entry(directory, DIRECTORY | 0o755, 0, &[]);
    }
    // Character device 5:1 is the console.
    archive.entry("dev/console", CHARACTER_DEVICE | 0o600, device(5, 1), &[]);
    archive.entry(
        "init",
        REGULAR | 0o755,
        0,
        init_script(kernel, spec.virtio_console, cli.is_some()).as_bytes(),
    );
    archive.file("bin/busybox", 0o755, &kernel.busybox)?;
    archive.file(&format!("bin/{}", guest::PACKAGE), 0o755, guest)?;
    for (inside, outside) in spec.extra_files {
        let inside = inside.trim_start_matches('/');
        // Parent directories beyond the fixed ones above.
        let mut parent = Path::new(inside).parent();
        let mut parents = Vec::new();
        while let Some(directory) = parent.filter(|p| !p.as_os_str().is_empty()) {
            parents.push(directory.to_string_lossy().into_owned());
            parent = directory.parent();
        }
        for directory in parents.into_iter().rev() {
            if !archive.names.contains(&directory) {
                archive.entry(&directory, DIRECTORY | 0o755, 0, &[]);
            }
        }
        archive.file(inside, 0o755, &workspace_root().join(outside))?;
    }
    // The `mmreg` command and its checks (see `cli_guest`).
    if let Some(cli) = cli {
        if !archive.names.iter().any(|name| name == "svd") {
            archive.entry("svd", DIRECTORY | 0o755, 0, &[]);
        }
        archive.file("bin/mmreg", 0o755, cli)?;
        for (inside, source) in cli_guest::FILES {
            archive.file(inside, 0o644, &workspace_root().join(source))?;
        }
        archive.entry(
            cli_guest::CHECKS_PATH,
            REGULAR | 0o755,
            0,
            cli_guest::CHECKS.as_bytes(),
        );
    }
    for module in &kernel.modules {
        let name = module
            .file_name()
            .expect("module paths name a file")
            .to_string_lossy();
        archive.file(&format!("lib/modules/{name}"), 0o644, module)?;
    }
    let bytes = archive.finish();
    std::fs::write(image, bytes).with_context(|| format!("cannot write `{}`", image.display()))
}

/// `/init`: mount the pseudo file systems, load the modules, move the
/// output to the virtio console when the guest has one, run the checks
/// (the guest program, then the `mmreg` command's with `cli`), report their
/// exit status and power off.
fn init_script(kernel: &Kernel, virtio_console: bool, cli: bool) -> String {
    let modules: Vec<String> = kernel
        .modules
        .iter()
        .map(|module| {
            let name = module
                .file_name()
                .expect("module paths name a file")
                .to_string_lossy();
            format!("/lib/modules/{name}")
        })
        .collect();
    format!(
        r#"#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for module in {modules}; do
    insmod "$module" || echo "mmreg-guest: insmod $module failed"
done
{redirect}echo "{START_MARKER}"
/bin/{program} --self-test
status=$?
{cli_checks}echo "{EXIT_MARKER}$status"
poweroff -f
"#,
        modules = modules.join(" "),
        program = guest::PACKAGE,
        redirect = if virtio_console { REDIRECT } else { "" },
        // The `mmreg` checks run after the guest program.
        cli_checks = if cli {
            format!("/{} || status=1\n", cli_guest::CHECKS_PATH)
        } else {
            String::new()
        },
    )
}

/// Waits (at most 5 s) for the virtio console and sends everything after it
/// there, away from the serial port.
const REDIRECT: &str = r#"i=0
while [ ! -c /dev/hvc0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ -c /dev/hvc0 ]; then exec >/dev/hvc0 2>&1; else echo "mmreg-guest: no /dev/hvc0"; fi
"#;

/// File type bits of a cpio mode.
const DIRECTORY: u32 = 0o040_000;
const REGULAR: u32 = 0o100_000;
const CHARACTER_DEVICE: u32 = 0o020_000;

/// A device number as (major, minor), packed for [`Archive::entry`].
fn device(major: u32, minor: u32) -> u64 {
    (u64::from(major) << 32) | u64::from(minor)
}

/// A `newc` cpio archive being assembled in memory.
#[derive(Default)]
struct Archive {
    bytes: Vec<u8>,
    next_inode: u32,
    /// Every name added so far.
    names: Vec<String>,
}

impl Archive {
    /// Adds a regular file with the contents of `source`.
    fn file(&mut self, name: &str, permissions: u32, source: &Path) -> anyhow::Result<()> {
        let contents =
            std::fs::read(source).with_context(|| format!("cannot read `{}`", source.display()))?;
        self.entry(name, REGULAR | permissions, 0, &contents);
        Ok(())
    }

    /// Adds one entry; `device` is a packed (major, minor) for device nodes.
    fn entry(&mut self, name: &str, mode: u32, device: u64, contents: &[u8]) {
        self.next_inode += 1;
        self.names.push(name.to_owned());
        let fields = [
            self.next_inode,
            mode,
            0, // uid: root
            0, // gid: root
            if mode & DIRECTORY != 0 { 2 } else { 1 },
            0, // mtime: fixed, so the archive is reproducible
            u32::try_from(contents.len()).expect("initramfs members are far below 4 GiB"),
            0, // device of the file system holding the entry
            0,
            (device >> 32) as u32,
            device as u32,
            u32::try_from(name.len() + 1).expect("short names"),
            0, // checksum: unused by the newc format
        ];
        self.bytes.extend_from_slice(b"070701");
        for field in fields {
            write!(self.bytes, "{field:08x}").expect("writing to a Vec cannot fail");
        }
        self.bytes.extend_from_slice(name.as_bytes());
        self.bytes.push(0);
        self.pad();
        self.bytes.extend_from_slice(contents);
        self.pad();
    }

    /// Aligns the archive to 4 bytes, as `newc` requires after names and data.
    fn pad(&mut self) {
        while !self.bytes.len().is_multiple_of(4) {
            self.bytes.push(0);
        }
    }

    /// Appends the trailer and returns the archive.
    fn finish(mut self) -> Vec<u8> {
        self.entry("TRAILER!!!", 0, 0, &[]);
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newc_entries_are_aligned_and_name_their_sizes() {
        let mut archive = Archive::default();
        archive.entry("init", REGULAR | 0o755, 0, b"#!/bin/sh\n");
        let bytes = archive.finish();
        // Header (110) + "init\0" (5) padded to 116, then 10 bytes of data padded to 128.
        assert_eq!(&bytes[..6], b"070701");
        assert_eq!(&bytes[6..14], b"00000001"); // inode
        assert_eq!(&bytes[14..22], b"000081ed"); // regular file, 0755
        assert_eq!(&bytes[54..62], b"0000000a"); // file size
        assert_eq!(&bytes[94..102], b"00000005"); // name size with its NUL
        assert_eq!(&bytes[110..115], b"init\0");
        assert_eq!(&bytes[116..126], b"#!/bin/sh\n");
        assert_eq!(&bytes[128..134], b"070701");
        assert_eq!(&bytes[238..249], b"TRAILER!!!\0");
        assert_eq!(bytes.len() % 4, 0);
    }

    #[test]
    fn device_nodes_carry_major_and_minor() {
        let mut archive = Archive::default();
        archive.entry("dev/console", CHARACTER_DEVICE | 0o600, device(5, 1), &[]);
        let bytes = archive.finish();
        assert_eq!(&bytes[14..22], b"00002180");
        assert_eq!(&bytes[78..86], b"00000005"); // rdev major
        assert_eq!(&bytes[86..94], b"00000001"); // rdev minor
    }
}
