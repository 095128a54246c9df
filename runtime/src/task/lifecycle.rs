//! The lifecycle byte: where a task is in its life, and what its stage
//! holds. Only the runtime's thread reads or writes it.
//!
//! ```text
//!              poll                     Ready / panic
//!   Pending ─────────> Running ──────────────────────────> Finished
//!     ▲ │   <─────────   (RUNNING set while the future
//!     │ │    Pending      runs or is dropped)
//!     │ │ abort requested, or runtime shutdown
//!     │ └──────────────────────────────────────────────────> Cancelled
//!   spawn
//! ```
//!
//! Besides the state above, the byte holds two wishes and the stage's
//! content:
//!
//! | bit               | set by                        | cleared by                          |
//! |-------------------|-------------------------------|-------------------------------------|
//! | `RUNNING`         | the harness, around a poll or the future's drop | the harness, after it |
//! | `FINISHED`        | the harness, on `Ready` or a panic | never                          |
//! | `CANCELLED`       | the harness, on a drop before the end | never                       |
//! | `ABORT_REQUESTED` | `JoinHandle::abort`           | never                               |
//! | `JOIN_INTEREST`   | spawn                         | the `JoinHandle`'s drop             |
//! | `STAGE_FUTURE`    | spawn                         | the harness, once the future is dropped |
//! | `STAGE_OUTPUT`    | the harness, once the output is stored | the `JoinHandle`, taking or dropping it |
//!
//! The stage bits are rule 8 of `task/mod.rs`: the stage is a union, and
//! these two bits are its tag.
//!
//! ## Why a byte of its own
//!
//! tokio keeps its `RUNNING`, `COMPLETE` and `JOIN_INTEREST` bits in the
//! same atomic word as the reference count, because any of its worker
//! threads may run a task. Here one thread does, so these bits live apart
//! from the state word (`state.rs`) and are read and written with `Relaxed`
//! loads and stores: no other thread ever touches them, and the byte is
//! atomic only because the header that holds it is shared with other
//! threads.

use std::sync::atomic::{AtomicU8, Ordering};

/// Bit: the future is being polled or dropped right now, so its stage must
/// not be touched (a task may hold its own `JoinHandle`).
const RUNNING: u8 = 1;
/// Bit: the future returned `Ready`, or panicked.
const FINISHED: u8 = 2;
/// Bit: the future was dropped before it finished (abort, shutdown).
const CANCELLED: u8 = 4;
/// Bit: `JoinHandle::abort` was called.
const ABORT_REQUESTED: u8 = 8;
/// Bit: the `JoinHandle` is alive, so the output must be kept.
const JOIN_INTEREST: u8 = 16;
/// Bit: the stage holds the future (rule 8 of `task/mod.rs`).
const STAGE_FUTURE: u8 = 32;
/// Bit: the stage holds the output (rule 8 of `task/mod.rs`).
const STAGE_OUTPUT: u8 = 64;

/// What a task's stage holds, as recorded in its lifecycle byte.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum StageKind {
    /// The future, not yet finished.
    Future,
    /// The output (or why there is none), waiting for the `JoinHandle`.
    Output,
    /// Nothing: taken, never kept, or a `block_on` future's block.
    Empty,
}

/// The states a task shows in its `Debug` output, as asyncio's task repr
/// does (`<Task pending ...>`, `<Task finished ...>`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum TaskStatus {
    /// Waiting to be polled, or waiting for a wake.
    Pending,
    /// Being polled right now.
    Running,
    /// Returned `Ready`, or panicked.
    Finished,
    /// Aborted, or dropped by the runtime at shutdown, before it finished.
    Cancelled,
}

impl TaskStatus {
    /// The word asyncio's repr uses for this status.
    #[inline]
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Pending => "pending",
            TaskStatus::Running => "running",
            TaskStatus::Finished => "finished",
            TaskStatus::Cancelled => "cancelled",
        }
    }
}

/// The lifecycle byte. Runtime thread only (see the module doc).
pub(crate) struct Lifecycle {
    /// The bits above.
    bits: AtomicU8,
}

impl Lifecycle {
    /// A spawned task's: pending, with a `JoinHandle` and its future in the
    /// stage.
    #[inline]
    pub(crate) fn new() -> Lifecycle {
        Lifecycle {
            bits: AtomicU8::new(JOIN_INTEREST | STAGE_FUTURE),
        }
    }

    /// Reads the bits.
    #[inline]
    fn get(&self) -> u8 {
        self.bits.load(Ordering::Relaxed)
    }

    /// Sets `bits`.
    #[inline]
    fn set(&self, bits: u8) {
        self.bits.store(self.get() | bits, Ordering::Relaxed);
    }

    /// Clears `bits`.
    #[inline]
    fn clear(&self, bits: u8) {
        self.bits.store(self.get() & !bits, Ordering::Relaxed);
    }

    /// True while the future is being polled or dropped.
    #[inline]
    pub(crate) fn is_running(&self) -> bool {
        self.get() & RUNNING != 0
    }

    /// Marks the future as being polled or dropped (or no longer).
    #[inline]
    pub(crate) fn set_running(&self, running: bool) {
        if running {
            self.set(RUNNING);
        } else {
            self.clear(RUNNING);
        }
    }

    /// Records how the task ended: finished (or panicked), or cancelled.
    #[inline]
    pub(crate) fn set_done(&self, cancelled: bool) {
        self.set(if cancelled { CANCELLED } else { FINISHED });
    }

    /// True once the task finished, panicked or was cancelled.
    #[inline]
    pub(crate) fn is_done(&self) -> bool {
        self.get() & (FINISHED | CANCELLED) != 0
    }

    /// Asks the loop to drop the future instead of polling it again.
    #[inline]
    pub(crate) fn request_abort(&self) {
        self.set(ABORT_REQUESTED);
    }

    /// True once [`request_abort`](Self::request_abort) was called.
    #[inline]
    pub(crate) fn abort_requested(&self) -> bool {
        self.get() & ABORT_REQUESTED != 0
    }

    /// True while the `JoinHandle` is alive.
    #[inline]
    pub(crate) fn join_interest(&self) -> bool {
        self.get() & JOIN_INTEREST != 0
    }

    /// The `JoinHandle` is gone: the output need not be kept.
    #[inline]
    pub(crate) fn drop_join_interest(&self) {
        self.clear(JOIN_INTEREST);
    }

    /// What the stage holds (rule 8 of `task/mod.rs`).
    #[inline]
    pub(crate) fn stage(&self) -> StageKind {
        let bits = self.get();
        if bits & STAGE_FUTURE != 0 {
            StageKind::Future
        } else if bits & STAGE_OUTPUT != 0 {
            StageKind::Output
        } else {
            StageKind::Empty
        }
    }

    /// Records what the stage now holds (rule 8 of `task/mod.rs`).
    #[inline]
    pub(crate) fn set_stage(&self, kind: StageKind) {
        self.clear(STAGE_FUTURE | STAGE_OUTPUT);
        match kind {
            StageKind::Future => self.set(STAGE_FUTURE),
            StageKind::Output => self.set(STAGE_OUTPUT),
            StageKind::Empty => {}
        }
    }

    /// The status a task's repr shows.
    #[inline]
    pub(crate) fn status(&self) -> TaskStatus {
        let bits = self.get();
        if bits & CANCELLED != 0 {
            TaskStatus::Cancelled
        } else if bits & FINISHED != 0 {
            TaskStatus::Finished
        } else if bits & RUNNING != 0 {
            TaskStatus::Running
        } else {
            TaskStatus::Pending
        }
    }
}
