//! Tracks: the rows of a timeline, one per thing that does work over time.
//!
//! A *track* is what the Chrome Trace Event format calls a thread: a
//! horizontal row, identified by `(pid, tid)`, holding slices that nest.
//! One runtime is one *process* (see [`Process`](crate::Process)) and has:
//!
//! | track                 | name                      | what is on it                       |
//! |-----------------------|---------------------------|-------------------------------------|
//! | the event loop        | `event loop`              | `tick N`, and `select` inside it    |
//! | one per task          | `task 3 'spin'`           | `poll`, `await io`, `queued`, marks |
//! | one per task's phases | `task 3 'spin' phases`    | the program's own phases            |
//! | one per pool thread   | `blocking thread 1`       | `job`, and phases inside a job      |
//! | other threads         | `other threads`           | where remote wakes come from        |
//!
//! ## Thread ids and order
//!
//! The loop is always tid 0. Every other track takes the next tid when it is
//! created, so tids are small and never collide; a task's tid is therefore
//! *not* its task id (task ids count across the whole process and may be
//! large when a recording starts). The name says the task id instead.
//!
//! Viewers are told the order separately (`thread_sort_index`): the loop
//! first, then tasks by id with each task's phase track right under it, then
//! blocking threads by number, then "other threads". [`Track::sort_key`] is
//! that order.
//!
//! ## Why phases get a track of their own
//!
//! A program's phases ("connecting", "reading the body") begin and end in
//! the middle of polls and span several of them. Slices on one track must
//! nest, so a phase cannot sit on the task's track beside its polls. The
//! format offers two places for it: nestable async events (`"ph":"b"/"e"`)
//! or another thread track. Both Perfetto and chrome://tracing group async
//! events per *process* and by event name, away from the task they belong
//! to; a thread track named after the task is sorted right under it, and its
//! slices are ordinary complete events whose ends pair up by construction.
//! So each task that marks a phase gets a phase track, made when it marks
//! its first one. A blocking job runs without interruption, so its phases
//! nest inside the `job` slice on the pool thread's own track.

use std::panic::Location;

/// A track's index in its [`Process`](crate::Process). Only valid there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrackId(pub(crate) u32);

impl TrackId {
    /// The event loop's track, which every process has from the start.
    pub const EVENT_LOOP: TrackId = TrackId(0);
}

/// What a track shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrackKind {
    /// The loop's own work: ticks and the selector waits inside them.
    EventLoop,
    /// One task, from spawn to its end.
    Task {
        /// The runtime's task id.
        id: u64,
        /// The name given at spawn, if any.
        name: Option<String>,
        /// Where `spawn` was called.
        spawned_at: &'static Location<'static>,
    },
    /// The program's phases of one task.
    Phases {
        /// The task whose phases these are.
        task: u64,
        /// That task's track.
        of: TrackId,
    },
    /// One thread of the blocking pool.
    BlockingThread {
        /// The pool's number for the thread, from 1.
        number: u32,
    },
    /// Any other thread that wakes a task of this runtime.
    OtherThreads,
}

/// One row of the timeline.
#[derive(Debug, Clone)]
pub struct Track {
    /// What the row shows.
    pub(crate) kind: TrackKind,
    /// The Chrome "thread id": 0 for the loop, then creation order.
    pub(crate) tid: u32,
    /// The display name, made once from `kind` when the track is created.
    pub(crate) name: String,
}

impl Track {
    /// Makes a track; its name is derived from `kind` (phase tracks need the
    /// name of their task's track, `of_name`).
    pub(crate) fn new(kind: TrackKind, tid: u32, of_name: Option<&str>) -> Track {
        let name = match &kind {
            TrackKind::EventLoop => "event loop".to_owned(),
            TrackKind::Task { id, name, .. } => task_label(*id, name.as_deref()),
            TrackKind::Phases { task, .. } => match of_name {
                Some(of) => format!("{of} phases"),
                None => format!("task {task} phases"),
            },
            TrackKind::BlockingThread { number } => format!("blocking thread {number}"),
            TrackKind::OtherThreads => "other threads".to_owned(),
        };
        Track { kind, tid, name }
    }

    /// What the row shows.
    pub fn kind(&self) -> &TrackKind {
        &self.kind
    }

    /// The Chrome thread id (0 for the event loop).
    pub fn tid(&self) -> u32 {
        self.tid
    }

    /// The display name, e.g. `task 3 'spin'`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The viewer's order of tracks: `(group, number, phases last)`, where
    /// the group is 0 for the loop, 1 for tasks, 2 for blocking threads and
    /// 3 for other threads, and a phase track sorts right after its task.
    pub fn sort_key(&self) -> (u8, u64, bool) {
        match &self.kind {
            TrackKind::EventLoop => (0, 0, false),
            TrackKind::Task { id, .. } => (1, *id, false),
            TrackKind::Phases { task, .. } => (1, *task, true),
            TrackKind::BlockingThread { number } => (2, u64::from(*number), false),
            TrackKind::OtherThreads => (3, 0, false),
        }
    }

    /// The short word for the kind, as the file's track table says it:
    /// `loop`, `task`, `phases`, `blocking` or `other`.
    pub fn kind_word(&self) -> &'static str {
        match self.kind {
            TrackKind::EventLoop => "loop",
            TrackKind::Task { .. } => "task",
            TrackKind::Phases { .. } => "phases",
            TrackKind::BlockingThread { .. } => "blocking",
            TrackKind::OtherThreads => "other",
        }
    }
}

/// How a task is named everywhere: `task 3 'spin'`, or `task 3` unnamed.
pub(crate) fn task_label(id: u64, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("task {id} '{name}'"),
        None => format!("task {id}"),
    }
}
