//! The task's one allocation: [`TaskCell`], its union [`Stage`], its join
//! part ([`JoinPart`]), and the code that makes the block, finds it behind a
//! header pointer, and frees it.
//!
//! ```text
//!   NonNull<Header> ─┐   (a Waker's data pointer, a queue entry, the task set's
//!                    ▼    entry, a JoinHandle: all point at the same block)
//!   ┌────────────────────────────────────┐  #[repr(C)] TaskCell<F, J>
//!   │ header: Header   (any thread)      │  offset 0, so a pointer to the
//!   ├────────────────────────────────────┤  header is a pointer to the cell
//!   │ stage: UnsafeCell<Stage<F>>        │  a union: the future, then the
//!   │                  (runtime thread)  │  output, in the same bytes
//!   │ join: J                            │  what the joiner needs
//!   └────────────────────────────────────┘
//! ```
//!
//! ## The join part
//!
//! The last field is what the task keeps for whoever awaits it, and the one
//! thing that differs between the two kinds of task:
//!
//! - [`LocalJoin`], for `spawn`: the waker of the task awaiting the
//!   `JoinHandle`. The output itself goes in the stage. Runtime thread only,
//!   like the `JoinHandle` (rule 3).
//! - `RemoteJoin<T>` (`handle/remote_task.rs`), for `Handle::spawn`: an
//!   abort flag, and a small mutex with the awaiter's waker and the phase
//!   of the output. The output itself goes in the stage too; the
//!   `RemoteJoinHandle`, on any thread, takes it from there once the phase
//!   says it is there (the mutex orders the two), so the stage's output
//!   room serves both kinds of task and a remote spawn's block stays small.
//!
//! [`JoinPart`] is what the harness asks of either: is an abort asked for,
//! and keep this result (or drop it) when the task ends.
//!
//! ## Why the stage is a union
//!
//! The natural type, `enum { Running(F), Finished(Output), Consumed }`, adds
//! a tag word that the compiler can rarely fold into `F`, and the header
//! already records the task's life in its lifecycle byte. So the stage is a
//! `union` of the future and the output, and two lifecycle bits say which
//! one is there (rule 8 of `task/mod.rs`). async-task makes the same
//! choice; tokio keeps the enum.
//!
//! ## How small a task is
//!
//! The block's size decides which of the allocator's size classes every
//! task lands in (glibc serves a request of `n` bytes from a chunk of
//! `round_up(n + 8, 16)`, at least 32; the benches' README measures it), so
//! each word counts. On a 64-bit target:
//!
//! | part | bytes | why that small |
//! |---|---:|---|
//! | header | 48 | state word, vtable, remote queue, id: 8 each; spawn site and name share one word (`site.rs`); slot 4 and lifecycle 1 |
//! | stage | the future's size, at least 8 | `Result<(), Ended>` is one word (`ended.rs`) |
//! | join part | 16 | the joiner's waker |
//!
//! A task whose future is 8 bytes or less is a 72-byte block, the largest
//! request served from an 80-byte chunk; async-task's is 64 bytes in the
//! same chunk. A test below pins these sizes, so a field added to the
//! header shows up as a failure that points here.

use std::cell::UnsafeCell;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::ptr::NonNull;
use std::task::Waker;

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::ended::Ended;
use super::header::Header;
use super::lifecycle::StageKind;
use crate::waker_slot::WakerSlot;

/// The whole block; see the module doc. Named `TaskCell` rather than
/// `Cell` so that it is not mistaken for `std::cell::Cell`.
#[repr(C)]
pub(crate) struct TaskCell<F: Future, J = LocalJoin> {
    /// First, so a `NonNull<Header>` is a `NonNull<TaskCell<F, J>>` (rule 1).
    pub(crate) header: Header,
    /// The future, then its result (rules 3 to 8).
    pub(crate) stage: UnsafeCell<Stage<F>>,
    /// What the joiner needs: [`LocalJoin`] or a remote spawn's
    /// `RemoteJoin` (see "The join part").
    pub(crate) join: J,
}

/// The join part of a task made by `spawn`.
pub(crate) struct LocalJoin {
    /// The task awaiting the `JoinHandle`, if one waits. Runtime thread
    /// only (rule 3).
    pub(crate) waker: UnsafeCell<WakerSlot>,
}

/// What the harness (`harness.rs`) asks of a task's join part, for a future
/// whose output is `T`.
pub(crate) trait JoinPart<T>: Sized {
    /// The join part of a task just made.
    fn new() -> Self;

    /// True if the task must be dropped instead of polled: an abort asked
    /// for from another thread (a local abort goes through the lifecycle
    /// byte instead). Read by the harness on the runtime's thread, just
    /// before a poll.
    fn abort_requested(&self) -> bool;

    /// The task has ended with `result`: keep it for the joiner, or drop it
    /// if nobody will read it. Returns the joiner's waker, which the harness
    /// wakes once the task is marked done.
    ///
    /// # Safety
    ///
    /// Called by the harness's `end` only: on the thread that owns the
    /// stage (rule 3), with the stage empty and no reference into it alive.
    unsafe fn keep<F: Future<Output = T>>(
        cell: &TaskCell<F, Self>,
        result: Result<T, Ended>,
    ) -> Option<Waker>;
}

impl<T> JoinPart<T> for LocalJoin {
    fn new() -> LocalJoin {
        LocalJoin {
            waker: UnsafeCell::new(WakerSlot::new()),
        }
    }

    /// Never: `JoinHandle::abort` sets the lifecycle byte, which the loop
    /// reads before it gets here.
    #[inline]
    fn abort_requested(&self) -> bool {
        false
    }

