//! The loop's own state: the handles of its subsystems and its settings.
//!
//! `Runtime` is a thin handle around a [`Core`]; `event_loop.rs` is what the
//! core does (`block_on`, one tick, the park). Everything the subsystems
//! need lives in their own drivers (`task/schedule.rs`, `reactor/`, `time/`,
//! `blocking/`), which the loop lends to the code it runs through the
//! thread-local context (`context.rs`). Nothing outside the loop reads a
//! `Core` field: they are private to this file and `event_loop.rs`.

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::await_tree::{self, board::Board, sigquit};
use crate::blocking::pool::{BlockingPool, default_max_threads};
use crate::context::{self, EnterGuard, LoopHandles};
use crate::handle::Handle;
use crate::lints::{self, LintLevel, Lints};
use crate::observe::Observer;
use crate::reactor::driver::Reactor;
use crate::slow_poll;
use crate::stats::Stats;
use crate::task::schedule::Scheduler;
use crate::time::driver::TimerDriver;
use crate::timeline::{Destination, WriteError, Written, write};
use crate::trace;

/// A runtime's settings, resolved: what [`Builder`](crate::Builder) was told,
/// else the environment, else the defaults.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// The cap on `spawn_blocking` threads.
    pub(crate) max_blocking_threads: usize,
    /// Start with the paused test clock.
    pub(crate) start_paused: bool,
    /// The tick trace on or off.
    pub(crate) trace: bool,
    /// The slow-poll threshold; `None` is off.
    pub(crate) slow_poll: Option<Duration>,
    /// The lost-waker lint's level.
    pub(crate) lost_waker: LintLevel,
    /// The self-wake lint's level.
    pub(crate) self_wake: LintLevel,
    /// Where to write the timeline, if one is recorded.
    pub(crate) timeline: Option<Destination>,
    /// Record the await tree (`await_tree/`).
    pub(crate) await_tree: bool,
    /// Print the await tree on SIGQUIT (`await_tree/sigquit.rs`); by
    /// default, when the tree is recorded.
    pub(crate) sigquit: bool,
}

impl Settings {
    /// The defaults, with `RUNTIME_TRACE`, `RUNTIME_SLOW_POLL_MS`,
    /// `RUNTIME_TIMELINE` and `RUNTIME_AWAIT_TREE` read from the
    /// environment.
    pub(crate) fn from_env() -> Settings {
        let await_tree = await_tree::enabled_by_env();
        Settings {
            max_blocking_threads: default_max_threads(),
            start_paused: false,
            trace: trace::enabled_by_env(),
            slow_poll: slow_poll::threshold_from_env(),
            lost_waker: lints::level_from_env(lints::LOST_WAKER_ENV),
            self_wake: lints::level_from_env(lints::SELF_WAKE_ENV),
            timeline: timeline_from_env(),
            await_tree,
            sigquit: await_tree,
        }
    }
}

/// The environment variable that turns the timeline on: the file to write.
pub(crate) const TIMELINE_ENV: &str = "RUNTIME_TIMELINE";

/// The timeline's destination from `RUNTIME_TIMELINE`, if it is set to a
/// `.json` or `.html` path; a warning on stderr, and no timeline, for any
/// other value.
fn timeline_from_env() -> Option<Destination> {
    let value = std::env::var_os(TIMELINE_ENV).filter(|v| !v.is_empty())?;
    match Destination::new(value.into()) {
        Ok(destination) => Some(destination),
        Err(err) => {
            let _ = writeln!(
                std::io::stderr().lock(),
                "warning: ignoring {TIMELINE_ENV}: {err}"
            );
            None
        }
    }
}

/// One runtime's loop. See the module doc. Runtime thread only.
pub(crate) struct Core {
    /// Unique per runtime in the process (the scheduler's remote queue
    /// carries it too, so a waker can tell its runtime's thread).
    pub(super) id: u64,
    /// The subsystems: scheduler, reactor, timers, blocking pool, and the
    /// observer they and the loop report to. The context gets a clone of
    /// these while `block_on` runs.
    pub(super) handles: LoopHandles,
    /// Where the timeline goes, if this runtime records one and has not
    /// written it for good yet (taken by [`finish_timeline`](Self::finish_timeline));
    /// the recorder itself is the observer's. Loop thread only, borrowed
    /// briefly.
    timeline: RefCell<Option<Destination>>,
    /// This loop's place among those that print their await tree on
    /// SIGQUIT, if it wants to; dropping it (with the runtime) leaves.
    _sigquit: Option<sigquit::Registration>,
}

