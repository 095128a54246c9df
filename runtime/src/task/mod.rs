//! Tasks: a future the runtime owns and drives [asyncio.Task].
//!
//! The life of a task, from the loop's point of view:
//!
//! ```text
//!  spawn ──> queued ──pop──> polled ──Pending──> idle ──wake──> queued ...
//!                              │
//!                              └──Ready / panic / abort──> done: future dropped,
//!                                                         output kept for the JoinHandle
//! ```
//!
//! ## Parts
//!
//! The task core, one concept per file, in the order a reader meets them:
//!
//! - `state.rs`: the state word, the one part every thread writes: the
//!   reference count and the `SCHEDULED` flag, with the wake rules W, C and
//!   R and their memory orderings.
//! - `lifecycle.rs`: the lifecycle byte, written only by the runtime's
//!   thread: running, finished, cancelled, abort requested, join interest,
//!   and what the stage holds.
//! - `header.rs`: the `Header` that holds both, with the
//!   task's id, name and spawn location; `site.rs` packs the last two into
//!   one word.
//! - `layout.rs`: the one allocation (`TaskCell`: header, stage, join
//!   part), its union stage, the join part of a local task (the
//!   `JoinHandle`'s waker) and what the harness asks of any join part, and
//!   the block's allocation and free, and how small it all is;
//!   `ended.rs`: why a task has no output (cancelled, or its panic), in
//!   one word.
//! - `harness.rs`: poll, complete, cancel, and hand the output to the
//!   `JoinHandle`, for one future type, behind the vtable.
//! - `raw.rs`: `RawTask`, a counted reference, and the vtable.
//! - `waker.rs`: the `RawWaker` vtable of every task.
//!
//! and around it:
//!
//! - `remote_queue.rs`: the way in from other threads (wakes, spawned tasks,
//!   calls) and why nothing sent is left behind a sleeping loop;
//! - `schedule.rs`: the scheduler: the run queue, the drain of the remote
//!   queue and the push that chooses between the two; it also makes tasks,
//!   and adopts the ones made on other threads (`Handle::spawn`, whose join
//!   part is in `handle/remote_task.rs`).
//! - `set.rs`: the live tasks the runtime owns (one reference each).
//! - `join.rs`: `JoinHandle`; `error.rs`: `JoinError`; `id.rs`: `TaskId`.
//! - `builder.rs`: `spawn` and `task::Builder`.
//!
//! ## Why the core has `unsafe` code
//!
//! To save allocations: a spawned task is one `Box` of a `TaskCell<F, J>`,
//! where `async-task` and tokio also make one, instead of the three it would
//! take with safe code (an `Arc` for the waker's part, an `Rc` for the
//! loop's part, a `Box` to pin the future). The `unsafe` blocks of the core
//! are in `layout.rs`, `harness.rs`, `raw.rs` and `waker.rs` (and the two
//! packed words of `site.rs` and `ended.rs`), with the calls
//! of `RawTask`'s `unsafe fn`s in `join.rs`, `schedule.rs` and the event
//! loop. Miri runs the task and waker tests over them (see CONTRIBUTING.md).
//!
//! ## The block
//!
//! ```text
//!   one allocation, reached through a NonNull<Header>
//!   +--------------------------------------+
//!   | Header   (Send + Sync: any thread)   |  <- a Waker's data pointer
//!   |   state: State                       |     refcount + SCHEDULED
//!   |   lifecycle: Lifecycle               |     runtime thread only
//!   |   id, slot, spawn site (+ name)      |
//!   |   remote: Arc<RemoteQueue>           |     the way back to the loop
//!   |   vtable: the future type's fns      |
//!   +--------------------------------------+
//!   | the loop's part (runtime thread only)|
//!   |   stage: the future, then its output |
//!   +--------------------------------------+
//!   | the join part                        |
//!   |   spawn: the JoinHandle's waker      |     runtime thread only
//!   |   Handle::spawn: an abort flag, and  |     any thread (an atomic,
//!   |     a mutex with the output's phase  |     a mutex)
//!   |     and the awaiter's waker          |
//!   +--------------------------------------+
//! ```
//!
//! ## Rules
//!
//! 1. **Provenance.** The block is made by `Box::leak` and every pointer to
//!    it (`RawTask`, a waker's data pointer) is a copy of that pointer,
//!    cast, never one taken from a reference to the header. So a pointer to
//!    the header may be cast back to the whole cell, and `Box::from_raw`
//!    may take it back.
//! 2. **Lifetime.** The block lives while its reference count (the header's
//!    state word, `state.rs`) is above zero. Each `RawTask` value owns one
//!    reference and each `Waker` owns one; whoever gives up the last calls
//!    `dealloc`, on whatever thread it is.
//! 3. **Who touches the stage and the join waker: the runtime's thread
//!    only.** They are reached only through the `unsafe fn`s of `RawTask`,
//!    whose callers are the scheduler, the loop and the `JoinHandle`: all
//!    three `!Send`, made on the runtime's thread, so they can only be used
//!    there. Other threads hold wakers and queue entries, which touch the
//!    header's atomics and nothing else. The loop checks, before each poll,
//!    that the task belongs to it (the runtime id in the header). Two
//!    exceptions, both for a task made on another thread by
//!    `Handle::spawn`, whose future and output are `Send`: until the loop
//!    adopts it, its stage belongs to whoever holds its spawn message
//!    (`SpawnedTask`, `remote_queue.rs`), which cancels it if it is dropped
//!    unadopted; and its join part (`RemoteJoin`) is any thread's, being an
//!    atomic flag and a mutex, under which its phase says when the task's
//!    output is in the stage: from then on the output belongs to the
//!    `RemoteJoinHandle`, which takes it on its own thread (the loop no
//!    longer touches the stage once the task has ended).
//! 4. **No stage access while the future runs.** While the future is polled
//!    or dropped, the `RUNNING` bit is set and the loop holds a mutable
//!    reference into the stage. Code the future runs may reach its own
//!    `JoinHandle` (a task can hold its own handle), so `poll_join` and
//!    `drop_join_handle` check `RUNNING` first and touch only the lifecycle
//!    byte and the join waker then.
//! 5. **The stage is empty before the block can be freed off the runtime's
//!    thread.** `F` and its output need not be `Send`, and the last
//!    reference may be a waker dropped on another thread. So the future is
//!    dropped the moment the task ends, and the output when the
//!    `JoinHandle` takes it or goes; both on the runtime's thread. The task
//!    set and the `JoinHandle` hold references until then, so a `dealloc`
//!    elsewhere finds the stage empty and frees only the header's `Send`
//!    parts and the join part. (A remote spawn's output, `Send`, is taken or
//!    dropped by its `RemoteJoinHandle`, which holds a reference until then.)
//! 6. **Pinning.** The future never moves: it is written into the block at
//!    spawn and dropped in place (`ManuallyDrop::drop`), never moved out.
//! 7. **Panics.** A panic in `poll` or in a destructor of the future or the
//!    output is caught, so it cannot unwind through the raw-pointer code
//!    and leave a half-written stage.
//! 8. **The lifecycle byte says what the stage holds.** `STAGE_FUTURE`: the
//!    future, from spawn until `end` drops it. `STAGE_OUTPUT`: the output,
//!    from `end` (if a `JoinHandle` wants it) until the handle takes or
//!    drops it. Neither: nothing, which is also how a `block_on` future's
//!    block starts and how every block ends (rule 5). Each bit is cleared
//!    right after its value is moved out or dropped, and set right after it
//!    is written. A remote spawn's output is the exception: its join part's
//!    phase records it (rule 3), and the stage bits stay clear after `end`.
//!
//! ## What tokio does differently
//!
//! tokio's `RawTask` has the same shape (a header with a vtable, a `Core`
//! with the future, a `Trailer` with the join waker and the links of its
//! intrusive task list), split the same way (`state.rs`, `core.rs`,
//! `harness.rs`, `raw.rs`, `waker.rs`). It keeps its
//! `RUNNING`/`COMPLETE`/`JOIN_INTEREST` bits in the same atomic word as the
//! reference count, because any of its worker threads may run a task; ours
//! has one thread, so those bits are a separate byte that only that thread
//! touches.

mod builder;
pub(crate) mod ended;
mod error;
mod harness;
pub(crate) mod header;
pub(crate) mod id;
mod join;
pub(crate) mod layout;
pub(crate) mod lifecycle;
pub(crate) mod raw;
pub(crate) mod remote_queue;
pub(crate) mod schedule;
mod set;
mod site;
mod state;
mod waker;

pub use builder::{Builder, spawn};
pub use error::JoinError;
pub(crate) use harness::Polled;
pub use id::TaskId;
pub use join::JoinHandle;
