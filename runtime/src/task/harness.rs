//! The harness: what the loop and the `JoinHandle` do to a task through its
//! vtable. Poll it, end it (completion, panic or cancellation), and hand its
//! output over, each for one future type `F`.
//!
//! ```text
//!   poll ──Pending──> (back to the loop)
//!     │
//!     ├──Ready(output)──┐
//!     └──panic──────────┤
//!   cancel ─────────────┴──> end: drop the future in place, keep the result
//!                            if the JoinHandle wants it, wake the joiner
//!   poll_join ──> the result, once; or store the joiner's waker
//!   drop_join_handle ──> drop the result now, if it was kept
//! ```
//!
//! Each function is generic over `F` (and, for the ones both kinds of task
//! share, over the join part `J`, `layout.rs`) and reached through
//! [`Vtable`], so that code holding only a header pointer (the loop, a
//! `JoinHandle<T>`) can call it. A remote spawn's poll first asks its join
//! part whether another thread asked for an abort; `end` hands the result
//! to the join part, which keeps it where its joiner looks. The rules the
//! comments cite (3 to 8) are in `task/mod.rs`.

use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

use super::ended::Ended;
use super::error::JoinError;
use super::header::Header;
use super::layout::{JoinPart, LocalJoin, TaskCell, cell, dealloc};
use super::lifecycle::StageKind;
use super::raw::Vtable;
use super::waker::raw_waker;
use crate::timeline::hooks;
use ::timeline::{PollOutcome, Wait};

/// What one call of [`RawTask::poll`](super::raw::RawTask::poll) did.
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
    /// The future was dropped instead of polled, because another thread
    /// aborted the task (a remote spawn's abort): the task ended and must
    /// leave the task set.
    Cancelled,
}

impl From<Polled> for PollOutcome {
    /// The timeline's name for the same three results.
    fn from(polled: Polled) -> PollOutcome {
        match polled {
            Polled::Pending => PollOutcome::Pending,
            Polled::Ready => PollOutcome::Ready,
            Polled::Panicked => PollOutcome::Panicked,
            Polled::Cancelled => PollOutcome::Cancelled,
        }
    }
}

/// The vtable of tasks made by `spawn`, whose future is `F`.
pub(crate) fn vtable<F>() -> &'static Vtable
where
    F: Future + 'static,
    F::Output: 'static,
{
    // Promoted to a `static` by the compiler: one table per `F`.
    &Vtable {
        poll: poll::<F, LocalJoin>,
        cancel: cancel::<F, LocalJoin>,
        poll_join: poll_join::<F>,
        drop_join_handle: drop_join_handle::<F>,
        dealloc: dealloc::<F, LocalJoin>,
    }
}

/// The vtable of tasks made by `Handle::spawn`, whose future is `F` and
/// join part `J`. Such a task has no `JoinHandle`, only a
/// `RemoteJoinHandle`, which reaches the join part directly; so the two
/// `JoinHandle` entries are never called.
pub(crate) fn remote_vtable<F, J>() -> &'static Vtable
where
    F: Future + 'static,
    F::Output: 'static,
    J: JoinPart<F::Output> + 'static,
{
    // Promoted to a `static` by the compiler: one table per `F`.
    &Vtable {
        poll: poll::<F, J>,
        cancel: cancel::<F, J>,
        poll_join: no_poll_join,
        drop_join_handle: no_drop_join_handle,
        dealloc: dealloc::<F, J>,
    }
}

/// `Vtable::poll_join` of a remote spawn, which has no `JoinHandle`.
unsafe fn no_poll_join(_: NonNull<Header>, _: *mut (), _: &mut Context<'_>) {
    unreachable!("a remote spawn has no JoinHandle");
}

/// `Vtable::drop_join_handle` of a remote spawn, which has no `JoinHandle`.
unsafe fn no_drop_join_handle(_: NonNull<Header>) {
    unreachable!("a remote spawn has no JoinHandle");
}

/// `Vtable::poll` for `F` and `J`.
///
/// # Safety
///
/// As [`RawTask::poll`](super::raw::RawTask::poll), with a live block of
/// this `F` and `J` whose task has not ended.
unsafe fn poll<F: Future, J: JoinPart<F::Output>>(ptr: NonNull<Header>) -> Polled {
    // SAFETY: the caller's promise.
    let cell = unsafe { cell::<F, J>(ptr) };
    let lifecycle = &cell.header.lifecycle;
    debug_assert_eq!(lifecycle.stage(), StageKind::Future, "an ended task polled");
    if cell.join.abort_requested() {
        // SAFETY: runtime thread, not running (rules 3 and 4), and the stage
        // holds the future (rule 8: the task has not ended).
        unsafe { end(cell, None) };
        return Polled::Cancelled;
    }
    // SAFETY: runtime thread, and not running (rules 3 and 4): nobody else
    // holds a reference into the stage, which holds the future (rule 8: the
    // task has not ended). The future stays at this address until `end`
    // drops it in place (rule 6).
    let future = unsafe { Pin::new_unchecked(&mut *(*cell.stage.get()).future) };
    lifecycle.set_running(true);
    // SAFETY: the block outlives the poll (the loop's queue entry holds a
    // reference); `ManuallyDrop` keeps this borrowed waker from giving up a
    // reference it never took (clones count their own).
    let waker = ManuallyDrop::new(unsafe { Waker::from_raw(raw_waker(ptr)) });
    let mut cx = Context::from_waker(&waker);
    // Rule 7: a panic becomes the task's result (asyncio likewise stores the
    // exception in the Task object); the loop and the other tasks go on.
    let polled = catch_unwind(AssertUnwindSafe(|| future.poll(&mut cx)));
    lifecycle.set_running(false);
    let (result, polled) = match polled {
        Ok(Poll::Pending) => return Polled::Pending,
        Ok(Poll::Ready(output)) => (Ok(output), Polled::Ready),
        Err(payload) => (Err(Ended::panicked(payload)), Polled::Panicked),
    };
    // SAFETY: as above; the mutable reference to the future is gone.
    unsafe { end(cell, Some(result)) };
    polled
}

