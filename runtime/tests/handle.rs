//! `Handle`: spawning onto a runtime from other threads
//! [asyncio.run_coroutine_threadsafe], waiting from those threads, aborting,
//! and what happens when the runtime is gone. Miri runs this file too.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use runtime::{Handle, RemoteJoinHandle, Runtime, SpawnError};

/// How long a test may wait for a remote task before the watchdog fails it
/// (each takes milliseconds, or about a second for the bulk test).
const WATCHDOG: Duration = Duration::from_secs(60);

/// Tasks the other thread spawns in the bulk test.
const MANY: usize = if cfg!(miri) { 20 } else { 10_000 };

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn handles_can_cross_threads() {
    assert_send_sync::<Handle>();
    assert_send_sync::<RemoteJoinHandle<String>>();
}

#[test]
fn a_thread_spawns_many_tasks_while_the_loop_works_and_each_runs_once() {
    watchdog::within(
        WATCHDOG,
        "every remote task to be joined while the loop works",
        || {
            let rt = Runtime::new().unwrap();
            let handle = rt.handle();
            let runs: Arc<Vec<AtomicUsize>> =
                Arc::new((0..MANY).map(|_| AtomicUsize::new(0)).collect());
            let finished = Arc::new(AtomicBool::new(false));
            let spawner = thread::spawn({
                let runs = runs.clone();
                let finished = finished.clone();
                move || {
                    let tasks: Vec<_> = (0..MANY)
                        .map(|i| {
                            let runs = runs.clone();
                            handle
                                .spawn(async move {
                                    runtime::yield_now().await;
                                    runs[i].fetch_add(1, Ordering::Relaxed);
                                    i
                                })
                                .expect("the runtime is alive")
                        })
                        .collect();
                    let sum: usize = tasks.into_iter().map(|task| task.join().unwrap()).sum();
                    finished.store(true, Ordering::Release);
                    sum
                }
            });
            // The loop does other work meanwhile: a local task that keeps yielding.
            let local_turns = rt.block_on(async {
                let busy = runtime::spawn({
                    let finished = finished.clone();
                    async move {
                        let mut turns = 0u64;
                        while !finished.load(Ordering::Acquire) {
                            runtime::yield_now().await;
                            turns += 1;
                        }
                        turns
                    }
                });
                busy.await.unwrap()
            });
            assert_eq!(spawner.join().unwrap(), MANY * (MANY - 1) / 2);
            assert!(local_turns > 0, "the local task ran alongside");
            for (i, count) in runs.iter().enumerate() {
                assert_eq!(count.load(Ordering::Relaxed), 1, "task {i} ran once");
            }
            assert_eq!(rt.stats().tasks_spawned as usize, MANY + 1);
        },
    );
}

#[test]
fn a_spawn_wakes_a_parked_loop() {
    watchdog::within(
        WATCHDOG,
        "a remote spawn to wake the parked loop and be joined",
        || {
            let rt = Runtime::new().unwrap();
            let handle = rt.handle();
            let (sent_tx, sent) = mpsc::channel();
            let spawner = thread::spawn(move || {
                // Let the loop park: it has no task, no timer and no socket to wait
                // for, so only the remote queue's eventfd can wake it.
                thread::sleep(Duration::from_millis(50));
                let task = handle.spawn(async { "woken" }).unwrap();
                sent_tx.send(Instant::now()).unwrap();
                task.join().unwrap()
            });
            let started = Instant::now();
            let answer = rt.block_on(async move {
                runtime::spawn_blocking(move || spawner.join().unwrap()).await
            });
            assert_eq!(answer.unwrap(), "woken");
            let latency = sent.recv().unwrap().elapsed();
            // Generous: the point is that it does not wait for an unrelated event.
            assert!(latency < Duration::from_secs(10), "took {latency:?}");
            assert!(started.elapsed() < Duration::from_secs(30));
        },
    );
}

/// `join` on another thread blocks until the task ends: the task's end
/// wakes the joining thread's waker, which unparks it. The task ends only
/// after the joining thread has said it is about to call `join`, and a
/// pause (on the loop's thread, in a test), so `join` is waiting by then.
#[test]
fn join_on_another_thread_waits_for_a_task_that_ends_later() {
    watchdog::within(WATCHDOG, "join to return once the task ended", || {
        let rt = Runtime::new().unwrap();
        let joining = Arc::new(AtomicBool::new(false));
        let task = rt
            .handle()
            .spawn({
                let joining = joining.clone();
                async move {
                    while !joining.load(Ordering::Acquire) {
                        runtime::yield_now().await;
                    }
                    thread::sleep(Duration::from_millis(50));
                    "late"
                }
            })
            .unwrap();
        let joiner = thread::spawn(move || {
            joining.store(true, Ordering::Release);
            task.join()
        });
        let answer = rt
            .block_on(async move { runtime::spawn_blocking(move || joiner.join().unwrap()).await });
        assert_eq!(answer.unwrap().unwrap(), "late");
    });
}

#[test]
fn a_task_spawned_before_block_on_runs_when_it_does() {
    watchdog::within(
        WATCHDOG,
        "the block_on future awaiting a remote task to be woken by its completion",
        || {
            let rt = Runtime::new().unwrap();
            let handle = rt.handle();
            let task = thread::spawn(move || handle.spawn(async { 7 }).unwrap())
                .join()
                .unwrap();
            assert!(!task.is_finished());
            assert_eq!(rt.block_on(task).unwrap(), 7);
        },
    );
}

