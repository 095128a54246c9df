//! The recorder: turns the runtime's events into slices, marks and wakes.
//!
//! The runtime knows *moments*: a task was spawned, a poll began, a poll
//! returned `Pending`, a task was woken. A timeline shows *intervals*: the
//! poll, the `await` until the wake, the `queued` time until the next poll.
//! [`Recorder`] keeps, for each live task, what it is doing now and since
//! when, and writes an interval into its [`Process`] when the interval ends.
//! It knows nothing about the runtime's types: ids are `u64`, times are
//! microseconds from [`now_us`](crate::now_us), and the runtime calls one
//! method per event.
//!
//! ## A task's states
//!
//! ```text
//!   spawn ──> Queued ──poll_started──> Polling ──poll_ended(Pending)──> Waiting
//!               ^                        │   │                             │
//!               │                        │   └─poll_ended(Ready, ...)──> (gone)
//!               │        poll_ended(Pending) after a wake during the poll  │
//!               ├────────────────────────┘                                 │
//!               └──────────────────────────── woken ───────────────────────┘
//! ```
//!
//! Each arrow out of a state writes that state's slice: `Queued` writes
//! `queued`, `Polling` writes `poll`, `Waiting` writes `await <kind>`.
//! A wake while `Polling` (a task waking itself, as `yield_now` does, or a
//! wake from another thread) cannot start a `queued` slice inside the poll:
//! it is remembered, and the task goes straight to `Queued` when the poll
//! returns. A wake while already `Queued` changes nothing: the first wake
//! is the one that queued the task, so it keeps the arrow.
//!
//! ## Wakes
//!
//! A wake is remembered with its cause's track and time until the woken
//! task's next poll ends; then one [`Wake`](crate::Wake) record holds both
//! ends. The cause's track must have a slice around the wake's moment, since
//! viewers attach arrows to slices:
//!
//! - a task waking another during its own poll: the waker's track (inside
//!   its `poll`);
//! - I/O, timers, and a task named as the cause while it is not being
//!   polled: the loop's track (inside the `tick`, which the runtime records);
//! - another thread: a blocking thread's track, or the "other threads"
//!   track, where the recorder adds an empty `remote wake` slice to hold it.
//!
//! ## Phases
//!
//! [`Recorder::phase`] marks what the task being polled is doing, in the
//! program's words. A task has one phase at a time: a new one ends the
//! previous, as do [`Recorder::end_phase`] and the task's end. tokio's
//! `tracing` spans can nest and be entered from anywhere; one phase per task
//! is all the flag downloader needs and is easier to read.
//!
//! ## The bound
//!
//! Every method reserves room for all the records its event writes, at once
//! ([`Process::reserve`]). Once the process is full, every method returns
//! at once: the state is frozen at that moment, and [`Recorder::finish`]
//! closes what was open then, at the time the recording stopped.
//!
//! ## Implementation
//!
//! The recorder is a plain `&mut` value: it lives with the loop, on the
//! loop's thread. Blocking threads do not call it; the runtime measures a
//! job's start and end on the pool thread ([`now_us`](crate::now_us) is the
//! same clock everywhere) and hands them to [`Recorder::blocking_job`] on
//! the loop thread. tokio-console's subscriber instead takes events from any
//! thread into a channel and aggregates them on its own thread.

use std::borrow::Cow;
use std::collections::HashMap;
use std::panic::Location;
use std::time::Duration;

use crate::process::Process;
use crate::record::{Mark, MarkKind, PollOutcome, Record, Slice, SliceKind, Wake};
use crate::track::{TrackId, TrackKind};
use crate::wait::{Wait, WakeCause};

