//! [`RawTask`]: one counted reference to a task, and the [`Vtable`] through
//! which code that does not know the future's type reaches it.
//!
//! Every holder of a task (the task set, a queue entry, a `JoinHandle`)
//! holds a `RawTask`; a `Waker` holds the same pointer without the type
//! (`waker.rs`). Cloning one counts a reference and dropping one gives it
//! up (`state.rs`); the last one frees the block (`layout.rs`). The methods
//! that reach the stage are `unsafe fn`s whose callers promise the
//! runtime's thread (rule 3 of `task/mod.rs`); they call the harness
//! (`harness.rs`) through the vtable.

use std::cell::UnsafeCell;
use std::future::Future;
use std::panic::Location;
use std::ptr::NonNull;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::error::JoinError;
use super::harness::{Polled, remote_vtable, vtable};
use super::header::{Header, MAIN_SLOT};
use super::id::TaskId;
use super::layout::{self, JoinPart, OutputSlot};
use super::remote_queue::RemoteQueue;
use super::waker::WakerRef;

/// The functions that know a task's future type, one table per type
/// (`harness::vtable`).
pub(crate) struct Vtable {
    /// Polls the future once.
    pub(crate) poll: unsafe fn(NonNull<Header>) -> Polled,
    /// Drops the future, as a cancellation (abort, runtime shutdown).
    pub(crate) cancel: unsafe fn(NonNull<Header>),
    /// `JoinHandle<F::Output>::poll`: writes a
    /// `Poll<Result<F::Output, JoinError>>` to the pointer.
    pub(crate) poll_join: unsafe fn(NonNull<Header>, *mut (), &mut Context<'_>),
    /// The `JoinHandle` is dropped: drops the output if it is stored.
    pub(crate) drop_join_handle: unsafe fn(NonNull<Header>),
    /// Frees the block.
    pub(crate) dealloc: unsafe fn(NonNull<Header>),
}

/// What a `RemoteJoinHandle` holds of a block whose future type it does
/// not know, so could not find its parts behind the header: made by
/// [`RawTask::new_remote`].
pub(crate) struct RemoteParts<J, T> {
    /// The handle's reference to the task.
    pub(crate) task: RawTask,
    /// The block's join part.
    pub(crate) join: NonNull<J>,
    /// The stage's room for the output, which the join part's phase says
    /// is filled (rule 3's exception in `task/mod.rs`).
    pub(crate) output: NonNull<OutputSlot<T>>,
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
        let header = Header::new(3, vtable::<F>(), remote, id, slot, name, spawned_at);
        let ptr = layout::allocate::<F, layout::LocalJoin>(header, future).cast::<Header>();
        [RawTask { ptr }, RawTask { ptr }, RawTask { ptr }]
    }

    /// Makes the block of a task spawned from another thread
    /// (`Handle::spawn`), on that thread, in one allocation whose join part
    /// is `J`. Three references, as for [`RawTask::new`]: the task set's and
    /// the first queue entry's (returned here; both travel to the loop in
    /// the spawn message, `remote_queue.rs`) and the `RemoteJoinHandle`'s, in
    /// [`RemoteParts`] with the addresses that handle needs. The task set
    /// slot is chosen when the loop adopts the task.
    ///
    /// Inlined into `Handle::spawn`: returned through memory, its five
    /// words are written in halves and read back whole, a store-forwarding
    /// stall on every remote spawn.
    #[inline]
    pub(crate) fn new_remote<F, J>(
        future: F,
        remote: Arc<RemoteQueue>,
        id: TaskId,
        spawned_at: &'static Location<'static>,
    ) -> ([RawTask; 2], RemoteParts<J, F::Output>)
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
        J: JoinPart<F::Output> + 'static,
    {
        let header = Header::new(3, remote_vtable::<F, J>(), remote, id, 0, None, spawned_at);
        let block = layout::allocate::<F, J>(header, future);
        let cell = block.as_ptr();
        // SAFETY: `cell` is the live block just made, and nothing else
        // reaches it yet. The two addresses are taken without making a
        // reference (the output is not there yet), and keep the block's
        // provenance (rule 1); neither is null, being inside the block.
        let (join, output) = unsafe {
            let stage = UnsafeCell::raw_get(&raw const (*cell).stage);
            (
                NonNull::new_unchecked(&raw mut (*cell).join),
                NonNull::new_unchecked(&raw mut (*stage).output),
            )
        };
        let ptr = block.cast::<Header>();
        let handle = RemoteParts {
            task: RawTask { ptr },
            join,
            output,
        };
        ([RawTask { ptr }, RawTask { ptr }], handle)
    }