/// `Vtable::cancel` for `F` and `J`.
///
/// # Safety
///
/// As [`RawTask::cancel`](super::raw::RawTask::cancel), with a live block
/// of this `F` and `J`.
unsafe fn cancel<F: Future, J: JoinPart<F::Output>>(ptr: NonNull<Header>) {
    // SAFETY: the caller's promise.
    let cell = unsafe { cell::<F, J>(ptr) };
    if cell.header.lifecycle.stage() == StageKind::Future {
        // SAFETY: the stage's thread (the caller's promise: rule 3 or its
        // exception), not running (rule 4), and the stage holds the future
        // (rule 8).
        unsafe { end(cell, None) };
    }
}

/// Ends a running task: drops the future in place, hands `result` (or a
/// cancellation when `None`) to the join part, which keeps it if a joiner
/// wants it, and wakes the joiner. A panic in the future's destructor is a
/// cancellation's result too; after `Ready` it is ignored (the task has its
/// output).
///
/// # Safety
///
/// Runtime thread (or the stage's owner before adoption, rule 3), the stage
/// holds the future, and no reference into the stage is alive.
unsafe fn end<F: Future, J: JoinPart<F::Output>>(
    cell: &TaskCell<F, J>,
    result: Option<Result<F::Output, Ended>>,
) {
    let lifecycle = &cell.header.lifecycle;
    let stage = cell.stage.get();
    lifecycle.set_running(true); // rule 4, while the future's Drop runs
    let dropped = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the stage holds the future (the caller's promise); it is
        // dropped in place, not moved (rule 6), once: the bit is cleared
        // below whether or not its destructor panics.
        unsafe { ManuallyDrop::drop(&mut (*stage).future) }
    }));
    lifecycle.set_stage(StageKind::Empty);
    let cancelled = result.is_none();
    let result = match (result, dropped) {
        (Some(result), _) => result,
        (None, Ok(())) => Err(Ended::cancelled()),
        (None, Err(payload)) => Err(Ended::panicked(payload)),
    };
    // SAFETY: the stage's thread (the caller's promise), and the stage is
    // empty (the future was dropped above) and not borrowed.
    let joiner = unsafe { J::keep(cell, result) };
    lifecycle.set_running(false);
    lifecycle.set_done(cancelled);
    if let Some(waker) = joiner {
        waker.wake();
    }
}

/// Takes the output out of a `spawn`ed task's stage, if it holds one (rule
/// 8).
///
/// # Safety
///
/// Runtime thread, not running (rules 3 and 4).
unsafe fn take_output<F: Future>(cell: &TaskCell<F>) -> Option<Result<F::Output, Ended>> {
    let lifecycle = &cell.header.lifecycle;
    if lifecycle.stage() != StageKind::Output {
        return None;
    }
    lifecycle.set_stage(StageKind::Empty);
    // SAFETY: the stage held the output (rule 8), and its bit is already
    // cleared, so it is moved out exactly once.
    Some(unsafe { ManuallyDrop::take(&mut (*cell.stage.get()).output) })
}

/// `Vtable::poll_join` for `F`.
///
/// # Safety
///
/// As [`RawTask::poll_join`](super::raw::RawTask::poll_join); `out` points
/// at a `Poll<Result<F::Output, JoinError>>`.
unsafe fn poll_join<F: Future>(ptr: NonNull<Header>, out: *mut (), cx: &mut Context<'_>) {
    // SAFETY: the caller's promise (a `JoinHandle` is made only by `spawn`,
    // whose blocks have a `LocalJoin`).
    let cell = unsafe { cell::<F, LocalJoin>(ptr) };
    let header = &cell.header;
    if header.lifecycle.is_running() || !header.lifecycle.is_done() {
        // Rule 4: only the join waker, never the stage.
        // SAFETY: runtime thread; nothing else borrows the join waker now.
        let old = unsafe { (*cell.join.waker.get()).register(cx.waker()) };
        drop(old);
        hooks::waits_on(|| Wait::Join { task: header.id.0 });
        return;
    }
    // SAFETY: runtime thread, not running (rules 3 and 4).
    let result = match unsafe { take_output(cell) } {
        Some(Ok(output)) => Ok(output),
        Some(Err(ended)) => Err(ended.into_join_error(header.id)),
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
/// As [`RawTask::drop_join_handle`](super::raw::RawTask::drop_join_handle),
/// with a live block of this `F`.
unsafe fn drop_join_handle<F: Future>(ptr: NonNull<Header>) {
    // SAFETY: the caller's promise, as in `poll_join`.
    let cell = unsafe { cell::<F, LocalJoin>(ptr) };
    let lifecycle = &cell.header.lifecycle;
    lifecycle.drop_join_interest();
    if lifecycle.is_running() {
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
