//! The semaphore's state, and the three operations that change it under
//! the module doc's rules: take now, release (serve the queue from the
//! head), close. The `Semaphore` handle, the `Acquire` future and the
//! permit guards all go through these, so the rules are written once.

use std::cell::RefCell;

use super::error::TryAcquireError;
use super::wait_list::WaitList;

/// The semaphore's state.
pub(super) struct State {
    /// Permits free to take. Always 0 while `waiters` is not empty.
    pub(super) permits: usize,
    /// Set by `close`; never cleared.
    pub(super) closed: bool,
    /// Waiters in arrival order.
    pub(super) waiters: WaitList,
}

impl State {
    /// A state with `permits` free permits and nobody waiting.
    pub(super) fn new(permits: usize) -> State {
        State {
            permits,
            closed: false,
            waiters: WaitList::default(),
        }
    }

    /// Takes `n` permits if that needs no waiting (rule 1: not while anyone
    /// waits, even if enough are free).
    #[inline]
    pub(super) fn try_take(&mut self, n: usize) -> Result<(), TryAcquireError> {
        if self.closed {
            Err(TryAcquireError::Closed)
        } else if !self.waiters.is_empty() || self.permits < n {
            Err(TryAcquireError::NoPermits)
        } else {
            self.permits -= n;
            Ok(())
        }
    }
}

/// Gives `n` permits back: to the waiters from the head if anyone waits
/// (rule 1), else to the free count. The common case, nobody waiting, is
/// inlined into the caller: a borrow, a test and an addition.
///
/// # Panics
///
/// If the free count would overflow `usize`.
#[inline]
pub(super) fn release(state: &RefCell<State>, n: usize) {
    {
        let mut state = state.borrow_mut();
        if state.waiters.is_empty() {
            add_free(&mut state, n);
            return;
        }
    }
    serve_waiters(state, n);
}

/// Adds `n` to the free count.
///
/// # Panics
///
/// If the free count would overflow `usize`.
#[inline]
fn add_free(state: &mut State, n: usize) {
    state.permits = state
        .permits
        .checked_add(n)
        .expect("Semaphore::add_permits: the permit count overflowed usize");
}

/// Gives `n` permits to the waiters from the head, waking each one that is
/// fully served with no borrow held (rule 3); what is left after the last
/// waiter becomes free.
#[inline(never)]
fn serve_waiters(state: &RefCell<State>, mut n: usize) {
    while n > 0 {
        let served = {
            let mut guard = state.borrow_mut();
            let state = &mut *guard;
            let Some(head) = state.waiters.head() else {
                add_free(state, n);
                return;
            };
            let node = state.waiters.node_mut(head);
            let given = n.min(node.remaining);
            node.remaining -= given;
            n -= given;
            if node.remaining > 0 {
                return; // n is 0: everything went to the head
            }
            let waker = node.waker.take();
            state.waiters.unlink(head);
            waker
        };
        if let Some(waker) = served {
            waker.wake();
        }
    }
}

/// Closes the semaphore (rule 4): every waiter is marked closed and woken,
/// after the borrow; permits handed to a waiter not fully served go back to
/// the free count.
pub(super) fn close(state: &RefCell<State>) {
    let mut wakers = Vec::new();
    {
        let mut guard = state.borrow_mut();
        let state = &mut *guard;
        state.closed = true;
        while let Some(head) = state.waiters.head() {
            state.waiters.unlink(head);
            let node = state.waiters.node_mut(head);
            node.closed = true;
            let given = node.requested - node.remaining;
            wakers.extend(node.waker.take());
            state.permits += given;
        }
    }
    for waker in wakers {
        waker.wake();
    }
}