    /// Makes the block that stands for a `block_on` future: a header (so the
    /// future gets a waker like any task's) and an empty stage. Two
    /// references: `block_on`'s and the first queue entry's.
    pub(crate) fn new_main(
        remote: Arc<RemoteQueue>,
        called_at: &'static Location<'static>,
    ) -> [RawTask; 2] {
        /// The type the block's vtable is made for; nothing of it is stored.
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
        let ptr = layout::allocate_main::<Nothing>(header);
        [RawTask { ptr }, RawTask { ptr }]
    }

    /// Takes over the reference that `ptr` stands for.
    ///
    /// # Safety
    ///
    /// `ptr` is a block's pointer (rule 1) and the caller owns one of its
    /// references, which the new value now owns.
    pub(crate) unsafe fn from_ptr(ptr: NonNull<Header>) -> RawTask {
        RawTask { ptr }
    }

    /// Gives up this reference and `other`, another reference to the same
    /// task, with one atomic operation where two drops would take two.
    ///
    /// # Panics
    ///
    /// If `other` is another task's.
    pub(crate) fn drop_with(self, other: RawTask) {
        assert!(self.ptr_eq(&other), "two references to one task");
        let this = std::mem::ManuallyDrop::new(self);
        std::mem::forget(other);
        if this.header().state.ref_dec_by(2) {
            // SAFETY: those were the last two references (rule 2), so nobody
            // else can reach the block.
            unsafe { (this.header().vtable.dealloc)(this.ptr) }
        }
    }

    /// The block's pointer, which a waker carries as its data.
    pub(crate) fn ptr(&self) -> NonNull<Header> {
        self.ptr
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
    /// (rules W and R in `state.rs`).
    pub(crate) fn schedule(&self) {
        if self.header().state.schedule_by_ref() {
            // `schedule_by_ref` counted a new reference for the queue entry.
            super::schedule::push(RawTask { ptr: self.ptr });
        }
    }

    /// The task's waker, borrowed from this reference: it counts no
    /// reference of its own until it is cloned, so polling with it costs no
    /// atomic operation, and its lifetime keeps it from outliving `self`.
    pub(crate) fn waker_ref(&self) -> WakerRef<'_> {
        WakerRef::new(self)
    }

    /// Polls the future once.
    ///
    /// # Safety
    ///
    /// On the task's runtime thread (rule 3), not from inside the task's own
    /// poll (the loop polls one task at a time), and the task has not ended
    /// (`lifecycle.is_done()` is false).
    pub(crate) unsafe fn poll(&self) -> Polled {
        // SAFETY: passed on from the caller.
        unsafe { (self.header().vtable.poll)(self.ptr) }
    }

    /// Drops the future as a cancellation, if it has not ended.
    ///
    /// # Safety
    ///
    /// On the task's runtime thread (rule 3), not from inside the task's own
    /// poll; or, for a task made by `Handle::spawn` that its loop never
    /// adopted, by the holder of its spawn message (rule 3's exception).
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

impl Clone for RawTask {
    fn clone(&self) -> RawTask {
        self.header().state.ref_inc();
        RawTask { ptr: self.ptr }
    }
}

impl Drop for RawTask {
    fn drop(&mut self) {
        if self.header().state.ref_dec() {
            // SAFETY: that was the last reference (rule 2), so nobody else
            // can reach the block.
            unsafe { (self.header().vtable.dealloc)(self.ptr) }
        }
    }
}
