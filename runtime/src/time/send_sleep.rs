//! [`SendSleep`]: a sleep that may cross threads, for libraries that ask for
//! `Send + Sync` timers.
//!
//! ## Why a second sleep
//!
//! [`Sleep`](super::Sleep) keeps an `Rc` of the loop's timer driver so that
//! its `Drop` can reach the wheel from anywhere; the `Rc` makes it `!Send`.
//! Inside this runtime that costs nothing: tasks never leave the loop's
//! thread. But libraries written for every runtime state their needs as
//! trait bounds, and some ask for more than a single-threaded loop uses:
//! hyper's `rt::Timer` must return a `Sleep` that is `Send + Sync`, because
//! on tokio a connection (and its timeout) may move between worker threads.
//! `SendSleep` meets that bound honestly, without `unsafe impl Send`: it
//! holds no pointer into the runtime at all, only plain numbers.
//!
//! ## Parts
//!
//! - the deadline, an `Instant` on the runtime's clock;
//! - once registered, an [`Entry`]: which runtime's wheel holds the timer
//!   (the runtime's id, unique in the process) and the timer's key in that
//!   wheel. A key is two integers, so the whole future is `Send + Sync`.
//!
//! Every use of the wheel goes through the running loop of the current
//! thread (`context.rs`) and happens only if that loop is the one named in
//! the entry. Another runtime's wheel is never touched, so a key can never
//! name a timer it did not create.
//!
//! ## Life of a `SendSleep`
//!
//! ```text
//!  SendSleep::until(t) ── no entry
//!     │ poll on runtime R, t not reached
//!     ▼
//!  entry (R, key): R's wheel holds the task's waker
//!     │ R's loop fires it at t → task woken, key stale
//!     ▼
//!  poll sees now >= t → Ready (and cancels the entry if still live)
//! ```
//!
//! Polls replace the stored waker only when `!will_wake`, as
//! [`Sleep`](super::Sleep) does; the driver's methods drop any replaced
//! waker after releasing the wheel ("wake after the borrow",
//! CONTRIBUTING.md).
//!
//! ## Dropping, resetting or polling somewhere else
//!
//! | where it happens                        | what happens to R's entry                 |
//! |-----------------------------------------|-------------------------------------------|
//! | on R's thread, while R runs             | removed at once, as `Sleep` does           |
//! | another thread, or R not running        | left in R's wheel until its deadline      |
//! | poll on another runtime R2              | left in R; a new entry in R2              |
//!
//! An entry left behind is harmless: at its deadline R's loop fires it and
//! wakes a waker whose task either no longer waits for it (a spurious wake,
//! which every future must tolerate) or no longer exists (the wake is then a
//! no-op). It costs one wheel slot and one waker until then. A `reset` that
//! cannot reach the wheel forgets the entry the same way, and the next poll
//! registers the new deadline; the sleep's owner is the one resetting it, so
//! it is awake and will poll it again.
//!
//! A drop on R's thread while R runs is the case that matters: hyper drops
//! its header-read timeout on the connection's task, on R's thread, when
//! the head arrives, so the wheel does not fill with dead timers under
//! keep-alive load.
//!
//! ## What production code does differently
//!
//! tokio's `Sleep` is `Send + Sync` by construction: its timer entry lives
//! inside the (pinned) future, in an intrusive list guarded by the driver's
//! lock, so any thread can unlink it on drop. That needs `unsafe` pointer
//! work and a lock on every timer operation; a single-threaded runtime with
//! a slab-keyed wheel can pay for the rare cross-thread drop with a late,
//! harmless firing instead. Looking up the running loop costs a
//! thread-local read per poll, where `Sleep` keeps an `Rc` of the driver.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Instant;

use super::driver::TimerDriver;
use super::wheel::TimerKey;
use crate::context::{self, LoopHandles};

