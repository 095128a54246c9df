//! [`Builder`]: the runtime's settings, in one place.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use crate::core::{Core, Settings};
use crate::lints::LintLevel;
use crate::runtime::Runtime;
use crate::timeline::Destination;

/// Settings for a [`Runtime`]. `Runtime::new()` is `Builder::new().build()`.
///
/// ```
/// let rt = runtime::Builder::new().build().unwrap();
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// ```
#[derive(Debug, Default, Clone)]
pub struct Builder {
    /// The cap on `spawn_blocking` threads; `None` is the default,
    /// `min(32, cores + 4)`.
    max_blocking_threads: Option<usize>,
    /// Start with the paused test clock (see [`Builder::start_paused`]).
    start_paused: bool,
    /// The tick trace on or off; `None` reads `RUNTIME_TRACE`.
    trace: Option<bool>,
    /// The slow-poll threshold (`Some(None)` is off); `None` reads
    /// `RUNTIME_SLOW_POLL_MS`, else the build's default.
    slow_poll_threshold: Option<Option<Duration>>,
    /// The lost-waker lint's level; `None` reads `RUNTIME_LOST_WAKER`,
    /// else the build's default.
    lost_waker_lint: Option<LintLevel>,
    /// The self-wake lint's level; `None` reads `RUNTIME_SELF_WAKE`, else
    /// the build's default.
    self_wake_lint: Option<LintLevel>,
    /// Where to write the timeline (`Some(None)`: no timeline); `None`
    /// reads `RUNTIME_TIMELINE`.
    timeline: Option<Option<PathBuf>>,
    /// Record the await tree; `None` reads `RUNTIME_AWAIT_TREE`, else the
    /// build's default.
    await_tree: Option<bool>,
    /// Print the await tree on SIGQUIT; `None` follows `await_tree`.
    sigquit: Option<bool>,
}

impl Builder {
    /// The default settings.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// At most `max` threads run [`spawn_blocking`](crate::spawn_blocking)
    /// jobs at once [ThreadPoolExecutor(max_workers=max)]; further jobs
    /// wait in a queue. The default is asyncio's, `min(32, cores + 4)`. A
    /// `max` of 0 counts as 1.
    ///
    /// ```
    /// let rt = runtime::Builder::new().max_blocking_threads(4).build().unwrap();
    /// let four = rt.block_on(async { runtime::spawn_blocking(|| 2 + 2).await });
    /// assert_eq!(four.unwrap(), 4);
    /// ```
    pub fn max_blocking_threads(&mut self, max: usize) -> &mut Builder {
        self.max_blocking_threads = Some(max);
        self
    }

    /// Starts the runtime's clock paused, for tests (tokio's
    /// `Builder::start_paused`). The clock then moves only through
    /// [`time::advance`](crate::time::advance), or by jumping to the next
    /// timer whenever the loop is idle, so sleeps of days take no real time.
    /// See the [`time`](crate::time) module.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let rt = runtime::Builder::new().start_paused(true).build().unwrap();
    /// let real = Instant::now();
    /// rt.block_on(async { runtime::time::sleep(Duration::from_secs(10 * 86_400)).await });
    /// assert!(real.elapsed() < Duration::from_secs(60), "ten virtual days, not real ones");
    /// ```
    pub fn start_paused(&mut self, paused: bool) -> &mut Builder {
        self.start_paused = paused;
        self
    }

    /// Turns the tick trace on or off [asyncio's debug-mode logging]: one
    /// line per loop event on stderr (see the `trace` module doc in
    /// `runtime/src/trace.rs`). Without this call, `RUNTIME_TRACE=1` in the
    /// environment turns it on.
    pub fn trace(&mut self, on: bool) -> &mut Builder {
        self.trace = Some(on);
        self
    }

    /// Warns on stderr when one poll holds the loop longer than `threshold`
    /// [loop.slow_callback_duration]; `None` turns the warning off. Without
    /// this call, `RUNTIME_SLOW_POLL_MS` decides, and otherwise it is on at
    /// 100 ms in debug builds and off in release builds.
    ///
    /// ```
    /// use std::time::Duration;
    /// let rt = runtime::Builder::new()
    ///     .slow_poll_threshold(Some(Duration::from_millis(50)))
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(async {});
    /// ```
    pub fn slow_poll_threshold(&mut self, threshold: Option<Duration>) -> &mut Builder {
        self.slow_poll_threshold = Some(threshold);
        self
    }

    /// Sets the lost-waker lint [tokio-console's "lost waker"]: a task whose
    /// poll returned `Pending` while it is not queued and no waker for it
    /// exists can never be polled again, and is named in a warning (or, at
    /// [`LintLevel::Deny`], fails the run with a panic out of `block_on`).
    /// Without this call, `RUNTIME_LOST_WAKER=off|warn|deny` decides, and
    /// otherwise it warns in debug builds and is off in release builds.
    ///
    /// ```
    /// use runtime::LintLevel;
    /// let rt = runtime::Builder::new().lost_waker_lint(LintLevel::Deny).build().unwrap();
    /// // Stores its waker in the timer wheel: not lost.
    /// rt.block_on(async { runtime::time::sleep(std::time::Duration::from_millis(1)).await });
    /// ```
    pub fn lost_waker_lint(&mut self, level: LintLevel) -> &mut Builder {
        self.lost_waker_lint = Some(level);
        self
    }

