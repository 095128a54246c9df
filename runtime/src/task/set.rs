//! The runtime's set of live tasks: a slab of task references.
//!
//! The runtime must reach every live task at shutdown to drop it (that is
//! what `asyncio.run` does when it cancels the tasks that remain), and a
//! task must leave the set in O(1) when it ends. A slab gives both: each
//! task's header records its index (`slot`), and the slab can be drained.
//!
//! A task leaves the set exactly once, when its poll says it ended
//! (`Polled::Done` in `raw.rs`); a wake queued before that finds the task
//! ended and runs nothing (`Polled::Stale`), so it never touches the set and
//! cannot remove a later task that reuses the slot.
//!
//! The slab is generic so that it knows nothing of tasks: it keeps `T`s
//! (here, `RawTask`s, one reference each) at `u32` indexes. tokio keeps its
//! owned tasks in an intrusive doubly linked list (`OwnedTasks`) through the
//! task headers, which needs no index but two pointers per task and
//! `unsafe` list code.

/// Values at stable `u32` indexes, reusing freed ones. Runtime thread only;
/// the scheduler borrows it briefly and never across a poll.
#[derive(Debug)]
pub(crate) struct TaskSet<T> {
    /// The slots; `None` is a free slot.
    slots: Vec<Option<T>>,
    /// Indexes of the free slots, reused last-freed-first.
    free: Vec<u32>,
    /// How many slots hold a value.
    len: usize,
}

impl<T> Default for TaskSet<T> {
    fn default() -> TaskSet<T> {
        TaskSet {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }
}

impl<T> TaskSet<T> {
    /// The index the next [`insert`](Self::insert) will use, so a task's
    /// header can be built with its slot before the task is stored.
    ///
    /// # Panics
    ///
    /// If `u32::MAX - 1` tasks are alive at once (the last index is the
    /// `block_on` future's marker).
    pub(crate) fn vacant_slot(&self) -> u32 {
        match self.free.last() {
            Some(&slot) => slot,
            None => u32::try_from(self.slots.len())
                .ok()
                .filter(|&slot| slot < u32::MAX)
                .expect("more than 4 billion live tasks"),
        }
    }

    /// Stores `value` at `slot`, which must be [`vacant_slot`](Self::vacant_slot).
    pub(crate) fn insert(&mut self, slot: u32, value: T) {
        debug_assert_eq!(slot, self.vacant_slot());
        if self.free.last() == Some(&slot) {
            self.free.pop();
            self.slots[slot as usize] = Some(value);
        } else {
            self.slots.push(Some(value));
        }
        self.len += 1;
    }

    /// Takes the value at `slot` out, if there is one.
    pub(crate) fn remove(&mut self, slot: u32) -> Option<T> {
        let value = self.slots.get_mut(slot as usize)?.take()?;
        self.free.push(slot);
        self.len -= 1;
        Some(value)
    }

    /// Takes every value out, for shutdown.
    pub(crate) fn drain(&mut self) -> Vec<T> {
        self.free.clear();
        self.len = 0;
        std::mem::take(&mut self.slots)
            .into_iter()
            .flatten()
            .collect()
    }

    /// How many values are stored.
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freed_slots_are_reused_and_counted() {
        let mut set = TaskSet::default();
        for value in ["a", "b", "c"] {
            let slot = set.vacant_slot();
            set.insert(slot, value);
        }
        assert_eq!(set.remove(1), Some("b"));
        assert_eq!(set.remove(1), None, "a slot is emptied once");
        assert_eq!(set.vacant_slot(), 1);
        set.insert(1, "d");
        assert_eq!(set.len(), 3);
        let mut all = set.drain();
        all.sort_unstable();
        assert_eq!(all, ["a", "c", "d"]);
        assert_eq!(set.len(), 0);
    }
}
