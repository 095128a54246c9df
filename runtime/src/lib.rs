//! A single-threaded async runtime on mio, written to be read.
//!
//! This crate is the event loop of Fluent Python's "Concurrency with
//! asyncio" chapter, re-built in Rust so that every step can be followed:
//! a task is spawned, polled, parks on a socket or a timer, is woken, and
//! is polled again. Each public item names its asyncio counterpart in
//! brackets, e.g. [`run`] is `asyncio.run`.
//!
//! | asyncio                        | here                                  |
//! |--------------------------------|---------------------------------------|
//! | `asyncio.run(coro)`            | [`run`]                               |
//! | `loop.run_until_complete(f)`   | [`Runtime::block_on`]                 |
//! | `asyncio.create_task(coro)`    | [`spawn`], [`task::Builder`]          |
//! | `asyncio.Task`                 | [`JoinHandle`]                        |
//! | `Task.cancel()`                | [`JoinHandle::abort`]                 |
//! | `asyncio.CancelledError`       | [`JoinError::is_cancelled`]           |
//! | `await asyncio.sleep(0)`       | [`yield_now`]                         |
//! | `await asyncio.sleep(s)`       | [`time::sleep`]                       |
//! | `asyncio.wait_for(aw, timeout)` | [`time::timeout`]                    |
//! | `asyncio.open_connection`      | [`net::TcpStream::connect`]           |
//! | `asyncio.start_server`         | [`net::TcpListener`]                  |
//! | `loop.getaddrinfo(host, port)` | [`net::lookup_host`]                  |
//! | `asyncio.Semaphore`            | [`sync::Semaphore`]                   |
//! | `async with sem:`              | `let _permit = sem.acquire().await?;` |
//! | `asyncio.Queue(maxsize)`       | [`sync::mpsc::channel`]               |
//! | a `Future` set once            | [`sync::oneshot::channel`]            |
//! | `asyncio.gather(*aws)`         | [`future::join_all`]                  |
//! | `asyncio.as_completed(aws)`    | [`future::as_completed`]              |
//! | `asyncio.wait(aws, return_when)` | [`future::wait`], [`future::ReturnWhen`] |
//! | `asyncio.print_call_graph()`, `python -m asyncio pstree PID` | [`await_tree::snapshot`], SIGQUIT |
//! | `wait(..., FIRST_COMPLETED)` of two | [`future::select`]               |
//! | `asyncio.to_thread(f)`, `loop.run_in_executor(None, f)` | [`spawn_blocking`] |
//! | `ThreadPoolExecutor(max_workers)` | [`Builder::max_blocking_threads`]  |
//! | `asyncio.run_coroutine_threadsafe(coro, loop)`, `loop.call_soon_threadsafe` | [`Handle::spawn`] |
//! | `concurrent.futures.Future.result()` | [`RemoteJoinHandle::join`]        |
//! | one `asyncio.run` per thread (tokio: a `current_thread` runtime per thread) | [`loops::Loops`], [`loops::Builder`] |
//! | `loop.call_soon_threadsafe(queue.put_nowait, x)` (tokio: `mpsc::unbounded_channel`) | [`loops::channel`] |
//! | `loop.create_server(..., reuse_port=True)` (tokio: `TcpSocket::set_reuseport`) | [`net::TcpListener::bind_reuseport`] |
//!
//! ## Map of the crate
//!
//! - `runtime.rs`, `builder.rs`: the [`Runtime`] handle and its settings.
//! - `handle/`: [`Handle`], the way in from other threads.
//! - `loops/`: many loops, one per core, and the channel between them.
//! - `event_loop.rs`: one tick of the loop (read this first).
//! - `core.rs`: the loop's own state: its subsystems' handles, its settings.
//! - `context.rs`: the thread-local "running loop": one handle per subsystem.
//! - `task/`: tasks, wakers, `JoinHandle`, and the scheduler (run queue,
//!   remote queue, the wake rule); its module doc lists the task core's
//!   files, one concept each.
//! - `reactor/`: mio, readiness, and the wakers of tasks waiting on sockets.
//! - `net/`: `TcpListener` and `TcpStream`, and `lookup_host`.
//! - `sync/`: `Semaphore`, `oneshot`, `mpsc`.
//! - `future/`: `join_all`, `as_completed`, `wait`, `select`.
//! - `blocking/`: the thread pool behind `spawn_blocking`.
//! - `time/`: the timer wheel, `sleep`, `timeout`, `interval`, the paused clock.
//! - `waker_slot.rs`: where a waiting future leaves its waker (one rule,
//!   used by every leaf future).
//! - `observe.rs`: the one seam where the loop reports what it does; behind
//!   it, `stats.rs`, `trace.rs`, `slow_poll.rs`, `lints/` and `timeline/`
//!   (counters, a line per event, warnings, a picture).
//! - `await_tree/`: every task and what it waits for, asked while the program
//!   runs (and printed on SIGQUIT).
//! - `slab.rs`: values at stable indexes, for the task set and the reactor.
//!
//! ## Example
//!
//! ```
//! let total = runtime::run(async {
//!     let handles: Vec<_> = (1..=3).map(|n| runtime::spawn(async move { n * 10 })).collect();
//!     let mut total = 0;
//!     for handle in handles {
//!         total += handle.await.unwrap();
//!     }
//!     total
//! });
//! assert_eq!(total, 60);
//! ```

pub mod await_tree;
mod blocking;
mod builder;
mod context;
mod core;
mod event_loop;
pub mod future;
mod handle;
mod lints;
pub mod loops;
pub mod net;
mod observe;
mod reactor;
mod runtime;
mod slab;
mod slow_poll;
mod stats;
pub mod sync;
pub mod task;
pub mod time;
pub mod timeline;
mod trace;
mod waker_slot;
mod yield_now;

pub use blocking::spawn_blocking;
pub use builder::Builder;
pub use handle::{Handle, RemoteJoinHandle, SpawnError, TryCurrentError};
pub use lints::{LintLevel, SELF_WAKE_LIMIT};
pub use runtime::{Runtime, run, stats};
pub use stats::Stats;
pub use task::{JoinError, JoinHandle, spawn};
pub use yield_now::yield_now;
