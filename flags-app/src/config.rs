//! Validated settings of a download run and of a server run.
//!
//! The command line ([`crate::cli`]) produces these; the library functions take
//! them, so the benchmarks and tests drive the same code without a command line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::serve::chaos::{Chaos, DelayRange};
use crate::serve::timeouts::Timeouts;
use crate::site::Site;

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
    /// A line per code instead of a progress bar.
    pub verbose: bool,
    /// Draw the progress bar (when stderr is a terminal and not verbose).
    pub progress_bar: bool,
    /// Save on the blocking pool [loop.run_in_executor].
    pub executor: bool,
    /// Save under the country's name [flags3.py].
    pub names: bool,
    /// Destination directory.
    pub dest: PathBuf,
    /// Time allowed per request.
    pub timeout: Duration,
}

/// Everything a server run needs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Serve this tree instead of generated images.
    pub dir: Option<PathBuf>,
    /// Delay and error injection.
    pub chaos: Chaos,
    /// Seed for the injection; `None` seeds from the clock.
    pub seed: Option<u64>,
    /// How long to wait for clients.
    pub timeouts: Timeouts,
}

impl DownloadConfig {
    /// A LOCAL async run of `codes` into `dest` with flags2's defaults, for library
    /// users and benchmarks; adjust the public fields as needed.
    pub fn new(codes: Vec<String>, dest: PathBuf) -> Self {
        DownloadConfig {
            concurrency: 5,
            codes,
            site: Site::Label(crate::site::Label::Local),
            delay: None,
            seed: None,
            mode: Mode::Async,
            verbose: false,
            progress_bar: true,
            executor: false,
            names: false,
            dest,
            timeout: Duration::from_secs_f64(3.1),
        }
    }
}
