//! The cases of the memory binary (`src/bin/memory.rs`) and how RSS is read.
//!
//! Each case loads one runtime, built with the drivers the case needs (as
//! in the suite's rows), and returns with the load still alive, so the
//! caller can read the process's peak RSS while everything is held. Each
//! case runs twice, each time in a fresh process: once empty (the runtime
//! built and run once, nothing else) and once loaded; the difference,
//! divided by the number of items, is the cost of one item on that runtime.
//!
//! - [`Case::IdleTasks`]: tasks with a real body (state held across the
//!   wait, see [`crate::params::MEMORY_TASK_STATE`]), each polled to its wait
//!   and parked forever; on every side, futures' `LocalPool` included.
//! - [`Case::ParkedReads`]: tasks each parked on a read of its own loopback
//!   TCP connection, which each runtime opened itself (`sockets.rs` holds
//!   the far ends, in listeners' queues).
//! - [`Case::ArmedTimers`]: far-off sleeps, each boxed and polled once so
//!   it sits in the runtime's timer structure.
//!
//! `loads.rs` has the loads, one function per side and case.
//!
//! Besides the cases, [`run_idle_body`] runs idle tasks whose future is
//! exactly 0, 16, 64 or 256 bytes (`bodies.rs`), to show what a task costs
//! beyond its body and where the allocator's size classes round it up.
//!
//! The floor side (no runtime) runs `idle_tasks` and the body sizes: each
//! task a `Box` in a `Vec`, polled once. It has no sockets or timers to
//! park on.

pub mod bodies;
mod loads;
mod sockets;

use std::fmt;

use crate::params::{MEMORY_ARMED_TIMERS, MEMORY_IDLE_TASKS, MEMORY_PARKED_READS};
use crate::rt::Drivers;
use crate::side::Side;
use crate::units::thousands;

pub use sockets::{Farm, PER_LISTENER, SocketError, listener_shares, max_connections};

/// A memory case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `MEMORY_IDLE_TASKS` tasks with a real body, parked forever.
    IdleTasks,
    /// `MEMORY_PARKED_READS` tasks, each parked on a read of its own socket.
    ParkedReads,
    /// `MEMORY_ARMED_TIMERS` far-off sleeps, each boxed and polled once.
    ArmedTimers,
}

impl Case {
    /// Every case, in report order.
    pub const ALL: [Case; 3] = [Case::IdleTasks, Case::ParkedReads, Case::ArmedTimers];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Case::IdleTasks => "idle_tasks",
            Case::ParkedReads => "parked_reads",
            Case::ArmedTimers => "armed_timers",
        }
    }

    /// The case named `name`, if any.
    pub fn parse(name: &str) -> Option<Case> {
        Case::ALL.into_iter().find(|case| case.name() == name)
    }

    /// How many items the loaded run holds by default (the binary's
    /// `--items` overrides it, for quick checks).
    pub fn items(self) -> usize {
        match self {
            Case::IdleTasks => MEMORY_IDLE_TASKS,
            Case::ParkedReads => MEMORY_PARKED_READS,
            Case::ArmedTimers => MEMORY_ARMED_TIMERS,
        }
    }

    /// The drivers the peers are built with (as a row's).
    pub fn drivers(self) -> Drivers {
        match self {
            Case::IdleTasks => Drivers::None,
            Case::ParkedReads => Drivers::Io,
            Case::ArmedTimers => Drivers::Time,
        }
    }

    /// Why `side` does not run this case, if it does not.
    pub fn absent_reason(self, side: Side) -> Option<&'static str> {
        match (self, side) {
            (Case::ParkedReads | Case::ArmedTimers, Side::LocalPool) => {
                Some("no sockets or timers in futures' executor")
            }
            (Case::ParkedReads | Case::ArmedTimers, Side::Floor) => {
                Some("no runtime: nothing to park on")
            }
            _ => None,
        }
    }

    /// A line for the report, e.g. `100,000 idle tasks (bytes per task)`.
    pub fn describe(self, items: usize) -> String {
        let (what, unit) = match self {
            Case::IdleTasks => ("idle tasks", "task"),
            Case::ParkedReads => ("tasks parked on a socket read", "task"),
            Case::ArmedTimers => ("armed timers", "timer"),
        };
        format!("{} {what} (bytes per {unit})", thousands(items))
    }
}

