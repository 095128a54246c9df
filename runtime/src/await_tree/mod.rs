//! The await tree: which tasks a loop has, and what each one waits for,
//! asked while the program runs [`asyncio.print_call_graph()`, `python -m
//! asyncio ps PID` and `pstree PID`].
//!
//! ```
//! use std::time::Duration;
//!
//! let rt = runtime::Builder::new().await_tree(true).build().unwrap();
//! rt.block_on(async {
//!     let sleeper = runtime::task::Builder::new()
//!         .name("sleeper")
//!         .spawn(runtime::time::sleep(Duration::from_secs(60)));
//!     runtime::yield_now().await; // the sleeper's first poll
//!     let tree = runtime::await_tree::snapshot().expect("inside a runtime");
//!     let task = tree.tasks().iter().find(|t| t.name() == Some("sleeper")).unwrap();
//!     assert!(matches!(task.awaits(), [runtime::await_tree::Await::Timer { .. }]));
//!     eprintln!("{tree}"); // the tree; `tree.table()` is the table
//!     sleeper.abort();
//! });
//! ```
//!
//! From outside, SIGQUIT (Ctrl-\ at a terminal) makes every loop of the
//! process print its tree to stderr, and the program goes on, as the JVM and
//! Go do with their thread and goroutine dumps (`sigquit.rs`). The handler
//! comes with the recording: on in debug builds, and wherever
//! `RUNTIME_AWAIT_TREE=1`; [`Builder::sigquit`](crate::Builder::sigquit)
//! decides otherwise.
//!
//! ## What a task's entry says
//!
//! Its id, name and spawn location (what the task header already keeps for
//! traces), its [`TaskState`] (running, queued, waiting) and how long it has
//! been in it, and, when it waits, what for ([`Await`]): a socket and the
//! readiness, a timer and when it is due, a semaphore permit, a channel, a
//! blocking job, or another task's `JoinHandle`. The `JoinHandle` waits are
//! the tree's edges: a task hangs under the task that awaits it (recorded
//! on the child at the first `Pending` poll of its handle, and kept until
//! the child ends, since a combinator such as `as_completed` polls only
//! the children that woke), and the future given to `block_on` is the first
//! root. A task nobody awaits is a
//! root of its own, as asyncio's `pstree` draws a task nobody awaits.
//!
//! ## How a wait is known while it is pending
//!
//! Every leaf future that returns `Pending` already tells the timeline what
//! it waits for, at the one place it stores its waker (the reactor, the
//! timer driver, the semaphore, the channels, the blocking pool's slot, the
//! `JoinHandle`): `hooks::waits_on` in `timeline/hooks.rs`. That call tests
//! one thread-local word, `WATCH`, which now has a third bit, `TREE`; with
//! it set, the wait is also pushed on this thread's list of the current
//! poll's waits (`board.rs`). When the poll ends `Pending`, the observer
//! moves that list into the task's entry on the loop's board (`board.rs`);
//! the entry stays true until the task is woken (its state becomes queued)
//! or polled again. So a wait is recorded when it starts, by the future that
//! knows what it is, and read only when someone asks.
//!
//! The other way would cost nothing at all while nobody asks: walk every
//! place that holds a waker (the reactor's slots, the wheel, the wait lists)
//! when the tree is taken, and turn each waker back into its task. But a
//! semaphore or a channel belongs to the program, not to the loop, so the
//! loop cannot find them; and "how long" needs a clock reading when the wait
//! began. Recording costs a few map updates and one clock read per poll
//! (measured with callgrind, `RUNTIME_AWAIT_TREE=1
//! benches/callgrind-row.sh spawn_many this`: `spawn_many` 1.7 times the
//! instructions, `yield_many` 3.1 times), so it is behind a flag fixed when the runtime is
//! built, like the slow-poll warning: **on in debug builds, off in release
//! builds**.
//! `RUNTIME_AWAIT_TREE=1` (or `0`) and
//! [`Builder::await_tree`](crate::Builder::await_tree) override it. Off, the
//! observer's one `watched` branch per report is all that is paid (the same
//! branch the trace and the timeline share), and a tree lists no tasks but
//! says that the recording is off.
//!
//! ## Parts
//!
//! - `board.rs`: the per-loop record (one entry per live task) and the
//!   thread-local list of the current poll's waits.
//! - `snapshot.rs`: the public types a tree is made of ([`AwaitTree`],
//!   [`TaskInfo`], [`TaskState`], [`Await`]).
//! - `render.rs`: the two renderings, a tree (like `pstree`) and a table
//!   (like `ps`).
//! - `current.rs`: the tree of the loop running on this thread.
//! - `status.rs`: what a loop shares with the SIGQUIT thread, and how it
//!   answers a request to print.
//! - `sigquit.rs`: the SIGQUIT handler, the thread that answers it, and the
//!   list of the process's loops.
//!
//! ## What production runtimes do
//!
//! tokio's task dump (`Handle::dump`, unstable, `--cfg tokio_unstable
//! tokio_taskdump`, Linux only) polls every task once in a tracing mode
//! and records the backtrace of each leaf that returns `Pending`: the whole
//! stack of `async fn`s, not just the leaf, at the price of a special poll.
//! tokio-console streams every spawn, poll and wake to a separate terminal
//! program through `tracing`. Python 3.14 reads a running interpreter's
//! memory from outside (`python -m asyncio ps PID`). The JVM and Go print
//! every thread's or goroutine's stack on SIGQUIT. Ours knows the leaf only
//! (not the `async fn`s above it), and needs no extra tool.

