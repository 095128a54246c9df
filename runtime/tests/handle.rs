//! `Handle`: spawning onto a runtime from other threads
//! [asyncio.run_coroutine_threadsafe], waiting from those threads, aborting,
//! and what happens when the runtime is gone. Miri runs this file too.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use runtime::{Handle, RemoteJoinHandle, Runtime, SpawnError};

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
    let rt = Runtime::new().unwrap();
    let handle = rt.handle();
    let runs: Arc<Vec<AtomicUsize>> = Arc::new((0..MANY).map(|_| AtomicUsize::new(0)).collect());
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
}

#[test]
fn a_spawn_wakes_a_parked_loop() {
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
    let answer =
        rt.block_on(async move { runtime::spawn_blocking(move || spawner.join().unwrap()).await });
    assert_eq!(answer.unwrap(), "woken");
    let latency = sent.recv().unwrap().elapsed();
    // Generous: the point is that it does not wait for an unrelated event.
    assert!(latency < Duration::from_secs(10), "took {latency:?}");
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn a_task_spawned_before_block_on_runs_when_it_does() {
    let rt = Runtime::new().unwrap();
    let handle = rt.handle();
    let task = thread::spawn(move || handle.spawn(async { 7 }).unwrap())
        .join()
        .unwrap();
    assert!(!task.is_finished());
    assert_eq!(rt.block_on(task).unwrap(), 7);
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
    let rt = Runtime::new().unwrap();
    let task = rt.handle().spawn(async { 1 }).unwrap();
    drop(rt); // the request is still in the queue: dropped unrun
    let err = thread::spawn(move || task.join())
        .join()
        .unwrap()
        .unwrap_err();
    assert!(err.is_cancelled());
}

#[test]
fn a_task_left_waiting_when_the_runtime_drops_is_cancelled_after_its_future_is_dropped() {
    let rt = Runtime::new().unwrap();
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
}

#[test]
fn current_is_an_error_outside_a_runtime_and_the_runtime_inside() {
    let err = Handle::try_current().unwrap_err();
    assert!(err.to_string().contains("no runtime"), "{err}");
    let rt = Runtime::new().unwrap();
    let answer = rt.block_on(async {
        let handle = Handle::current();
        handle.spawn(async { 5 }).unwrap().await
    });
    assert_eq!(answer.unwrap(), 5);
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

/// Sets its flag when dropped; `Send`, for a future spawned from afar.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

#[test]
fn abort_from_another_thread_drops_the_future_on_the_runtime() {
    let rt = Runtime::new().unwrap();
    let dropped = Arc::new(AtomicBool::new(false));
    let task = rt
        .handle()
        .spawn({
            let guard = DropFlag(dropped.clone());
            async move {
                let _guard = guard;
                std::future::pending::<()>().await;
            }
        })
        .unwrap();
    let aborter = thread::spawn(move || {
        task.abort();
        task.join()
    });
    let result =
        rt.block_on(async move { runtime::spawn_blocking(move || aborter.join().unwrap()).await });
    assert!(result.unwrap().unwrap_err().is_cancelled());
    assert!(dropped.load(Ordering::Acquire));
}

#[test]
fn a_panic_in_a_remote_task_comes_out_of_its_handle() {
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
}
