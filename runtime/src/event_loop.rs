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

use std::future::Future;
use std::panic::Location;
use std::pin::pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crate::core::Core;
use crate::slow_poll;
use crate::stats::bump;
use crate::task::header::Header;
use crate::task::raw::{Polled, RawTask};
use crate::trace::trace;

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
        let main_waker = main.waker_ref();
        let mut cx = Context::from_waker(&main_waker);
        loop {
            for _ in 0..EVENT_INTERVAL {
                let Some(task) = scheduler.next_task() else {
                    break;
                };
                if !task.ptr_eq(&main) {
                    self.run_task(&task);
                    continue;
                }
                // Rules 2 and C in `task/header.rs`, as in `run_task`.
                let header = main.header();
                header.clear_scheduled();
                let started = self.poll_started(header);
                let polled = future.as_mut().poll(&mut cx);
                self.poll_ended(header, started, polled.is_ready());
                if let Poll::Ready(output) = polled {
                    return output;
                }
            }
            self.park();
        }
    }

    /// Polls one task (or drops it, if its `JoinHandle` asked for an
    /// abort), through the queue entry's reference.
    fn run_task(&self, task: &RawTask) {
        let scheduler = &self.handles.scheduler;
        let header = task.header();
        // Rule 3 of `task/raw.rs`: the task is this runtime's.
        assert_eq!(
            header.remote.runtime_id, self.id,
            "a task of another runtime reached this loop"
        );
        // Cleared before the poll (rules 2 and C in `task/header.rs`): a wake
        // during the poll queues the task again, and the poll sees what every
        // earlier waker wrote.
        header.clear_scheduled();
        if header.is_done() {
            return; // a wake queued before the task ended
        }
        if header.abort_requested() {
            trace!(
                self.tracer.enabled,
                "tick {}: cancel {}",
                scheduler.counters().ticks.get(),
                header.describe()
            );
            // SAFETY: the runtime's thread (the loop is `!Send`), and no
            // other task is being polled.
            unsafe { task.cancel() };
            scheduler.remove_finished(task);
            return;
        }
        let started = self.poll_started(header);
        // SAFETY: as above.
        let polled = unsafe { task.poll() };
        let done = polled == Polled::Done;
        self.poll_ended(header, started, done);
        if done {
            scheduler.remove_finished(task);
        }
    }

    /// Counts a poll that is about to start, and reads the clock if the
    /// slow-poll warning is on (it is the only reason to read it).
    fn poll_started(&self, task: &Header) -> Option<Instant> {
        bump(&self.handles.scheduler.counters().polls);
        self.tracer.polling(task.id);
        self.slow_poll.map(|_| Instant::now())
    }

    /// Traces a finished poll and warns if it blocked the loop too long.
    fn poll_ended(&self, task: &Header, started: Option<Instant>, ready: bool) {
        trace!(
            self.tracer.enabled,
            "tick {}: poll {} -> {}",
            self.handles.scheduler.counters().ticks.get(),
            task.describe(),
            if ready { "Ready" } else { "Pending" }
        );
        if let (Some(started), Some(threshold)) = (started, self.slow_poll) {
            let took = started.elapsed();
            if took > threshold {
                slow_poll::warn(task, took);
            }
        }
    }

    /// Step 2 to 4 of the tick: wait for I/O (and timers), then collect
    /// remote wakes.
    fn park(&self) {
        let scheduler = &self.handles.scheduler;
        bump(&scheduler.counters().ticks);
        let busy = scheduler.has_ready_work();
        let timeout = if busy {
            Some(Duration::ZERO)
        } else {
            self.idle_timeout()
        };
        if let Err(err) = self.handles.reactor.poll(timeout) {
            // epoll_wait only fails on a broken epoll fd or bad arguments:
            // the loop cannot go on, and block_on has no error channel.
            panic!("event loop: polling the reactor failed: {err}");
        }
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
        if fired > 0 {
            trace!(self.tracer.enabled, "timer: {fired} fired");
        }
        scheduler.drain_remote();
    }

    /// How long the loop may block when no task is queued: until the next
    /// timer, or (`None`) until an event or a remote wake.
    fn idle_timeout(&self) -> Option<Duration> {
        if self.paused_behind_blocking_jobs() {
            // The paused clock must not jump while a job runs, and there is
            // nothing to do until the job's remote wake arrives.
            return None;
        }
        self.handles.timers.park_timeout()
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
}
