//! The public timer API: `sleep`, `timeout`, `interval` and the paused clock.
//!
//! Real-clock tests assert only lower bounds ("never early"); their upper
//! bounds are generous, and every test runs under the watchdog, so a timer
//! that never fires (or a lost wake) fails the test instead of hanging it. Everything about order and missed ticks
//! runs on the paused clock, where time is exact and costs nothing.

mod util;

use std::cell::RefCell;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;
use std::time::{Duration, Instant};

use runtime::time::{self, Elapsed, interval, sleep, sleep_until, timeout};
use util::{Counted, pending_forever};

/// Upper bound for real-clock tests: only catches hangs.
const HANG_GUARD: Duration = Duration::from_secs(10);

/// How long a test may wait for its timers before the watchdog fails it: a
/// timer that is never fired leaves the loop asleep, and the test would hang.
const WATCHDOG: Duration = Duration::from_secs(60);

fn paused() -> runtime::Runtime {
    runtime::Builder::new()
        .start_paused(true)
        .build()
        .expect("runtime")
}

/// Polls `future` exactly once, in place (registers a sleep without awaiting it).
async fn poll_once<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
    poll_fn(|cx| Poll::Ready(std::pin::Pin::new(&mut *future).poll(cx))).await
}

/// Sleeps for each of `durations` in turn and checks that none ended before
/// its duration (the never-early rule) nor hung (`HANG_GUARD`).
async fn sleeps_never_end_early<const N: usize>(durations: [Duration; N]) {
    for duration in durations {
        let start = Instant::now();
        sleep(duration).await;
        let took = start.elapsed();
        assert!(
            took >= duration,
            "sleep({duration:?}) completed after {took:?}"
        );
        assert!(took < duration + HANG_GUARD);
    }
}

#[test]
fn sleep_never_completes_before_its_duration() {
    watchdog::within(WATCHDOG, "each of the seven sleeps ending", || {
        let durations = [0, 1, 2, 3, 5, 10, 25].map(Duration::from_millis);
        runtime::run(sleeps_never_end_early(durations));
    });
}

#[test]
fn sub_millisecond_sleeps_never_complete_early() {
    // Below a millisecond the loop's wait ends by the alarm (a timerfd on
    // Linux), not by epoll_wait's own timeout: neither may end it early.
    let durations = [1, 50, 250, 999, 1_001, 1_500].map(Duration::from_micros);
    runtime::run(sleeps_never_end_early(durations));
}

#[test]
fn the_paused_clock_jumps_to_a_deadline_to_the_microsecond() {
    // The wheel counts microseconds: an idle loop's clock lands on the
    // deadline itself, not on the next whole millisecond.
    paused().block_on(async {
        let start = time::now();
        sleep(Duration::from_micros(1_500)).await;
        assert_eq!(time::now() - start, Duration::from_micros(1_500));
        // A deadline between two microseconds waits for the later one:
        // rounded up, never early.
        let start = time::now();
        sleep(Duration::from_nanos(2_000_001)).await;
        assert_eq!(time::now() - start, Duration::from_micros(2_001));
    });
}

#[test]
fn concurrent_sleeps_never_complete_early() {
    watchdog::within(WATCHDOG, "the 200 concurrent sleeps ending", || {
        runtime::run(async {
            let handles: Vec<_> = (0..200u64)
                .map(|i| {
                    runtime::spawn(async move {
                        let duration = Duration::from_micros(i * 137 % 20_000);
                        let start = Instant::now();
                        sleep(duration).await;
                        (duration, start.elapsed())
                    })
                })
                .collect();
            for handle in handles {
                let (duration, took) = handle.await.expect("task");
                assert!(
                    took >= duration,
                    "sleep({duration:?}) completed after {took:?}"
                );
            }
        });
    });
}

#[test]
fn timeout_drops_the_inner_future_and_returns_elapsed() {
    watchdog::within(WATCHDOG, "the 10 ms timeout firing", || {
        runtime::run(async {
            let (inner, counts) = Counted::new(pending_forever());
            let limit = Duration::from_millis(10);
            let start = Instant::now();
            let result = timeout(limit, inner).await;
            assert!(start.elapsed() >= limit, "timed out early");
            let err: Elapsed = result.expect_err("pending_forever cannot finish");
            assert_eq!(err.duration(), limit);
            assert_eq!(
                counts.drops.get(),
                1,
                "inner future dropped when time ran out"
            );
            assert!(counts.polls.get() >= 1);
            assert!(err.to_string().contains("10ms"), "{err}");
            let _: &dyn std::error::Error = &err;
        });
    });
}

