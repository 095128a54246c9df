//! Validated settings of a download run and of a server run.
//!
//! The command line ([`crate::cli`]) produces these; the library functions take
//! them, so the benchmarks and tests drive the same code without a command line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::serve::chaos::{Chaos, DelayRange};
use crate::serve::timeouts::Timeouts;
use crate::serve::tls::TlsFiles;
use crate::site::{Label, Site};

/// The book's `timeout=3.1`, for each phase of a request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(3100);

/// The flag server's default listen backlog, tokio's (and the runtime's).
pub const DEFAULT_BACKLOG: u32 = 1024;

/// httpx's default limit on an `AsyncClient`'s open connections
/// (`Limits(max_connections=100)`).
pub const HTTPX_MAX_CONNECTIONS: usize = 100;

/// The download strategy, one per book script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// flags2_sequential: one request at a time.
    Sequential,
    /// flags2_threadpool: a pool of OS threads, each running its own runtime.
    Threads,
    /// flags2_asyncio: one runtime, a semaphore and `as_completed`.
    Async,
}

/// Where async mode saves the files (see `download/asyncio.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Saving {
    /// On the blocking pool, awaited [flags2_asyncio's `asyncio.to_thread`].
    #[default]
    Thread,
    /// On the blocking pool, not awaited [flags2_asyncio_executor's
    /// `loop.run_in_executor`]: `--executor`.
    Executor,
    /// In the download task, on the event loop [the first edition]: `--save-on-loop`.
    OnLoop,
}

/// Everything a download run needs.
#[derive(Debug, Clone)]
pub struct DownloadConfig {
    /// Upper-case codes to download, sorted and unique.
    pub codes: Vec<String>,
    /// Where to download from.
    pub site: Site,
    /// Embedded server only: a delay replacing the label's.
    pub delay: Option<DelayRange>,
    /// Embedded server only: the seed of its random decisions.
    pub seed: Option<u64>,
    /// The strategy.
    pub mode: Mode,
    /// Concurrent requests actually used (already capped by mode and code count).
    pub concurrency: usize,
    /// A line per code instead of the progress display.
    pub verbose: bool,
    /// Show progress on stderr (a bar on a terminal, plain lines otherwise); the
    /// benchmarks turn it off.
    pub show_progress: bool,
    /// Where async mode saves the files.
    pub saving: Saving,
    /// Fetch `metadata.json` and save under the country's name [flags3.py].
    pub names: bool,
    /// Destination directory.
    pub dest: PathBuf,
    /// Time allowed for each phase of a request (connect, write, each read, waiting
    /// for a connection), as httpx's `timeout=`.
    pub timeout: Duration,
    /// Time allowed for each request as a whole; `None` (the default) for no limit.
    pub total_timeout: Option<Duration>,
    /// `--stagger`: the least time between two request starts (async mode); zero
    /// for none.
    pub stagger: Duration,
    /// Most connections each client opens at once: [`HTTPX_MAX_CONNECTIONS`], as the
    /// book's `httpx.AsyncClient`, so that above `-m 100` requests wait for a
    /// connection as the book's do. `None` lifts the limit (the benchmarks measure 194
    /// connections at once). Not on the command line.
    pub max_connections: Option<usize>,
    /// A PEM file of CA certificates to trust for an https site besides the system's
    /// (`--cacert`).
    pub cacert: Option<PathBuf>,
    /// `--timeline`: record the download's event loops to this `.html` or `.json`
    /// file (see `download/timeline.rs`); `None` leaves it to `RUNTIME_TIMELINE`.
    pub timeline: Option<PathBuf>,
}

/// Everything a server run needs: one server, or the book's three (`--book`), in one
/// process and serving the same images.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The servers to run.
    pub servers: Vec<ServerSpec>,
    /// Serve this tree instead of the built-in flags.
    pub dir: Option<PathBuf>,
    /// Seed for the injection (each server's is this plus its index); `None` seeds
    /// from the clock.
    pub seed: Option<u64>,
    /// How long every server waits for clients.
    pub timeouts: Timeouts,
    /// Serve https with this certificate and key (`--tls-cert`, `--tls-key`); every server
    /// of the run does.
    pub tls: Option<TlsFiles>,
    /// Event loops serving in parallel (`--workers`), at least 1; each runs every
    /// server of the run on its own listening socket.
    pub workers: usize,
}

/// One server of a [`ServeConfig`].
#[derive(Debug, Clone, PartialEq)]
pub struct ServerSpec {
    /// The book's label it stands for (`--book`), or `None` for a plain `flags serve`.
    pub label: Option<Label>,
    /// Address to listen on; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Delay and error injection.
    pub chaos: Chaos,
    /// The listen backlog: how many connections the kernel queues before the server
    /// accepts them (a burst beyond it has SYNs dropped and retried after 1 s, 3 s, ...).
    pub backlog: u32,
}

impl DownloadConfig {
    /// A LOCAL async run of `codes` into `dest` with flags2's defaults, for library
    /// users and benchmarks; adjust the public fields as needed.
    pub fn new(codes: Vec<String>, dest: PathBuf) -> Self {
        DownloadConfig {
            concurrency: 5,
            codes,
            site: Site::Label(Label::Local),
            delay: None,
            seed: None,
            mode: Mode::Async,
            verbose: false,
            show_progress: true,
            saving: Saving::Thread,
            names: false,
            dest,
            timeout: DEFAULT_TIMEOUT,
            total_timeout: None,
            stagger: Duration::ZERO,
            max_connections: Some(HTTPX_MAX_CONNECTIONS),
            cacert: None,
            timeline: None,
        }
    }
}
