//! The runtime's clock: real time, or a paused test clock.
//!
//! Every timer deadline is an `Instant`, but the wheel counts whole *ticks*
//! of one microsecond ([`TICK`]) since an *epoch* (the `Instant` the runtime
//! was built). The clock converts between the two, and the rounding is where
//! "never early" starts: a deadline is rounded **up** to its tick, the
//! current time **down** to its tick, and the wheel fires a timer only when
//! `deadline_tick <= now_tick`, so `deadline <= epoch + deadline_tick <=
//! epoch + now_tick <= now`.
//!
//! Why a microsecond: the loop can sleep until a deadline to the nanosecond
//! on Linux (a timerfd, `reactor/alarm.rs`), so the wheel's tick is what
//! bounds how late a timer fires on an idle loop. A microsecond is below the
//! cost of one wake-up (a few microseconds), so a finer tick would buy
//! nothing; it still lets the wheel's six levels reach about 19 hours before
//! a timer has to be placed again (`wheel.rs`). tokio's tick is a
//! millisecond, the unit of `epoll_wait`'s timeout, which is all a loop
//! that blocks only through that timeout can use.
//!
//! The paused clock (`Builder::start_paused(true)`) stands still at the
//! epoch. It moves only when a test calls [`advance`](super::control::advance), or
//! when the loop is idle and jumps it to the next timer (auto-advance, see
//! `driver.rs`). tokio's `time::pause()` works the same way; tokio swaps the
//! clock at run time, we choose it once when the runtime is built.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// Nanoseconds per tick: the wheel's resolution is one microsecond (see the
/// module doc).
const NANOS_PER_TICK: u32 = 1_000;
/// Ticks per second.
const TICKS_PER_SEC: u64 = 1_000_000;

/// Real or paused time, plus the epoch of the wheel. Runtime thread only.
#[derive(Debug)]
pub(crate) struct Clock {
    /// Tick 0 of the wheel: when the runtime was built.
    epoch: Instant,
    /// `None` for real time; `Some(offset)` when paused, where the time is
    /// `epoch + offset`. Only grows.
    paused: Option<Cell<Duration>>,
}

impl Clock {
    /// A clock whose epoch is now; paused at the epoch if `paused`.
    pub(crate) fn new(paused: bool) -> Clock {
        Clock {
            epoch: Instant::now(),
            paused: paused.then(|| Cell::new(Duration::ZERO)),
        }
    }

    /// The current time on this clock.
    pub(crate) fn now(&self) -> Instant {
        match &self.paused {
            None => Instant::now(),
            Some(offset) => self.epoch + offset.get(),
        }
    }

    /// True for the test clock.
    pub(crate) fn is_paused(&self) -> bool {
        self.paused.is_some()
    }

    /// Moves the paused clock forward to `to` (never backwards). Returns
    /// false, and does nothing, on a real clock.
    pub(crate) fn advance_to(&self, to: Instant) -> bool {
        let Some(offset) = &self.paused else {
            return false;
        };
        offset.set(offset.get().max(to.saturating_duration_since(self.epoch)));
        true
    }

    /// The tick an instant falls in, rounded up: the wheel deadline of a
    /// timer due at `deadline`. Instants before the epoch are tick 0.
    pub(crate) fn deadline_tick(&self, deadline: Instant) -> u64 {
        ceil_ticks(deadline.saturating_duration_since(self.epoch))
    }

    /// The current time in whole ticks since the epoch, rounded down.
    pub(crate) fn now_tick(&self) -> u64 {
        let since = self.now().saturating_duration_since(self.epoch);
        since.as_secs().saturating_mul(TICKS_PER_SEC)
            + u64::from(since.subsec_nanos() / NANOS_PER_TICK)
    }

    /// The instant of tick `tick`, if representable.
    pub(crate) fn instant_at(&self, tick: u64) -> Option<Instant> {
        self.epoch.checked_add(Duration::from_micros(tick))
    }
}

/// A duration in whole ticks, rounded up (saturating).
fn ceil_ticks(duration: Duration) -> u64 {
    let whole = duration.as_secs().saturating_mul(TICKS_PER_SEC)
        + u64::from(duration.subsec_nanos() / NANOS_PER_TICK);
    whole.saturating_add(u64::from(
        !duration.subsec_nanos().is_multiple_of(NANOS_PER_TICK),
    ))
}
