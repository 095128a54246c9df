//! [`TaskId`]: a task's identity, for reprs, traces and errors.

use std::sync::atomic::{AtomicU64, Ordering};

/// A task's identity, unique for the life of the process. Ids start at 1.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub(crate) u64);

impl std::fmt::Display for TaskId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl TaskId {
    /// Hands out the next id. `Relaxed`: the counter only has to hand out
    /// each number once, which any atomic increment does; it publishes
    /// nothing else.
    pub(crate) fn next() -> TaskId {
        /// The last id handed out; process-wide so ids never repeat.
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        TaskId(NEXT_ID.fetch_add(1, Ordering::Relaxed))
    }
}