    /// Sets the self-wake lint [tokio-console's "self wakes"]: a task that
    /// woke itself in [`SELF_WAKE_LIMIT`](crate::SELF_WAKE_LIMIT) polls in a
    /// row without waiting for anything else (a busy loop through
    /// `wake_by_ref` or `yield_now`) is named in a warning. Without this
    /// call, `RUNTIME_SELF_WAKE=off|warn|deny` decides, and otherwise it
    /// warns in debug builds and is off in release builds.
    pub fn self_wake_lint(&mut self, level: LintLevel) -> &mut Builder {
        self.self_wake_lint = Some(level);
        self
    }

    /// Records a timeline of every task, poll, wake and wait, and writes it
    /// to `path` when the runtime is dropped: a Chrome Trace Event file for
    /// a `.json` path (Perfetto, `chrome://tracing`), a self-contained page
    /// for `.html`. `None` records nothing. Without this call,
    /// `RUNTIME_TIMELINE=path` in the environment decides. See the
    /// [`timeline`](crate::timeline) module.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("timeline-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("run.json");
    /// let rt = runtime::Builder::new().timeline(Some(path.clone())).build().unwrap();
    /// rt.block_on(async { runtime::spawn(async { 1 }).await.unwrap() });
    /// drop(rt); // writes the file
    /// assert!(std::fs::read_to_string(&path).unwrap().contains("traceEvents"));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn timeline(&mut self, path: Option<impl Into<PathBuf>>) -> &mut Builder {
        self.timeline = Some(path.map(Into::into));
        self
    }

    /// Records, for every live task, what it waits for and since when, so
    /// that [`await_tree::snapshot`](crate::await_tree::snapshot) and SIGQUIT
    /// can say it [asyncio.print_call_graph()]. Without this call,
    /// `RUNTIME_AWAIT_TREE=1` (or `0`) decides, and otherwise it is on in
    /// debug builds and off in release builds, where its clock reads per
    /// poll would show in benchmarks. See the
    /// [`await_tree`](crate::await_tree) module.
    pub fn await_tree(&mut self, on: bool) -> &mut Builder {
        self.await_tree = Some(on);
        self
    }

    /// Makes SIGQUIT (Ctrl-\ at a terminal) print this runtime's await tree
    /// to stderr at its next tick, after which the program goes on [the
    /// JVM's thread dump]. Without this call it is on when the await tree
    /// is recorded ([`await_tree`](Self::await_tree): debug builds, or
    /// `RUNTIME_AWAIT_TREE=1`). The process's handler, and the thread that
    /// answers it, start with the first runtime that has this on (a second
    /// thread costs a single-threaded program glibc's lock-free `malloc`,
    /// which is why release builds do not start it unasked), unless the
    /// program has its own SIGQUIT handler. Without Unix signals (Windows)
    /// there is no handler, and
    /// [`await_tree::print_all`](crate::await_tree::print_all) asks the same
    /// of every loop.
    pub fn sigquit(&mut self, on: bool) -> &mut Builder {
        self.sigquit = Some(on);
        self
    }

    /// Creates the runtime: its epoll instance, its remote-wake eventfd, and
    /// each subsystem's driver (no blocking thread starts before first use).
    ///
    /// # Errors
    ///
    /// The OS refused an epoll instance or an eventfd; or the timeline's
    /// path ends in neither `.json` nor `.html` (`InvalidInput`).
    pub fn build(&self) -> io::Result<Runtime> {
        let defaults = Settings::from_env();
        let settings =
            Settings {
                max_blocking_threads: self
                    .max_blocking_threads
                    .unwrap_or(defaults.max_blocking_threads),
                start_paused: self.start_paused,
                trace: self.trace.unwrap_or(defaults.trace),
                slow_poll: self.slow_poll_threshold.unwrap_or(defaults.slow_poll),
                lost_waker: self.lost_waker_lint.unwrap_or(defaults.lost_waker),
                self_wake: self.self_wake_lint.unwrap_or(defaults.self_wake),
                timeline: match &self.timeline {
                    None => defaults.timeline,
                    Some(None) => None,
                    Some(Some(path)) => Some(Destination::new(path.clone()).map_err(|err| {
                        io::Error::new(io::ErrorKind::InvalidInput, err.to_string())
                    })?),
                },
                await_tree: self.await_tree.unwrap_or(defaults.await_tree),
                sigquit: self.sigquit.or(self.await_tree).unwrap_or(defaults.sigquit),
            };
        Core::build(&settings).map(Runtime::from_core)
    }
}
