//! The task's one allocation: [`TaskCell`], its union [`Stage`], and the
//! code that makes the block, finds it behind a header pointer, and frees it.
//!
//! ```text
//!   NonNull<Header> ─┐   (a Waker's data pointer, a queue entry, the task set's
//!                    ▼    entry, a JoinHandle: all point at the same block)
//!   ┌────────────────────────────────────┐  #[repr(C)] TaskCell<F>
//!   │ header: Header   (any thread)      │  offset 0, so a pointer to the
//!   ├────────────────────────────────────┤  header is a pointer to the cell
//!   │ stage: UnsafeCell<Stage<F>>        │  a union: the future, then the
//!   │                  (runtime thread)  │  output, in the same bytes
//!   │ join_waker: UnsafeCell<WakerSlot>  │
//!   └────────────────────────────────────┘
//! ```
//!
//! ## Why the stage is a union
//!
//! The natural type, `enum { Running(F), Finished(Output), Consumed }`, adds
//! a tag word that the compiler can rarely fold into `F`, and the header
//! already records the task's life in its lifecycle byte. So the stage is a
//! `union` of the future and the output, and two lifecycle bits say which
//! one is there (rule 8 of `task/mod.rs`). For a typical small task this is
//! the difference between a 136-byte block and a 120-byte one, which the
//! allocator rounds to 144 and 128 bytes. async-task makes the same choice;
//! tokio keeps the enum.

use std::any::Any;
use std::cell::UnsafeCell;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::ptr::NonNull;

use super::header::Header;
use super::lifecycle::StageKind;
use crate::waker_slot::WakerSlot;

/// The whole block; see the module doc. Named `TaskCell` rather than
/// `Cell` so that it is not mistaken for `std::cell::Cell`.
#[repr(C)]
pub(crate) struct TaskCell<F: Future> {
    /// First, so a `NonNull<Header>` is a `NonNull<TaskCell<F>>` (rule 1).
    pub(crate) header: Header,
    /// The future, then its result (rules 3 to 8).
    pub(crate) stage: UnsafeCell<Stage<F>>,
    /// The task awaiting the `JoinHandle`, if one waits (rule 3).
    pub(crate) join_waker: UnsafeCell<WakerSlot>,
}

/// The future, then how it ended, in the same bytes; the lifecycle byte
/// says which (rule 8). `ManuallyDrop` because a union never drops its
/// fields: the harness (`harness.rs`) does, according to that byte.
pub(crate) union Stage<F: Future> {
    /// The future, pinned in place (rule 6). Bit `STAGE_FUTURE`.
    pub(crate) future: ManuallyDrop<F>,
    /// How it ended, kept until the `JoinHandle` takes it. Bit
    /// `STAGE_OUTPUT`.
    pub(crate) output: ManuallyDrop<Result<F::Output, Ended>>,
    /// Neither: the value a `block_on` future's block starts with.
    empty: (),
}

/// Why a task has no output. Turned into a `JoinError` (which adds the
/// task's id) when the `JoinHandle` reads it, so the stage stays small.
pub(crate) enum Ended {
    /// Aborted, or dropped at shutdown.
    Cancelled,
    /// The future panicked; the payload.
    Panicked(Box<dyn Any + Send + 'static>),
}

/// Makes the block of a new task around `header` (made with `refs`
/// references and `SCHEDULED` set) and `future`, and returns the pointer
/// every reference shares (rule 1).
pub(crate) fn allocate<F>(header: Header, future: F) -> NonNull<Header>
where
    F: Future + 'static,
{
    let cell = Box::new(TaskCell {
        header,
        stage: UnsafeCell::new(Stage {
            future: ManuallyDrop::new(future),
        }),
        join_waker: UnsafeCell::new(WakerSlot::new()),
    });
    NonNull::from(Box::leak(cell)).cast::<Header>()
}

/// Makes the block that stands for a `block_on` future: `header` (so the
/// future gets a waker like any task's) and an empty stage. `F` is the type
/// the header's vtable was made for; no `F` is stored.
pub(crate) fn allocate_main<F>(header: Header) -> NonNull<Header>
where
    F: Future + 'static,
{
    header.lifecycle.drop_join_interest();
    header.lifecycle.set_stage(StageKind::Empty);
    // The loop polls the `block_on` future in place, never through the
    // vtable. A queue entry of this block that is still queued when its
    // `block_on` returns reaches the next `block_on` as a stranger, which
    // must skip it: to that loop it is a task that has ended.
    header.lifecycle.set_done(false);
    let cell: Box<TaskCell<F>> = Box::new(TaskCell {
        header,
        stage: UnsafeCell::new(Stage { empty: () }),
        join_waker: UnsafeCell::new(WakerSlot::new()),
    });
    NonNull::from(Box::leak(cell)).cast::<Header>()
}

/// The cell behind a header pointer.
///
/// # Safety
///
/// `ptr` must come from a `TaskCell<F>` of this very `F` (the vtable that
/// calls this is the one made for it), and the block must be alive.
pub(crate) unsafe fn cell<'a, F: Future>(ptr: NonNull<Header>) -> &'a TaskCell<F> {
    // SAFETY: rule 1 (the pointer has the whole block's provenance) and the
    // caller's promise; only a shared reference is made: the mutable parts
    // are in `UnsafeCell`s and atomics.
    unsafe { ptr.cast::<TaskCell<F>>().as_ref() }
}

/// `Vtable::dealloc` for `F`: frees the block.
///
/// # Safety
///
/// The last reference is gone (rule 2) and the block is of this `F`.
pub(crate) unsafe fn dealloc<F: Future>(ptr: NonNull<Header>) {
    // SAFETY: the block came from `Box::leak` of a `TaskCell<F>` (rule 1),
    // whose pointer `Box::from_raw` may take back, and nobody else can reach
    // it. Its stage is empty (rule 5), and a union drops nothing anyway, so
    // the drop frees only the header's `Send` parts and the join waker.
    let cell = unsafe { Box::from_raw(ptr.cast::<TaskCell<F>>().as_ptr()) };
    debug_assert_eq!(cell.header.lifecycle.stage(), StageKind::Empty, "rule 5");
    drop(cell);
}
