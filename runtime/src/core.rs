//! The state of one runtime: its run queue, its tasks, its reactor, and the
//! queue through which other threads wake its tasks.
//!
//! `Runtime` is a thin handle around an `Rc<Core>`; the thread-local context
//! (`context.rs`) holds a second `Rc` while `block_on` runs, so that `spawn`
//! and the sockets can find the core. The loop itself is in `event_loop.rs`.
//!
//! ## Who touches what
//!
//! Everything in [`Core`] is used on the runtime's thread only, through
//! short `RefCell` borrows that never span a poll of user code. The one part
//! other threads reach is [`RemoteQueue`], through the `Arc` in every task
//! header.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use crate::blocking::{BlockingPool, default_max_threads};
use crate::context;
use crate::reactor::Reactor;
use crate::stats::{Counters, Stats, bump};
use crate::task::header::{Header, TaskId};
use crate::task::set::TaskSet;
use crate::time::TimerDriver;
use crate::trace::trace;

/// The way into a runtime's run queue from other threads.
///
/// A remote wake sends the task's header through a crossbeam channel, then
/// interrupts the loop's `epoll_wait` through a `mio::Waker` (an eventfd on
/// Linux). `notified` saves the eventfd write when the loop has already been
/// nudged and has not yet drained the channel.
///
/// ## Why no wake is stranded in the channel
///
/// The pusher sends, then sets `notified` with `swap(true, Release)`; the
/// loop's drain clears it with `swap(false, Acquire)`, then empties the
/// channel. Both are read-modify-writes, so one of them comes first in the
/// flag's modification order:
///
/// - the pusher's swap first: the drain's swap reads its `true` (or a later
///   pusher's, which continues the release sequence) and synchronises with
///   it, so the message sent before it is visible and drained;
/// - the drain's swap first: the pusher reads `false` and writes the
///   eventfd, so the loop's next `epoll_wait` returns at once.
///
/// A `true` that the loop has not cleared yet always belongs to a pusher
/// that wrote (or is about to write) the eventfd, and every `epoll_wait`
/// that consumes that event is followed by a drain, so a message is never
/// left waiting behind a sleeping loop. A plain `store(false)` in the drain
/// would break the first case: it reads nothing, so the pusher could still
/// see the old `true` and skip the eventfd while the drain missed its
/// message. (Miri has not caught that one in `tests/wake_race.rs`: the
/// loop's later looks at the channel, in `next_task` and `has_ready_work`,
/// usually find the message anyway. The argument above is what rules it
/// out.) (tokio's current-thread scheduler takes a mutex for its remote
/// queue and unparks the driver on every remote schedule; the flag here saves
/// the eventfd write when wakes come in bursts.)
pub(crate) struct RemoteQueue {
    /// The id of the runtime this queue belongs to; a waker compares it with
    /// the current thread's runtime to choose the local path.
    pub(crate) runtime_id: u64,
    /// The sending end; the receiving end is `Core::remote_inbox`.
    sender: Sender<Arc<Header>>,
    /// Interrupts the loop's poll.
    waker: mio::Waker,
    /// True from the first remote wake until the loop drains the channel.
    /// Set by pushers (Release), cleared by the loop (Acquire); see above.
    notified: AtomicBool,
}

impl RemoteQueue {
    /// Queues `task` from any thread and makes sure the loop notices.
    pub(crate) fn push(&self, task: Arc<Header>) {
        if self.sender.send(task).is_err() {
            // The runtime is gone; there is nothing left to run the task.
            return;
        }
        // Release: the send above is visible to the drain that reads this.
        if !self.notified.swap(true, Ordering::Release) {
            // An error means the poll instance is closed: the runtime is
            // shutting down and will not run the task anyway.
            let _ = self.waker.wake();
        }
    }
}

/// One runtime's state. See the module doc.
pub(crate) struct Core {
    /// Unique per runtime in the process; see [`RemoteQueue::runtime_id`].
    pub(crate) id: u64,
    /// Tasks ready to be polled, in wake order. Local wakes push here with
    /// no lock.
    pub(crate) run_queue: RefCell<VecDeque<Arc<Header>>>,
    /// Every live task, so that wakes find futures and shutdown finds all.
    pub(crate) tasks: RefCell<TaskSet>,
    /// The I/O half of the loop; sockets hold their own `Rc` of it.
    pub(crate) reactor: Rc<Reactor>,
    /// Shared with every task header, for wakes from other threads.
    pub(crate) remote: Arc<RemoteQueue>,
    /// Where remote wakes arrive; drained into `run_queue` after each poll.
    remote_inbox: Receiver<Arc<Header>>,
    /// What the loop has done so far; see `stats.rs`.
    pub(crate) counters: Counters,
    /// True if the tick trace is on (`trace.rs`). Fixed at build time.
    pub(crate) trace: bool,
    /// The task being polled, recorded only while the trace is on, so that
    /// the reactor can say which task an I/O event wakes.
    pub(crate) polling: Cell<Option<TaskId>>,
    /// Polls longer than this print a warning (`slow_poll.rs`); `None` is
    /// off. Fixed at build time.
    pub(crate) slow_poll: Option<Duration>,
    /// The threads behind `spawn_blocking`; replaced by the builder when
    /// `max_blocking_threads` is set (no thread exists before first use).
    pub(crate) blocking: BlockingPool,
    /// The timer wheel and clock; sleeps hold their own `Rc` of it. Replaced
    /// by the builder for `start_paused`.
    pub(crate) timers: Rc<TimerDriver>,
}