#[test]
fn after_the_runtime_is_dropped_spawn_is_an_error() {
    let rt = Runtime::new().unwrap();
    let handle = rt.handle();
    drop(rt);
    let err: SpawnError = handle.spawn(async {}).unwrap_err();
    assert!(err.to_string().contains("dropped"), "{err}");
}

#[test]
fn a_spawn_the_runtime_never_ran_is_cancelled() {
    watchdog::within(
        WATCHDOG,
        "join to return for a spawn the runtime dropped unrun",
        || {
            let rt = Runtime::new().unwrap();
            let task = rt.handle().spawn(async { 1 }).unwrap();
            drop(rt); // the request is still in the queue: dropped unrun
            let err = thread::spawn(move || task.join())
                .join()
                .unwrap()
                .unwrap_err();
            assert!(err.is_cancelled());
        },
    );
}

#[test]
fn a_task_left_waiting_when_the_runtime_drops_is_cancelled_after_its_future_is_dropped() {
    watchdog::within(
        WATCHDOG,
        "join to return for a task the runtime dropped at shutdown",
        || {
            let rt = Runtime::new().unwrap();
            let WaitingForever {
                task,
                started,
                dropped,
            } = spawn_waiting_forever(&rt);
            // Run the loop until the task has started; it then waits forever.
            rt.block_on(async {
                while !started.load(Ordering::Acquire) {
                    runtime::yield_now().await;
                }
            });
            assert!(!task.is_finished());
            assert!(!dropped.load(Ordering::Acquire));
            drop(rt);
            let err = thread::spawn(move || task.join())
                .join()
                .unwrap()
                .unwrap_err();
            assert!(err.is_cancelled());
            // The future was dropped before the handle said cancelled.
            assert!(dropped.load(Ordering::Acquire));
        },
    );
}

#[test]
fn current_is_an_error_outside_a_runtime_and_the_runtime_inside() {
    watchdog::within(
        WATCHDOG,
        "a task spawned through Handle::current to be awaited",
        || {
            let err = Handle::try_current().unwrap_err();
            assert!(err.to_string().contains("no runtime"), "{err}");
            let rt = Runtime::new().unwrap();
            let answer = rt.block_on(async {
                let handle = Handle::current();
                handle.spawn(async { 5 }).unwrap().await
            });
            assert_eq!(answer.unwrap(), 5);
        },
    );
}

#[test]
fn join_on_the_runtimes_own_thread_panics_instead_of_hanging() {
    let rt = Runtime::new().unwrap();
    let message = rt.block_on(async {
        let task = Handle::current().spawn(async {}).unwrap();
        let payload = catch_unwind(AssertUnwindSafe(|| task.join())).unwrap_err();
        payload
            .downcast_ref::<&str>()
            .copied()
            .unwrap_or_default()
            .to_owned()
    });
    assert!(message.contains("would block forever"), "{message}");
}

/// A task spawned through a handle that never finishes by itself, with the
/// flags that say it was first polled and that its future was dropped.
struct WaitingForever {
    /// The task's handle.
    task: RemoteJoinHandle<()>,
    /// Set by the task's first poll.
    started: Arc<AtomicBool>,
    /// Set when the task's future is dropped.
    dropped: Arc<AtomicBool>,
}

/// Spawns, through `rt`'s handle, a task that marks its first poll and then
/// waits forever (it does not run until something drives `rt`).
fn spawn_waiting_forever(rt: &Runtime) -> WaitingForever {
    let dropped = Arc::new(AtomicBool::new(false));
    let started = Arc::new(AtomicBool::new(false));
    let task = rt
        .handle()
        .spawn({
            let guard = DropFlag(dropped.clone());
            let started = started.clone();
            async move {
                let _guard = guard;
                started.store(true, Ordering::Release);
                std::future::pending::<()>().await;
            }
        })
        .unwrap();
    WaitingForever {
        task,
        started,
        dropped,
    }
}

/// Sets its flag when dropped; `Send`, for a future spawned from afar.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

#[test]
fn abort_from_another_thread_drops_the_future_on_the_runtime() {
    watchdog::within(
        WATCHDOG,
        "an abort from another thread to wake the task and end its join",
        || {
            let rt = Runtime::new().unwrap();
            let WaitingForever {
                task,
                started,
                dropped,
            } = spawn_waiting_forever(&rt);
            // The abort comes after the task's first poll, so only the
            // abort's wake can bring the task back to see the flag.
            let aborter = thread::spawn(move || {
                while !started.load(Ordering::Acquire) {
                    thread::yield_now();
                }
                task.abort();
                task.join()
            });
            let result = rt.block_on(async move {
                runtime::spawn_blocking(move || aborter.join().unwrap()).await
            });
            assert!(result.unwrap().unwrap_err().is_cancelled());
            assert!(dropped.load(Ordering::Acquire));
        },
    );
}

#[test]
fn a_panic_in_a_remote_task_comes_out_of_its_handle() {
    watchdog::within(
        WATCHDOG,
        "a remote task's panic to reach its awaiting handle",
        || {
            let rt = Runtime::new().unwrap();
            let task = rt
                .handle()
                .spawn(async {
                    panic!("remote trouble");
                })
                .unwrap();
            let result: Result<(), _> = rt.block_on(task);
            let err = result.unwrap_err();
            assert!(err.is_panic());
            assert!(err.to_string().contains("remote trouble"), "{err}");
            // The loop survived it.
            assert_eq!(rt.block_on(async { 1 + 1 }), 2);
        },
    );
}
