//! The `mmreg` binary against a regular file and a memfd, the model cache,
//! broken descriptions, the environment, and `mmreg gen`.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

#[test]
fn a_regular_file_holds_the_peripheral_at_an_offset() {
    let dir = scratch("file");
    let file = dir.join("regs.bin");
    std::fs::write(&file, vec![0u8; 0x2000]).unwrap();
    poke_file(&file, 0x100c, 0xfeed_0001);
    let path = file.display().to_string();
    assert_eq!(
        ok(
            &dir,
            &[
                "read", "-d", TIMER, "--file", &path, "--offset", "0x1000", "TIMER.ID"
            ]
        ),
        "TIMER.ID @ 0x100c = 0xfeed0001  (reset 0x7100a001)\n"
    );
    ok(
        &dir,
        &[
            "write",
            "-d",
            TIMER,
            "--file",
            &path,
            "--offset",
            "0x1000",
            "TIMER.CTRL",
            "mode=periodic",
        ],
    );
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(&bytes[0x1000..0x1004], &[2, 0, 0, 0]);
    // dump and watch read the same file.
    let dump = ok(
        &dir,
        &[
            "dump",
            "-d",
            TIMER,
            "--file",
            &path,
            "--offset",
            "0x1000",
            "--json",
            "TIMER.ID",
            "TIMER.CTRL",
        ],
    );
    assert_eq!(dump.lines().count(), 2, "{dump}");
    assert!(
        dump.contains(
            r#""path":"TIMER.ID","address":"0x100c","width":32,"access":"ro","value":"0xfeed0001""#
        ),
        "{dump}"
    );
    let watch = ok(
        &dir,
        &[
            "watch",
            "-d",
            TIMER,
            "--file",
            &path,
            "--offset",
            "0x1000",
            "TIMER.CTRL.MODE",
            "--count",
            "1",
        ],
    );
    assert!(
        watch
            .trim_end()
            .ends_with(" TIMER.CTRL.MODE = 0x1 (PERIODIC)"),
        "{watch}"
    );
    // --read-only maps PROT_READ pages and refuses writes.
    let error = fails(
        &dir,
        &[
            "write",
            "-d",
            TIMER,
            "--file",
            &path,
            "--offset",
            "0x1000",
            "--read-only",
            "TIMER.CTRL",
            "0",
        ],
        5,
    );
    assert!(error.contains("read-only"), "{error}");
    assert!(
        ok(
            &dir,
            &[
                "read",
                "-d",
                TIMER,
                "--file",
                &path,
                "--offset",
                "0x1000",
                "--read-only",
                "TIMER.CTRL.MODE"
            ]
        )
        .contains("PERIODIC")
    );
    let error = fails(
        &dir,
        &[
            "read", "-d", TIMER, "--file", &path, "--offset", "0x1f80", "TIMER.ID",
        ],
        1,
    );
    assert!(error.contains("TIMER"), "{error}");
}

#[test]
fn a_memfd_is_a_source_too() {
    let dir = scratch("memfd");
    // SAFETY: a NUL-terminated name; the descriptor is inherited by the child
    // (no MFD_CLOEXEC), which opens it through /proc/self/fd.
    let fd = unsafe { libc::memfd_create(c"mmreg-test".as_ptr(), 0) };
    assert!(fd >= 0);
    // SAFETY: `fd` is ours.
    assert_eq!(unsafe { libc::ftruncate(fd, 0x1000) }, 0);
    let value = 0x0000_0c05u32.to_le_bytes();
    // SAFETY: writes 4 bytes from a live buffer.
    assert_eq!(unsafe { libc::pwrite(fd, value.as_ptr().cast(), 4, 0) }, 4);
    let path = format!("/proc/self/fd/{fd}");
    let text = ok(&dir, &["read", "-d", TIMER, "--file", &path, "TIMER.CTRL"]);
    assert_eq!(
        text,
        "TIMER.CTRL @ 0x0 = 0x00000c05  (reset 0x00000000)\n  ENABLE     [0]     1  (reset 0)\n  MODE       [2:1]   0x2 (FREE_RUNNING)  (reset 0x0)\n  PRESCALER  [11:8]  0xc  (reset 0x0)\n"
    );
    // SAFETY: closes our descriptor once.
    unsafe { libc::close(fd) };
}

