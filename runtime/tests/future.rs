//! `runtime::future`: join_all, as_completed, wait and select, and the
//! per-child wakers that keep their cost linear.

mod util;

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use runtime::future::{Either, ReturnWhen, as_completed, join_all, select, wait};
use runtime::sync::oneshot;
use runtime::time::{now, sleep};
use runtime::{Builder, run, spawn, yield_now};
use util::{Counted, Counts, pending_forever};

/// How long a test may wait for its tasks' wakes before the watchdog fails
/// it (a lost wake leaves the loop asleep with nothing to wake it); each
/// takes milliseconds when none is lost.
const WATCHDOG: Duration = Duration::from_secs(60);

/// Yields `turns` times, then returns `value`: a child that completes after
/// a chosen number of trips through the run queue.
async fn after_turns<T>(turns: usize, value: T) -> T {
    for _ in 0..turns {
        yield_now().await;
    }
    value
}

/// A boxed future of `T`, so different `async` blocks fit in one `Vec`.
type BoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;

#[test]
fn join_all_keeps_input_order_whatever_the_completion_order() {
    watchdog::within(
        WATCHDOG,
        "join all keeps input order whatever the completion order",
        || {
            let out = run(join_all((0..10).map(|i| after_turns(10 - i, i))));
            assert_eq!(out, (0..10).collect::<Vec<_>>());
        },
    );
}

#[test]
fn join_all_takes_join_handles() {
    watchdog::within(WATCHDOG, "join all takes join handles", || {
        let out = run(async {
            let handles: Vec<_> = (0..5).map(|i| spawn(after_turns(5 - i, i * 2))).collect();
            join_all(handles).await
        });
        let out: Vec<usize> = out.into_iter().map(Result::unwrap).collect();
        assert_eq!(out, [0, 2, 4, 6, 8]);
    });
}

#[test]
fn join_all_of_nothing_is_empty_at_once() {
    watchdog::within(WATCHDOG, "join all of nothing is empty at once", || {
        let out: Vec<u8> = run(join_all(Vec::<std::future::Ready<u8>>::new()));
        assert!(out.is_empty());
    });
}

#[test]
fn as_completed_yields_in_completion_order_and_counts_down() {
    watchdog::within(
        WATCHDOG,
        "as completed yields in completion order and counts down",
        || {
            run(async {
                let mut to_do = as_completed([
                    after_turns(30, 30),
                    after_turns(10, 10),
                    after_turns(20, 20),
                ]);
                assert_eq!(to_do.remaining(), 3);
                let mut got = Vec::new();
                while let Some(n) = to_do.next().await {
                    got.push(n);
                    assert_eq!(to_do.remaining(), 3 - got.len());
                }
                assert_eq!(got, [10, 20, 30]);
                assert_eq!(to_do.next().await, None);
            });
        },
    );
}

/// Sleeps `ms` milliseconds, then returns `ms`.
async fn nap(ms: u64) -> u64 {
    sleep(Duration::from_millis(ms)).await;
    ms
}

#[test]
fn as_completed_over_sleeps_of_30_10_20_ms_yields_10_20_30() {
    watchdog::within(
        WATCHDOG,
        "as completed over sleeps of 30 10 20 ms yields 10 20 30",
        || {
            // The paused clock jumps from timer to timer, so the order cannot
            // depend on how busy the machine is, and the test takes no real time.
            let rt = Builder::new().start_paused(true).build().unwrap();
            rt.block_on(async {
                let start = now();
                let mut to_do = as_completed([nap(30), nap(10), nap(20)]);
                let mut got = Vec::new();
                while let Some(ms) = to_do.next().await {
                    assert!(
                        now() - start >= Duration::from_millis(ms),
                        "{ms} ms sleep ended early"
                    );
                    got.push(ms);
                }
                assert_eq!(got, [10, 20, 30]);
                // Concurrent, not one after another: 30 ms in all, not 60.
                assert!(now() - start < Duration::from_millis(60));
            });
        },
    );
}

#[test]
fn as_completed_over_spawned_sleeps_on_the_real_clock() {
    watchdog::within(
        WATCHDOG,
        "as completed over spawned sleeps on the real clock",
        || {
            // Generous gaps between deadlines, so that a busy machine cannot swap
            // them; only the order is checked.
            let got = run(async {
                let handles = [300, 100, 200].map(|ms| spawn(nap(ms)));
                let mut to_do = as_completed(handles);
                let mut got = Vec::new();
                while let Some(ms) = to_do.next().await {
                    got.push(ms.unwrap());
                }
                got
            });
            assert_eq!(got, [100, 200, 300]);
        },
    );
}

