//! A bound on tests that wait for a wake.
//!
//! A test of a wake protocol waits for something another thread or task
//! must cause: a wake, a stop signal, a remote spawn's result. If the
//! protocol loses that wake, the waiting thread blocks forever (an event
//! loop in `epoll_wait` with nothing registered that will ever fire), and a
//! plain `cargo test` never ends: CI times out without saying which test,
//! or what it was waiting for. [`within`] turns that hang into a failure:
//!
//! ```
//! use std::time::Duration;
//!
//! let answer = watchdog::within(Duration::from_secs(10), "the sum to be computed", || 6 * 7);
//! assert_eq!(answer, 42);
//! ```
//!
//! ```should_panic
//! use std::time::Duration;
//!
//! // Panics: "watchdog: the stop signal reached the waiting task did not happen within 10ms"
//! watchdog::within(Duration::from_millis(10), "the stop signal reached the waiting task", || {
//!     std::thread::sleep(Duration::from_secs(3600))
//! });
//! ```
//!
//! The bound is generous (seconds where the work takes milliseconds): it is
//! there to turn a hang into a failure, not to time anything, so a loaded
//! machine does not make it fail.
//!
//! The environment variable `WATCHDOG_SECS`, when set to a number of
//! seconds, replaces every bound. The mutation check (`.ci/mutations`)
//! sets it low: it runs tests on code weakened on purpose, expects the
//! hang, and should not wait a minute for each one.
//!
//! ## Implementation
//!
//! The body runs on a thread of its own, and the test's thread waits for
//! its result on a channel with `recv_timeout`. On a timeout the body's
//! thread is left behind (a thread cannot be killed), blocked where the wake
//! was lost; the test fails and the test binary exits with it at the end.
//! A panic in the body is re-raised on the test's thread with its own
//! message. Under Miri the body runs directly: Miri reports a deadlock
//! itself, and its clock is virtual.

use std::panic;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

/// The environment variable that replaces every bound (see the crate doc).
pub const BOUND_VARIABLE: &str = "WATCHDOG_SECS";

/// Runs `body` and returns its result, or panics with
/// `watchdog: WHAT did not happen within BOUND` if it has not returned
/// within `bound` (or `WATCHDOG_SECS` seconds, when that is set). `what` names the event the body waits for ("the task
/// woken from another thread to finish"), so that the failure says what was
/// lost.
///
/// # Panics
///
/// On the timeout, and with the body's own panic if it panics.
#[track_caller]
pub fn within<T, F>(bound: Duration, what: &str, body: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    if cfg!(miri) {
        return body();
    }
    let bound = std::env::var(BOUND_VARIABLE)
        .ok()
        .and_then(|secs| secs.parse().ok())
        .map_or(bound, Duration::from_secs_f64);
    let (done, result) = mpsc::channel();
    let runner = thread::Builder::new()
        .name(format!("watchdog: {what}"))
        .spawn(move || {
            let _ = done.send(body());
        })
        .expect("spawn the watchdog's body thread");
    match result.recv_timeout(bound) {
        Ok(value) => {
            let _ = runner.join();
            value
        }
        // The body panicked: re-raise its panic here, with its message.
        Err(RecvTimeoutError::Disconnected) => match runner.join() {
            Err(payload) => panic::resume_unwind(payload),
            Ok(()) => unreachable!("the body returned without sending its result"),
        },
        Err(RecvTimeoutError::Timeout) => {
            panic!("watchdog: {what} did not happen within {bound:?}")
        }
    }
}
