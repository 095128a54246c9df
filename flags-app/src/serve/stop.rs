//! Stopping the embedded server from another thread.
//!
//! The downloader runs on its own thread(s); the embedded server runs its own event
//! loop on a second thread. When the download ends, the downloader's thread calls
//! [`StopSignal::stop`], and the server's main future, which awaits
//! [`StopSignal::stopped`], completes; `runtime::run` then returns and drops the
//! accept loop and every connection task, closing their sockets.
//!
//! ## Parts
//!
//! One `Arc<Mutex<State>>` shared by the two threads:
//!
//! - `stopped`: set once by `stop`, never cleared;
//! - `waker`: the server's task, stored by `Stopped::poll` while it waits, taken by
//!   `stop` (which wakes it after releasing the lock) or removed when the future
//!   is dropped. There is room for one: one task waits (the server's main
//!   future); a second waiter would replace the first's waker, as a tokio
//!   `AtomicWaker` does.
//!
//! The lock orders everything: `stop` sets the flag and takes the waker under the
//! lock, and `poll` checks the flag and stores its waker under the same lock, so
//! whichever comes second sees what the first did, and no wake is lost.
//!
//! This replaces an `AtomicBool` plus a TCP connection to our own port to wake the
//! accept loop: that connection cannot be made when the process is out of
//! descriptors, and an accept loop waiting at its connection limit does not accept
//! it. tokio's `Notify` (or a oneshot channel) is what a tokio program would use.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

/// A one-way stop flag that a task can await, set from any thread.
#[derive(Debug, Clone, Default)]
pub struct StopSignal {
    /// Shared between the thread that stops and the task that waits.
    state: Arc<Mutex<State>>,
}

/// What the two sides share (see the module doc).
#[derive(Debug, Default)]
struct State {
    /// Set by [`StopSignal::stop`]; never cleared.
    stopped: bool,
    /// The waiting task, if one is waiting.
    waker: Option<Waker>,
}

impl StopSignal {
    /// A signal not yet given.
    pub fn new() -> StopSignal {
        StopSignal::default()
    }

    /// Gives the signal and wakes the waiting task, if any. The wake happens after
    /// the lock is released, so the woken task never finds it held.
    pub fn stop(&self) {
        let waker = {
            let mut state = self.lock();
            state.stopped = true;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// A future that completes once the signal is given.
    pub fn stopped(&self) -> Stopped<'_> {
        Stopped { signal: self }
    }

    /// The state; a panic elsewhere while it was held does not matter (both fields
    /// are valid at every moment), so a poisoned lock is used as it is.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The future of [`StopSignal::stopped`].
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct Stopped<'a> {
    /// The signal waited for.
    signal: &'a StopSignal,
}

impl Future for Stopped<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.signal.lock();
        if state.stopped {
            return Poll::Ready(());
        }
        match &mut state.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl Drop for Stopped<'_> {
    fn drop(&mut self) {
        // Take the waker out under the lock and drop it after: dropping a waker
        // may run arbitrary code.
        let waker = self.signal.lock().waker.take();
        drop(waker);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// How long a wait for the stop may take before the watchdog fails the
    /// test: a lost wake would leave the loop asleep forever.
    const WATCHDOG: Duration = Duration::from_secs(30);

    #[test]
    fn a_stop_from_another_thread_ends_the_wait() {
        watchdog::within(
            WATCHDOG,
            "a stop from another thread to end the wait",
            || {
                let signal = StopSignal::new();
                let remote = signal.clone();
                let stopper = std::thread::spawn(move || {
                    // The loop is asleep in its wait by then: only the wake can
                    // bring it back.
                    std::thread::sleep(Duration::from_millis(20));
                    remote.stop();
                });
                runtime::run(signal.stopped());
                stopper.join().unwrap();
            },
        );
    }

    #[test]
    fn a_stop_given_before_the_wait_is_not_lost() {
        watchdog::within(WATCHDOG, "a stop given earlier to end the wait", || {
            let signal = StopSignal::new();
            signal.stop();
            runtime::run(signal.stopped());
            runtime::run(signal.stopped());
        });
    }
}
