//! The task allocation: the header, the future and its output in one block
//! of memory, and the `unsafe` code that reaches them.
//!
//! This is the one file of the runtime with `unsafe` in it (besides the
//! `listen(2)` call in `net/tcp_listener.rs`). Everything here exists to save
//! allocations: a spawned task is one `Box` of a [`Cell<F>`], where
//! `async-task` and tokio also make one, instead of the three it would take
//! with safe code (an `Arc` for the waker's part, an `Rc` for the loop's
//! part, a `Box` to pin the future). Miri runs the task and waker tests over
//! this file (see the README's Development section).
//!
//! ## Layout
//!
//! ```text
//!   NonNull<Header> ─┐   (a Waker's data pointer, a queue entry, the task set's
//!                    ▼    entry, a JoinHandle: all point at the same block)
//!   ┌────────────────────────────────────┐  #[repr(C)] Cell<F>
//!   │ header: Header   (any thread)      │  offset 0, so a pointer to the
//!   ├────────────────────────────────────┤  header is a pointer to the cell
//!   │ stage: UnsafeCell<Stage<F>>        │  a union: the future, then the
//!   │                  (runtime thread)  │  output, in the same bytes
//!   │ join_waker: UnsafeCell<WakerSlot>  │
//!   └────────────────────────────────────┘
//! ```
//!
//! The header's [`Vtable`] holds the functions that know `F`: poll, cancel,
//! read the output, free. Code that only has the header calls through it.
//!
//! ## Why the stage is a union
//!
//! The natural type, `enum { Running(F), Finished(Output), Consumed }`, adds
//! a tag word that the compiler can rarely fold into `F`, and the header
//! already records the task's life in its `flags` byte. So the stage is a
//! `union` of the future and the output, and two flag bits say which one is
//! there (rule 8). For a typical small task this is the difference between a
//! 136-byte block and a 120-byte one, which the allocator rounds to 144 and
//! 128 bytes. async-task makes the same choice; tokio keeps the enum.
//!
//! ## Rules
//!
//! 1. **Provenance.** The block is made by `Box::into_raw` and every pointer
//!    to it ([`RawTask`], a waker's data pointer) is a copy of that pointer,
//!    cast, never one taken from a reference to the header. So a pointer to
//!    the header may be cast back to the whole cell.
//! 2. **Lifetime.** The block lives while its reference count (in the
//!    header's state word, `header.rs`) is above zero. Each [`RawTask`] value
//!    owns one reference and each `Waker` owns one; whoever gives up the
//!    last calls `dealloc`, on whatever thread it is.
//! 3. **Who touches the stage and the join waker: the runtime's thread
//!    only.** They are reached only through the `unsafe fn`s of
//!    [`RawTask`] below, whose callers are the scheduler, the loop and the
//!    `JoinHandle`: all three `!Send`, made on the runtime's thread, so they
//!    can only be used there. Other threads hold wakers and queue entries,
//!    which touch the header's atomics and nothing else. The loop checks,
//!    before each poll, that the task belongs to it (the runtime id in the
//!    header).
//! 4. **No stage access while the future runs.** While the future is polled
//!    or dropped, the `RUNNING` flag is set and the loop holds a mutable
//!    reference into the stage. Code the future runs may reach its own
//!    `JoinHandle` (a task can hold its own handle), so `poll_join` and
//!    `drop_join_handle` check `RUNNING` first and touch only the flags and
//!    the join waker then.
//! 5. **The stage is empty before the block can be freed off the runtime's
//!    thread.** `F` and its output need not be `Send`, and the last
//!    reference may be a waker dropped on another thread. So the future is
//!    dropped the moment the task ends, and the output when the
//!    `JoinHandle` takes it or goes; both on the runtime's thread. The task
//!    set and the `JoinHandle` hold references until then, so a `dealloc`
//!    elsewhere finds the stage empty and frees only the header's `Send`
//!    parts.
//! 6. **Pinning.** The future never moves: it is written into the block at
//!    spawn and dropped in place (`ManuallyDrop::drop`), never moved out.
//! 7. **Panics.** A panic in `poll` or in a destructor of the future or the
//!    output is caught, so it cannot unwind through this file's raw-pointer
//!    code and leave a half-written stage.
//! 8. **The flags say what the stage holds.** `STAGE_FUTURE`: the future,
//!    from `new` until `end` drops it. `STAGE_OUTPUT`: the output, from `end`
//!    (if a `JoinHandle` wants it) until the handle takes or drops it.
//!    Neither: nothing, which is also how a `block_on` future's block starts
//!    and how every block ends (rule 5). Each flag is cleared right after its
//!    value is moved out or dropped, and set right after it is written.
//!
//! ## What tokio does differently
//!
//! tokio's `RawTask` has the same shape (a header with a vtable, a `Core`
//! with the future, a `Trailer` with the join waker and the links of its
//! intrusive task list). It keeps its `RUNNING`/`COMPLETE`/`JOIN_INTEREST`
//! bits in the same atomic word as the reference count, because any of its
//! worker threads may run a task; ours has one thread, so those bits are a
//! separate byte that only that thread touches.

