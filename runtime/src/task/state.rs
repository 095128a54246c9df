//! The state word: a task's reference count and its `SCHEDULED` flag, the
//! one part of a task that every thread may write.
//!
//! A `std::task::Waker` must be `Send + Sync`: a waker may be cloned into a
//! thread (the blocking pool, a timer thread of some other library) and
//! woken from there. So the only thing a waker touches is this word (and the
//! remote queue it then sends the task through, `remote_queue.rs`).
//!
//! ```text
//!   State: one AtomicUsize
//!   ┌──────────────────────────────────────────────┬───────────┐
//!   │ reference count (bits 1..)                    │ SCHEDULED │
//!   └──────────────────────────────────────────────┴───────────┘
//!     +REF_ONE: a waker clone, a queue entry          bit 0: the task is
//!     -REF_ONE: one of them gone; 0 frees the task    in a queue, or about
//!                                                     to be pushed on one
//! ```
//!
//! The flag sits beside the count so that a wake can set the flag and take
//! a reference for the queue entry in one atomic step. References are held
//! by: the runtime's task set (while the task runs), its `JoinHandle`, every
//! `Waker`, and every queue entry (run queue or remote queue). The last one
//! to go frees the memory (rule 2 in `task/mod.rs`). Counting follows
//! `std::sync::Arc`: increments are `Relaxed` (a new reference is made from
//! an existing one, so nothing can be freed meanwhile), decrements are
//! `Release`, and the one that reaches zero issues an `Acquire` fence
//! before freeing, so every other holder's last use happens before the free.
//!
//! ## Waking (the only thing a waker does)
//!
//! 1. Set `SCHEDULED`: if it was already set the task is queued, and this
//!    wake is absorbed. Two wakes before the task runs schedule it once.
//! 2. The event loop clears `SCHEDULED` *before* it polls the task. A wake
//!    that arrives during the poll therefore queues the task again: no wake
//!    is ever lost.
//! 3. If the waking thread is the runtime's own thread (its current runtime
//!    has the same id), the task is pushed on the local run queue: a
//!    `RefCell<VecDeque>`, no lock, no atomic beyond step 1.
//! 4. Otherwise it is sent through the runtime's remote queue: a crossbeam
//!    channel plus a `mio::Waker` that interrupts `epoll_wait`.
//!
//! Steps 1 and 2 are this file; steps 3 and 4 are `schedule.rs`, next to
//! the queues.
//!
//! ## Memory ordering: a wake happens before the poll it causes
//!
//! A waker on another thread usually writes something first (a counter, a
//! channel slot, a "done" flag) and then wakes; the task's next poll must
//! see that write. Steps 1 and 2 are what order the two, and three rules
//! make them do it:
//!
//! - **W (wake).** Every wake sets `SCHEDULED` with a read-modify-write
//!   that is `Release`. The Release publishes everything the waker wrote
//!   before it. Acquire is not needed: a waker that finds the flag clear
//!   only pushes the task onto a queue, which synchronises by itself (a
//!   `RefCell` on one thread, or the crossbeam channel), and one that finds
//!   it set does nothing more.
//! - **C (clear).** The loop clears the flag with `fetch_and(!SCHEDULED,
//!   Acquire)`, a read-modify-write. An RMW always reads the newest value of
//!   the word, so if a waker's set came first, the clear reads it and its
//!   Acquire *synchronises with* that waker's Release: the poll that follows
//!   sees the waker's writes. If the waker's set came after the clear, the
//!   waker finds the flag clear and queues the task again (step 2). Either
//!   way the poll that answers the wake sees what the waker wrote.
//! - **R (no shortcut).** `wake_by_ref` finding the flag already set still
//!   writes the word back (a compare-exchange of the same value) with
//!   Release; it never skips on a plain `load`. A skipped wake publishes
//!   nothing: even when the flag really is set, the loop's clear then
//!   synchronises only with the earlier wake, and the poll may miss what
//!   this waker wrote before it; and a load may read a set flag that the
//!   loop has already cleared (the clear just is not visible to this thread
//!   yet). `tests/wake_gate.rs` forces the first case (a second wake while
//!   the task is still queued, the loop held until it is done) and under
//!   Miri deadlocks with the skip.
//!
//! Every write to the word after the task is made is a read-modify-write
//! (the reference counting too), so a second waker's write continues the
//! first one's *release sequence*: the loop's next clear synchronises with
//! both. A plain `store` anywhere would break that chain; do not add one.
//!
//! The tempting version is cheaper and wrong: clear with a plain
//! `store(Release)` and let `wake_by_ref` return early when `load(Acquire)`
//! says "scheduled". A store reads nothing, so it synchronises with
//! nothing: the waker can see the old flag and skip, while the poll reads
//! stale data (store-to-load reordering, which even x86 allows).
//! `runtime/tests/wake_race.rs` is the proof: under Miri's weak-memory
//! emulation that version deadlocks in about half of 64 seeds, and with
//! rules C and R in none.
//!
//! tokio keeps the same flag as the `NOTIFIED` bit of its task state word,
//! also beside the reference count. `transition_to_running` clears it with a
//! compare-exchange (AcqRel, the Acquire half being the one that matters
//! here), and `transition_to_notified_by_ref` writes the state back with
//! Release even when `NOTIFIED` is already set, "to pair with the Acquire in
//! transition_to_running": rules C and R. tokio uses AcqRel for every
//! transition because its word also carries the `RUNNING` and `COMPLETE`
//! bits, which its other threads act on; here those live in the lifecycle
//! byte (`lifecycle.rs`), which only the runtime's thread touches, so each
//! side needs only its half.

