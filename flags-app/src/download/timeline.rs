//! `--timeline FILE`: a picture of the download, every task, poll, wake and
//! wait on one time axis (the runtime's timeline, see `timeline/README.md`).
//!
//! ## What is recorded
//!
//! The downloader's event loops, and only theirs: the one loop of sequential
//! and async mode, or one loop per worker thread in threads mode (each its
//! own group of rows, on the same clock). The embedded flag server runs on
//! its own loop and never records: it is the scenery, not the subject.
//!
//! Every code is downloaded by a task of its own, named `download_one BR`
//! in every mode, so each code has its row. On that row the task's
//! *phases* say what it is doing, in these words:
//!
//! | phase | marked by |
//! |---|---|
//! | waiting for the semaphore | async mode, before each `semaphore.acquire()` |
//! | waiting for a connection, connecting, sending, waiting for the response head, reading the body | the HTTP client, for each request (`http-client/src/phases.rs`) |
//! | saving | the task, while it saves the file or awaits the save |
//! | saving BR | the blocking pool's thread, inside the save job (async mode, off the loop) |
//!
//! The three strategies then show their shapes: sequential is a staircase
//! (each row starts where the previous one ends), threads is blocks of as
//! many rows at a time as there are threads, one loop each, and async is
//! up to `-m` rows waiting at once on one loop.
//!
//! ## Saying where the file went
//!
//! The runtime writes the file when its loop ends, atomically (a temporary
//! file renamed over the target), and would say so on stderr, once per
//! loop. Threads mode has one loop per worker, so instead each loop is
//! ended with `Runtime::finish_timeline`, which returns what became of the
//! file, and the downloader says it once, after the summary:
//!
//! ```text
//! timeline: wrote flags.html (4 event loops, 1,234,567 bytes); open it in a browser
//! ```
//!
//! A Ctrl-C does not stop this: the downloads in flight end, the loops end
//! normally, and the file is written whole (`interrupt.rs`).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use runtime::Runtime;
use timeline::{Format, Written};

/// The phase of a task waiting for a permit of the request semaphore.
pub const WAITING_FOR_THE_SEMAPHORE: &str = "waiting for the semaphore";

/// The phase of a task waiting for its turn to start a request (`--stagger`).
pub const WAITING_FOR_ITS_TURN: &str = "waiting for its turn (--stagger)";

/// The phase of a task saving its file, or waiting for its save.
pub const SAVING: &str = "saving";

/// The phase of the blocking pool's thread saving `cc`'s file.
pub fn saving_job(cc: &str) -> String {
    format!("saving {cc}")
}

/// The name of the task that downloads `cc`, in every mode
/// (`as_completed` wraps each `download_one` coroutine in such a Task).
pub fn task_name(cc: &str) -> String {
    format!("download_one {cc}")
}

/// A downloader's event loop, recording to `timeline` if given. Without
/// one, `RUNTIME_TIMELINE` in the environment decides, as for any runtime.
pub fn event_loop(timeline: Option<&Path>) -> io::Result<Runtime> {
    let mut builder = runtime::Builder::new();
    if let Some(path) = timeline {
        builder.timeline(Some(path));
    }
    builder.build()
}

/// Ends a downloader's event loop: with `--timeline`, writes its recording
/// and returns what became of it (without a line on stderr); otherwise
/// drops it, as any runtime.
pub fn end_event_loop(runtime: Runtime, timeline: Option<&Path>) -> Option<io::Result<Written>> {
    match timeline {
        Some(_) => Some(runtime.finish_timeline()),
        None => {
            drop(runtime);
            None
        }
    }
}

/// What became of the file `--timeline` asked for, once every loop ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimelineOutcome {
    /// Written whole.
    Written {
        /// The file, its format and size.
        written: Written,
        /// How many event loops it shows.
        event_loops: usize,
    },
    /// Not written (or not by every loop), and why.
    Failed {
        /// The file asked for.
        path: PathBuf,
        /// The first error.
        error: String,
    },
}

impl TimelineOutcome {
    /// The outcome for `path`, from what each loop's `finish_timeline`
    /// returned. Each loop rewrites the file with every recording so far,
    /// so the largest write is the last and holds them all; any failure
    /// makes the file incomplete.
    pub fn from_loops(path: &Path, ends: Vec<io::Result<Written>>) -> TimelineOutcome {
        let event_loops = ends.len();
        let mut largest: Option<Written> = None;
        for end in ends {
            match end {
                Ok(written) => {
                    if largest.as_ref().is_none_or(|w| w.bytes < written.bytes) {
                        largest = Some(written);
                    }
                }
                Err(err) => {
                    return TimelineOutcome::Failed {
                        path: path.to_owned(),
                        error: err.to_string(),
                    };
                }
            }
        }
        match largest {
            Some(written) => TimelineOutcome::Written {
                written,
                event_loops,
            },
            None => TimelineOutcome::Failed {
                path: path.to_owned(),
                error: "no event loop ran".to_owned(),
            },
        }
    }

    /// Whether the file was written.
    pub fn written(&self) -> bool {
        matches!(self, TimelineOutcome::Written { .. })
    }
}

impl fmt::Display for TimelineOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimelineOutcome::Written {
                written,
                event_loops,
            } => {
                let loops = match event_loops {
                    1 => "1 event loop".to_owned(),
                    n => format!("{n} event loops"),
                };
                let viewer = match written.format {
                    Format::Html => "a browser",
                    Format::Json => "Perfetto (ui.perfetto.dev) or chrome://tracing",
                };
                write!(
                    f,
                    "timeline: wrote {} ({loops}, {} bytes); open it in {viewer}",
                    written.path.display(),
                    thousands(written.bytes)
                )
            }
            TimelineOutcome::Failed { path, error } => {
                write!(f, "*** timeline not written to {}: {error}", path.display())
            }
        }
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(bytes: u64) -> io::Result<Written> {
        Ok(Written {
            path: PathBuf::from("t.html"),
            bytes,
            format: Format::Html,
        })
    }

    #[test]
    fn the_last_and_largest_write_is_reported_with_the_loop_count() {
        let outcome =
            TimelineOutcome::from_loops(Path::new("t.html"), vec![written(10), written(1_234_567)]);
        assert_eq!(
            outcome.to_string(),
            "timeline: wrote t.html (2 event loops, 1,234,567 bytes); open it in a browser"
        );
        assert!(outcome.written());
    }

    #[test]
    fn any_failed_loop_makes_the_file_incomplete() {
        let outcome = TimelineOutcome::from_loops(
            Path::new("t.json"),
            vec![written(10), Err(io::Error::other("disk full"))],
        );
        assert_eq!(
            outcome.to_string(),
            "*** timeline not written to t.json: disk full"
        );
        assert!(!outcome.written());
        let none = TimelineOutcome::from_loops(Path::new("t.json"), Vec::new());
        assert!(none.to_string().ends_with("no event loop ran"), "{none}");
    }
}
