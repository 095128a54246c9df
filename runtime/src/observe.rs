//! The observer: the one place the loop tells what it is doing, and
//! everything that watches it (the stats, the tick trace, the slow-poll
//! warning, the lints and the timeline), behind that one seam.
//!
//! ```text
//!   event_loop.rs / schedule.rs            Observer (one per runtime)
//!   ───────────────────────────            ─────────────────────────────────────
//!   block_on starts / returns     ──────>  loop_started / loop_returned
//!   a poll starts / ends          ──────>  poll_started / poll_ended
//!   park: epoll_wait starts / ends ─────>  park_started / park_ended
//!   timers fired                  ──────>  timers_fired
//!   a task spawned / ended        ──────>  task_spawned / task_ended
//!   a task woken (here / remotely) ─────>  task_woken / task_woken_remotely
//!                                              │
//!                      always: the counters ───┤  (Stats, `stats.rs`)
//!         when watched, out of line: ──────────┤  the trace line (`trace.rs`)
//!                                              ├  the slow-poll warning (`slow_poll.rs`)
//!                                              ├  the lints, after a Pending poll (`lints/`)
//!                                              ├  the timeline (`timeline/`)
//!                                              └  the await tree's board (`await_tree/`)
//! ```
//!
//! The leaf futures (a socket, a sleep, a channel) and the reactor do not
//! report here: what a pending task waits on, and what caused a wake (a
//! socket event, the timers), they leave in `timeline/hooks.rs`'s
//! thread-locals, which the observer reads when a wake is reported. That is
//! also the one way to the timeline's recorder: the observer owns it (to
//! write the file), `context.rs` lends it to the hooks while the loop runs,
//! and every report goes through `hooks::record`.
//!
//! ## Cost when nothing watches
//!
//! Each report is `#[inline]` and does two things: it bumps a counter (a
//! `Cell<u64>` add, always on; see `stats.rs`) and tests `watched`, a `bool`
//! fixed when the runtime is built. The watched half is a separate function
//! (in `observe/watched.rs`) marked `#[cold]` and `#[inline(never)]`, so an unwatched loop pays one
//! predictable branch per report and keeps its hot code small. tokio makes
//! the same trade with its `tracing` call sites and `RuntimeMetrics`
//! counters.
//!
//! ## Who is watched
//!
//! The observer knows a task through [`ObservedTask`], which the task
//! header implements: its id, how traces name it, and where it was
//! spawned. (A trait rather than the header type, so that observing does
//! not depend on the task core, which depends on the observer.)

mod watched;

use std::cell::{Cell, RefCell};
use std::panic::Location;
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::await_tree::board::Board;
use crate::lints::{AfterPoll, Lints};
use crate::stats::{Counters, bump};
use crate::task::TaskId;
use crate::timeline::hooks::{self, MAX_RECORDS, SharedRecorder};
use crate::trace::{ParkReason, trace};
use ::timeline::{PollOutcome, now_us};

/// What the observer needs to know of a task.
pub(crate) trait ObservedTask {
    /// The task's id.
    fn id(&self) -> TaskId;
    /// How traces and warnings name it: `task 3 'spin'`.
    fn describe(&self) -> String;
    /// Where it was spawned (or where `block_on` was called).
    fn spawned_at(&self) -> &'static Location<'static>;
    /// True for the future given to `block_on`.
    fn is_block_on(&self) -> bool;
    /// Its state word, read once, and which references are not wakers
    /// (for the lints, right after a `Pending` poll).
    fn after_poll(&self) -> AfterPoll;
}

/// One runtime's observer. Runtime thread only; shared (`Rc`) by the loop,
/// the scheduler and the context.
pub(crate) struct Observer {
    /// Spawns, polls, wakes and ticks so far (`stats.rs`).
    counters: Counters,
    /// True if anything below watches: the trace, the slow-poll warning, a
    /// lint or the timeline. Fixed at build time; every report tests only
    /// this.
    watched: bool,
    /// The tick trace is on (`trace.rs`). Fixed at build time.
    trace: bool,
    /// Polls longer than this print a warning (`slow_poll.rs`); `None` is
    /// off. Fixed at build time.
    slow_poll: Option<Duration>,
    /// The lost-waker and self-wake lints, with their levels (`lints/`).
    lints: Lints,
    /// The timeline's recorder, if this runtime records one. The context
    /// lends it to the hooks while the loop runs.
    recorder: Option<SharedRecorder>,
    /// When the current tick began, on the timeline's clock (kept only
    /// while recording).
    tick_started: Cell<f64>,
    /// Every live task and what it waits for, if this runtime records an
    /// await tree (`await_tree/board.rs`). Fixed at build time.
    board: Option<Board>,
}

impl Observer {
    /// The observer of runtime `runtime_id`, with the trace on or off, a
    /// slow-poll threshold or none, its lints, a timeline recorder or none,
    /// and an await tree or none.
    pub(crate) fn new(
        runtime_id: u64,
        trace: bool,
        slow_poll: Option<Duration>,
        lints: Lints,
        record: bool,
        await_tree: bool,
    ) -> Observer {
        let recorder = record.then(|| {
            let name = ::timeline::runtime_name(runtime_id);
            Rc::new(RefCell::new(::timeline::Recorder::new(
                runtime_id,
                name,
                MAX_RECORDS,
            )))
        });
        Observer {
            counters: Counters::default(),
            watched: trace || slow_poll.is_some() || lints.any_on() || record || await_tree,
            trace,
            slow_poll,
            lints,
            recorder,
            tick_started: Cell::new(0.0),
            board: await_tree.then(|| Board::new(runtime_id)),
        }
    }

