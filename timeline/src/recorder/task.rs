//! The recorder's methods that move a task between its states (the states
//! are in `task_state.rs`, the diagram in `recorder/mod.rs`). Each method
//! first reserves room for every record it will write, then writes them.

use std::borrow::Cow;
use std::panic::Location;

use super::Recorder;
use super::task_state::{Now, OpenPhase, PendingWake, TaskState};
use crate::record::{Mark, MarkKind, PollOutcome, Record, Slice, SliceKind};
use crate::track::TrackKind;
use crate::wait::{Wait, WakeCause};

impl Recorder {
    /// A task was spawned: its track opens, and it is queued.
    pub fn task_spawned(
        &mut self,
        id: u64,
        name: Option<&str>,
        spawned_at: &'static Location<'static>,
        at: f64,
    ) {
        if self.tasks.contains_key(&id) || !self.process.reserve(1, at) {
            return;
        }
        let name = name.map(str::to_owned);
        let track = self.process.add_track(TrackKind::Task {
            id,
            name,
            spawned_at,
        });
        let spawn = Mark {
            track,
            at,
            kind: MarkKind::Spawn,
            outcome: None,
        };
        self.process.push_unchecked(Record::Mark(spawn));
        let now = Now::Queued {
            since: at,
            after: None,
        };
        let state = TaskState {
            track,
            phase_track: None,
            now,
            wake: None,
            phase: None,
            outcome: None,
        };
        self.tasks.insert(id, state);
    }

    /// The runtime is about to poll task `id`.
    pub fn poll_started(&mut self, id: u64, at: f64) {
        let Some(task) = self.tasks.get_mut(&id) else {
            return;
        };
        let closing = match task.now {
            Now::Queued { since, after } => SliceKind::Queued { after }.from(since),
            // Polled with no wake recorded (a spurious poll): the wait ends here.
            Now::Waiting { since, on, also } => SliceKind::Await { on, also }.from(since),
            Now::Polling { .. } => return,
        };
        if !self.process.reserve(1, at) {
            return;
        }
        self.process.push_unchecked(closing.until(task.track, at));
        task.now = Now::Polling {
            since: at,
            waits: [None; 2],
            caused_by: task.wake.take(),
        };
        self.polling = Some(id);
    }

    /// The task being polled waits on `wait` (called by the reactor, the
    /// timer, the semaphore... while they store the task's waker). The first
    /// two reports of a poll are kept.
    pub fn waits_on(&mut self, wait: Wait) {
        let Some(id) = self.polling else { return };
        let Some(TaskState {
            now: Now::Polling { waits, .. },
            ..
        }) = self.tasks.get_mut(&id)
        else {
            return;
        };
        if waits.contains(&Some(wait)) {
            return;
        }
        if let Some(free) = waits.iter_mut().find(|w| w.is_none()) {
            *free = Some(wait);
        }
    }

    /// The poll of task `id` returned `outcome`. `Ready`, `Panicked` and
    /// `Cancelled` end the task; `Pending` (or `Unfinished`) makes it wait,
    /// or queues it again if it was woken during the poll.
    pub fn poll_ended(&mut self, id: u64, at: f64, outcome: PollOutcome) {
        let Some(task) = self.tasks.get(&id) else {
            return;
        };
        let Now::Polling {
            since,
            waits,
            caused_by,
        } = task.now
        else {
            return;
        };
        let ends = match outcome {
            PollOutcome::Ready => Some(MarkKind::Finished),
            PollOutcome::Panicked => Some(MarkKind::Panicked),
            PollOutcome::Cancelled => Some(MarkKind::Cancelled),
            PollOutcome::Pending | PollOutcome::Unfinished => None,
        };
        let phase_open = ends.is_some() && task.phase.is_some();
        let needed = 1 // the poll
            + usize::from(caused_by.is_some()) // its wake's arrow
            + usize::from(ends.is_some()) // the end mark
            + usize::from(phase_open); // the last phase
        if !self.process.reserve(needed, at) {
            return;
        }
        self.polling = None;
        let track = task.track;
        let poll = SliceKind::Poll { outcome }.from(since).until(track, at);
        self.process.push_unchecked(poll);
        if let Some(wake) = caused_by {
            self.process
                .push_unchecked(wake.arrow_to(track, (since + at) / 2.0));
        }
        if let Some(kind) = ends {
            self.end_task(id, at, kind);
            return;
        }
        let Some(task) = self.tasks.get_mut(&id) else {
            return;
        };
        task.now = match task.wake {
            Some(wake) => Now::Queued {
                since: at,
                after: Some(wake.cause),
            },
            None => Now::Waiting {
                since: at,
                on: waits[0].unwrap_or(Wait::Other),
                also: waits[1],
            },
        };
    }

