//! [`WakerSlot`]: where a future leaves the waker of the task that waits.
//!
//! Every leaf future that can return `Pending` (a socket read, a sleep, a
//! semaphore acquire, a channel receive, a `JoinHandle`, a blocking job's
//! result) stores its task's waker somewhere, for whoever will make it ready
//! to call. Two rules apply to that store, everywhere:
//!
//! 1. **Replace only when it would wake someone else** (CONTRIBUTING.md). A
//!    task's waker stays the same from poll to poll, so `will_wake` nearly
//!    always says "same task" and the store is a comparison, not a clone (a
//!    clone of one of our wakers is an atomic increment; of another
//!    executor's, who knows). The waker does change when a future moves to
//!    another task, or is polled through a combinator's per-child waker.
//! 2. **Drop the old waker after the borrow ends** ("wake after the
//!    borrow", CONTRIBUTING.md). Dropping a
//!    waker can run code (the last reference to a task goes, and the task's
//!    memory with it; another executor's waker can do anything), and that
//!    code may reach back into the very `RefCell` or mutex that holds the
//!    slot. So [`WakerSlot::register`] hands the replaced waker back instead
//!    of dropping it, and `#[must_use]` reminds the caller to drop it last.
//!
//! ```text
//!   let old = slot.register(cx.waker());   // under the borrow or lock
//!   drop(guard);                            // release it
//!   drop(old);                              // now the old waker may run code
//! ```
//!
//! Taking the waker to wake it follows rule 2 too: [`WakerSlot::take`] under
//! the borrow, `wake()` after it. Where a waker is always present (a timer
//! entry in the wheel holds one from insertion to firing), [`replace`]
//! applies the same two rules to a plain `Waker`.
//!
//! tokio has the same helper for its `Sync` primitives, `AtomicWaker`, which
//! adds a small lock-free state machine so that registering and waking can
//! race across threads; ours sits behind the caller's `RefCell` or mutex,
//! so it is a plain `Option`.

use std::task::Waker;

/// The waker of the task waiting on something, or nothing. See the module
/// doc for the two rules.
#[derive(Debug, Default)]
pub(crate) struct WakerSlot {
    /// The stored waker; `None` when nobody waits.
    waker: Option<Waker>,
}

impl WakerSlot {
    /// An empty slot.
    pub(crate) const fn new() -> WakerSlot {
        WakerSlot { waker: None }
    }

    /// A slot holding `waker`.
    pub(crate) fn with(waker: Waker) -> WakerSlot {
        WakerSlot { waker: Some(waker) }
    }

    /// Stores `waker` unless the stored one wakes the same task (rule 1),
    /// and returns the waker it replaced, to be dropped by the caller after
    /// it releases the borrow that reached this slot (rule 2).
    #[must_use = "drop the replaced waker after releasing the borrow (rule 2)"]
    pub(crate) fn register(&mut self, waker: &Waker) -> Option<Waker> {
        match &mut self.waker {
            Some(stored) => replace(stored, waker),
            None => {
                self.waker = Some(waker.clone());
                None
            }
        }
    }

    /// Takes the waker out, to wake it (or drop it) after the borrow ends.
    #[must_use = "wake or drop the waker after releasing the borrow (rule 2)"]
    pub(crate) fn take(&mut self) -> Option<Waker> {
        self.waker.take()
    }

    /// A clone of the stored waker, to wake it after the borrow or lock
    /// ends while leaving it registered (a combinator's parent stays
    /// registered for its next child).
    pub(crate) fn clone_waker(&self) -> Option<Waker> {
        self.waker.clone()
    }
}

/// Rules 1 and 2 for a waker that is always present: replaces `stored` with
/// `waker` unless both wake the same task, and returns the old one for the
/// caller to drop after its borrow ends.
#[must_use = "drop the replaced waker after releasing the borrow (rule 2)"]
pub(crate) fn replace(stored: &mut Waker, waker: &Waker) -> Option<Waker> {
    if stored.will_wake(waker) {
        None
    } else {
        Some(std::mem::replace(stored, waker.clone()))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::task::Wake;

    use super::*;

    /// A waker that does nothing; its `Arc`'s count shows the clones.
    struct Noop;

    impl Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }

    #[test]
    fn registering_the_same_waker_again_replaces_nothing() {
        let noop = Arc::new(Noop);
        let waker = Waker::from(Arc::clone(&noop));
        let mut slot = WakerSlot::new();
        assert!(
            slot.register(&waker).is_none(),
            "an empty slot replaces nothing"
        );
        let refs = Arc::strong_count(&noop);
        assert!(slot.register(&waker).is_none());
        assert_eq!(Arc::strong_count(&noop), refs, "no clone for the same task");
    }

    #[test]
    fn registering_another_tasks_waker_hands_back_the_old_one() {
        let first = Waker::from(Arc::new(Noop));
        let second = Waker::from(Arc::new(Noop));
        let mut slot = WakerSlot::with(first.clone());
        let old = slot.register(&second).expect("the first waker comes back");
        assert!(old.will_wake(&first));
        assert!(
            slot.take()
                .expect("the second is stored")
                .will_wake(&second)
        );
        assert!(slot.take().is_none(), "take empties the slot");
    }
}
