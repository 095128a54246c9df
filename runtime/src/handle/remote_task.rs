//! A task spawned from another thread: the join part its block carries
//! ([`RemoteJoin`]) and the handle the other thread keeps
//! ([`RemoteJoinHandle`]).
//!
//! ## The join part
//!
//! A remote spawn's block (`task/layout.rs`) ends with a `RemoteJoin<T>`
//! where a local task keeps its `JoinHandle`'s waker. It has two parts,
//! each with its own rule for who touches it:
//!
//! ```text
//!   abort: AtomicBool     set by RemoteJoinHandle::abort (any thread), then the task is woken;
//!                         read by the loop just before each poll (task/harness.rs)
//!   outcome: Mutex<Outcome<T>>
//!     Pending(awaiter) ──the task ends──> Done(result) ──join / poll──> Taken
//!        │                                    │
//!        └──the handle is dropped──> Detached └──the handle is dropped──> Taken
//!                 (a result that comes later is dropped at once)
//! ```
//!
//! **The outcome** is behind a `Mutex`, and the mutex is the whole
//! synchronisation: the loop writes `Done` before it unlocks, and a `join`
//! or a poll that finds `Done` locked after that, so it sees the whole
//! value. The awaiter's waker is woken after the lock is released ("wake
//! after the borrow", CONTRIBUTING.md), and stored with [`WakerSlot`],
//! which replaces it only when it would wake someone else. A blocking
//! [`join`](RemoteJoinHandle::join) is a poll with a waker that unparks the
//! joining thread.
//!
//! **The abort flag** is written and read `Relaxed`: the wake that follows
//! the store publishes it, as a wake publishes whatever its waker wrote
//! before it (rules W and C in `task/state.rs`): the loop clears the task's
//! `SCHEDULED` flag with an Acquire read-modify-write before the poll that
//! reads the abort flag, and that clear reads the abort's Release wake (or
//! the wake comes after the clear, and queues the task for another poll
//! that sees the flag). A task that has not reached its loop yet is still
//! `SCHEDULED`, and its first poll sees the flag the same way.
//! `tests/remote_spawn_race.rs` runs this under Miri's weak-memory
//! emulation.
//!
//! ## Cancellation
//!
//! An aborted task's future is dropped on the runtime's thread, where it
//! ran, before the outcome says cancelled. A task that never reached its
//! loop (the runtime was dropped first) is cancelled by whoever drops its
//! spawn message (`SpawnedTask` in `task/schedule.rs`), so a waiting `join`
//! always returns.

use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

use crate::context;
use crate::task::JoinError;
use crate::task::id::TaskId;
use crate::task::layout::{Ended, JoinPart, TaskCell};
use crate::task::raw::RawTask;
use crate::timeline::hooks;
use crate::waker_slot::WakerSlot;
use ::timeline::Wait;

/// The join part of a task spawned from another thread; see the module
/// doc. (The lifecycle byte's `JOIN_INTEREST` bit, which a local task's
/// `JoinHandle` uses, plays no part here.)
pub(crate) struct RemoteJoin<T> {
    /// `RemoteJoinHandle::abort` was called. Any thread writes it, before
    /// it wakes the task; the loop reads it before each poll. `Relaxed`:
    /// the wake publishes it (see the module doc).
    abort: AtomicBool,
    /// The task's result, from the loop to the handle. Locked briefly by
    /// both sides, never across a wake.
    outcome: Mutex<Outcome<T>>,
}

/// The life of a remote task's result; see the module doc.
enum Outcome<T> {
    /// Not ended yet; the waker of whoever awaits the handle, if one does.
    Pending(WakerSlot),
    /// Ended (finished, panicked or cancelled); waiting to be taken.
    Done(Result<T, JoinError>),
    /// Taken by `join` or the awaiting poll, or dropped with the handle.
    Taken,
    /// The handle was dropped before the task ended: its result is dropped
    /// as soon as it comes.
    Detached,
}

