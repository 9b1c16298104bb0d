//! [`FakeIrq`]: an interrupt source for unit tests that behaves like a UIO
//! device whose driver masks the interrupt when it fires.
//!
//! The model is described on [`FakeIrq`].

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::{Interrupt, IrqError, IrqEvent};

/// The state shared by a [`FakeIrq`] and its lines.
#[derive(Debug, Default)]
struct State {
    /// Events delivered so far.
    count: u32,
    /// Whether the interrupt is masked (an event was delivered and the driver
    /// has not re-armed since).
    masked: bool,
    /// Raises held back while masked, delivered as one event at re-arm.
    pending: u32,
    /// Whether the line is held high by [`FakeIrqLine::set_level`].
    level: bool,
    /// Re-arms so far.
    rearms: u32,
}

impl State {
    /// Delivers an event if one is due: a pending raise or a high level,
    /// while unmasked. Returns whether it did.
    fn deliver(&mut self) -> bool {
        if self.masked || (self.pending == 0 && !self.level) {
            return false;
        }
        self.count = self.count.wrapping_add(1);
        self.masked = true;
        self.pending = 0;
        true
    }
}

#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
    delivered: Condvar,
    #[cfg(feature = "tokio")]
    notify: tokio::sync::Notify,
}

impl Shared {
    /// Locks the state. The state is plain numbers that every critical
    /// section leaves consistent, so a panic elsewhere does not spoil it.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `change`, then wakes the waiters if an event was delivered.
    fn update(&self, change: impl FnOnce(&mut State)) {
        let delivered = {
            let mut state = self.lock();
            change(&mut state);
            state.deliver()
        };
        if delivered {
            self.delivered.notify_all();
            #[cfg(feature = "tokio")]
            self.notify.notify_waiters();
        }
    }
}

/// A fake interrupt source: what a driver under test waits on and re-arms,
/// while the test (or a [`FakeMem`](crate::FakeMem) hook) raises the
/// interrupt through a [`FakeIrqLine`].
///
/// # The model
/// - The source keeps a **count** of delivered events; a waiter returns once
///   the count differs from the one it last saw, as a UIO `read` does. The
///   first [`FakeIrq::wait`] starts from the count when the `FakeIrq` was made,
///   so its `missed` is exact (unlike a UIO device's first wait).
/// - The interrupt starts **enabled**. Delivering an event **masks** it, like
///   `uio_pdrv_genirq` (`disable_irq`) or `uio_pci_generic` (the PCI Interrupt
///   Disable bit); only [`FakeIrq::rearm`] unmasks it.
/// - [`FakeIrqLine::raise`] is one request from the device. While the
///   interrupt is unmasked it is delivered at once; while masked it stays
///   **pending** and is delivered when the driver re-arms. Several raises while
///   masked are delivered as one event, as a level-triggered line is one wire
///   that is either asserted or not ([`FakeIrqLine::pending`] counts them).
/// - [`FakeIrqLine::set_level`] drives the line as a level instead: while it is
///   high, every re-arm delivers another event at once, which is what real
///   hardware does to a driver that re-arms before acknowledging the device.
///   Lower it from a [`FakeMem`](crate::FakeMem) write hook on the device's
///   acknowledge register to model the device dropping the line.
///
/// ```
/// use std::time::Duration;
/// use mmreg::irq::{FakeIrq, Interrupt, IrqEvent};
///
/// let mut irq = FakeIrq::new();
/// let line = irq.line(); // Send + Sync + Clone: give it to a thread or a hook
/// line.raise();
/// line.raise(); // masked since the first: pending
/// assert_eq!(irq.try_wait()?, Some(IrqEvent { count: 1, missed: 0 }));
/// assert_eq!(irq.try_wait()?, None);
/// irq.rearm(); // delivers the pending request
/// assert_eq!(irq.wait(Some(Duration::ZERO))?, Some(IrqEvent { count: 2, missed: 0 }));
/// assert_eq!(line.rearms(), 1);
/// # Ok::<(), mmreg::irq::IrqError>(())
/// ```
#[derive(Debug)]
pub struct FakeIrq {
    shared: Arc<Shared>,
    /// The count of the last event this waiter returned.
    seen: u32,
}

/// The device side of a [`FakeIrq`]: raises the interrupt and tells a test
/// what the driver did. Cloneable, `Send` and `Sync`, for a thread or a
/// [`FakeMem`](crate::FakeMem) hook.
#[derive(Debug, Clone)]
pub struct FakeIrqLine {
    shared: Arc<Shared>,
}

impl Default for FakeIrq {
    fn default() -> FakeIrq {
        FakeIrq::new()
    }
}

