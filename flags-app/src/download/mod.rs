//! The downloader: flags2_common's `main` and the three strategies.
//!
//! [`run`] is the whole program for one download run:
//!
//! 1. With a label (`-s LOCAL|DELAY|ERROR`), start an [`EmbeddedServer`] on a second
//!    thread and take its base URL; with `REMOTE`, the book's site; with a URL, use it.
//! 2. Print the opening lines ([`report::initial_report`]).
//! 3. Hand the codes to the strategy of `--mode`:
//!    [`sequential`] (one runtime, one request at a time), [`threads`] (a worker
//!    thread per connection, each with its own runtime and client) or [`asyncio`]
//!    (one runtime, a task per code, a semaphore of `concurrency` permits,
//!    `as_completed`). Each reports every code's [`Outcome`] to a [`Progress`]
//!    exactly once.
//! 4. Print the summary, errors by cause; the [`Summary`] says whether anything
//!    failed. With `--timeline`, then say where the picture of the run went
//!    ([`timeline`]).
//!
//! One code, in every strategy: `fetch.rs` (the GIF, then with `--names` its
//! `metadata.json`), `naming.rs` (the file name and the save), `failure.rs` (why it
//! failed, in full and as a cause).

pub mod asyncio;
pub mod failure;
pub mod fetch;
pub mod interrupt;
pub mod naming;
pub mod outcome;
pub mod progress;
pub mod report;
pub mod sequential;
pub mod threads;
pub mod timeline;

use std::fmt;
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use http_client::{Client, ClientBuilder};

use crate::config::{DownloadConfig, Mode};
use crate::output::stderr_line;
use crate::save::{SaveError, ensure_dir, remove_stale_temp_files};
use crate::serve::server::{EmbeddedServer, ServeError};
use crate::site::{BadRemoteUrl, Site};
use naming::SaveTo;
use outcome::Tally;
use progress::Progress;
use timeline::TimelineOutcome;

pub use outcome::{Outcome, Status};

/// What every strategy needs besides the codes: where from, where to, how patiently.
#[derive(Debug, Clone)]
pub struct Job {
    /// The base URL, e.g. `http://127.0.0.1:8000/flags`.
    pub base: String,
    /// Where and under which names to save.
    pub save_to: SaveTo,
    /// Each phase of a request (see [`fetch::make_client`]).
    pub timeout: Duration,
    /// Each request as a whole, if limited.
    pub total_timeout: Option<Duration>,
    /// The least time between two request starts (async mode; zero for none).
    pub stagger: Duration,
    /// Most open connections per client, if limited.
    pub max_connections: Option<usize>,
    /// What every client of the run starts from: the trust roots `--cacert` adds. Each
    /// client (one per thread in threads mode) adds the timeouts and limits.
    pub client_base: ClientBuilder,
    /// `--timeline`: the file that the event loops record to.
    pub timeline: Option<PathBuf>,
}

impl Job {
    /// A client with the job's timeouts and connection limit, keeping `concurrency`
    /// idle connections.
    pub fn client(&self, concurrency: usize) -> Client {
        fetch::make_client(self, concurrency)
    }
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The counts; `ok + not_found + errors + skipped` is the number requested.
    pub tally: Tally,
    /// Wall-clock time of the downloads (server start-up excluded).
    pub elapsed: Duration,
    /// With `--timeline`: what became of the file.
    pub timeline: Option<TimelineOutcome>,
}

impl Summary {
    /// Whether every code was either downloaded or found missing, as flags2 judges
    /// success: errors or an interruption make the run fail. So does a timeline
    /// asked for and not written: the user asked for a file and has none.
    pub fn succeeded(&self) -> bool {
        let timeline_written = self.timeline.as_ref().is_none_or(TimelineOutcome::written);
        self.tally.errors == 0 && self.tally.skipped == 0 && timeline_written
    }
}

/// Why a run could not even start.
#[derive(Debug)]
pub enum RunError {
    /// The embedded server did not start.
    Server(ServeError),
    /// The destination directory could not be created.
    Dest(SaveError),
    /// Writing the report to stdout failed.
    Output(io::Error),
    /// `$FLAGS_REMOTE_URL` is not a URL.
    RemoteUrl(BadRemoteUrl),
    /// The `--cacert` file cannot be read or holds no usable CA certificate.
    CaCert {
        /// The file.
        path: PathBuf,
        /// Why.
        why: String,
    },
    /// The downloader's event loop could not be created (the OS refused an
    /// epoll instance or an eventfd: too many open files).
    EventLoop(io::Error),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Server(err) => write!(f, "embedded flag server: {err}"),
            RunError::Dest(err) => err.fmt(f),
            RunError::Output(err) => write!(f, "cannot write the report: {err}"),
            RunError::RemoteUrl(err) => err.fmt(f),
            RunError::CaCert { path, why } => write!(f, "--cacert {}: {why}", path.display()),
            RunError::EventLoop(err) => write!(f, "cannot create the event loop: {err}"),
        }
    }
}

