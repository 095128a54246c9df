//! The part of a task that other threads may see: its [`Header`], which is
//! also its waker.
//!
//! A `std::task::Waker` must be `Send + Sync`: a waker may be cloned into a
//! thread (the blocking pool, a timer thread of some other library) and woken
//! from there. The future itself is not `Send` (this runtime has one thread),
//! so other threads must never touch it. A task therefore has two parts, in
//! one allocation (`raw.rs`):
//!
//! ```text
//!   one allocation, reached through a NonNull<Header>
//!   +--------------------------------------+
//!   | Header   (Send + Sync: any thread)   |  <- a Waker's data pointer
//!   |   state: AtomicUsize                 |     refcount + SCHEDULED
//!   |   id, name, spawn location, slot     |
//!   |   remote: Arc<RemoteQueue>           |     the way back to the loop
//!   |   vtable: the future type's fns      |
//!   |   flags: AtomicU8                    |     runtime thread only
//!   +--------------------------------------+
//!   | the loop's part (runtime thread only)|
//!   |   stage: the future, then its output |
//!   |   the JoinHandle's waker             |
//!   +--------------------------------------+
//! ```
//!
//! A waker on another thread touches only the header's `state` and
//! `remote`; the future and its output are touched only on the runtime's
//! thread (the rules are in `raw.rs`).
//!
//! ## The state word
//!
//! `state` holds the reference count in its upper bits and the `SCHEDULED`
//! flag in bit 0, so a wake can set the flag and take a reference for the
//! queue in one atomic step. References are held by: the runtime's task set
//! (while the task runs), its `JoinHandle`, every `Waker`, and every queue
//! entry (run queue or remote queue). The last one to go frees the memory.
//! Counting follows `std::sync::Arc`: increments are `Relaxed` (a new
//! reference is made from an existing one, so nothing can be freed
//! meanwhile), decrements are `Release`, and the one that reaches zero
//! issues an `Acquire` fence before freeing, so every other holder's last
//! use happens before the free.
//!
//! ## Waking (the only thing a waker does)
//!
//! 1. Set `SCHEDULED`: if it was already set the task is queued, and this
//!    wake is absorbed. Two wakes before the task runs schedule it once.
//! 2. The event loop clears `SCHEDULED` *before* it polls the task. A wake
//!    that arrives during the poll therefore queues the task again: no wake
//!    is ever lost.
//! 3. If the waking thread is the runtime's own thread (its current runtime
//!    has the same id), the task is pushed on the local run queue: a
//!    `RefCell<VecDeque>`, no lock, no atomic beyond step 1.
//! 4. Otherwise it is sent through the runtime's [`RemoteQueue`]: a
//!    crossbeam channel plus a `mio::Waker` that interrupts `epoll_wait`.
//!
//! Steps 3 and 4 are written in `schedule.rs`, next to the queues.
//!
//! ## Memory ordering: a wake happens before the poll it causes
//!
//! A waker on another thread usually writes something first (a counter, a
//! channel slot, a "done" flag) and then wakes; the task's next poll must
//! see that write. Steps 1 and 2 are what order the two, and three rules
//! make them do it:
//!
//! - **W (wake).** Every wake sets `SCHEDULED` with a read-modify-write
//!   that is `Release`. The Release publishes everything the waker wrote
//!   before it. Acquire is not needed: a waker that finds the flag clear
//!   only pushes the task onto a queue, which synchronises by itself (a
//!   `RefCell` on one thread, or the crossbeam channel), and one that finds
//!   it set does nothing more.
//! - **C (clear).** The loop clears the flag with `fetch_and(!SCHEDULED,
//!   Acquire)`, a read-modify-write. An RMW always reads the newest value of
//!   the word, so if a waker's set came first, the clear reads it and its
//!   Acquire *synchronises with* that waker's Release: the poll that follows
//!   sees the waker's writes. If the waker's set came after the clear, the
//!   waker finds the flag clear and queues the task again (step 2). Either
//!   way the poll that answers the wake sees what the waker wrote.
//! - **R (no shortcut).** `wake_by_ref` finding the flag already set still
//!   writes the word back (a compare-exchange of the same value) with
//!   Release; it never skips on a plain `load`. A load may read a set flag
//!   that the loop has already cleared (the clear just is not visible to this
//!   thread yet), and a wake skipped on it is lost. (No test catches that
//!   skip on its own yet: Miri's schedules in `tests/wake_race.rs` have not
//!   produced the stale read. This argument is what keeps rule R.)
//!
//! Every write to `state` after the task is made is a read-modify-write (the
//! reference counting too), so a second waker's write continues the first
//! one's *release sequence*: the loop's next clear synchronises with both. A
//! plain `store` anywhere would break that chain; do not add one.
//!
//! The tempting version is cheaper and wrong: clear with a plain
//! `store(Release)` and let `wake_by_ref` return early when `load(Acquire)`
//! says "scheduled". A store reads nothing, so it synchronises with
//! nothing: the waker can see the old flag and skip, while the poll reads
//! stale data (store-to-load reordering, which even x86 allows). This
//! runtime shipped that version once; Miri's weak-memory emulation caught
//! it, with `runtime/tests/wake_race.rs` deadlocking in about half of 64
//! seeds. With rules C and R it deadlocks in none.
//!
//! tokio keeps the same flag as the `NOTIFIED` bit of its task state word,
//! also beside the reference count. `transition_to_running` clears it with a
//! compare-exchange (AcqRel, the Acquire half being the one that matters
//! here), and `transition_to_notified_by_ref` writes the state back with
//! Release even when `NOTIFIED` is already set, "to pair with the Acquire in
//! transition_to_running": rules C and R. tokio uses AcqRel for every
//! transition because its word also carries the `RUNNING` and `COMPLETE`
//! bits, which its other threads act on; here those live in `flags`, which
//! only the runtime's thread touches, so each side needs only its half.

