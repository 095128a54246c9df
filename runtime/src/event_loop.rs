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
use crate::timeline::hooks;
use crate::trace::trace;
use ::timeline::{PollOutcome, WakeCause, now_us};

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
        if self.recording() {
            self.tick_started.set(now_us());
        }
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
                let outcome = if polled.is_ready() {
                    PollOutcome::Ready
                } else {
                    PollOutcome::Pending
                };
                self.poll_ended(header, started, outcome);
                if let Poll::Ready(output) = polled {
                    if self.recording() {
                        record_last_tick(
                            scheduler.counters().ticks.get() + 1,
                            self.tick_started.get(),
                        );
                    }
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
            if self.recording() {
                record_cancelled(header);
            }
            scheduler.remove_finished(task);
            return;
        }
        let started = self.poll_started(header);
        // SAFETY: as above.
        let polled = unsafe { task.poll() };
        let outcome = match polled {
            Polled::Pending => PollOutcome::Pending,
            Polled::Ready => PollOutcome::Ready,
            Polled::Panicked => PollOutcome::Panicked,
            // Unreachable: `is_done` was checked above. Nothing ran.
            Polled::Stale => return,
        };
        self.poll_ended(header, started, outcome);
        if outcome != PollOutcome::Pending {
            scheduler.remove_finished(task);
        }
    }

    /// Counts a poll that is about to start. When the loop is watched (the
    /// trace, the slow-poll warning or the timeline is on), tells them too.
    #[inline]
    fn poll_started(&self, task: &Header) -> Option<Instant> {
        bump(&self.handles.scheduler.counters().polls);
        if self.observed {
            self.observe_poll_started(task)
        } else {
            None
        }
    }

    /// The watched half of [`poll_started`](Self::poll_started): records
    /// the task for the trace and the timeline, and reads the clock for the
    /// slow-poll warning (the only reason to read it). Out of line, so that
    /// an unwatched loop pays one branch per poll for all three.
    #[cold]
    #[inline(never)]
    fn observe_poll_started(&self, task: &Header) -> Option<Instant> {
        self.tracer.polling(task.id);
        if self.recording() {
            hooks::record(|rec| rec.poll_started(task.id.0, now_us()));
            // Wakes made during the poll are this task's doing.
            hooks::set_cause(WakeCause::Task(task.id.0));
        }
        self.slow_poll.map(|_| Instant::now())
    }

    /// A poll ended: tells whoever watches the loop.
    #[inline]
    fn poll_ended(&self, task: &Header, started: Option<Instant>, outcome: PollOutcome) {
        if self.observed {
            self.observe_poll_ended(task, started, outcome);
        }
    }

    /// The watched half of [`poll_ended`](Self::poll_ended): the timeline,
    /// the trace line, and the warning if the poll blocked the loop too long.
    #[cold]
    #[inline(never)]
    fn observe_poll_ended(&self, task: &Header, started: Option<Instant>, outcome: PollOutcome) {
        if self.recording() {
            hooks::set_cause(WakeCause::Loop);
            hooks::record(|rec| rec.poll_ended(task.id.0, now_us(), outcome));
        }
        trace!(
            self.tracer.enabled,
            "tick {}: poll {} -> {}",
            self.handles.scheduler.counters().ticks.get(),
            task.describe(),
            if outcome == PollOutcome::Pending {
                "Pending"
            } else {
                "Ready"
            }
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
        let select_started = self.recording().then(now_us);
        let events = match self.handles.reactor.poll(timeout) {
            Ok(events) => events,
            // epoll_wait only fails on a broken epoll fd or bad arguments:
            // the loop cannot go on, and block_on has no error channel.
            Err(err) => panic!("event loop: polling the reactor failed: {err}"),
        };
        if let Some(start) = select_started {
            let end = now_us();
            let tick = scheduler.counters().ticks.get();
            let tick_start = self.tick_started.replace(end);
            hooks::record(|rec| {
                rec.select(
                    start,
                    end,
                    timeout,
                    u32::try_from(events).unwrap_or(u32::MAX),
                );
                rec.tick(tick, tick_start, end);
            });
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
        if self.recording() {
            hooks::set_cause(WakeCause::Timer);
        }
        let fired = self.handles.timers.fire(idle);
        if self.recording() {
            hooks::set_cause(WakeCause::Loop);
        }
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

    /// True if this runtime records a timeline: one field load, so that the
    /// loop's own report sites cost one branch when it does not (the
    /// leaf futures' sites check a thread-local flag instead; see
    /// `timeline/hooks.rs`).
    fn recording(&self) -> bool {
        self.handles.recorder.is_some()
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

/// Reports the tick in which `block_on` returns: it never parks, so `park`
/// does not report it, and a run whose work fits in one tick (one long
/// poll, as in the spinner's blocking demo) would show no tick at all.
#[cold]
#[inline(never)]
fn record_last_tick(number: u64, start: f64) {
    hooks::record(|rec| rec.tick(number, start, now_us()));
}

// The timeline's report of an abort, out of line and marked cold, so that
// the polling path stays small when no timeline is recorded.

/// Reports a task dropped unpolled (an abort).
#[cold]
#[inline(never)]
fn record_cancelled(task: &Header) {
    hooks::record(|rec| rec.task_cancelled(task.id.0, now_us()));
}
