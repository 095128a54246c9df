//! The one clock every recording reads: microseconds since a process-wide epoch.
//!
//! A timeline lines up several runtimes (one per thread in the flag
//! downloader's threads mode) and the blocking pool's threads on one time
//! axis. That only works if they all read the same clock from the same zero,
//! so the zero is a process-wide [`Instant`] kept in a [`OnceLock`]: the first
//! call to [`now_us`] on any thread sets it, and every later call on every
//! thread measures from it.
//!
//! ## Why microseconds as `f64`
//!
//! The Chrome Trace Event format counts in microseconds and allows fractions,
//! so a timestamp is stored as the file will say it. An `f64` keeps
//! nanosecond resolution for about 104 days after the epoch (2^53 ns), far
//! longer than anyone records an event loop.
//!
//! ## Implementation
//!
//! `Instant` is monotonic (`CLOCK_MONOTONIC` on Linux), so a later reading is
//! never smaller than an earlier one, on any thread. Perfetto's own SDK and
//! tokio-console use the same kind of clock; they keep integer nanoseconds
//! and convert when writing, which avoids the `f64` conversion on every
//! reading. We keep the file's unit because it leaves nothing to convert.

use std::sync::OnceLock;
use std::time::Instant;

/// The instant all timestamps are measured from: set by the first reading.
static EPOCH: OnceLock<Instant> = OnceLock::new();

/// Microseconds (with fractions) since the process's timeline epoch.
///
/// The first call in the process sets the epoch, so the first reading is
/// about zero. Every thread reads the same clock from the same zero.
///
/// ```
/// let a = timeline::now_us();
/// let b = timeline::now_us();
/// assert!(a >= 0.0 && b >= a);
/// ```
pub fn now_us() -> f64 {
    let epoch = *EPOCH.get_or_init(Instant::now);
    micros_between(epoch, Instant::now())
}

/// The timestamp of `instant` on the timeline's axis: microseconds since
/// the epoch, or `0.0` for an instant before it.
///
/// For a runtime that already holds an `Instant` (a timer's deadline, the
/// moment a park began), so it need not read the clock again.
pub fn instant_us(instant: Instant) -> f64 {
    let epoch = *EPOCH.get_or_init(Instant::now);
    micros_between(epoch, instant)
}

/// Microseconds from `earlier` to `later`; zero if `later` is before it.
fn micros_between(earlier: Instant, later: Instant) -> f64 {
    later.saturating_duration_since(earlier).as_nanos() as f64 / 1000.0
}