use std::panic::Location;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering, fence};

use super::id::TaskId;
use super::raw::Vtable;
use super::schedule::RemoteQueue;

/// Bit 0 of `state`: the task is in a queue, or about to be pushed on one.
const SCHEDULED: usize = 1;
/// One reference, in the upper bits of `state`.
const REF_ONE: usize = 2;

/// `flags` bit: the future is being polled or dropped right now, so its
/// stage must not be touched (a task may hold its own `JoinHandle`).
const RUNNING: u8 = 1;
/// `flags` bit: the future returned `Ready`, or panicked.
const FINISHED: u8 = 2;
/// `flags` bit: the future was dropped before it finished (abort, shutdown).
const CANCELLED: u8 = 4;
/// `flags` bit: `JoinHandle::abort` was called.
const ABORT_REQUESTED: u8 = 8;
/// `flags` bit: the `JoinHandle` is alive, so the output must be kept.
const JOIN_INTEREST: u8 = 16;
/// `flags` bit: the stage holds the future (`raw.rs`, rule 8).
const STAGE_FUTURE: u8 = 32;
/// `flags` bit: the stage holds the output (`raw.rs`, rule 8).
const STAGE_OUTPUT: u8 = 64;

/// What a task's stage holds, as recorded in its flags (`raw.rs`, rule 8).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum StageKind {
    /// The future, not yet finished.
    Future,
    /// The output (or why there is none), waiting for the `JoinHandle`.
    Output,
    /// Nothing: taken, never kept, or a `block_on` future's block.
    Empty,
}

/// A task's name behind one thin pointer: 8 bytes in every header, where an
/// `Option<Box<str>>` would take 16, since most tasks have no name. A named
/// task pays one more small allocation.
pub(crate) struct TaskName(pub(crate) Box<str>);

/// The lifecycle states a task shows in its `Debug` output, as asyncio's
/// task repr does (`<Task pending ...>`, `<Task finished ...>`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum TaskState {
    /// Waiting to be polled, or waiting for a wake.
    Pending,
    /// Being polled right now.
    Running,
    /// Returned `Ready`, or panicked.
    Finished,
    /// Aborted, or dropped by the runtime at shutdown, before it finished.
    Cancelled,
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
pub(crate) const MAIN_SLOT: u32 = u32::MAX;