impl std::error::Error for RunError {}

/// Runs a download as the `flags` command does, printing to stdout.
pub fn run(config: &DownloadConfig) -> Result<Summary, RunError> {
    interrupt::install_handler();
    let server = match &config.site {
        Site::Label(label) => {
            let mut chaos = label.chaos();
            if let Some(delay) = config.delay {
                chaos.delay = delay;
            }
            Some((
                label.to_string(),
                EmbeddedServer::start(chaos, config.seed, None).map_err(RunError::Server)?,
            ))
        }
        Site::Remote | Site::Url(_) => None,
    };
    let (site_name, base) = match (&config.site, &server) {
        (_, Some((name, server))) => (name.clone(), server.base_url()),
        (Site::Remote, None) => (
            "REMOTE".to_owned(),
            Site::remote_url().map_err(RunError::RemoteUrl)?,
        ),
        (Site::Url(url), None) => ("URL".to_owned(), url.clone()),
        (Site::Label(label), None) => (label.to_string(), String::new()),
    };
    // A bad --cacert is reported before the run starts, not after its opening lines.
    let client_base = client_base(config)?;
    let mut stdout = io::stdout();
    report::initial_report(
        &mut stdout,
        &site_name,
        &base,
        &config.codes,
        config.concurrency,
    )
    .map_err(RunError::Output)?;
    stdout.flush().map_err(RunError::Output)?;
    let summary = download_with(config, &base, client_base)?;
    report::final_report(
        &mut stdout,
        &summary.tally,
        config.codes.len(),
        summary.elapsed,
    )
    .map_err(RunError::Output)?;
    if let Some(timeline) = &summary.timeline {
        stderr_line(format_args!("{timeline}"));
    }
    drop(server);
    Ok(summary)
}

/// Downloads `config.codes` from `base` with the configured strategy, without the
/// opening and closing reports (the benchmarks call this).
pub fn download(config: &DownloadConfig, base: &str) -> Result<Summary, RunError> {
    download_with(config, base, client_base(config)?)
}

/// [`download`] with every client built from `client_base`.
fn download_with(
    config: &DownloadConfig,
    base: &str,
    client_base: ClientBuilder,
) -> Result<Summary, RunError> {
    ensure_dir(&config.dest).map_err(RunError::Dest)?;
    // Temp files that a killed run left behind (see save.rs).
    remove_stale_temp_files(&config.dest);
    let job = Job {
        base: base.to_owned(),
        save_to: SaveTo {
            dest: config.dest.clone(),
            names: config.names,
        },
        timeout: config.timeout,
        total_timeout: config.total_timeout,
        stagger: config.stagger,
        max_connections: config.max_connections,
        client_base,
        timeline: config.timeline.clone(),
    };
    let recording = job.timeline.as_deref();
    let started = Instant::now();
    let mut progress = Progress::new(config.codes.len(), config.verbose, config.show_progress);
    let codes = &config.codes;
    // Each loop ends after the progress display, so that nothing the runtime
    // says on stderr lands in the middle of a progress bar.
    let (tally, elapsed, loop_ends) = if config.mode == Mode::Threads {
        let ends = threads::download_many(codes, &job, config.concurrency, &mut progress);
        (progress.finish(), started.elapsed(), ends)
    } else {
        let event_loop = timeline::event_loop(recording).map_err(RunError::EventLoop)?;
        if config.mode == Mode::Sequential {
            sequential::download_many(&event_loop, codes, &job, &mut progress);
        } else {
            asyncio::download_many(
                &event_loop,
                codes,
                &job,
                config.concurrency,
                config.saving,
                &mut progress,
            );
        }
        let (tally, elapsed) = (progress.finish(), started.elapsed());
        let end = timeline::end_event_loop(event_loop, recording);
        (tally, elapsed, end.into_iter().collect())
    };
    Ok(Summary {
        tally,
        elapsed,
        timeline: recording.map(|path| TimelineOutcome::from_loops(path, loop_ends)),
    })
}

/// What every client of the run starts from: a builder that trusts the CA certificates of
/// `--cacert`, if given.
fn client_base(config: &DownloadConfig) -> Result<ClientBuilder, RunError> {
    let Some(path) = &config.cacert else {
        return Ok(Client::builder());
    };
    let refused = |why: String| RunError::CaCert {
        path: path.clone(),
        why,
    };
    let pem = std::fs::read(path).map_err(|err| refused(err.to_string()))?;
    Client::builder()
        .add_root_certificate(&pem)
        .map_err(|err| refused(err.to_string()))
}