#[test]
fn timeout_of_a_ready_future_is_ok_even_with_zero_time() {
    watchdog::within(WATCHDOG, "the timeouts of ready futures returning", || {
        runtime::run(async {
            assert_eq!(timeout(Duration::from_secs(60), async { 5 }).await, Ok(5));
            assert_eq!(timeout(Duration::ZERO, async { 6 }).await, Ok(6));
            assert_eq!(
                time::active_timers(),
                0,
                "a ready future never registers the timer"
            );
        });
    });
}

#[test]
fn timeout_returns_the_output_of_a_future_that_finishes_in_time() {
    watchdog::within(
        WATCHDOG,
        "the paused clock reaching the inner sleep's end",
        || {
            paused().block_on(async {
                let start = time::now();
                let result = timeout(Duration::from_secs(10), async {
                    sleep(Duration::from_secs(3)).await;
                    "done"
                })
                .await;
                assert_eq!(result, Ok("done"));
                assert_eq!(time::now() - start, Duration::from_secs(3));
                assert_eq!(
                    time::active_timers(),
                    0,
                    "the timeout's timer was cancelled"
                );
            });
        },
    );
}

#[test]
fn timeout_clock_starts_when_the_inner_future_is_first_pending() {
    watchdog::within(WATCHDOG, "the paused clock reaching the timeout", || {
        paused().block_on(async {
            let start = time::now();
            // Made now, awaited five seconds later: the ten seconds count from
            // the await, as asyncio.wait_for's do.
            let limited = timeout(Duration::from_secs(10), pending_forever());
            sleep(Duration::from_secs(5)).await;
            let result = limited.await;
            assert!(result.is_err(), "pending_forever cannot finish");
            assert_eq!(time::now() - start, Duration::from_secs(15));
        });
    });
}

#[test]
fn sleep_reset_earlier_and_later() {
    watchdog::within(WATCHDOG, "the reset sleeps firing", || {
        paused().block_on(async {
            let start = time::now();
            let mut earlier = sleep(Duration::from_secs(10));
            assert!(poll_once(&mut earlier).await.is_pending());
            earlier.reset(start + Duration::from_secs(1));
            assert_eq!(earlier.deadline(), start + Duration::from_secs(1));
            earlier.await;
            assert_eq!(time::now() - start, Duration::from_secs(1));

            let start = time::now();
            let mut later = sleep(Duration::from_secs(1));
            assert!(poll_once(&mut later).await.is_pending());
            later.reset(start + Duration::from_secs(5));
            (&mut later).await;
            assert_eq!(time::now() - start, Duration::from_secs(5));

            // Reset after completion: it completes again at the new deadline.
            later.reset(start + Duration::from_secs(7));
            assert!(!later.is_elapsed());
            later.await;
            assert_eq!(time::now() - start, Duration::from_secs(7));
        });
    });
}

#[test]
fn interval_skips_missed_ticks() {
    watchdog::within(WATCHDOG, "the interval's ticks", || {
        paused().block_on(async {
            let start = time::now();
            let second = Duration::from_secs(1);
            let mut ticks = interval(second);
            assert_eq!(ticks.tick().await, start, "first tick at once");
            assert_eq!(ticks.tick().await, start + second);
            // Fall behind by 3.5 periods: ticks at 2 s, 3 s and 4 s are missed.
            time::advance(Duration::from_millis(3_500));
            assert_eq!(
                ticks.tick().await,
                start + 2 * second,
                "one late tick, at once"
            );
            assert_eq!(time::now() - start, Duration::from_millis(4_500));
            assert_eq!(
                ticks.tick().await,
                start + 5 * second,
                "3 s and 4 s skipped"
            );
            assert_eq!(time::now() - start, 5 * second);
            assert_eq!(ticks.tick().await, start + 6 * second);
        });
    });
}

