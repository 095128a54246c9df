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
//! ## Who knows which task is running
//!
//! A line such as `io: token 5 readable -> wake task 7` names the task that
//! stored the waker, which the reactor cannot know by itself: a waker is
//! opaque. The [`Tracer`] keeps it instead. The loop records the task it is
//! about to poll, and the reactor, which holds the same `Rc<Tracer>`, reads
//! it when a future registers for readiness. Nothing else reaches into the
//! loop for it.

use std::cell::Cell;

use crate::task::TaskId;

/// The trace switch and what the trace needs to know about the loop. One per
/// runtime, shared (`Rc`) by the loop, the scheduler and the reactor.
/// Runtime thread only.
#[derive(Debug, Default)]
pub(crate) struct Tracer {
    /// True if the trace is on. Fixed when the runtime is built.
    pub(crate) enabled: bool,
    /// The task being polled, recorded only while the trace is on.
    polling: Cell<Option<TaskId>>,
}

impl Tracer {
    /// A tracer, on or off.
    pub(crate) fn new(enabled: bool) -> Tracer {
        Tracer {
            enabled,
            polling: Cell::new(None),
        }
    }

    /// Records the task the loop is about to poll (a no-op when off).
    pub(crate) fn polling(&self, task: TaskId) {
        if self.enabled {
            self.polling.set(Some(task));
        }
    }

    /// The task being polled, if the trace is on and a task is.
    pub(crate) fn current_task(&self) -> Option<TaskId> {
        self.polling.get()
    }
}

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