use std::any::Any;
use std::cell::UnsafeCell;
use std::future::Future;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::panic::{AssertUnwindSafe, Location, catch_unwind};
use std::pin::Pin;
use std::ptr::NonNull;
use std::sync::Arc;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use super::error::JoinError;
use super::header::{Header, MAIN_SLOT, StageKind};
use super::id::TaskId;
use super::schedule::RemoteQueue;
use crate::timeline::hooks;
use crate::waker_slot::WakerSlot;
use ::timeline::Wait;

/// The functions that know a task's future type, one table per type.
pub(crate) struct Vtable {
    /// Polls the future once.
    poll: unsafe fn(NonNull<Header>) -> Polled,
    /// Drops the future, as a cancellation (abort, runtime shutdown).
    cancel: unsafe fn(NonNull<Header>),
    /// `JoinHandle<F::Output>::poll`: writes a
    /// `Poll<Result<F::Output, JoinError>>` to the pointer.
    poll_join: unsafe fn(NonNull<Header>, *mut (), &mut Context<'_>),
    /// The `JoinHandle` is dropped: drops the output if it is stored.
    drop_join_handle: unsafe fn(NonNull<Header>),
    /// Frees the block.
    dealloc: unsafe fn(NonNull<Header>),
}

/// What one call of [`RawTask::poll`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Polled {
    /// The future is still pending.
    Pending,
    /// The future returned `Ready` in this call: the task ended and must
    /// leave the task set.
    Ready,
    /// The future panicked in this call (the panic is its result): the task
    /// ended and must leave the task set.
    Panicked,
    /// The task had ended before: a wake queued before it ended. Nothing ran.
    Stale,
}

/// The whole block; see "Layout".
#[repr(C)]
struct Cell<F: Future> {
    /// First, so a `NonNull<Header>` is a `NonNull<Cell<F>>` (rule 1).
    header: Header,
    /// The future, then its result (rules 3 to 8).
    stage: UnsafeCell<Stage<F>>,
    /// The task awaiting the `JoinHandle`, if one waits (rule 3).
    join_waker: UnsafeCell<WakerSlot>,
}

/// The future, then how it ended, in the same bytes; the header's flags say
/// which (rule 8). `ManuallyDrop` because a union never drops its fields:
/// this file does, according to the flags.
union Stage<F: Future> {
    /// The future, pinned in place (rule 6). Flag `STAGE_FUTURE`.
    future: ManuallyDrop<F>,
    /// How it ended, kept until the `JoinHandle` takes it. Flag
    /// `STAGE_OUTPUT`.
    output: ManuallyDrop<Result<F::Output, Ended>>,
    /// Neither: the value a `block_on` future's block starts with.
    empty: (),
}

