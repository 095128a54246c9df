//! [`spawn_blocking`] [loop.run_in_executor(None, f), asyncio.to_thread(f)]:
//! run a blocking function on a thread pool and await its result.
//!
//! The event loop has one thread; a call that blocks it (a DNS lookup, a
//! big file write, a CPU-heavy loop) stops every task. asyncio's answer is
//! its default `ThreadPoolExecutor`; ours is a small pool per runtime.
//!
//! ## Parts
//!
//! - `pool.rs`: the threads, the job queue (a crossbeam channel) and the
//!   counts that decide when to start a thread. Threads start lazily, up to
//!   a cap of `min(32, cores + 4)` (asyncio's default executor), which
//!   [`Builder::max_blocking_threads`](crate::Builder::max_blocking_threads)
//!   changes; an idle thread exits after
//!   [`IDLE_TIMEOUT`](pool::IDLE_TIMEOUT) (10 s).
//! - `slot.rs`: the `Arc<Mutex<..>>` where a job leaves its result, and the
//!   future that waits on it.
//!
//! ## One call, step by step
//!
//! 1. `spawn_blocking(f)` makes a slot, wraps `f` into a job that runs it
//!    under `catch_unwind` and stores the outcome in the slot, and submits
//!    the job to the pool.
//! 2. It spawns a small local task that awaits the slot, and returns that
//!    task's `JoinHandle`. So a blocking job is awaited, aborted and
//!    reported exactly like any task.
//! 3. A worker runs the job and fills the slot; the wake goes through the
//!    runtime's remote-wake path (crossbeam queue + eventfd), because it
//!    comes from another thread.
//! 4. The local task is polled, takes the value and finishes. If `f`
//!    panicked, the task resumes the panic with the original payload, and
//!    the task's own `catch_unwind` turns it into a [`JoinError`](crate::JoinError) with
//!    `is_panic()`, as for any task. (The panic message is printed once, by
//!    the worker thread's panic hook.)
//!
//! ## Cancellation and shutdown
//!
//! A job cannot be cancelled once it runs: nothing can stop a thread from
//! outside. `JoinHandle::abort` drops the local task, and the job goes on;
//! its result is dropped when it ends. When the runtime is dropped, jobs
//! still queued are dropped without running, running jobs run to the end
//! on their threads (their results are dropped, their wakes go nowhere), and
//! the threads then exit. The runtime does not wait for them, so a job still
//! running when `main` returns is cut off with the process. Await your
//! blocking jobs if their side effects matter. (tokio's `Runtime::drop` and
//! asyncio's `asyncio.run` both wait for running jobs instead; tokio's
//! `shutdown_background` is what we do.)
//!
//! tokio's `spawn_blocking` stores the job *as* a task (the task's future is
//! the closure), so no second, local task is needed; that saves an
//! allocation and a hop through the run queue. Here the job's result is
//! awaited by an ordinary spawned task, so the pool is built like any leaf
//! future (a queue, a waker, a slot) and needs nothing from the task core's
//! `unsafe` code: a reader can follow it without knowing the task layout.

pub(crate) mod pool;
mod slot;

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use crate::context;
use crate::task::{Builder, JoinHandle};
use crate::timeline::hooks;
use slot::{Completer, JobFailure, ResultFuture, Slot};

/// Runs `f` on the runtime's blocking thread pool and returns a handle to
/// await its result [loop.run_in_executor(None, f), asyncio.to_thread(f)].
///
/// `f` starts at once, whether or not the handle is awaited. If it panics,
/// awaiting the handle gives a [`JoinError`](crate::JoinError) with `is_panic()`. Aborting
/// the handle does not stop `f` (see the module doc).
///
/// # Panics
///
/// Outside a runtime.
///
/// # Examples
///
/// ```
/// let sum = runtime::run(async {
///     runtime::spawn_blocking(|| (1..=100u32).sum::<u32>()).await.unwrap()
/// });
/// assert_eq!(sum, 5050);
/// ```
#[track_caller]
pub fn spawn_blocking<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let slot = Slot::new();
    let completer = Completer::new(slot.clone());
    // A job of a runtime that records a timeline measures its span and its
    // phases on the pool thread, and hands them back with its result.
    let recording = hooks::on();
    let job = Box::new(move || {
        if recording {
            let job = hooks::RecordedJob::start();
            let result = catch_unwind(AssertUnwindSafe(f));
            let span = job.span();
            completer.complete(result, Some(span));
            drop(job); // after the completion's wake, which it names
        } else {
            completer.complete(catch_unwind(AssertUnwindSafe(f)), None);
        }
    });
    context::with("runtime::spawn_blocking", |handles| {
        handles.blocking.submit(job)
    });
    // The waiting task is named, so traces and warnings say what it is.
    Builder::new().name("spawn_blocking").spawn(async move {
        match (ResultFuture { slot }).await {
            Ok(value) => value,
            Err(JobFailure::Panicked(payload)) => resume_unwind(payload),
            Err(JobFailure::Lost) => panic!(
                "spawn_blocking: the job was dropped without running \
                 (the runtime is shutting down, or no worker thread could be started)"
            ),
        }
    })
}
