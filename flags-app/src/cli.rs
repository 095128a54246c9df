//! The command line: `flags [OPTIONS] [CC]...` and `flags serve [OPTIONS]` [flags2_common.py].
//!
//! clap parses the words and the types; [`Cli::into_command`] then applies the rules
//! clap cannot express (flags2's checks on `--limit`, `--max-req` and the CC
//! arguments) and produces a validated [`Command`]. Every way of getting the command
//! line wrong ends the same way, via [`crate::usage`]: `*** Usage error: ...`, the
//! usage line, exit status 2 ([`usage_error_text`], [`clap_error_text`]).

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, CommandFactory, Parser, Subcommand};

use crate::codes::{CodeRequest, expand_cc_args};
use crate::config::{DownloadConfig, HTTPX_MAX_CONNECTIONS, Mode, Saving, ServeConfig};
use crate::serve::chaos::DelayRange;
use crate::site::Site;
use crate::usage::{UsageError, clap_usage_text, usage_text};

mod serve;
mod timeout;

pub use serve::ServeArgs;
use timeout::{MAX_TIMEOUT_SECS, timeout_secs};

/// Most concurrent requests allowed, as flags2's `MAX_CONCUR_REQ`.
pub const MAX_CONCUR_REQ: i64 = 1000;

/// The longest `--stagger`, in milliseconds: ten seconds between requests is
/// already a crawl.
const MAX_STAGGER_MS: f64 = 10_000.0;

/// Download flags of the world's countries, sequentially, from a thread pool, or
/// with async I/O on this project's own runtime (Fluent Python's flags2 family).
///
/// With no CC arguments, downloads the flags of the 20 most populous countries.
/// With -s LOCAL (the default), DELAY or ERROR, a flag server starts inside the
/// program; no set-up is needed. -s REMOTE downloads from the book's site over https.
#[derive(Debug, Parser)]
#[command(
    name = "flags",
    version,
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  flags -a                      all 194 flags from the embedded LOCAL server\n  flags -s REMOTE               the book's 20 flags from its site, over https\n  flags -s DELAY -m 100 -a      the same, each response delayed 0.5 to 5 s\n  flags -s ERROR -v B C         BA..BZ and CA..CZ, a quarter of requests failing\n  flags --names br ci           flags3: save as Brazil.gif, Côte_d'Ivoire.gif\n  flags --timeline run.html     a timeline of the download: every task, poll and wait\n  flags serve                   the flag server on port 8000, for a browser or the book's scripts\n  flags serve --book            the book's LOCAL, DELAY and ERROR servers on 8000, 8001, 8002"
)]
pub struct Cli {
    /// Run the flag server instead of downloading.
    #[command(subcommand)]
    pub command: Option<Subcommands>,
    /// The download options (used when there is no subcommand).
    #[command(flatten)]
    pub download: DownloadArgs,
}

/// Subcommands of `flags`.
#[derive(Debug, Subcommand)]
pub enum Subcommands {
    /// Serve flag images over HTTP (for curl, a browser, the book's scripts).
    Serve(ServeArgs),
}

