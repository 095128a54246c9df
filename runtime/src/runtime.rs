//! [`Runtime`] [the asyncio event loop] and [`run`] [asyncio.run].

use std::fmt;
use std::future::Future;
use std::io;
use std::panic::Location;

use crate::context;
use crate::core::{Core, Settings};
use crate::handle::Handle;
use crate::stats::Stats;

/// A single-threaded event loop: a run queue of tasks, a reactor for
/// sockets, a timer wheel and a pool of threads for blocking calls.
///
/// `Runtime` is `!Send`: it, its tasks and its sockets live on the thread
/// that made it, like an asyncio loop. Dropping it drops every task that is
/// still alive, which closes their sockets.
pub struct Runtime {
    /// The loop; its subsystems' handles go into the thread-local context
    /// while `block_on` runs.
    core: Core,
}

impl Runtime {
    /// A runtime with the default settings; see [`Builder`](crate::Builder)
    /// for the others.
    pub fn new() -> io::Result<Runtime> {
        Core::build(&Settings::from_env()).map(Runtime::from_core)
    }

    /// Wraps a core (called by the builder).
    pub(crate) fn from_core(core: Core) -> Runtime {
        Runtime { core }
    }

    /// Runs the loop until `future` completes, and returns its output
    /// [loop.run_until_complete]. Spawned tasks run while it waits; the ones
    /// still alive at the end stay in the runtime for the next `block_on`.
    ///
    /// # Panics
    ///
    /// If a runtime is already running on this thread: a nested `block_on`
    /// could only deadlock, so it fails loudly instead. Also re-raises a
    /// panic of `future` itself (a panic of a spawned task goes to its
    /// `JoinHandle` instead).
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.core.block_on(future, Location::caller())
    }

    /// A snapshot of what this runtime has done: tasks, polls, wakes,
    /// ticks, I/O events, timers, blocking threads. See [`Stats`].
    pub fn stats(&self) -> Stats {
        self.core.stats()
    }

    /// A handle that other threads may use to spawn onto this runtime
    /// [the loop that asyncio.run_coroutine_threadsafe takes].
    pub fn handle(&self) -> Handle {
        self.core.handle()
    }

    /// Writes the timeline recorded so far to its file (it is written
    /// anyway when the runtime is dropped). See [`Builder::timeline`](crate::Builder::timeline).
    ///
    /// # Errors
    ///
    /// This runtime records no timeline, or the file could not be written.
    pub fn write_timeline(&self) -> io::Result<crate::timeline::Written> {
        self.core.write_timeline()
    }

    /// How many spawned tasks are alive (not yet finished or cancelled).
    pub fn alive_tasks(&self) -> usize {
        self.core.alive_tasks()
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // Enter the runtime while its tasks are dropped, so that a `Drop`
        // which spawns or wakes finds it. If another runtime is running on
        // this thread (a runtime dropped inside a task), stay out of its way.
        let _guard = if context::is_inside_runtime() {
            None
        } else {
            Some(self.core.enter())
        };
        self.core.shutdown();
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("id", &self.core.id())
            .field("alive_tasks", &self.alive_tasks())
            .finish()
    }
}

/// Builds a runtime, drives `future` to completion, then cancels (drops)
/// every task still alive, and returns the output [asyncio.run].
///
/// # Panics
///
/// If called inside a running runtime, or if the OS refuses to create the
/// loop's epoll instance (asyncio.run raises in both cases).
///
/// # Examples
///
/// ```
/// let n = runtime::run(async {
///     runtime::yield_now().await;
///     7
/// });
/// assert_eq!(n, 7);
/// ```
#[track_caller]
pub fn run<F: Future>(future: F) -> F::Output {
    if context::is_inside_runtime() {
        panic!("{}", context::NESTED_RUNTIME);
    }
    let runtime = match Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => panic!("runtime::run: could not create the event loop: {err}"),
    };
    runtime.block_on(future)
}

/// A snapshot of the running runtime's counters, from inside a task; see
/// [`Runtime::stats`].
///
/// # Panics
///
/// Outside a runtime.
#[track_caller]
pub fn stats() -> Stats {
    context::with("runtime::stats", |handles| handles.stats())
}
