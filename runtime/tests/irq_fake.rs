//! The fake interrupt source: UIO's counter and masking, raised from another
//! thread or from a `FakeMem` hook, and a driver written against
//! `Interrupt` that runs unchanged over it. No real time passes: timeouts are
//! zero, or waits end because another thread raises. Runs under Miri.

use std::time::Duration;

use mmreg::irq::{FakeIrq, FakeIrqLine, Interrupt, IrqError, IrqEvent};
use mmreg::{FakeMem, IoWrite};

fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}
fn assert_send<T: Send + 'static>() {}

#[test]
fn the_line_can_go_anywhere_and_the_source_to_another_thread() {
    assert_send_sync_clone::<FakeIrqLine>();
    assert_send::<FakeIrq>();
}

#[test]
fn nothing_raised_is_a_timeout() {
    let mut irq = FakeIrq::new();
    assert_eq!(irq.try_wait().unwrap(), None);
    assert_eq!(irq.wait(Some(Duration::ZERO)).unwrap(), None);
    // Under Miri the clock is virtual, so this costs nothing there either.
    assert_eq!(irq.wait(Some(Duration::from_millis(1))).unwrap(), None);
}

#[test]
fn a_delivered_event_masks_until_rearmed_and_pending_raises_coalesce() {
    let mut irq = FakeIrq::new();
    let line = irq.line();
    assert!(!line.is_masked());
    line.raise();
    assert!(line.is_masked());
    line.raise();
    line.raise();
    assert_eq!(line.pending(), 2);
    assert_eq!(line.count(), 1);

    assert_eq!(
        irq.try_wait().unwrap(),
        Some(IrqEvent {
            count: 1,
            missed: 0
        })
    );
    assert_eq!(irq.try_wait().unwrap(), None, "masked: nothing more");

    irq.rearm();
    // The two held-back raises arrive as one event, and mask again.
    assert_eq!(line.pending(), 0);
    assert!(line.is_masked());
    assert_eq!(
        irq.try_wait().unwrap(),
        Some(IrqEvent {
            count: 2,
            missed: 0
        })
    );
    irq.rearm();
    assert!(!line.is_masked());
    assert_eq!(irq.try_wait().unwrap(), None);
    assert_eq!(line.rearms(), 2);
}

#[test]
fn events_delivered_between_two_waits_are_reported_as_missed() {
    let mut irq = FakeIrq::new();
    let line = irq.line();
    for _ in 0..3 {
        line.raise();
        irq.rearm(); // a driver re-arming without waiting
    }
    assert_eq!(
        irq.try_wait().unwrap(),
        Some(IrqEvent {
            count: 3,
            missed: 2
        })
    );
}

#[test]
fn a_level_line_fires_again_when_rearmed_before_it_is_acknowledged() {
    let mut irq = FakeIrq::new();
    let line = irq.line();
    line.set_level(true);
    assert_eq!(irq.try_wait().unwrap().map(|event| event.count), Some(1));
    // Wrong order: re-arm while the device still asserts the line.
    irq.rearm();
    assert_eq!(
        irq.try_wait().unwrap().map(|event| event.count),
        Some(2),
        "spurious event"
    );
    // Right order: acknowledge (the line drops), then re-arm.
    line.set_level(false);
    irq.rearm();
    assert_eq!(irq.try_wait().unwrap(), None);
}

#[test]
fn one_thread_waits_while_another_raises() {
    let mut irq = FakeIrq::new();
    let line = irq.line();
    let waiter = std::thread::spawn(move || {
        let first = irq.wait(None).unwrap();
        irq.rearm();
        let second = irq.wait(Some(Duration::from_secs(3600))).unwrap();
        (first, second, irq)
    });
    line.raise();
    // The second raise may come before or after the waiter re-arms: pending
    // or delivered, it is the second event either way.
    line.raise();
    let (first, second, _irq) = waiter.join().unwrap();
    assert_eq!(
        first,
        Some(IrqEvent {
            count: 1,
            missed: 0
        })
    );
    assert_eq!(
        second,
        Some(IrqEvent {
            count: 2,
            missed: 0
        })
    );
    assert_eq!(line.rearms(), 1);
}

