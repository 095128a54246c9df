//! A recorded timeline of an event loop: every task, poll, wake and wait,
//! written as a Chrome Trace Event file or as a self-contained HTML page.
//!
//! The runtime can print a line per event (`RUNTIME_TRACE=1`), but nobody
//! reads two thousand lines; everybody understands a picture. This crate is
//! the picture's half that knows nothing about the runtime: the data model,
//! the recorder the runtime feeds, the clock, and the writers. It has no
//! dependencies, because the runtime depends on it.
//!
//! ## The model
//!
//! ```text
//! Timeline                          one file
//! └── Process (pid = runtime id)    one runtime: "runtime 1 (thread main)"
//!     ├── Track (tid 0)             "event loop":   tick N ⊃ select
//!     ├── Track                     "task 3 'spin'": queued, poll, await io, ...
//!     ├── Track                     "task 3 'spin' phases": the program's phases
//!     ├── Track                     "blocking thread 1": job ⊃ phases
//!     └── Records                   slices, marks, wakes (arrows)
//! ```
//!
//! - `track.rs`: tracks and their order; why phases have their own.
//! - `record.rs`: slices, marks and wakes; each kind's name, category and
//!   arguments in the file.
//! - `wait.rs`: what a task waits on, what woke it.
//! - `process.rs`: one runtime's recording and its bound.
//! - `timeline.rs`: several runtimes on one axis; writing.
//! - `clock.rs`: the one clock ([`now_us`]).
//!
//! ## Recording
//!
//! The runtime owns one [`Recorder`] per runtime (`recorder/`: the loop's
//! and the pool's events in `mod.rs`, a task's states in `task.rs`, closing
//! open slices in `open_slice.rs`) and calls it as things happen, with
//! [`now_us`] as the time:
//!
//! | the runtime...                         | calls                                   |
//! |----------------------------------------|-----------------------------------------|
//! | spawns a task                          | [`Recorder::task_spawned`]              |
//! | is about to poll it / polled it        | [`Recorder::poll_started`], [`Recorder::poll_ended`] |
//! | stores its waker in the reactor, timer, semaphore... | [`Recorder::waits_on`]    |
//! | schedules it from a wake               | [`Recorder::task_woken`]                |
//! | drops it unpolled (abort, shutdown)    | [`Recorder::task_cancelled`]            |
//! | finished a tick / a park               | [`Recorder::tick`], [`Recorder::select`] |
//! | got a blocking job's span back         | [`Recorder::blocking_job`], [`Recorder::blocking_phase`] |
//! | is told by the program what it does    | [`Recorder::phase`], [`Recorder::end_phase`] |
//! | is dropped, or asked to write          | [`Recorder::finish`] or [`Recorder::snapshot`] |
//!
//! and writes the result with [`Timeline::write_to_path`], which picks JSON
//! or HTML from the extension and writes atomically.
//!
//! ## Writing
//!
//! - `chrome_json.rs`: the Chrome Trace Event JSON, by hand
//!   (`json_syntax.rs` escapes strings and numbers).
//! - `html.rs`: the page, with the JSON embedded and the viewer in
//!   `viewer/` (plain JavaScript and SVG).
//! - `file.rs`: the format from the extension; the atomic write.
//!
//! ## Example
//!
//! ```
//! use std::panic::Location;
//! use timeline::{PollOutcome, Recorder, Timeline};
//!
//! let mut rec = Recorder::new(1, "runtime 1 (thread main)", timeline::DEFAULT_MAX_RECORDS);
//! rec.task_spawned(1, Some("hello"), Location::caller(), 0.0);
//! rec.poll_started(1, 5.0);
//! rec.poll_ended(1, 9.0, PollOutcome::Ready);
//! rec.tick(1, 0.0, 10.0);
//! let timeline = Timeline::from_process(rec.finish(10.0));
//!
//! let mut json = Vec::new();
//! timeline.write_json(&mut json).unwrap();
//! let json = String::from_utf8(json).unwrap();
//! assert!(json.contains(r#""name":"thread_name","ph":"M","pid":1,"tid":1,"args":{"name":"task 1 'hello'"}"#));
//! ```

mod chrome_json;
mod clock;
mod file;
mod html;
mod json_syntax;
mod process;
mod record;
mod recorder;
mod timeline;
mod track;
mod wait;

pub use clock::{instant_us, now_us};
pub use file::{Format, WriteError, Written};
pub use process::{DEFAULT_MAX_RECORDS, Process, runtime_name};
pub use record::{Mark, MarkKind, PollOutcome, Record, Slice, SliceKind, Wake};
pub use recorder::Recorder;
pub use timeline::Timeline;
pub use track::{Track, TrackId, TrackKind};
pub use wait::{Readiness, Wait, WakeCause};
