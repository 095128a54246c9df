//! The scheduler: the run queue, the set of live tasks, and the wake rule
//! that puts a task on one of two queues.
//!
//! ```text
//!   waker.wake()  ──> Header::schedule
//!                      1. scheduled.swap(true)      already queued? stop
//!                      2. on the runtime's thread?  ──yes──> run_queue.push_back   (no lock)
//!                                                   ──no───> RemoteQueue::push     (channel + eventfd)
//!   event loop    ──> next_task: run_queue first, then the remote inbox
//! ```
//!
//! This file is the whole wake rule: [`Header::schedule`], the local push
//! and the [`RemoteQueue`], side by side. The rule's memory-ordering
//! argument is in `header.rs` (rules W, C and R) and, for the remote queue's
//! `notified` flag, on [`RemoteQueue`] below.
//!
//! ## Who touches what
//!
//! Everything in [`Scheduler`] is used on the runtime's thread only, through
//! short `RefCell` borrows that never span a poll of user code. The one part
//! other threads reach is the [`RemoteQueue`], through the `Arc` in every
//! task header.
//!
//! ## When remote wakes are taken
//!
//! The loop takes remote wakes in two places: one at a time when its local
//! queue is empty ([`Scheduler::next_task`]), and all at once after each
//! `epoll_wait` ([`Scheduler::drain_remote`]). tokio's current-thread
//! scheduler also looks at its remote queue every `global_queue_interval`
//! (31) polls, so that a flood of local wakes cannot starve remote ones;
//! here a tick ends after at most 61 polls and every tick drains, which
//! bounds the wait the same way.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::panic::Location;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_channel::{Receiver, Sender};

use super::header::{Header, MAIN_SLOT};
use super::set::{Task, TaskSet};
use crate::context;
use crate::stats::{Counters, bump};
use crate::trace::{Tracer, trace};

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
/// out.) tokio's current-thread scheduler takes a mutex for its remote
/// queue and unparks the driver on every remote schedule; the flag here
/// saves the eventfd write when wakes come in bursts.
pub(crate) struct RemoteQueue {
    /// The id of the runtime this queue belongs to; a waker compares it with
    /// the current thread's runtime to choose the local path.
    pub(crate) runtime_id: u64,
    /// The sending end; the receiving end is `Scheduler::remote_inbox`.
    sender: Sender<Arc<Header>>,
    /// Interrupts the loop's poll.
    waker: mio::Waker,
    /// True from the first remote wake until the loop drains the channel.
    /// Set by pushers (Release), cleared by the loop (Acquire); see above.
    notified: AtomicBool,
}

impl RemoteQueue {
    /// Queues `task` from any thread and makes sure the loop notices.
    fn push(&self, task: Arc<Header>) {
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

impl Header {
    /// Queues the task unless it is queued already (steps 1, 3 and 4 of the
    /// wake in `header.rs`).
    pub(crate) fn schedule(self: Arc<Self>) {
        // Rule W: Release publishes the waker's writes to the loop's clear.
        if self.scheduled.swap(true, Ordering::Release) {
            return;
        }
        self.push();
    }

    /// Steps 3 and 4: puts a task whose flag this thread just set on the
    /// local run queue, or on the remote queue from another thread.
    pub(crate) fn push(self: Arc<Self>) {
        let runtime_id = self.remote.runtime_id;
        let mut task = Some(self);
        context::try_with(|handles| {
            let scheduler = &handles.scheduler;
            if scheduler.runtime_id == runtime_id
                && let Some(task) = task.take()
            {
                bump(&scheduler.counters.local_wakes);
                scheduler.run_queue.borrow_mut().push_back(task);
            }
        });
        if let Some(task) = task {
            let remote = Arc::clone(&task.remote);
            remote.push(task);
        }
    }
}

/// One runtime's tasks and queues. See the module doc.
pub(crate) struct Scheduler {
    /// Unique per runtime in the process; see [`RemoteQueue::runtime_id`].
    runtime_id: u64,
    /// Tasks ready to be polled, in wake order. Local wakes push here with
    /// no lock.
    run_queue: RefCell<VecDeque<Arc<Header>>>,
    /// Every live task, so that wakes find futures and shutdown finds all.
    tasks: RefCell<TaskSet>,
    /// Shared with every task header, for wakes from other threads.
    remote: Arc<RemoteQueue>,
    /// Where remote wakes arrive; see "When remote wakes are taken".
    remote_inbox: Receiver<Arc<Header>>,
    /// Spawns, polls, wakes and loop turns so far; see `stats.rs`.
    counters: Counters,
    /// The tick trace, shared with the loop and the reactor.
    tracer: Rc<Tracer>,
}

impl Scheduler {
    /// A scheduler with empty queues. `remote_waker` interrupts the loop's
    /// `epoll_wait` (the reactor makes it).
    pub(crate) fn new(runtime_id: u64, remote_waker: mio::Waker, tracer: Rc<Tracer>) -> Scheduler {
        let (sender, remote_inbox) = crossbeam_channel::unbounded();
        Scheduler {
            runtime_id,
            run_queue: RefCell::new(VecDeque::new()),
            tasks: RefCell::new(TaskSet::default()),
            remote: Arc::new(RemoteQueue {
                runtime_id,
                sender,
                waker: remote_waker,
                notified: AtomicBool::new(false),
            }),
            remote_inbox,
            counters: Counters::default(),
            tracer,
        }
    }

    /// The slot the next spawned task will take in the task set, so its
    /// header can be built before the task exists.
    pub(crate) fn vacant_slot(&self) -> usize {
        self.tasks.borrow().vacant_slot()
    }

    /// The remote queue, for a new task's header.
    pub(crate) fn remote(&self) -> Arc<RemoteQueue> {
        Arc::clone(&self.remote)
    }

    /// Puts a new task (built at [`vacant_slot`](Self::vacant_slot)) in the
    /// task set and counts the spawn; the caller then schedules it.
    pub(crate) fn insert(&self, task: Rc<dyn Task>) {
        self.tasks.borrow_mut().insert(task);
        bump(&self.counters.spawned);
    }

    /// The header of a `block_on` future: not in the task set, polled in
    /// place by the loop, but woken like any task.
    pub(crate) fn main_header(&self, called_at: &'static Location<'static>) -> Arc<Header> {
        Arc::new(Header::new(
            MAIN_SLOT,
            None,
            called_at,
            Arc::clone(&self.remote),
        ))
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
        trace!(self.tracer.enabled, "remote wake: {}", task.describe());
    }

    /// The live task that `header` belongs to, if it is still live.
    pub(crate) fn task(&self, header: &Arc<Header>) -> Option<Rc<dyn Task>> {
        self.tasks.borrow().get(header)
    }

    /// Takes a task that is done out of the set, and counts it.
    pub(crate) fn remove_finished(&self, header: &Arc<Header>) {
        bump(&self.counters.finished);
        let removed = self.tasks.borrow_mut().remove(header);
        drop(removed);
    }

    /// How many spawned tasks are alive.
    pub(crate) fn alive(&self) -> usize {
        self.tasks.borrow().len()
    }

    /// The task counters, for the loop to bump and for `Stats`.
    pub(crate) fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Drops every queued wake and every live task (runtime shutdown).
    /// Cancelling a task can wake or even spawn others, so this repeats
    /// until nothing is left, up to a bound.
    pub(crate) fn shutdown(&self) {
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
