//! The event loop: what `block_on` does until its future is ready.
//!
//! One *tick* of the loop:
//!
//! ```text
//!   ┌──────────────────────────────────────────────────────────────────┐
//!   │ 1. pop up to EVENT_INTERVAL tasks from the run queue, poll each  │
//!   │    (the block_on future is polled the same way when it is woken) │
//!   │ 2. park: epoll_wait on the reactor                               │
//!   │      timeout 0            if tasks are still queued (fairness)   │
//!   │      until the next timer if nothing is queued                   │
//!   │      forever              if nothing is queued and no timers     │
//!   │    → socket events wake their tasks                              │
//!   │ 3. fire expired timers → wake their tasks                        │
//!   │ 4. move remote wakes (other threads) into the run queue          │
//!   └──────────────────────────────────────────────────────────────────┘
//! ```
//!
//! Step 2 with a zero timeout is what keeps I/O from starving: even if tasks
//! wake each other forever, sockets are looked at every `EVENT_INTERVAL`
//! polls. asyncio's `_run_once` has the same shape: it runs the ready
//! callbacks it had at the start of the iteration, then calls the selector,
//! with a zero timeout if callbacks are ready.
//!
//! tokio's current_thread scheduler also checks its global (remote) queue
//! every `global_queue_interval` polls (31) to keep remote wakes from
//! starving; here remote wakes are only taken when the local queue is empty
//! or after a park, which is fair enough for one thread and simpler.
//!
//! The loop tells its observer (`observe.rs`) when a poll and a park start
//! and end; the stats, the trace, the slow-poll warning and the timeline
//! are all behind that one call each.

use std::future::Future;
use std::panic::Location;
use std::pin::pin;
use std::task::{Context, Poll};

use crate::core::Core;
use crate::observe::Observer;
use crate::reactor::Park;
use crate::task::Polled;
use crate::task::header::Header;
use crate::task::raw::RawTask;
use crate::trace::ParkReason;

/// Task polls between two looks at the reactor. tokio's default
/// `event_interval` is 61: a prime, so the check does not fall into step
/// with a program's own periodic pattern.
pub(crate) const EVENT_INTERVAL: usize = 61;

impl Core {
    /// Runs the loop until `future` is ready, polling spawned tasks too.
    pub(crate) fn block_on<F: Future>(
        &self,
        future: F,
        location: &'static Location<'static>,
    ) -> F::Output {
        let _guard = self.enter();
        let scheduler = &self.handles.scheduler;
        let mut future = pin!(future);
        // The block_on future gets a task block too (with no future in it),
        // so that its waker works like any task's; the loop recognises it
        // and polls the future in place.
        let main = scheduler.main_task(location);
        self.observer().loop_started(main.header());
        let main_waker = main.waker_ref();
        let mut cx = Context::from_waker(&main_waker);
        loop {
            // Step 1.
            for _ in 0..EVENT_INTERVAL {
                let Some(task) = scheduler.next_task() else {
                    break;
                };
                if !task.ptr_eq(&main) {
                    self.run_task(task);
                    continue;
                }
                let mut output = None;
                self.poll_step(main.header(), || match future.as_mut().poll(&mut cx) {
                    Poll::Ready(value) => {
                        output = Some(value);
                        Polled::Ready
                    }
                    Poll::Pending => Polled::Pending,
                });
                if let Some(output) = output {
                    self.observer().loop_returned();
                    return output;
                }
            }
            // Steps 2 to 4.
            self.park();
        }
    }

    /// Polls one spawned task (or drops it, if its `JoinHandle` asked for
    /// an abort), through the queue entry's reference, which it gives up.
    fn run_task(&self, task: RawTask) {
        let header = task.header();
        // Rule 3 of `task/mod.rs`: the task is this runtime's.
        assert_eq!(
            header.remote.runtime_id, self.id,
            "a task of another runtime reached this loop"
        );
        let lifecycle = &header.lifecycle;
        if lifecycle.is_done() || lifecycle.abort_requested() {
            header.state.clear_scheduled();
            if !lifecycle.is_done() {
                // SAFETY: the runtime's thread (the loop is `!Send`), and no
                // other task is being polled.
                unsafe { task.cancel() };
                self.give_up_ended(task, true);
            }
            return; // or: a wake queued before the task ended
        }
        // SAFETY: as above, and the task has not ended (checked above).
        let polled = self.poll_step(header, || unsafe { task.poll() });
        if polled != Polled::Pending {
            // Cancelled: a remote spawn's abort, seen by the harness.
            let cancelled = polled == Polled::Cancelled;
            self.give_up_ended(task, cancelled);
        }
    }