    /// Task `id` was woken by `cause` at `at`.
    pub fn task_woken(&mut self, id: u64, at: f64, cause: WakeCause) {
        let Some(task) = self.tasks.get(&id) else {
            return;
        };
        if matches!(task.now, Now::Queued { .. }) || task.wake.is_some() {
            return; // already queued: the first wake keeps the arrow
        }
        let closes_wait = matches!(task.now, Now::Waiting { .. });
        let remote = matches!(cause, WakeCause::Remote { .. });
        if !self
            .process
            .reserve(usize::from(closes_wait) + usize::from(remote), at)
        {
            return;
        }
        let from = self.cause_track(cause);
        if remote {
            let slice = Slice {
                track: from,
                start: at,
                end: at,
                kind: SliceKind::RemoteWake { task: id },
            };
            self.process.push_unchecked(Record::Slice(slice));
        }
        let Some(task) = self.tasks.get_mut(&id) else {
            return;
        };
        let wake = PendingWake { cause, from, at };
        if let Now::Waiting { since, on, also } = task.now {
            let (on, also) = named_by_its_end(on, also, cause);
            let wait = SliceKind::Await { on, also }
                .from(since)
                .until(task.track, at);
            self.process.push_unchecked(wait);
            task.now = Now::Queued {
                since: at,
                after: Some(cause),
            };
        }
        task.wake = Some(wake);
    }

    /// Task `id` was cancelled outside a poll (aborted while queued or
    /// waiting, or dropped with its runtime).
    pub fn task_cancelled(&mut self, id: u64, at: f64) {
        let Some(task) = self.tasks.get(&id) else {
            return;
        };
        if !self
            .process
            .reserve(2 + usize::from(task.phase.is_some()), at)
        {
            return;
        }
        let closing = match task.now {
            Now::Queued { since, after } => SliceKind::Queued { after }.from(since),
            Now::Waiting { since, on, also } => SliceKind::Await { on, also }.from(since),
            Now::Polling { since, .. } => {
                self.polling = None;
                SliceKind::Poll {
                    outcome: PollOutcome::Cancelled,
                }
                .from(since)
            }
        };
        self.process.push_unchecked(closing.until(task.track, at));
        self.end_task(id, at, MarkKind::Cancelled);
    }

    /// The task being polled enters phase `name` (ending its previous one).
    pub fn phase(&mut self, name: impl Into<Cow<'static, str>>, at: f64) {
        let Some(id) = self.polling else { return };
        let Some(task) = self.tasks.get(&id) else {
            return;
        };
        if !self.process.reserve(usize::from(task.phase.is_some()), at) {
            return;
        }
        self.close_phase(id, at);
        let Some(task) = self.tasks.get_mut(&id) else {
            return;
        };
        task.phase = Some(OpenPhase {
            name: name.into(),
            since: at,
        });
    }

    /// The task being polled says how it turned out (`downloaded`, `not
    /// found`); its end mark will carry the words. A later call replaces
    /// them. Costs no record, so it is never refused for room.
    pub fn outcome(&mut self, words: impl Into<Cow<'static, str>>) {
        let Some(id) = self.polling else { return };
        if let Some(task) = self.tasks.get_mut(&id) {
            task.outcome = Some(words.into());
        }
    }

    /// The task being polled leaves its phase, if it is in one.
    pub fn end_phase(&mut self, at: f64) {
        let Some(id) = self.polling else { return };
        if self.tasks.get(&id).is_some_and(|t| t.phase.is_some()) && self.process.reserve(1, at) {
            self.close_phase(id, at);
        }
    }

    /// Writes the end of task `id`: its open phase, its end mark; forgets it.
    fn end_task(&mut self, id: u64, at: f64, kind: MarkKind) {
        self.close_phase(id, at);
        if let Some(task) = self.tasks.remove(&id) {
            self.process.push_unchecked(Record::Mark(Mark {
                track: task.track,
                at,
                kind,
                outcome: task.outcome,
            }));
        }
    }

    /// Writes task `id`'s open phase as a slice ending at `at` (room for it
    /// must already be reserved).
    fn close_phase(&mut self, id: u64, at: f64) {
        let Some(task) = self.tasks.get_mut(&id) else {
            return;
        };
        let Some(phase) = task.phase.take() else {
            return;
        };
        let track = match task.phase_track {
            Some(track) => track,
            None => {
                let kinds = TrackKind::Phases {
                    task: id,
                    of: task.track,
                };
                let track = self.process.add_track(kinds);
                task.phase_track = Some(track);
                track
            }
        };
        let slice = SliceKind::Phase { name: phase.name }
            .from(phase.since)
            .until(track, at);
        self.process.push_unchecked(slice);
    }
}

/// The two things a wait was on, first the one that ended it: a wait that
/// began on a socket and on a timer (a `timeout`) and was ended by the
/// timer is drawn, and named, as a wait for the timer, with the socket as
/// its `also`. Otherwise the order in which the poll reported them stays.
fn named_by_its_end(on: Wait, also: Option<Wait>, cause: WakeCause) -> (Wait, Option<Wait>) {
    match also {
        Some(other) if cause.ends(other) && !cause.ends(on) => (other, Some(on)),
        _ => (on, also),
    }
}
