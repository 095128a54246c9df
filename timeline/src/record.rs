//! Records: what a timeline holds about each moment.
//!
//! A [`Process`](crate::Process) is a list of tracks and a list of
//! [`Record`]s, each on one track. There are three shapes:
//!
//! - a [`Slice`]: something that lasted, from `start` to `end`
//!   (Chrome's complete event, `"ph":"X"`);
//! - a [`Mark`]: a moment (Chrome's instant event, `"ph":"i"`);
//! - a [`Wake`]: an arrow from the moment a task was woken, on the track of
//!   whatever woke it, to the poll that wake caused (Chrome's flow events,
//!   `"ph":"s"` then `"ph":"f"`).
//!
//! What kind of slice it is ([`SliceKind`]) decides its name, its category
//! and its arguments in the file:
//!
//! | kind     | track      | name             | cat       | args                                  |
//! |----------|------------|------------------|-----------|---------------------------------------|
//! | `Poll`   | task       | `poll`           | `poll`    | `outcome`                             |
//! | `Await`  | task       | `await <kind>`   | `wait`    | `kind`, `detail`, maybe `also`        |
//! | `Queued` | task       | `queued`         | `queued`  | `after` (the wake, or `spawn`)        |
//! | `Tick`   | loop       | `tick N`         | `tick`    | `tick`                                |
//! | `Select` | loop       | `select`         | `park`    | `timeout_ms`, `slept_us`, `events`    |
//! | `Job`    | blocking   | `job`            | `blocking`|                                       |
//! | `Phase`  | phases/job | the phase's name | `phase`   |                                       |
//! | `RemoteWake` | blocking/other | `remote wake` | `wake` | `task`                             |
//!
//! Slices on one track nest or follow each other, never overlap partly: a
//! task's `queued`, `poll` and `await` slices follow one another; a tick's
//! `select` lies inside the tick.
//!
//! ## Why a wake is one record, not two
//!
//! The file needs a flow start and a flow end with the same id. The start is
//! known when the wake happens, the end only when the woken task is next
//! polled, and a task may be dropped before that. Keeping the pending start
//! in the recorder and writing one `Wake` record once both ends are known
//! means every arrow in the file has both ends: they pair up by
//! construction, and the writer numbers them.

use std::borrow::Cow;

use crate::track::TrackId;
use crate::wait::{Wait, WakeCause};

/// One thing that happened, on one track.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// Something that lasted.
    Slice(Slice),
    /// A moment.
    Mark(Mark),
    /// A wake and the poll it caused.
    Wake(Wake),
}

/// Something that lasted from `start` to `end` (microseconds, `end >= start`).
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    /// The track it is on.
    pub track: TrackId,
    /// When it began.
    pub start: f64,
    /// When it ended.
    pub end: f64,
    /// What it was.
    pub kind: SliceKind,
}

/// What a slice was.
#[derive(Debug, Clone, PartialEq)]
pub enum SliceKind {
    /// The runtime polled the task (asyncio: one step of the `Task`).
    Poll {
        /// What the poll returned.
        outcome: PollOutcome,
    },
    /// The task waited, from a `Pending` poll to its wake.
    Await {
        /// What it waited on: the first thing reported during the poll,
        /// unless the second is what ended the wait (a read under a
        /// `timeout` that timed out is a wait for the timer). The page
        /// colours the slice by this.
        on: Wait,
        /// The other thing reported in the same poll: a `timeout` waits on
        /// its inner future and on a timer. A third is not kept.
        also: Option<Wait>,
    },
    /// The task was ready but not yet polled: from its spawn or wake to
    /// its next poll (asyncio: its step sits in the loop's ready queue).
    Queued {
        /// The wake that queued it; `None` when it was queued by its spawn.
        after: Option<WakeCause>,
    },
    /// One iteration of the event loop (asyncio: one `_run_once`).
    Tick {
        /// The loop's tick counter.
        number: u64,
    },
    /// The loop parked in the selector (asyncio: the "selector wait",
    /// `selector.select(timeout)`; here mio's `Poll::poll`, epoll_wait).
    Select {
        /// The timeout it was given, in microseconds; `None` waits forever.
        timeout_us: Option<f64>,
        /// How many readiness events it returned.
        events: u32,
    },
    /// A blocking-pool thread ran one job.
    Job,
    /// A phase the program marked ("connecting", "saving").
    Phase {
        /// The program's words for it.
        name: Cow<'static, str>,
    },
    /// The moment another thread woke a task: an empty slice for the wake
    /// arrow to start from (viewers attach arrows to slices).
    RemoteWake {
        /// The task it woke.
        task: u64,
    },
}

