//! [`JoinHandle`] [asyncio.Task]: an owned permission to await a task.
//!
//! `spawn` returns a `JoinHandle<T>`. Awaiting it gives `Ok(T)` when the task
//! finished, or a `JoinError` that says whether it was cancelled or panicked.
//! That is asyncio's `await task`, which returns the result, raises
//! `CancelledError` for a cancelled task, or re-raises the task's exception.
//!
//! ## Cancellation is a drop
//!
//! In asyncio, `task.cancel()` throws `CancelledError` into the coroutine at
//! its current `await`, and `finally:` blocks run as it unwinds. In Rust a
//! future is cancelled by dropping it: [`JoinHandle::abort`] asks the loop to
//! drop the task's future, and every `Drop` inside it runs, in the same
//! places where `finally:` blocks would. The difference: a coroutine can
//! catch `CancelledError` and refuse; a dropped future cannot.
//!
//! Dropping a `JoinHandle` detaches the task: it keeps running, as an
//! asyncio task does when nobody holds a reference to it (asyncio's docs
//! warn that such a task may be garbage-collected; here it may not).

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::error::JoinError;
use super::id::TaskId;
use super::raw::RawTask;

/// An owned permission to await a spawned task's output [asyncio.Task].
///
/// Its `Debug` output reads like asyncio's task repr:
/// `<Task pending id=2 name='spin' spawned at spinner-demo/src/main.rs:40>`.
pub struct JoinHandle<T> {
    /// A reference to the task, which keeps its output alive until taken.
    task: RawTask,
    /// The output type, and `!Send`: the handle reads the task's output,
    /// which only the runtime's thread may touch (rule 3 in `task/mod.rs`).
    _output: PhantomData<(T, *const ())>,
}

impl<T> JoinHandle<T> {
    /// Wraps the reference that `spawn` made for the handle.
    pub(crate) fn new(task: RawTask) -> JoinHandle<T> {
        JoinHandle {
            task,
            _output: PhantomData,
        }
    }

    /// Cancels the task [Task.cancel()]: the runtime drops its future before
    /// it would next be polled, and awaiting this handle then gives a
    /// `JoinError` with `is_cancelled()`. Does nothing to a finished task.
    pub fn abort(&self) {
        let lifecycle = &self.task.header().lifecycle;
        if lifecycle.is_done() {
            return;
        }
        lifecycle.request_abort();
        // Queue the task so the loop sees the request promptly, even if the
        // task was idle waiting for a socket or a timer.
        self.task.schedule();
    }

    /// True once the task has finished, panicked or been cancelled
    /// [Task.done()].
    pub fn is_finished(&self) -> bool {
        self.task.header().lifecycle.is_done()
    }

    /// The task's id, unique within the process.
    pub fn id(&self) -> TaskId {
        self.task.header().id
    }

    /// The name given with [`Builder::name`](crate::task::Builder::name)
    /// [Task.get_name()].
    pub fn name(&self) -> Option<&str> {
        self.task.header().name()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: a `JoinHandle` is `!Send`, made by `spawn` on the
        // runtime's thread, so this is that thread; and `T` is the output
        // type of the future spawned with it.
        unsafe { self.task.poll_join(cx) }
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        // SAFETY: the runtime's thread, as in `poll`.
        unsafe { self.task.drop_join_handle() };
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.task.header(), f)
    }
}
