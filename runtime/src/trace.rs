//! The tick trace: one line per loop event on stderr, for watching the loop
//! work [asyncio's debug mode logs some of this at DEBUG level].
//!
//! Turn it on with `RUNTIME_TRACE=1` in the environment, or with
//! [`Builder::trace`](crate::Builder::trace). The lines look like:
//!
//! ```text
//! tick 12: poll task 3 'spin' -> Pending
//! tick 12: park 100 ms (next timer slot) -> slept 100.1 ms, 0 socket events
//! timer: 2 fired
//! tick 13: poll task 3 'spin' -> Pending
//! tick 13: park forever (nothing queued, no timer) -> slept 3.2 ms, 1 socket event
//! io: token 5 readable -> wake task 7
//! remote wake: task 9
//! ```
//!
//! A tick is step 1's polls followed by one park (`event_loop.rs`); ticks
//! are numbered from 1, the same numbers as the stats' tick count and the
//! timeline's ticks. The park line says how long the loop meant to wait
//! and why: `0 ms` because tasks are still queued (the fairness park), the
//! time to the next timer's wheel slot (not to its deadline: a far timer
//! is reached slot by slot, see `time/wheel.rs`), or `forever` when there
//! is nothing to do until a socket event or a wake from another thread.
//! Then how long it really slept and how many socket events came back (a
//! wake from another thread rings the loop's own `mio::Waker`, which ends
//! the park but is not a socket event: its task shows as a `remote wake`).
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

use std::time::Duration;

/// The environment variable that turns the trace on (`1`, `true` or `yes`).
pub(crate) const TRACE_ENV: &str = "RUNTIME_TRACE";

/// Reads [`TRACE_ENV`].
pub(crate) fn enabled_by_env() -> bool {
    std::env::var(TRACE_ENV).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"))
}

/// Why the loop parks with the timeout it chose (the park line's reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParkReason {
    /// Tasks are still queued: a zero timeout, only to look at sockets.
    QueuedWork,
    /// Nothing is queued; the timeout runs to the next timer's wheel slot.
    NextTimer,
    /// Nothing is queued and no timer is armed (or a paused clock waits for
    /// a blocking job): only an event or a remote wake ends the park.
    NothingToDo,
}

/// The trace's line for the park that ended tick `tick`: the timeout, its
/// reason, how long the loop slept (`slept_us`) and the events returned.
pub(crate) fn park_line(
    tick: u64,
    timeout: Option<Duration>,
    reason: ParkReason,
    slept_us: f64,
    events: u32,
) -> String {
    let timeout = match timeout {
        // The loop wakes to the microsecond (`reactor/alarm.rs`): a wait of
        // less than a millisecond is shown in microseconds, not as "0 ms".
        Some(timeout) if !timeout.is_zero() && timeout.as_millis() == 0 => {
            format!("{} µs", timeout.as_micros())
        }
        Some(timeout) => format!("{} ms", timeout.as_millis()),
        None => "forever".to_owned(),
    };
    let reason = match reason {
        ParkReason::QueuedWork => "tasks queued",
        ParkReason::NextTimer => "next timer slot",
        ParkReason::NothingToDo => "nothing queued, no timer",
    };
    let plural = if events == 1 { "" } else { "s" };
    format!(
        "tick {tick}: park {timeout} ({reason}) -> slept {:.1} ms, {events} socket event{plural}",
        slept_us / 1000.0
    )
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