impl Core {
    /// A core with an empty run queue and a fresh `epoll` instance.
    pub(crate) fn new() -> io::Result<Core> {
        /// The last runtime id handed out.
        static NEXT_RUNTIME_ID: AtomicU64 = AtomicU64::new(1);
        let reactor = Reactor::new()?;
        let (sender, remote_inbox) = crossbeam_channel::unbounded();
        let id = NEXT_RUNTIME_ID.fetch_add(1, Ordering::Relaxed);
        let remote = Arc::new(RemoteQueue {
            runtime_id: id,
            sender,
            waker: reactor.remote_waker()?,
            notified: AtomicBool::new(false),
        });
        Ok(Core {
            id,
            run_queue: RefCell::new(VecDeque::new()),
            tasks: RefCell::new(TaskSet::default()),
            reactor: Rc::new(reactor),
            remote,
            remote_inbox,
            counters: Counters::default(),
            trace: false,
            polling: Cell::new(None),
            slow_poll: None,
            blocking: BlockingPool::new(default_max_threads(), id),
            timers: Rc::new(TimerDriver::new(false)),
        })
    }

    /// Counts a spawn.
    pub(crate) fn on_spawn(&self) {
        bump(&self.counters.spawned);
    }

    /// A snapshot of the counters, plus the gauges read from the task set,
    /// the reactor, the timers and the blocking pool.
    pub(crate) fn stats(&self) -> Stats {
        let c = &self.counters;
        let blocking = self.blocking.counts();
        let timers = self.timers.counters();
        Stats {
            tasks_spawned: c.spawned.get(),
            tasks_finished: c.finished.get(),
            tasks_alive: self.tasks.borrow().len() as u64,
            polls: c.polls.get(),
            local_wakes: c.local_wakes.get(),
            remote_wakes: c.remote_wakes.get(),
            ticks: c.ticks.get(),
            io_events: c.io_events.get(),
            io_sources: self.reactor.registered() as u64,
            timers_armed: timers.armed,
            timers_fired: timers.fired,
            timers_cancelled: timers.cancelled,
            blocking_busy: blocking.busy() as u64,
            blocking_idle: blocking.idle() as u64,
        }
    }

    /// The next task to poll: local queue first, then remote wakes.
    pub(crate) fn next_task(&self) -> Option<Arc<Header>> {
        if let Some(task) = self.run_queue.borrow_mut().pop_front() {
            return Some(task);
        }
        let task = self.remote_inbox.try_recv().ok()?;
        self.count_remote_wake(&task);
        Some(task)
    }

    /// True if a task is waiting to be polled.
    pub(crate) fn has_ready_work(&self) -> bool {
        !self.run_queue.borrow().is_empty() || !self.remote_inbox.is_empty()
    }

    /// Moves every remote wake into the local queue. Clears `notified`
    /// first, with an Acquire swap (see [`RemoteQueue`]): a wake that comes
    /// after the clear either is drained here or writes the eventfd again,
    /// so none is stranded.
    pub(crate) fn drain_remote(&self) {
        self.remote.notified.swap(false, Ordering::Acquire);
        let mut queue = self.run_queue.borrow_mut();
        for task in self.remote_inbox.try_iter() {
            self.count_remote_wake(&task);
            queue.push_back(task);
        }
    }

    /// Counts (and traces) a wake that came from another thread.
    fn count_remote_wake(&self, task: &Header) {
        bump(&self.counters.remote_wakes);
        trace!(self.trace, "remote wake: {}", task.describe());
    }

    /// Drops every queued wake and every live task (runtime shutdown).
    /// Cancelling a task can wake or even spawn others, so this repeats
    /// until nothing is left, up to a bound.
    pub(crate) fn shutdown(&self) {
        // First, so that no job starts while the tasks are dropped.
        self.blocking.shutdown();
        /// Rounds of cancelling before giving up on futures whose `Drop`
        /// spawns new tasks forever.
        const MAX_SHUTDOWN_ROUNDS: usize = 64;
        for _ in 0..MAX_SHUTDOWN_ROUNDS {
            let tasks = self.tasks.borrow_mut().drain();
            if tasks.is_empty() {
                break;
            }
            for task in &tasks {
                task.cancel();
            }
            drop(tasks);
        }
        let queued: Vec<_> = self.run_queue.borrow_mut().drain(..).collect();
        drop(queued);
        let remote: Vec<_> = self.remote_inbox.try_iter().collect();
        drop(remote);
    }
}

/// Pushes `task` on the local run queue if the calling thread is running the
/// task's runtime; otherwise hands it back for the remote path.
pub(crate) fn push_local(task: Arc<Header>) -> Result<(), Arc<Header>> {
    let runtime_id = task.remote.runtime_id;
    let mut task = Some(task);
    context::try_with_core(|core| {
        if core.id == runtime_id
            && let Some(task) = task.take()
        {
            bump(&core.counters.local_wakes);
            core.run_queue.borrow_mut().push_back(task);
        }
    });
    match task {
        None => Ok(()),
        Some(task) => Err(task),
    }
}
