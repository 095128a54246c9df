//! The watched half of every report: what the observer does when a trace,
//! a slow-poll threshold, a lint, a timeline or an await tree is on. Each
//! function here is `#[cold]` and `#[inline(never)]` and is reached only
//! through the one `watched` branch of its report in `observe.rs`, so an
//! unwatched loop never runs, nor carries in its hot code, any of this.

use std::panic::Location;
use std::time::{Duration, Instant};

use super::{ObservedTask, Observer};
use crate::lints::Culprit;
use crate::slow_poll;
use crate::task::TaskId;
use crate::timeline::hooks;
use crate::trace::{ParkReason, park_line, trace};
use ::timeline::{PollOutcome, Readiness, WakeCause, now_us};

impl Observer {
    /// The watched half of [`poll_started`](Self::poll_started).
    #[cold]
    #[inline(never)]
    pub(super) fn watch_poll_started(&self, task: TaskId) -> Option<Instant> {
        self.on_board(|board| board.poll_started(task));
        self.lints.poll_started(self.progress());
        if self.recording() {
            hooks::record(|rec| rec.poll_started(task.0, now_us()));
            // Wakes made during the poll are this task's doing.
            hooks::set_cause(WakeCause::Task(task.0));
        } else if self.trace {
            hooks::set_cause(WakeCause::Task(task.0));
        }
        self.slow_poll.map(|_| Instant::now())
    }

    /// The watched half of [`poll_ended`](Self::poll_ended): the timeline,
    /// the trace line, the warning if the poll blocked the loop too long,
    /// and the lints after a `Pending` poll.
    #[cold]
    #[inline(never)]
    pub(super) fn watch_poll_ended(
        &self,
        task: &impl ObservedTask,
        started: Option<Instant>,
        outcome: PollOutcome,
    ) {
        self.on_board(|board| board.poll_ended(task.id(), outcome == PollOutcome::Pending));
        hooks::set_cause(WakeCause::Loop);
        hooks::record(|rec| rec.poll_ended(task.id().0, now_us(), outcome));
        trace!(
            self.trace,
            "tick {}: poll {} -> {}",
            self.tick_in_progress(),
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
                slow_poll::warn(
                    &task.describe(),
                    task.is_block_on(),
                    task.spawned_at(),
                    took,
                );
            }
        }
        if outcome == PollOutcome::Pending {
            let culprit = || Culprit {
                describe: task.describe(),
                at: task.spawned_at(),
                is_block_on: task.is_block_on(),
            };
            let (id, progress) = (task.id().0, self.progress());
            self.lints
                .after_pending(|| task.after_poll(), culprit, id, progress);
        }
    }

    /// Local wakes plus spawns so far: what a poll did for other tasks (the
    /// self-wake lint's measure of progress).
    pub(super) fn progress(&self) -> u64 {
        self.counters.local_wakes.get() + self.counters.spawned.get()
    }

    /// The number of the tick whose polls are running: the ticks counter
    /// counts parks, and a tick's park ends it, so before it parks tick `N`
    /// has seen `N - 1` parks. The trace, the stats and the timeline all
    /// number ticks this way, from 1.
    pub(super) fn tick_in_progress(&self) -> u64 {
        self.counters.ticks.get() + 1
    }

    /// The watched half of [`park_ended`](Self::park_ended).
    #[cold]
    #[inline(never)]
    pub(super) fn watch_park(
        &self,
        start: f64,
        timeout: Option<Duration>,
        reason: ParkReason,
        events: usize,
    ) {
        let end = now_us();
        let tick = self.counters.ticks.get();
        let tick_start = self.tick_started.replace(end);
        let events = u32::try_from(events).unwrap_or(u32::MAX);
        hooks::record(|rec| {
            rec.select(start, end, timeout, events);
            rec.tick(tick, tick_start, end);
        });
        trace!(
            self.trace,
            "{}",
            park_line(tick, timeout, reason, end - start, events)
        );
    }

    /// The watched half of a cancellation: the trace line and the timeline.
    #[cold]
    #[inline(never)]
    pub(super) fn watch_cancel(&self, task: &impl ObservedTask) {
        self.on_board(|board| board.ended(task.id()));
        trace!(
            self.trace,
            "tick {}: cancel {}",
            self.tick_in_progress(),
            task.describe()
        );
        hooks::record(|rec| rec.task_cancelled(task.id().0, now_us()));
    }

    /// The watched half of [`task_woken`](Self::task_woken): the timeline
    /// gets the wake with its cause; the trace, a wake by a socket event
    /// (`io: token 5 readable -> wake task 7`).
    #[cold]
    #[inline(never)]
    pub(super) fn watch_local_wake(&self, task: &impl ObservedTask) {
        self.on_board(|board| board.woken(task.id()));
        let cause = hooks::cause();
        hooks::record(|rec| rec.task_woken(task.id().0, now_us(), cause));
        if let WakeCause::Io { token, readiness } = cause {
            let readiness = if readiness == Readiness::WRITABLE {
                "writable"
            } else {
                "readable"
            };
            trace!(
                self.trace,
                "io: token {token} {readiness} -> wake task {}",
                task.id()
            );
        }
    }

    /// The watched half of [`task_woken_remotely`](Self::task_woken_remotely).
    #[cold]
    #[inline(never)]
    pub(super) fn watch_remote_wake(&self, task: &impl ObservedTask, from: Option<u32>) {
        self.on_board(|board| board.woken(task.id()));
        let cause = WakeCause::Remote {
            blocking_thread: from,
        };
        hooks::record(|rec| rec.task_woken(task.id().0, now_us(), cause));
        trace!(self.trace, "remote wake: {}", task.describe());
    }

    /// The watched half of [`Observer::task_spawned`]: the board and the
    /// timeline.
    #[cold]
    #[inline(never)]
    pub(super) fn watch_spawn(
        &self,
        id: TaskId,
        name: Option<&str>,
        spawned_at: &'static Location<'static>,
    ) {
        self.on_board(|board| board.spawned(id, name, spawned_at, false));
        hooks::record(|rec| rec.task_spawned(id.0, name, spawned_at, now_us()));
    }
}
