//! Tasks: spawning, joining, aborting, panics, scheduling order, nesting.

mod util;

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::task::Poll;

use runtime::{Runtime, run, spawn, yield_now};
use std::time::Duration;
use util::{Counted, DropFlag, pending_forever};

/// How long a test may wait for its tasks' wakes before the watchdog fails
/// it (a lost wake leaves the loop asleep with nothing to wake it); each
/// takes milliseconds when none is lost.
const WATCHDOG: Duration = Duration::from_secs(60);

#[test]
fn spawned_task_output_comes_through_its_handle() {
    watchdog::within(
        WATCHDOG,
        "spawned task output comes through its handle",
        || {
            assert_eq!(run(async { spawn(async { 41 + 1 }).await.unwrap() }), 42);
        },
    );
}

#[test]
fn a_hundred_thousand_tasks_all_complete() {
    watchdog::within(WATCHDOG, "a hundred thousand tasks all complete", || {
        let done = run(async {
            let counter = Rc::new(Cell::new(0u32));
            let handles: Vec<_> = (0..100_000u32)
                .map(|i| {
                    let counter = counter.clone();
                    spawn(async move {
                        yield_now().await;
                        counter.set(counter.get() + 1);
                        i
                    })
                })
                .collect();
            let mut sum = 0u64;
            for handle in handles {
                sum += u64::from(handle.await.unwrap());
            }
            assert_eq!(sum, (0..100_000u64).sum::<u64>());
            counter.get()
        });
        assert_eq!(done, 100_000);
    });
}

#[test]
fn a_task_that_finishes_at_once_is_polled_once_and_dropped_once() {
    watchdog::within(
        WATCHDOG,
        "a task that finishes at once is polled once and dropped once",
        || {
            let (future, counts) = Counted::new(async { 5 });
            run(async move { spawn(future).await.unwrap() });
            assert_eq!(counts.polls.get(), 1);
            assert_eq!(counts.drops.get(), 1);
        },
    );
}

#[test]
fn abort_drops_the_future_and_the_handle_says_cancelled() {
    watchdog::within(
        WATCHDOG,
        "abort drops the future and the handle says cancelled",
        || {
            let cleaned_up = Rc::new(Cell::new(false));
            let (future, counts) = Counted::new({
                let guard = DropFlag(cleaned_up.clone());
                async move {
                    let _guard = guard;
                    pending_forever().await;
                }
            });
            let result = run(async move {
                let handle = spawn(future);
                yield_now().await; // let it start and park
                assert!(!handle.is_finished());
                handle.abort();
                handle.await
            });
            let err = result.unwrap_err();
            assert!(err.is_cancelled());
            assert!(!err.is_panic());
            assert!(cleaned_up.get(), "the task's destructors ran");
            assert_eq!(counts.polls.get(), 1, "an aborted task is not polled again");
            assert_eq!(counts.drops.get(), 1);
        },
    );
}

#[test]
fn abort_before_the_first_poll_never_polls() {
    watchdog::within(WATCHDOG, "abort before the first poll never polls", || {
        let (future, counts) = Counted::new(async {});
        let err = run(async move {
            let handle = spawn(future);
            handle.abort();
            handle.await.unwrap_err()
        });
        assert!(err.is_cancelled());
        assert_eq!(counts.polls.get(), 0);
        assert_eq!(counts.drops.get(), 1);
    });
}

#[test]
fn abort_after_finish_keeps_the_output() {
    watchdog::within(WATCHDOG, "abort after finish keeps the output", || {
        let value = run(async {
            let handle = spawn(async { "done" });
            yield_now().await;
            assert!(handle.is_finished());
            handle.abort();
            handle.await
        });
        assert_eq!(value.unwrap(), "done");
    });
}

#[test]
fn a_panicking_task_is_isolated_and_its_panic_comes_out_of_the_handle() {
    watchdog::within(
        WATCHDOG,
        "a panicking task is isolated and its panic comes out of the handle",
        || {
            let (other, message) = run(async {
                let bad = spawn(async {
                    yield_now().await;
                    panic!("boom in task");
                });
                let good = spawn(async {
                    yield_now().await;
                    yield_now().await;
                    7
                });
                let err = bad.await.unwrap_err();
                assert!(err.is_panic());
                assert!(err.to_string().contains("boom in task"), "{err}");
                let payload = err.into_panic();
                let message = *payload.downcast::<&str>().unwrap();
                (good.await.unwrap(), message)
            });
            assert_eq!(other, 7);
            assert_eq!(message, "boom in task");
        },
    );
}