/// Records one runtime: call its methods from the loop's thread as things
/// happen, then [`finish`](Recorder::finish) it into a [`Process`].
///
/// ```
/// use std::panic::Location;
/// use timeline::{PollOutcome, Recorder, Wait, WakeCause};
///
/// let mut rec = Recorder::new(1, "runtime 1 (thread main)", 1000);
/// rec.task_spawned(7, Some("fetch"), Location::caller(), 0.0);
/// rec.poll_started(7, 1.0);
/// rec.waits_on(Wait::Timer { deadline: 100.0 });
/// rec.poll_ended(7, 2.0, PollOutcome::Pending);
/// rec.task_woken(7, 100.0, WakeCause::Timer);
/// rec.poll_started(7, 101.0);
/// rec.poll_ended(7, 102.0, PollOutcome::Ready);
/// let process = rec.finish(103.0);
/// // spawn, queued, poll, await timer, queued, poll, the wake, finished
/// assert_eq!(process.records().len(), 8);
/// ```
#[derive(Debug)]
pub struct Recorder {
    /// What has been recorded so far, with the bound.
    process: Process,
    /// The live tasks' states, by task id; a task leaves when it ends.
    tasks: HashMap<u64, TaskState>,
    /// The task being polled right now, if any.
    polling: Option<u64>,
    /// Blocking-pool threads' tracks, by thread number, made on first use.
    blocking: HashMap<u32, TrackId>,
    /// The "other threads" track, made on the first remote wake from a
    /// thread outside the pool.
    other_threads: Option<TrackId>,
}

/// What the recorder keeps about one live task.
#[derive(Debug)]
struct TaskState {
    /// The task's track.
    track: TrackId,
    /// The task's phase track, made at its first phase.
    phase_track: Option<TrackId>,
    /// What the task is doing now, and since when.
    now: Now,
    /// The wake that will cause the next poll, until that poll begins.
    wake: Option<PendingWake>,
    /// The phase the task is in, if any.
    phase: Option<OpenPhase>,
}

/// A task's state (see the module doc's diagram), with when it began.
#[derive(Debug)]
enum Now {
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
struct PendingWake {
    /// What woke the task.
    cause: WakeCause,
    /// The track the arrow starts on.
    from: TrackId,
    /// When.
    at: f64,
}

/// The phase a task is in.
#[derive(Debug)]
struct OpenPhase {
    /// The program's words.
    name: Cow<'static, str>,
    /// Since when.
    since: f64,
}

impl Recorder {
    /// A recorder for runtime `runtime_id`, named e.g. `runtime 1 (thread
    /// main)` (see [`runtime_name`](crate::runtime_name)), keeping at most
    /// `max_records` records ([`DEFAULT_MAX_RECORDS`](crate::DEFAULT_MAX_RECORDS)
    /// is a sensible bound).
    pub fn new(runtime_id: u64, name: impl Into<String>, max_records: usize) -> Recorder {
        Recorder {
            process: Process::new(runtime_id, name, max_records),
            tasks: HashMap::new(),
            polling: None,
            blocking: HashMap::new(),
            other_threads: None,
        }
    }

    /// What has been recorded so far (open slices not included).
    pub fn process(&self) -> &Process {
        &self.process
    }

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

    /// The task being polled leaves its phase, if it is in one.
    pub fn end_phase(&mut self, at: f64) {
        let Some(id) = self.polling else { return };
        if self.tasks.get(&id).is_some_and(|t| t.phase.is_some()) && self.process.reserve(1, at) {
            self.close_phase(id, at);
        }
    }

    /// One tick of the loop, numbered `number`, ran from `start` to `end`.
    pub fn tick(&mut self, number: u64, start: f64, end: f64) {
        self.push_slice(TrackId::EVENT_LOOP, SliceKind::Tick { number }, start, end);
    }

    /// The loop parked in the selector from `start` to `end`, with
    /// `timeout` (`None`: no timeout), and got `events` readiness events.
    pub fn select(&mut self, start: f64, end: f64, timeout: Option<Duration>, events: u32) {
        let timeout_us = timeout.map(|t| t.as_secs_f64() * 1e6);
        self.push_slice(
            TrackId::EVENT_LOOP,
            SliceKind::Select { timeout_us, events },
            start,
            end,
        );
    }

