//! The slow-poll warning: a poll that holds the loop too long is reported,
//! naming the task [asyncio debug mode's "Executing <Task ...> took 3.005
//! seconds"].
//!
//! A single-threaded loop runs one poll at a time. A task that calls
//! `std::thread::sleep`, or computes for seconds between two `.await`s,
//! stops every other task, every timer and every socket for that long; the
//! spinner demo's `blocking` mode shows it. The loop times each poll and
//! prints
//!
//! ```text
//! warning: task 2 'slow' (spawned at src/main.rs:31) blocked the event loop for 3.00s
//! ```
//!
//! when it took longer than the threshold.
//!
//! ## Settings
//!
//! - On by default in debug builds, with a threshold of
//!   [`DEFAULT_THRESHOLD`] (asyncio's `slow_callback_duration` is 100 ms
//!   too); off by default in release builds, where the two clock reads per
//!   poll would show in benchmarks.
//! - `RUNTIME_SLOW_POLL_MS=N` sets the threshold to N ms and turns the
//!   warning on in any build; `0` turns it off.
//! - [`Builder::slow_poll_threshold`](crate::Builder::slow_poll_threshold)
//!   overrides both.

use std::panic::Location;
use std::time::Duration;

/// asyncio's default `loop.slow_callback_duration`.
pub(crate) const DEFAULT_THRESHOLD: Duration = Duration::from_millis(100);

/// The environment variable that sets the threshold in milliseconds.
pub(crate) const SLOW_POLL_ENV: &str = "RUNTIME_SLOW_POLL_MS";

/// The threshold from the environment, else the build's default.
/// `None` means the warning is off.
pub(crate) fn threshold_from_env() -> Option<Duration> {
    match std::env::var(SLOW_POLL_ENV) {
        Ok(value) => match value.trim().parse::<u64>() {
            Ok(0) => None,
            Ok(ms) => Some(Duration::from_millis(ms)),
            Err(_) => {
                eprintln!(
                    "warning: ignoring {SLOW_POLL_ENV}={value:?}: expected a whole number of milliseconds"
                );
                default_threshold()
            }
        },
        Err(_) => default_threshold(),
    }
}

/// On in debug builds, off in release builds.
fn default_threshold() -> Option<Duration> {
    cfg!(debug_assertions).then_some(DEFAULT_THRESHOLD)
}

/// Prints the warning for a poll that took `took`, of the task `task`
/// (as traces name it) spawned at `at`, or of the `block_on` future called
/// at `at`.
pub(crate) fn warn(task: &str, is_block_on: bool, at: &Location<'_>, took: Duration) {
    let place = if is_block_on {
        "called at"
    } else {
        "spawned at"
    };
    eprintln!(
        "warning: {task} ({place} {}:{}) blocked the event loop for {:.2}s",
        at.file(),
        at.line(),
        took.as_secs_f64()
    );
}
