//! The timeline: a picture of every task, poll, wake and wait, recorded as
//! the loop runs and written as a Chrome Trace Event file (`.json`, opens in
//! Perfetto and `chrome://tracing`) or a self-contained page (`.html`).
//!
//! Turn it on with [`Builder::timeline`](crate::Builder::timeline), or with
//! `RUNTIME_TIMELINE=path.json` (or `.html`) in the environment, which every
//! runtime built without that call reads. The file is written when the
//! runtime is dropped, or on [`Runtime::write_timeline`](crate::Runtime::write_timeline);
//! a line on stderr says where, or why not. A program that would rather say
//! it itself (once, for several runtimes that share a file) ends each
//! runtime with [`Runtime::finish_timeline`](crate::Runtime::finish_timeline)
//! instead, which returns what became of the file. How to read the picture,
//! in the asyncio chapter's words, is in `timeline/README.md`.
//!
//! A program can mark its own phases on the task that runs it:
//!
//! ```
//! runtime::run(async {
//!     runtime::timeline::phase("connecting");
//!     // ... connect ...
//!     runtime::timeline::phase("reading the body");
//!     // ... read ...
//!     runtime::timeline::end_phase();
//! });
//! ```
//!
//! On a blocking-pool thread, inside a `spawn_blocking` job, the same calls
//! mark phases of the job.
//!
//! ## What is recorded, and where
//!
//! The model and the writers are the `timeline` crate of this workspace;
//! this module feeds its `Recorder` from the runtime's own code
//! (`hooks.rs`):
//!
//! | what                                    | where it is reported                      |
//! |-----------------------------------------|-------------------------------------------|
//! | a task spawned, polled, cancelled       | `observe.rs`, which the loop and the scheduler call |
//! | what a pending task waits on            | where a waker is stored: the reactor, the timer driver, the semaphore, the channels, the blocking pool's slot, a `JoinHandle` |
//! | a wake, with its cause                  | `observe.rs`, told by `task/schedule.rs` (local push, remote drain), with the cause set by the observer (the task being polled), the reactor (the socket event being handed out) and the timer driver (the timers firing) |
//! | ticks and parks (`select`)              | `observe.rs`, told by `event_loop.rs`     |
//! | blocking jobs and their phases          | measured on the pool thread, handed back with the job's result (`blocking/`) |
//!
//! ## Cost
//!
//! Off, every site costs one load of a thread-local flag and one branch
//! that is always taken the same way, as the text trace's do. On, each event
//! is a record of about 56 bytes, up to 500,000 per runtime (about 28 MB,
//! `MAX_RECORDS` in `hooks.rs`); at that bound the
//! recording stops, keeps what it has (the start of the program), and the
//! file says how many events were dropped. Several runtimes recording to the
//! same path (one per thread, in the flag downloader's threads mode) share
//! one file: each runtime adds its recording when it is dropped, and the
//! file is rewritten with all of them, on one time axis. What the process
//! keeps for those rewrites is bounded too (two runtimes' worth over all
//! paths, `MAX_KEPT_RECORDS` in `writer.rs`): past it a recording is
//! written once, with the others, and later files count it as left out.
//!
//! tokio's answer is `tokio-console`: a `tracing` subscriber in the program
//! and a separate terminal program that draws what it streams. asyncio has
//! debug-mode logging only.

pub(crate) mod hooks;
mod writer;

pub use ::timeline::{WriteError, Written};
pub(crate) use writer::{Destination, report, write};

/// Marks the start of phase `name` on the task being polled, ending its
/// previous phase; on a blocking-pool thread, inside a job, marks a phase of
/// that job. The await tree shows the phase too. Does nothing when neither
/// a timeline nor an await tree is recorded (one branch).
pub fn phase(name: impl Into<std::borrow::Cow<'static, str>>) {
    if hooks::phases_on() {
        hooks::phase(name.into());
    }
}

/// Says how the task being polled turned out, in the program's own words
/// ("downloaded", "not found", "HTTP 503"): the end of its row on the
/// timeline shows them after `finished` (or `cancelled`, `panicked`), and
/// the Chrome trace's end mark has them as its `outcome` arg. A later call
/// replaces them. Does nothing when no timeline is recorded (one branch).
///
/// ```
/// let rt = runtime::Runtime::new().unwrap();
/// rt.block_on(async {
///     runtime::spawn(async { runtime::timeline::outcome("downloaded") }).await.unwrap()
/// });
/// ```
pub fn outcome(words: impl Into<std::borrow::Cow<'static, str>>) {
    if hooks::on() {
        let words = words.into();
        hooks::record(|rec| rec.outcome(words));
    }
}

/// Ends the current phase of the task being polled (or of the job, on a
/// blocking-pool thread). Does nothing when neither a timeline nor an await
/// tree is recorded.
pub fn end_phase() {
    if hooks::phases_on() {
        hooks::end_phase();
    }
}
