//! The runtime-thread half of a task: the future, its output, and the waker
//! of whoever awaits its `JoinHandle`.
//!
//! ## States of a cell
//!
//! ```text
//!            poll -> Ready(v)          JoinHandle takes it
//!  running ---------------------> output = Some(Ok(v)) ----------> output = None
//!     |     poll panics                     ^
//!     +-------------------------> output = Some(Err(panic))
//!     |     abort / shutdown
//!     +-------------------------> output = Some(Err(cancelled))
//! ```
//!
//! "running" means `future` is `Some`. The future is dropped the moment the
//! task leaves that state, so a finished or aborted task holds no sockets,
//! no timers and no permits, even if its `JoinHandle` lives on.
//!
//! ## Who touches what
//!
//! Everything here is on the runtime thread. `future` is borrowed mutably
//! only by [`TaskCell::poll`], which the event loop calls; `output` and
//! `join_waker` are borrowed by the loop and by the `JoinHandle`, never
//! across a call into user code. The join waker is woken after the borrows
//! are released (STYLE rule 5).
//!
//! ## Implementation
//!
//! The future sits in its own `Box` so that it can be pinned without
//! `unsafe`. tokio stores it inline in the task allocation and projects the
//! pin by hand; that saves an allocation per spawn.

use std::any::Any;
use std::cell::RefCell;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use super::error::JoinError;
use super::header::{Header, TaskState};
use super::set::Task;
use crate::waker_slot::WakerSlot;

/// What a `JoinHandle<T>` needs from the task whose output is a `T`.
pub(crate) trait JoinTarget<T> {
    /// The thread-safe half.
    fn header(&self) -> &Arc<Header>;
    /// Takes the output if there is one; otherwise stores `cx`'s waker.
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>>;
    /// True once the output is there (or was taken).
    fn is_finished(&self) -> bool;
}

/// A spawned future and everything that belongs to it on the runtime thread.
pub(crate) struct TaskCell<F: Future> {
    /// The thread-safe half; its `Arc` is also the waker.
    header: Arc<Header>,
    /// `Waker::from(header)`, made once at spawn so a poll clones nothing.
    waker: Waker,
    /// The future while the task is running; `None` once it is done.
    future: RefCell<Option<Pin<Box<F>>>>,
    /// The result, from the moment the task is done until the `JoinHandle`
    /// takes it.
    output: RefCell<Option<Result<F::Output, JoinError>>>,
    /// The waker of the task awaiting the `JoinHandle`, if one is waiting.
    join_waker: RefCell<WakerSlot>,
}

impl<F: Future> TaskCell<F> {
    /// A cell in the running state.
    pub(crate) fn new(header: Arc<Header>, future: F) -> TaskCell<F> {
        TaskCell {
            waker: Waker::from(Arc::clone(&header)),
            header,
            future: RefCell::new(Some(Box::pin(future))),
            output: RefCell::new(None),
            join_waker: RefCell::new(WakerSlot::new()),
        }
    }

    /// Stores the result, then wakes the joiner with no borrow held.
    fn complete(&self, result: Result<F::Output, JoinError>, state: TaskState) {
        self.header.set_state(state);
        *self.output.borrow_mut() = Some(result);
        let joiner = self.join_waker.borrow_mut().take();
        if let Some(waker) = joiner {
            waker.wake();
        }
    }

    /// Drops the future, catching a panic from its destructor: a task must
    /// not take down the loop, not even while it is being torn down.
    fn drop_future(&self, future: Pin<Box<F>>) -> Result<(), Box<dyn Any + Send>> {
        catch_unwind(AssertUnwindSafe(move || drop(future)))
    }
}

impl<F: Future> Task for TaskCell<F> {
    fn header(&self) -> &Arc<Header> {
        &self.header
    }

    fn poll(&self) -> bool {
        let Ok(mut slot) = self.future.try_borrow_mut() else {
            // Only reachable if a task's own future polls it recursively,
            // which the loop never does; treat as "still running".
            return false;
        };
        let Some(future) = slot.as_mut() else {
            return true;
        };
        self.header.set_state(TaskState::Running);
        let mut cx = Context::from_waker(&self.waker);
        // A panic inside `poll` is caught here and becomes the task's
        // result; the loop and the other tasks go on (asyncio likewise
        // stores the exception in the Task object).
        let polled = catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx)));
        let result = match polled {
            Ok(Poll::Pending) => {
                self.header.set_state(TaskState::Pending);
                return false;
            }
            Ok(Poll::Ready(value)) => Ok(value),
            Err(payload) => Err(JoinError::panic(self.header.id, payload)),
        };
        let future = slot.take();
        drop(slot);
        if let Some(future) = future {
            // A panic while dropping a finished future is ignored: the task
            // already has its result.
            let _ = self.drop_future(future);
        }
        self.complete(result, TaskState::Finished);
        true
    }

    fn cancel(&self) {
        let Some(future) = self.future.borrow_mut().take() else {
            return;
        };
        let result = match self.drop_future(future) {
            Ok(()) => JoinError::cancelled(self.header.id),
            Err(payload) => JoinError::panic(self.header.id, payload),
        };
        self.complete(Err(result), TaskState::Cancelled);
    }
}

impl<F: Future> JoinTarget<F::Output> for TaskCell<F> {
    fn header(&self) -> &Arc<Header> {
        &self.header
    }

    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<F::Output, JoinError>> {
        if let Some(result) = self.output.borrow_mut().take() {
            return Poll::Ready(result);
        }
        let old = self.join_waker.borrow_mut().register(cx.waker());
        drop(old); // after the borrow (`waker_slot.rs`)
        Poll::Pending
    }

    fn is_finished(&self) -> bool {
        self.future.try_borrow().is_ok_and(|f| f.is_none())
    }
}