/// Whether a run holds the case's items or only the runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Load {
    /// The runtime, built as for the case and run once, and nothing else.
    Empty,
    /// The runtime and all the case's items.
    Full,
}

/// Runs `case` with `items` items on `side` and leaks the runtime and the
/// load, so that they are still resident when the caller reads the peak
/// (the process exits right after).
pub fn run_case(case: Case, side: Side, load: Load, items: usize) -> Result<(), CaseError> {
    if case.absent_reason(side).is_some() {
        return Err(CaseError::Unsupported { case, side });
    }
    loads::run(case, side, load, items)
}

/// Runs `items` idle tasks whose future is exactly `body` bytes (one of
/// [`BODY_SIZES`](bodies::BODY_SIZES)) on `side`, built without drivers, or only the runtime
/// for [`Load::Empty`]; leaks it all, as [`run_case`] does.
pub fn run_idle_body(side: Side, load: Load, items: usize, body: usize) -> Result<(), CaseError> {
    bodies::run(side, load, items, body)
}

/// Why a case could not run.
#[derive(Debug)]
pub enum CaseError {
    /// The side has no equivalent of the case (see [`Case::absent_reason`]).
    Unsupported {
        /// The case asked for.
        case: Case,
        /// The side asked for.
        side: Side,
    },
    /// Opening the loopback connections of `parked_reads` failed.
    Sockets(SocketError),
    /// Tasks that should wait forever finished their wait.
    WaitEnded {
        /// How many did.
        ended: usize,
    },
    /// A body size the binary does not build (not one of [`BODY_SIZES`](bodies::BODY_SIZES)).
    Body(usize),
    /// Not every idle body was polled exactly once.
    Polled {
        /// Polls counted.
        polled: usize,
        /// Tasks spawned.
        expected: usize,
    },
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaseError::Unsupported { case, side } => {
                write!(f, "{} does not run {}", side.name(), case.name())
            }
            CaseError::Sockets(err) => err.fmt(f),
            CaseError::WaitEnded { ended } => write!(
                f,
                "{ended} tasks stopped waiting (a parked read returned: its far end closed?)"
            ),
            CaseError::Body(body) => write!(
                f,
                "no idle body of {body} bytes: the sizes are {:?}",
                bodies::BODY_SIZES
            ),
            CaseError::Polled { polled, expected } => write!(
                f,
                "{polled} polls of idle bodies for {expected} tasks (each should be polled once)"
            ),
        }
    }
}

impl std::error::Error for CaseError {}

impl From<SocketError> for CaseError {
    fn from(err: SocketError) -> CaseError {
        CaseError::Sockets(err)
    }
}

/// Reading `/proc/self/status` failed or had no `VmHWM` line.
#[derive(Debug)]
pub struct RssError(String);

impl fmt::Display for RssError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read peak RSS: {}", self.0)
    }
}

impl std::error::Error for RssError {}

/// This process's peak resident set size in KiB (`VmHWM`).
pub fn peak_rss_kib() -> Result<u64, RssError> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|err| RssError(format!("/proc/self/status: {err}")))?;
    parse_vm_hwm(&status).ok_or_else(|| RssError("no VmHWM line in /proc/self/status".into()))
}

/// The `VmHWM:   1234 kB` value from the text of `/proc/<pid>/status`.
pub fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let mut words = line["VmHWM:".len()..].split_whitespace();
    let value = words.next()?.parse().ok()?;
    (words.next() == Some("kB")).then_some(value)
}

/// Bytes per item: the loaded peak minus the empty one, over `items`.
pub fn bytes_per_item(empty_kib: u64, loaded_kib: u64, items: usize) -> f64 {
    loaded_kib.saturating_sub(empty_kib) as f64 * 1024.0 / items as f64
}
