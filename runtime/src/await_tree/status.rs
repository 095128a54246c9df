//! What a loop and the SIGQUIT thread share ([`LoopStatus`]), and how a
//! loop answers a request to print ([`answer_if_asked`]). A leaf of the
//! module: the board (`board.rs`) and the SIGQUIT side (`sigquit.rs`) both
//! build on it, so that neither imports the other.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// What a loop and the SIGQUIT thread share: the requests to print the
/// loop has been asked and has answered, and (when the loop records its
/// tree) the task whose poll is running and since when, so that a loop
/// stuck in a poll can be named without it. All `Relaxed`: none of them
/// publishes other data. The answering thread reads them to choose one
/// message ("no answer: a poll of task 1 has been running for 3.2s"), and a
/// torn pair (an id from one poll, a start from the next) misreports that
/// message by one poll.
#[derive(Debug, Default)]
pub(crate) struct LoopStatus {
    /// True if the loop keeps `polling` and `poll_started_us` up to date
    /// (it records its await tree). Fixed at build time.
    pub(crate) tracks_polls: bool,
    /// The id of the task being polled; 0 between polls.
    pub(crate) polling: AtomicU64,
    /// When that poll started, in microseconds on the timeline's clock.
    pub(crate) poll_started_us: AtomicU64,
    /// The last request to print this loop was sent (`sigquit.rs`).
    pub(crate) requested: AtomicU64,
    /// The last request it answered.
    pub(crate) answered: AtomicU64,
}

impl LoopStatus {
    /// True if the loop has answered request number `request`.
    pub(crate) fn answered(&self, request: u64) -> bool {
        self.answered.load(Ordering::Relaxed) >= request
    }
}

/// On the loop's thread: prints its tree if a request has come that it has
/// not answered yet. Run by the request itself (queued on the loop's
/// remote queue, so a parked loop wakes for it) and, when the loop records
/// its tree, at the end of every poll: a poll that held the loop (the
/// spinner's blocking mode) is then shown running, for as long as it ran,
/// even if its future ended and `block_on` returns before the loop looks
/// at its queue again. A loop that records no tree costs nothing per poll
/// and answers at its next look at the queue.
pub(crate) fn answer_if_asked(status: &LoopStatus, tree: impl FnOnce() -> String) {
    let requested = status.requested.load(Ordering::Relaxed);
    if status.answered(requested) {
        return;
    }
    write_stderr(&tree());
    // Relaxed: the answer publishes nothing. The asking thread reads it
    // only to decide whether to say "no answer"; the tree itself went out
    // under stderr's lock.
    status.answered.store(requested, Ordering::Relaxed);
}

/// Writes `text` to stderr in one locked write, ignoring failure: a closed
/// or full stderr must not stop (or panic) the program being inspected.
pub(crate) fn write_stderr(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
