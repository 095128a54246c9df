//! `runtime_hyper::Executor`: hyper's background futures become tasks on
//! the current runtime, with no `Send` bound.

use std::cell::Cell;
use std::rc::Rc;

use hyper::rt::Executor as _;

/// How long a test may wait for its loop, its peer and its wakes before
/// the watchdog fails it, naming the test (a lost wake or a peer that
/// never answers would otherwise hang the run); each takes well under a
/// second when nothing is lost.
const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(120);

#[test]
fn executes_a_future_that_is_not_send_as_a_task() {
    watchdog::within(
        WATCHDOG,
        "executes a future that is not send as a task",
        || {
            let (ran, alive_after) = runtime::run(async {
                let ran = Rc::new(Cell::new(0));
                let counter = Rc::clone(&ran);
                runtime_hyper::Executor.execute(async move {
                    runtime::yield_now().await;
                    counter.set(counter.get() + 1);
                });
                assert_eq!(ran.get(), 0, "spawned, not run inline");
                let stats = runtime::stats();
                assert_eq!((stats.tasks_spawned, stats.tasks_alive), (1, 1));
                while ran.get() == 0 {
                    runtime::yield_now().await;
                }
                (ran.get(), runtime::stats().tasks_alive)
            });
            assert_eq!((ran, alive_after), (1, 0), "ran once, to completion");
        },
    );
}

#[test]
#[should_panic(expected = "runtime::spawn must be called from inside a runtime")]
fn execute_outside_a_runtime_panics_with_a_clear_message() {
    watchdog::within(
        WATCHDOG,
        "execute outside a runtime panics with a clear message",
        || {
            runtime_hyper::Executor.execute(async {});
        },
    );
}
