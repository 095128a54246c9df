//! [`Header`]: the part of a task that other threads may see, which is also
//! its waker's data.
//!
//! The header is the first field of the task's one allocation (`layout.rs`;
//! the picture and the rules are in `task/mod.rs`). It holds two words that
//! change, each with its own file and its own rule for who may touch it:
//!
//! - `state` ([`State`], `state.rs`): the reference count and the
//!   `SCHEDULED` flag. Any thread, by read-modify-writes only.
//! - `lifecycle` ([`Lifecycle`], `lifecycle.rs`): running, finished,
//!   cancelled, abort requested, join interest, and what the stage holds.
//!   The runtime's thread only.
//!
//! and what never changes after spawn: the vtable of the future's type, the
//! way back to the owning runtime's queues, and how the task is named in
//! reprs, traces and warnings (its id, name and spawn location). Its slot in
//! the task set is written once, by the loop, when the task enters the set:
//! at spawn for a local task, on arrival for one spawned from another thread.

use std::panic::Location;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use super::id::TaskId;
use super::lifecycle::{Lifecycle, TaskStatus};
use super::raw::Vtable;
use super::remote_queue::RemoteQueue;
use super::site::SpawnSite;
use super::state::State;
use crate::lints::AfterPoll;
use crate::observe::ObservedTask;

/// The slot value of the `block_on` future, which is not in the task set.
pub(crate) const MAIN_SLOT: u32 = u32::MAX;

/// The thread-safe part of a task. See the module doc.
pub(crate) struct Header {
    /// Reference count and `SCHEDULED`. Any thread (`state.rs`).
    pub(crate) state: State,
    /// Where the task is in its life, and what its stage holds. Runtime
    /// thread only (`lifecycle.rs`).
    pub(crate) lifecycle: Lifecycle,
    /// The functions that know the future's type (`raw.rs`). Fixed.
    pub(crate) vtable: &'static Vtable,
    /// The way back into the owning runtime's run queue from any thread.
    pub(crate) remote: Arc<RemoteQueue>,
    /// The task's id; shown as `id=` in its repr.
    pub(crate) id: TaskId,
    /// Where `spawn` was called (captured by `#[track_caller]`) and the
    /// name given with `task::Builder::name`, if any, in one word
    /// (`site.rs`).
    pub(crate) site: SpawnSite,
    /// The index of the task in its runtime's task set, or [`MAIN_SLOT`] for
    /// the future given to `block_on`. Runtime thread only, written once
    /// when the task enters the set (for a remote spawn that is after the
    /// block was made on another thread, so the field cannot be a plain
    /// `u32` fixed at construction); atomic only because the header is
    /// shared, hence `Relaxed`, like the lifecycle byte.
    slot: AtomicU32,
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
            state: State::new(refs),
            lifecycle: Lifecycle::new(),
            vtable,
            remote,
            id,
            site: SpawnSite::new(spawned_at, name),
            slot: AtomicU32::new(slot),
        }
    }

    /// The task's slot in its runtime's task set ([`MAIN_SLOT`] for the
    /// `block_on` future). Runtime thread only.
    #[inline]
    pub(crate) fn slot(&self) -> u32 {
        self.slot.load(Ordering::Relaxed)
    }

    /// Records the slot of a task made on another thread, as the loop puts
    /// it in its task set. Runtime thread only.
    #[inline]
    pub(crate) fn set_slot(&self, slot: u32) {
        self.slot.store(slot, Ordering::Relaxed);
    }

    /// The name, if the task has one.
    pub(crate) fn name(&self) -> Option<&str> {
        self.site.name()
    }

    /// The status the repr shows (`pending`, `running`, ...).
    pub(crate) fn status(&self) -> TaskStatus {
        self.lifecycle.status()
    }
}

impl ObservedTask for Header {
    fn id(&self) -> TaskId {
        self.id
    }

    /// `task 3 'spin'`, `task 4`, or `task 1 'block_on'` for the future
    /// given to `block_on`.
    fn describe(&self) -> String {
        match (self.name(), self.slot()) {
            (_, MAIN_SLOT) => format!("task {} 'block_on'", self.id),
            (Some(name), _) => format!("task {} '{name}'", self.id),
            (None, _) => format!("task {}", self.id),
        }
    }

    fn spawned_at(&self) -> &'static Location<'static> {
        self.site.location()
    }

    fn is_block_on(&self) -> bool {
        self.slot() == MAIN_SLOT
    }

    /// The one reading of the state word the lints make (see
    /// `lints/lost_waker.rs` for which references are not wakers).
    fn after_poll(&self) -> AfterPoll {
        let (refs, scheduled) = self.state.refs_and_scheduled();
        let is_block_on = self.slot() == MAIN_SLOT;
        AfterPoll {
            refs,
            scheduled,
            join_handle: !is_block_on && self.lifecycle.join_interest(),
            slot: (!is_block_on).then_some(self.slot()),
        }
    }
}

impl std::fmt::Debug for Header {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<Task {} id={}", self.status().as_str(), self.id)?;
        if let Some(name) = self.name() {
            write!(f, " name='{name}'")?;
        }
        let spawned_at = self.site.location();
        write!(
            f,
            " spawned at {}:{}>",
            spawned_at.file(),
            spawned_at.line()
        )
    }
}
