//! Writing recordings: one file per path, shared by every runtime that
//! records to it.
//!
//! Each runtime records its own `Process` (one runtime, one "process" row
//! group in the trace). When a runtime is dropped it adds its recording to
//! its path's [`Timeline`] here, process-wide, and the file is written again
//! with every recording added so far, so runtimes that end one after another
//! (a thread pool, each thread with its own loop) end up in one file on one
//! time axis. [`Runtime::write_timeline`](crate::Runtime::write_timeline)
//! writes the recordings so far plus a snapshot of its own, which it keeps.
//!
//! Every write is atomic (the `timeline` crate writes a temporary file and
//! renames it), so a reader, a crash or a Ctrl-C between two writes finds
//! the previous complete file or none, never half of one.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use ::timeline::{Format, Process, Timeline, WriteError, Written};

/// Where a runtime's recording goes, checked when the runtime is built.
#[derive(Debug, Clone)]
pub(crate) struct Destination {
    /// The file; its extension chose the format.
    pub(crate) path: PathBuf,
}

impl Destination {
    /// A destination for `path`, if its extension is one the writer knows
    /// (`.json` or `.html`).
    pub(crate) fn new(path: PathBuf) -> Result<Destination, WriteError> {
        Format::from_path(&path)?;
        Ok(Destination { path })
    }
}

/// The recordings of runtimes already dropped, by path.
static FINISHED: Mutex<Option<HashMap<PathBuf, Timeline>>> = Mutex::new(None);

/// Adds `process` to the recordings of `path` (if `keep`), and writes the
/// file with all of them, plus `process` itself when not kept (a snapshot).
pub(crate) fn write(path: &Path, process: Process, keep: bool) -> Result<Written, WriteError> {
    let mut finished = FINISHED.lock().unwrap_or_else(PoisonError::into_inner);
    let timelines = finished.get_or_insert_with(HashMap::new);
    let timeline = timelines.entry(path.to_path_buf()).or_default();
    if keep {
        timeline.push(process);
        timeline.write_to_path(path)
    } else {
        let mut with_snapshot = timeline.clone();
        with_snapshot.push(process);
        with_snapshot.write_to_path(path)
    }
}

/// Says on stderr what became of a recording; a line that cannot be
/// written is dropped (stderr may be closed), never a panic.
pub(crate) fn report(path: &Path, result: &Result<Written, WriteError>) {
    let mut stderr = std::io::stderr().lock();
    let _ = match result {
        Ok(written) => writeln!(
            stderr,
            "timeline: wrote {} ({} bytes); open it in {}",
            written.path.display(),
            written.bytes,
            match written.format {
                Format::Html => "a browser",
                Format::Json => "Perfetto (ui.perfetto.dev) or chrome://tracing",
            },
        ),
        Err(err) => writeln!(stderr, "timeline: not written to {}: {err}", path.display()),
    };
}
