//! The runtime's set of live tasks: a slab of `Rc<dyn Task>`.
//!
//! The loop needs to go from a woken [`Header`] to its future, and the
//! runtime needs to reach every live task at shutdown to drop it (that is
//! what `asyncio.run` does when it cancels the tasks that remain). A slab
//! gives both: `header.slot` is the index, and the slab can be drained.
//!
//! A slot can be reused after its task ends, while a stale header of the
//! old task may still be in the run queue (a wake that raced with the end).
//! [`TaskSet::get`] therefore checks that the slot holds *that* header,
//! comparing the `Arc` pointers, and a stale wake finds nothing to run.
//!
//! tokio keeps its owned tasks in an intrusive linked list (`OwnedTasks`),
//! which needs no index but needs `unsafe` pointer code.

use std::rc::Rc;
use std::sync::Arc;

use super::header::Header;

/// What the event loop and the task set need from any task, whatever its
/// future type: the type-erased view of a `TaskCell` (`cell.rs`).
pub(crate) trait Task {
    /// The thread-safe half.
    fn header(&self) -> &Arc<Header>;
    /// Polls the future once. Returns true when the task is done (finished,
    /// panicked or cancelled) and can leave the task set.
    fn poll(&self) -> bool;
    /// Drops the future and records the task as cancelled (abort, or runtime
    /// shutdown). Does nothing if the task is already done.
    fn cancel(&self);
}

/// Live tasks, indexed by `Header::slot`. Runtime thread only; the loop
/// borrows it briefly and never across a poll.
#[derive(Default)]
pub(crate) struct TaskSet {
    /// The slots; `None` is a free slot.
    slots: Vec<Option<Rc<dyn Task>>>,
    /// Indexes of the free slots, reused last-freed-first.
    free: Vec<usize>,
    /// How many slots hold a task.
    len: usize,
}

impl TaskSet {
    /// The index the next [`insert`](Self::insert) will use, so the header
    /// can be built with its slot before the task exists.
    pub(crate) fn vacant_slot(&self) -> usize {
        self.free.last().copied().unwrap_or(self.slots.len())
    }

    /// Stores a task at `task.header().slot`, which must be
    /// [`vacant_slot`](Self::vacant_slot).
    pub(crate) fn insert(&mut self, task: Rc<dyn Task>) {
        let slot = task.header().slot;
        debug_assert_eq!(slot, self.vacant_slot());
        if self.free.last() == Some(&slot) {
            self.free.pop();
            self.slots[slot] = Some(task);
        } else {
            self.slots.push(Some(task));
        }
        self.len += 1;
    }

    /// The task that `header` belongs to, if it is still live.
    pub(crate) fn get(&self, header: &Arc<Header>) -> Option<Rc<dyn Task>> {
        match self.slots.get(header.slot) {
            Some(Some(task)) if Arc::ptr_eq(task.header(), header) => Some(Rc::clone(task)),
            _ => None,
        }
    }

    /// Removes the task that `header` belongs to, if it is still live.
    pub(crate) fn remove(&mut self, header: &Arc<Header>) -> Option<Rc<dyn Task>> {
        let slot = self.slots.get_mut(header.slot)?;
        if !slot
            .as_ref()
            .is_some_and(|t| Arc::ptr_eq(t.header(), header))
        {
            return None;
        }
        let task = slot.take();
        self.free.push(header.slot);
        self.len -= 1;
        task
    }

    /// Takes every live task out, for shutdown.
    pub(crate) fn drain(&mut self) -> Vec<Rc<dyn Task>> {
        self.free.clear();
        self.len = 0;
        std::mem::take(&mut self.slots)
            .into_iter()
            .flatten()
            .collect()
    }

    /// How many tasks are live.
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}
