//! The part of a task that other threads may see: its [`Header`], which is
//! also its waker.
//!
//! A `std::task::Waker` must be `Send + Sync`: a waker may be cloned into a
//! thread (the blocking pool, a timer thread of some other library) and woken
//! from there. The future itself is not `Send` (this runtime has one thread),
//! so it cannot live behind the waker. The task is therefore cut in two:
//!
//! ```text
//!   Arc<Header>  (Send + Sync)              Rc<TaskCell<F>>  (runtime thread only)
//!   +-----------------------------+         +---------------------------------+
//!   | id, name, spawn location    |<--------| header                          |
//!   | slot in the task set        |         | the future, boxed               |
//!   | scheduled: AtomicBool       |         | the output, once finished       |
//!   | state:     AtomicU8         |         | the JoinHandle's waker          |
//!   | remote: Arc<RemoteQueue>    |         +---------------------------------+
//!   +-----------------------------+
//!        ^  Waker = Arc<Header> through std::task::Wake, no unsafe code
//! ```
//!
//! ## Waking (the only thing a waker does)
//!
//! 1. `scheduled.swap(true)`: if it was already true the task is queued, and
//!    this wake is absorbed. Two wakes before the task runs schedule it once.
//! 2. The event loop clears `scheduled` *before* it polls the task. A wake
//!    that arrives during the poll therefore queues the task again: no wake
//!    is ever lost.
//! 3. If the waking thread is the runtime's own thread (its current runtime
//!    has the same id), the header is pushed on the local run queue: a
//!    `RefCell<VecDeque>`, no lock, no atomic beyond step 1.
//! 4. Otherwise it is sent through the runtime's [`RemoteQueue`]: a
//!    crossbeam channel plus a `mio::Waker` that interrupts `epoll_wait`.
//!
//! Steps 1, 3 and 4 are written in `schedule.rs`, next to the queues.
//!
//! ## Memory ordering: a wake happens before the poll it causes
//!
//! A waker on another thread usually writes something first (a counter, a
//! channel slot, a "done" flag) and then wakes; the task's next poll must
//! see that write. Steps 1 and 2 are what order the two, and three rules
//! make them do it:
//!
//! - **W (wake).** Every wake is `scheduled.swap(true, Release)`. The
//!   Release publishes everything the waker wrote before it. Acquire is not
//!   needed: a waker that reads `false` only pushes the header onto a queue,
//!   which synchronises by itself (a `RefCell` on one thread, or the
//!   crossbeam channel), and one that reads `true` does nothing at all.
//! - **C (clear).** The loop clears the flag with `scheduled.swap(false,
//!   Acquire)`, a read-modify-write. An RMW always reads the newest value of
//!   the flag, so if a waker's `true` came first, the clear reads it and
//!   its Acquire *synchronises with* that waker's Release: the poll that
//!   follows sees the waker's writes. If the waker's swap came after the
//!   clear, the waker reads `false` and queues the task again (step 2).
//!   Either way the poll that answers the wake sees what the waker wrote.
//! - **R (no shortcut).** `wake_by_ref` does the same swap as `wake`; it
//!   never skips on a plain `load` that says `true`. A load may read a `true`
//!   that the loop has already cleared (the clear just is not visible to this
//!   thread yet), and a wake skipped on it is lost.
//!
//! Every write to `scheduled` after `Header::new` is a swap, so a second
//! waker's `true` written over a first one's continues the first one's
//! *release sequence*: the loop's next clear synchronises with both. A plain
//! `store` anywhere would break that chain; do not add one.
//!
//! The tempting version is cheaper and wrong: clear with `store(false,
//! Release)` and let `wake_by_ref` return early when `load(Acquire)` says
//! `true`. A store reads nothing, so it synchronises with nothing: the waker
//! can see the old `true` and skip, while the poll reads stale data
//! (store-to-load reordering, which even x86 allows). This runtime shipped
//! that version once; Miri's weak-memory emulation caught it, with
//! `runtime/tests/wake_race.rs` deadlocking in about half of 64 seeds. With
//! rules C and R it deadlocks in none.
//!
//! tokio keeps the same flag as the `NOTIFIED` bit of its task state word.
//! `transition_to_running` clears it with a compare-exchange (AcqRel, the
//! Acquire half being the one that matters here), and
//! `transition_to_notified_by_ref` writes the state back with Release even
//! when `NOTIFIED` is already set, "to pair with the Acquire in
//! transition_to_running": rules C and R. tokio uses AcqRel for every
//! transition because its state word also carries the reference count and
//! the `RUNNING`/`COMPLETE` bits, which other threads act on; our flag
//! carries nothing else, so each side needs only its half.
//!
//! tokio does the same split (a `Header` with an atomic state word, the
//! future in a `Core` next to it) but in one allocation, reached through a
//! hand-written raw waker vtable; we use `std::task::Wake` on an `Arc`, which
//! costs an extra allocation per task and needs no `unsafe`.

use std::panic::Location;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::task::Wake;

use super::id::TaskId;
use super::schedule::RemoteQueue;