/// Why a task has no output. Turned into a `JoinError` (which adds the
/// task's id) when the `JoinHandle` reads it, so the stage stays small.
enum Ended {
    /// Aborted, or dropped at shutdown.
    Cancelled,
    /// The future panicked; the payload.
    Panicked(Box<dyn Any + Send + 'static>),
}

/// One counted reference to a task (rule 2): the task set's, a queue
/// entry's, or a `JoinHandle`'s. Clone takes another; drop gives it up.
pub(crate) struct RawTask {
    /// The block (rule 1).
    ptr: NonNull<Header>,
}

// SAFETY: a `RawTask` on another thread (in the remote queue) is used only
// for the header's atomics, its `Arc<RemoteQueue>` and its immutable fields,
// all `Send + Sync`; everything else is behind the `unsafe fn`s below, whose
// callers must be on the runtime's thread (rule 3).
unsafe impl Send for RawTask {}

impl RawTask {
    /// Makes the block of a new task in one allocation, with three
    /// references (for the task set, the first queue entry and the
    /// `JoinHandle`) and `SCHEDULED` set. Made together, the three cost no
    /// atomic operation, where [`RawTask::clone`] costs one each.
    pub(crate) fn new<F>(
        future: F,
        remote: Arc<RemoteQueue>,
        id: TaskId,
        slot: u32,
        name: Option<Box<str>>,
        spawned_at: &'static Location<'static>,
    ) -> [RawTask; 3]
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let cell = Box::new(Cell {
            header: Header::new(3, vtable::<F>(), remote, id, slot, name, spawned_at),
            stage: UnsafeCell::new(Stage {
                future: ManuallyDrop::new(future),
            }),
            join_waker: UnsafeCell::new(WakerSlot::new()),
        });
        let ptr = NonNull::from(Box::leak(cell)).cast::<Header>();
        [RawTask { ptr }, RawTask { ptr }, RawTask { ptr }]
    }

    /// Makes the block that stands for a `block_on` future: a header (so the
    /// future gets a waker like any task's) and an empty stage. Two
    /// references: `block_on`'s and the first queue entry's.
    pub(crate) fn new_main(
        remote: Arc<RemoteQueue>,
        called_at: &'static Location<'static>,
    ) -> [RawTask; 2] {
        type Nothing = std::future::Pending<()>;
        let header = Header::new(
            2,
            vtable::<Nothing>(),
            remote,
            TaskId::next(),
            MAIN_SLOT,
            None,
            called_at,
        );
        header.drop_join_interest();
        header.set_stage(StageKind::Empty);
        let cell: Box<Cell<Nothing>> = Box::new(Cell {
            header,
            stage: UnsafeCell::new(Stage { empty: () }),
            join_waker: UnsafeCell::new(WakerSlot::new()),
        });
        let ptr = NonNull::from(Box::leak(cell)).cast::<Header>();
        [RawTask { ptr }, RawTask { ptr }]
    }

    /// The header, which any thread may read.
    pub(crate) fn header(&self) -> &Header {
        // SAFETY: this value owns a reference, so the block is alive (rule
        // 2); the header is only shared, never mutably borrowed.
        unsafe { self.ptr.as_ref() }
    }

    /// True if both are the same task.
    pub(crate) fn ptr_eq(&self, other: &RawTask) -> bool {
        self.ptr == other.ptr
    }

    /// Wakes the task, keeping this reference: `wake_by_ref` of its waker
    /// (rules W and R in `header.rs`).
    pub(crate) fn schedule(&self) {
        if self.header().schedule_by_ref() {
            // `schedule_by_ref` counted a new reference for the queue entry.
            super::schedule::push(RawTask { ptr: self.ptr });
        }
    }

    /// The task's waker, borrowed from this reference: it counts no
    /// reference of its own until it is cloned, so polling with it costs no
    /// atomic operation, and its lifetime keeps it from outliving `self`.
    pub(crate) fn waker_ref(&self) -> WakerRef<'_> {
        WakerRef {
            // SAFETY: the data pointer is the block's (rule 1), valid while
            // `self` is, which the borrow in `WakerRef` enforces;
            // `ManuallyDrop` keeps the borrowed waker from giving up a
            // reference it never took. Clones count their own.
            waker: ManuallyDrop::new(unsafe { Waker::from_raw(raw_waker(self.ptr)) }),
            _task: PhantomData,
        }
    }

    /// Polls the future once.
    ///
    /// # Safety
    ///
    /// On the task's runtime thread (rule 3), and not from inside the
    /// task's own poll (the loop polls one task at a time).
    pub(crate) unsafe fn poll(&self) -> Polled {
        // SAFETY: passed on from the caller.
        unsafe { (self.header().vtable.poll)(self.ptr) }
    }

    /// Drops the future as a cancellation, if it has not ended.
    ///
    /// # Safety
    ///
    /// As [`poll`](Self::poll).
    pub(crate) unsafe fn cancel(&self) {
        // SAFETY: passed on from the caller.
        unsafe { (self.header().vtable.cancel)(self.ptr) }
    }

    /// Takes the output if the task has ended; otherwise stores `cx`'s
    /// waker.
    ///
    /// # Safety
    ///
    /// On the runtime thread (rule 3), and `T` must be the future's output
    /// type (the `JoinHandle<T>` made with this task guarantees it).
    pub(crate) unsafe fn poll_join<T>(&self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>> {
        let mut out: Poll<Result<T, JoinError>> = Poll::Pending;
        // SAFETY: `out` has the type the vtable's function writes (the
        // caller's promise), and the rest is passed on.
        unsafe { (self.header().vtable.poll_join)(self.ptr, (&raw mut out).cast(), cx) };
        out
    }

    /// The `JoinHandle` is gone: the output need not be kept.
    ///
    /// # Safety
    ///
    /// On the runtime thread (rule 3).
    pub(crate) unsafe fn drop_join_handle(&self) {
        // SAFETY: passed on from the caller.
        unsafe { (self.header().vtable.drop_join_handle)(self.ptr) }
    }
}

