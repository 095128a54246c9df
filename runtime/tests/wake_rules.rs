//! The wake rules that an ordinary schedule can break, each forced by the
//! test rather than left to a race: a wake during the task's own poll, a
//! second remote wake after the loop went back to sleep, a combinator child
//! that wakes itself. A broken rule loses the wake every time, and the
//! watchdog names it. (The memory orderings, which no schedule on one
//! machine can force, are Miri's: `wake_race.rs`.)

use std::future::poll_fn;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::task::{Poll, Waker};
use std::thread;
use std::time::Duration;

use runtime::{run, spawn, yield_now};

/// Generous: each test takes milliseconds when no wake is lost.
const WATCHDOG: Duration = Duration::from_secs(30);

/// Times each test repeats the wake it checks.
const TIMES: usize = 3;

/// Rule 2 (`task/state.rs`): the loop clears `SCHEDULED` before it polls a
/// task, so a wake during the poll queues it again. `yield_now` wakes its
/// own task from inside the poll: cleared after the poll instead, that wake
/// would be absorbed, and the task never polled again.
#[test]
fn a_spawned_task_that_wakes_itself_during_its_poll_is_polled_again() {
    let yields = watchdog::within(WATCHDOG, "a yielding spawned task to finish", || {
        run(async {
            spawn(async {
                for _ in 0..TIMES {
                    yield_now().await;
                }
                TIMES
            })
            .await
            .unwrap()
        })
    });
    assert_eq!(yields, TIMES);
}

/// Rule 2 for the `block_on` future, which the loop polls in place.
#[test]
fn the_block_on_future_that_wakes_itself_during_its_poll_is_polled_again() {
    watchdog::within(WATCHDOG, "a yielding block_on future to finish", || {
        run(async {
            for _ in 0..TIMES {
                yield_now().await;
            }
        })
    });
}

/// The remote queue's `notified` flag (`task/schedule.rs`): once the loop
/// has drained a remote wake it clears the flag, so the next remote wake
/// writes the eventfd again. The other thread waits until the loop is back
/// asleep in `epoll_wait` (a pause long enough on any machine; if the loop
/// were not asleep yet, it would find the message without the eventfd and
/// the test would pass either way) before each wake. A flag left set would
/// let the second wake skip the eventfd, and the loop sleep forever.
#[test]
fn a_remote_wake_after_the_loop_went_back_to_sleep_wakes_it_again() {
    watchdog::within(
        WATCHDOG,
        "each of three remote wakes to reach a sleeping loop",
        || {
            let counter = Arc::new(AtomicUsize::new(0));
            let (send_waker, waker) = mpsc::channel::<Waker>();
            let thread = thread::spawn({
                let counter = counter.clone();
                move || {
                    let waker = waker.recv().expect("the task sends its waker");
                    for _ in 0..TIMES {
                        thread::sleep(Duration::from_millis(50));
                        counter.fetch_add(1, Ordering::Release);
                        waker.wake_by_ref();
                    }
                }
            });
            let mut first_poll = true;
            run(poll_fn(move |cx| {
                if first_poll {
                    first_poll = false;
                    let _ = send_waker.send(cx.waker().clone());
                }
                if counter.load(Ordering::Acquire) == TIMES {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            }));
            thread.join().unwrap();
        },
    );
}

/// A combinator child's `queued` flag (`future/ready.rs`) is cleared before
/// the child is polled, so a child that wakes itself during its poll is
/// listed again. Cleared after the poll, the wake would be absorbed and the
/// child never polled again.
#[test]
fn a_combinator_child_that_wakes_itself_during_its_poll_is_polled_again() {
    let done = watchdog::within(WATCHDOG, "a yielding join_all child to finish", || {
        run(runtime::future::join_all(vec![
            Box::pin(async {
                for _ in 0..TIMES {
                    yield_now().await;
                }
                1_usize
            }) as std::pin::Pin<Box<dyn Future<Output = usize>>>,
            Box::pin(async { 2 }),
        ]))
    });
    assert_eq!(done, [1, 2]);
}
