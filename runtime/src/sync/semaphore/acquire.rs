//! The future behind every `acquire*` method: take the permits at once, or
//! join the queue and wait to be served (rules 1 to 3 of the module doc).

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
    pub(super) fn new(state: &'a RefCell<State>, requested: usize) -> Acquire<'a> {
        Acquire {
            state,
            requested,
            key: None,
        }
    }
}

impl Future for Acquire<'_> {
    type Output = Result<(), AcquireError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
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
    fn drop(&mut self) {
        let Some(key) = self.key.take() else { return };
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
