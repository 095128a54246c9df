//! What the lints know of a task: the facts read after its poll, and how
//! a warning names it. A leaf, so that both lints and their index can
//! import it.

use std::panic::Location;

/// What a lint needs to know of a task just after a `Pending` poll: its
/// state word, read once, and which of its references are not wakers.
/// Made by the task header (`task/header.rs`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct AfterPoll {
    /// The reference count of the task's state word.
    pub(crate) refs: usize,
    /// The `SCHEDULED` flag of the same reading: the task is queued.
    pub(crate) scheduled: bool,
    /// True if the task's `JoinHandle` is alive (it holds a reference).
    pub(crate) join_handle: bool,
    /// The task's slot in the task set, or `None` for the `block_on` future.
    pub(crate) slot: Option<u32>,
}

/// A task as the lints name it.
pub(crate) struct Culprit<'a> {
    /// How warnings name it: `task 3 'lost'`.
    pub(crate) describe: String,
    /// Where it was spawned, or where `block_on` was called.
    pub(crate) at: &'a Location<'static>,
    /// True for the `block_on` future.
    pub(crate) is_block_on: bool,
}

impl Culprit<'_> {
    /// `task 3 'lost' (spawned at src/main.rs:31)`.
    pub(super) fn named(&self) -> String {
        let place = if self.is_block_on {
            "called at"
        } else {
            "spawned at"
        };
        format!(
            "{} ({place} {}:{})",
            self.describe,
            self.at.file(),
            self.at.line()
        )
    }
}
