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
//!   other thread                                  the runtime's thread
//!   handle.spawn(fut) ──> RemoteQueue ──eventfd──> loop drains it:
//!     fut: Send                                     spawns a local task running
//!     returns RemoteJoinHandle ─┐                   remote_task(fut, completion)
//!                               │                        │ Ready / panic / cancel
//!   .join() blocks, or .await ──┴── Completion (Mutex + Condvar) <──┘
//! ```
//!
//! ## Parts
//!
//! - this file: [`Handle`], its errors, and `spawn`;
//! - `remote_task.rs`: the future the loop runs for a remote spawn, the
//!   [`RemoteJoinHandle`] the caller keeps, and the `Completion` they share.
//!
//! ## Rules
//!
//! 1. The future crosses threads once, inside the spawn message, so it must
//!    be `Send`; from then on it runs as an ordinary local task on the
//!    runtime's thread, with a name-less task id of its own.
//! 2. The spawn goes through the same remote queue as wakes from other
//!    threads (`task/schedule.rs`), so it wakes a parked loop the same way
//!    (the eventfd) and obeys the same "no message is stranded" argument.
//! 3. A handle never panics because its runtime is gone: `spawn` returns
//!    [`SpawnError`], and a spawn that was sent but never ran (the runtime
//!    was dropped first) completes its `RemoteJoinHandle` as cancelled.
//!
//! tokio's `Handle::spawn` pushes the task itself onto the scheduler's
//! injection queue, made on the calling thread; ours sends a closure that
//! makes the task on the loop's thread, so the task layout never has to be
//! built away from its runtime. A remote spawn therefore allocates three
//! times: the `Completion` (so that another thread can `join`), the boxed
//! closure, and the task, whose one allocation holds the user's future
//! inline. tokio allocates once (its `JoinHandle` is the task) and
//! async-executor once too (an async-task); see benches/README.md.

mod remote_task;

use std::fmt;
use std::future::Future;
use std::panic::Location;
use std::sync::Arc;

pub use remote_task::RemoteJoinHandle;
use remote_task::{Completion, remote_task};

use crate::context;
use crate::task::JoinHandle;
use crate::task::id::TaskId;
use crate::task::schedule::{RemoteQueue, SpawnRequest};

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
    /// The future is sent to the runtime's thread, which starts it as a task
    /// at its next turn (waking the loop if it is parked). The returned
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
        let id = TaskId::next();
        let completion = Arc::new(Completion::new(id, self.remote.runtime_id));
        let task = remote_task(future, Arc::clone(&completion));
        let spawned_at = Location::caller();
        let request: SpawnRequest = Box::new(move |scheduler| {
            // Detached: the task's output goes through the completion, so
            // its own `JoinHandle` is dropped at once (which also tells the
            // task not to keep its `()` output).
            let handle: JoinHandle<()> =
                JoinHandle::new(scheduler.spawn(task, id, None, spawned_at));
            drop(handle);
        });
        // A request given back was never queued: dropping it drops the
        // remote task, whose reporter completes the handle as cancelled.
        self.remote.spawn(request).map_err(|_| SpawnError(()))?;
        Ok(RemoteJoinHandle::new(completion))
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
