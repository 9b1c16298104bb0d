//! The `mmreg` binary against fake memory, a regular file and a memfd: exact
//! output, access logs, JSON shape, refusals, dry runs, name and value
//! errors, exit codes. No root, no hardware.

use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MMREG: &str = env!("CARGO_BIN_EXE_mmreg");
const TIMER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/timer.yaml");

/// A fresh scratch directory for one test (also its model cache).
fn scratch(name: &str) -> PathBuf {
    let directory = std::env::temp_dir().join(format!("mmreg-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

fn mmreg(directory: &Path, args: &[&str]) -> Output {
    Command::new(MMREG)
        .args(args)
        .env("XDG_CACHE_HOME", directory.join("cache"))
        .env("NO_COLOR", "1")
        .env_remove("MMREG_DESCRIPTION")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs and expects success, returning standard output.
fn ok(directory: &Path, args: &[&str]) -> String {
    let output = mmreg(directory, args);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    stdout(&output)
}

/// Runs and expects exit code `code`, returning standard error.
fn fails(directory: &Path, args: &[&str], code: i32) -> String {
    let output = mmreg(directory, args);
    assert_eq!(
        output.status.code(),
        Some(code),
        "{args:?}: {}{}",
        stdout(&output),
        stderr(&output)
    );
    stderr(&output)
}

#[test]
fn read_decodes_every_field_with_values_and_reset() {
    let dir = scratch("read");
    assert_eq!(
        ok(&dir, &["read", "-d", TIMER, "--fake", "timer.id"]),
        "TIMER.ID @ 0x4000000c = 0x7100a001\n"
    );
    assert_eq!(
        ok(&dir, &["read", "-d", TIMER, "--fake", "TIMER.FLAGS"]),
        "TIMER.FLAGS @ 0x40000004 = 0x00000100\n  OVERFLOW  [0]  0\n  MATCH     [1]  0\n  RUNNING   [8]  1\n"
    );
    assert_eq!(
        ok(&dir, &["read", "-d", TIMER, "--fake", "TIMER.CTRL.MODE"]),
        "TIMER.CTRL.MODE [2:1] = 0x0 (ONE_SHOT)\n"
    );
    // Arrays and clusters by index, with or without brackets.
    assert_eq!(
        ok(&dir, &["read", "-d", TIMER, "--fake", "dma.ch1.ctrl"]),
        "DMA.CH[1].CTRL @ 0x40001010 = 0x00000000\n  EN     [0]    0\n  WIDTH  [2:1]  0x0 (BYTE)\n"
    );
    assert_eq!(
        ok(&dir, &["read", "-d", TIMER, "--fake", "TIMER.COMPARE3"]),
        "TIMER.COMPARE3 @ 0x4000002c = 0x00000000\n"
    );
}

#[test]
fn json_is_one_object_per_register_in_a_stable_order() {
    let dir = scratch("json");
    let text = ok(
        &dir,
        &["read", "-d", TIMER, "--fake", "--json", "TIMER.FLAGS"],
    );
    assert_eq!(
        text,
        concat!(
            r#"{"path":"TIMER.FLAGS","address":"0x40000004","width":32,"access":"rw","value":"0x00000100","reset":"0x00000100","changed":false,"fields":["#,
            r#"{"name":"OVERFLOW","bits":"[0]","value":0,"reset":0,"changed":false},"#,
            r#"{"name":"MATCH","bits":"[1]","value":0,"reset":0,"changed":false},"#,
            r#"{"name":"RUNNING","bits":"[8]","value":1,"reset":1,"changed":false}]}"#,
            "\n"
        )
    );
    let dump = ok(&dir, &["dump", "-d", TIMER, "--fake", "--json", "DMA"]);
    let lines: Vec<&str> = dump.lines().collect();
    assert_eq!(lines.len(), 4, "{dump}");
    assert!(
        lines.iter().all(|l| l.starts_with(r#"{"path":"DMA.CH["#)),
        "{dump}"
    );
}

#[test]
fn verbose_shows_every_access_as_fake_mem_log_named_does() {
    let dir = scratch("verbose");
    let output = mmreg(
        &dir,
        &[
            "write",
            "-d",
            TIMER,
            "--fake",
            "-v",
            "TIMER.CTRL",
            "mode=Periodic",
            "ENABLE=1",
            "--readback",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let log = stderr(&output);
    let accesses: Vec<&str> = log
        .lines()
        .filter(|l| l.starts_with("  "))
        .map(str::trim)
        .collect();
    assert_eq!(
        accesses,
        [
            "TIMER.CTRL -> 0x00000000",
            "TIMER.CTRL <- 0x00000003 {ENABLE, MODE=PERIODIC}",
            "TIMER.CTRL -> 0x00000003 {ENABLE, MODE=PERIODIC}",
        ]
    );
    assert_eq!(
        stdout(&output),
        "TIMER.CTRL <- 0x00000003 {ENABLE, MODE=PERIODIC}\nTIMER.CTRL @ 0x40000000 = 0x00000003  (reset 0x00000000)\n  ENABLE     [0]     1  (reset 0)\n  MODE       [2:1]   0x1 (PERIODIC)  (reset 0x0)\n  PRESCALER  [11:8]  0x0\n"
    );
}

/// Sets a 32-bit register in a fake memory file as the device would.
fn poke_file(file: &Path, address: u64, value: u32) {
    let handle = std::fs::OpenOptions::new().write(true).open(file).unwrap();
    handle.write_at(&value.to_le_bytes(), address).unwrap();
}

#[test]
fn a_fake_file_keeps_state_and_side_effects_between_commands() {
    let dir = scratch("fake-file");
    let file = dir.join("soc.fake");
    let fake = format!("--fake={}", file.display());
    // Created and seeded from the reset values on first use.
    assert!(ok(&dir, &["read", "-d", TIMER, &fake, "TIMER.ID"]).contains("0x7100a001"));
    // The device raises both flags.
    poke_file(&file, 0x4000_0004, 0x103);
    // A field write is read-modify-write with action bits neutral: writing
    // OVERFLOW=1 clears OVERFLOW only, not MATCH (also 1 when read).
    let output = mmreg(
        &dir,
        &[
            "write",
            "-d",
            TIMER,
            &fake,
            "-v",
            "TIMER.FLAGS",
            "overflow=1",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("  TIMER.FLAGS -> 0x00000103 {OVERFLOW, MATCH, RUNNING}\n  TIMER.FLAGS <- 0x00000101 {OVERFLOW, RUNNING}\n"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        ok(&dir, &["read", "-d", TIMER, &fake, "TIMER.FLAGS.MATCH"]),
        "TIMER.FLAGS.MATCH [1] = 1  (reset 0)\n"
    );
    assert_eq!(
        ok(&dir, &["read", "-d", TIMER, &fake, "TIMER.FLAGS.OVERFLOW"]),
        "TIMER.FLAGS.OVERFLOW [0] = 0\n"
    );
    // A raw write of the read-only RUNNING bit leaves it; MATCH is cleared.
    ok(&dir, &["write", "-d", TIMER, &fake, "TIMER.FLAGS", "0x2"]);
    assert!(
        ok(&dir, &["read", "-d", TIMER, &fake, "TIMER.FLAGS"])
            .starts_with("TIMER.FLAGS @ 0x40000004 = 0x00000100\n")
    );
    // Clear-on-read: the first forced read returns the value, the next 0.
    assert!(
        ok(
            &dir,
            &["read", "-d", TIMER, &fake, "--force", "TIMER.CAPTURE"]
        )
        .contains("= 0x00001234")
    );
    assert!(
        ok(
            &dir,
            &["read", "-d", TIMER, &fake, "--force", "TIMER.CAPTURE"]
        )
        .contains("= 0x00000000")
    );
    // Without FILE the fake lives for one command.
    ok(
        &dir,
        &["write", "-d", TIMER, "--fake", "TIMER.CTRL", "ENABLE=1"],
    );
    assert!(ok(&dir, &["read", "-d", TIMER, "--fake", "TIMER.CTRL.ENABLE"]).contains("= 0"));
    // `--base` moves the peripheral (seeded where it lands).
    assert_eq!(
        ok(
            &dir,
            &[
                "read",
                "-d",
                TIMER,
                &fake,
                "--base",
                "0x50000000",
                "TIMER.ID"
            ]
        ),
        "TIMER.ID @ 0x5000000c = 0x7100a001\n"
    );
}

#[test]
fn side_effects_and_access_rules_are_refused_with_exit_code_5() {
    let dir = scratch("refuse");
    let error = fails(&dir, &["read", "-d", TIMER, "--fake", "TIMER.CAPTURE"], 5);
    assert!(
        error.contains(
            "TIMER.CAPTURE: a read clears it, so it is not read by accident (`--force` reads it)"
        ),
        "{error}"
    );
    let error = fails(&dir, &["read", "-d", TIMER, "--fake", "TIMER.COMMAND"], 5);
    assert!(
        error.contains("TIMER.COMMAND: the register is write-only"),
        "{error}"
    );
    let error = fails(&dir, &["write", "-d", TIMER, "--fake", "TIMER.ID", "1"], 5);
    assert!(
        error.contains("TIMER.ID: the register is read-only"),
        "{error}"
    );
    let error = fails(
        &dir,
        &["write", "-d", TIMER, "--fake", "TIMER.FLAGS", "running=0"],
        5,
    );
    assert!(
        error.contains("TIMER.FLAGS.RUNNING: the field is read-only"),
        "{error}"
    );
    let error = fails(
        &dir,
        &[
            "write",
            "-d",
            TIMER,
            "--fake",
            "--read-only",
            "TIMER.CTRL",
            "1",
        ],
        5,
    );
    assert!(error.contains("mapped read-only"), "{error}");
    // A write-only register's field write starts from the reset value: no read.
    let output = mmreg(
        &dir,
        &[
            "write",
            "-d",
            TIMER,
            "--fake",
            "-v",
            "TIMER.COMMAND",
            "start=1",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).ends_with("  TIMER.COMMAND <- 0x00000001 {START}\n"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn names_and_values_are_checked_with_exit_code_4() {
    let dir = scratch("names");
    let error = fails(&dir, &["read", "-d", TIMER, "--fake", "TIMER.CTRLL"], 4);
    assert!(
        error.contains("no register `TIMER.CTRLL`; did you mean `TIMER.CTRL`?"),
        "{error}"
    );
    let error = fails(&dir, &["read", "-d", TIMER, "--fake", "TIMR.CTRL"], 4);
    assert!(
        error.contains("no peripheral `TIMR`; did you mean `TIMER`?"),
        "{error}"
    );
    let error = fails(
        &dir,
        &["write", "-d", TIMER, "--fake", "TIMER.CTRL", "mod=1"],
        4,
    );
    assert!(
        error.contains("no field `TIMER.CTRL.mod`; did you mean `MODE`?"),
        "{error}"
    );
    let error = fails(
        &dir,
        &[
            "write",
            "-d",
            TIMER,
            "--fake",
            "TIMER.CTRL",
            "mode=periodik",
        ],
        4,
    );
    assert!(
        error.contains(
            "TIMER.CTRL.MODE: `periodik` is no value of the field; did you mean PERIODIC?"
        ),
        "{error}"
    );
    let error = fails(
        &dir,
        &[
            "write",
            "-d",
            TIMER,
            "--fake",
            "TIMER.CTRL",
            "prescaler=0x10",
        ],
        4,
    );
    assert!(
        error.contains("`0x10` does not fit the 4-bit field (at most 0xf)"),
        "{error}"
    );
    let error = fails(
        &dir,
        &["write", "-d", TIMER, "--fake", "DMA.CH0.LEN", "0x10000"],
        4,
    );
    assert!(
        error.contains("does not fit the 16-bit register"),
        "{error}"
    );
    // Errors name the description.
    assert!(error.contains(TIMER), "{error}");
}

#[test]
fn dry_run_prints_the_accesses_and_makes_none() {
    let dir = scratch("dry");
    let file = dir.join("soc.fake");
    let fake = format!("--fake={}", file.display());
    ok(&dir, &["read", "-d", TIMER, &fake, "TIMER.CTRL"]);
    let text = ok(
        &dir,
        &[
            "write",
            "-d",
            TIMER,
            &fake,
            "--dry-run",
            "TIMER.CTRL",
            "mode=free_running",
        ],
    );
    assert_eq!(
        text,
        "dry run: TIMER.CTRL -> 0x00000000\ndry run: TIMER.CTRL <- 0x00000004 {MODE=FREE_RUNNING}\n"
    );
    assert!(ok(&dir, &["read", "-d", TIMER, &fake, "TIMER.CTRL.MODE"]).contains("ONE_SHOT"));
    // No source is opened at all: /dev/mem need not exist.
    let text = ok(&dir, &["read", "-d", TIMER, "--dry-run", "TIMER.ID"]);
    assert_eq!(text, "dry run: TIMER.ID -> 0x7100a001\n");
}

#[test]
fn dump_skips_side_effects_and_write_only_registers_unless_forced() {
    let dir = scratch("dump");
    let output = mmreg(&dir, &["dump", "-d", TIMER, "--fake", "TIMER"]);
    assert!(output.status.success());
    assert_eq!(
        stderr(&output),
        "skipped TIMER.CAPTURE: a read clears it (`--force` reads it)\nskipped TIMER.COMMAND: write-only (`--force` reads it)\n"
    );
    let paths: Vec<String> = stdout(&output)
        .lines()
        .filter(|l| !l.starts_with(' '))
        .map(|l| l.split(' ').next().unwrap().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "TIMER.CTRL",
            "TIMER.FLAGS",
            "TIMER.ID",
            "TIMER.COMPARE0",
            "TIMER.COMPARE1",
            "TIMER.COMPARE2",
            "TIMER.COMPARE3"
        ]
    );
    let forced = ok(
        &dir,
        &["dump", "-d", TIMER, "--fake", "--force", "TIMER.C*"],
    );
    assert!(
        forced.contains("TIMER.CAPTURE @") && forced.contains("TIMER.COMMAND @"),
        "{forced}"
    );
}

#[test]
fn list_takes_globs_over_peripherals_clusters_and_registers() {
    let dir = scratch("list");
    assert_eq!(
        ok(&dir, &["list", "-d", TIMER]),
        "TIMER  0x40000000  0x100\nDMA    0x40001000  0x100\n"
    );
    assert_eq!(
        ok(&dir, &["list", "-d", TIMER, "dma.ch*.ctrl"]),
        "DMA.CH[0].CTRL  0x40001000  32  rw   reset 0x00000000\nDMA.CH[1].CTRL  0x40001010  32  rw   reset 0x00000000\n"
    );
    let json = ok(&dir, &["list", "-d", TIMER, "--json", "TIMER.CAP*"]);
    assert_eq!(
        json,
        "{\"path\":\"TIMER.CAPTURE\",\"address\":\"0x40000008\",\"width\":32,\"access\":\"ro\",\"reset\":\"0x00001234\",\"read_side_effect\":\"a read clears it\",\"fields\":[]}\n"
    );
    let error = fails(&dir, &["list", "-d", TIMER, "UART*"], 4);
    assert!(error.contains("no register matching `UART*`"), "{error}");
}

#[test]
fn watch_prints_changed_fields_with_timestamps() {
    let dir = scratch("watch");
    let file = dir.join("soc.fake");
    let fake = format!("--fake={}", file.display());
    ok(&dir, &["read", "-d", TIMER, &fake, "TIMER.ID"]);
    let child = Command::new(MMREG)
        .args([
            "watch",
            "-d",
            TIMER,
            &fake,
            "TIMER.CTRL",
            "--interval",
            "150",
            "--count",
            "4",
        ])
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(250));
    poke_file(&file, 0x4000_0000, 0x105);
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().map(|l| l.split_once(' ').unwrap().1).collect();
    assert_eq!(
        lines,
        [
            "TIMER.CTRL.ENABLE = 0",
            "TIMER.CTRL.MODE = 0x0 (ONE_SHOT)",
            "TIMER.CTRL.PRESCALER = 0x0",
            "TIMER.CTRL.ENABLE 0 -> 1",
            "TIMER.CTRL.MODE 0x0 (ONE_SHOT) -> 0x2 (FREE_RUNNING)",
            "TIMER.CTRL.PRESCALER 0x0 -> 0x1",
        ],
        "{text}"
    );
    // Each line starts with a timestamp, HH:MM:SS.mmm.
    let stamp = text.lines().next().unwrap().split(' ').next().unwrap();
    assert_eq!(stamp.len(), 12, "{stamp}");
    assert_eq!(&stamp[2..3], ":");
}

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
