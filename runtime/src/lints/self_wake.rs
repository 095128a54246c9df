//! The self-wake lint: a task that keeps waking itself and waits for
//! nothing else is a busy loop.
//!
//! ## The rule
//!
//! A poll that returns `Pending` with the task's `SCHEDULED` flag already
//! set (the loop cleared it just before the poll, rule C in
//! `task/state.rs`) was woken *during its own poll*: on this thread only
//! the task itself ran then, so it woke itself (`cx.waker().wake_by_ref()`,
//! `yield_now`, a send on a channel it then reads). A `Pending` poll with
//! the flag clear waits for someone else: a socket, a timer, another task,
//! another thread. The lint counts each task's self-woken polls in a row
//! that did nothing else the loop can see; a poll that waits for someone
//! else starts the count again, and so does one that woke or spawned
//! another task (progress: a producer that hands each item to a consumer
//! and yields is not spinning). At [`SELF_WAKE_LIMIT`] the task is
//! reported, once in its life.
//!
//! A wake from another thread that lands during the poll looks like a self
//! wake. It can only lengthen a run if it lands during every one of the
//! [`SELF_WAKE_LIMIT`] polls, which is a busy loop of its own.
//!
//! ## Why the limit is 10,000, and what `yield_now` loops do
//!
//! `yield_now` is a self wake too, and a loop of `yield_now` with work in
//! between is how a task shares the loop during a long computation
//! (asyncio's `await asyncio.sleep(0)`). That is legitimate for a while,
//! and the lint leaves it alone as long as the task waits for something
//! else (a socket, a timer, a channel) at least once every 10,000 yields.
//! A task that yields 10,000 times in a row and waits for nothing is either
//! polling a condition in a busy loop (a flag another task or thread sets,
//! which should come with a waker) or computing for so long that it belongs
//! on `spawn_blocking`; both are worth a warning.
//!
//! The limit can be large because a busy loop reaches any limit quickly: a
//! self-waking poll costs a few hundred nanoseconds in a debug build, so
//! 10,000 of them take milliseconds, while the legitimate pattern of a few
//! yields per wait never comes near. The largest legitimate run in this
//! workspace is the benches' `yield_many` row, 1,000 yields per task, a
//! tenth of the limit. tokio's cooperative budget, 128 operations before a
//! task is made to yield, is the scale of a normal run of work between two
//! waits.

use std::cell::RefCell;

use super::task_facts::{AfterPoll, Culprit};

/// Polls in a row in which a task woke itself, waiting for nothing else,
/// after which the self-wake lint reports it (see
/// [`Builder::self_wake_lint`](crate::Builder::self_wake_lint)). Large,
/// because a busy loop reaches it within milliseconds, while a task that
/// yields between real waits (a socket, a timer, a channel) never does: the
/// benches' `yield_many` row yields 1,000 times per task, a tenth of it.
pub const SELF_WAKE_LIMIT: u32 = 10_000;

/// One task's run of self wakes.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    /// The task the run belongs to (slots are reused after a task ends).
    task: u64,
    /// Self-woken polls in a row so far.
    count: u32,
    /// The task has been reported; it never is again.
    reported: bool,
}

/// Every task's run, by task-set slot, and the `block_on` future's. Runtime
/// thread only; borrowed only inside [`SelfWakes::count`].
#[derive(Default)]
pub(crate) struct SelfWakes {
    /// The runs of spawned tasks, indexed by slot; grows to the largest slot
    /// seen.
    by_slot: RefCell<Vec<Run>>,
    /// The run of the `block_on` future (of the loop's current `block_on`).
    block_on: RefCell<Run>,
}

impl SelfWakes {
    /// Counts the `Pending` poll of task `id` read in `after`, which woke
    /// or spawned another task if `progressed`. Returns true if this poll
    /// makes the task's run reach the limit for the first time in its life:
    /// the caller reports it.
    pub(super) fn count(&self, id: u64, after: &AfterPoll, progressed: bool) -> bool {
        let mut slots;
        let mut main;
        let run: &mut Run = match after.slot {
            Some(slot) => {
                slots = self.by_slot.borrow_mut();
                let slot = slot as usize;
                if slots.len() <= slot {
                    slots.resize(slot + 1, Run::default());
                }
                &mut slots[slot]
            }
            None => {
                main = self.block_on.borrow_mut();
                &mut main
            }
        };
        if run.task != id {
            *run = Run {
                task: id,
                ..Run::default()
            };
        }
        if !after.scheduled || progressed {
            run.count = 0;
            return false;
        }
        run.count = run.count.saturating_add(1);
        if run.count >= SELF_WAKE_LIMIT && !run.reported {
            run.reported = true;
            return true;
        }
        false
    }
}

/// The warning for `task`.
pub(super) fn message(task: &Culprit<'_>) -> String {
    format!(
        "{} woke itself in {SELF_WAKE_LIMIT} polls in a row without waiting for \
         anything else: a busy loop? (self wake)",
        task.named()
    )
}
