//! The corners of the one-allocation task (rules in `runtime/src/task/mod.rs`): a
//! task that reaches its own `JoinHandle` while it runs (rule 4), outputs
//! and destructors that panic (rule 7), and handles and wakers that outlive
//! their runtime (rule 5). Miri runs this file (see the README), which is
//! where a broken rule would show as undefined behaviour.

mod util;

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;

use runtime::{JoinHandle, Runtime, run, spawn, yield_now};
use std::time::Duration;
use util::{DropFlag, pending_forever};

/// How long a test may wait for its tasks' wakes before the watchdog fails
/// it (a lost wake leaves the loop asleep with nothing to wake it); each
/// takes milliseconds when none is lost.
const WATCHDOG: Duration = Duration::from_secs(60);

/// A task's own handle, where the task can reach it.
type OwnHandle<T> = Rc<RefCell<Option<JoinHandle<T>>>>;

#[test]
fn a_task_can_poll_and_drop_its_own_handle_while_it_runs() {
    watchdog::within(
        WATCHDOG,
        "a task can poll and drop its own handle while it runs",
        || {
            let output_dropped = Rc::new(Cell::new(false));
            run({
                let output_dropped = output_dropped.clone();
                async move {
                    let own: OwnHandle<DropFlag> = Rc::default();
                    let handle = spawn({
                        let own = own.clone();
                        async move {
                            yield_now().await; // let the spawner store the handle
                            let mut handle =
                                own.borrow_mut().take().expect("the spawner stored it");
                            // Polling its own handle from inside its poll: the task is
                            // running, so the handle must wait, not read the stage.
                            let polled =
                                poll_fn(|cx| Poll::Ready(Pin::new(&mut handle).poll(cx))).await;
                            assert!(polled.is_pending());
                            drop(handle); // dropping it while running: interest goes
                            DropFlag(output_dropped)
                        }
                    });
                    *own.borrow_mut() = Some(handle);
                    for _ in 0..3 {
                        yield_now().await;
                    }
                    assert!(own.borrow().is_none());
                }
            });
            assert!(
                output_dropped.get(),
                "nobody wanted the output, so it was dropped at once"
            );
        },
    );
}

#[test]
fn a_future_that_owns_its_own_handle_is_dropped_cleanly() {
    watchdog::within(
        WATCHDOG,
        "a future that owns its own handle is dropped cleanly",
        || {
            let output_dropped = Rc::new(Cell::new(false));
            run({
                let output_dropped = output_dropped.clone();
                async move {
                    let own: OwnHandle<DropFlag> = Rc::default();
                    let handle = spawn({
                        let own = own.clone();
                        async move {
                            // The future keeps the only `Rc` of its own handle, so
                            // dropping the future (when it ends) drops the handle,
                            // while the task is still marked running.
                            let keep = own;
                            yield_now().await;
                            assert!(keep.borrow().is_some());
                            DropFlag(output_dropped)
                        }
                    });
                    *own.borrow_mut() = Some(handle);
                    drop(own);
                    for _ in 0..3 {
                        yield_now().await;
                    }
                }
            });
            assert!(output_dropped.get());
        },
    );
}

#[test]
fn a_task_can_abort_itself() {
    watchdog::within(WATCHDOG, "a task can abort itself", || {
        let cleaned_up = Rc::new(Cell::new(false));
        let result = run({
            let cleaned_up = cleaned_up.clone();
            async move {
                let own: OwnHandle<()> = Rc::default();
                let handle = spawn({
                    let own = own.clone();
                    async move {
                        let _guard = DropFlag(cleaned_up);
                        yield_now().await;
                        own.borrow().as_ref().expect("stored").abort();
                        pending_forever().await;
                    }
                });
                *own.borrow_mut() = Some(handle);
                yield_now().await;
                yield_now().await;
                let handle = own.borrow_mut().take().unwrap();
                handle.await
            }
        });
        assert!(result.unwrap_err().is_cancelled());
        assert!(cleaned_up.get());
    });
}

/// Panics when dropped: an output or future with a hostile destructor.
struct PanicsOnDrop;

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("a destructor that panics");
    }
}

#[test]
fn an_output_whose_destructor_panics_is_dropped_without_unwinding_the_loop() {
    watchdog::within(
        WATCHDOG,
        "an output whose destructor panics is dropped without unwinding the loop",
        || {
            let after = run(async {
                let detached = spawn(async { PanicsOnDrop });
                drop(detached); // nobody wants it: dropped as soon as the task ends
                let kept = spawn(async { PanicsOnDrop });
                yield_now().await;
                drop(kept); // dropped here, by the handle, with the output stored
                yield_now().await;
                "the loop went on"
            });
            assert_eq!(after, "the loop went on");
        },
    );
}

#[test]
fn aborting_a_future_whose_destructor_panics_reports_the_panic() {
    watchdog::within(
        WATCHDOG,
        "aborting a future whose destructor panics reports the panic",
        || {
            let result = run(async {
                let handle = spawn(async {
                    let _hostile = PanicsOnDrop;
                    pending_forever().await;
                });
                yield_now().await;
                handle.abort();
                handle.await
            });
            let err = result.unwrap_err();
            assert!(err.is_panic(), "{err}");
            assert!(err.to_string().contains("a destructor that panics"));
        },
    );
}

#[test]
fn a_handle_that_outlives_its_runtime_reports_the_cancellation() {
    watchdog::within(
        WATCHDOG,
        "a handle that outlives its runtime reports the cancellation",
        || {
            let rt = Runtime::new().unwrap();
            // In an `Option`, because an async block that returns a future is
            // usually a mistake (clippy's `async_yields_async`); here it is the
            // point: the handle leaves the runtime that made it.
            let handle = rt
                .block_on(async { Some(spawn(pending_forever())) })
                .expect("spawned");
            drop(rt);
            assert!(handle.is_finished());
            let other = Runtime::new().unwrap();
            let result = other.block_on(handle);
            assert!(result.unwrap_err().is_cancelled());
        },
    );
}

#[test]
fn polling_a_handle_after_it_gave_its_output_panics_with_a_message() {
    watchdog::within(
        WATCHDOG,
        "polling a handle after it gave its output panics with a message",
        || {
            let message = run(async {
                let mut handle = spawn(async { 1 });
                assert_eq!((&mut handle).await.unwrap(), 1);
                let again = catch_unwind(AssertUnwindSafe(|| {
                    let waker = std::task::Waker::noop();
                    let _ = Pin::new(&mut handle).poll(&mut std::task::Context::from_waker(waker));
                }));
                let payload = again.expect_err("a second poll panics");
                payload
                    .downcast_ref::<&str>()
                    .copied()
                    .unwrap_or_default()
                    .to_owned()
            });
            assert!(message.contains("polled after"), "{message}");
        },
    );
}
