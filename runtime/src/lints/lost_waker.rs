//! The lost-waker lint: after a `Pending` poll, is there anything left that
//! could ever schedule the task again?
//!
//! ## The rule
//!
//! A task's state word (`task/state.rs`) counts every reference to the
//! task: the task set's, the `JoinHandle`'s, each queue entry's and each
//! `Waker`'s (rule 2 in `task/mod.rs`). Right after a poll returns
//! `Pending`, on the loop's thread, the references that are *not* wakers
//! are known exactly:
//!
//! | holder                                  | spawned task        | `block_on` future |
//! |-----------------------------------------|---------------------|-------------------|
//! | the task set                            | 1                   | (not in it)       |
//! | the queue entry the loop popped to poll | 1                   | 1                 |
//! | `block_on`'s own `RawTask`              |                     | 1                 |
//! | the `JoinHandle`, while it is alive     | 1 or 0              |                   |
//!
//! A task spawned from another thread (`Handle::spawn`) has a
//! `RemoteJoinHandle` instead, which lives on that other thread and keeps
//! its own phase, not the lifecycle byte's `JOIN_INTEREST` bit (the loop
//! clears the bit when it adopts the task). So its reference is never
//! counted as a holder: it is counted like a waker, since its `abort` can
//! still reach the task. A remote task is therefore reported only once its
//! handle is gone; while the handle lives, a lost waker there goes unseen.
//!
//! Every other reference is a waker or a new queue entry (a wake since the
//! loop cleared `SCHEDULED`, which sets the flag again and counts one for
//! the entry, or hands the entry the waker's own). So the task is *lost*,
//! not queued and with no waker, exactly when `refs == holders`; the flag
//! need not be read for it. The waker the poll was given is borrowed from
//! the popped entry and counts nothing (`task/waker.rs`); a future that
//! keeps it must clone it, and a clone counts one.
//!
//! ## Why "zero wakers" means "never polled again"
//!
//! Only a waker or a queue entry can put a task on a queue for a poll (the
//! `JoinHandle` can too, but only to cancel it: `abort` drops the future
//! without polling it). A waker is only ever made from another reference:
//! cloned from a waker, or from the borrowed waker of a poll of this task.
//! The count is exact at every point of the word's modification order, as
//! every change to it is a read-modify-write; so a reading of `holders`
//! is a point where no waker and no entry existed,
//! and the only references left are the loop's own, on this thread, which
//! make no waker until the next poll, which nothing can now cause. A waker
//! on another thread cannot hide from the reading: it was cloned, through a
//! chain of clones, from one made during an earlier poll on this thread,
//! each clone made while its source was still counted, so the count never
//! fell to `holders` in between.
//!
//! The reading is `Relaxed`: it only needs one value of the word, and
//! coherence alone keeps it from being older than this thread's own clones
//! made during the poll. It orders nothing else, and no other thread reads
//! anything the lint writes.
//!
//! ## What it does not see
//!
//! A waker stored during the poll and dropped later without a wake (a
//! timer entry dropped by a buggy future, a waker sent to a thread that
//! exits) loses the task just as surely, but after the check. Catching it
//! would mean a check in every waker's drop, on any thread, where the
//! holders are not known (the `JoinHandle` lives on the loop's thread):
//! tokio-console catches it that way, from its event stream. Here it stays
//! a silent hang, and the trace (`RUNTIME_TRACE=1`) or the timeline shows
//! the task waiting with no wake.
//!
//! `std::future::pending()` never stores its waker, by design: a task
//! awaiting it is reported, truthfully. A test that parks a task forever on
//! purpose turns the lint off for its runtime, or waits on something that
//! keeps the waker.

use super::task_facts::{AfterPoll, Culprit};

/// True if the task read in `after` is lost: not queued, and no reference
/// to it beyond the loop's own and its `JoinHandle`'s.
pub(super) fn is_lost(after: &AfterPoll) -> bool {
    // The popped queue entry, and the task set's or `block_on`'s.
    let holders = 2 + usize::from(after.join_handle);
    debug_assert!(after.refs >= holders, "fewer references than holders");
    after.refs == holders
}

/// The warning for `task`.
pub(super) fn message(task: &Culprit<'_>) -> String {
    format!(
        "{} returned Pending, is not queued, and no waker for it exists: \
         it will never be polled again (lost waker)",
        task.named()
    )
}
