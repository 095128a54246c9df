//! The scheduler: the run queue, the set of live tasks, and the wake rule
//! that puts a task on one of two queues.
//!
//! ```text
//!   waker.wake()  ──> State::schedule_by_val / _by_ref    (state.rs, rules W and R)
//!                      1. set SCHEDULED             already queued? stop
//!                      2. on the runtime's thread?  ──yes──> run_queue.push_back   (no lock)
//!                                                   ──no───> RemoteQueue::push     (channel + eventfd)
//!   event loop    ──> next_task: run_queue first, then the remote inbox
//!   Handle::spawn ──> RemoteQueue::spawn: a task made on the caller's thread
//!                     (SpawnedTask), adopted by the loop when it arrives
//! ```
//!
//! This file holds the wake rule's local queue and [`push`], which picks it
//! or the [`RemoteQueue`] (`remote_queue.rs`, with what travels through it
//! and the argument for its own flag). Setting the flag (step 1) is on the
//! header, with the memory-ordering argument (rules W, C and R in
//! `state.rs`).
//!
//! ## Who touches what
//!
//! Everything in [`Scheduler`] is used on the runtime's thread only, through
//! short `RefCell` borrows that never span a poll of user code. The one part
//! other threads reach is the [`RemoteQueue`], through the `Arc` in every
//! task header.
//!
//! Spawns, wakes and ends are reported to the runtime's observer
//! (`observe.rs`), which counts them and, when something watches, traces
//! and records them.
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
use std::future::Future;
use std::panic::Location;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use crossbeam_channel::Receiver;

use super::id::TaskId;
use super::raw::RawTask;
use super::remote_queue::{Remote, RemoteQueue, SpawnedTask};
use super::set::TaskSet;
use crate::context;
use crate::observe::Observer;

/// Steps 3 and 4 of a wake: puts a task whose `SCHEDULED` flag the caller
/// just set (so `task` is a queue entry's reference) on the local run queue
/// if this thread runs the task's runtime, else on its remote queue.
pub(crate) fn push(task: RawTask) {
    let runtime_id = task.header().remote.runtime_id;
    let mut task = Some(task);
    context::try_with(|handles| {
        let scheduler = &handles.scheduler;
        if scheduler.runtime_id == runtime_id
            && let Some(task) = task.take()
        {
            handles.observer.task_woken(task.header());
            scheduler.run_queue.borrow_mut().push_back(task);
        }
    });
    if let Some(task) = task {
        let remote = Arc::clone(&task.header().remote);
        remote.push(task);
    }
}

/// One runtime's tasks and queues. See the module doc.
pub(crate) struct Scheduler {
    /// Unique per runtime in the process; see [`RemoteQueue::runtime_id`].
    runtime_id: u64,
    /// Tasks ready to be polled, in wake order, each entry holding a
    /// reference. Local wakes push here with no lock.
    run_queue: RefCell<VecDeque<RawTask>>,
    /// Every live task (one reference each), so that shutdown finds all.
    tasks: RefCell<TaskSet>,
    /// Shared with every task header, for wakes from other threads.
    remote: Arc<RemoteQueue>,
    /// Where remote wakes and spawned tasks arrive; see "When remote wakes
    /// are taken".
    remote_inbox: Receiver<Remote>,
    /// Where spawns, wakes and ends are reported (`observe.rs`), shared
    /// with the loop.
    observer: Rc<Observer>,
}

impl Scheduler {
    /// A scheduler with empty queues. `remote_waker` interrupts the loop's
    /// `epoll_wait` (the reactor makes it).
    pub(crate) fn new(
        runtime_id: u64,
        remote_waker: mio::Waker,
        observer: Rc<Observer>,
    ) -> Scheduler {
        let (sender, remote_inbox) = crossbeam_channel::unbounded();
        Scheduler {
            runtime_id,
            run_queue: RefCell::new(VecDeque::new()),
            tasks: RefCell::new(TaskSet::default()),
            remote: Arc::new(RemoteQueue::new(runtime_id, sender, remote_waker)),
            remote_inbox,
            observer,
        }
    }

