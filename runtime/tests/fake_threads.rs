//! `FakeMem` shared between threads: each access through `Io` (hook, store
//! and log entry) is one step for the other threads, and hooks may share
//! state with the test through `Arc`. Kept small: Miri runs these too.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use mmreg::{Access, FakeMem, Io, IoWrite};

/// Accesses per thread: enough to interleave, few enough for Miri.
const ROUNDS: u32 = 16;

// `FakeMem` is `Send + Sync`, checked at compile time.
const _: () = {
    const fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<FakeMem>();
    send_and_sync::<Arc<FakeMem>>();
};

#[test]
fn two_threads_log_every_access_once_in_hook_order() {
    let fake = FakeMem::new(0x10);
    // A counter the device advances on every read: a step-wise fake returns
    // each value exactly once, and the log holds them in the order returned.
    fake.on_read(0x4, |v| (v, v + 1));
    // A write that also mirrors the value elsewhere, from inside the hook.
    fake.on_write_with(0x0, |fake, _, written| {
        fake.poke32(0x8, written as u32);
        written
    });
    thread::scope(|s| {
        for thread in 0..2u32 {
            let fake = &fake;
            s.spawn(move || {
                for round in 0..ROUNDS {
                    fake.checked_write32(0x0, thread << 16 | round).unwrap();
                    fake.checked_read32(0x4).unwrap();
                }
            });
        }
    });
    let log = fake.log();
    assert_eq!(log.len(), 4 * ROUNDS as usize);
    let counted: Vec<Access> = log.iter().copied().filter(|a| a.offset == 0x4).collect();
    let expected: Vec<Access> = (0..2 * ROUNDS).map(|n| Access::read32(0x4, n)).collect();
    assert_eq!(counted, expected, "every count returned once, in log order");
    for thread in 0..2u32 {
        let written: Vec<Access> = log
            .iter()
            .copied()
            .filter(|a| a.is_write() && a.value >> 16 == u64::from(thread))
            .collect();
        let expected: Vec<Access> = (0..ROUNDS)
            .map(|round| Access::write32(0x0, thread << 16 | round))
            .collect();
        assert_eq!(written, expected, "thread {thread}'s writes, once each");
    }
    let last = log.iter().rev().find(|a| a.is_write()).unwrap();
    assert_eq!(u64::from(fake.peek32(0x8)), last.value);
    assert_eq!(u64::from(fake.peek32(0x0)), last.value);
    assert_eq!(fake.peek32(0x4), 2 * ROUNDS);
}

#[test]
fn write_hook_sees_writes_in_log_order() {
    let fake = FakeMem::new(0x8);
    // A FIFO the device fills from a write register.
    let fifo = Arc::new(Mutex::new(Vec::new()));
    let pushed = Arc::clone(&fifo);
    fake.on_write(0x0, move |_, written| {
        pushed.lock().unwrap().push(written);
        0
    });
    thread::scope(|s| {
        for thread in 1..=2u8 {
            let fake = &fake;
            s.spawn(move || {
                for round in 0..ROUNDS as u8 {
                    fake.checked_write8(0x0, thread << 6 | round).unwrap();
                }
            });
        }
    });
    let logged: Vec<u64> = fake.take_log().iter().map(|a| a.value).collect();
    assert_eq!(*fifo.lock().unwrap(), logged);
    assert_eq!(logged.len(), 2 * ROUNDS as usize);
}

#[test]
fn hook_state_updated_from_another_thread() {
    let fake = Arc::new(FakeMem::new(0x8));
    // The device's status lives outside the fake, set by a "device" thread.
    let status = Arc::new(AtomicU32::new(0));
    let seen = Arc::clone(&status);
    fake.on_read(0x4, move |_| {
        let now = u64::from(seen.load(Ordering::Acquire));
        (now, now)
    });
    assert_eq!(fake.checked_read32(0x4).unwrap(), 0);
    let device = {
        let status = Arc::clone(&status);
        thread::spawn(move || status.store(0x5a, Ordering::Release))
    };
    device.join().unwrap();
    // The driver runs on a thread of its own, with its own `Arc` of the fake.
    let driver = {
        let fake = Arc::clone(&fake);
        thread::spawn(move || fake.checked_read32(0x4).unwrap())
    };
    assert_eq!(driver.join().unwrap(), 0x5a);
    assert_eq!(fake.peek32(0x4), 0x5a, "the hook stored what it returned");
    assert_eq!(
        fake.log(),
        [Access::read32(0x4, 0), Access::read32(0x4, 0x5a)]
    );
}

#[test]
fn device_thread_raises_a_flag_the_driver_polls() {
    let fake = FakeMem::new(0x8);
    // Writing the doorbell asks the device thread (through a channel) to
    // finish the job; it raises bit 0 of the status register when done.
    let (tx, rx) = std::sync::mpsc::channel::<u32>();
    fake.on_write(0x0, move |_, written| {
        tx.send(written as u32).unwrap();
        0
    });
    thread::scope(|s| {
        let fake = &fake;
        s.spawn(move || {
            let job = rx.recv().unwrap();
            fake.poke32(0x4, job << 8 | 1);
        });
        fake.checked_write32(0x0, 0x42).unwrap();
        while fake.checked_read32(0x4).unwrap() & 1 == 0 {
            thread::yield_now();
        }
    });
    assert_eq!(fake.peek32(0x4), 0x4201);
    assert_eq!(fake.log()[0], Access::write32(0x0, 0x42));
    assert_eq!(*fake.log().last().unwrap(), Access::read32(0x4, 0x4201));
}
