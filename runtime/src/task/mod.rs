//! Tasks: a future the runtime owns and drives [asyncio.Task].
//!
//! - `header.rs`: the thread-safe half, which is also the waker.
//! - `cell.rs`: the runtime-thread half: the future and its output.
//! - `join.rs`: `JoinHandle` and `JoinError`.
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
pub(crate) mod header;
mod join;
pub(crate) mod set;

pub use builder::{Builder, spawn};
pub use header::TaskId;
pub use join::{JoinError, JoinHandle};
