//! [`JoinError`] [asyncio.CancelledError, and a task's stored exception]:
//! why awaiting a `JoinHandle` gave no output.

use std::any::Any;
use std::fmt;

use super::id::TaskId;

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
