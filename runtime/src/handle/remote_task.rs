//! A task spawned from another thread: the join part its block carries
//! ([`RemoteJoin`]) and the handle the other thread keeps
//! ([`RemoteJoinHandle`]).
//!
//! ## The join part
//!
//! A remote spawn's block (`task/layout.rs`) ends with a `RemoteJoin<T>`
//! where a local task keeps its `JoinHandle`'s waker. It has three parts,
//! each with its own rule for who touches it:
//!
//! ```text
//!   abort: AtomicBool     set by RemoteJoinHandle::abort (any thread), then the task is woken;
//!                         read by the loop just before each poll (task/harness.rs)
//!   done: AtomicBool      set (Release) by the loop when the output is in the stage;
//!                         read (Acquire) by the handle before it takes the lock
//!   state: Mutex<{ phase, awaiter's waker }>
//!     Pending ──the task ends: output written to the stage──> Done ──join / poll──> Taken
//!        │                                                      │
//!        └──the handle is dropped──> Detached                   └──the handle is dropped──> Taken
//!             (an output that comes later is dropped at once)      (and the output with it)
//!
//!   (a poll that finds the done flag set takes the output without the lock,
//!    and leaves the phase at Done: the handle's own `output`, now None, says taken)
//! ```
//!
//! **The output** goes where a local task's goes, in the stage (the union
//! the future leaves empty when it ends), so it costs the block no room of
//! its own. The phase says whether it is there, and the mutex is the whole
//! synchronisation: the loop writes the output into the stage, then sets
//! `Done` under the lock; the handle reads the stage only after it found
//! `Done` under the same lock (and set `Taken`, so it reads it once). The
//! unlock is a release and the lock an acquire, so the handle sees the whole
//! value. After `end` the loop never touches the stage again, and the
//! lifecycle byte's stage bits stay `Empty` for a remote spawn: the phase
//! stands in for them (rules 3 and 8 of `task/mod.rs`).
//!
//! **The done flag** spares the handle the lock in the usual case, a task
//! that ended before its handle is polled: the handle's poll first loads
//! `done` with Acquire, and if it is set takes the output without locking.
//! The loop stores `true` with Release after it wrote the output (and set
//! `Done`, under the lock), so that load synchronises with the store and
//! the handle sees the whole output, as the unlock and lock would have
//! shown it. The flag is set only from `Pending`, so a set flag means the
//! output is there and nobody has taken it but this handle, whose own
//! `output` field (`None` once taken) keeps it from taking it twice; the
//! phase stays `Done` then, which no one reads again but `is_finished`.
//! A flag not yet seen set sends the handle down the locked path, which
//! stays the whole argument for a task that ends while it is awaited.
//! Miri checks the pair in `tests/remote_spawn_race.rs`: a joiner that saw
//! the flag without the Release (or loaded it without the Acquire) reads
//! the output in a data race.
//!
//! The awaiter's waker is woken after the lock is released ("wake after
//! the borrow", CONTRIBUTING.md), and stored with [`WakerSlot`], which
//! replaces it only when it would wake someone else. A blocking
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
//! spawn message (`SpawnedTask` in `task/remote_queue.rs`), so a waiting `join`
//! always returns.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

use crate::context;
use crate::task::JoinError;
use crate::task::ended::Ended;
use crate::task::id::TaskId;
use crate::task::layout::{JoinPart, OutputSlot, TaskCell};
use crate::task::raw::{RawTask, RemoteParts};
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
    /// The output is in the stage: set once, by the loop, from `Pending`
    /// to `Done`. Release after the output is written, Acquire where the
    /// handle reads it (the module doc's "done flag").
    done: AtomicBool,
    /// Where the output is in its life, and who awaits it. Locked briefly
    /// by the loop and the handle, never across a wake.
    state: Mutex<JoinState>,
    /// The output's type: the output itself is in the stage.
    _output: PhantomData<fn() -> T>,
}

/// What [`RemoteJoin`]'s mutex guards.
struct JoinState {
    /// Whether the output is in the stage, and whether anyone will take it.
    phase: Phase,
    /// The waker of whoever awaits the handle, while `Pending`.
    awaiter: WakerSlot,
}

/// The life of a remote task's output; see the module doc.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Not ended yet.
    Pending,
    /// Ended (finished, panicked or cancelled): the output is in the stage.
    Done,
    /// Taken by `join` or the awaiting poll, or dropped with the handle.
    Taken,
    /// The handle was dropped before the task ended: its output is dropped
    /// as soon as it comes, never stored.
    Detached,
}