    /// The await tree's board, if this runtime records one.
    pub(crate) fn board(&self) -> Option<&Board> {
        self.board.as_ref()
    }

    /// Tells the await tree's board, if this runtime records one.
    fn on_board(&self, report: impl FnOnce(&Board)) {
        if let Some(board) = &self.board {
            report(board);
        }
    }

    /// The counters, for a stats snapshot.
    pub(crate) fn counters(&self) -> &Counters {
        &self.counters
    }

    /// The timeline's recorder, if this runtime records one.
    pub(crate) fn recorder(&self) -> Option<&SharedRecorder> {
        self.recorder.as_ref()
    }

    /// True if the hooks should keep track of what causes each wake: the
    /// timeline records it, and the trace names the socket behind a wake.
    pub(crate) fn tracks_wake_causes(&self) -> bool {
        self.recorder.is_some() || self.trace
    }

    /// True if this runtime records a timeline.
    fn recording(&self) -> bool {
        self.recorder.is_some()
    }

    // ----- the loop -----

    /// `block_on` starts, with `main` standing for its future: its first
    /// schedule counts as a wake, as a spawn's does, and its first tick
    /// begins.
    pub(crate) fn loop_started(&self, main: &impl ObservedTask) {
        bump(&self.counters.local_wakes);
        self.on_board(|board| board.spawned(main.id(), Some("block_on"), main.spawned_at(), true));
        if self.recording() {
            let at = now_us();
            self.tick_started.set(at);
            let (id, called_at) = (main.id().0, main.spawned_at());
            hooks::record(|rec| rec.task_spawned(id, Some("block_on"), called_at, at));
        }
    }

    /// `block_on` returns: the timeline gets the tick it returns in, which
    /// never parks, so a run whose work fits in one tick still shows one.
    pub(crate) fn loop_returned(&self) {
        self.on_board(|board| board.loop_returned());
        if self.recording() {
            let (tick, start) = (self.counters.ticks.get() + 1, self.tick_started.get());
            hooks::record(|rec| rec.tick(tick, start, now_us()));
        }
    }

    /// A poll of `task` is about to start. Returns the clock reading the
    /// slow-poll warning needs, if it is on.
    #[inline]
    pub(crate) fn poll_started(&self, task: &impl ObservedTask) -> Option<Instant> {
        bump(&self.counters.polls);
        if self.watched {
            self.watch_poll_started(task.id())
        } else {
            None
        }
    }

    /// A poll of `task` ended with `outcome`; `started` is what
    /// [`poll_started`](Self::poll_started) returned.
    #[inline]
    pub(crate) fn poll_ended(
        &self,
        task: &impl ObservedTask,
        started: Option<Instant>,
        outcome: PollOutcome,
    ) {
        if self.watched {
            self.watch_poll_ended(task, started, outcome);
        }
    }

    /// The loop is about to wait in `epoll_wait`, ending its tick. Returns
    /// when, on the timeline's clock, if the park is watched.
    #[inline]
    pub(crate) fn park_started(&self) -> Option<f64> {
        bump(&self.counters.ticks);
        (self.recording() || self.trace).then(now_us)
    }

    /// `epoll_wait` returned `events` socket events after waiting at most
    /// `timeout`, chosen for `reason`; `started` is what
    /// [`park_started`](Self::park_started) returned. The timeline gets the
    /// wait and the tick it ends; the trace, a line for the park.
    #[inline]
    pub(crate) fn park_ended(
        &self,
        started: Option<f64>,
        timeout: Option<Duration>,
        reason: ParkReason,
        events: usize,
    ) {
        if let Some(start) = started {
            self.watch_park(start, timeout, reason, events);
        }
    }

    /// The timer driver fired `fired` timers (their wakes are reported one
    /// by one, with the timers as their cause).
    #[inline]
    pub(crate) fn timers_fired(&self, fired: usize) {
        if fired > 0 {
            trace!(self.trace, "timer: {fired} fired");
        }
    }

    // ----- tasks -----

    /// A task was made and queued: counts the spawn and its first wake.
    #[inline]
    pub(crate) fn task_spawned(
        &self,
        id: TaskId,
        name: Option<&str>,
        spawned_at: &'static Location<'static>,
    ) {
        bump(&self.counters.spawned);
        // The task starts `SCHEDULED`, so its first push is its first wake.
        bump(&self.counters.local_wakes);
        if self.watched {
            self.watch_spawn(id, name, spawned_at);
        }
    }

    /// A task ended: finished or panicked in a poll, or `cancelled` (an
    /// abort, or the runtime's shutdown).
    #[inline]
    pub(crate) fn task_ended(&self, task: &impl ObservedTask, cancelled: bool) {
        bump(&self.counters.finished);
        if cancelled && self.watched {
            self.watch_cancel(task);
        }
    }

    /// A wake on the runtime's own thread pushed `task` on the run queue.
    #[inline]
    pub(crate) fn task_woken(&self, task: &impl ObservedTask) {
        bump(&self.counters.local_wakes);
        if self.watched {
            self.watch_local_wake(task);
        }
    }

    /// A wake from another thread reached the loop; `from` is the blocking
    /// thread that sent it, if a recorded job did.
    #[inline]
    pub(crate) fn task_woken_remotely(&self, task: &impl ObservedTask, from: Option<u32>) {
        bump(&self.counters.remote_wakes);
        if self.watched {
            self.watch_remote_wake(task, from);
        }
    }
}