/// Options of the download command, as flags2_common plus this project's own.
#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// Country code, or first letter (e.g. B for BA..BZ).
    #[arg(value_name = "CC")]
    pub cc: Vec<String>,
    /// Get all available flags (AD to ZW).
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Get flags for every possible code (AA...ZZ).
    #[arg(short = 'e', long)]
    pub every: bool,
    /// Limit to N first codes.
    #[arg(short = 'l', long, value_name = "N", allow_negative_numbers = true)]
    pub limit: Option<i64>,
    /// Maximum concurrent requests [default: 1 sequential, 30 threads, 5 async; at most 1000].
    #[arg(
        short = 'm',
        long = "max-req",
        value_name = "N",
        allow_negative_numbers = true
    )]
    pub max_req: Option<i64>,
    /// Server: LOCAL, DELAY or ERROR (embedded server), REMOTE (the book's site,
    /// https://www.fluentpython.com/data/flags; $FLAGS_REMOTE_URL replaces it), or an
    /// http:// or https:// base URL.
    // This text is also `--help`'s, where a rustdoc link's `<...>` would show.
    #[allow(rustdoc::bare_urls)]
    #[arg(short = 's', long, value_name = "LABEL|URL", default_value = "LOCAL")]
    pub server: String,
    /// A CA certificate (PEM) to trust for an https:// site, besides the system's
    /// [curl --cacert, which replaces them instead].
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Output a line per code instead of the progress display.
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Download strategy: flags2_sequential, flags2_threadpool or flags2_asyncio.
    #[arg(long, value_enum, default_value_t = Mode::Async)]
    pub mode: Mode,
    /// Save files on the blocking pool without awaiting the save
    /// [loop.run_in_executor, flags2_asyncio_executor] (async mode; by default the
    /// save is awaited, as asyncio.to_thread in flags2_asyncio).
    #[arg(long)]
    pub executor: bool,
    /// Save files inside the download task, blocking the event loop while the disk
    /// works [the first edition] (async mode).
    #[arg(long)]
    pub save_on_loop: bool,
    /// Fetch each country's metadata.json after its flag and save under its name,
    /// e.g. Brazil.gif [flags3_asyncio.py].
    #[arg(long)]
    pub names: bool,
    /// Directory for the downloaded files.
    #[arg(long, value_name = "DIR", default_value = "downloaded")]
    pub dest: PathBuf,
    /// Seconds allowed for each phase of a request: connecting, sending it, each wait
    /// for more of the response, waiting for a free connection [httpx's timeout=3.1].
    #[arg(long, value_name = "SECS", default_value_t = 3.1)]
    pub timeout: f64,
    /// Seconds allowed for each request as a whole [default: no limit].
    #[arg(long, value_name = "SECS")]
    pub total_timeout: Option<f64>,
    /// Start requests at least MS milliseconds apart (async mode), as a slower client
    /// does: the book's httpx opens about one connection per 0.8 ms, which a server
    /// with a listen backlog of 5 can take [default: 0, no pacing].
    #[arg(
        long,
        value_name = "MS",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    pub stagger: f64,
    /// Embedded server only: delay per request instead of the label's.
    #[arg(long, value_name = "MIN[..MAX]")]
    pub delay: Option<DelayRange>,
    /// Embedded server only: seed for its delays and errors.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Record a timeline of the download (every task, poll, wake and wait) to FILE:
    /// a page for a browser (.html) or Chrome Trace JSON for Perfetto (.json).
    #[arg(long, value_name = "FILE")]
    pub timeline: Option<PathBuf>,
}

/// A validated command.
#[derive(Debug, Clone)]
pub enum Command {
    /// Download flags.
    Download(DownloadConfig),
    /// Run the server.
    Serve(ServeConfig),
}

impl Cli {
    /// Applies the checks clap cannot express.
    pub fn into_command(self) -> Result<Command, UsageError> {
        match self.command {
            Some(Subcommands::Serve(args)) => args.into_config().map(Command::Serve),
            None => self.download.into_config().map(Command::Download),
        }
    }
}

/// The usage line of `flags`, as clap renders it.
fn usage_line() -> String {
    Cli::command().render_usage().to_string()
}

/// What to print for one of our usage errors.
pub fn usage_error_text(error: &UsageError) -> String {
    usage_text(error, &usage_line())
}

/// What to print for one of clap's errors, in the same shape.
pub fn clap_error_text(error: &clap::Error) -> String {
    clap_usage_text(error, &usage_line())
}

