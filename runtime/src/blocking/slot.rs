//! Where a blocking job leaves its result, and the future that waits for it.
//!
//! ```text
//!   worker thread                          runtime thread
//!   job: catch_unwind(f) ──> Slot ──wake──> ResultFuture (inside a small task)
//!                            Mutex          polls: Running -> stores its waker
//!                                                  Done    -> takes the result
//! ```
//!
//! The slot is the one piece of state the two threads share, so it is an
//! `Arc<Mutex<..>>`. The worker stores the result, takes the waker out, lets
//! go of the lock and only then wakes ("wake after the borrow",
//! CONTRIBUTING.md). The waker is the
//! awaiting task's header, and since the worker is not the runtime thread,
//! the wake takes the remote path: the crossbeam queue plus the eventfd that
//! interrupts `epoll_wait`.
//!
//! The mutex is all the synchronisation the result needs: the worker stores
//! it before unlocking, and the poll that finds `Done` locked after, so it
//! sees the whole value. The wake needs none of its own: it sets the task's
//! `SCHEDULED` flag with Release after the unlock (rule W in
//! `task/state.rs`), and even a poll that it does not cause locks the
//! mutex anyway. `runtime/tests/wake_race.rs` runs jobs under Miri.
//!
//! A job that is dropped without running (runtime shutdown, or no thread
//! could be started) drops its [`Completer`], which marks the slot
//! [`SlotState::Lost`].

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use crate::timeline::hooks::{self, JobSpan};
use crate::waker_slot::WakerSlot;
use ::timeline::Wait;

/// What a job produced: its value, or the payload of its panic.
pub(crate) type JobResult<T> = Result<T, Box<dyn Any + Send + 'static>>;

/// The life of a slot.
enum SlotState<T> {
    /// The job has not finished; holds the waker of the task awaiting it.
    Running(WakerSlot),
    /// The job finished (or panicked); the result waits to be taken, with
    /// the job's span when the runtime records a timeline.
    Done(JobResult<T>, Option<JobSpan>),
    /// The job was dropped without running.
    Lost,
    /// The result was taken.
    Taken,
}

/// The shared result cell of one job.
pub(crate) struct Slot<T> {
    /// Locked by the worker once (to complete) and by the runtime thread at
    /// each poll; never held across a wake or a call into user code.
    state: Mutex<SlotState<T>>,
}

impl<T> Slot<T> {
    /// A slot for a job that has not run yet.
    pub(crate) fn new() -> Arc<Slot<T>> {
        Arc::new(Slot {
            state: Mutex::new(SlotState::Running(WakerSlot::new())),
        })
    }

    /// Locks the state; nothing panics under the lock, so no poisoning.
    fn lock(&self) -> MutexGuard<'_, SlotState<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves the slot out of `Running`, then wakes the awaiting task with the
    /// lock released.
    fn finish(&self, next: SlotState<T>) {
        let waker = {
            let mut state = self.lock();
            match std::mem::replace(&mut *state, next) {
                SlotState::Running(mut waker) => waker.take(),
                old => {
                    *state = old; // finished twice: keep the first outcome
                    None
                }
            }
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// The job's handle on its slot: completes it, or marks it lost when
/// dropped unused.
pub(crate) struct Completer<T> {
    /// `None` once the result was stored.
    slot: Option<Arc<Slot<T>>>,
}

impl<T> Completer<T> {
    /// The completer for `slot`.
    pub(crate) fn new(slot: Arc<Slot<T>>) -> Completer<T> {
        Completer { slot: Some(slot) }
    }

    /// Stores the job's result (and its span, if recorded) and wakes the
    /// awaiting task.
    pub(crate) fn complete(mut self, result: JobResult<T>, span: Option<JobSpan>) {
        if let Some(slot) = self.slot.take() {
            slot.finish(SlotState::Done(result, span));
        }
    }
}

impl<T> Drop for Completer<T> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            slot.finish(SlotState::Lost);
        }
    }
}

/// Why a job gave no value.
pub(crate) enum JobFailure {
    /// `f` panicked; the payload, to resume the panic on the runtime thread.
    Panicked(Box<dyn Any + Send + 'static>),
    /// The job was dropped unrun.
    Lost,
}

/// Waits on the runtime thread for a slot to be filled.
pub(crate) struct ResultFuture<T> {
    /// The slot, shared with the job's [`Completer`].
    pub(crate) slot: Arc<Slot<T>>,
}

impl<T> Future for ResultFuture<T> {
    type Output = Result<T, JobFailure>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.slot.lock();
        match std::mem::replace(&mut *state, SlotState::Taken) {
            SlotState::Running(mut waker) => {
                // Drop the replaced waker after unlocking (`waker_slot.rs`).
                let old = waker.register(cx.waker());
                *state = SlotState::Running(waker);
                drop(state);
                drop(old);
                hooks::waits_on(|| Wait::Blocking);
                Poll::Pending
            }
            SlotState::Done(result, span) => {
                drop(state);
                // On the loop's thread now: the job's span goes to the
                // timeline here.
                if let Some(span) = span {
                    span.report();
                }
                Poll::Ready(result.map_err(JobFailure::Panicked))
            }
            SlotState::Lost | SlotState::Taken => Poll::Ready(Err(JobFailure::Lost)),
        }
    }
}
