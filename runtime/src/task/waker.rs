//! The waker of a task: a `RawWaker` whose data pointer is the task's block
//! and whose vtable counts references and schedules.
//!
//! ```text
//!   Waker { data: NonNull<Header> as *const (), vtable: &WAKER_VTABLE }
//!     clone        -> State::ref_inc                         (state.rs)
//!     wake         -> State::schedule_by_val -> schedule::push, or give up the reference
//!     wake_by_ref  -> State::schedule_by_ref -> schedule::push with a new reference
//!     drop         -> State::ref_dec -> free the block if it was the last
//! ```
//!
//! Not generic: a waker needs only the header, so one vtable serves every
//! future type. [`WakerRef`] lends a task's waker without counting a
//! reference, which is how the loop polls.

use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ptr::NonNull;
use std::task::{RawWaker, RawWakerVTable, Waker};

use super::header::Header;
use super::raw::RawTask;

/// The `RawWaker` of the task at `ptr`; its data pointer is the block.
pub(crate) fn raw_waker(ptr: NonNull<Header>) -> RawWaker {
    RawWaker::new(ptr.as_ptr().cast_const().cast(), &WAKER_VTABLE)
}

/// What a `Waker` of one of our tasks does: counts references and
/// schedules (rules W and R in `state.rs`).
static WAKER_VTABLE: RawWakerVTable =
    RawWakerVTable::new(waker_clone, waker_wake, waker_wake_by_ref, waker_drop);

/// A task's waker borrowed from a [`RawTask`]; see [`RawTask::waker_ref`].
pub(crate) struct WakerRef<'a> {
    /// The waker, never dropped: it owns no reference.
    waker: ManuallyDrop<Waker>,
    /// Ties the waker to the reference it borrows from.
    _task: PhantomData<&'a RawTask>,
}

impl WakerRef<'_> {
    /// The waker of the task at `ptr`, borrowed for as long as `task` is.
    pub(crate) fn new(task: &RawTask) -> WakerRef<'_> {
        WakerRef {
            // SAFETY: the data pointer is the block's (rule 1), valid while
            // `task` is, which the borrow in `WakerRef` enforces;
            // `ManuallyDrop` keeps the borrowed waker from giving up a
            // reference it never took. Clones count their own.
            waker: ManuallyDrop::new(unsafe { Waker::from_raw(raw_waker(task.ptr())) }),
            _task: PhantomData,
        }
    }
}

impl std::ops::Deref for WakerRef<'_> {
    type Target = Waker;

    fn deref(&self) -> &Waker {
        &self.waker
    }
}

/// The `RawTask` a waker's data pointer stands for, without changing the
/// count: the caller decides whether the reference is kept or given up.
///
/// # Safety
///
/// `data` is the pointer of a live task whose reference the caller owns.
unsafe fn task_of(data: *const ()) -> ManuallyDrop<RawTask> {
    // SAFETY: a waker's data pointer is a block's pointer (rule 1), never
    // null; the caller owns the reference the `RawTask` stands for.
    unsafe {
        let ptr = NonNull::new_unchecked(data.cast_mut().cast::<Header>());
        ManuallyDrop::new(RawTask::from_ptr(ptr))
    }
}

/// `RawWakerVTable::clone`: one more reference.
unsafe fn waker_clone(data: *const ()) -> RawWaker {
    // SAFETY: the waker being cloned owns (or borrows from a `RawTask` that
    // owns) a reference, so the block is alive.
    let task = unsafe { task_of(data) };
    task.header().state.ref_inc();
    raw_waker(task.ptr())
}

/// `RawWakerVTable::wake`: schedules, giving up the waker's reference (or
/// handing it to the queue entry).
unsafe fn waker_wake(data: *const ()) {
    // SAFETY: the waker owns a reference, which this call takes over.
    let task = ManuallyDrop::into_inner(unsafe { task_of(data) });
    if task.header().state.schedule_by_val() {
        super::schedule::push(task);
    } else {
        // `schedule_by_val` already gave up the reference.
        std::mem::forget(task);
    }
}

/// `RawWakerVTable::wake_by_ref`: schedules, keeping the waker's reference.
unsafe fn waker_wake_by_ref(data: *const ()) {
    // SAFETY: the waker owns a reference and keeps it.
    unsafe { task_of(data) }.schedule();
}

/// `RawWakerVTable::drop`: gives up the waker's reference.
unsafe fn waker_drop(data: *const ()) {
    // SAFETY: the waker owns a reference, given up here.
    drop(ManuallyDrop::into_inner(unsafe { task_of(data) }));
}
