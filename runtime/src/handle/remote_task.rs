//! A task spawned from another thread: the future the loop runs
//! ([`remote_task`]), the handle the other thread keeps
//! ([`RemoteJoinHandle`]), and what they share ([`Completion`]).
//!
//! ## The completion
//!
//! One `Mutex` holds the state both sides touch, and a `Condvar` lets a
//! thread block until it changes:
//!
//! ```text
//!   Pending { awaiter, task, abort } ──complete──> Done(result) ──taken──> Taken
//!     awaiter: the waker of whoever awaits the RemoteJoinHandle
//!     task:    the waker of the task, so `abort` from any thread can wake it
//! ```
//!
//! The mutex is the synchronisation: the loop writes the result before it
//! unlocks, and a `join` or poll that finds `Done` locked after, so it sees
//! the whole value. Every waker is woken after the lock is released ("wake
//! after the borrow", CONTRIBUTING.md), and stored with [`WakerSlot`],
//! which replaces it only when it would wake someone else.
//!
//! ## Cancellation
//!
//! `abort` sets the flag and wakes the task; the task's next poll sees the
//! flag, drops the future (on the runtime's thread, where it belongs) and
//! completes as cancelled. A remote task dropped before it completed (the
//! runtime shut down, or the spawn message was never run) completes as
//! cancelled when its [`Reporter`] is dropped, so a waiting `join` always
//! returns.

use std::fmt;
use std::future::{Future, poll_fn};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use crate::context;
use crate::task::JoinError;
use crate::task::id::TaskId;
use crate::timeline::hooks;
use crate::waker_slot::WakerSlot;
use ::timeline::Wait;

/// The life of a remote task's result; see the module doc.
enum State<T> {
    /// Not finished yet.
    Pending {
        /// The task awaiting the `RemoteJoinHandle`, if one does.
        awaiter: WakerSlot,
        /// The remote task's own waker, once it has been polled.
        task: WakerSlot,
        /// `abort` was called.
        abort: bool,
    },
    /// Finished, panicked or cancelled; waiting to be taken.
    Done(Result<T, JoinError>),
    /// Taken by `join` or by the awaiting poll.
    Taken,
}

/// What a remote task and its handle share.
pub(super) struct Completion<T> {
    /// The state; locked briefly by both sides, never across a wake.
    state: Mutex<State<T>>,
    /// Signalled when the state becomes `Done`, for `join`.
    done: Condvar,
    /// The task's id, chosen when it was spawned (before it reached the
    /// runtime), so a cancellation can be reported even if it never ran.
    id: TaskId,
    /// The runtime the task runs on: `join` refuses to block its thread.
    runtime_id: u64,
}

impl<T> Completion<T> {
    /// A completion for a task not finished yet.
    pub(super) fn new(id: TaskId, runtime_id: u64) -> Completion<T> {
        Completion {
            state: Mutex::new(State::Pending {
                awaiter: WakerSlot::new(),
                task: WakerSlot::new(),
                abort: false,
            }),
            done: Condvar::new(),
            id,
            runtime_id,
        }
    }

    /// Locks the state; no code panics while it is held, so no poisoning.
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records the result (the first one wins) and wakes whoever waits.
    fn complete(&self, result: Result<T, JoinError>) {
        let awaiter = {
            let mut state = self.lock();
            let State::Pending { awaiter, .. } = &mut *state else {
                return;
            };
            let waker = awaiter.take();
            *state = State::Done(result);
            waker
        };
        self.done.notify_all();
        if let Some(waker) = awaiter {
            waker.wake();
        }
    }

    /// Takes the result if it is there: `Done` becomes `Taken`.
    fn take(state: &mut State<T>) -> Option<Result<T, JoinError>> {
        match std::mem::replace(state, State::Taken) {
            State::Done(result) => Some(result),
            State::Taken => panic!("a RemoteJoinHandle's output was taken twice"),
            pending => {
                *state = pending;
                None
            }
        }
    }
}

/// The future the loop runs for a remote spawn: the user's future, then its
/// result reported to `completion`.
///
/// An `async` block, so that the user's future is pinned in place inside the
/// task's one allocation (no box of its own, no `unsafe`). Each poll first
/// checks for `abort`; when set, the future is dropped (on the runtime's
/// thread, where it belongs) before the completion says cancelled. The
/// [`Reporter`] is declared before the future, so if the block is dropped
/// unfinished (the runtime shut down) the future is dropped first too.
pub(super) fn remote_task<F: Future>(
    future: F,
    completion: Arc<Completion<F::Output>>,
) -> impl Future<Output = ()> {
    let reporter = Reporter {
        completion: Some(completion),
    };
    async move {
        let reporter = reporter;
        let result = {
            let mut future = pin!(future);
            poll_fn(|cx| reporter.poll_once(future.as_mut(), cx)).await
        };
        reporter.report(result);
    }
}