/// The thread-safe part of a task. See the module doc for the picture.
pub(crate) struct Header {
    /// Reference count (upper bits) and `SCHEDULED` (bit 0). Any thread;
    /// only ever changed by read-modify-writes (see the module doc).
    state: AtomicUsize,
    /// The functions that know the future's type (`raw.rs`). Fixed.
    pub(crate) vtable: &'static Vtable,
    /// The way back into the owning runtime's run queue from any thread.
    pub(crate) remote: Arc<RemoteQueue>,
    /// The task's id; shown as `id=` in its repr.
    pub(crate) id: TaskId,
    /// Where `spawn` was called, captured by `#[track_caller]`.
    pub(crate) spawned_at: &'static Location<'static>,
    /// The name given with `task::Builder::name`, if any.
    pub(crate) name: Option<Box<TaskName>>,
    /// The index of the task in its runtime's task set, or [`MAIN_SLOT`] for
    /// the future given to `block_on`. Fixed at spawn.
    pub(crate) slot: u32,
    /// `RUNNING`, `FINISHED`, `CANCELLED`, `ABORT_REQUESTED`,
    /// `JOIN_INTEREST`, and what the stage holds (`STAGE_FUTURE`,
    /// `STAGE_OUTPUT`). Read and written on the runtime's thread only (by the
    /// loop and the `!Send` `JoinHandle`), so `Relaxed` is enough; it is
    /// atomic only because the header is shared with other threads, which
    /// never touch it.
    flags: AtomicU8,
}

impl Header {
    /// A header for a new task: `refs` references, already `SCHEDULED` (its
    /// first queue entry is one of the references), with a `JoinHandle` and
    /// its future in the stage.
    pub(crate) fn new(
        refs: usize,
        vtable: &'static Vtable,
        remote: Arc<RemoteQueue>,
        id: TaskId,
        slot: u32,
        name: Option<Box<str>>,
        spawned_at: &'static Location<'static>,
    ) -> Header {
        Header {
            state: AtomicUsize::new((refs * REF_ONE) | SCHEDULED),
            vtable,
            remote,
            id,
            spawned_at,
            name: name.map(|name| Box::new(TaskName(name))),
            slot,
            flags: AtomicU8::new(JOIN_INTEREST | STAGE_FUTURE),
        }
    }

    // ----- the reference count (any thread) -----

    /// Counts one more reference (a waker clone, a queue entry).
    pub(crate) fn ref_inc(&self) {
        // Relaxed: the caller already holds a reference, so the task cannot
        // be freed meanwhile, and the count publishes nothing (as `Arc`).
        let old = self.state.fetch_add(REF_ONE, Ordering::Relaxed);
        // A count this high can only come from leaked wakers; stop before it
        // wraps into the flag bits (as `Arc` aborts on overflow).
        if old > usize::MAX / 2 {
            std::process::abort();
        }
    }

    /// Gives up one reference. Returns true if it was the last one: the
    /// caller must then free the task.
    pub(crate) fn ref_dec(&self) -> bool {
        // Release: this holder's uses of the task happen before the free.
        let old = self.state.fetch_sub(REF_ONE, Ordering::Release);
        if old & !SCHEDULED != REF_ONE {
            return false;
        }
        // Acquire: synchronises with every other holder's Release above.
        fence(Ordering::Acquire);
        true
    }

    // ----- scheduling (any thread): rules W, C and R -----

    /// Rule W for a waker given up by value: sets `SCHEDULED`. Returns true
    /// if the task must be pushed on a queue, in which case the waker's
    /// reference becomes the queue entry's; otherwise that reference has
    /// been given up here (never the last one: the queue holds another).
    pub(crate) fn schedule_by_val(&self) -> bool {
        self.set_scheduled(|current| {
            if current & SCHEDULED == 0 {
                (current | SCHEDULED, true)
            } else {
                (current - REF_ONE, false)
            }
        })
    }

    /// Rules W and R for a waker kept by the caller: sets `SCHEDULED`, or
    /// writes the word back unchanged if it is set. Returns true if the task
    /// must be pushed on a queue, with a new reference taken for the entry.
    pub(crate) fn schedule_by_ref(&self) -> bool {
        self.set_scheduled(|current| {
            if current & SCHEDULED == 0 {
                ((current + REF_ONE) | SCHEDULED, true)
            } else {
                (current, false)
            }
        })
    }

    /// Rule W's read-modify-write, shared by both wakes: replaces the state
    /// word with `step(current)`'s new value by a `Release` compare-exchange,
    /// retried until no other thread changed the word in between, and
    /// returns `step`'s verdict (push the task or not) for the value that won.
    fn set_scheduled(&self, step: impl Fn(usize) -> (usize, bool)) -> bool {
        let mut current = self.state.load(Ordering::Relaxed);
        loop {
            let (next, push) = step(current);
            match self.state.compare_exchange_weak(
                current,
                next,
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => return push,
                Err(actual) => current = actual,
            }
        }
    }

