//! [`JoinHandle`] [asyncio.Task] and [`JoinError`] [asyncio.CancelledError and
//! a task's stored exception].
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

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};

use super::cell::JoinTarget;
use super::header::TaskId;

/// An owned permission to await a spawned task's output [asyncio.Task].
///
/// Its `Debug` output reads like asyncio's task repr:
/// `<Task pending id=2 name='spin' spawned at spinner-demo/src/main.rs:40>`.
pub struct JoinHandle<T> {
    /// The task's cell, shared with the runtime's task set.
    task: Rc<dyn JoinTarget<T>>,
}

impl<T> JoinHandle<T> {
    /// Wraps a task cell (called by `spawn`).
    pub(crate) fn new(task: Rc<dyn JoinTarget<T>>) -> JoinHandle<T> {
        JoinHandle { task }
    }

    /// Cancels the task [Task.cancel()]: the runtime drops its future before
    /// it would next be polled, and awaiting this handle then gives a
    /// `JoinError` with `is_cancelled()`. Does nothing to a finished task.
    pub fn abort(&self) {
        let header = self.task.header();
        if self.task.is_finished() {
            return;
        }
        header.abort_requested.store(true, Ordering::Relaxed);
        // Queue the task so the loop sees the request promptly, even if the
        // task was idle waiting for a socket or a timer.
        Arc::clone(header).schedule();
    }

    /// True once the task has finished, panicked or been cancelled
    /// [Task.done()].
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// The task's id, unique within the process.
    pub fn id(&self) -> TaskId {
        self.task.header().id
    }

    /// The name given with [`Builder::name`](crate::task::Builder::name)
    /// [Task.get_name()].
    pub fn name(&self) -> Option<&str> {
        self.task.header().name.as_deref()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.task.poll_join(cx)
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self.task.header(), f)
    }
}

/// Why a task produced no output: it was cancelled, or it panicked.
pub struct JoinError {
    /// The task it is about.
    id: TaskId,
    /// What happened.
    cause: Cause,
}

/// The two ways a task can fail to produce its output.
enum Cause {
    /// Aborted, or dropped at runtime shutdown [asyncio.CancelledError].
    Cancelled,
    /// The future panicked; the payload is what `panic!` was given.
    Panic(Box<dyn Any + Send + 'static>),
}

impl JoinError {
    /// A cancellation of task `id`.
    pub(crate) fn cancelled(id: TaskId) -> JoinError {
        JoinError {
            id,
            cause: Cause::Cancelled,
        }
    }

    /// A panic of task `id`, with its payload.
    pub(crate) fn panic(id: TaskId, payload: Box<dyn Any + Send + 'static>) -> JoinError {
        JoinError {
            id,
            cause: Cause::Panic(payload),
        }
    }

    /// True if the task was cancelled [asyncio.CancelledError].
    pub fn is_cancelled(&self) -> bool {
        matches!(self.cause, Cause::Cancelled)
    }

    /// True if the task panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self.cause, Cause::Panic(_))
    }

    /// The id of the task.
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// The panic payload, to re-raise it with `std::panic::resume_unwind`.
    ///
    /// # Panics
    ///
    /// If the task was cancelled rather than panicked; check
    /// [`is_panic`](Self::is_panic) first, or use
    /// [`try_into_panic`](Self::try_into_panic).
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        match self.try_into_panic() {
            Ok(payload) => payload,
            Err(err) => {
                panic!("`JoinError::into_panic` called on an error that is not a panic: {err}")
            }
        }
    }

    /// The panic payload, or the error itself if the task was cancelled.
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.cause {
            Cause::Panic(payload) => Ok(payload),
            Cause::Cancelled => Err(self),
        }
    }
}

/// The message of a panic payload, when it is a string (it nearly always is).
fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "<non-string panic payload>"
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            Cause::Cancelled => write!(f, "task {} was cancelled", self.id),
            Cause::Panic(payload) => {
                write!(
                    f,
                    "task {} panicked: {}",
                    self.id,
                    panic_message(&**payload)
                )
            }
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            Cause::Cancelled => write!(f, "JoinError::Cancelled({})", self.id),
            Cause::Panic(payload) => {
                write!(
                    f,
                    "JoinError::Panic({}, {:?})",
                    self.id,
                    panic_message(&**payload)
                )
            }
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for std::io::Error {
    fn from(err: JoinError) -> std::io::Error {
        std::io::Error::other(err.to_string())
    }
}