#[test]
fn the_model_cache_is_used_and_a_corrupt_entry_is_rebuilt() {
    let dir = scratch("cache");
    let first = mmreg(&dir, &["read", "-d", TIMER, "--fake", "-v", "TIMER.ID"]);
    assert!(
        stderr(&first).contains("model ParsedAndCached"),
        "{}",
        stderr(&first)
    );
    let second = mmreg(&dir, &["read", "-d", TIMER, "--fake", "-v", "TIMER.ID"]);
    assert!(
        stderr(&second).contains("model Cached"),
        "{}",
        stderr(&second)
    );
    assert_eq!(stdout(&first), stdout(&second));
    // Damage every entry's body: the load notices and parses again.
    for entry in std::fs::read_dir(dir.join("cache/mmreg")).unwrap() {
        let path = entry.unwrap().path();
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 10;
        bytes[last] ^= 0x55;
        std::fs::write(&path, bytes).unwrap();
    }
    let third = mmreg(&dir, &["read", "-d", TIMER, "--fake", "-v", "DMA.CH1.CTRL"]);
    assert!(third.status.success(), "{}", stderr(&third));
    assert!(
        stdout(&third).starts_with("DMA.CH[1].CTRL @ 0x40001010"),
        "{}",
        stdout(&third)
    );
    // A header that does not parse is a miss, not an error.
    for entry in std::fs::read_dir(dir.join("cache/mmreg")).unwrap() {
        std::fs::write(entry.unwrap().path(), "mmreg-model-cache 1\n{not json\n").unwrap();
    }
    let fourth = mmreg(&dir, &["read", "-d", TIMER, "--fake", "-v", "TIMER.ID"]);
    assert!(
        stderr(&fourth).contains("model ParsedAndCached"),
        "{}",
        stderr(&fourth)
    );
    // An unwritable cache location still works, without a cache.
    let output = Command::new(MMREG)
        .args(["read", "-d", TIMER, "--fake", "-v", "TIMER.ID"])
        .env("XDG_CACHE_HOME", "/proc/no-such-dir")
        .env("HOME", "/proc/no-such-dir")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("model Parsed,"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_description_with_errors_or_denied_warnings_exits_3() {
    let dir = scratch("description");
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "device: d\nperipherals:\n  - name: P\n    base: 0\n    registers:\n      - name: R\n        offest: 0\n").unwrap();
    let error = fails(
        &dir,
        &["read", "-d", bad.to_str().unwrap(), "--fake", "P.R"],
        3,
    );
    assert!(error.contains("bad.yaml:7:9"), "{error}");
    let wide = dir.join("wide.yaml");
    std::fs::write(&wide, "device: d\nperipherals:\n  - name: P\n    base: 0\n    registers:\n      - name: R\n        offset: 0\n        reset: 0x1ffffffff\n").unwrap();
    ok(
        &dir,
        &["read", "-d", wide.to_str().unwrap(), "--fake", "P.R"],
    );
    let error = fails(
        &dir,
        &[
            "read",
            "-d",
            wide.to_str().unwrap(),
            "--fake",
            "--deny-warnings",
            "P.R",
        ],
        3,
    );
    assert!(
        error.contains("warning(s) and warnings are denied"),
        "{error}"
    );
    let error = fails(&dir, &["read", "-d", "/no/such.yaml", "--fake", "P.R"], 3);
    assert!(error.contains("cannot read `/no/such.yaml`"), "{error}");
}

#[test]
fn the_description_may_come_from_the_environment() {
    let dir = scratch("env");
    let output = Command::new(MMREG)
        .args(["read", "--fake", "TIMER.ID"])
        .env("MMREG_DESCRIPTION", TIMER)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .output()
        .unwrap();
    assert_eq!(stdout(&output), "TIMER.ID @ 0x4000000c = 0x7100a001\n");
}

#[test]
fn gen_writes_what_cargo_xtask_codegen_checks_in() {
    let dir = scratch("gen");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output_file = dir.join("hpet.rs");
    let output = Command::new(MMREG)
        .current_dir(&root)
        .args(["gen", "svd/hpet.yaml", "-o", output_file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let generated = std::fs::read_to_string(&output_file).unwrap();
    let checked_in =
        std::fs::read_to_string(root.join("examples/pci-edu/src/generated/hpet.rs")).unwrap();
    assert!(
        generated == checked_in,
        "mmreg gen and cargo xtask codegen differ"
    );
    // A crate, and an unknown peripheral in `--only`.
    let crate_dir = dir.join("crate");
    let output = Command::new(MMREG)
        .current_dir(&root)
        .args([
            "gen",
            "svd/hpet.yaml",
            "--crate",
            crate_dir.to_str().unwrap(),
            "--no-arrays",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
    assert!(
        manifest.starts_with("# @generated by `mmreg gen` from `svd/hpet.yaml`.\n"),
        "{manifest}"
    );
    let error = fails(
        &dir,
        &[
            "gen",
            &root.join("svd/hpet.yaml").display().to_string(),
            "-o",
            "x.rs",
            "--only",
            "HPTE",
        ],
        4,
    );
    assert!(error.contains("did you mean `HPET`?"), "{error}");
}