    /// Rule C: clears `SCHEDULED` just before the loop polls the task.
    /// Runtime thread only.
    pub(crate) fn clear_scheduled(&self) {
        // Acquire synchronises with the Release of every wake whose set flag
        // this read-modify-write overwrites, so the poll sees what those
        // wakers wrote.
        self.state.fetch_and(!SCHEDULED, Ordering::Acquire);
    }

    // ----- the lifecycle flags (runtime thread only) -----

    /// Reads the flags.
    fn flags(&self) -> u8 {
        self.flags.load(Ordering::Relaxed)
    }

    /// Sets `bits`.
    fn set_flags(&self, bits: u8) {
        self.flags.store(self.flags() | bits, Ordering::Relaxed);
    }

    /// Clears `bits`.
    fn clear_flags(&self, bits: u8) {
        self.flags.store(self.flags() & !bits, Ordering::Relaxed);
    }

    /// True while the future is being polled or dropped.
    pub(crate) fn is_running(&self) -> bool {
        self.flags() & RUNNING != 0
    }

    /// Marks the future as being polled or dropped (or no longer).
    pub(crate) fn set_running(&self, running: bool) {
        if running {
            self.set_flags(RUNNING);
        } else {
            self.clear_flags(RUNNING);
        }
    }

    /// Records how the task ended: finished (or panicked), or cancelled.
    pub(crate) fn set_done(&self, cancelled: bool) {
        self.set_flags(if cancelled { CANCELLED } else { FINISHED });
    }

    /// True once the task finished, panicked or was cancelled.
    pub(crate) fn is_done(&self) -> bool {
        self.flags() & (FINISHED | CANCELLED) != 0
    }

    /// Asks the loop to drop the future instead of polling it again.
    pub(crate) fn request_abort(&self) {
        self.set_flags(ABORT_REQUESTED);
    }

    /// True once [`request_abort`](Self::request_abort) was called.
    pub(crate) fn abort_requested(&self) -> bool {
        self.flags() & ABORT_REQUESTED != 0
    }

    /// True while the `JoinHandle` is alive.
    pub(crate) fn join_interest(&self) -> bool {
        self.flags() & JOIN_INTEREST != 0
    }

    /// The `JoinHandle` is gone: the output need not be kept.
    pub(crate) fn drop_join_interest(&self) {
        self.clear_flags(JOIN_INTEREST);
    }

    /// What the stage holds (rule 8 of `raw.rs`).
    pub(crate) fn stage(&self) -> StageKind {
        let flags = self.flags();
        if flags & STAGE_FUTURE != 0 {
            StageKind::Future
        } else if flags & STAGE_OUTPUT != 0 {
            StageKind::Output
        } else {
            StageKind::Empty
        }
    }

    /// Records what the stage now holds (rule 8 of `raw.rs`).
    pub(crate) fn set_stage(&self, kind: StageKind) {
        self.clear_flags(STAGE_FUTURE | STAGE_OUTPUT);
        match kind {
            StageKind::Future => self.set_flags(STAGE_FUTURE),
            StageKind::Output => self.set_flags(STAGE_OUTPUT),
            StageKind::Empty => {}
        }
    }

    /// The name, if the task has one.
    pub(crate) fn name(&self) -> Option<&str> {
        self.name.as_deref().map(|name| &*name.0)
    }

    /// The current lifecycle state.
    pub(crate) fn state(&self) -> TaskState {
        let flags = self.flags();
        if flags & CANCELLED != 0 {
            TaskState::Cancelled
        } else if flags & FINISHED != 0 {
            TaskState::Finished
        } else if flags & RUNNING != 0 {
            TaskState::Running
        } else {
            TaskState::Pending
        }
    }

    /// How traces and warnings name the task: `task 3 'spin'`, `task 4`,
    /// or `task 1 'block_on'` for the future given to `block_on`.
    pub(crate) fn describe(&self) -> String {
        match (self.name(), self.slot) {
            (_, MAIN_SLOT) => format!("task {} 'block_on'", self.id),
            (Some(name), _) => format!("task {} '{name}'", self.id),
            (None, _) => format!("task {}", self.id),
        }
    }
}

impl std::fmt::Debug for Header {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<Task {} id={}", self.state().as_str(), self.id)?;
        if let Some(name) = self.name() {
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
