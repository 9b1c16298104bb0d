//! The README's first command, `cargo run -p rpi-gpio -- --fake`, run as the
//! user would: it must succeed without root or hardware and print decoded
//! register accesses.

use std::process::Command;

#[test]
fn fake_run_prints_decoded_accesses_and_sees_one_press() {
    let output = Command::new(env!("CARGO_BIN_EXE_rpi-gpio"))
        .arg("--fake")
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "    GPIO.GPFSEL1 <- 0x00200000 {FSEL7=OUTPUT}",
        "    GPIO.GPSET0 <- 0x00020000 {SET17}",
        "blink 2: button low (held), pressed since the last look",
        "    GPIO.GPEDS0 <- 0x08000000 {EDS27}",
        "1 button press(es) seen",
    ] {
        assert!(
            stdout.lines().any(|line| line == expected),
            "missing `{expected}` in:\n{stdout}"
        );
    }
    // Five blinks: one set and one clear each, plus the clear before setup.
    let sets = stdout.matches("GPIO.GPSET0 <-").count();
    let clears = stdout.matches("GPIO.GPCLR0 <-").count();
    assert_eq!((sets, clears), (5, 6));
}

#[test]
fn a_missing_gpiomem_is_a_clear_error() {
    // Off a Raspberry Pi the default source, /dev/gpiomem, does not exist:
    // the program must say so and exit 1, not panic.
    if std::path::Path::new("/dev/gpiomem").exists() {
        return;
    }
    let output = Command::new(env!("CARGO_BIN_EXE_rpi-gpio"))
        .args(["--blinks", "1"])
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("error: cannot open /dev/gpiomem (is this a Raspberry Pi?"),
        "{stderr}"
    );
    assert!(
        stderr.contains("gpiomem driver"),
        "the runtime's hint: {stderr}"
    );
}