impl<T> RemoteJoin<T> {
    /// Locks the state; no code panics while it is held, so no poisoning.
    fn lock(&self) -> MutexGuard<'_, JoinState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T: Send> JoinPart<T> for RemoteJoin<T> {
    fn new() -> RemoteJoin<T> {
        RemoteJoin {
            abort: AtomicBool::new(false),
            done: AtomicBool::new(false),
            state: Mutex::new(JoinState {
                phase: Phase::Pending,
                awaiter: WakerSlot::new(),
            }),
            _output: PhantomData,
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
        let mut state = cell.join.lock();
        if state.phase == Phase::Pending {
            // SAFETY: the stage is empty and not borrowed (the caller's
            // promise), so this overwrites nothing; the handle reads it only
            // after it finds `Done`, set below under the same lock.
            unsafe { (*cell.stage.get()).output = ManuallyDrop::new(result) };
            state.phase = Phase::Done;
            // Release: the output written above is visible to the handle
            // whose Acquire load reads this (module doc, "done flag").
            cell.join.done.store(true, Ordering::Release);
            return state.awaiter.take();
        }
        drop(state);
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
    /// The stage's room for the output, which the handle reads once, after
    /// the join part's phase said `Done`; `None` once read, so that the
    /// handle's drop knows without taking the lock.
    output: Option<NonNull<OutputSlot<T>>>,
}

// SAFETY: the handle touches the task only through the header's atomics and
// immutable fields (`RawTask` is `Send`, rule 3 of `task/mod.rs`), through
// the join part, whose abort flag is atomic and whose state is behind a
// mutex, and through the output, which it reads once, ordered by that mutex
// (module doc); the output it may take or drop on its thread is `Send`.
unsafe impl<T: Send> Send for RemoteJoinHandle<T> {}
// SAFETY: every `&self` method is one of those thread-safe accesses;
// none gives out a `&T`.
unsafe impl<T: Send> Sync for RemoteJoinHandle<T> {}

impl<T> RemoteJoinHandle<T> {
    /// Wraps what the handle needs of a task just made for its runtime.
    pub(super) fn new(parts: RemoteParts<RemoteJoin<T>, T>) -> RemoteJoinHandle<T> {
        RemoteJoinHandle {
            task: parts.task,
            join: parts.join,
            output: Some(parts.output),
        }
    }

    /// The join part.
    fn join_part(&self) -> &RemoteJoin<T> {
        // SAFETY: the pointer is the block's join part (made by
        // `RawTask::new_remote`, with the block's provenance), alive while
        // `self.task` holds its reference; only shared references are made
        // to it, and its mutable parts are an atomic and a mutex.
        unsafe { self.join.as_ref() }
    }

    /// Moves the output out of the stage, as the task's result.
    ///
    /// # Safety
    ///
    /// The output is there and visible to this thread, and nobody else will
    /// read it: the caller has just moved the phase from `Done` to `Taken`
    /// under the join part's lock, or has seen the done flag set with its
    /// Acquire load (and `self.output` is still `Some`, so this handle has
    /// not taken it).
    unsafe fn take_output(&mut self) -> Result<T, JoinError> {
        let output = self
            .output
            .take()
            .expect("the phase was Done, so the output was never taken");
        // SAFETY: the caller's promise; the pointer is the block's stage
        // (made by `RawTask::new_remote`), alive while `self.task` holds its
        // reference, and the loop no longer touches the stage.
        let ended = unsafe { ManuallyDrop::take(&mut *output.as_ptr()) };
        let id = self.task.header().id;
        match ended {
            Ok(output) => Ok(output),
            Err(ended) => Err(ended.into_join_error(id)),
        }
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
        // Acquire, as the poll's load: a caller who saw `true` sees what
        // the task wrote before it ended. The flag is set exactly when the
        // phase leaves `Pending` for `Done`; a handle that exists never
        // saw `Detached`.
        self.join_part().done.load(Ordering::Acquire)
    }

    /// The task's id, unique within the process.
    pub fn id(&self) -> TaskId {
        self.task.header().id
    }
}

impl<T> Future for RemoteJoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.output.is_none() {
            panic!("a RemoteJoinHandle was polled after it returned its task's output")
        }
        // Acquire: synchronises with the loop's Release store of the flag,
        // made after it wrote the output (module doc, "done flag").
        if this.join_part().done.load(Ordering::Acquire) {
            // SAFETY: the flag is set, read with Acquire, and `output` is
            // still `Some`: the output is there, visible, and untaken.
            return Poll::Ready(unsafe { this.take_output() });
        }
        let mut state = this.join_part().lock();
        match state.phase {
            Phase::Pending => {}
            Phase::Done => {
                state.phase = Phase::Taken;
                drop(state);
                // SAFETY: the phase went from `Done` to `Taken` just now,
                // under the lock.
                return Poll::Ready(unsafe { this.take_output() });
            }
            Phase::Taken | Phase::Detached => {
                unreachable!("a handle whose output is untaken finds the phase Pending or Done")
            }
        }
        let old = state.awaiter.register(cx.waker());
        drop(state);
        drop(old);
        let task = this.task.header().id.0;
        hooks::waits_on(|| Wait::Join { task });
        Poll::Pending
    }
}

impl<T> Drop for RemoteJoinHandle<T> {
    fn drop(&mut self) {
        if self.output.is_none() {
            // The usual end: `join` or the awaiting poll took the output,
            // and the phase is `Taken` for good. No lock needed.
            return;
        }
        let mut state = self.join_part().lock();
        match state.phase {
            Phase::Taken | Phase::Detached => {}
            Phase::Pending => {
                state.phase = Phase::Detached;
                let awaiter = state.awaiter.take();
                drop(state);
                drop(awaiter); // after the lock
            }
            Phase::Done => {
                state.phase = Phase::Taken;
                drop(state);
                // Nobody took the output: dropped here, on this thread (`T:
                // Send`).
                // SAFETY: the phase went from `Done` to `Taken` just now,
                // under the lock.
                drop(unsafe { self.take_output() });
            }
        }
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