/// A sleep that is `Send + Sync`: it completes at its deadline on the
/// runtime's clock, and may be moved to, and dropped on, any thread. See
/// the module doc for what happens off the runtime's thread. Inside the
/// runtime, prefer [`sleep`](super::sleep): it needs no thread-local lookup
/// per poll.
///
/// # Panics
///
/// When polled outside a runtime: there is no wheel to wait on. Making,
/// resetting and dropping it do not panic (unless done by a thread-local's
/// destructor after the running-loop slot is gone, where every runtime
/// call panics).
///
/// ```
/// use std::time::Duration;
/// use runtime::time::SendSleep;
///
/// fn assert_send_sync<T: Send + Sync>(_: &T) {}
///
/// runtime::run(async {
///     let start = runtime::time::now();
///     let sleep = SendSleep::until(start + Duration::from_millis(5));
///     assert_send_sync(&sleep);
///     sleep.await;
///     assert!(runtime::time::now() - start >= Duration::from_millis(5));
/// });
/// ```
#[must_use = "a SendSleep does nothing unless awaited"]
pub struct SendSleep {
    /// When the sleep completes, on the runtime's clock.
    deadline: Instant,
    /// The wheel entry, from the first `Pending` poll until a poll sees the
    /// deadline or the sleep is dropped. Its key may be stale (fired).
    entry: Option<Entry>,
}

/// Where a registered `SendSleep`'s timer is: which runtime, which key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    /// The id of the runtime whose wheel holds the timer; the key means
    /// something only there.
    runtime_id: u64,
    /// The timer in that runtime's wheel.
    key: TimerKey,
}

/// The running loop's timers and its runtime's id. The `Rc` is cloned out
/// so that no borrow of the thread-local is held while the wheel is used
/// (and a replaced waker dropped).
fn timers_and_id(handles: &LoopHandles) -> (Rc<TimerDriver>, u64) {
    (Rc::clone(&handles.timers), handles.scheduler.runtime_id())
}

/// [`timers_and_id`] of the loop running on this thread, if any.
fn running_timers() -> Option<(Rc<TimerDriver>, u64)> {
    context::try_with(timers_and_id)
}

impl SendSleep {
    /// A sleep that completes at `deadline` on the runtime's clock
    /// [loop.call_at]. Nothing is registered until the first poll, so it may
    /// be made on any thread.
    pub fn until(deadline: Instant) -> SendSleep {
        SendSleep {
            deadline,
            entry: None,
        }
    }

    /// When this sleep completes.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Moves the deadline, earlier or later, even after the sleep completed.
    /// On the thread of the runtime that holds its timer, the timer moves in
    /// place; anywhere else the old timer is left to fire harmlessly and the
    /// next poll registers the new deadline (see the module doc).
    pub fn reset(&mut self, deadline: Instant) {
        self.deadline = deadline;
        let Some(entry) = self.entry else { return };
        let moved = match running_timers() {
            Some((timers, id)) if id == entry.runtime_id => timers.reset(entry.key, deadline),
            _ => false,
        };
        if !moved {
            self.entry = None; // fired, or out of reach: the next poll registers
        }
    }

    /// Removes the timer if the current thread runs the runtime that holds
    /// it; otherwise leaves it to fire (see the module doc).
    fn deregister(&mut self) {
        if let Some(entry) = self.entry.take()
            && let Some((timers, id)) = running_timers()
            && id == entry.runtime_id
        {
            timers.cancel(entry.key);
        }
    }
}

impl Future for SendSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let (timers, id) = context::with("runtime::time::SendSleep::poll", timers_and_id);
        // The algorithm is `Sleep`'s (`TimerDriver::poll_sleep`), on this
        // runtime's wheel. An entry in another runtime's wheel is left to
        // fire there, and a new one is made here.
        let mut key = this
            .entry
            .filter(|entry| entry.runtime_id == id)
            .map(|entry| entry.key);
        let poll = timers.poll_sleep(this.deadline, &mut key, cx.waker());
        this.entry = key.map(|key| Entry {
            runtime_id: id,
            key,
        });
        poll
    }
}

impl Drop for SendSleep {
    fn drop(&mut self) {
        self.deregister();
    }
}

impl fmt::Debug for SendSleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendSleep")
            .field("deadline", &self.deadline)
            .field("registered", &self.entry.is_some())
            .finish()
    }
}