/// A task's waker borrowed from a [`RawTask`]; see [`RawTask::waker_ref`].
pub(crate) struct WakerRef<'a> {
    /// The waker, never dropped: it owns no reference.
    waker: ManuallyDrop<Waker>,
    /// Ties the waker to the reference it borrows from.
    _task: PhantomData<&'a RawTask>,
}

impl std::ops::Deref for WakerRef<'_> {
    type Target = Waker;

    fn deref(&self) -> &Waker {
        &self.waker
    }
}

impl Clone for RawTask {
    fn clone(&self) -> RawTask {
        self.header().ref_inc();
        RawTask { ptr: self.ptr }
    }
}

impl Drop for RawTask {
    fn drop(&mut self) {
        if self.header().ref_dec() {
            // SAFETY: that was the last reference (rule 2), so nobody else
            // can reach the block.
            unsafe { (self.header().vtable.dealloc)(self.ptr) }
        }
    }
}

/// The vtable of tasks whose future is `F`.
fn vtable<F>() -> &'static Vtable
where
    F: Future + 'static,
    F::Output: 'static,
{
    // Promoted to a `static` by the compiler: one table per `F`.
    &Vtable {
        poll: poll::<F>,
        cancel: cancel::<F>,
        poll_join: poll_join::<F>,
        drop_join_handle: drop_join_handle::<F>,
        dealloc: dealloc::<F>,
    }
}

/// The cell behind a header pointer.
///
/// # Safety
///
/// `ptr` must come from a `Cell<F>` of this very `F` (the vtable that calls
/// this is the one made for it), and the block must be alive.
unsafe fn cell<'a, F: Future>(ptr: NonNull<Header>) -> &'a Cell<F> {
    // SAFETY: rule 1 (the pointer has the whole block's provenance) and the
    // caller's promise; only a shared reference is made: the mutable parts
    // are in `UnsafeCell`s and atomics.
    unsafe { ptr.cast::<Cell<F>>().as_ref() }
}

/// `Vtable::poll` for `F`.
///
/// # Safety
///
/// As [`RawTask::poll`], with a live block of this `F`.
unsafe fn poll<F: Future>(ptr: NonNull<Header>) -> Polled {
    // SAFETY: the caller's promise.
    let cell = unsafe { cell::<F>(ptr) };
    let header = &cell.header;
    if header.stage() != StageKind::Future {
        return Polled::Stale;
    }
    // SAFETY: runtime thread, and not running (rules 3 and 4): nobody else
    // holds a reference into the stage, which holds the future (rule 8). The
    // future stays at this address until `end` drops it in place (rule 6).
    let future = unsafe { Pin::new_unchecked(&mut *(*cell.stage.get()).future) };
    header.set_running(true);
    // SAFETY: the block outlives the poll (the loop's queue entry holds a
    // reference); `ManuallyDrop` keeps this borrowed waker from giving up a
    // reference it never took (clones count their own).
    let waker = ManuallyDrop::new(unsafe { Waker::from_raw(raw_waker(ptr)) });
    let mut cx = Context::from_waker(&waker);
    // Rule 7: a panic becomes the task's result (asyncio likewise stores the
    // exception in the Task object); the loop and the other tasks go on.
    let polled = catch_unwind(AssertUnwindSafe(|| future.poll(&mut cx)));
    header.set_running(false);
    let (result, polled) = match polled {
        Ok(Poll::Pending) => return Polled::Pending,
        Ok(Poll::Ready(output)) => (Ok(output), Polled::Ready),
        Err(payload) => (Err(Ended::Panicked(payload)), Polled::Panicked),
    };
    // SAFETY: as above; the mutable reference to the future is gone.
    unsafe { end(cell, Some(result)) };
    polled
}

