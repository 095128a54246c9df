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
//! | (none)                           | [`SendSleep`]: a `Send + Sync` sleep, for hyper's timer |
//!
//! ## How a sleep works
//!
//! There is no timer thread. The event loop owns one `TimerDriver`
//! (`driver.rs`), which a `Sleep` finds through the running loop's context:
//! a hierarchical timing wheel (`wheel.rs`, whose doc is the data-structure
//! design) plus a clock (`clock.rs`) that counts in microseconds. A [`Sleep`]
//! registers its deadline and its task's waker in the wheel on its first
//! poll. Before blocking in `epoll_wait`, the loop asks the wheel for its next
//! expiration and blocks until then: on Linux a timerfd in the epoll set,
//! armed to that instant, ends the wait to the nanosecond; elsewhere the
//! remaining time is the poll's timeout, which mio rounds up to whole
//! milliseconds on epoll (`reactor/alarm.rs` weighs the ways to wake on
//! time). After the poll the loop fires every due timer, which wakes the
//! sleeping tasks (`driver.rs`). asyncio does the same with a heap of
//! `TimerHandle`s in `_run_once`; tokio with the same kind of wheel, in
//! milliseconds.
//!
//! ## Guarantees
//!
//! - A sleep of `d` never completes before `d` has passed on the runtime's
//!   clock: deadlines are rounded up to the microsecond and "now" down
//!   (`clock.rs`), and the wheel never fires early (`wheel.rs`).
//! - On Linux it completes late by the time the kernel takes to wake the
//!   thread (tens of microseconds on an idle machine), plus the time the loop
//!   is busy running other tasks. Elsewhere, where the loop blocks for whole
//!   milliseconds (epoll without timerfd, Windows), up to a millisecond more.

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
mod control;
pub(crate) mod driver;
mod interval;
mod send_sleep;
mod sleep;
mod timeout;
mod wheel;
#[cfg(test)]
mod wheel_proptest;

pub use control::{active_timers, advance, now};
pub use interval::{Interval, interval};
pub use send_sleep::SendSleep;
pub use sleep::{Sleep, sleep, sleep_until};
pub use timeout::{Elapsed, Timeout, timeout};
