//! `spinner`: Fluent Python's spinner examples, one mode per file.
//!
//! ```text
//! cargo run -p spinner-demo -- thread                   # spinner_thread.py
//! cargo run -p spinner-demo -- async --seconds 0.5      # spinner_async.py
//! cargo run -p spinner-demo -- blocking                 # spinner_async_experiment.py
//! cargo run -p spinner-demo -- async | tr '\r' '\n'     # see every frame
//! cargo run -p spinner-demo -- blocking --timeline b.html   # the starved loop, as a picture
//! ```
//!
//! This file only parses the arguments and calls the mode's `main`.

mod async_mode;
mod blocking_mode;
mod event_loop;
mod line;
mod thread_mode;

use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser, Subcommand};

use event_loop::{Failure, parse_timeline_path};

/// Spin a text spinner while a slow function computes the answer, with an
/// OS thread or with a task on our async runtime.
#[derive(Debug, Parser)]
#[command(
    name = "spinner",
    version,
    arg_required_else_help = true,
    after_help = "Through a pipe every frame is kept: spinner async | tr '\\r' '\\n'\nThe event loop as a picture, for a browser: spinner blocking --timeline blocking.html"
)]
struct Cli {
    /// Which version of the program to run.
    #[command(subcommand)]
    mode: Mode,
    /// How long slow() takes, in seconds (fractions allowed, e.g. 0.5).
    #[arg(
        long,
        global = true,
        default_value = "3",
        value_parser = parse_seconds,
        allow_negative_numbers = true
    )]
    seconds: Duration,
    /// The text shown after the spinner frame.
    #[arg(long, global = true, default_value = "thinking!")]
    msg: String,
    /// Record a timeline of the event loop (every task, poll, wake and wait) to
    /// FILE: a page for a browser (.html) or Chrome Trace JSON for Perfetto
    /// (.json). Async and blocking modes.
    #[arg(long, global = true, value_name = "FILE", value_parser = parse_timeline_path)]
    timeline: Option<PathBuf>,
}

/// The three programs of the book.
#[derive(Debug, Clone, Copy, Subcommand)]
enum Mode {
    /// A thread spins while the main thread sleeps (spinner_thread.py).
    Thread,
    /// A task spins while another awaits a sleep, then cancels it (spinner_async.py).
    Async,
    /// A task calls std::thread::sleep: the loop freezes, no frame (spinner_async_experiment.py).
    Blocking,
}

fn main() -> ExitCode {
    // Bad arguments: clap prints the usage and exits with code 2.
    let cli = Cli::parse();
    let timeline = cli.timeline.as_deref();
    let outcome = match cli.mode {
        Mode::Thread if timeline.is_some() => Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "--timeline records an event loop, and the thread version has none: \
                 use it with async or blocking",
            )
            .exit(),
        Mode::Thread => thread_mode::main(&cli.msg, cli.seconds).map_err(Failure::Stdout),
        Mode::Async => async_mode::main(&cli.msg, cli.seconds, timeline),
        Mode::Blocking => blocking_mode::main(&cli.msg, cli.seconds, timeline),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("spinner: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Parses `--seconds`: a finite, non-negative number of seconds.
fn parse_seconds(text: &str) -> Result<Duration, SecondsError> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| SecondsError::NotANumber(text.to_owned()))?;
    if !secs.is_finite() {
        return Err(SecondsError::NotFinite(text.to_owned()));
    }
    if secs < 0.0 {
        return Err(SecondsError::Negative(text.to_owned()));
    }
    Duration::try_from_secs_f64(secs).map_err(|_| SecondsError::TooLarge(text.to_owned()))
}

/// Why a `--seconds` value was refused; each variant holds the text given.
#[derive(Debug)]
enum SecondsError {
    /// Not a decimal number at all.
    NotANumber(String),
    /// `NaN` or an infinity.
    NotFinite(String),
    /// Below zero: slow() cannot finish before it starts.
    Negative(String),
    /// More seconds than a `Duration` holds (about 584 billion years).
    TooLarge(String),
}

impl fmt::Display for SecondsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecondsError::NotANumber(text) => write!(f, "'{text}' is not a number of seconds"),
            SecondsError::NotFinite(text) => write!(f, "'{text}' is not a finite number"),
            SecondsError::Negative(text) => write!(f, "'{text}' is negative"),
            SecondsError::TooLarge(text) => write!(f, "'{text}' is too large"),
        }
    }
}

impl std::error::Error for SecondsError {}