impl Core {
    /// Builds each subsystem's driver and the loop over them: an epoll
    /// instance and its remote-wake eventfd, an empty scheduler and timer
    /// wheel, and a blocking pool with no thread yet.
    pub(crate) fn build(settings: &Settings) -> io::Result<Core> {
        let id = next_runtime_id();
        let observer = Rc::new(Observer::new(
            id,
            settings.trace,
            settings.slow_poll,
            Lints::new(settings.lost_waker, settings.self_wake),
            settings.timeline.is_some(),
            settings.await_tree,
        ));
        let reactor = Reactor::new()?;
        let scheduler = Scheduler::new(id, reactor.remote_waker()?, Rc::clone(&observer));
        let handles = LoopHandles {
            scheduler: Rc::new(scheduler),
            reactor: Rc::new(reactor),
            timers: Rc::new(TimerDriver::new(settings.start_paused)),
            blocking: Rc::new(BlockingPool::new(settings.max_blocking_threads, id)),
            observer,
        };
        let sigquit = settings.sigquit.then(|| {
            let status = handles.observer.board().map(Board::status);
            sigquit::register(id, handles.scheduler.remote(), status.unwrap_or_default())
        });
        Ok(Core {
            id,
            handles,
            timeline: RefCell::new(settings.timeline.clone()),
            _sigquit: sigquit,
        })
    }

    /// The runtime's id.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Makes this loop the thread's running loop until the guard drops.
    pub(crate) fn enter(&self) -> EnterGuard {
        context::enter(self.handles.clone())
    }

    /// A snapshot of every subsystem's counters.
    pub(crate) fn stats(&self) -> Stats {
        self.handles.stats()
    }

    /// A handle for other threads.
    pub(crate) fn handle(&self) -> Handle {
        Handle::new(self.handles.scheduler.remote())
    }

    /// How many spawned tasks are alive.
    pub(crate) fn alive_tasks(&self) -> usize {
        self.handles.scheduler.alive()
    }

    /// Drops every task (runtime shutdown). The blocking pool stops first,
    /// so that no job starts while the tasks are dropped. Safe to call
    /// again: a second call finds nothing left to do.
    pub(crate) fn shutdown(&self) {
        self.handles.blocking.shutdown();
        self.handles.scheduler.shutdown();
    }

    /// Writes the timeline for good, if this runtime records one and has
    /// not done so yet: its recording is added to its file's, and nothing
    /// is recorded after. Returns where it went and what became of it.
    pub(crate) fn finish_timeline(&self) -> Option<(Destination, Result<Written, WriteError>)> {
        let destination = self.timeline.borrow_mut().take()?;
        let recorder = self.handles.observer.recorder()?;
        let at = ::timeline::now_us();
        let process = std::mem::replace(
            &mut *recorder.borrow_mut(),
            ::timeline::Recorder::new(self.id, "", 0),
        )
        .finish(at);
        let result = write(&destination.path, process, true);
        Some((destination, result))
    }

    /// Writes the timeline recorded so far (`Runtime::write_timeline`).
    pub(crate) fn write_timeline(&self) -> Result<Written, io::Error> {
        let timeline = self.timeline.borrow();
        let (Some(destination), Some(recorder)) =
            (timeline.as_ref(), self.handles.observer.recorder())
        else {
            return Err(io::Error::other(
                "this runtime records no timeline, or has finished it (see Builder::timeline and RUNTIME_TIMELINE)",
            ));
        };
        let snapshot = recorder.borrow().snapshot(::timeline::now_us());
        write(&destination.path, snapshot, false)
            .map_err(|err: WriteError| io::Error::other(err.to_string()))
    }
}

/// Hands out the next runtime id. Process-wide, so ids never repeat;
/// `Relaxed` because the counter only has to be unique, it publishes nothing.
fn next_runtime_id() -> u64 {
    /// The last runtime id handed out.
    static NEXT_RUNTIME_ID: AtomicU64 = AtomicU64::new(1);
    NEXT_RUNTIME_ID.fetch_add(1, Ordering::Relaxed)
}
