//! Tasks: a future the runtime owns and drives [asyncio.Task].
//!
//! A task is one allocation in two parts: the part other threads may hold
//! (the header, which is the waker) and the part only the loop touches (the
//! future, then its output).
//!
//! - `header.rs`: the thread-safe part: the reference count, the
//!   `SCHEDULED` flag and the wake rules; `id.rs`: the task's id.
//! - `raw.rs`: the allocation itself, the waker's vtable, and the `unsafe`
//!   code that reaches the future, under numbered rules.
//! - `schedule.rs`: the scheduler: the run queue, the remote queue and the
//!   push that chooses between them; it also makes tasks.
//! - `join.rs`: `JoinHandle`; `error.rs`: `JoinError`.
//! - `set.rs`: the slab of live tasks the runtime owns (one reference each).
//! - `builder.rs`: `spawn` and `task::Builder`.
//!
//! The life of a task, from the loop's point of view:
//!
//! ```text
//!  spawn ──> queued ──pop──> polled ──Pending──> idle ──wake──> queued ...
//!                              │
//!                              └──Ready / panic / abort──> done: future dropped,
//!                                                         output kept for the JoinHandle
//! ```

mod builder;
mod error;
pub(crate) mod header;
pub(crate) mod id;
mod join;
pub(crate) mod raw;
pub(crate) mod schedule;
mod set;

pub use builder::{Builder, spawn};
pub use error::JoinError;
pub use id::TaskId;
pub use join::JoinHandle;