pub(crate) mod board;
mod current;
mod render;
pub(crate) mod sigquit;
mod snapshot;
mod status;

pub use snapshot::{Await, AwaitTree, TaskInfo, TaskState};

use std::io::Write;

/// The await tree of the loop running on this thread, taken now; `None`
/// outside a runtime [asyncio.print_call_graph() finds the running loop
/// the same way]. The task calling it shows as running.
///
/// If the runtime records no await tree (release builds, by default; see
/// the module doc), the tree has no tasks and
/// [`is_recorded`](AwaitTree::is_recorded) says so.
pub fn snapshot() -> Option<AwaitTree> {
    current::tree()
}

/// Asks every loop of the process to print its await tree to stderr at its
/// next tick, as SIGQUIT does, and returns at once. A thread of its own
/// waits up to a second for the answers and then names each loop that did
/// not answer and what it is doing (see `sigquit.rs`). Works on every
/// platform, with or without signals; only loops built with
/// [`Builder::sigquit`](crate::Builder::sigquit) on answer (by default, the
/// loops that record their tree).
pub fn print_all() {
    let asked = std::thread::Builder::new()
        .name("runtime-await-tree".into())
        .spawn(sigquit::print_all_and_wait);
    // No thread (the process is out of them): ask and do not wait.
    if asked.is_err() {
        sigquit::ask_all();
    }
}

/// The environment variable that turns the recording on (`1`) or off (`0`).
pub(crate) const AWAIT_TREE_ENV: &str = "RUNTIME_AWAIT_TREE";

/// `RUNTIME_AWAIT_TREE`, else the build's default: on in debug builds,
/// except under Miri, whose runs of the task and wake tests it would only
/// slow down (the board is safe code, with no atomics of the wake protocol
/// in it). A value other than `0` or `1` is said on stderr and ignored.
pub(crate) fn enabled_by_env() -> bool {
    let default = cfg!(debug_assertions) && !cfg!(miri);
    match std::env::var(AWAIT_TREE_ENV) {
        Ok(value) => match value.trim() {
            "1" => true,
            "0" => false,
            other => {
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "warning: ignoring {AWAIT_TREE_ENV}={other:?}: expected 1 or 0"
                );
                default
            }
        },
        Err(_) => default,
    }
}
