//! Tasks: a future the runtime owns and drives [asyncio.Task].
//!
//! - `header.rs`: the thread-safe half, which is also the waker; `id.rs`:
//!   the task's id.
//! - `cell.rs`: the runtime-thread half: the future and its output.
//! - `schedule.rs`: the scheduler: the run queue, the remote queue and the
//!   wake rule that chooses between them.
//! - `join.rs`: `JoinHandle`; `error.rs`: `JoinError`.
//! - `set.rs`: the slab of live tasks the runtime owns.
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
pub(crate) mod cell;
mod error;
pub(crate) mod header;
mod id;
mod join;
pub(crate) mod schedule;
pub(crate) mod set;

pub use builder::{Builder, spawn};
pub use error::JoinError;
pub use id::TaskId;
pub use join::JoinHandle;
