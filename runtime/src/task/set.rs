//! [`TaskSet`]: the live tasks a runtime owns, one reference each.
//!
//! The runtime must reach every live task at shutdown to drop it (that is
//! what `asyncio.run` does when it cancels the tasks that remain), and a
//! task must leave the set in O(1) when it ends. A slab (`slab.rs`) gives
//! both: each task's header records its index (`slot`), and the slab can be
//! drained.
//!
//! A task leaves the set exactly once: when the loop sees it end (its poll
//! returned `Polled::Ready`, `Polled::Panicked` or, for a remote spawn's
//! abort, `Polled::Cancelled`; or the loop dropped it for a local abort). A wake queued before that finds the task ended
//! (`lifecycle.is_done()`) and the loop skips it, so it never touches the
//! set and cannot remove a later task that reuses the slot.
//!
//! tokio keeps its owned tasks in an intrusive doubly linked list
//! (`OwnedTasks`) through the task headers, which needs no index but two
//! pointers per task and `unsafe` list code.

use super::header::MAIN_SLOT;
use super::raw::RawTask;
use crate::slab::Slab;

/// The live tasks, at the slots their headers record. Runtime thread only;
/// the scheduler borrows it briefly and never across a poll.
#[derive(Default)]
pub(crate) struct TaskSet {
    /// One reference per live task.
    tasks: Slab<RawTask>,
}

impl TaskSet {
    /// The slot the next [`insert`](Self::insert) will use, so a task's
    /// header can be given its slot (built with it, for a local spawn;
    /// written on arrival, for a remote one) before the task is stored.
    ///
    /// # Panics
    ///
    /// If `u32::MAX - 1` tasks are alive at once (the last slot number is
    /// the `block_on` future's marker, [`MAIN_SLOT`]).
    pub(crate) fn vacant_slot(&self) -> u32 {
        u32::try_from(self.tasks.vacant_key())
            .ok()
            .filter(|&slot| slot != MAIN_SLOT)
            .expect("more than 4 billion live tasks")
    }

    /// Stores `task` at `slot`, which must be [`vacant_slot`](Self::vacant_slot).
    pub(crate) fn insert(&mut self, slot: u32, task: RawTask) {
        self.tasks.insert(slot as usize, task);
    }

    /// Takes the task at `slot` out, if there is one.
    pub(crate) fn remove(&mut self, slot: u32) -> Option<RawTask> {
        self.tasks.remove(slot as usize)
    }

    /// Takes every task out, for shutdown.
    pub(crate) fn drain(&mut self) -> Vec<RawTask> {
        self.tasks.drain()
    }

    /// How many tasks are alive.
    pub(crate) fn len(&self) -> usize {
        self.tasks.len()
    }
}