    /// Blocking-pool thread `thread` (numbered from 1) ran a job from
    /// `start` to `end`, measured on that thread with [`now_us`](crate::now_us).
    pub fn blocking_job(&mut self, thread: u32, start: f64, end: f64) {
        if self.process.reserve(1, end) {
            let track = self.blocking_track(thread);
            self.push_slice(track, SliceKind::Job, start, end);
        }
    }

    /// A phase of a job on blocking thread `thread`; it should lie inside
    /// the job's span, where it nests under the `job` slice.
    pub fn blocking_phase(
        &mut self,
        thread: u32,
        name: impl Into<Cow<'static, str>>,
        start: f64,
        end: f64,
    ) {
        if self.process.reserve(1, end) {
            let track = self.blocking_track(thread);
            self.push_slice(track, SliceKind::Phase { name: name.into() }, start, end);
        }
    }

    /// A copy of the recording with everything still open closed at `at`
    /// (or when the recording stopped, if it is full); the recorder goes on.
    pub fn snapshot(&self, at: f64) -> Process {
        let mut copy = self.process.clone();
        close_open(&mut copy, &self.tasks, at);
        copy
    }

    /// The recording, with everything still open closed at `at` (or when
    /// the recording stopped, if it is full): open polls as `unfinished`.
    pub fn finish(mut self, at: f64) -> Process {
        close_open(&mut self.process, &self.tasks, at);
        self.process
    }

    /// Adds one slice within the bound (a reserved one always fits).
    fn push_slice(&mut self, track: TrackId, kind: SliceKind, start: f64, end: f64) {
        self.process.push_slice(Slice {
            track,
            start,
            end: end.max(start),
            kind,
        });
    }

    /// Writes the end of task `id`: its open phase, its end mark; forgets it.
    fn end_task(&mut self, id: u64, at: f64, kind: MarkKind) {
        self.close_phase(id, at);
        if let Some(task) = self.tasks.remove(&id) {
            self.process.push_unchecked(Record::Mark(Mark {
                track: task.track,
                at,
                kind,
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

    /// The track a wake by `cause` starts on (see the module doc).
    fn cause_track(&mut self, cause: WakeCause) -> TrackId {
        match cause {
            WakeCause::Task(waker) if self.polling == Some(waker) => self
                .tasks
                .get(&waker)
                .map_or(TrackId::EVENT_LOOP, |t| t.track),
            WakeCause::Remote {
                blocking_thread: Some(n),
            } => self.blocking_track(n),
            WakeCause::Remote {
                blocking_thread: None,
            } => *self
                .other_threads
                .get_or_insert_with(|| self.process.add_track(TrackKind::OtherThreads)),
            WakeCause::Io { .. } | WakeCause::Timer | WakeCause::Task(_) | WakeCause::Loop => {
                TrackId::EVENT_LOOP
            }
        }
    }

    /// Blocking thread `number`'s track, made on first use.
    fn blocking_track(&mut self, number: u32) -> TrackId {
        *self
            .blocking
            .entry(number)
            .or_insert_with(|| self.process.add_track(TrackKind::BlockingThread { number }))
    }
}

impl PendingWake {
    /// The record of this wake, now that its poll is known.
    fn arrow_to(self, to: TrackId, to_at: f64) -> Record {
        Record::Wake(Wake {
            cause: self.cause,
            from: self.from,
            from_at: self.at,
            to,
            to_at,
        })
    }
}

/// A slice kind with its start, waiting for its track and end.
struct Opened {
    /// What the slice is.
    kind: SliceKind,
    /// When it began.
    start: f64,
}

impl SliceKind {
    /// This kind of slice, begun at `start`.
    fn from(self, start: f64) -> Opened {
        Opened { kind: self, start }
    }
}

impl Opened {
    /// The finished slice, on `track`, ending at `end` (never before it began).
    fn until(self, track: TrackId, end: f64) -> Record {
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
fn close_open(process: &mut Process, tasks: &HashMap<u64, TaskState>, at: f64) {
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
