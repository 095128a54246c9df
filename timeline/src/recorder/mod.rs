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

mod open_slice;
mod task;
mod task_state;

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Duration;

use crate::process::Process;
use crate::record::{Slice, SliceKind};
use crate::track::{TrackId, TrackKind};
use crate::wait::WakeCause;

use open_slice::close_open;
use task_state::TaskState;

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
