//! [`Interval`]: ticks at a fixed period. asyncio has no interval; the usual
//! asyncio code is `while True: ...; await asyncio.sleep(period)`, which
//! drifts by the time the body takes. An `Interval` does not drift.
//!
//! ## Missed ticks: skip
//!
//! Ticks are scheduled at `start + k * period`. If the task comes back late,
//! past one or more scheduled ticks, `tick` completes at once for the first
//! missed tick (returning its scheduled time) and the next tick is the first
//! `start + k * period` after *now*: the others are skipped, not delivered in
//! a burst. A spinner or a progress report wants that: one late frame, then
//! back on the beat. tokio's default is `MissedTickBehavior::Burst` (deliver
//! every missed tick at once, to keep the count); tokio offers `Skip` (ours)
//! and `Delay` (restart the period from now) as options.

use std::fmt;
use std::time::{Duration, Instant};

use super::control::now;
use super::sleep::{Sleep, sleep_until};

/// Ticks every `period`, the first tick at once; see the module doc for
/// missed ticks.
///
/// # Panics
///
/// If `period` is zero, or outside a runtime.
///
/// ```
/// use std::time::Duration;
/// runtime::Builder::new().start_paused(true).build().unwrap().block_on(async {
///     let mut ticks = runtime::time::interval(Duration::from_secs(1));
///     let first = ticks.tick().await;
///     let second = ticks.tick().await;
///     assert_eq!(second - first, Duration::from_secs(1));
/// });
/// ```
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    assert!(
        !period.is_zero(),
        "runtime::time::interval: the period must be non-zero"
    );
    let start = now();
    Interval {
        period,
        next: sleep_until(start),
    }
}

/// A periodic timer; see [`interval`].
pub struct Interval {
    /// Time between ticks.
    period: Duration,
    /// Sleeps until the next scheduled tick; its deadline is that tick.
    next: Sleep,
}

impl Interval {
    /// Waits for the next tick and returns its scheduled time.
    pub async fn tick(&mut self) -> Instant {
        (&mut self.next).await;
        let scheduled = self.next.deadline();
        let now = now();
        // The first scheduled tick after now (skip missed ticks).
        let behind = now.saturating_duration_since(scheduled);
        let periods = behind.as_nanos() / self.period.as_nanos() + 1;
        let ahead = u32::try_from(periods).map_or(Duration::MAX, |n| self.period.saturating_mul(n));
        self.next
            .reset(scheduled.checked_add(ahead).unwrap_or(now + self.period));
        scheduled
    }

    /// The time between ticks.
    pub fn period(&self) -> Duration {
        self.period
    }
}

impl fmt::Debug for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interval")
            .field("period", &self.period)
            .field("next", &self.next.deadline())
            .finish()
    }
}
