//! [`Sleep`]: a future that completes at a deadline [asyncio.sleep].
//!
//! ## Life of a `Sleep`
//!
//! ```text
//!  sleep(d) ── deadline = time::now() + d, no timer yet
//!     │ first poll, deadline not reached
//!     ▼
//!  registered: a wheel entry (key) holds the task's waker
//!     │ the loop fires the entry (deadline's tick reached) → task woken, key stale
//!     ▼
//!  poll sees now >= deadline → Ready
//! ```
//!
//! A poll that finds the deadline passed returns `Ready` whatever the entry's
//! state, and removes the entry if it is still there. The poll is
//! [`TimerDriver::poll_sleep`], which `SendSleep` shares. Later polls replace the
//! stored waker only when `!will_wake` (a task's waker stays the same between
//! polls, so this is normally a comparison, not a clone). `Drop` removes the
//! entry, so a dropped sleep (a lost `select`, a cancelled task) costs nothing
//! afterwards. `reset` moves the entry in place (or lets the next poll
//! register it again if it already fired).
//!
//! tokio's `Sleep` holds its wheel entry inline (pinned, `!Unpin`); ours
//! holds a key into the driver's slab, so it is `Unpin` and needs no `unsafe`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use super::driver::TimerDriver;
use super::wheel::TimerKey;
use crate::context;

/// Stand-in for "never" when `now + duration` overflows `Instant`: 30 years,
/// as tokio's `Instant::far_future`.
const FAR_FUTURE: Duration = Duration::from_secs(86_400 * 365 * 30);

/// Waits until `duration` has passed on the runtime's clock [asyncio.sleep].
///
/// The deadline is fixed when `sleep` is called, not when it is first
/// awaited. It never completes early; it completes late by the kernel's
/// wake-up time plus scheduling delay (on Linux; where the loop can only
/// block for whole milliseconds, up to a millisecond more: see the module
/// doc of [`time`](crate::time)).
///
/// # Panics
///
/// Outside a runtime.
///
/// ```
/// use std::time::Duration;
/// runtime::run(async {
///     let start = runtime::time::now();
///     runtime::time::sleep(Duration::from_millis(5)).await;
///     assert!(runtime::time::now() - start >= Duration::from_millis(5));
/// });
/// ```
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    let driver = context::timers("runtime::time::sleep");
    let now = driver.clock.now();
    let deadline = now
        .checked_add(duration)
        .unwrap_or_else(|| now + FAR_FUTURE);
    Sleep {
        deadline,
        entry: None,
        driver,
    }
}

/// Waits until `deadline` on the runtime's clock [loop.call_at].
///
/// # Panics
///
/// Outside a runtime.
#[track_caller]
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep {
        deadline,
        entry: None,
        driver: context::timers("runtime::time::sleep_until"),
    }
}

/// A future that completes at its deadline; see [`sleep`]. Dropping it
/// cancels the timer.
#[must_use = "a Sleep does nothing unless awaited"]
pub struct Sleep {
    /// When the sleep completes, on the runtime's clock.
    deadline: Instant,
    /// The wheel entry, between the first `Pending` poll and firing (after
    /// firing the key is stale, and every use of it is a no-op).
    entry: Option<TimerKey>,
    /// The runtime's timers; an `Rc` so `Drop` can deregister.
    driver: Rc<TimerDriver>,
}

impl Sleep {
    /// When this sleep completes.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// True once the deadline has passed on the runtime's clock.
    pub fn is_elapsed(&self) -> bool {
        self.driver.clock.now() >= self.deadline
    }

    /// Moves the deadline, earlier or later, even after the sleep completed
    /// (it then completes again at the new deadline). The timer is moved in
    /// place; the next poll sees the new deadline.
    pub fn reset(&mut self, deadline: Instant) {
        self.deadline = deadline;
        if let Some(key) = self.entry
            && !self.driver.reset(key, deadline)
        {
            self.entry = None; // it had fired: the next poll registers again
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        this.driver
            .poll_sleep(this.deadline, &mut this.entry, cx.waker())
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some(key) = self.entry.take() {
            self.driver.cancel(key);
        }
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("registered", &self.entry.is_some())
            .finish()
    }
}
