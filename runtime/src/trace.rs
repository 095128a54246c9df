//! The tick trace: one line per loop event on stderr, for watching the loop
//! work [asyncio's debug mode logs some of this at DEBUG level].
//!
//! Turn it on with `RUNTIME_TRACE=1` in the environment, or with
//! [`Builder::trace`](crate::Builder::trace). The lines look like:
//!
//! ```text
//! tick 12: poll task 3 'spin' -> Pending
//! io: token 5 readable -> wake task 7
//! timer: 2 fired
//! remote wake: task 9
//! ```
//!
//! ## Cost when off
//!
//! Every call site goes through the [`trace!`] macro, which expands to
//! `if enabled { eprintln!(...) }`: one predictable branch on a `bool` that
//! never changes, and the `format_args!` is never evaluated when it is false.
//! tokio reaches the same end through the `tracing` crate, whose macros check
//! a cached "is anyone interested" flag before building an event.
//!
//! ## Where the lines come from
//!
//! Every line is written by the runtime's observer (`observe.rs`), the one
//! place the loop reports to. A line such as `io: token 5 readable -> wake
//! task 7` joins two things no single part knows: the reactor knows the
//! socket but not the task behind an opaque waker, and the scheduler knows
//! the task but not why it was woken. The reactor leaves the socket as the
//! wake's cause in a thread-local (`timeline/hooks.rs`) before it wakes, and
//! the observer reads it when the wake reaches the run queue. A wake that
//! finds its task already queued changes nothing, and prints nothing.

/// The environment variable that turns the trace on (`1`, `true` or `yes`).
pub(crate) const TRACE_ENV: &str = "RUNTIME_TRACE";

/// Reads [`TRACE_ENV`].
pub(crate) fn enabled_by_env() -> bool {
    std::env::var(TRACE_ENV).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"))
}

/// Writes one trace line to stderr if `$enabled` is true; otherwise does not
/// even format its arguments.
macro_rules! trace {
    ($enabled:expr, $($arg:tt)*) => {
        if $enabled {
            eprintln!($($arg)*);
        }
    };
}

pub(crate) use trace;
