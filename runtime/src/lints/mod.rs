//! Lints: two bugs of hand-written futures that the loop can see for itself
//! and name, instead of hanging or spinning silently [tokio-console's
//! "lost waker" and "self wakes" lints].
//!
//! - **Lost waker** (`lost_waker.rs`): a poll returned `Pending`, the task
//!   is not queued, and no waker for it exists anywhere. Nothing can ever
//!   schedule it again: it will never be polled again. The most common
//!   bug of a hand-written future, returning `Pending` without storing
//!   `cx.waker()`, ends here.
//! - **Self wake** (`self_wake.rs`): a task woke itself, during its own
//!   poll, [`SELF_WAKE_LIMIT`] polls in a row without waiting for anything
//!   else and without waking or spawning another task: a busy loop through
//!   `wake_by_ref` (or `yield_now`).
//!
//! Each is reported once per task, on stderr:
//!
//! ```text
//! warning: task 3 'lost' (spawned at src/main.rs:31) returned Pending, is not queued, and no waker for it exists: it will never be polled again (lost waker)
//! warning: task 4 'spin' (spawned at src/main.rs:40) woke itself in 10000 polls in a row without waiting for anything else: a busy loop? (self wake)
//! ```
//!
//! ## Settings
//!
//! Each lint has a [`LintLevel`]: `off`, `warn` (print the warning) or
//! `deny` (print it, then panic out of `block_on`, so a test or a CI run
//! fails on it).
//!
//! - `warn` by default in debug builds, like the slow-poll warning
//!   (`slow_poll.rs`); `off` in release builds.
//! - `RUNTIME_LOST_WAKER` and `RUNTIME_SELF_WAKE` (`off`, `warn`, `deny`)
//!   set them in any build; `.ci/test` runs the whole suite with
//!   `RUNTIME_LOST_WAKER=deny`.
//! - [`Builder::lost_waker_lint`](crate::Builder::lost_waker_lint) and
//!   [`Builder::self_wake_lint`](crate::Builder::self_wake_lint) override
//!   both.
//!
//! ## Where the checks run, and what they cost
//!
//! Both look at a task right after a poll returned `Pending`, in the
//! observer's watched half (`observe.rs`): a lint that is on makes the
//! runtime *watched*, so with every lint off (release builds) the loop pays
//! nothing it did not pay before. When on, a check is one load of the
//! task's state word (`task/state.rs`) and, for the self-wake count, one
//! slot of a `Vec` per task.
//!
//! ## What tokio-console does differently
//!
//! tokio-console sees the same two bugs from outside the process: tokio's
//! instrumentation sends an event for every waker clone, drop and wake to
//! a subscriber, which counts each task's wakers and wakes and raises the
//! lints in the console's terminal UI. That also catches a waker stored and
//! dropped later without a wake, which a check after the poll cannot see
//! (`lost_waker.rs` says why it leaves that case alone). Its self-wake lint
//! fires when more than half of all of a task's wakes were its own; ours
//! counts wakes in a row, so a task that also waits for real events is
//! never reported, however often it yields in between.

mod lost_waker;
mod self_wake;
mod task_facts;

pub(crate) use task_facts::{AfterPoll, Culprit};

use std::cell::Cell;

pub use self_wake::SELF_WAKE_LIMIT;
use self_wake::SelfWakes;

/// What a lint does when it finds its bug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LintLevel {
    /// Nothing: the check is not made.
    Off,
    /// Print a warning on stderr, once per task.
    Warn,
    /// Print the warning, then panic out of `block_on`: a bug fails the run.
    Deny,
}

/// The environment variable that sets the lost-waker lint's level.
pub(crate) const LOST_WAKER_ENV: &str = "RUNTIME_LOST_WAKER";

/// The environment variable that sets the self-wake lint's level.
pub(crate) const SELF_WAKE_ENV: &str = "RUNTIME_SELF_WAKE";

/// The level of the lint set by the variable `env`, else the build's
/// default: `warn` in debug builds, `off` in release builds.
pub(crate) fn level_from_env(env: &str) -> LintLevel {
    let default = if cfg!(debug_assertions) {
        LintLevel::Warn
    } else {
        LintLevel::Off
    };
    let Ok(value) = std::env::var(env) else {
        return default;
    };
    match value.trim() {
        "off" | "0" => LintLevel::Off,
        "warn" | "1" => LintLevel::Warn,
        "deny" => LintLevel::Deny,
        _ => {
            eprintln!("warning: ignoring {env}={value:?}: expected off, warn or deny");
            default
        }
    }
}

/// One runtime's lints: their levels, and the self-wake counts. Owned by
/// the observer; runtime thread only.
pub(crate) struct Lints {
    /// The lost-waker lint's level. Fixed at build time.
    lost_waker: LintLevel,
    /// The self-wake lint's level. Fixed at build time.
    self_wake: LintLevel,
    /// Each task's self wakes in a row (`self_wake.rs`).
    self_wakes: SelfWakes,
    /// The observer's count of local wakes plus spawns when the current
    /// poll started: a poll that raised it woke or spawned another task.
    progress_at_poll_start: Cell<u64>,
}

impl Lints {
    /// The lints at these levels.
    pub(crate) fn new(lost_waker: LintLevel, self_wake: LintLevel) -> Lints {
        Lints {
            lost_waker,
            self_wake,
            self_wakes: SelfWakes::default(),
            progress_at_poll_start: Cell::new(0),
        }
    }

    /// True if any lint is on, so the observer must watch polls.
    pub(crate) fn any_on(&self) -> bool {
        self.lost_waker != LintLevel::Off || self.self_wake != LintLevel::Off
    }

    /// A poll starts; `progress` is the observer's count of local wakes
    /// plus spawns so far.
    pub(crate) fn poll_started(&self, progress: u64) {
        self.progress_at_poll_start.set(progress);
    }

    /// Checks task `id`, whose poll just returned `Pending`; `read` reads
    /// its state word (only if a lint is on), `culprit` names it (only if a
    /// lint fires), and `progress` is the observer's count of local wakes
    /// plus spawns now.
    pub(crate) fn after_pending(
        &self,
        read: impl FnOnce() -> AfterPoll,
        culprit: impl Fn() -> Culprit<'static>,
        id: u64,
        progress: u64,
    ) {
        if !self.any_on() {
            return;
        }
        let after = read();
        // The task's own wake, if it pushed itself, is one local wake; any
        // other means the poll woke or spawned another task.
        let own = u64::from(after.scheduled);
        let others = progress - self.progress_at_poll_start.get();
        let progressed = others.saturating_sub(own) > 0;
        if self.lost_waker != LintLevel::Off && lost_waker::is_lost(&after) {
            report(
                self.lost_waker,
                LOST_WAKER_ENV,
                &lost_waker::message(&culprit()),
            );
        }
        if self.self_wake != LintLevel::Off && self.self_wakes.count(id, &after, progressed) {
            report(
                self.self_wake,
                SELF_WAKE_ENV,
                &self_wake::message(&culprit()),
            );
        }
    }
}

/// Prints `message` as a warning; under `deny`, then panics with it.
fn report(level: LintLevel, env: &str, message: &str) {
    eprintln!("warning: {message}");
    if level == LintLevel::Deny {
        panic!("{message}; denied (by {env}=deny or the runtime's Builder)");
    }
}
