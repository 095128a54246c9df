//! `runtime::time::SendSleep`, the `Send + Sync` sleep behind hyper's
//! timer, and `runtime_hyper::Timer` through hyper's trait. Most tests use
//! the paused clock, so that time moves only when the test says.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::rt::Timer as _;
use runtime::time::{SendSleep, active_timers, advance, now};

/// How long a test may wait for its loop, its peer and its wakes before
/// the watchdog fails it, naming the test (a lost wake or a peer that
/// never answers would otherwise hang the run); each takes well under a
/// second when nothing is lost.
const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(120);

/// A runtime on the paused test clock.
fn paused() -> runtime::Runtime {
    runtime::Builder::new()
        .start_paused(true)
        .build()
        .expect("build a runtime")
}

/// Polls `future` once from the current task and says whether it is ready.
async fn poll_once<F: Future + Unpin>(future: &mut F) -> bool {
    poll_fn(|cx| Poll::Ready(Pin::new(&mut *future).poll(cx).is_ready())).await
}

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn send_sleep_and_hypers_sleep_are_send_and_sync() {
    watchdog::within(
        WATCHDOG,
        "send sleep and hypers sleep are send and sync",
        || {
            assert_send_sync::<SendSleep>();
            assert_send_sync::<Pin<Box<dyn hyper::rt::Sleep>>>();
        },
    );
}

#[test]
fn completes_at_its_deadline_and_not_before() {
    watchdog::within(WATCHDOG, "completes at its deadline and not before", || {
        paused().block_on(async {
            let mut sleep = SendSleep::until(now() + Duration::from_secs(10));
            assert!(!poll_once(&mut sleep).await);
            assert_eq!(active_timers(), 1, "the first poll registers one timer");
            advance(Duration::from_millis(9_999));
            assert!(!poll_once(&mut sleep).await);
            assert_eq!(active_timers(), 1, "later polls reuse the timer");
            advance(Duration::from_millis(1));
            assert!(poll_once(&mut sleep).await);
            assert_eq!(active_timers(), 0);
        });
    });
}

#[test]
fn a_task_awaiting_it_is_woken_by_the_wheel() {
    watchdog::within(WATCHDOG, "a task awaiting it is woken by the wheel", || {
        // No manual polls: the loop, idle, jumps the paused clock to the timer,
        // fires it, and the wake brings the task back.
        paused().block_on(async {
            let start = now();
            SendSleep::until(start + Duration::from_secs(3600)).await;
            assert_eq!(now() - start, Duration::from_secs(3600));
            assert_eq!(active_timers(), 0);
        });
    });
}

#[test]
fn a_drop_on_its_runtime_removes_the_timer() {
    watchdog::within(WATCHDOG, "a drop on its runtime removes the timer", || {
        paused().block_on(async {
            let mut sleep = SendSleep::until(now() + Duration::from_secs(60));
            assert!(!poll_once(&mut sleep).await);
            assert_eq!(active_timers(), 1);
            drop(sleep);
            assert_eq!(active_timers(), 0);
            assert_eq!(runtime::stats().timers_cancelled, 1);
        });
    });
}

#[test]
fn a_drop_on_another_thread_leaves_the_timer_to_fire_harmlessly() {
    watchdog::within(
        WATCHDOG,
        "a drop on another thread leaves the timer to fire harmlessly",
        || {
            paused().block_on(async {
                let deadline = now() + Duration::from_secs(60);
                let mut sleep = SendSleep::until(deadline);
                assert!(!poll_once(&mut sleep).await);
                std::thread::spawn(move || drop(sleep))
                    .join()
                    .expect("the drop on another thread does not panic");
                // Out of the wheel's reach from there: the entry stays ...
                assert_eq!(active_timers(), 1);
                // ... until its deadline, when it fires and wakes this task (a
                // spurious wake, which the task tolerates).
                runtime::time::sleep_until(deadline + Duration::from_secs(1)).await;
                assert_eq!(active_timers(), 0);
                let stats = runtime::stats();
                assert_eq!(stats.timers_cancelled, 0);
                assert_eq!(
                    stats.timers_fired, 2,
                    "the left entry and this task's own sleep"
                );
            });
        },
    );
}

#[test]
fn a_drop_after_its_runtime_stopped_is_harmless() {
    watchdog::within(
        WATCHDOG,
        "a drop after its runtime stopped is harmless",
        || {
            let rt = paused();
            // Returning the sleep un-awaited is the point: it outlives its runtime.
            #[allow(clippy::async_yields_async)]
            let sleep = rt.block_on(async {
                let mut sleep = SendSleep::until(now() + Duration::from_secs(60));
                assert!(!poll_once(&mut sleep).await);
                sleep
            });
            drop(rt);
            drop(sleep); // no runtime on this thread any more: nothing to do
        },
    );
}

