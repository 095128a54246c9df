//! A task made on one thread and run on another (`Handle::spawn`) under the
//! memory model: the block crosses to the loop through the remote queue,
//! its result crosses back through the block's join part, and an abort from
//! a third thread reaches the loop through the task's wake.
//!
//! Each test is a small program that Miri runs with weak-memory emulation
//! over many seeds (see CONTRIBUTING.md):
//!
//! ```sh
//! MIRIFLAGS="-Zmiri-many-seeds=0..8" cargo +nightly miri test -p runtime --test remote_spawn_race
//! ```
//!
//! What each would show, if its protocol were broken: a future or a result
//! read before it was fully written is a data race, which Miri reports (the
//! payloads are plain heap data, no atomics); a lost abort is a deadlock
//! (the task waits forever, the loop sleeps in `epoll_wait` and the joining
//! thread is parked), which Miri reports; a task that is never freed, or a
//! future never dropped, is a leak, which Miri reports at the end of the
//! run. Natively (plain `cargo test`, where the races are rarer) each test
//! runs under a watchdog, so a lost wake fails instead of hanging.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use runtime::Runtime;

/// How long a native run may take before the watchdog calls it lost;
/// generous, since each test takes milliseconds.
const WATCHDOG: Duration = Duration::from_secs(60);

/// Tasks each spawning thread makes: a few, to keep a Miri seed short.
const TASKS: u64 = 3;

/// Runs `test` under the watchdog, with `what` naming what did not happen.
fn bounded<T: Send + 'static>(what: &'static str, test: impl FnOnce() -> T + Send + 'static) -> T {
    watchdog::within(WATCHDOG, what, test)
}

/// Runs `rt`'s loop until `thread` (which uses the runtime from outside)
/// has ended, and returns what it returned. The wait is on the blocking
/// pool, so the loop stays free to run the thread's tasks.
fn run_until<T: Send + 'static>(rt: &Runtime, thread: thread::JoinHandle<T>) -> T {
    rt.block_on(async move { runtime::spawn_blocking(move || thread.join().unwrap()).await })
        .expect("the waiting job finished")
}

#[test]
fn a_task_made_on_another_thread_is_seen_whole_by_the_loop_and_its_result_by_the_joiner() {
    let sum = bounded("the remote tasks to be joined", || {
        let rt = Runtime::new().unwrap();
        let handle = rt.handle();
        let spawner = thread::spawn(move || {
            let tasks: Vec<_> = (0..TASKS)
                .map(|i| {
                    // Plain heap data written on this thread, read by the
                    // loop when it polls the future.
                    let payload: Vec<u64> = vec![i; 4];
                    handle
                        .spawn(async move {
                            // And a result written by the loop, read by the
                            // thread that joins.
                            payload.iter().map(|x| x + 1).collect::<Vec<u64>>()
                        })
                        .expect("the runtime is alive")
                })
                .collect();
            // Joined on a third thread, so the result crosses twice.
            thread::spawn(move || {
                tasks
                    .into_iter()
                    .map(|task| task.join().unwrap().iter().sum::<u64>())
                    .sum::<u64>()
            })
            .join()
            .unwrap()
        });
        run_until(&rt, spawner)
    });
    // Each task returns 4 * (i + 1).
    assert_eq!(sum, (1..=TASKS).map(|i| 4 * i).sum::<u64>());
}

/// Sets its flag when dropped.
struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

/// A future that sets `started` on its first poll, then waits forever, and
/// sets `dropped` when it is dropped, polled or not.
fn waits_forever(
    started: Arc<AtomicBool>,
    dropped: Arc<AtomicBool>,
) -> impl Future<Output = ()> + Send {
    let guard = SetOnDrop(dropped);
    async move {
        let _guard = guard;
        started.store(true, Ordering::Release);
        std::future::pending::<()>().await;
    }
}

/// Idle tasks the abort test aborts one after the other: each abort is one
/// more chance for Miri to find the flag's store unpublished.
const ABORTED: usize = 3;

#[test]
fn an_abort_from_another_thread_reaches_an_idle_task() {
    let ends = bounded("an abort from another thread to end each task", || {
        let rt = Runtime::new().unwrap();
        let tasks: Vec<_> = (0..ABORTED)
            .map(|_| {
                let started = Arc::new(AtomicBool::new(false));
                let dropped = Arc::new(AtomicBool::new(false));
                let task = rt
                    .handle()
                    .spawn(waits_forever(started.clone(), dropped.clone()))
                    .unwrap();
                (task, started, dropped)
            })
            .collect();
        // Each task is idle when it is aborted (it has been polled once and
        // waits for nothing), so only the abort's wake brings it back to
        // see the flag.
        let aborter = thread::spawn(move || {
            tasks
                .into_iter()
                .map(|(task, started, dropped)| {
                    while !started.load(Ordering::Acquire) {
                        thread::yield_now();
                    }
                    task.abort();
                    let cancelled = task.join().unwrap_err().is_cancelled();
                    (cancelled, dropped.load(Ordering::Acquire))
                })
                .collect::<Vec<_>>()
        });
        run_until(&rt, aborter)
    });
    for (i, (cancelled, dropped)) in ends.into_iter().enumerate() {
        assert!(cancelled, "task {i}: the handle says cancelled");
        assert!(
            dropped,
            "task {i}: the future was dropped before the handle said so"
        );
    }
}

#[test]
fn an_abort_racing_the_first_poll_cancels_the_task() {
    let (cancelled, dropped) = bounded("an abort sent with the spawn to end the task", || {
        let rt = Runtime::new().unwrap();
        let handle = rt.handle();
        let dropped = Arc::new(AtomicBool::new(false));
        let aborter = thread::spawn({
            let dropped = dropped.clone();
            move || {
                let started = Arc::new(AtomicBool::new(false));
                let task = handle.spawn(waits_forever(started, dropped)).unwrap();
                // The loop is running: the task may be on its way, adopted,
                // or polled once already.
                task.abort();
                task.join()
            }
        });
        let result = run_until(&rt, aborter);
        (
            result.unwrap_err().is_cancelled(),
            dropped.load(Ordering::Acquire),
        )
    });
    assert!(cancelled, "the handle says cancelled");
    assert!(dropped, "the future was dropped");
}

#[test]
fn spawns_racing_the_runtimes_drop_either_run_or_are_cancelled_and_none_leaks() {
    let outcomes = bounded("every spawn racing the drop to be joined", || {
        let rt = Runtime::new().unwrap();
        let handle = rt.handle();
        let spawner = thread::spawn(move || {
            let mut tasks = Vec::new();
            for i in 0..TASKS {
                match handle.spawn(async move { vec![i; 2] }) {
                    Ok(task) => tasks.push(task),
                    Err(_) => break, // the runtime is gone
                }
                thread::yield_now();
            }
            tasks
                .into_iter()
                .map(|task| match task.join() {
                    Ok(v) => Some(v.len()),
                    Err(err) => {
                        assert!(err.is_cancelled(), "{err}");
                        None
                    }
                })
                .collect::<Vec<_>>()
        });
        // One turn of the loop, then the runtime goes while the other thread
        // may still be spawning.
        rt.block_on(runtime::yield_now());
        drop(rt);
        spawner.join().unwrap()
    });
    for outcome in outcomes {
        assert!(matches!(outcome, None | Some(2)), "{outcome:?}");
    }
}
