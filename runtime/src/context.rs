//! The thread-local "running loop": one handle per subsystem.
//!
//! `runtime::spawn`, `TcpStream::connect` and the timer functions take no
//! runtime argument, exactly like `asyncio.create_task()` finds the running
//! loop through `asyncio.get_running_loop()`. They find it here: while
//! [`Runtime::block_on`](crate::Runtime::block_on) runs, this thread's
//! `CURRENT` slot holds the runtime's [`LoopHandles`]: an `Rc` of each
//! subsystem's driver, built once with the runtime.
//!
//! Each subsystem asks for its own driver and nothing else: a `Sleep` asks
//! for the timers, a socket for the reactor, `spawn` for the scheduler,
//! `spawn_blocking` for the pool. None of them sees the loop itself
//! (`core.rs`), so a reader of `time/sleep.rs` needs to know the timer
//! driver and this file, not the whole runtime. tokio's `CONTEXT`
//! thread-local holds a scheduler handle that leads to its drivers in the
//! same way (with more in it: a budget for cooperative scheduling, the RNG
//! of its work-stealing).
//!
//! ## Rules
//!
//! 1. Only a runtime fills the slot, through [`enter`]: `block_on`, and its
//!    shutdown (`Drop` and `finish_timeline`) while it cancels tasks. The
//!    returned guard empties it again, even when the future panics.
//! 2. Entering while the slot is full panics: a nested `block_on` would have
//!    to run the outer loop's tasks from inside one of them, which can only
//!    deadlock or re-enter a `RefCell`. asyncio raises `RuntimeError:
//!    asyncio.run() cannot be called from a running event loop` for the same
//!    reason.
//! 3. Borrows of the slot are short: they never span a poll of user code.
//!
//! ## Implementation
//!
//! A `thread_local!` with a `const` initialiser, so reading it is a plain TLS
//! load with no lazy-initialisation check.

use std::cell::RefCell;
use std::rc::Rc;

use crate::blocking::pool::BlockingPool;
use crate::observe::Observer;
use crate::reactor::driver::Reactor;
use crate::stats::Stats;
use crate::task::schedule::Scheduler;
use crate::time::driver::TimerDriver;
use crate::timeline::hooks;

/// The drivers of one runtime's subsystems, as the running loop lends them
/// to the code it runs. Cloning it clones an `Rc` each.
#[derive(Clone)]
pub(crate) struct LoopHandles {
    /// The run queue, the task set and the way in from other threads.
    pub(crate) scheduler: Rc<Scheduler>,
    /// Sockets and their readiness.
    pub(crate) reactor: Rc<Reactor>,
    /// The timer wheel and the clock.
    pub(crate) timers: Rc<TimerDriver>,
    /// The threads behind `spawn_blocking`.
    pub(crate) blocking: Rc<BlockingPool>,
    /// Where the loop and the scheduler report what they do
    /// (`observe.rs`); its timeline recorder, if any, is lent to the hooks
    /// (`timeline/hooks.rs`) while the loop runs.
    pub(crate) observer: Rc<Observer>,
}

impl LoopHandles {
    /// A snapshot of every subsystem's counters (see `stats.rs`).
    pub(crate) fn stats(&self) -> Stats {
        let tasks = self.observer.counters();
        let timers = self.timers.counters();
        let blocking = self.blocking.counts();
        Stats {
            tasks_spawned: tasks.spawned.get(),
            tasks_finished: tasks.finished.get(),
            tasks_alive: self.scheduler.alive() as u64,
            polls: tasks.polls.get(),
            local_wakes: tasks.local_wakes.get(),
            remote_wakes: tasks.remote_wakes.get(),
            ticks: tasks.ticks.get(),
            io_events: self.reactor.events_delivered(),
            io_sources: self.reactor.registered() as u64,
            timers_armed: timers.armed,
            timers_fired: timers.fired,
            timers_cancelled: timers.cancelled,
            blocking_busy: blocking.busy() as u64,
            blocking_idle: blocking.idle() as u64,
        }
    }
}

thread_local! {
    /// The handles of the runtime whose `block_on` runs on this thread, if any.
    static CURRENT: RefCell<Option<LoopHandles>> = const { RefCell::new(None) };
}

/// The message for rule 2, shared by `block_on`, `run` and the tests.
pub(crate) const NESTED_RUNTIME: &str = "cannot start a runtime from within a runtime: \
     `block_on`/`run` was called while a runtime is already running on this thread \
     (await the future or `spawn` it instead)";

/// Empties the `CURRENT` slot when dropped.
#[derive(Debug)]
pub(crate) struct EnterGuard {
    /// Private so that only [`enter`] can make one.
    _private: (),
}

/// Makes `handles` the running loop of this thread until the guard drops.
///
/// # Panics
///
/// If a runtime is already current on this thread (rule 2).
pub(crate) fn enter(handles: LoopHandles) -> EnterGuard {
    let recorder = handles.observer.recorder().cloned();
    let track_causes = handles.observer.tracks_wake_causes();
    let tree = handles.observer.board().is_some();
    CURRENT.with(|current| {
        let mut slot = current.borrow_mut();
        if slot.is_some() {
            drop(slot);
            panic!("{NESTED_RUNTIME}");
        }
        *slot = Some(handles);
    });
    hooks::set_current(recorder, track_causes);
    hooks::set_tree(tree);
    EnterGuard { _private: () }
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        // Take the handles out first and drop them after the borrow ends,
        // so that whatever the drop does cannot meet a borrowed slot.
        hooks::set_current(None, false);
        let old = CURRENT.with(|current| current.borrow_mut().take());
        drop(old);
    }
}

/// True if a runtime is running on this thread.
pub(crate) fn is_inside_runtime() -> bool {
    CURRENT.with(|current| current.borrow().is_some())
}

/// Runs `f` with the running loop's handles, or returns `None` outside one.
pub(crate) fn try_with<R>(f: impl FnOnce(&LoopHandles) -> R) -> Option<R> {
    CURRENT.with(|current| current.borrow().as_ref().map(f))
}

/// Runs `f` with the running loop's handles.
///
/// # Panics
///
/// Outside a runtime, with a message that names `what` was attempted.
#[track_caller]
pub(crate) fn with<R>(what: &str, f: impl FnOnce(&LoopHandles) -> R) -> R {
    match try_with(f) {
        Some(r) => r,
        None => panic!(
            "{what} must be called from inside a runtime (within `runtime::run` or `Runtime::block_on`), \
             but no runtime is running on this thread"
        ),
    }
}

/// The running loop's reactor, or `None` outside a runtime.
pub(crate) fn reactor() -> Option<Rc<Reactor>> {
    try_with(|handles| Rc::clone(&handles.reactor))
}

/// The running loop's timers.
///
/// # Panics
///
/// Outside a runtime; see [`with`].
#[track_caller]
pub(crate) fn timers(what: &str) -> Rc<TimerDriver> {
    with(what, |handles| Rc::clone(&handles.timers))
}