#[test]
fn reset_moves_the_timer_in_place() {
    watchdog::within(WATCHDOG, "reset moves the timer in place", || {
        paused().block_on(async {
            let start = now();
            let mut sleep = SendSleep::until(start + Duration::from_secs(60));
            assert!(!poll_once(&mut sleep).await);
            sleep.reset(start + Duration::from_secs(5));
            assert_eq!(sleep.deadline(), start + Duration::from_secs(5));
            assert_eq!(active_timers(), 1, "moved, not added");
            sleep.await;
            assert_eq!(now() - start, Duration::from_secs(5));
        });
    });
}

#[test]
fn reset_after_completion_arms_it_again() {
    watchdog::within(WATCHDOG, "reset after completion arms it again", || {
        paused().block_on(async {
            let start = now();
            let mut sleep = SendSleep::until(start + Duration::from_secs(1));
            (&mut sleep).await;
            sleep.reset(start + Duration::from_secs(2));
            assert!(!poll_once(&mut sleep).await);
            assert_eq!(active_timers(), 1);
            (&mut sleep).await;
            assert_eq!(now() - start, Duration::from_secs(2));
        });
    });
}

#[test]
fn a_sleep_moved_to_another_runtime_completes_there() {
    watchdog::within(
        WATCHDOG,
        "a sleep moved to another runtime completes there",
        || {
            let deadline_after = Duration::from_secs(30);
            let (sleep, deadline) = paused().block_on(async {
                let deadline = now() + deadline_after;
                let mut sleep = SendSleep::until(deadline);
                assert!(!poll_once(&mut sleep).await);
                (sleep, deadline)
            });
            let on_other = std::thread::spawn(move || {
                // Another paused runtime, built later: its clock starts behind the
                // deadline, and jumps to it when its loop has nothing else to do.
                paused().block_on(async move {
                    let before = (now() < deadline, active_timers());
                    sleep.await;
                    (before, now() >= deadline, active_timers())
                })
            })
            .join()
            .expect("the other runtime's thread");
            assert_eq!(on_other, ((true, 0), true, 0));
        },
    );
}

#[test]
#[should_panic(expected = "runtime::time::SendSleep::poll must be called from inside a runtime")]
fn a_poll_outside_a_runtime_panics_with_a_clear_message() {
    watchdog::within(
        WATCHDOG,
        "a poll outside a runtime panics with a clear message",
        || {
            let mut sleep = SendSleep::until(Instant::now() + Duration::from_secs(1));
            let mut cx = Context::from_waker(std::task::Waker::noop());
            let _ = Pin::new(&mut sleep).poll(&mut cx);
        },
    );
}

#[test]
fn hypers_timer_follows_the_runtimes_clock() {
    watchdog::within(WATCHDOG, "hypers timer follows the runtimes clock", || {
        paused().block_on(async {
            let timer = runtime_hyper::Timer;
            let start = timer.now();
            assert_eq!(start, now(), "virtual time, not Instant::now()");
            timer.sleep(Duration::from_secs(30)).await;
            assert_eq!(timer.now() - start, Duration::from_secs(30));
            timer.sleep_until(start + Duration::from_secs(45)).await;
            assert_eq!(timer.now() - start, Duration::from_secs(45));
        });
    });
}

#[test]
fn hypers_reset_moves_our_sleep_in_place() {
    watchdog::within(WATCHDOG, "hypers reset moves our sleep in place", || {
        paused().block_on(async {
            let timer = runtime_hyper::Timer;
            let start = timer.now();
            let mut sleep = timer.sleep(Duration::from_secs(60));
            assert!(!poll_once(&mut sleep).await);
            timer.reset(&mut sleep, start + Duration::from_secs(2));
            assert_eq!(active_timers(), 1, "moved, not replaced");
            sleep.await;
            assert_eq!(timer.now() - start, Duration::from_secs(2));
        });
    });
}

/// A sleep from some other timer, which never completes by itself.
struct Foreign;

impl Future for Foreign {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

impl hyper::rt::Sleep for Foreign {}

#[test]
fn hypers_reset_replaces_a_foreign_sleep() {
    watchdog::within(WATCHDOG, "hypers reset replaces a foreign sleep", || {
        paused().block_on(async {
            let timer = runtime_hyper::Timer;
            let start = timer.now();
            let mut sleep: Pin<Box<dyn hyper::rt::Sleep>> = Box::pin(Foreign);
            timer.reset(&mut sleep, start + Duration::from_secs(3));
            sleep.await;
            assert_eq!(timer.now() - start, Duration::from_secs(3));
        });
    });
}

#[test]
fn a_sleep_of_a_huge_duration_does_not_overflow() {
    watchdog::within(
        WATCHDOG,
        "a sleep of a huge duration does not overflow",
        || {
            paused().block_on(async {
                let mut sleep = runtime_hyper::Timer.sleep(Duration::MAX);
                assert!(!poll_once(&mut sleep).await);
                assert_eq!(active_timers(), 1);
            });
        },
    );
}
