//! The `mmreg` binary against fake memory: exact output, access logs, JSON
//! shape, refusals, dry runs, name and value errors, exit codes. No root, no
//! hardware.

mod common;

use std::process::Command;

use common::*;

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

/// An IP-XACT component whose register offset is a parameter: `--param`
/// moves it, by name or by `parameterId`, and is part of the model cache's
/// key (the second command would otherwise get the first one's model).
#[test]
fn ip_xact_parameters_are_given_with_param_and_key_the_cache() {
    let dir = scratch("param");
    let description = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/param.xml");
    let list = |extra: &[&str]| {
        let mut args = vec!["list", "-d", description, "--fake", "BLK.*"];
        args.extend_from_slice(extra);
        ok(&dir, &args)
    };
    assert!(
        list(&[]).starts_with("BLK.CTRL  0x00001008  32"),
        "{}",
        list(&[])
    );
    for given in ["CTRL_OFFSET=0x10", "ctrl_offset='h10"] {
        let text = list(&["--param", given]);
        assert!(
            text.starts_with("BLK.CTRL  0x00001010  32"),
            "{given}: {text}"
        );
    }
    let error = fails(
        &dir,
        &["list", "-d", description, "--fake", "--param", "NOPE=1"],
        3,
    );
    assert!(
        error.contains("`--param NOPE`: the component has no parameter with that name or id"),
        "{error}"
    );
}
