//! [`FutureSet`]: N futures of one type, polled only when woken. The engine
//! under `join_all`, `as_completed` and `wait`.
//!
//! Each child sits in its own `Pin<Box<F>>`, so the set itself is `Unpin`
//! and needs no `unsafe` pin projection; `futures::future::join_all` keeps
//! small sets in one pinned boxed slice instead, which saves the
//! allocations but needs `unsafe` to reach each element.

use std::future::Future;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::ready::ReadyQueue;

/// A set of futures with per-child wakers.
pub(crate) struct FutureSet<F: Future> {
    /// Child `i`, until it completes; then `None`.
    futures: Vec<Option<Pin<Box<F>>>>,
    /// Which children woke.
    ready: ReadyQueue,
    /// Children not completed yet.
    remaining: usize,
}

impl<F: Future> FutureSet<F> {
    /// Boxes every future of `iter`; child `i` is the `i`-th item.
    pub(crate) fn new(iter: impl IntoIterator<Item = F>) -> FutureSet<F> {
        let futures: Vec<_> = iter.into_iter().map(|f| Some(Box::pin(f))).collect();
        FutureSet {
            ready: ReadyQueue::new(futures.len()),
            remaining: futures.len(),
            futures,
        }
    }

    /// How many children have not completed.
    pub(crate) fn remaining(&self) -> usize {
        self.remaining
    }

    /// How many children there were in all.
    pub(crate) fn len(&self) -> usize {
        self.futures.len()
    }

    /// Polls woken children until one completes: `Ready(Some((index,
    /// output)))`, or `Ready(None)` if all had completed already.
    pub(crate) fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<(usize, F::Output)>> {
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        let futures = &mut self.futures;
        let found = self.ready.poll_children(cx.waker(), |index, waker| {
            match poll_child(&mut futures[index], waker) {
                Some(output) => ControlFlow::Break((index, output)),
                None => ControlFlow::Continue(()),
            }
        });
        match found {
            Some(done) => {
                self.remaining -= 1;
                Poll::Ready(Some(done))
            }
            None => Poll::Pending,
        }
    }

    /// Polls every woken child once (one batch, see `ready.rs`) and hands
    /// each output to `on_done`, in completion order.
    pub(crate) fn poll_woken(
        &mut self,
        cx: &mut Context<'_>,
        mut on_done: impl FnMut(usize, F::Output),
    ) {
        if self.remaining == 0 {
            return;
        }
        let futures = &mut self.futures;
        let remaining = &mut self.remaining;
        self.ready.poll_children::<()>(cx.waker(), |index, waker| {
            if let Some(output) = poll_child(&mut futures[index], waker) {
                *remaining -= 1;
                on_done(index, output);
            }
            ControlFlow::Continue(())
        });
    }

    /// The children that have not completed, in input order.
    pub(crate) fn into_pending(self) -> Vec<Pin<Box<F>>> {
        self.futures.into_iter().flatten().collect()
    }
}

/// Polls one child with its own waker; drops it once it completes. A stale
/// wake of a finished child finds `None` and does nothing.
fn poll_child<F: Future>(
    slot: &mut Option<Pin<Box<F>>>,
    waker: &std::task::Waker,
) -> Option<F::Output> {
    let future = slot.as_mut()?;
    let output = match future.as_mut().poll(&mut Context::from_waker(waker)) {
        Poll::Ready(output) => output,
        Poll::Pending => return None,
    };
    *slot = None;
    Some(output)
}
