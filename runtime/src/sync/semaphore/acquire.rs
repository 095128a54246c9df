//! The future behind every `acquire*` method: take the permits at once, or
//! join the queue and wait to be served (rules 1 to 3 of the module doc).
//!
//! The first poll's fast path (free permits, nobody waiting) is small and
//! inlined into the caller; joining the queue and every later poll are out
//! of line. An uncontended acquire then costs what the module doc says: a
//! borrow, a compare and a subtraction, with no call. `AcquirePermit`
//! (in `mod.rs`) wraps it for `acquire` and `acquire_many`, as a named
//! struct rather than an `async fn`, so that no state machine stands
//! between the caller and that fast path.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::error::AcquireError;
use super::state::{self, State};
use super::wait_list::Key;
use crate::timeline::hooks;
use crate::waker_slot::WakerSlot;
use ::timeline::Wait;

/// The future behind every `acquire*`: takes `requested` permits, waiting
/// in the queue if it must.
pub(super) struct Acquire<'a> {
    /// The semaphore's state.
    state: &'a RefCell<State>,
    /// Permits wanted.
    requested: usize,
    /// This waiter's node, while it is queued or served but not yet polled.
    key: Option<Key>,
}

impl<'a> Acquire<'a> {
    /// A request that has not been polled yet (and so is not queued).
    #[inline]
    pub(super) fn new(state: &'a RefCell<State>, requested: usize) -> Acquire<'a> {
        Acquire {
            state,
            requested,
            key: None,
        }
    }

    /// Permits wanted.
    #[inline]
    pub(super) fn requested(&self) -> usize {
        self.requested
    }
}

impl Future for Acquire<'_> {
    type Output = Result<(), AcquireError>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // The fast path, on the first poll only: once queued, the permits
        // come through the node (rule 1). Anything else, `n == 0` behind a
        // waiter and a closed semaphore included, takes the slow path,
        // which decides every case on its own.
        if self.key.is_none() && self.state.borrow_mut().try_take(self.requested).is_ok() {
            return Poll::Ready(Ok(()));
        }
        self.poll_slow(cx)
    }
}

impl Acquire<'_> {
    /// Every poll but the fast path: the first poll that must queue (or
    /// finds the semaphore closed), and the polls of a queued waiter.
    #[inline(never)]
    fn poll_slow(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), AcquireError>> {
        let mut guard = self.state.borrow_mut();
        let state = &mut *guard;
        let Some(key) = self.key else {
            // First poll: take the permits or join the queue.
            if state.closed {
                return Poll::Ready(Err(AcquireError(())));
            }
            let n = self.requested;
            if n == 0 || (state.waiters.is_empty() && state.permits >= n) {
                state.permits -= n;
                return Poll::Ready(Ok(()));
            }
            // Rule 1: permits are free only if nobody waits, and then this
            // waiter becomes the head and takes what there is.
            let given = state.permits.min(n);
            state.permits -= given;
            let key = state
                .waiters
                .push_back(n, n - given, WakerSlot::with(cx.waker().clone()));
            drop(guard);
            hooks::waits_on(|| Wait::Permit);
            self.key = Some(key);
            return Poll::Pending;
        };
        let node = state.waiters.node_mut(key);
        if node.remaining == 0 || node.closed {
            let closed = node.closed;
            let waker = state.waiters.release(key);
            drop(guard);
            drop(waker);
            self.key = None;
            return Poll::Ready(if closed {
                Err(AcquireError(()))
            } else {
                Ok(())
            });
        }
        let old = node.waker.register(cx.waker());
        drop(guard);
        hooks::waits_on(|| Wait::Permit);
        drop(old);
        Poll::Pending
    }
}

impl Drop for Acquire<'_> {
    #[inline]
    fn drop(&mut self) {
        // A request that never queued (the fast path) has nothing to undo.
        if let Some(key) = self.key.take() {
            self.leave_queue(key);
        }
    }
}

impl Acquire<'_> {
    /// Cancel-safety (rule 2) for a dropped request that is still queued
    /// at `key`, or was served and not yet polled.
    #[inline(never)]
    fn leave_queue(&mut self, key: Key) {
        let (give_back, waker) = {
            let mut state = self.state.borrow_mut();
            let node = state.waiters.node(key);
            // A closed node's permits went back at close; otherwise return
            // what was handed over (all of it if the waiter was served).
            let give_back = if node.closed {
                0
            } else {
                node.requested - node.remaining
            };
            (give_back, state.waiters.release(key))
        };
        drop(waker);
        state::release(self.state, give_back);
    }
}
