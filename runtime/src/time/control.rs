//! Reading and moving the runtime's clock: [`now`], [`advance`], and
//! [`active_timers`] for tests.

use std::time::{Duration, Instant};

use crate::context;

/// The current time on the runtime's clock [loop.time]: `Instant::now()`,
/// or the virtual time of a paused clock.
///
/// # Panics
///
/// Outside a runtime.
#[track_caller]
pub fn now() -> Instant {
    context::timers("runtime::time::now").clock.now()
}

/// Moves a paused clock forward by `duration`. Timers that come due fire
/// the next time the loop looks at its timers (at the latest when the
/// current task yields or waits).
///
/// # Panics
///
/// Outside a runtime, or if the runtime's clock is not paused (see
/// [`Builder::start_paused`](crate::Builder::start_paused)).
///
/// ```
/// use std::time::Duration;
/// let rt = runtime::Builder::new().start_paused(true).build().unwrap();
/// rt.block_on(async {
///     let start = runtime::time::now();
///     runtime::time::advance(Duration::from_secs(3600));
///     assert_eq!(runtime::time::now() - start, Duration::from_secs(3600));
/// });
/// ```
#[track_caller]
pub fn advance(duration: Duration) {
    let driver = context::timers("runtime::time::advance");
    let to = driver.clock.now().checked_add(duration);
    if !to.is_some_and(|to| driver.clock.advance_to(to)) {
        panic!(
            "runtime::time::advance needs a paused clock (Builder::start_paused(true)) \
             and a duration that fits an Instant"
        );
    }
}

/// How many timers are registered: sleeps that were polled and have neither
/// fired nor been dropped. For tests and diagnostics.
///
/// # Panics
///
/// Outside a runtime.
#[track_caller]
pub fn active_timers() -> usize {
    context::timers("runtime::time::active_timers").len()
}