/// `Vtable::cancel` for `F`.
///
/// # Safety
///
/// As [`RawTask::cancel`], with a live block of this `F`.
unsafe fn cancel<F: Future>(ptr: NonNull<Header>) {
    // SAFETY: the caller's promise.
    let cell = unsafe { cell::<F>(ptr) };
    if cell.header.stage() == StageKind::Future {
        // SAFETY: runtime thread, not running (rules 3 and 4), and the stage
        // holds the future (rule 8).
        unsafe { end(cell, None) };
    }
}

/// Ends a running task: drops the future in place, stores `result` (or a
/// cancellation when `None`) if a `JoinHandle` wants it, and wakes the
/// joiner. A panic in the future's destructor is a cancellation's result
/// too; after `Ready` it is ignored (the task has its output).
///
/// # Safety
///
/// Runtime thread, the stage holds the future, and no reference into the
/// stage is alive.
unsafe fn end<F: Future>(cell: &Cell<F>, result: Option<Result<F::Output, Ended>>) {
    let header = &cell.header;
    let stage = cell.stage.get();
    header.set_running(true); // rule 4, while the future's Drop runs
    let dropped = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the stage holds the future (the caller's promise); it is
        // dropped in place, not moved (rule 6), once: the flag is cleared
        // below whether or not its destructor panics.
        unsafe { ManuallyDrop::drop(&mut (*stage).future) }
    }));
    header.set_stage(StageKind::Empty);
    let cancelled = result.is_none();
    let result = match (result, dropped) {
        (Some(result), _) => result,
        (None, Ok(())) => Err(Ended::Cancelled),
        (None, Err(payload)) => Err(Ended::Panicked(payload)),
    };
    if header.join_interest() {
        // SAFETY: the stage is empty (the future was dropped above), so this
        // overwrites nothing that needs dropping; then rule 8's flag.
        unsafe { (*stage).output = ManuallyDrop::new(result) };
        header.set_stage(StageKind::Output);
    } else {
        // Nobody will read it: drop it now, on this thread (rule 5).
        let _ = catch_unwind(AssertUnwindSafe(move || drop(result)));
    }
    header.set_running(false);
    header.set_done(cancelled);
    // SAFETY: runtime thread; no other reference to the join waker exists
    // (the joiner only stores into it from `poll_join`, not now).
    let joiner = unsafe { (*cell.join_waker.get()).take() };
    if let Some(waker) = joiner {
        waker.wake();
    }
}

/// Takes the output out of the stage, if it holds one (rule 8).
///
/// # Safety
///
/// Runtime thread, not running (rules 3 and 4).
unsafe fn take_output<F: Future>(cell: &Cell<F>) -> Option<Result<F::Output, Ended>> {
    if cell.header.stage() != StageKind::Output {
        return None;
    }
    cell.header.set_stage(StageKind::Empty);
    // SAFETY: the stage held the output (rule 8), and its flag is already
    // cleared, so it is moved out exactly once.
    Some(unsafe { ManuallyDrop::take(&mut (*cell.stage.get()).output) })
}