    /// Takes a task that has just ended out of the set, and gives up the
    /// set's reference and the queue entry's `task` together: one atomic
    /// operation on the count instead of two.
    fn give_up_ended(&self, task: RawTask, cancelled: bool) {
        match self.handles.scheduler.remove_ended(&task, cancelled) {
            Some(for_set) => task.drop_with(for_set),
            None => drop(task),
        }
    }

    /// Step 1 for one task, spawned or `block_on`'s: clears `SCHEDULED`,
    /// then runs `poll` between the observer's two reports.
    fn poll_step(&self, task: &Header, poll: impl FnOnce() -> Polled) -> Polled {
        // Cleared before the poll (rules 2 and C in `task/state.rs`): a wake
        // during the poll queues the task again, and the poll sees what
        // every earlier waker wrote.
        task.state.clear_scheduled();
        let started = self.observer().poll_started(task);
        let polled = poll();
        self.observer().poll_ended(task, started, polled.into());
        polled
    }

    /// Steps 2 to 4 of the tick: wait for I/O (and timers), fire the timers
    /// that are due, then collect remote wakes.
    fn park(&self) {
        let scheduler = &self.handles.scheduler;
        let busy = scheduler.has_ready_work();
        let (park, reason) = if busy {
            (Park::No, ParkReason::QueuedWork)
        } else {
            match self.idle_park() {
                Park::Forever => (Park::Forever, ParkReason::NothingToDo),
                park => (park, ParkReason::NextTimer),
            }
        };
        let parked = self.observer().park_started();
        // The timeout, for the observer's report only when something watches
        // (reading the clock for nothing would cost the unwatched loop).
        let timeout = parked.and_then(|_| park.timeout());
        let events = match self.handles.reactor.poll(park) {
            Ok(events) => events,
            // epoll_wait only fails on a broken epoll fd or bad arguments:
            // the loop cannot go on, and block_on has no error channel.
            Err(err) => panic!("event loop: polling the reactor failed: {err}"),
        };
        self.observer().park_ended(parked, timeout, reason, events);
        // Step 3. Idle (nothing was runnable, the poll woke nothing, and no
        // blocking job can still wake a task) lets a paused clock jump to the
        // next timer; see `time/driver.rs`. The pool's counts are read
        // before the queues: a job wakes its task and only then, under the
        // pool's mutex, counts itself done, so if the counts (read under
        // that mutex) say no job is left, the wake of the last one is
        // already in a queue where `has_ready_work` sees it. In the other
        // order a job could finish between the two reads and the clock jump
        // past its result.
        let idle = !busy && !self.paused_behind_blocking_jobs() && !scheduler.has_ready_work();
        let fired = self.handles.timers.fire(idle);
        self.observer().timers_fired(fired);
        // Step 4.
        scheduler.drain_remote();
    }

    /// How long the loop may block when no task is queued: until the next
    /// timer, or until an event or a remote wake.
    fn idle_park(&self) -> Park {
        if self.paused_behind_blocking_jobs() {
            // The paused clock must not jump while a job runs, and there is
            // nothing to do until the job's remote wake arrives.
            return Park::Forever;
        }
        let timers = &self.handles.timers;
        match timers.next_deadline() {
            None => Park::Forever,
            // A paused clock's timers are in virtual time: the loop only
            // peeks at I/O, then jumps the clock (auto-advance, `time/driver.rs`).
            Some(_) if timers.clock.is_paused() => Park::No,
            Some(at) => Park::Until(at),
        }
    }

    /// True if the clock is paused and a `spawn_blocking` job is running or
    /// queued. Its completion may wake a task, so the loop is not idle and a
    /// paused clock must wait for it rather than jump to the next timer, as
    /// tokio's auto-advance does. Reads the pool's mutex, so it is checked
    /// only when the clock is paused.
    fn paused_behind_blocking_jobs(&self) -> bool {
        if !self.handles.timers.clock.is_paused() {
            return false;
        }
        let counts = self.handles.blocking.counts();
        counts.busy() > 0 || counts.queued > 0
    }

    /// Where the loop reports what it does.
    fn observer(&self) -> &Observer {
        &self.handles.observer
    }
}
