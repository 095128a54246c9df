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
//! What is kept for later writes is bounded ([`MAX_KEPT_RECORDS`]).
//!
//! Every write is atomic (the `timeline` crate writes a temporary file and
//! renames it), so a reader, a crash or a Ctrl-C between two writes finds
//! the previous complete file or none, never half of one.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use ::timeline::{Format, Process, Timeline, WriteError, Written};

use super::hooks::MAX_RECORDS;

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

/// Records kept, over every path, from runtimes already dropped: two
/// runtimes' worth ([`MAX_RECORDS`] each), about 56 MB at most.
///
/// Without a bound, a program that builds recording runtimes in a loop (a
/// benchmark, a test harness) would keep every recording for its whole
/// life, and rewrite them all at every drop. Past the bound, a runtime's
/// recording is still written, with the recordings kept for its path, but
/// not kept for later writes: the next write to that path leaves it out and
/// counts it in the file (`otherData.runtimes_left_out`); see
/// [`write_within`].
pub(crate) const MAX_KEPT_RECORDS: usize = 2 * MAX_RECORDS;

/// The recordings of runtimes already dropped.
#[derive(Debug, Default)]
struct Finished {
    /// The recordings kept, by path.
    by_path: HashMap<PathBuf, Timeline>,
    /// The records they hold together, at most [`MAX_KEPT_RECORDS`].
    records: usize,
}

/// The recordings of runtimes already dropped, process-wide.
static FINISHED: Mutex<Option<Finished>> = Mutex::new(None);

/// Writes `path` with the recordings kept for it plus `process`, and keeps
/// `process` for later writes if `keep` (a runtime's drop; a snapshot is
/// not kept) and [`MAX_KEPT_RECORDS`] allows.
pub(crate) fn write(path: &Path, process: Process, keep: bool) -> Result<Written, WriteError> {
    let mut finished = FINISHED.lock().unwrap_or_else(PoisonError::into_inner);
    let finished = finished.get_or_insert_with(Finished::default);
    write_within(finished, MAX_KEPT_RECORDS, path, process, keep)
}

/// [`write`], with the bound as a parameter (the tests use a small one).
///
/// A recording past the bound is written with the ones kept for its path,
/// then taken back out; if the path has recordings kept, the next write
/// counts it as left out. A path with nothing kept gets no entry (so a
/// program writing to ever new paths grows nothing here), and its file
/// holds the runtime alone.
fn write_within(
    finished: &mut Finished,
    bound: usize,
    path: &Path,
    process: Process,
    keep: bool,
) -> Result<Written, WriteError> {
    let records = process.records().len();
    if keep && finished.records.saturating_add(records) <= bound {
        finished.records += records;
        let timeline = finished.by_path.entry(path.to_path_buf()).or_default();
        timeline.push(process);
        return timeline.write_to_path(path);
    }
    let Some(timeline) = finished.by_path.get_mut(path) else {
        return Timeline::from_process(process).write_to_path(path);
    };
    // Written with the others this once, without copying them.
    timeline.push(process);
    let written = timeline.write_to_path(path);
    timeline.pop();
    if keep {
        timeline.leave_out();
    }
    written
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

#[cfg(test)]
mod tests {
    use super::*;
    use ::timeline::{Mark, MarkKind, TrackKind};

    /// A recording of `n` marks on one loop track.
    fn process(pid: u64, n: usize) -> Process {
        let mut process = Process::new(pid, format!("runtime {pid}"), n);
        let track = process.add_track(TrackKind::EventLoop);
        for at in 0..n {
            let mark = Mark {
                track,
                at: at as f64,
                kind: MarkKind::Spawn,
                outcome: None,
            };
            assert!(process.push_mark(mark));
        }
        process
    }

    /// The file's `"runtimes_left_out":N` and the number of runtimes in it.
    fn read_back(path: &Path) -> (String, usize) {
        let text = std::fs::read_to_string(path).expect("the file was written");
        let at = text
            .find("\"runtimes_left_out\":")
            .expect("the count is written");
        let count: String = text[at + 20..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        (count, text.matches("\"name\":\"process_name\"").count())
    }

    #[test]
    fn recordings_past_the_bound_are_written_once_then_counted_as_left_out() {
        let dir = std::env::temp_dir().join(format!("writer-bound-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        let (shared, other) = (dir.join("shared.json"), dir.join("other.json"));
        let mut finished = Finished::default();

        // Two recordings of 4 fit a bound of 10; both are kept for `shared`.
        for pid in [1, 2] {
            write_within(&mut finished, 10, &shared, process(pid, 4), true).expect("written");
        }
        assert_eq!(read_back(&shared), ("0".into(), 2));
        assert_eq!(finished.records, 8);

        // The third does not fit: written with the two, then not kept.
        write_within(&mut finished, 10, &shared, process(3, 4), true).expect("written");
        assert_eq!(read_back(&shared), ("0".into(), 3));
        assert_eq!(finished.records, 8);

        // The next write has the two kept, and says one was left out.
        write_within(&mut finished, 10, &shared, process(4, 1), true).expect("written");
        assert_eq!(read_back(&shared), ("1".into(), 3));
        assert_eq!(finished.records, 9);

        // A new path past the bound: its runtime alone, and no entry.
        write_within(&mut finished, 10, &other, process(5, 4), true).expect("written");
        assert_eq!(read_back(&other), ("0".into(), 1));
        assert!(!finished.by_path.contains_key(&other));

        // A snapshot is written with the kept ones and never counted.
        write_within(&mut finished, 10, &shared, process(6, 1), false).expect("written");
        assert_eq!(read_back(&shared), ("1".into(), 4));
        assert_eq!(finished.by_path[&shared].processes().len(), 3);

        std::fs::remove_dir_all(&dir).expect("remove scratch dir");
    }
}
