//! The lock that makes one [`super::FakeMem`] operation a single step for
//! other threads, while letting the thread inside it (a hook) use the fake
//! again.
//!
//! It guards no data, only a turn: the fake's state lives in its own `Mutex`,
//! locked briefly and never while a hook runs. A thread takes its turn with
//! [`TurnLock::enter`] for a whole operation (load, hook, store, log); other
//! threads wait until it is over, and the same thread may enter again from
//! inside a hook. `std`'s re-entrant lock is not stable yet, so this is a
//! `Mutex` over the owning thread and depth, plus a `Condvar` to wait on.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, ThreadId};

/// A re-entrant turn: one thread at a time, any depth within that thread.
#[derive(Default)]
pub(super) struct TurnLock {
    owner: Mutex<Owner>,
    released: Condvar,
}

/// Who holds the turn and how many times it has entered.
#[derive(Default)]
struct Owner {
    thread: Option<ThreadId>,
    depth: usize,
}

/// The turn, held until dropped (also when a hook panics and unwinds).
pub(super) struct Turn<'a> {
    lock: &'a TurnLock,
}

/// Locks `mutex`, ignoring poisoning: the data behind every mutex of the fake
/// is consistent between statements, so a panic elsewhere leaves it usable.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl TurnLock {
    /// Waits until no other thread holds the turn, then takes it (or enters
    /// it once more, if this thread already holds it).
    pub(super) fn enter(&self) -> Turn<'_> {
        let me = thread::current().id();
        let mut owner = lock(&self.owner);
        loop {
            match owner.thread {
                None => {
                    owner.thread = Some(me);
                    owner.depth = 1;
                    break;
                }
                Some(holder) if holder == me => {
                    owner.depth += 1;
                    break;
                }
                Some(_) => {
                    owner = self
                        .released
                        .wait(owner)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            }
        }
        Turn { lock: self }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut owner = lock(&self.lock.owner);
        owner.depth -= 1;
        if owner.depth == 0 {
            owner.thread = None;
            drop(owner);
            self.lock.released.notify_one();
        }
    }
}
