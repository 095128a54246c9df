//! [`Ended`]: why a task has no output, in one word that is never null.
//!
//! A task's stage (`layout.rs`) is a union of the future and
//! `Result<T, Ended>`, so the size of that `Result` is the least room a
//! task's block has. The natural type,
//! `enum { Cancelled, Panicked(Box<dyn Any + Send>) }`, makes
//! `Result<(), Ended>` 24 bytes: a fat pointer and a tag. Here `Ended` is
//! one thin pointer that is never null, and the compiler uses the null
//! value for `Ok`: `Result<(), Ended>` is 8 bytes, and so is a task's stage
//! when its future is that small.
//!
//! ```text
//!   usize::MAX (no allocation) ─────> cancelled
//!   any other address ──────────────> Box<Box<dyn Any + Send>>: the panic payload
//! ```
//!
//! A panic payload, already a fat box, gets one more small box: panics are
//! rare, and the loop already pays for unwinding. A cancellation costs
//! nothing: it is an odd address, which no box of a pointer-aligned type can have (the
//! same sentinel `std`'s `Weak::new` uses), never dereferenced.
//!
//! async-task makes the same choice of room (its output slot is a union
//! with the future), and keeps a panic inside its output type; tokio stores
//! `Result<T, JoinError>` in an enum with the future.

use std::any::Any;
use std::mem::ManuallyDrop;
use std::num::NonZero;
use std::ptr::NonNull;

use super::error::JoinError;
use super::id::TaskId;

/// A panic's payload, as `catch_unwind` gives it.
type Payload = Box<dyn Any + Send + 'static>;

/// The address that means "cancelled". Odd, so no `Box<Payload>` (aligned
/// to a pointer's size) is ever there; never dereferenced.
const CANCELLED: NonZero<usize> = NonZero::<usize>::MAX;

/// Why a task has no output: cancelled, or the payload of its panic. See
/// the module doc. Turned into a [`JoinError`] (which adds the task's id)
/// when the joiner reads it.
pub(crate) struct Ended {
    /// [`CANCELLED`], or a `Box<Payload>` from `Box::into_raw`, owned.
    ptr: NonNull<Payload>,
}

// SAFETY: an `Ended` owns at most a `Box<Payload>`, and `Payload` is `Send`;
// the sentinel owns nothing.
unsafe impl Send for Ended {}

impl Ended {
    /// Aborted, or dropped at shutdown, before it finished.
    pub(crate) fn cancelled() -> Ended {
        Ended {
            ptr: NonNull::without_provenance(CANCELLED),
        }
    }

    /// The future panicked with `payload`.
    pub(crate) fn panicked(payload: Payload) -> Ended {
        Ended {
            ptr: NonNull::from(Box::leak(Box::new(payload))),
        }
    }

    /// True for a cancellation, false for a panic.
    pub(crate) fn is_cancelled(&self) -> bool {
        self.ptr.addr() == CANCELLED
    }

    /// The joiner's error, for the task `id`.
    pub(crate) fn into_join_error(self, id: TaskId) -> JoinError {
        let ended = ManuallyDrop::new(self);
        if ended.is_cancelled() {
            return JoinError::cancelled(id);
        }
        // SAFETY: not the sentinel, so `ptr` is the box `panicked` leaked,
        // owned by this `Ended`, which is not dropped (`ManuallyDrop`), so
        // the box is taken back exactly once.
        let payload = unsafe { Box::from_raw(ended.ptr.as_ptr()) };
        JoinError::panic(id, *payload)
    }
}

impl Drop for Ended {
    fn drop(&mut self) {
        if !self.is_cancelled() {
            // SAFETY: as in `into_join_error`; `drop` runs once.
            drop(unsafe { Box::from_raw(self.ptr.as_ptr()) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_result_of_a_unit_task_is_one_word() {
        assert_eq!(size_of::<Ended>(), size_of::<usize>());
        assert_eq!(size_of::<Result<(), Ended>>(), size_of::<usize>());
    }

    #[test]
    fn each_cause_becomes_its_join_error() {
        let id = TaskId(7);
        let cancelled = Ended::cancelled().into_join_error(id);
        assert!(cancelled.is_cancelled());
        assert_eq!(cancelled.id(), id);
        let panicked = Ended::panicked(Box::new("boom")).into_join_error(id);
        assert!(panicked.is_panic());
        assert_eq!(panicked.to_string(), "task 7 panicked: boom");
        // Dropped without being read: the payload's box is freed (Miri and
        // the leak checker would say so otherwise).
        drop(Ended::panicked(Box::new(String::from("unread"))));
        drop(Ended::cancelled());
    }
}