impl SliceKind {
    /// The slice's name in the file, e.g. `poll`, `await io`, `tick 12`.
    pub fn name(&self) -> Cow<'_, str> {
        match self {
            SliceKind::Poll { .. } => Cow::Borrowed("poll"),
            SliceKind::Await { on, .. } => Cow::Owned(format!("await {}", on.kind())),
            SliceKind::Queued { .. } => Cow::Borrowed("queued"),
            SliceKind::Tick { number } => Cow::Owned(format!("tick {number}")),
            SliceKind::Select { .. } => Cow::Borrowed("select"),
            SliceKind::Job => Cow::Borrowed("job"),
            SliceKind::Phase { name } => Cow::Borrowed(name),
            SliceKind::RemoteWake { .. } => Cow::Borrowed("remote wake"),
        }
    }

    /// The slice's category (`"cat"`), which viewers filter and colour by.
    pub fn category(&self) -> &'static str {
        match self {
            SliceKind::Poll { .. } => "poll",
            SliceKind::Await { .. } => "wait",
            SliceKind::Queued { .. } => "queued",
            SliceKind::Tick { .. } => "tick",
            SliceKind::Select { .. } => "park",
            SliceKind::Job => "blocking",
            SliceKind::Phase { .. } => "phase",
            SliceKind::RemoteWake { .. } => "wake",
        }
    }
}

/// What a poll returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollOutcome {
    /// Not done; the task waits for a wake.
    Pending,
    /// Done: the task finished.
    Ready,
    /// The future panicked; the task ended with the panic.
    Panicked,
    /// The runtime found the task cancelled and dropped it.
    Cancelled,
    /// Still in progress when the timeline was written.
    Unfinished,
}

impl PollOutcome {
    /// How the file says it: `Pending`, `Ready`, `panicked`, `cancelled`
    /// or `unfinished` (the first two are Rust's `Poll` variants).
    pub fn as_str(&self) -> &'static str {
        match self {
            PollOutcome::Pending => "Pending",
            PollOutcome::Ready => "Ready",
            PollOutcome::Panicked => "panicked",
            PollOutcome::Cancelled => "cancelled",
            PollOutcome::Unfinished => "unfinished",
        }
    }
}

/// A moment on a track.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// The track it is on.
    pub track: TrackId,
    /// When, in microseconds.
    pub at: f64,
    /// What happened.
    pub kind: MarkKind,
    /// For a task's end: how it turned out, in the program's own words
    /// ("downloaded", "not found"), if the program said so with
    /// `runtime::timeline::outcome`. Written as the mark's `outcome` arg.
    pub outcome: Option<Cow<'static, str>>,
}

/// What happened at a [`Mark`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    /// The task was spawned: its track opens.
    Spawn,
    /// The task's future returned `Ready`: its track closes.
    Finished,
    /// The task was cancelled (aborted, or dropped with its runtime).
    Cancelled,
    /// The task's future panicked.
    Panicked,
}

impl MarkKind {
    /// How the file names it: `spawn`, `finished`, `cancelled`, `panicked`.
    pub fn as_str(&self) -> &'static str {
        match self {
            MarkKind::Spawn => "spawn",
            MarkKind::Finished => "finished",
            MarkKind::Cancelled => "cancelled",
            MarkKind::Panicked => "panicked",
        }
    }
}

/// A wake, drawn as an arrow from its cause to the poll it caused.
#[derive(Debug, Clone, PartialEq)]
pub struct Wake {
    /// What woke the task.
    pub cause: WakeCause,
    /// The track the arrow starts on: the waking task's (during its poll),
    /// the loop's (I/O, timers, wakes outside a poll), or a remote track.
    pub from: TrackId,
    /// When the wake happened; a slice on `from` encloses this moment.
    pub from_at: f64,
    /// The woken task's track.
    pub to: TrackId,
    /// A moment inside the poll the wake caused (its middle, so that the
    /// poll, and not the `queued` slice that ends where it starts, is the
    /// one slice enclosing it).
    pub to_at: f64,
}
