//! Finding a UIO device by the `name` its driver gave it, in
//! `/sys/class/uio/uio*/name`.

use std::io;
use std::path::Path;

use super::Uio;
use crate::irq::IrqError;

impl Uio {
    /// Opens the UIO device whose `name` attribute is `name` (for
    /// device-tree devices, usually the node's name; for PCI devices, the
    /// driver's, `uio_pci_generic`).
    ///
    /// Fails with [`IrqError::NameNotFound`], listing the names there are,
    /// when none matches, and with [`IrqError::AmbiguousName`] when several do.
    pub fn open_by_name(name: &str) -> Result<Uio, IrqError> {
        Uio::open_by_name_at(Path::new("/dev"), Path::new("/sys/class/uio"), name)
    }

    /// As [`Uio::open_by_name`], with the device nodes in `dev_root` and the
    /// devices' sysfs directories in `sysfs_root`: tests pass a fake tree.
    pub fn open_by_name_at(
        dev_root: &Path,
        sysfs_root: &Path,
        name: &str,
    ) -> Result<Uio, IrqError> {
        let devices = Uio::list_at(sysfs_root)?;
        let indices: Vec<u32> = devices
            .iter()
            .filter(|(_, found)| found == name)
            .map(|&(index, _)| index)
            .collect();
        match *indices.as_slice() {
            [index] => Ok(Uio::open_at(dev_root, sysfs_root, index)?),
            [] => Err(IrqError::NameNotFound {
                sysfs_root: sysfs_root.to_owned(),
                name: name.to_owned(),
                found: devices,
            }),
            _ => Err(IrqError::AmbiguousName {
                sysfs_root: sysfs_root.to_owned(),
                name: name.to_owned(),
                indices,
            }),
        }
    }

    /// The UIO devices of this system, as `(N of uioN, name)`, by index.
    pub fn list() -> Result<Vec<(u32, String)>, IrqError> {
        Uio::list_at(Path::new("/sys/class/uio"))
    }

    /// The UIO devices described in `sysfs_root`, as `(N of uioN, name)`, by
    /// index. A missing `sysfs_root` (no UIO driver loaded) is no device.
    pub fn list_at(sysfs_root: &Path) -> Result<Vec<(u32, String)>, IrqError> {
        let sysfs_error = |path: &Path, error| IrqError::Sysfs {
            path: path.to_owned(),
            error,
        };
        let entries = match std::fs::read_dir(sysfs_root) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => return Err(sysfs_error(sysfs_root, error)),
        };
        let mut devices = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|error| sysfs_error(sysfs_root, error))?;
            let file_name = entry.file_name();
            let Some(index) = file_name.to_str().and_then(uio_index) else {
                continue;
            };
            let path = entry.path().join("name");
            match std::fs::read_to_string(&path) {
                Ok(name) => devices.push((index, name.trim().to_owned())),
                // Removed since the directory was read.
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => return Err(sysfs_error(&path, error)),
            }
        }
        devices.sort();
        Ok(devices)
    }
}

/// N of a `uioN` directory name.
fn uio_index(file_name: &str) -> Option<u32> {
    let digits = file_name.strip_prefix("uio")?;
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_uio_and_digits_name_a_device() {
        assert_eq!(uio_index("uio0"), Some(0));
        assert_eq!(uio_index("uio12"), Some(12));
        for other in ["uio", "uio+1", "uio-1", "uiox", "dev0", "uio99999999999"] {
            assert_eq!(uio_index(other), None, "{other}");
        }
    }
}