/// `Vtable::poll_join` for `F`.
///
/// # Safety
///
/// As [`RawTask::poll_join`]; `out` points at a
/// `Poll<Result<F::Output, JoinError>>`.
unsafe fn poll_join<F: Future>(ptr: NonNull<Header>, out: *mut (), cx: &mut Context<'_>) {
    // SAFETY: the caller's promise.
    let cell = unsafe { cell::<F>(ptr) };
    let header = &cell.header;
    if header.is_running() || !header.is_done() {
        // Rule 4: only the join waker, never the stage.
        // SAFETY: runtime thread; nothing else borrows the join waker now.
        let old = unsafe { (*cell.join_waker.get()).register(cx.waker()) };
        drop(old);
        hooks::record(|rec| rec.waits_on(Wait::Join { task: header.id.0 }));
        return;
    }
    // SAFETY: runtime thread, not running (rules 3 and 4).
    let result = match unsafe { take_output(cell) } {
        Some(Ok(output)) => Ok(output),
        Some(Err(Ended::Cancelled)) => Err(JoinError::cancelled(header.id)),
        Some(Err(Ended::Panicked(payload))) => Err(JoinError::panic(header.id, payload)),
        None => panic!("a JoinHandle was polled after it returned its task's output"),
    };
    // SAFETY: `out` has this type (the caller's promise).
    unsafe {
        out.cast::<Poll<Result<F::Output, JoinError>>>()
            .write(Poll::Ready(result))
    };
}

/// `Vtable::drop_join_handle` for `F`.
///
/// # Safety
///
/// As [`RawTask::drop_join_handle`], with a live block of this `F`.
unsafe fn drop_join_handle<F: Future>(ptr: NonNull<Header>) {
    // SAFETY: the caller's promise.
    let cell = unsafe { cell::<F>(ptr) };
    let header = &cell.header;
    header.drop_join_interest();
    if header.is_running() {
        // Rule 4: the task drops its own handle from inside its poll; `end`
        // will see the interest gone and not keep the output.
        return;
    }
    // SAFETY: runtime thread, not running (rules 3 and 4).
    if let Some(output) = unsafe { take_output(cell) } {
        // Rule 5: the output goes here, on the runtime thread.
        let _ = catch_unwind(AssertUnwindSafe(move || drop(output)));
    }
}

/// `Vtable::dealloc` for `F`.
///
/// # Safety
///
/// The last reference is gone (rule 2) and the block is of this `F`.
unsafe fn dealloc<F: Future>(ptr: NonNull<Header>) {
    // SAFETY: the block came from `Box::into_raw` of a `Cell<F>` (rule 1)
    // and nobody else can reach it. Its stage is empty (rule 5), and a union
    // drops nothing anyway, so the drop frees only the header's `Send` parts
    // and the join waker.
    let cell = unsafe { Box::from_raw(ptr.cast::<Cell<F>>().as_ptr()) };
    debug_assert_eq!(cell.header.stage(), StageKind::Empty, "rule 5");
    drop(cell);
}

// ----- the waker -----

/// The `RawWaker` of the task at `ptr`; its data pointer is the block.
fn raw_waker(ptr: NonNull<Header>) -> RawWaker {
    RawWaker::new(ptr.as_ptr().cast_const().cast(), &WAKER_VTABLE)
}

/// What a `Waker` of one of our tasks does: counts references and
/// schedules (rules W and R in `header.rs`). Not generic: a waker needs only
/// the header.
static WAKER_VTABLE: RawWakerVTable =
    RawWakerVTable::new(waker_clone, waker_wake, waker_wake_by_ref, waker_drop);

/// The `RawTask` a waker's data pointer stands for, without changing the
/// count: the caller decides whether the reference is kept or given up.
///
/// # Safety
///
/// `data` is the pointer of a live task whose reference the caller owns.
unsafe fn task_of(data: *const ()) -> ManuallyDrop<RawTask> {
    // SAFETY: a waker's data pointer is a block's pointer (rule 1), never
    // null.
    let ptr = unsafe { NonNull::new_unchecked(data.cast_mut().cast::<Header>()) };
    ManuallyDrop::new(RawTask { ptr })
}

/// `RawWakerVTable::clone`: one more reference.
unsafe fn waker_clone(data: *const ()) -> RawWaker {
    // SAFETY: the waker being cloned owns (or borrows from a `RawTask` that
    // owns) a reference, so the block is alive.
    let task = unsafe { task_of(data) };
    task.header().ref_inc();
    raw_waker(task.ptr)
}

/// `RawWakerVTable::wake`: schedules, giving up the waker's reference (or
/// handing it to the queue entry).
unsafe fn waker_wake(data: *const ()) {
    // SAFETY: the waker owns a reference, which this call takes over.
    let task = ManuallyDrop::into_inner(unsafe { task_of(data) });
    if task.header().schedule_by_val() {
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
