//! The time driver: the event loop's timer wheel and clock.
//!
//! [`TimerDriver`] is one of the running loop's handles (`context.rs`), and
//! each [`Sleep`] keeps an `Rc` of it so that it can deregister in `Drop`.
//! The event loop uses it twice per tick (see `event_loop.rs`):
//!
//! 1. [`TimerDriver::park_timeout`] before `epoll_wait`: how long the loop
//!    may block, from the wheel's next expiration, rounded up to a whole
//!    millisecond so that the loop never wakes before a deadline's
//!    millisecond has begun.
//! 2. [`TimerDriver::fire`] after it: advance the wheel to the current
//!    millisecond, collect the wakers of every timer that came due, release
//!    the wheel's borrow, then wake them ("wake after the borrow",
//!    CONTRIBUTING.md: a wake may run code that registers a new timer).
//!    Each wake is made with the timers as its cause, for the timeline
//!    (`observe.rs`).
//!
//! ## Auto-advance of the paused clock
//!
//! With a paused clock, `park_timeout` returns zero while timers exist, so
//! the loop only peeks at I/O. If that peek made no task runnable, the loop is
//! idle and would otherwise wait forever: `fire(idle = true)` jumps the clock
//! to the next expiration, and the timers there fire. This is tokio's
//! auto-advance. As in tokio, the loop does not count as idle while a
//! `spawn_blocking` job is running or queued (its result could wake a task):
//! it then waits for the job instead (`event_loop.rs`), so under a paused
//! clock a timeout around blocking work does not elapse at once.
//!
//! [`Sleep`]: super::Sleep

use std::cell::{Cell, RefCell};
use std::fmt;
use std::mem;
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

use super::clock::{self, Clock};
use super::wheel::{TimerKey, Wheel};
use crate::stats::{add, bump};
use crate::timeline::hooks;
use crate::waker_slot;
use ::timeline::{Wait, WakeCause};

/// The wheel, its clock and a reused buffer. Runtime thread only; every
/// `RefCell` borrow is released before any waker is woken or dropped.
pub(crate) struct TimerDriver {
    /// Real or paused time, and the wheel's epoch.
    pub(crate) clock: Clock,
    /// Registered timers, each holding the waker of the task that waits.
    wheel: RefCell<Wheel<Waker>>,
    /// A buffer for the timers that come due in one `fire`, kept to reuse
    /// its allocation. Always empty between calls.
    due: RefCell<Vec<(TimerKey, Waker)>>,
    /// How many timers were armed so far (registered, or moved by a reset).
    armed: Cell<u64>,
    /// How many timers fired so far.
    fired: Cell<u64>,
    /// How many timers were removed before they fired.
    cancelled: Cell<u64>,
}

/// The timer counters for `runtime::Stats`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TimerCounts {
    /// Timers armed (registered, or moved by a reset).
    pub(crate) armed: u64,
    /// Timers fired.
    pub(crate) fired: u64,
    /// Timers removed before they fired.
    pub(crate) cancelled: u64,
}

impl TimerDriver {
    /// A driver with an empty wheel, on a real or paused clock.
    pub(crate) fn new(paused: bool) -> TimerDriver {
        TimerDriver {
            clock: Clock::new(paused),
            wheel: RefCell::new(Wheel::new()),
            due: RefCell::new(Vec::new()),
            armed: Cell::new(0),
            fired: Cell::new(0),
            cancelled: Cell::new(0),
        }
    }

    /// Registers a timer for `deadline` that will wake `waker`.
    pub(crate) fn register(&self, deadline: Instant, waker: Waker) -> TimerKey {
        self.record_wait(deadline);
        let ms = self.clock.deadline_ms(deadline);
        bump(&self.armed);
        self.wheel.borrow_mut().insert(ms, waker)
    }

    /// Tells the timeline (and the await tree) the task being polled waits
    /// for `deadline`.
    fn record_wait(&self, deadline: Instant) {
        hooks::waits_on(|| Wait::Timer {
            deadline: ::timeline::instant_us(deadline),
        });
    }

    /// Replaces a live timer's waker unless it would wake the same task.
    /// Returns false if the timer already fired (the key is stale).
    pub(crate) fn update_waker(&self, key: TimerKey, deadline: Instant, waker: &Waker) -> bool {
        self.record_wait(deadline);
        let old = {
            let mut wheel = self.wheel.borrow_mut();
            let Some(stored) = wheel.get_mut(key) else {
                return false;
            };
            waker_slot::replace(stored, waker)
        };
        drop(old); // after the borrow: dropping a waker may run task code
        true
    }

