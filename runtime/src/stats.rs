//! [`Stats`]: counters of what the loop has done, and a snapshot to print.
//!
//! asyncio has no public counters (its debug mode logs instead); tokio has
//! `RuntimeMetrics`, behind a `tokio_unstable` cfg for most of its fields.
//! Here every counter is a `Cell<u64>` on the runtime thread, bumped where
//! the event happens. A `Cell` increment is a plain add with no atomic and no
//! branch, which is why the counters are always on: "no cost when nobody is
//! looking" holds without a switch.
//!
//! Each subsystem keeps its own counters: the scheduler these
//! ([`Counters`]: tasks, polls, wakes, loop turns), the reactor its events,
//! the timers theirs (`time/driver.rs`). A snapshot gathers them
//! (`context.rs`).
//!
//! Remote wakes happen on other threads, so they are counted on the loop's
//! side, when the loop drains them from its remote queue. The blocking pool's
//! thread counts are kept by the pool under its mutex, and read when the
//! snapshot is taken.

use std::cell::Cell;
use std::fmt;

/// The scheduler's live counters. Runtime thread only.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// Tasks spawned.
    pub(crate) spawned: Cell<u64>,
    /// Tasks that finished, panicked or were cancelled.
    pub(crate) finished: Cell<u64>,
    /// Polls of spawned tasks and of `block_on` futures.
    pub(crate) polls: Cell<u64>,
    /// Wakes that took the local path (the runtime's own thread).
    pub(crate) local_wakes: Cell<u64>,
    /// Wakes that came through the remote queue (other threads).
    pub(crate) remote_wakes: Cell<u64>,
    /// Turns of the loop: one batch of polls plus one reactor poll.
    pub(crate) ticks: Cell<u64>,
}

/// Adds one to a counter.
pub(crate) fn bump(counter: &Cell<u64>) {
    counter.set(counter.get() + 1);
}

/// Adds `n` to a counter.
pub(crate) fn add(counter: &Cell<u64>, n: u64) {
    counter.set(counter.get() + n);
}

/// A snapshot of a runtime's counters [no asyncio equivalent; see the module
/// doc]. Get one with [`Runtime::stats`](crate::Runtime::stats) or, from
/// inside a task, [`runtime::stats()`](crate::stats()).
///
/// `Display` prints a compact table:
///
/// ```
/// let rt = runtime::Runtime::new().unwrap();
/// rt.block_on(async { runtime::spawn(async {}).await.unwrap() });
/// let stats = rt.stats();
/// assert_eq!(stats.tasks_spawned, 1);
/// println!("{stats}");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Tasks spawned since the runtime was built.
    pub tasks_spawned: u64,
    /// Tasks that finished, panicked or were cancelled.
    pub tasks_finished: u64,
    /// Tasks alive now (spawned and not yet done).
    pub tasks_alive: u64,
    /// Polls, of tasks and of `block_on` futures.
    pub polls: u64,
    /// Wakes on the runtime's own thread.
    pub local_wakes: u64,
    /// Wakes from other threads.
    pub remote_wakes: u64,
    /// Turns of the event loop.
    pub ticks: u64,
    /// Socket readiness events.
    pub io_events: u64,
    /// Sockets registered with the reactor now.
    pub io_sources: u64,
    /// Timers armed.
    pub timers_armed: u64,
    /// Timers fired.
    pub timers_fired: u64,
    /// Timers cancelled before firing.
    pub timers_cancelled: u64,
    /// Blocking-pool threads running a job now.
    pub blocking_busy: u64,
    /// Blocking-pool threads waiting for a job now.
    pub blocking_idle: u64,
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows: [(&str, String); 7] = [
            (
                "tasks",
                format!(
                    "{} spawned, {} finished, {} alive",
                    self.tasks_spawned, self.tasks_finished, self.tasks_alive
                ),
            ),
            ("polls", self.polls.to_string()),
            (
                "wakes",
                format!("{} local, {} remote", self.local_wakes, self.remote_wakes),
            ),
            ("loop ticks", self.ticks.to_string()),
            (
                "reactor",
                format!(
                    "{} events, {} sources registered",
                    self.io_events, self.io_sources
                ),
            ),
            (
                "timers",
                format!(
                    "{} armed, {} fired, {} cancelled",
                    self.timers_armed, self.timers_fired, self.timers_cancelled
                ),
            ),
            (
                "blocking pool",
                format!(
                    "{} busy, {} idle threads",
                    self.blocking_busy, self.blocking_idle
                ),
            ),
        ];
        for (i, (name, value)) in rows.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{name:<14}{value}")?;
        }
        Ok(())
    }
}