#[test]
fn select_against_a_sleep_is_a_timeout_for_wait() {
    watchdog::within(
        WATCHDOG,
        "select against a sleep is a timeout for wait",
        || {
            let rt = Builder::new().start_paused(true).build().unwrap();
            rt.block_on(async {
                let slow = wait([nap(50), nap(500)], ReturnWhen::AllCompleted);
                match select(slow, sleep(Duration::from_millis(100))).await {
                    Either::Right(((), _unfinished)) => {}
                    Either::Left(_) => {
                        panic!("the 500 ms child finished before the 100 ms deadline")
                    }
                }
            });
        },
    );
}

#[test]
fn wait_all_completed_returns_everything() {
    watchdog::within(WATCHDOG, "wait all completed returns everything", || {
        let (done, pending) = run(wait(
            (0..4).map(|i| after_turns(i, i)),
            ReturnWhen::AllCompleted,
        ));
        assert_eq!(done, [0, 1, 2, 3]);
        assert!(pending.is_empty());
    });
}

#[test]
fn wait_first_completed_hands_back_the_rest_still_runnable() {
    watchdog::within(
        WATCHDOG,
        "wait first completed hands back the rest still runnable",
        || {
            run(async {
                let futures: Vec<BoxFuture<Result<u8, ()>>> = vec![
                    Box::pin(after_turns(50, Ok(1))),
                    Box::pin(after_turns(2, Ok(2))),
                    Box::pin(after_turns(70, Ok(3))),
                ];
                let (done, pending) = wait(futures, ReturnWhen::FirstCompleted).await;
                assert_eq!(done, [Ok(2)]);
                assert_eq!(pending.len(), 2);
                // The rest can be waited on again and finish normally.
                let (rest, none) = wait(pending, ReturnWhen::AllCompleted).await;
                assert_eq!(rest, [Ok(1), Ok(3)]);
                assert!(none.is_empty());
            });
        },
    );
}

#[test]
fn wait_first_error_stops_at_the_first_err() {
    watchdog::within(WATCHDOG, "wait first error stops at the first err", || {
        run(async {
            let futures: Vec<BoxFuture<Result<u8, &str>>> = vec![
                Box::pin(after_turns(1, Ok(1))),
                Box::pin(after_turns(3, Err("boom"))),
                Box::pin(async {
                    pending_forever().await;
                    Ok(9)
                }),
            ];
            let (done, pending) = wait(futures, ReturnWhen::FirstError(Result::is_err)).await;
            assert_eq!(done, [Ok(1), Err("boom")]);
            assert_eq!(pending.len(), 1);
        });
    });
}

#[test]
fn wait_first_error_without_errors_waits_for_all() {
    watchdog::within(
        WATCHDOG,
        "wait first error without errors waits for all",
        || {
            let (done, pending) = run(wait(
                (0..3).map(|i| after_turns(i, Ok::<usize, ()>(i))),
                ReturnWhen::FirstError(Result::is_err),
            ));
            assert_eq!(done.len(), 3);
            assert!(pending.is_empty());
        },
    );
}

#[test]
fn wait_first_error_sees_a_panicked_task() {
    watchdog::within(WATCHDOG, "wait first error sees a panicked task", || {
        run(async {
            let handles = vec![
                spawn(async { pending_forever().await }),
                spawn(async { panic!("task failed") }),
            ];
            let (done, pending) = wait(handles, ReturnWhen::FirstError(Result::is_err)).await;
            assert_eq!(done.len(), 1);
            assert!(done[0].as_ref().unwrap_err().is_panic());
            assert_eq!(pending.len(), 1);
        });
    });
}

#[test]
fn wait_first_error_with_a_predicate_sees_a_task_returning_err() {
    watchdog::within(
        WATCHDOG,
        "wait first error with a predicate sees a task returning err",
        || {
            run(async {
                let handles = vec![
                    spawn(async {
                        pending_forever().await;
                        Ok(1)
                    }),
                    spawn(async { Err::<u8, &str>("not found") }),
                ];
                let (done, pending) =
                    wait(handles, ReturnWhen::FirstError(|r| !matches!(r, Ok(Ok(_))))).await;
                assert!(matches!(done[..], [Ok(Err("not found"))]));
                assert_eq!(pending.len(), 1);
            });
        },
    );
}