    /// One poll of a sleep until `deadline` whose wheel entry, if it has
    /// one, is `entry`: the algorithm of both [`Sleep`](super::Sleep) and
    /// [`SendSleep`](super::SendSleep).
    /// Once the deadline has passed on this driver's clock the sleep is
    /// ready and its entry, if still live, is removed. Before, the entry
    /// holds `waker`: registered at the first poll, updated only when
    /// `!will_wake`, and registered again if it fired before a `reset` moved
    /// the deadline later (the loop's clock was ahead of the old deadline).
    pub(crate) fn poll_sleep(
        &self,
        deadline: Instant,
        entry: &mut Option<TimerKey>,
        waker: &Waker,
    ) -> Poll<()> {
        if self.clock.now() >= deadline {
            if let Some(key) = entry.take() {
                self.cancel(key);
            }
            return Poll::Ready(());
        }
        match *entry {
            Some(key) if self.update_waker(key, deadline, waker) => {}
            _ => *entry = Some(self.register(deadline, waker.clone())),
        }
        Poll::Pending
    }

    /// Moves a live timer. Returns false if it already fired.
    pub(crate) fn reset(&self, key: TimerKey, deadline: Instant) -> bool {
        let ms = self.clock.deadline_ms(deadline);
        let moved = self.wheel.borrow_mut().reset(key, ms);
        if moved {
            bump(&self.armed);
        }
        moved
    }

    /// Removes a timer if it is still registered.
    pub(crate) fn cancel(&self, key: TimerKey) {
        let waker = self.wheel.borrow_mut().cancel(key);
        if waker.is_some() {
            bump(&self.cancelled);
        }
        drop(waker); // after the borrow
    }

    /// The counters, for a stats snapshot.
    pub(crate) fn counters(&self) -> TimerCounts {
        TimerCounts {
            armed: self.armed.get(),
            fired: self.fired.get(),
            cancelled: self.cancelled.get(),
        }
    }

    /// Number of registered timers.
    pub(crate) fn len(&self) -> usize {
        self.wheel.borrow().len()
    }

    /// How long the loop may block in `epoll_wait` when no task is runnable:
    /// `None` (until I/O) without timers; zero under a paused clock with
    /// timers (see auto-advance); otherwise until the next expiration,
    /// rounded up to a whole millisecond.
    pub(crate) fn park_timeout(&self) -> Option<Duration> {
        let next = self.wheel.borrow().next_expiration()?;
        if self.clock.is_paused() {
            return Some(Duration::ZERO);
        }
        let at = self.clock.instant_at(next)?;
        let remaining = at.saturating_duration_since(Instant::now());
        Some(Duration::from_millis(clock::ceil_ms(remaining)))
    }

    /// Fires every timer that is due and wakes its task. `idle` means no
    /// task is runnable: a paused clock then jumps to the next expiration.
    /// Returns how many fired.
    pub(crate) fn fire(&self, idle: bool) -> usize {
        if self.wheel.borrow().is_empty() {
            // Nothing can fire: skip reading the clock on every tick. The
            // wheel's `elapsed` lags meanwhile, which only means a later
            // timer may take a cascade more; it is never fired early.
            return 0;
        }
        if idle && self.clock.is_paused() {
            let next = self.wheel.borrow().next_expiration();
            if let Some(at) = next.and_then(|ms| self.clock.instant_at(ms)) {
                self.clock.advance_to(at);
            }
        }
        let now = self.clock.now_ms();
        let mut due = mem::take(&mut *self.due.borrow_mut());
        self.wheel.borrow_mut().advance(now, &mut due);
        let count = due.len();
        add(&self.fired, count as u64);
        // No borrow is held while the tasks are woken.
        hooks::set_cause(WakeCause::Timer);
        for (_, waker) in due.drain(..) {
            waker.wake();
        }
        hooks::set_cause(WakeCause::Loop);
        *self.due.borrow_mut() = due;
        count
    }
}

impl fmt::Debug for TimerDriver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimerDriver")
            .field("clock", &self.clock)
            .field("wheel", &self.wheel)
            .finish_non_exhaustive()
    }
}
