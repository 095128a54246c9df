//! The event loop of the two async modes, with `--timeline`, and how a run
//! fails.
//!
//! `--timeline FILE` records the loop: every task, poll, wake and wait, on
//! one time axis, written when the loop ends as a page for a browser
//! (`.html`) or Chrome Trace JSON for Perfetto (`.json`); the runtime says
//! on stderr where it went. The picture is the book's lesson:
//!
//! - `spinner async`: the `spin` task takes a short step every 100 ms
//!   (each `sleep(TICK)` due), while the supervisor waits on its 3-second
//!   timer at no cost;
//! - `spinner blocking`: one step of the supervisor, 3 seconds long, during
//!   which nothing else runs; `spin`, ready since it was spawned, waits in
//!   the queue the whole time and is cancelled without ever running.
//!
//! How to read the picture: `timeline/README.md`.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// The settings both async modes start from: recording to `timeline` if
/// given (else `RUNTIME_TIMELINE` decides, as for any runtime).
pub fn builder(timeline: Option<&Path>) -> runtime::Builder {
    let mut builder = runtime::Builder::new();
    if let Some(path) = timeline {
        builder.timeline(Some(path));
    }
    builder
}

/// Parses `--timeline FILE`: a path ending in `.html` or `.json`.
pub fn parse_timeline_path(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    match timeline::Format::from_path(&path) {
        Ok(_) => Ok(path),
        Err(_) => Err(format!(
            "'{text}' ends in neither .html (a page for a browser) nor .json (for Perfetto)"
        )),
    }
}

/// Why a run failed.
#[derive(Debug)]
pub enum Failure {
    /// Writing to stdout failed (a closed pipe, a full disk).
    Stdout(io::Error),
    /// The OS refused the event loop its epoll instance or eventfd.
    EventLoop(io::Error),
}

impl From<io::Error> for Failure {
    /// Every other I/O of the demos is a write to stdout.
    fn from(err: io::Error) -> Failure {
        Failure::Stdout(err)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Stdout(err) => write!(f, "cannot write to stdout: {err}"),
            Failure::EventLoop(err) => write!(f, "cannot create the event loop: {err}"),
        }
    }
}

impl std::error::Error for Failure {}