#[test]
fn raises_from_many_threads_are_each_delivered_or_held_pending() {
    let mut irq = FakeIrq::new();
    let line = irq.line();
    let raisers: Vec<_> = (0..4)
        .map(|_| {
            let line = line.clone();
            std::thread::spawn(move || line.raise())
        })
        .collect();
    for raiser in raisers {
        raiser.join().unwrap();
    }
    // The first raise is delivered; the other three wait, masked, and
    // arrive as one event at the re-arm.
    assert_eq!(line.count(), 1);
    assert_eq!(line.pending(), 3);
    assert_eq!(irq.try_wait().unwrap().map(|event| event.count), Some(1));
    irq.rearm();
    assert_eq!(irq.try_wait().unwrap().map(|event| event.count), Some(2));
    irq.rearm();
    assert_eq!(irq.try_wait().unwrap(), None);
}

/// A driver routine written against the trait: wait, acknowledge the status
/// register (write 1 to clear), re-arm. Returns the status it handled.
fn service(
    irq: &mut impl Interrupt,
    registers: &impl IoWrite,
    timeout: Duration,
) -> Result<Option<u32>, IrqError> {
    const STATUS: usize = 0x4;
    if irq.wait(Some(timeout))?.is_none() {
        return Ok(None);
    }
    let status = registers.checked_read32(STATUS).unwrap();
    registers.checked_write32(STATUS, status).unwrap();
    irq.rearm()?;
    Ok(Some(status))
}

#[test]
fn a_driver_acknowledges_then_rearms_a_level_interrupt() {
    let mut irq = FakeIrq::new();
    let line = irq.line();
    let registers = FakeMem::new(0x10);
    // The device: a write-1-to-clear status register; the interrupt line is
    // high while any status bit is set.
    let ack_line = line.clone();
    registers.on_write(0x4, move |stored, written| {
        let left = stored & !written;
        ack_line.set_level(left != 0);
        left
    });

    registers.poke32(0x4, 0b101);
    line.set_level(true);
    assert_eq!(
        service(&mut irq, &registers, Duration::ZERO).unwrap(),
        Some(0b101)
    );
    assert_eq!(line.rearms(), 1);
    // Acknowledged before re-arming: no second, spurious event.
    assert_eq!(service(&mut irq, &registers, Duration::ZERO).unwrap(), None);
    assert_eq!(line.count(), 1);
}

/// Async waits, with tokio's `Notify` under the fake.
#[cfg(feature = "async-tests")]
mod tokio_tests {
    use super::*;
    use mmreg::irq::AsyncInterrupt;

    async fn next_count(irq: &mut impl AsyncInterrupt) -> u32 {
        let event = irq.wait().await.unwrap();
        irq.rearm().unwrap();
        event.count
    }

    #[tokio::test]
    async fn async_wait_returns_what_another_thread_raised() {
        let mut irq = FakeIrq::new();
        let line = irq.line();
        let raiser = std::thread::spawn(move || line.raise());
        assert_eq!(next_count(&mut irq).await, 1);
        raiser.join().unwrap();
        let line = irq.line();
        line.raise();
        assert_eq!(
            irq.wait_async().await,
            IrqEvent {
                count: 2,
                missed: 0
            }
        );
        assert_eq!(line.rearms(), 1);
    }

    #[tokio::test]
    async fn a_cancelled_async_wait_loses_nothing() {
        let mut irq = FakeIrq::new();
        let line = irq.line();
        let timed_out = tokio::time::timeout(Duration::from_millis(1), irq.wait_async()).await;
        assert!(timed_out.is_err());
        line.raise();
        assert_eq!(irq.wait_async().await.count, 1);
    }
}
