//! Per-child wakers: how a combinator learns *which* of its children woke.
//!
//! A combinator of N futures is one task; the runtime only knows to poll
//! that task. The naive combinator then polls all N children on every wake,
//! and N children woken one at a time cost N² polls. Instead each child is
//! polled with its own waker, a [`ChildWaker`], which does two things:
//!
//! ```text
//!   child i wakes ──> ChildWaker { index: i }
//!                       1. queued.swap(true)? already listed -> stop
//!                       2. lock; ready.push(i); clone the parent's waker; unlock
//!                       3. parent.wake()      (the combinator's task is queued)
//!
//!   parent polled ──> ReadyQueue::poll_children
//!                       takes the `ready` list in one lock (a batch), and for
//!                       each index: queued = false, then poll child i only
//! ```
//!
//! `queued` is cleared *before* the child is polled, so a wake during that
//! poll lists the child again: no wake is lost. The orderings are a task's
//! `SCHEDULED` flag's (rules W, C and R in `task/state.rs`): a wake sets the
//! flag with `swap(true, Release)`, the parent clears it with
//! `swap(false, Acquire)` just before it polls the child, so a child woken
//! from another thread is polled with everything its waker wrote visible,
//! even when the waker found the flag still set and did not list it again.
//!
//! ## Fairness: one batch (plus one refill) per call
//!
//! A call polls what was listed when it started, then refills the batch
//! once and polls that, and stops. Children woken after that wait for the
//! next poll of the parent, which their wake has already queued; so a child
//! that wakes itself in a loop cannot keep the parent's poll from returning.
//! If the caller stops early (it got the output it wanted), the rest of the
//! batch is kept for the next call.
//!
//! ## Implementation
//!
//! A waker must be `Send + Sync` (a JoinHandle's waker, say, may be held by
//! another thread), so the list is behind a `Mutex`, held only for a push or
//! a swap, and the flag is atomic. This is `futures::FuturesUnordered`'s
//! design, simplified: it keeps each child in an intrusive, atomic linked
//! list of tasks (a lock-free "ready to run" queue) and reuses the child's
//! node as its waker; we keep a `Vec` of indices under a mutex.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Wake, Waker};

use crate::waker_slot::WakerSlot;

/// What the parent and all child wakers share.
#[derive(Default)]
struct Shared {
    /// The list and the parent's waker, locked together for a wake.
    inner: Mutex<Inner>,
}

/// The locked part of [`Shared`].
#[derive(Default)]
struct Inner {
    /// Indices of children woken since the parent last took the list.
    ready: Vec<usize>,
    /// The waker of the task that polls the combinator.
    parent: WakerSlot,
}

impl Shared {
    /// Locks the list; no code panics under this lock.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The waker given to child `index`.
struct ChildWaker {
    /// Which child this is.
    index: usize,
    /// True while `index` is in the ready list (or in the parent's batch,
    /// not yet polled). Set by wakes (Release), cleared by the parent
    /// (Acquire), only ever by swaps.
    queued: AtomicBool,
    /// The list to push onto.
    shared: Arc<Shared>,
}

impl Wake for ChildWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Release: publishes the waker's writes to the parent's clear.
        if self.queued.swap(true, Ordering::Release) {
            return; // listed already; that wake also woke the parent
        }
        let parent = {
            let mut inner = self.shared.lock();
            inner.ready.push(self.index);
            inner.parent.clone_waker()
        };
        if let Some(parent) = parent {
            parent.wake();
        }
    }
}

/// The parent's side: one waker per child and the batch being worked on.
/// Lives inside the combinator, on the runtime thread.
pub(crate) struct ReadyQueue {
    /// Shared with every child waker.
    shared: Arc<Shared>,
    /// Child `i`'s waker, made once, and its flag (the same `Arc`).
    children: Vec<(Arc<ChildWaker>, Waker)>,
    /// Indices taken from the shared list, polled in wake order.
    batch: Vec<usize>,
    /// How far into `batch` the parent has got.
    pos: usize,
}

impl ReadyQueue {
    /// A queue for `n` children, all listed as ready (each must be polled
    /// once to start).
    pub(crate) fn new(n: usize) -> ReadyQueue {
        let shared = Arc::new(Shared::default());
        let children = (0..n)
            .map(|index| {
                let child = Arc::new(ChildWaker {
                    index,
                    queued: AtomicBool::new(true),
                    shared: Arc::clone(&shared),
                });
                let waker = Waker::from(Arc::clone(&child));
                (child, waker)
            })
            .collect();
        ReadyQueue {
            shared,
            children,
            batch: (0..n).collect(),
            pos: 0,
        }
    }

    /// Stores the parent's waker, unless the stored one wakes the same task.
    fn register(&self, parent: &Waker) {
        let old = self.shared.lock().parent.register(parent);
        drop(old); // after the lock (`waker_slot.rs`)
    }

    /// Calls `poll_child(i, waker_of_i)` for each woken child, in wake
    /// order, until it breaks or the batch and one refill are done (see
    /// "Fairness"). Returns the break value, if any.
    pub(crate) fn poll_children<R>(
        &mut self,
        parent: &Waker,
        mut poll_child: impl FnMut(usize, &Waker) -> ControlFlow<R>,
    ) -> Option<R> {
        self.register(parent);
        let mut refilled = false;
        loop {
            while let Some(&index) = self.batch.get(self.pos) {
                self.pos += 1;
                let (child, waker) = &self.children[index];
                // Acquire, and a swap rather than a store: synchronises
                // with every wake whose `true` it overwrites.
                child.queued.swap(false, Ordering::Acquire);
                if let ControlFlow::Break(out) = poll_child(index, waker) {
                    return Some(out);
                }
            }
            if refilled {
                break;
            }
            refilled = true;
            self.batch.clear();
            self.pos = 0;
            std::mem::swap(&mut self.shared.lock().ready, &mut self.batch);
            if self.batch.is_empty() {
                break;
            }
        }
        // Children woken during this call are listed and have woken the
        // parent; if the parent's wake was spent on this very poll, wake it
        // again so that they are not stranded.
        if !self.shared.lock().ready.is_empty() {
            parent.wake_by_ref();
        }
        None
    }
}
