//! A whole recording: one or more runtimes on one time axis.
//!
//! A [`Timeline`] is a list of [`Process`]es, one per runtime, all timed by
//! [`now_us`](crate::now_us). A program with one runtime has one; the flag
//! downloader's threads mode, with a runtime per thread, has several, and
//! because they share the clock their rows line up in the viewer.
//!
//! It is written three ways: to any `io::Write` as Chrome Trace Event JSON
//! ([`Timeline::write_json`]) or as a self-contained HTML page
//! ([`Timeline::write_html`]), or to a file chosen by its extension,
//! atomically ([`Timeline::write_to_path`]). Each of those methods lives
//! with its writer (`chrome_json.rs`, `html.rs`, `file.rs`): the writers
//! are built on the model, and the model knows nothing of them.

use crate::process::Process;

/// Recorded runtimes, ready to be written.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// One per runtime, in the order added (the viewers' order too).
    processes: Vec<Process>,
    /// Runtimes whose recordings were meant for this timeline but were not
    /// kept (a writer's memory bound); the file says how many.
    left_out: u64,
}

impl Timeline {
    /// An empty timeline.
    pub fn new() -> Timeline {
        Timeline::default()
    }

    /// A timeline of one runtime.
    pub fn from_process(process: Process) -> Timeline {
        Timeline {
            processes: vec![process],
            left_out: 0,
        }
    }

    /// Adds a runtime's recording.
    pub fn push(&mut self, process: Process) {
        self.processes.push(process);
    }

    /// Takes back the recording added last (a writer that adds a snapshot
    /// for one write, without copying the others).
    pub fn pop(&mut self) -> Option<Process> {
        self.processes.pop()
    }

    /// Counts one runtime whose recording belongs here but is not kept.
    pub fn leave_out(&mut self) {
        self.left_out += 1;
    }

    /// How many runtimes' recordings were left out ([`Timeline::leave_out`]).
    pub fn left_out(&self) -> u64 {
        self.left_out
    }

    /// The runtimes' recordings.
    pub fn processes(&self) -> &[Process] {
        &self.processes
    }
}
