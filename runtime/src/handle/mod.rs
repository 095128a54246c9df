//! [`Handle`]: a way into a runtime from any thread
//! [asyncio.run_coroutine_threadsafe, loop.call_soon_threadsafe].
//!
//! A `Runtime` lives on one thread, and so do its tasks: `runtime::spawn`
//! only works from inside the loop. A program with other threads (a GUI, a
//! thread pool, a test harness) needs a way to give the loop work from
//! outside. asyncio's answer is `asyncio.run_coroutine_threadsafe(coro,
//! loop)`, which returns a `concurrent.futures.Future` whose `.result()`
//! blocks the calling thread. Ours:
//!
//! ```text
//!   other thread                                    the runtime's thread
//!   handle.spawn(fut), fut: Send
//!     makes the task, ONE block:                    the loop drains the queue,
//!     [ header | stage: fut | RemoteJoin<T> ]       adopts the task (a slot in
//!     sends its pointer ──> RemoteQueue ──eventfd──> its task set), polls it
//!     returns a RemoteJoinHandle ──┐                like any task; at the end
//!                                  │ (points at     writes the output into the
//!                                  │  the block)    stage and marks it Done in
//!   .join() blocks, or .await ─────┴──> the block's RemoteJoin<T> (a mutex)
//! ```
//!
//! ## Parts
//!
//! - this file: [`Handle`], its errors, and `spawn`;
//! - `remote_task.rs`: the join part a remote spawn's block carries
//!   (`RemoteJoin`: the abort flag, and the output's phase under a mutex)
//!   and the [`RemoteJoinHandle`] that reads it.
//!
//! The block itself is made by the task core (`RawTask::new_remote`), and
//! travels to the loop as a `SpawnedTask` (`task/remote_queue.rs`).
//!
//! ## Rules
//!
//! 1. The task is made whole on the calling thread, future included, so
//!    the future must be `Send`; only the task's pointer crosses to the
//!    loop, which then runs it as it runs any task, on its own thread,
//!    with a name-less task id chosen at the spawn.
//! 2. The spawn goes through the same remote queue as wakes from other
//!    threads (`task/schedule.rs`), so it wakes a parked loop the same way
//!    (the eventfd) and obeys the same "no message is stranded" argument;
//!    the channel's send and receive publish the block to the loop.
//! 3. A handle never panics because its runtime is gone: `spawn` returns
//!    [`SpawnError`], and a spawn that was sent but never run (the runtime
//!    was dropped first) completes its `RemoteJoinHandle` as cancelled.
//!
//! ## Allocations
//!
//! A remote spawn is one allocation: the task's block, which holds the
//! header, the user's future inline (then its output, in the same bytes)
//! and the join part. The `RemoteJoinHandle` points at that block, as
//! tokio's `JoinHandle` is its task and async-executor's `Task` is its
//! async-task. The remote queue, a crossbeam channel, adds storage of its
//! own: one block of 31 entries every 31 messages, wakes and spawns alike,
//! which smol's `Executor` (a `ConcurrentQueue` of the same shape) pays too
//! and tokio, whose injection queue links the task headers, does not. A
//! blocking [`RemoteJoinHandle::join`] allocates once more, for the waker
//! that unparks the joining thread. The figures are in benches/README.md.

mod remote_task;

use std::fmt;
use std::future::Future;
use std::panic::Location;
use std::sync::Arc;

use remote_task::RemoteJoin;
pub use remote_task::RemoteJoinHandle;

use crate::context;
use crate::task::id::TaskId;
use crate::task::remote_queue::{RemoteQueue, SpawnedTask};

/// A handle to a runtime that any thread may hold and clone
/// [the loop object asyncio.run_coroutine_threadsafe takes].
///
/// Get one from [`Runtime::handle`](crate::Runtime::handle), or with
/// [`Handle::current`] inside a task. It keeps nothing of the runtime alive
/// but the queue into it: once the runtime is dropped, [`spawn`](Self::spawn)
/// returns an error.
///
/// ```
/// use std::thread;
///
/// let rt = runtime::Runtime::new().unwrap();
/// let handle = rt.handle();
/// // Another thread spawns onto the runtime and blocks until the task is
/// // done, like `run_coroutine_threadsafe(coro, loop).result()`.
/// let worker = thread::spawn(move || handle.spawn(async { 6 * 7 }).unwrap().join());
/// // Meanwhile this thread runs the loop, waiting for the worker thread on
/// // the blocking pool so that the loop stays free to run its task.
/// let answer = rt.block_on(async move {
///     runtime::spawn_blocking(move || worker.join().unwrap()).await
/// });
/// assert_eq!(answer.unwrap().unwrap(), 42);
/// ```
#[derive(Clone)]
pub struct Handle {
    /// The runtime's way in from other threads (`task/schedule.rs`).
    remote: Arc<RemoteQueue>,
}

impl Handle {
    /// The handle of the runtime that `remote` belongs to.
    pub(crate) fn new(remote: Arc<RemoteQueue>) -> Handle {
        Handle { remote }
    }

    /// The handle of the runtime running on this thread.
    ///
    /// # Panics
    ///
    /// Outside a runtime; [`try_current`](Self::try_current) returns an
    /// error instead.
    #[track_caller]
    pub fn current() -> Handle {
        match Handle::try_current() {
            Ok(handle) => handle,
            Err(err) => panic!("Handle::current: {err}"),
        }
    }

    /// The handle of the runtime running on this thread, or an error
    /// outside one [asyncio.get_running_loop() raising RuntimeError].
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::try_with(|handles| Handle::new(handles.scheduler.remote()))
            .ok_or(TryCurrentError(()))
    }

    /// Spawns `future` onto the runtime from any thread
    /// [asyncio.run_coroutine_threadsafe(coro, loop)].
    ///
    /// The task is made on this thread and sent to the runtime's thread,
    /// which starts it at its next turn (waking the loop if it is parked).
    /// The returned
    /// [`RemoteJoinHandle`] can be awaited anywhere, or waited on with
    /// [`join`](RemoteJoinHandle::join) from a thread that is not the
    /// runtime's. Spawning before the runtime's `block_on` runs is fine: the
    /// task starts when it does.
    ///
    /// # Errors
    ///
    /// [`SpawnError`] if the runtime has been dropped.
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> Result<RemoteJoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (spawned, parts) = SpawnedTask::new::<F, RemoteJoin<F::Output>>(
            future,
            Arc::clone(&self.remote),
            TaskId::next(),
            Location::caller(),
        );
        let handle = RemoteJoinHandle::new(parts);
        // A task given back was never queued: dropping it cancels it here
        // (its future is dropped on this thread), before the handle goes.
        self.remote.spawn(spawned).map_err(|_| SpawnError(()))?;
        Ok(handle)
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("runtime", &self.remote.runtime_id)
            .finish()
    }
}

/// [`Handle::spawn`] failed: the runtime has been dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpawnError(());

impl fmt::Display for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot spawn: the runtime this handle belongs to has been dropped")
    }
}

impl std::error::Error for SpawnError {}

/// [`Handle::try_current`] was called outside a runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TryCurrentError(());

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "no runtime is running on this thread (call it from inside `runtime::run` or \
             `Runtime::block_on`, or get a handle with `Runtime::handle` and pass it along)",
        )
    }
}

impl std::error::Error for TryCurrentError {}
