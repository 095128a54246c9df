//! The cases of the memory binary (`src/bin/memory.rs`) and how RSS is read.
//!
//! Each case loads one runtime and returns with the load still alive, so
//! the caller can read the process's peak RSS while everything is held.

use std::fmt;

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::Poll;

use crate::params::{MEMORY_ARMED_TIMERS, MEMORY_IDLE_TASKS, TIMER_FAR_DELAY};
use crate::rt;

/// A memory case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// The runtime built, one `block_on` run, nothing else alive.
    Baseline,
    /// `MEMORY_IDLE_TASKS` tasks spawned, each polled once and parked forever.
    IdleTasks,
    /// `MEMORY_ARMED_TIMERS` far-off sleeps, each boxed and polled once so it
    /// sits in the timer wheel.
    ArmedTimers,
}

impl Case {
    /// Every case, in report order (baseline first: the others subtract it).
    pub const ALL: [Case; 3] = [Case::Baseline, Case::IdleTasks, Case::ArmedTimers];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Case::Baseline => "baseline",
            Case::IdleTasks => "idle_tasks",
            Case::ArmedTimers => "armed_timers",
        }
    }

    /// The case named `name`, if any.
    pub fn parse(name: &str) -> Option<Case> {
        Case::ALL.into_iter().find(|case| case.name() == name)
    }

    /// A line for the report.
    pub fn describe(self) -> String {
        match self {
            Case::Baseline => "baseline (empty runtime)".to_string(),
            Case::IdleTasks => format!("{} idle tasks", thousands(MEMORY_IDLE_TASKS)),
            Case::ArmedTimers => format!("{} armed timers", thousands(MEMORY_ARMED_TIMERS)),
        }
    }
}

/// Which runtime a case runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// This project's runtime.
    This,
    /// tokio's current_thread runtime.
    Tokio,
}

impl Side {
    /// Both sides, in table order.
    pub const ALL: [Side; 2] = [Side::This, Side::Tokio];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Side::This => "this",
            Side::Tokio => "tokio",
        }
    }

    /// The side named `name`, if any.
    pub fn parse(name: &str) -> Option<Side> {
        Side::ALL.into_iter().find(|side| side.name() == name)
    }
}

/// Runs `case` on `side` and leaks the runtime and the load, so that they
/// are still resident when the caller reads the peak (the process exits
/// right after).
pub fn run_case(case: Case, side: Side) {
    match side {
        Side::This => {
            let this = rt::this();
            this.block_on(async {
                match case {
                    Case::Baseline => {}
                    Case::IdleTasks => {
                        for _ in 0..MEMORY_IDLE_TASKS {
                            drop(runtime::spawn(std::future::pending::<()>()));
                        }
                    }
                    Case::ArmedTimers => {
                        let sleeps = (0..MEMORY_ARMED_TIMERS)
                            .map(|_| Box::pin(runtime::time::sleep(TIMER_FAR_DELAY)))
                            .collect();
                        std::mem::forget(arm(sleeps).await);
                    }
                }
                // Every spawned task is queued ahead of us: this lets each
                // one run to its first `Pending` before we return.
                runtime::yield_now().await;
            });
            std::mem::forget(this);
        }
        Side::Tokio => {
            let tokio = rt::tokio();
            tokio.block_on(async {
                match case {
                    Case::Baseline => {}
                    Case::IdleTasks => {
                        for _ in 0..MEMORY_IDLE_TASKS {
                            drop(tokio::spawn(std::future::pending::<()>()));
                        }
                    }
                    Case::ArmedTimers => {
                        let sleeps = (0..MEMORY_ARMED_TIMERS)
                            .map(|_| Box::pin(tokio::time::sleep(TIMER_FAR_DELAY)))
                            .collect();
                        std::mem::forget(arm(sleeps).await);
                    }
                }
                // tokio's current_thread scheduler also runs queued tasks
                // before the block_on future is polled again.
                tokio::task::yield_now().await;
            });
            std::mem::forget(tokio);
        }
    }
}

/// Polls each sleep once, which puts it in its runtime's timer wheel, and
/// hands them back still armed. Boxed on both sides: tokio's `Sleep` is
/// `!Unpin` (ours is `Unpin` and would not need the box).
async fn arm<F: Future>(mut sleeps: Vec<Pin<Box<F>>>) -> Vec<Pin<Box<F>>> {
    poll_fn(|cx| {
        for sleep in sleeps.iter_mut() {
            // A far-off sleep is Pending; the result is not needed.
            let _ = sleep.as_mut().poll(cx);
        }
        Poll::Ready(())
    })
    .await;
    sleeps
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

/// `n` with a comma every three digits, e.g. `1,000,000`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// KiB as MiB with one decimal, e.g. `12.3 MiB`.
pub fn format_kib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}