#[test]
fn dropping_a_handle_detaches_the_task_it_keeps_running() {
    watchdog::within(
        WATCHDOG,
        "dropping a handle detaches the task it keeps running",
        || {
            let ran = Rc::new(Cell::new(false));
            let ran2 = ran.clone();
            run(async move {
                drop(spawn(async move {
                    yield_now().await;
                    ran2.set(true);
                }));
                for _ in 0..3 {
                    yield_now().await;
                }
            });
            assert!(ran.get());
        },
    );
}

#[test]
fn run_cancels_tasks_still_alive_at_the_end() {
    watchdog::within(WATCHDOG, "run cancels tasks still alive at the end", || {
        let dropped = Rc::new(Cell::new(false));
        let guard = DropFlag(dropped.clone());
        run(async move {
            spawn(async move {
                let _guard = guard;
                pending_forever().await;
            });
            yield_now().await;
        });
        assert!(dropped.get(), "asyncio.run cancels the remaining tasks");
    });
}

#[test]
fn block_on_keeps_tasks_alive_between_calls_and_drop_cancels_them() {
    watchdog::within(
        WATCHDOG,
        "block on keeps tasks alive between calls and drop cancels them",
        || {
            let rt = Runtime::new().unwrap();
            let dropped = Rc::new(Cell::new(false));
            let guard = DropFlag(dropped.clone());
            rt.block_on(async move {
                spawn(async move {
                    let _guard = guard;
                    pending_forever().await;
                });
            });
            assert_eq!(rt.alive_tasks(), 1);
            assert!(!dropped.get());
            drop(rt);
            assert!(dropped.get());
        },
    );
}

#[test]
fn tasks_run_in_fifo_order_and_yield_goes_to_the_back() {
    watchdog::within(
        WATCHDOG,
        "tasks run in fifo order and yield goes to the back",
        || {
            let log = Rc::new(RefCell::new(Vec::new()));
            let log2 = log.clone();
            run(async move {
                let handles: Vec<_> = ["a", "b", "c"]
                    .into_iter()
                    .map(|name| {
                        let log = log2.clone();
                        spawn(async move {
                            log.borrow_mut().push(format!("{name}1"));
                            yield_now().await;
                            log.borrow_mut().push(format!("{name}2"));
                        })
                    })
                    .collect();
                for h in handles {
                    h.await.unwrap();
                }
            });
            assert_eq!(*log.borrow(), ["a1", "b1", "c1", "a2", "b2", "c2"]);
        },
    );
}

#[test]
fn two_wakes_before_a_poll_schedule_the_task_once() {
    watchdog::within(
        WATCHDOG,
        "two wakes before a poll schedule the task once",
        || {
            let polls = run(async {
                let polls = Rc::new(Cell::new(0));
                let polls2 = polls.clone();
                let handle = spawn(poll_fn(move |cx| {
                    polls2.set(polls2.get() + 1);
                    if polls2.get() == 1 {
                        cx.waker().wake_by_ref();
                        cx.waker().wake_by_ref();
                        // By value too, which goes through `Wake::wake` instead of `wake_by_ref`.
                        #[allow(clippy::waker_clone_wake)]
                        cx.waker().clone().wake();
                        Poll::Pending
                    } else {
                        Poll::Ready(())
                    }
                }));
                handle.await.unwrap();
                for _ in 0..3 {
                    yield_now().await;
                }
                polls.get()
            });
            assert_eq!(polls, 2);
        },
    );
}

#[test]
fn a_wake_during_the_poll_is_not_lost() {
    watchdog::within(WATCHDOG, "a wake during the poll is not lost", || {
        // The task wakes itself from inside its own poll (as yield_now does);
        // it must be polled again, not left waiting for a wake that came too early.
        let polls = run(async {
            spawn(async {
                let mut polls = 0;
                poll_fn(|cx| {
                    polls += 1;
                    if polls < 5 {
                        cx.waker().wake_by_ref();
                        Poll::Pending
                    } else {
                        Poll::Ready(())
                    }
                })
                .await;
                polls
            })
            .await
            .unwrap()
        });
        assert_eq!(polls, 5);
    });
}

