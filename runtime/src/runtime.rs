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

    /// Drops the runtime as `drop` does, and returns what became of its
    /// timeline instead of saying it on stderr: for a program that says it
    /// itself, once, after ending several runtimes that record to one file
    /// (one per thread). The file holds every task, to the cancellations of
    /// the ones still alive, as after `drop`.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("timeline-finish-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let rt = runtime::Builder::new().timeline(Some(dir.join("run.html"))).build().unwrap();
    /// rt.block_on(async { runtime::yield_now().await });
    /// let written = rt.finish_timeline().unwrap(); // nothing on stderr
    /// assert_eq!(std::fs::metadata(&written.path).unwrap().len(), written.bytes);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// This runtime records no timeline, or the file could not be written.
    pub fn finish_timeline(self) -> io::Result<crate::timeline::Written> {
        let _guard = self.enter_for_shutdown();
        self.core.shutdown();
        match self.core.finish_timeline() {
            Some((_, result)) => result.map_err(|err| io::Error::other(err.to_string())),
            None => Err(io::Error::other(
                "this runtime records no timeline (see Builder::timeline and RUNTIME_TIMELINE)",
            )),
        }
        // `self` is dropped here: the shutdown finds nothing left, and the
        // timeline is not written again.
    }

    /// Enters the runtime while its tasks are dropped, so that a `Drop`
    /// which spawns or wakes finds it; unless another runtime is running on
    /// this thread (a runtime dropped inside a task): then stays out of its
    /// way.
    fn enter_for_shutdown(&self) -> Option<context::EnterGuard> {
        if context::is_inside_runtime() {
            None
        } else {
            Some(self.core.enter())
        }
    }

    /// How many spawned tasks are alive (not yet finished or cancelled).
    pub fn alive_tasks(&self) -> usize {
        self.core.alive_tasks()
    }
}

impl Drop for Runtime {
    /// Drops every task, then writes the timeline, if one is recorded, and
    /// says on stderr where.
    fn drop(&mut self) {
        let _guard = self.enter_for_shutdown();
        self.core.shutdown();
        if let Some((destination, result)) = self.core.finish_timeline() {
            crate::timeline::report(&destination.path, &result);
        }
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