/// The lifecycle states a task shows in its `Debug` output, as asyncio's
/// task repr does (`<Task pending ...>`, `<Task finished ...>`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum TaskState {
    /// Waiting to be polled, or waiting for a wake.
    Pending = 0,
    /// Being polled right now.
    Running = 1,
    /// Returned `Ready`, or panicked.
    Finished = 2,
    /// Aborted, or dropped by the runtime at shutdown, before it finished.
    Cancelled = 3,
}

impl TaskState {
    /// The word asyncio's repr uses for this state.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TaskState::Pending => "pending",
            TaskState::Running => "running",
            TaskState::Finished => "finished",
            TaskState::Cancelled => "cancelled",
        }
    }
}

/// The slot value of the `block_on` future, which is not in the task set.
pub(crate) const MAIN_SLOT: usize = usize::MAX;

/// The thread-safe half of a task. See the module doc for the picture.
pub(crate) struct Header {
    /// The task's id; shown as `id=` in its repr.
    pub(crate) id: TaskId,
    /// The index of the task in its runtime's task set, or [`MAIN_SLOT`] for
    /// the future given to `block_on`. Fixed at spawn; read by the loop only.
    pub(crate) slot: usize,
    /// The name given with `task::Builder::name`, if any.
    pub(crate) name: Option<Box<str>>,
    /// Where `spawn` was called, captured by `#[track_caller]`.
    pub(crate) spawned_at: &'static Location<'static>,
    /// True from the moment the task is queued until the loop starts to poll
    /// it. Any thread may set it (waking, rule W); only the loop clears it
    /// (rule C). Only ever written by swaps (see the module doc).
    pub(crate) scheduled: AtomicBool,
    /// A [`TaskState`] as `u8`, written by the loop, read by `Debug` on the
    /// runtime thread (`Relaxed`: it publishes nothing).
    state: AtomicU8,
    /// True once `JoinHandle::abort` was called; the loop then drops the
    /// future instead of polling it. Written and read on the runtime thread
    /// only (a `JoinHandle` is `!Send`), so `Relaxed` is enough: it is
    /// atomic only because the header is shared with other threads, which
    /// never touch this field.
    abort_requested: AtomicBool,
    /// The way back into the owning runtime's run queue from any thread.
    pub(crate) remote: Arc<RemoteQueue>,
}

impl Header {
    /// A header for a new task that is not yet scheduled.
    pub(crate) fn new(
        slot: usize,
        name: Option<Box<str>>,
        spawned_at: &'static Location<'static>,
        remote: Arc<RemoteQueue>,
    ) -> Header {
        Header {
            id: TaskId::next(),
            slot,
            name,
            spawned_at,
            scheduled: AtomicBool::new(false),
            state: AtomicU8::new(TaskState::Pending as u8),
            abort_requested: AtomicBool::new(false),
            remote,
        }
    }

    /// The current lifecycle state.
    pub(crate) fn state(&self) -> TaskState {
        match self.state.load(Ordering::Relaxed) {
            0 => TaskState::Pending,
            1 => TaskState::Running,
            2 => TaskState::Finished,
            _ => TaskState::Cancelled,
        }
    }

    /// Records a lifecycle transition (runtime thread only).
    pub(crate) fn set_state(&self, state: TaskState) {
        self.state.store(state as u8, Ordering::Relaxed);
    }

    /// How traces and warnings name the task: `task 3 'spin'`, `task 4`,
    /// or `task 1 'block_on'` for the future given to `block_on`.
    pub(crate) fn describe(&self) -> String {
        match (&self.name, self.slot) {
            (_, MAIN_SLOT) => format!("task {} 'block_on'", self.id),
            (Some(name), _) => format!("task {} '{name}'", self.id),
            (None, _) => format!("task {}", self.id),
        }
    }

    /// Asks the loop to drop the future instead of polling it again
    /// (`JoinHandle::abort`, on the runtime thread).
    pub(crate) fn request_abort(&self) {
        self.abort_requested.store(true, Ordering::Relaxed);
    }

    /// True once [`request_abort`](Self::request_abort) was called.
    pub(crate) fn abort_requested(&self) -> bool {
        self.abort_requested.load(Ordering::Relaxed)
    }

    /// Rule C: clears `scheduled` just before the loop polls the task, and
    /// returns what it was. Runtime thread only.
    pub(crate) fn clear_scheduled(&self) -> bool {
        // Acquire synchronises with the Release of every wake whose `true`
        // this swap overwrites, so the poll sees what those wakers wrote.
        self.scheduled.swap(false, Ordering::Acquire)
    }
}

impl Wake for Header {
    fn wake(self: Arc<Self>) {
        self.schedule();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Rule R: the same swap as `wake`, never a shortcut on a load. The
        // `Arc` is cloned only when the task really has to be queued.
        if !self.scheduled.swap(true, Ordering::Release) {
            Arc::clone(self).push();
        }
    }
}

impl std::fmt::Debug for Header {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<Task {} id={}", self.state().as_str(), self.id)?;
        if let Some(name) = &self.name {
            write!(f, " name='{name}'")?;
        }
        write!(
            f,
            " spawned at {}:{}>",
            self.spawned_at.file(),
            self.spawned_at.line()
        )
    }
}