impl DownloadArgs {
    /// The download configuration, or the first rule broken.
    pub fn into_config(self) -> Result<DownloadConfig, UsageError> {
        let usage = |message: String| UsageError::new(message);
        if matches!(self.limit, Some(limit) if limit < 1) {
            return Err(usage("--limit N must be >= 1".into()));
        }
        let max_req = self.max_req.unwrap_or(self.mode.default_concur_req());
        if !(1..=MAX_CONCUR_REQ).contains(&max_req) {
            return Err(usage(format!(
                "--max-req N must be between 1 and {MAX_CONCUR_REQ}"
            )));
        }
        let Some(timeout) = timeout_secs(self.timeout) else {
            return Err(usage(format!(
                "--timeout SECS must be above 0 and at most {MAX_TIMEOUT_SECS}"
            )));
        };
        let total_timeout = match self.total_timeout.map(timeout_secs) {
            None => None,
            Some(Some(total)) => Some(total),
            Some(None) => {
                return Err(usage(format!(
                    "--total-timeout SECS must be above 0 and at most {MAX_TIMEOUT_SECS}"
                )));
            }
        };
        if !(0.0..=MAX_STAGGER_MS).contains(&self.stagger) {
            return Err(usage(format!(
                "--stagger MS must be between 0 and {MAX_STAGGER_MS}"
            )));
        }
        if self.stagger > 0.0 && self.mode != Mode::Async {
            return Err(usage("--stagger applies to --mode async".into()));
        }
        let site: Site = self.server.parse().map_err(|err| usage(format!("{err}")))?;
        if site == Site::Remote {
            Site::remote_url().map_err(|err| usage(err.to_string()))?;
        }
        let embedded_only = self.delay.is_some() || self.seed.is_some();
        if embedded_only && !site.is_embedded() {
            return Err(usage(
                "--delay and --seed set up the embedded server: use them with -s LOCAL, DELAY or ERROR".into(),
            ));
        }
        if self.cacert.is_some() && site.is_embedded() {
            return Err(usage(
                "--cacert is for an https:// site: the embedded server speaks http".into(),
            ));
        }
        let saving = match (self.executor, self.save_on_loop) {
            (true, true) => {
                return Err(usage(
                    "--executor and --save-on-loop are two different places to save: pick one"
                        .into(),
                ));
            }
            (true, false) => Saving::Executor,
            (false, true) => Saving::OnLoop,
            (false, false) => Saving::Thread,
        };
        if saving != Saving::Thread && self.mode != Mode::Async {
            let option = if self.executor {
                "--executor"
            } else {
                "--save-on-loop"
            };
            return Err(usage(format!("{option} applies to --mode async")));
        }
        let request = CodeRequest {
            every: self.every,
            all: self.all,
            args: self.cc,
            limit: self
                .limit
                .map(|limit| usize::try_from(limit).unwrap_or(usize::MAX)),
        };
        let codes = expand_cc_args(&request).map_err(|err| usage(err.to_string()))?;
        if let Some(path) = &self.timeline {
            check_timeline_path(path)?;
        }
        let max_req = usize::try_from(max_req).unwrap_or(1);
        Ok(DownloadConfig {
            concurrency: self.mode.actual_req(max_req, codes.len()),
            codes,
            site,
            delay: self.delay,
            seed: self.seed,
            mode: self.mode,
            verbose: self.verbose,
            show_progress: true,
            saving,
            names: self.names,
            dest: self.dest,
            timeout,
            total_timeout,
            stagger: Duration::from_secs_f64(self.stagger / 1000.0),
            max_connections: Some(HTTPX_MAX_CONNECTIONS),
            cacert: self.cacert,
            timeline: self.timeline,
        })
    }
}

/// Refuses a `--timeline` path that could not be written at the end of the run: one
/// ending in neither `.html` nor `.json`, or in a directory that does not exist.
/// Checked before the download, which may take minutes.
fn check_timeline_path(path: &Path) -> Result<(), UsageError> {
    if timeline::Format::from_path(path).is_err() {
        return Err(UsageError::new(format!(
            "--timeline FILE must end in .html (a page for a browser) or .json (for Perfetto): {}",
            path.display()
        )));
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(UsageError::new(format!(
            "--timeline FILE: the directory {} does not exist",
            dir.display()
        )));
    }
    Ok(())
}

impl Mode {
    /// flags2's `DEFAULT_CONCUR_REQ` of each script.
    pub fn default_concur_req(self) -> i64 {
        match self {
            Mode::Sequential => 1,
            Mode::Threads => 30,
            Mode::Async => 5,
        }
    }

    /// Connections actually used: never more than the codes, and one when sequential.
    pub fn actual_req(self, max_req: usize, codes: usize) -> usize {
        let cap = if self == Mode::Sequential { 1 } else { max_req };
        cap.min(codes).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_errors_and_clap_errors_share_a_shape() {
        let ours = usage_error_text(&UsageError::new(
            "each CC argument must be A to Z or AA to ZZ.",
        ));
        assert!(ours.starts_with(
            "*** Usage error: each CC argument must be A to Z or AA to ZZ.\n\nUsage: flags"
        ));
        assert!(ours.ends_with("For more information, try '--help'.\n"));
        let clap_error = Cli::try_parse_from(["flags", "--limit", "x"]).unwrap_err();
        let theirs = clap_error_text(&clap_error);
        assert!(
            theirs.starts_with("*** Usage error: invalid value 'x'"),
            "{theirs}"
        );
        assert!(theirs.contains("\n\nUsage: flags"), "{theirs}");
        assert!(
            theirs
                .trim_end()
                .ends_with("For more information, try '--help'."),
            "{theirs}"
        );
        let value_error = Cli::try_parse_from(["flags", "serve", "--delay", "3..1"]).unwrap_err();
        let theirs = clap_error_text(&value_error);
        assert!(
            theirs.starts_with("*** Usage error: invalid value '3..1'"),
            "{theirs}"
        );
        assert!(theirs.contains("\n\nUsage: flags"), "{theirs}");
    }
}