impl FakeIrq {
    /// A source with no events yet and the interrupt enabled.
    pub fn new() -> FakeIrq {
        FakeIrq {
            shared: Arc::default(),
            seen: 0,
        }
    }

    /// A handle that raises this source's interrupt.
    pub fn line(&self) -> FakeIrqLine {
        FakeIrqLine {
            shared: Arc::clone(&self.shared),
        }
    }

    /// Takes the next event, if the count moved since the last one returned.
    fn take(&mut self, state: &State) -> Option<IrqEvent> {
        if state.count == self.seen {
            return None;
        }
        let event = IrqEvent::after(Some(self.seen), state.count);
        self.seen = state.count;
        Some(event)
    }

    /// Waits for the next event, at most `timeout` (`None`: for ever);
    /// `Ok(None)` when the timeout expires first. Never fails: the `Result`
    /// matches [`Interrupt::wait`].
    pub fn wait(&mut self, timeout: Option<Duration>) -> Result<Option<IrqEvent>, IrqError> {
        // A timeout too long to represent as an instant is for ever.
        let deadline = timeout.and_then(|timeout| Instant::now().checked_add(timeout));
        let shared = Arc::clone(&self.shared);
        let mut state = shared.lock();
        loop {
            if let Some(event) = self.take(&state) {
                return Ok(Some(event));
            }
            state = match (timeout, deadline) {
                (Some(timeout), _) if timeout.is_zero() => return Ok(None),
                (_, Some(deadline)) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Ok(None);
                    }
                    shared
                        .delivered
                        .wait_timeout(state, deadline - now)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
                (_, None) => shared
                    .delivered
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner),
            };
        }
    }

    /// Returns an event that has already been delivered, without blocking.
    pub fn try_wait(&mut self) -> Result<Option<IrqEvent>, IrqError> {
        self.wait(Some(Duration::ZERO))
    }

    /// Waits for the next event on tokio (any runtime flavour; no reactor
    /// needed). Dropping the future loses no event.
    #[cfg(feature = "tokio")]
    pub async fn wait_async(&mut self) -> IrqEvent {
        let shared = Arc::clone(&self.shared);
        loop {
            let notified = shared.notify.notified();
            let mut notified = std::pin::pin!(notified);
            // Registered before the check, so a delivery between the check
            // and the `await` still wakes this future.
            notified.as_mut().enable();
            if let Some(event) = self.take(&shared.lock()) {
                return event;
            }
            notified.await;
        }
    }

    /// Unmasks the interrupt, delivering at once a raise that came while it
    /// was masked, or another event if the line is held high.
    pub fn rearm(&mut self) {
        self.shared.update(|state| {
            state.rearms = state.rearms.wrapping_add(1);
            state.masked = false;
        });
    }
}

impl Interrupt for FakeIrq {
    fn wait(&mut self, timeout: Option<Duration>) -> Result<Option<IrqEvent>, IrqError> {
        FakeIrq::wait(self, timeout)
    }

    fn rearm(&mut self) -> Result<(), IrqError> {
        FakeIrq::rearm(self);
        Ok(())
    }
}

#[cfg(feature = "tokio")]
impl super::AsyncInterrupt for FakeIrq {
    async fn wait(&mut self) -> Result<IrqEvent, IrqError> {
        Ok(self.wait_async().await)
    }

    fn rearm(&mut self) -> Result<(), IrqError> {
        FakeIrq::rearm(self);
        Ok(())
    }
}

impl FakeIrqLine {
    /// The device requests an interrupt: delivered now if the interrupt is
    /// enabled, else held pending until the driver re-arms.
    pub fn raise(&self) {
        self.shared.update(|state| {
            state.pending = state.pending.saturating_add(1);
        });
    }

    /// Drives the line as a level: `true` asserts it (an event is delivered
    /// whenever the interrupt is unmasked while it is high), `false` is the
    /// device dropping it once acknowledged.
    pub fn set_level(&self, high: bool) {
        self.shared.update(|state| state.level = high);
    }

    /// Events delivered so far.
    pub fn count(&self) -> u32 {
        self.shared.lock().count
    }

    /// Raises held back since the interrupt was masked, still to be delivered
    /// (as one event) at the next re-arm.
    pub fn pending(&self) -> u32 {
        self.shared.lock().pending
    }

    /// Whether the interrupt is masked: an event was delivered and the driver
    /// has not re-armed since.
    pub fn is_masked(&self) -> bool {
        self.shared.lock().masked
    }

    /// How many times the driver re-armed.
    pub fn rearms(&self) -> u32 {
        self.shared.lock().rearms
    }
}