#[test]
fn handle_debug_reads_like_an_asyncio_task_repr() {
    watchdog::within(
        WATCHDOG,
        "handle debug reads like an asyncio task repr",
        || {
            run(async {
                let handle = runtime::task::Builder::new().name("spin").spawn(async {
                    yield_now().await;
                });
                let id = handle.id();
                let repr = format!("{handle:?}");
                let expected_start =
                    format!("<Task pending id={id} name='spin' spawned at runtime/tests/tasks.rs:");
                assert!(repr.starts_with(&expected_start), "{repr}");
                assert!(repr.ends_with('>'));
                yield_now().await;
                yield_now().await;
                assert!(format!("{handle:?}").starts_with("<Task finished"));
                let aborted = spawn(pending_forever());
                aborted.abort();
                yield_now().await;
                assert!(format!("{aborted:?}").starts_with("<Task cancelled"));
            });
        },
    );
}

#[test]
fn task_ids_are_unique() {
    watchdog::within(WATCHDOG, "task ids are unique", || {
        run(async {
            let a = spawn(async {});
            let b = spawn(async {});
            assert_ne!(a.id(), b.id());
        });
    });
}

#[test]
fn nested_run_panics_with_a_message() {
    watchdog::within(WATCHDOG, "nested run panics with a message", || {
        let result = catch_unwind(AssertUnwindSafe(|| run(async { run(async {}) })));
        let payload = result.unwrap_err();
        let message = payload.downcast_ref::<String>().unwrap();
        assert!(
            message.contains("cannot start a runtime from within a runtime"),
            "{message}"
        );
    });
}

#[test]
fn nested_block_on_panics_and_the_runtime_still_works() {
    watchdog::within(
        WATCHDOG,
        "nested block on panics and the runtime still works",
        || {
            let rt = Runtime::new().unwrap();
            let inner = Runtime::new().unwrap();
            let result = catch_unwind(AssertUnwindSafe(|| {
                rt.block_on(async { inner.block_on(async { 1 }) })
            }));
            let payload = result.unwrap_err();
            let message = payload.downcast_ref::<String>().unwrap();
            assert!(
                message.contains("cannot start a runtime from within a runtime"),
                "{message}"
            );
            // Both loops are usable afterwards: the panic left no runtime "entered".
            assert_eq!(rt.block_on(async { 2 }), 2);
            assert_eq!(inner.block_on(async { 3 }), 3);
        },
    );
}

#[test]
fn spawn_outside_a_runtime_panics_with_a_message() {
    let payload = catch_unwind(|| drop(spawn(async {}))).unwrap_err();
    let message = payload.downcast_ref::<String>().unwrap();
    assert!(
        message.contains("runtime::spawn must be called from inside a runtime"),
        "{message}"
    );
}

#[test]
fn a_panic_in_the_main_future_propagates_out_of_block_on() {
    watchdog::within(
        WATCHDOG,
        "a panic in the main future propagates out of block on",
        || {
            let rt = Runtime::new().unwrap();
            let result = catch_unwind(AssertUnwindSafe(|| {
                rt.block_on(async { panic!("main boom") })
            }));
            assert_eq!(
                *result.unwrap_err().downcast::<&str>().unwrap(),
                "main boom"
            );
            assert_eq!(rt.block_on(async { spawn(async { 9 }).await.unwrap() }), 9);
        },
    );
}

#[test]
fn a_task_can_spawn_and_await_a_chain_of_tasks() {
    watchdog::within(
        WATCHDOG,
        "a task can spawn and await a chain of tasks",
        || {
            fn chain(n: u32) -> std::pin::Pin<Box<dyn std::future::Future<Output = u32>>> {
                Box::pin(async move {
                    if n == 0 {
                        0
                    } else {
                        spawn(chain(n - 1)).await.unwrap() + 1
                    }
                })
            }
            assert_eq!(run(chain(1_000)), 1_000);
        },
    );
}