#[test]
fn select_returns_the_winner_and_the_loser_can_still_finish() {
    watchdog::within(
        WATCHDOG,
        "select returns the winner and the loser can still finish",
        || {
            run(async {
                match select(after_turns(10, "slow"), after_turns(1, 1)).await {
                    Either::Right((one, slow)) => {
                        assert_eq!(one, 1);
                        assert_eq!(slow.await, "slow");
                    }
                    Either::Left(_) => panic!("the slower future won"),
                }
                match select(async { 'a' }, async { 'b' }).await {
                    Either::Left(('a', _)) => {}
                    _ => panic!("when both are ready the first one wins"),
                }
            });
        },
    );
}

#[test]
fn after_the_first_poll_select_polls_in_wake_order() {
    watchdog::within(
        WATCHDOG,
        "after the first poll select polls in wake order",
        || {
            run(async {
                let (tx_a, rx_a) = oneshot::channel();
                let (tx_b, rx_b) = oneshot::channel();
                // Both sides become ready before select is polled again, `b` first:
                // the side that woke first is polled first, and wins.
                spawn(async move {
                    tx_b.send('b').unwrap();
                    tx_a.send('a').unwrap();
                });
                match select(rx_a, rx_b).await {
                    Either::Right((Ok('b'), _)) => {}
                    Either::Right(_) => panic!("b won with the wrong value"),
                    Either::Left(_) => panic!("a was polled first although b woke first"),
                }
            });
        },
    );
}

#[test]
fn dropping_a_combinator_drops_its_children() {
    watchdog::within(WATCHDOG, "dropping a combinator drops its children", || {
        let (child, counts) = Counted::new(pending_forever());
        run(async move {
            let all = join_all([child]);
            let raced = select(all, yield_now()).await;
            assert!(matches!(raced, Either::Right(_)));
            // `raced` holds the join_all; it drops here.
        });
        assert_eq!(counts.drops.get(), 1);
    });
}

/// Builds `n` children that each wait for their own oneshot, counting every
/// poll, and a task that sends to them one at a time with a `yield_now`
/// between sends, so that the combinator is woken `n` separate times.
/// Returns the children, their counts and the sending task.
fn children_woken_one_by_one(
    n: usize,
) -> (
    Vec<Counted<impl Future<Output = usize>>>,
    Vec<Rc<Counts>>,
    runtime::JoinHandle<()>,
) {
    let mut senders = Vec::with_capacity(n);
    let mut children = Vec::with_capacity(n);
    let mut counts = Vec::with_capacity(n);
    for _ in 0..n {
        let (tx, rx) = oneshot::channel::<usize>();
        let (child, count) = Counted::new(async move { rx.await.unwrap() });
        senders.push(tx);
        children.push(child);
        counts.push(count);
    }
    let driver = spawn(async move {
        for (i, tx) in senders.into_iter().enumerate() {
            tx.send(i).unwrap();
            yield_now().await;
        }
    });
    (children, counts, driver)
}

/// The children: ten thousand, enough that the naive combinator's N² polls
/// (10⁸) could not go unnoticed.
const MANY: usize = 10_000;

#[test]
fn ten_thousand_children_cost_two_polls_each_in_join_all() {
    watchdog::within(
        WATCHDOG,
        "ten thousand children cost two polls each in join all",
        || {
            let (out, counts, parent) = run(async {
                let (children, counts, driver) = children_woken_one_by_one(MANY);
                let (joined, parent) = Counted::new(join_all(children));
                let out = joined.await;
                driver.await.unwrap();
                (out, counts, parent)
            });
            assert_eq!(out, (0..MANY).collect::<Vec<_>>());
            let child_polls: usize = counts.iter().map(|c| c.polls.get()).sum();
            // One poll to start, one after its wake: linear. Polling every child
            // on every wake would take about MANY * MANY / 2.
            assert_eq!(child_polls, 2 * MANY);
            assert!(
                parent.polls.get() > MANY / 2,
                "the wakes came one at a time (parent polled {} times)",
                parent.polls.get()
            );
        },
    );
}

#[test]
fn ten_thousand_children_cost_two_polls_each_in_as_completed() {
    watchdog::within(
        WATCHDOG,
        "ten thousand children cost two polls each in as completed",
        || {
            let (got, counts) = run(async {
                let (children, counts, driver) = children_woken_one_by_one(MANY);
                let mut to_do = as_completed(children);
                let mut got = Vec::with_capacity(MANY);
                while let Some(i) = to_do.next().await {
                    got.push(i);
                }
                driver.await.unwrap();
                (got, counts)
            });
            assert_eq!(
                got,
                (0..MANY).collect::<Vec<_>>(),
                "completion order = send order"
            );
            let child_polls: usize = counts.iter().map(|c| c.polls.get()).sum();
            assert_eq!(child_polls, 2 * MANY);
        },
    );
}
