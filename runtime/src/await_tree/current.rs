//! The await tree of the loop running on this thread: its board's, or,
//! when it records none, a heading that says so.

use super::snapshot::AwaitTree;
use crate::context::{self, LoopHandles};

/// The tree of the loop running on this thread; `None` outside a runtime.
pub(crate) fn tree() -> Option<AwaitTree> {
    context::try_with(tree_of)
}

/// The tree of the loop whose handles these are (on its thread).
fn tree_of(handles: &LoopHandles) -> AwaitTree {
    match handles.observer.board() {
        Some(board) => board.snapshot(),
        None => AwaitTree {
            runtime_id: handles.scheduler.remote().runtime_id,
            thread: std::thread::current().name().map(String::from),
            recorded: false,
            alive: handles.scheduler.alive(),
            tasks: Vec::new(),
        },
    }
}
