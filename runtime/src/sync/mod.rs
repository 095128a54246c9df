//! Tools for tasks to coordinate on one runtime: a [`Semaphore`]
//! [asyncio.Semaphore] and two channels, [`oneshot`] [an asyncio.Future used
//! as a one-time reply] and [`mpsc`] [asyncio.Queue(maxsize)].
//!
//! Everything here is for tasks of one runtime thread: the types are
//! `!Send`, their state sits in a `RefCell`, and no lock or atomic is taken.
//! asyncio's primitives make the same choice ("not thread-safe"); tokio's
//! are `Sync` and pay for it with atomics on every operation.
//!
//! - `semaphore/`: permits, fairness, cancel-safety, and the FIFO queue of
//!   waiters that anyone can leave in O(1).
//! - `oneshot.rs`: one value, one sender, one receiver.
//! - `mpsc.rs`: a bounded queue; its capacity is a `Semaphore`.

pub mod mpsc;
pub mod oneshot;
mod semaphore;

pub use semaphore::{
    AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError,
};
