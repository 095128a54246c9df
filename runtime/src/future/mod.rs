//! Waiting on many futures at once: [`join_all`] [asyncio.gather],
//! [`as_completed`] [asyncio.as_completed], [`wait`] [asyncio.wait] and
//! [`select`].
//!
//! Each takes any futures: plain `async` blocks, which then run inside the
//! awaiting task, or [`JoinHandle`](crate::JoinHandle)s of spawned tasks,
//! which run on their own as asyncio's Tasks do.
//!
//! ## Only the woken child is polled
//!
//! A combinator is one future holding N children. Polling all N on every
//! wake costs N² polls when N children complete one at a time (10,000
//! downloads: 100 million polls). Here every child gets a waker of its own
//! that records the child's index in a ready list before it wakes the
//! combinator's task; the combinator then polls exactly the listed
//! children. Each child is polled once to start and once per wake, so the
//! total grows linearly with N (`tests/future.rs` counts it). This is how
//! `futures::stream::FuturesUnordered` works, and what asyncio gets for
//! free: each Task's completion calls back into `gather`/`wait` by name.
//!
//! ## Parts
//!
//! - `ready.rs`: the per-child wakers and the ready list.
//! - `set.rs`: N boxed children of one type, polled through the ready list.
//! - `join_all.rs`, `as_completed.rs`, `wait.rs`: the three set combinators.
//! - `select.rs`: two futures of different types, and [`Either`].

mod as_completed;
mod join_all;
mod ready;
mod select;
mod set;
mod wait;

pub use as_completed::{AsCompleted, as_completed};
pub use join_all::{JoinAll, join_all};
pub use select::{Either, Select, SelectOutput, select};
pub use wait::{ReturnWhen, Wait, WaitResult, wait};