    unsafe fn keep<F: Future<Output = T>>(
        cell: &TaskCell<F, LocalJoin>,
        result: Result<T, Ended>,
    ) -> Option<Waker> {
        let lifecycle = &cell.header.lifecycle;
        if lifecycle.join_interest() {
            // SAFETY: the stage is empty and not borrowed (the caller's
            // promise), so this overwrites nothing that needs dropping;
            // then rule 8's bit.
            unsafe { (*cell.stage.get()).output = ManuallyDrop::new(result) };
            lifecycle.set_stage(StageKind::Output);
        } else {
            // Nobody will read it: drop it now, on this thread (rule 5).
            let _ = catch_unwind(AssertUnwindSafe(move || drop(result)));
        }
        // SAFETY: runtime thread (the caller's promise); no other reference
        // to the join waker exists (the `JoinHandle` only stores into it
        // from `poll_join`, not now).
        unsafe { (*cell.join.waker.get()).take() }
    }
}

/// The future, then how it ended, in the same bytes; the lifecycle byte
/// says which (rule 8). `ManuallyDrop` because a union never drops its
/// fields: the harness (`harness.rs`) does, according to that byte.
pub(crate) union Stage<F: Future> {
    /// The future, pinned in place (rule 6). Bit `STAGE_FUTURE`.
    pub(crate) future: ManuallyDrop<F>,
    /// How it ended, kept until the `JoinHandle` takes it. Bit
    /// `STAGE_OUTPUT` (for a remote spawn: the join part's phase).
    pub(crate) output: OutputSlot<F::Output>,
    /// Neither: the value a `block_on` future's block starts with.
    empty: (),
}

/// The stage's room for how a task whose output is `T` ended.
pub(crate) type OutputSlot<T> = ManuallyDrop<Result<T, Ended>>;

/// Makes the block of a new task around `header` (made with `refs`
/// references and `SCHEDULED` set) and `future`, with join part `J`, and
/// returns the pointer every reference shares (rule 1).
pub(crate) fn allocate<F, J>(header: Header, future: F) -> NonNull<TaskCell<F, J>>
where
    F: Future + 'static,
    J: JoinPart<F::Output>,
{
    let cell = Box::new(TaskCell {
        header,
        stage: UnsafeCell::new(Stage {
            future: ManuallyDrop::new(future),
        }),
        join: J::new(),
    });
    NonNull::from(Box::leak(cell))
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
        join: <LocalJoin as JoinPart<F::Output>>::new(),
    });
    NonNull::from(Box::leak(cell)).cast::<Header>()
}

/// The cell behind a header pointer.
///
/// # Safety
///
/// `ptr` must come from a `TaskCell<F, J>` of this very `F` and `J` (the
/// vtable that calls this is the one made for them), and the block must be
/// alive.
pub(crate) unsafe fn cell<'a, F: Future, J>(ptr: NonNull<Header>) -> &'a TaskCell<F, J> {
    // SAFETY: rule 1 (the pointer has the whole block's provenance) and the
    // caller's promise; only a shared reference is made: the mutable parts
    // are in `UnsafeCell`s, atomics and (for a remote spawn) a mutex.
    unsafe { ptr.cast::<TaskCell<F, J>>().as_ref() }
}

/// `Vtable::dealloc` for `F` and `J`: frees the block.
///
/// # Safety
///
/// The last reference is gone (rule 2) and the block is of this `F` and `J`.
pub(crate) unsafe fn dealloc<F: Future, J>(ptr: NonNull<Header>) {
    let cell = ptr.cast::<TaskCell<F, J>>().as_ptr();
    // SAFETY: the block came from `Box::leak` of a `TaskCell<F, J>` (rule
    // 1), so it was allocated by the global allocator with this type's
    // layout, and nobody else can reach it. Its stage is empty (rule 5),
    // and a union drops nothing anyway, so only the header's `Send` parts
    // and the join part (a join waker, or a remote spawn's mutex and
    // awaiter's waker) are dropped, in place, each once, before the memory
    // is freed. (Field by field rather than `drop(Box::from_raw(..))`, whose
    // drop of the generic cell the compiler left as a call.)
    unsafe {
        debug_assert_eq!((*cell).header.lifecycle.stage(), StageKind::Empty, "rule 5");
        std::ptr::drop_in_place(&raw mut (*cell).header);
        std::ptr::drop_in_place(&raw mut (*cell).join);
        std::alloc::dealloc(cell.cast(), std::alloc::Layout::new::<TaskCell<F, J>>());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    /// A future of exactly `N` bytes whose output is `()`.
    struct Body<const N: usize>([u8; N]);

    impl<const N: usize> Future for Body<N> {
        type Output = ();
        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            Poll::Pending
        }
    }

    /// The sizes the allocator's classes are argued from in the benches'
    /// README ("Bytes per idle task by body size"): a 48-byte header, a
    /// stage of at least one word, a 16-byte join waker. 72 bytes is the
    /// largest request glibc serves from an 80-byte chunk.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_small_task_fits_the_allocators_80_byte_class() {
        assert_eq!(size_of::<Header>(), 48);
        assert_eq!(size_of::<TaskCell<Body<0>>>(), 72);
        assert_eq!(size_of::<TaskCell<Body<8>>>(), 72);
        assert_eq!(size_of::<TaskCell<Body<16>>>(), 80);
        assert_eq!(size_of::<TaskCell<Body<64>>>(), 128);
        assert_eq!(size_of::<TaskCell<Body<256>>>(), 320);
    }
}
