//! Slices that are open (a task queued, polled, waiting, in a phase) and
//! how they are closed: one at a time as events arrive, or all at once when
//! the recording is finished or copied.

use std::collections::HashMap;

use super::task_state::{Now, TaskState};
use crate::process::Process;
use crate::record::{PollOutcome, Record, Slice, SliceKind};
use crate::track::{TrackId, TrackKind};

/// A slice kind with its start, waiting for its track and end.
pub(super) struct Opened {
    /// What the slice is.
    kind: SliceKind,
    /// When it began.
    start: f64,
}

impl SliceKind {
    /// This kind of slice, begun at `start`.
    pub(super) fn from(self, start: f64) -> Opened {
        Opened { kind: self, start }
    }
}

impl Opened {
    /// The finished slice, on `track`, ending at `end` (never before it began).
    pub(super) fn until(self, track: TrackId, end: f64) -> Record {
        let end = end.max(self.start);
        Record::Slice(Slice {
            track,
            start: self.start,
            end,
            kind: self.kind,
        })
    }
}

/// Closes every open slice of `tasks` in `process`: at `at`, or at the
/// moment the recording stopped if it is full. Tasks go in id order, so a
/// snapshot is the same every time.
pub(super) fn close_open(process: &mut Process, tasks: &HashMap<u64, TaskState>, at: f64) {
    let at = process.full_at().unwrap_or(at);
    let mut ids: Vec<u64> = tasks.keys().copied().collect();
    ids.sort_unstable();
    for id in ids {
        let task = &tasks[&id];
        let (open, arrow) = match task.now {
            Now::Queued { since, after } => (SliceKind::Queued { after }.from(since), None),
            Now::Waiting { since, on, also } => (SliceKind::Await { on, also }.from(since), None),
            Now::Polling {
                since, caused_by, ..
            } => {
                let poll = SliceKind::Poll {
                    outcome: PollOutcome::Unfinished,
                }
                .from(since);
                (
                    poll,
                    caused_by.map(|w| w.arrow_to(task.track, (since + at.max(since)) / 2.0)),
                )
            }
        };
        process.push_unchecked(open.until(task.track, at));
        if let Some(arrow) = arrow {
            process.push_unchecked(arrow);
        }
        if let Some(phase) = &task.phase {
            let track = task.phase_track.unwrap_or_else(|| {
                process.add_track(TrackKind::Phases {
                    task: id,
                    of: task.track,
                })
            });
            let slice = SliceKind::Phase {
                name: phase.name.clone(),
            }
            .from(phase.since);
            process.push_unchecked(slice.until(track, at));
        }
    }
}
