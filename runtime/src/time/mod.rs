//! Timers: [`sleep`], [`timeout`], [`interval`], and the runtime's clock.
//!
//! | asyncio                          | here                              |
//! |----------------------------------|-----------------------------------|
//! | `await asyncio.sleep(s)`         | [`sleep`]`(d).await`              |
//! | `loop.call_at(when, ...)`        | [`sleep_until`]`(instant).await`  |
//! | `asyncio.wait_for(aw, timeout)`  | [`timeout`]`(d, fut).await`       |
//! | `asyncio.TimeoutError`           | [`Elapsed`]                       |
//! | `loop.time()`                    | [`now`]                           |
//! | (none: a `while` loop of sleeps) | [`interval`]                      |
//!
//! ## How a sleep works
//!
//! There is no timer thread and no timerfd. The event loop owns one
//! `TimerDriver` (`driver.rs`): a hierarchical timing wheel
//! (`wheel.rs`, whose doc is the data-structure design) plus a clock
//! (`clock.rs`). A [`Sleep`] registers its deadline and its task's waker in
//! the wheel on its first poll. Before blocking in `epoll_wait`, the loop asks
//! the wheel for its next expiration and uses it as the poll timeout, rounded
//! up to a whole millisecond; after the poll it fires every due timer, which
//! wakes the sleeping tasks (`driver.rs`). asyncio does the same with a heap
//! of `TimerHandle`s in `_run_once`; tokio with the same kind of wheel.
//!
//! ## Guarantees
//!
//! - A sleep of `d` never completes before `d` has passed on the runtime's
//!   clock: deadlines are rounded up to the millisecond and "now" down
//!   (`clock.rs`), and the wheel never fires early (`wheel.rs`).
//! - On an idle machine it completes about a millisecond late at most, plus
//!   the time the loop is busy running other tasks: the wheel's resolution
//!   is 1 ms.
//!
//! ## The paused test clock
//!
//! [`Builder::start_paused(true)`](crate::Builder::start_paused) builds a
//! runtime whose clock stands still: it moves only by [`advance`], or when
//! the loop has nothing to do but wait for a timer, in which case it jumps
//! straight to that timer (auto-advance). A test of timers spread over days
//! of virtual time then runs in milliseconds. Code under test must read time
//! through [`now`] (not `Instant::now()`) to see the virtual time; `sleep`,
//! `timeout` and `interval` do. It is a builder option rather than a cargo
//! feature, so a test can mix paused and real runtimes. (tokio: `time::pause()`
//! and `Builder::start_paused`, behind its `test-util` feature.)

mod clock;
mod driver;
mod interval;
mod sleep;
mod timeout;
mod wheel;
#[cfg(test)]
mod wheel_proptest;

pub(crate) use driver::TimerDriver;
pub use interval::{Interval, interval};
pub use sleep::{Sleep, sleep, sleep_until};
pub use timeout::{Elapsed, timeout};

use std::time::{Duration, Instant};

/// The current time on the runtime's clock [loop.time]: `Instant::now()`,
/// or the virtual time of a paused clock.
///
/// # Panics
///
/// Outside a runtime.
#[track_caller]
pub fn now() -> Instant {
    sleep::driver("runtime::time::now").clock.now()
}

/// Moves a paused clock forward by `duration`. Timers that come due fire
/// the next time the loop looks at its timers (at the latest when the
/// current task yields or waits).
///
/// # Panics
///
/// Outside a runtime, or if the runtime's clock is not paused (see
/// [`Builder::start_paused`](crate::Builder::start_paused)).
///
/// ```
/// use std::time::Duration;
/// let rt = runtime::Builder::new().start_paused(true).build().unwrap();
/// rt.block_on(async {
///     let start = runtime::time::now();
///     runtime::time::advance(Duration::from_secs(3600));
///     assert_eq!(runtime::time::now() - start, Duration::from_secs(3600));
/// });
/// ```
#[track_caller]
pub fn advance(duration: Duration) {
    let driver = sleep::driver("runtime::time::advance");
    let to = driver.clock.now().checked_add(duration);
    if !to.is_some_and(|to| driver.clock.advance_to(to)) {
        panic!(
            "runtime::time::advance needs a paused clock (Builder::start_paused(true)) \
             and a duration that fits an Instant"
        );
    }
}

/// How many timers are registered: sleeps that were polled and have neither
/// fired nor been dropped. For tests and diagnostics.
///
/// # Panics
///
/// Outside a runtime.
#[track_caller]
pub fn active_timers() -> usize {
    sleep::driver("runtime::time::active_timers").len()
}
