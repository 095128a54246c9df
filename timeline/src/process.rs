//! One runtime's recording: its tracks, its records, and the bound on them.
//!
//! A [`Process`] is what the Chrome Trace Event format calls a process:
//! a group of tracks with one `pid`. Here it is one runtime, with the
//! runtime's id as its pid and a name such as `runtime 1 (thread main)`.
//! Several runtimes in one program are several processes in one
//! [`Timeline`](crate::Timeline), all on the same clock.
//!
//! ## The bound
//!
//! A recording must never grow without limit, so a process holds at most
//! `max_records` records. [`Process::reserve`] asks for room for the records
//! one event needs (a poll's end writes up to three); the first time there
//! is not enough, the process becomes *full*: it remembers when
//! ([`Process::full_at`]) and from then on refuses everything, counting what
//! it refused ([`Process::dropped`]). Refusing *everything* after the first
//! refusal, rather than whatever no longer fits, keeps the recording exact up
//! to one moment and empty after it; the writers mark that moment with a
//! `timeline full: N events dropped` instant and put the count in the file's
//! metadata. The only records added past the bound are the ones that close
//! what was open at that moment (one per task at most), so that every track
//! ends cleanly.
//!
//! Chrome's own tracing and Perfetto use a ring buffer instead, which keeps
//! the *last* N events and drops the oldest. For a program that is studied
//! from its start (a download, a demo), the beginning is the interesting
//! part, and stopping is simpler to explain than overwriting.

use crate::record::{Mark, Record, Slice};
use crate::track::{Track, TrackId, TrackKind};

/// The records a recording keeps unless told otherwise: about a quarter of
/// a million polls (a poll cycle is a `queued`, a `poll`, an `await` and a
/// wake). A record is 56 bytes, so this is about 56 MB in memory (up to
/// twice that while the `Vec` grows) and about 130 MB of JSON (some 120
/// bytes per event). A flag download of all 194 flags needs a few tens of
/// thousands of records.
pub const DEFAULT_MAX_RECORDS: usize = 1_000_000;

/// One runtime's tracks and records.
#[derive(Debug, Clone)]
pub struct Process {
    /// The Chrome pid: the runtime's id.
    pub(crate) pid: u64,
    /// The display name, e.g. `runtime 1 (thread main)`.
    pub(crate) name: String,
    /// The tracks, indexed by [`TrackId`]; index 0 is the event loop.
    pub(crate) tracks: Vec<Track>,
    /// The records, in the order they were added (not sorted by time: a
    /// tick is added when it ends, after the polls inside it).
    pub(crate) records: Vec<Record>,
    /// The bound on `records` (closing records at the end may pass it).
    pub(crate) max_records: usize,
    /// Records refused since the process became full.
    pub(crate) dropped: u64,
    /// When the process became full, if it did.
    pub(crate) full_at: Option<f64>,
}

impl Process {
    /// An empty recording for runtime `pid`, holding at most `max_records`
    /// records, with the event loop's track already made.
    pub fn new(pid: u64, name: impl Into<String>, max_records: usize) -> Process {
        Process {
            pid,
            name: name.into(),
            tracks: vec![Track::new(TrackKind::EventLoop, 0, None)],
            records: Vec::new(),
            max_records,
            dropped: 0,
            full_at: None,
        }
    }

    /// Adds a track and returns its id. Tracks are not counted against the
    /// bound: each one comes with a record that is (a spawn, a job).
    pub fn add_track(&mut self, kind: TrackKind) -> TrackId {
        let of_name = match &kind {
            TrackKind::Phases { of, .. } => self.track(*of).map(|t| t.name.clone()),
            _ => None,
        };
        let tid = u32::try_from(self.tracks.len()).unwrap_or(u32::MAX);
        self.tracks.push(Track::new(kind, tid, of_name.as_deref()));
        TrackId(tid)
    }

    /// Whether `n` more records fit. If not, the process becomes full at
    /// `at` (if it was not already) and counts the `n` as dropped; a full
    /// process answers `false` to everything, so call this once per event,
    /// with all the records the event needs.
    pub fn reserve(&mut self, n: usize, at: f64) -> bool {
        if self.full_at.is_none() && self.records.len() + n <= self.max_records {
            return true;
        }
        self.full_at.get_or_insert(at);
        self.dropped += n as u64;
        false
    }

    /// Adds a slice, within the bound: returns `false` (and counts it) when
    /// the process is full.
    pub fn push_slice(&mut self, slice: Slice) -> bool {
        let fits = self.reserve(1, slice.end);
        if fits {
            self.records.push(Record::Slice(slice));
        }
        fits
    }

    /// Adds a mark, within the bound, as [`Process::push_slice`].
    pub fn push_mark(&mut self, mark: Mark) -> bool {
        let fits = self.reserve(1, mark.at);
        if fits {
            self.records.push(Record::Mark(mark));
        }
        fits
    }

    /// Adds a record without asking: for records already [`reserve`]d, and
    /// for the ones that close open slices when the recording ends.
    ///
    /// [`reserve`]: Process::reserve
    pub(crate) fn push_unchecked(&mut self, record: Record) {
        self.records.push(record);
    }

    /// The runtime's id, used as the Chrome pid.
    pub fn pid(&self) -> u64 {
        self.pid
    }

    /// The display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// All tracks; index 0 is the event loop.
    pub fn tracks(&self) -> &[Track] {
        &self.tracks
    }

    /// One track, if `id` is one of this process's.
    pub fn track(&self, id: TrackId) -> Option<&Track> {
        self.tracks.get(id.0 as usize)
    }

    /// The track of task `id`, if the task has one here.
    pub fn task_track(&self, id: u64) -> Option<TrackId> {
        let index = self
            .tracks
            .iter()
            .position(|t| matches!(t.kind, TrackKind::Task { id: task, .. } if task == id))?;
        Some(TrackId(index as u32))
    }

    /// All records, in the order they were added.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The bound on records.
    pub fn max_records(&self) -> usize {
        self.max_records
    }

    /// How many records were refused because the process was full.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// When the process became full, if it did (microseconds).
    pub fn full_at(&self) -> Option<f64> {
        self.full_at
    }
}

/// The usual name of a runtime's process: `runtime 1 (thread main)`, after
/// the thread that calls it (the one that will run the loop).
pub fn runtime_name(runtime_id: u64) -> String {
    match std::thread::current().name() {
        Some(thread) => format!("runtime {runtime_id} (thread {thread})"),
        None => format!("runtime {runtime_id} (unnamed thread)"),
    }
}