use std::sync::atomic::{AtomicUsize, Ordering, fence};

/// Bit 0: the task is in a queue, or about to be pushed on one.
const SCHEDULED: usize = 1;
/// One reference, in the upper bits.
const REF_ONE: usize = 2;

/// A task's reference count and `SCHEDULED` flag. Any thread; only ever
/// changed by read-modify-writes (see the module doc).
pub(crate) struct State {
    /// The count in bits 1 and up, `SCHEDULED` in bit 0.
    word: AtomicUsize,
}

impl State {
    /// The word of a new task: `refs` references, already `SCHEDULED` (its
    /// first queue entry is one of the references).
    #[inline]
    pub(crate) fn new(refs: usize) -> State {
        State {
            word: AtomicUsize::new((refs * REF_ONE) | SCHEDULED),
        }
    }

    // ----- the reference count (any thread) -----

    /// Counts one more reference (a waker clone, a queue entry).
    #[inline]
    pub(crate) fn ref_inc(&self) {
        // Relaxed: the caller already holds a reference, so the task cannot
        // be freed meanwhile, and the count publishes nothing (as `Arc`).
        let old = self.word.fetch_add(REF_ONE, Ordering::Relaxed);
        // A count this high can only come from leaked wakers; stop before it
        // wraps into the flag bits (as `Arc` aborts on overflow).
        if old > usize::MAX / 2 {
            std::process::abort();
        }
    }

    /// Gives up one reference. Returns true if it was the last one: the
    /// caller must then free the task.
    #[inline]
    pub(crate) fn ref_dec(&self) -> bool {
        self.ref_dec_by(1)
    }

    /// Gives up `refs` references that one thread holds, in one atomic
    /// operation (the loop gives up a finished task's queue entry and set
    /// references together). Returns true if they were the last ones: the
    /// caller must then free the task.
    #[inline]
    pub(crate) fn ref_dec_by(&self, refs: usize) -> bool {
        // Release: these holders' uses of the task happen before the free.
        let old = self.word.fetch_sub(REF_ONE * refs, Ordering::Release);
        if old & !SCHEDULED != REF_ONE * refs {
            return false;
        }
        // Acquire: synchronises with every other holder's Release above.
        fence(Ordering::Acquire);
        true
    }

    /// The reference count and the `SCHEDULED` flag, read at once, for the
    /// lost-waker lint (`lints/lost_waker.rs`).
    #[inline]
    pub(crate) fn refs_and_scheduled(&self) -> (usize, bool) {
        // Relaxed: the lint needs one value of the word, and coherence keeps
        // it no older than this thread's own changes; it orders nothing.
        let word = self.word.load(Ordering::Relaxed);
        (word / REF_ONE, word & SCHEDULED != 0)
    }

    // ----- scheduling (any thread): rules W, C and R -----

    /// Rule W for a waker given up by value: sets `SCHEDULED`. Returns true
    /// if the task must be pushed on a queue, in which case the waker's
    /// reference becomes the queue entry's; otherwise that reference has
    /// been given up here (never the last one: the queue holds another).
    #[inline]
    pub(crate) fn schedule_by_val(&self) -> bool {
        self.set_scheduled(|current| {
            if current & SCHEDULED == 0 {
                (current | SCHEDULED, true)
            } else {
                (current - REF_ONE, false)
            }
        })
    }

    /// Rules W and R for a waker kept by the caller: sets `SCHEDULED`, or
    /// writes the word back unchanged if it is set. Returns true if the task
    /// must be pushed on a queue, with a new reference taken for the entry.
    #[inline]
    pub(crate) fn schedule_by_ref(&self) -> bool {
        self.set_scheduled(|current| {
            if current & SCHEDULED == 0 {
                ((current + REF_ONE) | SCHEDULED, true)
            } else {
                (current, false)
            }
        })
    }

    /// Rule W's read-modify-write, shared by both wakes: replaces the word
    /// with `step(current)`'s new value by a `Release` compare-exchange,
    /// retried until no other thread changed the word in between, and
    /// returns `step`'s verdict (push the task or not) for the value that won.
    #[inline]
    fn set_scheduled(&self, step: impl Fn(usize) -> (usize, bool)) -> bool {
        let mut current = self.word.load(Ordering::Relaxed);
        loop {
            let (next, push) = step(current);
            match self.word.compare_exchange_weak(
                current,
                next,
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => return push,
                Err(actual) => current = actual,
            }
        }
    }

    /// Rule C: clears `SCHEDULED` just before the loop polls the task.
    /// Runtime thread only.
    #[inline]
    pub(crate) fn clear_scheduled(&self) {
        // Acquire synchronises with the Release of every wake whose set flag
        // this read-modify-write overwrites, so the poll sees what those
        // wakers wrote.
        self.word.fetch_and(!SCHEDULED, Ordering::Acquire);
    }
}