#[test]
fn thousand_timers_over_ten_days_fire_in_deadline_order() {
    watchdog::within(WATCHDOG, "the thousand timers firing", || {
        const TIMERS: u64 = 1_000;
        const SPAN_MS: u64 = 10 * 86_400 * 1_000;
        let real_start = Instant::now();
        paused().block_on(async {
            let start = time::now();
            let fired = Rc::new(RefCell::new(Vec::new()));
            // Deadlines in a scrambled order (a multiplicative permutation).
            let handles: Vec<_> = (0..TIMERS)
                .map(|i| {
                    let offset =
                        Duration::from_millis((i * 7_919 % TIMERS) * (SPAN_MS / TIMERS) + i % 3);
                    let fired = Rc::clone(&fired);
                    runtime::spawn(async move {
                        sleep_until(start + offset).await;
                        fired.borrow_mut().push((offset, time::now() - start));
                    })
                })
                .collect();
            for handle in handles {
                handle.await.expect("timer task");
            }
            let fired = fired.borrow();
            assert_eq!(fired.len(), TIMERS as usize);
            for window in fired.windows(2) {
                assert!(window[0].0 <= window[1].0, "out of order: {window:?}");
            }
            for &(deadline, at) in fired.iter() {
                assert!(at >= deadline, "fired early: {at:?} < {deadline:?}");
                assert!(
                    at < deadline + Duration::from_millis(1),
                    "auto-advance lands on the deadline"
                );
            }
            assert!(time::now() - start >= Duration::from_millis(SPAN_MS - SPAN_MS / TIMERS));
        });
        assert!(
            real_start.elapsed() < HANG_GUARD,
            "virtual days must not take real time"
        );
    });
}

#[test]
fn dropping_a_pending_sleep_deregisters_it() {
    watchdog::within(WATCHDOG, "the aborted sleeping tasks ending", || {
        runtime::run(async {
            let mut alone = sleep(Duration::from_secs(3_600));
            assert!(poll_once(&mut alone).await.is_pending());
            assert_eq!(time::active_timers(), 1);
            drop(alone);
            assert_eq!(time::active_timers(), 0);

            let handles: Vec<_> = (0..10)
                .map(|_| runtime::spawn(sleep(Duration::from_secs(3_600))))
                .collect();
            runtime::yield_now().await;
            assert_eq!(time::active_timers(), 10, "each spawned sleep registered");
            for handle in &handles {
                handle.abort();
            }
            for handle in handles {
                assert!(handle.await.expect_err("aborted").is_cancelled());
            }
            assert_eq!(
                time::active_timers(),
                0,
                "aborted tasks dropped their sleeps"
            );
        });
    });
}

#[test]
fn a_sleep_fires_once_even_when_polled_again_and_again() {
    watchdog::within(WATCHDOG, "the sleep firing", || {
        paused().block_on(async {
            let mut nap = pin!(sleep(Duration::from_secs(2)));
            for _ in 0..5 {
                assert!(
                    poll_fn(|cx| Poll::Ready(nap.as_mut().poll(cx)))
                        .await
                        .is_pending()
                );
            }
            assert_eq!(
                time::active_timers(),
                1,
                "re-polling keeps one registration"
            );
            nap.await;
            assert_eq!(time::active_timers(), 0);
        });
    });
}

#[test]
fn advance_moves_the_paused_clock_exactly() {
    watchdog::within(WATCHDOG, "the block_on of the advances returning", || {
        paused().block_on(async {
            let start = time::now();
            time::advance(Duration::from_secs(86_400));
            assert_eq!(time::now() - start, Duration::from_secs(86_400));
        });
    });
}

#[test]
#[should_panic(expected = "paused clock")]
fn advance_on_a_real_clock_panics_with_a_clear_message() {
    runtime::run(async { time::advance(Duration::from_secs(1)) });
}

#[test]
fn a_paused_clock_waits_for_a_blocking_job_instead_of_jumping_past_it() {
    watchdog::within(
        WATCHDOG,
        "the blocking job's result arriving before the timeout",
        || {
            // The job takes real time; the paused clock must not auto-advance to the
            // 1-hour timeout while it runs, or the timeout would elapse at once.
            let rt = paused();
            let result = rt.block_on(async {
                let job = runtime::spawn_blocking(|| {
                    std::thread::sleep(Duration::from_millis(100));
                    "done"
                });
                let start = time::now();
                let result = timeout(Duration::from_secs(3600), job).await;
                (result, time::now() - start)
            });
            let (result, virtual_elapsed) = result;
            assert_eq!(result.expect("no timeout").expect("job ok"), "done");
            assert!(
                virtual_elapsed < Duration::from_secs(3600),
                "{virtual_elapsed:?}"
            );
        },
    );
}
