//! The time driver: the event loop's timer wheel and clock.
//!
//! [`TimerDriver`] is one of the running loop's handles (`context.rs`), and
//! each [`Sleep`] keeps an `Rc` of it so that it can deregister in `Drop`.
//! The event loop uses it twice per tick (see `event_loop.rs`):
//!
//! 1. [`TimerDriver::next_deadline`] before `epoll_wait`: until when the
//!    loop may block, the instant of the wheel's next expiration, to the
//!    microsecond. The reactor's alarm wakes the loop then
//!    (`reactor/alarm.rs`: a timerfd on Linux, the poll timeout elsewhere).
//! 2. [`TimerDriver::fire`] after it: advance the wheel to the current
//!    tick, collect the wakers of every timer that came due, release
//!    the wheel's borrow, then wake them ("wake after the borrow",
//!    CONTRIBUTING.md: a wake may run code that registers a new timer).
//!    Each wake is made with the timers as its cause, for the timeline
//!    (`observe.rs`).
//!
//! ## Auto-advance of the paused clock
//!
//! With a paused clock the loop never blocks for a timer (`event_loop.rs`
//! parks with no wait while timers exist), so it only peeks at I/O. If that
//! peek made no task runnable, the loop is idle and would otherwise wait
//! forever: `fire(idle = true)` jumps the clock to the next timer's deadline
//! (through any cascade points on the way, see `jump_to_next_timer`), and
//! the timers there fire. This is tokio's auto-advance. As in tokio, the loop does not count as idle while a
//! `spawn_blocking` job is running or queued (its result could wake a task):
//! it then waits for the job instead (`event_loop.rs`), so under a paused
//! clock a timeout around blocking work does not elapse at once.
//!
//! [`Sleep`]: super::Sleep

use std::cell::{Cell, RefCell};
use std::fmt;
use std::mem;
use std::task::{Poll, Waker};
use std::time::Instant;

use super::clock::Clock;
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
        let tick = self.clock.deadline_tick(deadline);
        bump(&self.armed);
        self.wheel.borrow_mut().insert(tick, waker)
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
        let tick = self.clock.deadline_tick(deadline);
        let moved = self.wheel.borrow_mut().reset(key, tick);
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

    /// Until when the loop may block in `epoll_wait` when no task is
    /// runnable: the instant of the wheel's next expiration, or `None`
    /// without timers. The expiration may be a cascade point rather than a
    /// deadline (`wheel.rs`): the loop then wakes, fires nothing, and asks
    /// again. On a paused clock the instant is virtual; the loop does not
    /// block for it (auto-advance).
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        let next = self.wheel.borrow().next_expiration()?;
        self.clock.instant_at(next)
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
        let mut due = mem::take(&mut *self.due.borrow_mut());
        {
            let mut wheel = self.wheel.borrow_mut();
            if idle && self.clock.is_paused() {
                self.jump_to_next_timer(&mut wheel, &mut due);
            }
            wheel.advance(self.clock.now_tick(), &mut due);
        }
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

impl TimerDriver {
    /// Auto-advance: jumps the paused clock to the next expiration and
    /// advances the wheel there, again and again until a timer comes due.
    /// An expiration may be only a cascade point (`wheel.rs`), where nothing
    /// fires; an idle loop would come back to it at once with nothing else
    /// to do, so the jump goes on to the first deadline, in one tick, as a
    /// real loop's wait would. Each step moves the wheel forward, and it
    /// holds a timer, so one comes due. Wakes nothing (the caller does).
    fn jump_to_next_timer(&self, wheel: &mut Wheel<Waker>, due: &mut Vec<(TimerKey, Waker)>) {
        while due.is_empty()
            && let Some(at) = wheel
                .next_expiration()
                .and_then(|tick| self.clock.instant_at(tick))
        {
            self.clock.advance_to(at);
            wheel.advance(self.clock.now_tick(), due);
        }
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