impl<T> RemoteJoin<T> {
    /// Locks the outcome; no code panics while it is held, so no poisoning.
    fn lock(&self) -> MutexGuard<'_, Outcome<T>> {
        self.outcome.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T: Send> JoinPart<T> for RemoteJoin<T> {
    fn new() -> RemoteJoin<T> {
        RemoteJoin {
            abort: AtomicBool::new(false),
            outcome: Mutex::new(Outcome::Pending(WakerSlot::new())),
        }
    }

    #[inline]
    fn abort_requested(&self) -> bool {
        // Relaxed: published by the wake that follows the store (module doc).
        self.abort.load(Ordering::Relaxed)
    }

    unsafe fn keep<F: Future<Output = T>>(
        cell: &TaskCell<F, RemoteJoin<T>>,
        result: Result<T, Ended>,
    ) -> Option<Waker> {
        let id = cell.header.id;
        let result = match result {
            Ok(output) => Ok(output),
            Err(Ended::Cancelled) => Err(JoinError::cancelled(id)),
            Err(Ended::Panicked(payload)) => Err(JoinError::panic(id, payload)),
        };
        let mut outcome = cell.join.lock();
        if let Outcome::Pending(awaiter) = &mut *outcome {
            let waker = awaiter.take();
            *outcome = Outcome::Done(result);
            return waker;
        }
        drop(outcome);
        // Detached: nobody will read it. (A panic payload's destructor may
        // panic; it must not unwind into the harness.)
        let _ = catch_unwind(AssertUnwindSafe(move || drop(result)));
        None
    }
}

/// The handle to a task spawned with [`Handle::spawn`](super::Handle::spawn)
/// [concurrent.futures.Future, as run_coroutine_threadsafe returns].
///
/// `Send` and `Sync`: await it on any runtime or executor, or block on it
/// with [`join`](Self::join) from a thread that is not the runtime's.
/// Dropping it detaches the task, which runs on.
///
/// Like tokio's `JoinHandle`, it points at the task itself: the result
/// waits in the task's own block, so a remote spawn is one allocation.
pub struct RemoteJoinHandle<T> {
    /// The handle's reference to the task (rule 2 of `task/mod.rs`): keeps
    /// the block, and so the join part, alive. Used on any thread for the
    /// header's atomics only (`abort`'s wake, the id).
    task: RawTask,
    /// The join part inside the task's block (the handle does not know the
    /// future's type, so it could not find it behind the header).
    join: NonNull<RemoteJoin<T>>,
}

// SAFETY: the handle touches the task only through the header's atomics and
// immutable fields (`RawTask` is `Send`, rule 3 of `task/mod.rs`) and
// through the join part, whose abort flag is atomic and whose outcome is
// behind a mutex; the output it may take or drop on its thread is `Send`.
unsafe impl<T: Send> Send for RemoteJoinHandle<T> {}
// SAFETY: every `&self` method is one of those thread-safe accesses;
// none gives out a `&T`.
unsafe impl<T: Send> Sync for RemoteJoinHandle<T> {}

impl<T> RemoteJoinHandle<T> {
    /// Wraps the handle's reference to a task just sent to its runtime, and
    /// the address of the task's join part.
    pub(super) fn new(task: RawTask, join: NonNull<RemoteJoin<T>>) -> RemoteJoinHandle<T> {
        RemoteJoinHandle { task, join }
    }

    /// The join part.
    fn join_part(&self) -> &RemoteJoin<T> {
        // SAFETY: the pointer is the block's join part (made by
        // `RawTask::new_remote`, with the block's provenance), alive while
        // `self.task` holds its reference; only shared references are made
        // to it, and its mutable parts are an atomic and a mutex.
        unsafe { self.join.as_ref() }
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
    pub fn join(mut self) -> Result<T, JoinError> {
        let runtime_id = self.task.header().remote.runtime_id;
        let own_thread = context::try_with(|handles| handles.scheduler.runtime_id())
            .is_some_and(|id| id == runtime_id);
        if own_thread {
            panic!(
                "RemoteJoinHandle::join called on the thread of the task's own runtime, \
                 which would block forever: `.await` the handle instead"
            );
        }
        let waker = Waker::from(Arc::new(Unparker(thread::current())));
        let mut cx = Context::from_waker(&waker);
        loop {
            if let Poll::Ready(result) = Pin::new(&mut self).poll(&mut cx) {
                return result;
            }
            // Returns at the unpark of the task's end (or spuriously: the
            // loop polls again).
            thread::park();
        }
    }

    /// Cancels the task from any thread [Future.cancel()]: its runtime drops
    /// the future at its next turn, and the handle then gives a `JoinError`
    /// with `is_cancelled()`. Does nothing to a task that has ended.
    pub fn abort(&self) {
        if self.is_finished() {
            return;
        }
        // Relaxed, then the wake: the wake publishes the flag to the poll
        // that reads it (rules W and C in `task/state.rs`).
        self.join_part().abort.store(true, Ordering::Relaxed);
        self.task.schedule();
    }

    /// True once the task has ended [Future.done()].
    pub fn is_finished(&self) -> bool {
        !matches!(*self.join_part().lock(), Outcome::Pending(_))
    }

    /// The task's id, unique within the process.
    pub fn id(&self) -> TaskId {
        self.task.header().id
    }
}

impl<T> Future for RemoteJoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut outcome = self.join_part().lock();
        let old = match &mut *outcome {
            Outcome::Pending(awaiter) => awaiter.register(cx.waker()),
            Outcome::Done(_) => {
                let Outcome::Done(result) = std::mem::replace(&mut *outcome, Outcome::Taken) else {
                    unreachable!("matched Done just above");
                };
                return Poll::Ready(result);
            }
            Outcome::Taken | Outcome::Detached => {
                panic!("a RemoteJoinHandle was polled after it returned its task's output")
            }
        };
        drop(outcome);
        drop(old);
        let task = self.task.header().id.0;
        hooks::record(|rec| rec.waits_on(Wait::Join { task }));
        Poll::Pending
    }
}

impl<T> Drop for RemoteJoinHandle<T> {
    fn drop(&mut self) {
        let mut outcome = self.join_part().lock();
        let left = match &mut *outcome {
            Outcome::Pending(_) => std::mem::replace(&mut *outcome, Outcome::Detached),
            Outcome::Done(_) => std::mem::replace(&mut *outcome, Outcome::Taken),
            Outcome::Taken | Outcome::Detached => return,
        };
        drop(outcome);
        // The awaiter's waker, or the result nobody took: dropped after the
        // lock, on this thread (`T: Send`).
        drop(left);
        // Then `self.task` gives up the handle's reference.
    }
}

impl<T> fmt::Debug for RemoteJoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteJoinHandle")
            .field("id", &self.id())
            .field("finished", &self.is_finished())
            .finish()
    }
}

/// The waker of a thread blocked in [`RemoteJoinHandle::join`].
struct Unparker(Thread);

impl Wake for Unparker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}