/// Reports a remote task's end to its completion exactly once: its result
/// ([`Reporter::report`]), or cancelled when dropped before that (the
/// runtime shut down, or the spawn message was never run), so a waiting
/// `join` always returns.
struct Reporter<T> {
    /// Shared with the `RemoteJoinHandle`; `None` once reported.
    completion: Option<Arc<Completion<T>>>,
}

impl<T> Reporter<T> {
    /// Polls `future` once, unless `abort` was called: then (or when it
    /// ends or panics) the result. Registers the task's waker, so that
    /// `abort` from any thread can wake it.
    fn poll_once<F: Future<Output = T>>(
        &self,
        future: Pin<&mut F>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<T, JoinError>> {
        let Some(completion) = &self.completion else {
            return Poll::Pending; // never: reported only after the last poll
        };
        let aborted = {
            let mut state = completion.lock();
            match &mut *state {
                State::Pending { task, abort, .. } => {
                    if *abort {
                        true
                    } else {
                        let old = task.register(cx.waker());
                        drop(state);
                        drop(old);
                        false
                    }
                }
                State::Done(_) | State::Taken => true,
            }
        };
        if aborted {
            return Poll::Ready(Err(JoinError::cancelled(completion.id)));
        }
        // A panic is the task's result, as for a local task; the local task
        // running this future then ends normally.
        match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(payload) => Poll::Ready(Err(JoinError::panic(completion.id, payload))),
        }
    }

    /// Reports `result`.
    fn report(mut self, result: Result<T, JoinError>) {
        if let Some(completion) = self.completion.take() {
            completion.complete(result);
        }
    }
}

impl<T> Drop for Reporter<T> {
    fn drop(&mut self) {
        if let Some(completion) = self.completion.take() {
            // Dropped before it ended. (A panic of the future's own `Drop`
            // unwinds from the task's drop, where it is caught.)
            completion.complete(Err(JoinError::cancelled(completion.id)));
        }
    }
}

/// The handle to a task spawned with [`Handle::spawn`](super::Handle::spawn)
/// [concurrent.futures.Future, as run_coroutine_threadsafe returns].
///
/// `Send` and `Sync`: await it on any runtime or executor, or block on it
/// with [`join`](Self::join) from a thread that is not the runtime's.
/// Dropping it detaches the task, which runs on.
pub struct RemoteJoinHandle<T> {
    /// Shared with the task.
    completion: Arc<Completion<T>>,
}

impl<T> RemoteJoinHandle<T> {
    /// Wraps the completion of a task just sent to its runtime.
    pub(super) fn new(completion: Arc<Completion<T>>) -> RemoteJoinHandle<T> {
        RemoteJoinHandle { completion }
    }

    /// Blocks this thread until the task ends, and returns its output
    /// [Future.result()].
    ///
    /// # Errors
    ///
    /// A [`JoinError`] if the task panicked or was cancelled (aborted, or
    /// its runtime was dropped before it finished).
    ///
    /// # Panics
    ///
    /// If called on the thread of the task's own runtime: that thread would
    /// block and never run the task. Await the handle there instead.
    #[track_caller]
    pub fn join(self) -> Result<T, JoinError> {
        let own_thread = context::try_with(|handles| handles.scheduler.runtime_id())
            .is_some_and(|id| id == self.completion.runtime_id);
        if own_thread {
            panic!(
                "RemoteJoinHandle::join called on the thread of the task's own runtime, \
                 which would block forever: `.await` the handle instead"
            );
        }
        let mut state = self.completion.lock();
        loop {
            if let Some(result) = Completion::take(&mut state) {
                return result;
            }
            state = self
                .completion
                .done
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Cancels the task from any thread [Future.cancel()]: its runtime drops
    /// the future at its next turn, and the handle then gives a `JoinError`
    /// with `is_cancelled()`. Does nothing to a task that has ended.
    pub fn abort(&self) {
        let task = {
            let mut state = self.completion.lock();
            let State::Pending { task, abort, .. } = &mut *state else {
                return;
            };
            *abort = true;
            task.take()
        };
        if let Some(waker) = task {
            waker.wake();
        }
        // Not polled yet: its first poll will see the flag.
    }

    /// True once the task has ended [Future.done()].
    pub fn is_finished(&self) -> bool {
        !matches!(*self.completion.lock(), State::Pending { .. })
    }

    /// The task's id, unique within the process.
    pub fn id(&self) -> TaskId {
        self.completion.id
    }
}

impl<T> Future for RemoteJoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.completion.lock();
        if let Some(result) = Completion::take(&mut state) {
            return Poll::Ready(result);
        }
        let State::Pending { awaiter, .. } = &mut *state else {
            unreachable!("take returned None, so the state is pending");
        };
        let old = awaiter.register(cx.waker());
        drop(state);
        drop(old);
        let task = self.completion.id.0;
        hooks::waits_on(|| Wait::Join { task });
        Poll::Pending
    }
}

impl<T> fmt::Debug for RemoteJoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteJoinHandle")
            .field("id", &self.completion.id)
            .field("finished", &self.is_finished())
            .finish()
    }
}
