//! What the recorder keeps about one live task: its state (the diagram is
//! in `recorder/mod.rs`), the wake that will cause its next poll, and its
//! open phase. The transitions are the recorder's methods in `task.rs`.

use std::borrow::Cow;

use crate::record::{Record, Wake};
use crate::track::TrackId;
use crate::wait::{Wait, WakeCause};

/// What the recorder keeps about one live task.
#[derive(Debug)]
pub(super) struct TaskState {
    /// The task's track.
    pub(super) track: TrackId,
    /// The task's phase track, made at its first phase.
    pub(super) phase_track: Option<TrackId>,
    /// What the task is doing now, and since when.
    pub(super) now: Now,
    /// The wake that will cause the next poll, until that poll begins.
    pub(super) wake: Option<PendingWake>,
    /// The phase the task is in, if any.
    pub(super) phase: Option<OpenPhase>,
    /// How the task turned out, in the program's words, once it said so;
    /// its end mark carries it.
    pub(super) outcome: Option<Cow<'static, str>>,
}

/// A task's state (see the module doc's diagram), with when it began.
#[derive(Debug)]
pub(super) enum Now {
    /// Ready, not yet polled.
    Queued {
        /// Since when.
        since: f64,
        /// The wake that queued it (`None`: its spawn).
        after: Option<WakeCause>,
    },
    /// Being polled.
    Polling {
        /// When the poll began.
        since: f64,
        /// What the task said it waits on during this poll (first two).
        waits: [Option<Wait>; 2],
        /// The wake that caused this poll, for its arrow.
        caused_by: Option<PendingWake>,
    },
    /// Returned `Pending`, not yet woken.
    Waiting {
        /// When the poll returned.
        since: f64,
        /// The first thing it waits on.
        on: Wait,
        /// The second, if any.
        also: Option<Wait>,
    },
}

/// A wake whose poll has not happened yet.
#[derive(Debug, Clone, Copy)]
pub(super) struct PendingWake {
    /// What woke the task.
    pub(super) cause: WakeCause,
    /// The track the arrow starts on.
    pub(super) from: TrackId,
    /// When.
    pub(super) at: f64,
}

/// The phase a task is in.
#[derive(Debug)]
pub(super) struct OpenPhase {
    /// The program's words.
    pub(super) name: Cow<'static, str>,
    /// Since when.
    pub(super) since: f64,
}

impl PendingWake {
    /// The record of this wake, now that its poll is known.
    pub(super) fn arrow_to(self, to: TrackId, to_at: f64) -> Record {
        Record::Wake(Wake {
            cause: self.cause,
            from: self.from,
            from_at: self.at,
            to,
            to_at,
        })
    }
}
