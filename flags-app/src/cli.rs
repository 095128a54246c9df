//! The command line: `flags [OPTIONS] [CC]...` and `flags serve [OPTIONS]` [flags2_common.py].
//!
//! clap parses the words and the types; [`Cli::into_command`] then applies the rules
//! clap cannot express (flags2's checks on `--limit`, `--max-req` and the CC
//! arguments) and produces a validated [`Command`]. Every way of getting the command
//! line wrong ends the same way, via [`crate::usage`]: `*** Usage error: ...`, the
//! usage line, exit status 2.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::codes::{CodeRequest, expand_cc_args};
use crate::config::{DownloadConfig, Mode, ServeConfig};
use crate::serve::chaos::{Chaos, DelayRange, Fault};
use crate::serve::timeouts::{IDLE_TIMEOUT, SEND_TIMEOUT, Timeouts};
use crate::site::Site;
use crate::usage::UsageError;

/// Most concurrent requests allowed, as flags2's `MAX_CONCUR_REQ`.
pub const MAX_CONCUR_REQ: i64 = 1000;

/// Longest timeout accepted, in seconds (an hour).
const MAX_TIMEOUT_SECS: f64 = 3600.0;

/// Download flags of the world's countries, sequentially, from a thread pool, or
/// with async I/O on this project's own runtime (Fluent Python's flags2 family).
///
/// With no CC arguments, downloads the flags of the 20 most populous countries.
/// With -s LOCAL (the default), DELAY or ERROR, a flag server starts inside the
/// program; no set-up is needed.
#[derive(Debug, Parser)]
#[command(
    name = "flags",
    version,
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  flags -a                      all 194 flags from the embedded LOCAL server\n  flags -s DELAY -m 100 -a      the same, each response delayed 0.5 to 5 s\n  flags -s ERROR -v B C         BA..BZ and CA..CZ, a quarter of requests failing\n  flags serve --port 8001       run the flag server for other clients"
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
    /// Server: LOCAL, DELAY or ERROR (embedded server), or an http:// base URL.
    #[arg(short = 's', long, value_name = "LABEL|URL", default_value = "LOCAL")]
    pub server: String,
    /// Output a line per code instead of a progress bar.
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Download strategy: flags2_sequential, flags2_threadpool or flags2_asyncio.
    #[arg(long, value_enum, default_value_t = Mode::Async)]
    pub mode: Mode,
    /// Save files on the runtime's blocking pool [loop.run_in_executor] (async mode).
    #[arg(long)]
    pub executor: bool,
    /// Save each flag under its country's name, e.g. Brazil.gif [flags3.py].
    #[arg(long)]
    pub names: bool,
    /// Directory for the downloaded files.
    #[arg(long, value_name = "DIR", default_value = "downloaded")]
    pub dest: PathBuf,
    /// Seconds allowed per request.
    #[arg(long, value_name = "SECS", default_value_t = 3.1)]
    pub timeout: f64,
    /// Embedded server only: delay per request instead of the label's.
    #[arg(long, value_name = "MIN[..MAX]")]
    pub delay: Option<DelayRange>,
    /// Embedded server only: seed for its delays and errors.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

/// Options of `flags serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8001)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Serve DIR/flags/{cc}/{cc}.gif instead of generated images.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Delay per request in seconds, fixed or random in a range.
    #[arg(long, value_name = "MIN[..MAX]", default_value = "0")]
    pub delay: DelayRange,
    /// Fraction of requests that fail, 0 to 1.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub error_rate: f64,
    /// Which failures to inject [default: all].
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KINDS")]
    pub error_kinds: Vec<Fault>,
    /// Seed for delays and errors (default: from the clock).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Seconds a kept-alive connection may wait for its next request.
    #[arg(long, value_name = "SECS", default_value_t = IDLE_TIMEOUT.as_secs_f64())]
    pub idle_timeout: f64,
    /// Seconds a response may wait for the client to take more bytes.
    #[arg(long, value_name = "SECS", default_value_t = SEND_TIMEOUT.as_secs_f64())]
    pub send_timeout: f64,
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
        if !(self.timeout.is_finite() && self.timeout > 0.0 && self.timeout <= MAX_TIMEOUT_SECS) {
            return Err(usage(format!(
                "--timeout SECS must be above 0 and at most {MAX_TIMEOUT_SECS}"
            )));
        }
        let site: Site = self.server.parse().map_err(|err| usage(format!("{err}")))?;
        let embedded_only = self.delay.is_some() || self.seed.is_some();
        if embedded_only && matches!(site, Site::Url(_)) {
            return Err(usage(
                "--delay and --seed set up the embedded server: use them with -s LOCAL, DELAY or ERROR".into(),
            ));
        }
        if self.executor && self.mode != Mode::Async {
            return Err(usage("--executor applies to --mode async".into()));
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
        let max_req = usize::try_from(max_req).unwrap_or(1);
        Ok(DownloadConfig {
            concurrency: self.mode.actual_req(max_req, codes.len()),
            codes,
            site,
            delay: self.delay,
            seed: self.seed,
            mode: self.mode,
            verbose: self.verbose,
            progress_bar: true,
            executor: self.executor,
            names: self.names,
            dest: self.dest,
            timeout: Duration::from_secs_f64(self.timeout),
        })
    }
}

impl ServeArgs {
    /// The server configuration, or the first rule broken.
    pub fn into_config(self) -> Result<ServeConfig, UsageError> {
        if !(0.0..=1.0).contains(&self.error_rate) {
            return Err(UsageError::new("--error-rate P must be between 0 and 1"));
        }
        let mut kinds = self.error_kinds;
        if kinds.is_empty() {
            kinds = Fault::ALL.to_vec();
        }
        kinds.dedup();
        let seconds = |value: f64, option: &str| {
            if value.is_finite() && value > 0.0 && value <= MAX_TIMEOUT_SECS {
                Ok(Duration::from_secs_f64(value))
            } else {
                Err(UsageError::new(format!(
                    "{option} SECS must be above 0 and at most {MAX_TIMEOUT_SECS}"
                )))
            }
        };
        let timeouts = Timeouts {
            idle: seconds(self.idle_timeout, "--idle-timeout")?,
            send: seconds(self.send_timeout, "--send-timeout")?,
            ..Timeouts::default()
        };
        Ok(ServeConfig {
            addr: SocketAddr::new(self.host, self.port),
            dir: self.dir,
            chaos: Chaos {
                delay: self.delay,
                error_rate: self.error_rate,
                kinds,
            },
            seed: self.seed,
            timeouts,
        })
    }
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
