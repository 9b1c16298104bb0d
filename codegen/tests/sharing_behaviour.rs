//! Sharing changes how much code is emitted, never what it does: a part of
//! RP2040 (derived UARTs, I2Cs and PIOs, whose blocks are shared, and
//! registers that share fieldsets) is generated with sharing on and off into
//! one crate, and the same driver steps run on `FakeMem` through both. The
//! raw and the named access logs must be identical.
//!
//! The crate is written under `target/tmp/sharing-behaviour/` and tested
//! with `cargo test`, with its own target directory kept across runs.

use std::path::Path;

mod scratch;
use scratch::ScratchCrate;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/svd-corpus");

/// The same steps through `$m` (the shared or the unshared module); returns
/// the fake memories' raw and named logs.
const DRIVER: &str = r#"
use mmreg::FakeMem;

macro_rules! steps {
    ($m:ident) => {{
        use crate::$m::*;
        let mut logs = Vec::new();

        let fake = FakeMem::from_meta(uart1::META);
        let uart = uart1::Uart1::new(&fake).unwrap();
        uart.uartibrd().write(|w| w.set_baud_divint(26));
        uart.uartfbrd().write(|w| w.set_baud_divfrac(3));
        uart.uartcr().modify(|_, r| {
            r.set_uarten(true);
            r.set_txe(true);
            r.set_rxe(true);
        });
        uart.uarticr().write(|w| w.set_rtic(true));
        let flags = uart.uartfr().read();
        logs.push(format!("{flags:?}"));
        logs.push(format!("{:?}", uart.uartcr().read()));
        logs.push(format!("{:?}", fake.log()));
        logs.extend(fake.log_named());

        let fake = FakeMem::from_meta(i2c1::META);
        let i2c = i2c1::I2c1::new(&fake).unwrap();
        i2c.ic_enable().write(|w| w.set_enable(i2c1::vals::Enable::Enabled));
        i2c.ic_con().modify(|_, r| r.set_speed(i2c1::vals::Speed::FAST));
        logs.push(format!("{:?}", i2c.ic_con().read()));
        logs.push(format!("{:?}", fake.log()));
        logs.extend(fake.log_named());

        let fake = FakeMem::from_meta(pio1::META);
        let pio = pio1::Pio1::new(&fake).unwrap();
        pio.ctrl().modify(|_, r| r.set_sm_enable(0b0101));
        logs.push(format!("{:?}", pio.ctrl().read()));
        logs.push(format!("{:?}", fake.log()));
        logs.extend(fake.log_named());

        let fake = FakeMem::from_meta(watchdog::META);
        let watchdog = watchdog::Watchdog::new(&fake).unwrap();
        watchdog.load().write(|w| w.set_load(1_000_000));
        watchdog.ctrl().modify(|_, r| r.set_enable(true));
        logs.push(format!("{:?}", watchdog.ctrl().read()));
        logs.push(format!("{:?}", fake.log()));
        logs.extend(fake.log_named());
        logs
    }};
}

#[test]
fn sharing_does_not_change_behaviour() {
    let shared = steps!(shared);
    let unshared = steps!(unshared);
    assert!(shared.len() > 8, "{shared:#?}");
    assert!(shared.iter().any(|line| line.starts_with("UART1.UARTCR <- ")), "{shared:#?}");
    assert_eq!(shared, unshared);
}
"#;

const PERIPHERALS: [&str; 7] = ["UART0", "UART1", "I2C0", "I2C1", "PIO0", "PIO1", "WATCHDOG"];

fn generate(share_types: bool) -> String {
    let loaded = mmreg_codegen::load(&Path::new(CORPUS).join("RP2040.svd")).expect("loads");
    let names: Vec<String> = PERIPHERALS.iter().map(|name| name.to_string()).collect();
    let device = mmreg_codegen::select::only(loaded.device, &names).expect("peripherals exist");
    let options = mmreg_codegen::Options {
        share_types,
        infer_arrays: true,
        ..mmreg_codegen::Options::default()
    };
    mmreg_codegen::generate_with(&device, "RP2040.svd", options).expect("generates")
}

#[test]
fn shared_and_unshared_output_behave_the_same_on_fake_memory() {
    let shared = generate(true);
    let unshared = generate(false);
    // Sharing must have something to do here, or the test shows nothing.
    assert!(
        shared.lines().count() * 3 < unshared.lines().count() * 2,
        "shared {} lines, unshared {}",
        shared.lines().count(),
        unshared.lines().count()
    );
    let scratch = ScratchCrate::new("sharing-behaviour");
    scratch.write("src/shared.rs", &shared);
    scratch.write("src/unshared.rs", &unshared);
    scratch.write(
        "src/lib.rs",
        &format!(
            "//! RP2040 parts generated with sharing on and off.\n\
             #![allow(dead_code)]\n\
             pub mod shared {{ include!(\"shared.rs\"); }}\n\
             pub mod unshared {{ include!(\"unshared.rs\"); }}\n\
             #[cfg(test)]\nmod driver {{{DRIVER}}}\n"
        ),
    );
    let output = scratch.cargo(&["test"]);
    assert!(
        output.status.success(),
        "cargo test of the two outputs failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