    /// Makes a task of `future` (one allocation, `layout.rs`), puts it in the
    /// task set and on the run queue, and returns the `JoinHandle`'s
    /// reference. The one place where tasks are made.
    pub(crate) fn spawn<F>(
        &self,
        future: F,
        id: TaskId,
        name: Option<Box<str>>,
        spawned_at: &'static Location<'static>,
    ) -> RawTask
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let mut tasks = self.tasks.borrow_mut();
        let slot = tasks.vacant_slot();
        self.observer.task_spawned(id, name.as_deref(), spawned_at);
        let [for_set, for_queue, for_handle] =
            RawTask::new(future, Arc::clone(&self.remote), id, slot, name, spawned_at);
        tasks.insert(slot, for_set);
        drop(tasks);
        // The task starts `SCHEDULED` (`RawTask::new`): this is its first
        // wake's push.
        self.run_queue.borrow_mut().push_back(for_queue);
        for_handle
    }

    /// Takes in a task made on another thread (`Handle::spawn`): gives it
    /// its slot in the task set, reports its spawn, and returns its first
    /// queue entry's reference for the caller to queue or poll.
    pub(crate) fn adopt(&self, mut spawned: SpawnedTask) -> RawTask {
        let [for_set, for_queue] = spawned.take_refs().expect("a task is adopted once");
        let header = for_set.header();
        // The lifecycle's `JOIN_INTEREST` bit is a local `JoinHandle`'s; a
        // `RemoteJoinHandle` keeps its own phase. Cleared here so that the
        // lost-waker lint (`lints/lost_waker.rs`) counts a remote handle's
        // reference as one that can still reach the task (its `abort`
        // wakes it), never as a holder that cannot: a task whose remote
        // handle was dropped and whose one waker is in a timer is not lost.
        header.lifecycle.drop_join_interest();
        self.observer
            .task_spawned(header.id, header.name(), header.site.location());
        let mut tasks = self.tasks.borrow_mut();
        let slot = tasks.vacant_slot();
        header.set_slot(slot);
        tasks.insert(slot, for_set);
        for_queue
    }

    /// The block of a `block_on` future, queued for its first poll: not in
    /// the task set, polled in place by the loop, but woken like any task.
    /// The loop reports it to the observer (`Observer::loop_started`).
    pub(crate) fn main_task(&self, called_at: &'static Location<'static>) -> RawTask {
        let [for_block_on, for_queue] = RawTask::new_main(Arc::clone(&self.remote), called_at);
        self.run_queue.borrow_mut().push_back(for_queue);
        for_block_on
    }

    /// The next task to poll, with its queue entry's reference: local queue
    /// first, then what other threads sent (a task spawned from another
    /// thread is adopted here).
    pub(crate) fn next_task(&self) -> Option<RawTask> {
        if let Some(task) = self.run_queue.borrow_mut().pop_front() {
            return Some(task);
        }
        loop {
            match self.remote_inbox.try_recv().ok()? {
                Remote::Wake(task, from) => {
                    self.count_remote_wake(&task, from);
                    return Some(task);
                }
                Remote::Spawn(task) => return Some(self.adopt(task)),
                Remote::Call(call) => call(self),
            }
        }
    }

    /// True if a task is waiting to be polled (or to be adopted).
    pub(crate) fn has_ready_work(&self) -> bool {
        !self.run_queue.borrow().is_empty() || !self.remote_inbox.is_empty()
    }

    /// Moves every remote wake into the local queue, and adopts the tasks
    /// spawned from other threads onto it. Clears `notified` first, with an
    /// Acquire swap (see [`RemoteQueue`]): a message that comes after the
    /// clear either is drained here or writes the eventfd again, so none is
    /// stranded.
    pub(crate) fn drain_remote(&self) {
        self.remote.notified.swap(false, Ordering::Acquire);
        let mut queue = self.run_queue.borrow_mut();
        // Calls run once the queue is no longer borrowed: they may look at it.
        let mut calls = Vec::new();
        for message in self.remote_inbox.try_iter() {
            let task = match message {
                Remote::Wake(task, from) => {
                    self.count_remote_wake(&task, from);
                    task
                }
                Remote::Spawn(task) => self.adopt(task),
                Remote::Call(call) => {
                    calls.push(call);
                    continue;
                }
            };
            queue.push_back(task);
        }
        drop(queue);
        for call in calls {
            call(self);
        }
    }

    /// The way in from other threads, for a `Handle`.
    pub(crate) fn remote(&self) -> Arc<RemoteQueue> {
        Arc::clone(&self.remote)
    }

    /// The id of the runtime this scheduler belongs to.
    pub(crate) fn runtime_id(&self) -> u64 {
        self.runtime_id
    }

    /// Reports a wake that came from another thread; `from` is the
    /// blocking thread that sent it, if known.
    fn count_remote_wake(&self, task: &RawTask, from: Option<u32>) {
        self.observer.task_woken_remotely(task.header(), from);
    }

    /// Takes a task that has ended (finished, panicked, or `cancelled`) out
    /// of the set, and reports it. Returns the set's reference, for the
    /// caller to give up with its own (`RawTask::drop_with`).
    pub(crate) fn remove_ended(&self, task: &RawTask, cancelled: bool) -> Option<RawTask> {
        self.observer.task_ended(task.header(), cancelled);
        // Returned, so dropped after the borrow: it may free the task.
        self.tasks.borrow_mut().remove(task.header().slot())
    }

    /// How many spawned tasks are alive.
    pub(crate) fn alive(&self) -> usize {
        self.tasks.borrow().len()
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
                // SAFETY: the runtime's thread (the scheduler is `!Send`),
                // and no task is being polled during shutdown.
                unsafe { task.cancel() };
                self.observer.task_ended(task.header(), true);
            }
            drop(tasks);
        }
        let queued: Vec<_> = self.run_queue.borrow_mut().drain(..).collect();
        drop(queued);
        // Tasks spawned from other threads that never arrived are cancelled
        // as their messages drop (`SpawnedTask`'s `Drop`).
        let remote: Vec<_> = self.remote_inbox.try_iter().collect();
        drop(remote);
    }
}
