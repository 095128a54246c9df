//! Where the runtime reports to its timeline recorder, and the thread-local
//! state the reports need.
//!
//! Every report goes through [`record`], which looks at one thread-local
//! flag and, only if it is set, lends the running loop's `Recorder` to a
//! closure. Off, that is one load and one branch at each site; the
//! closure, and whatever it would compute (a clock read, a deadline in
//! microseconds), is not run. The loop's own reports come through its
//! observer (`observe.rs`), which owns the recorder; the context
//! (`context.rs`) lends it here while the loop runs. This is the one way a
//! report reaches it.
//!
//! ## Thread-locals
//!
//! - `WATCH`: three bits. `RECORDING`: this thread runs a recording runtime,
//!   or a blocking job that one submitted. `CAUSES`: this thread's runtime
//!   wants to know what causes each wake (it records a timeline, or traces:
//!   the trace names the socket behind a wake). `TREE`: this thread's
//!   runtime records an await tree (`await_tree/`), so [`waits_on`] and the
//!   phases feed its board too. Set and cleared with the
//!   runtime's context (`context.rs`) and around recorded jobs
//!   (`blocking/`); one thread-local, so that entering and leaving a loop
//!   that nobody watches costs one write.
//! - `CURRENT`: that runtime's recorder.
//! - `CAUSE`: what a wake on this thread is caused by right now. The
//!   observer sets it while the loop polls a task (that task), the reactor
//!   while it hands out socket events (the socket), the timer driver while
//!   it fires timers (the timers); otherwise it is the loop.
//! - `JOB`: on a blocking thread, the phases of the recorded job it runs,
//!   handed back to the loop with the job's result.
//! - `BLOCKING_THREAD`: a blocking thread's number, so a wake it sends says
//!   where it came from.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use ::timeline::{Recorder, Wait, WakeCause, now_us};

use crate::await_tree::board;

/// Records kept per runtime before the recording stops: about 28 MB of
/// records at most (a record is about 56 bytes), and tens of thousands of
/// polls, far more than a flag download makes.
pub(crate) const MAX_RECORDS: usize = 500_000;

/// A recording runtime's recorder, shared by its loop and the context.
pub(crate) type SharedRecorder = Rc<RefCell<Recorder>>;

thread_local! {
    /// `RECORDING` and `CAUSES`: what this thread's runtime (or recorded
    /// job) watches.
    static WATCH: Cell<u8> = const { Cell::new(0) };
    /// The recorder of the runtime running on this thread.
    static CURRENT: RefCell<Option<SharedRecorder>> = const { RefCell::new(None) };
    /// The cause of a wake made on this thread now.
    static CAUSE: Cell<WakeCause> = const { Cell::new(WakeCause::Loop) };
    /// On a blocking thread: the phases of the recorded job it runs.
    static JOB: RefCell<Option<JobPhases>> = const { RefCell::new(None) };
    /// On a blocking thread: its number in its pool, from 1.
    static BLOCKING_THREAD: Cell<Option<u32>> = const { Cell::new(None) };
}

/// `WATCH` bit: this thread records.
const RECORDING: u8 = 1;
/// `WATCH` bit: this thread keeps track of wake causes.
const CAUSES: u8 = 2;
/// `WATCH` bit: this thread's runtime records an await tree.
const TREE: u8 = 4;

/// True if this thread records a timeline or an await tree: the phases of
/// a task are worth reporting.
#[inline]
pub(crate) fn phases_on() -> bool {
    WATCH.with(Cell::get) & (RECORDING | TREE) != 0
}

/// The task being polled returns `Pending`, waiting for what `wait` makes:
/// the timeline and the await tree are told, if they watch. Off, one load
/// and one branch; `wait` is not called.
#[inline]
pub(crate) fn waits_on(wait: impl FnOnce() -> Wait) {
    let watch = WATCH.with(Cell::get);
    if watch & (RECORDING | TREE) != 0 {
        report_wait(watch, wait());
    }
}

/// The watched half of [`waits_on`].
#[cold]
#[inline(never)]
fn report_wait(watch: u8, wait: Wait) {
    if watch & RECORDING != 0 {
        record(|rec| rec.waits_on(wait));
    }
    if watch & TREE != 0 {
        board::pending_wait(wait);
    }
}

/// Turns the `TREE` bit on for this thread (entering a runtime that records
/// an await tree; [`set_current`] clears it with the rest).
pub(crate) fn set_tree(on: bool) {
    if on {
        WATCH.with(|watch| watch.set(watch.get() | TREE));
    }
}

/// True if this thread records.
#[inline]
pub(crate) fn on() -> bool {
    WATCH.with(Cell::get) & RECORDING != 0
}

/// Runs `report` with the running loop's recorder, if it records. The one
/// entry point of every report.
#[inline]
pub(crate) fn record(report: impl FnOnce(&mut Recorder)) {
    if on() {
        CURRENT.with(|current| {
            if let Some(recorder) = current.borrow().as_ref() {
                report(&mut recorder.borrow_mut());
            }
        });
    }
}

/// Makes `recorder` this thread's (entering a runtime); `None` stops
/// recording (leaving it, or entering one that does not record).
/// `track_causes` turns [`set_cause`] on or off.
pub(crate) fn set_current(recorder: Option<SharedRecorder>, track_causes: bool) {
    let recording = if recorder.is_some() { RECORDING } else { 0 };
    let causes = if track_causes { CAUSES } else { 0 };
    WATCH.with(|watch| watch.set(recording | causes));
    let old = CURRENT.with(|current| current.replace(recorder));
    drop(old);
    if track_causes {
        CAUSE.with(|c| c.set(WakeCause::Loop));
    }
}

/// Sets what the wakes made on this thread from now on are caused by.
#[inline]
pub(crate) fn set_cause(cause: WakeCause) {
    if WATCH.with(Cell::get) & CAUSES != 0 {
        CAUSE.with(|c| c.set(cause));
    }
}

/// The cause of a wake made now.
pub(crate) fn cause() -> WakeCause {
    CAUSE.with(Cell::get)
}

/// `runtime::timeline::phase`: on the loop, a phase of the task being
/// polled; on a blocking thread, a phase of the job.
pub(crate) fn phase(name: Cow<'static, str>) {
    let on_job = JOB.with(|job| {
        let mut job = job.borrow_mut();
        let Some(phases) = job.as_mut() else {
            return false;
        };
        phases.start(name.clone(), now_us());
        true
    });
    if !on_job {
        if WATCH.with(Cell::get) & TREE != 0 {
            board::phase(Some(name.clone()));
        }
        record(|rec| rec.phase(name, now_us()));
    }
}

/// `runtime::timeline::end_phase`, on the loop or on a blocking thread.
pub(crate) fn end_phase() {
    let on_job = JOB.with(|job| {
        let mut job = job.borrow_mut();
        let Some(phases) = job.as_mut() else {
            return false;
        };
        phases.end(now_us());
        true
    });
    if !on_job {
        if WATCH.with(Cell::get) & TREE != 0 {
            board::phase(None);
        }
        record(|rec| rec.end_phase(now_us()));
    }
}

/// What a recorded blocking job did, measured on its thread.
#[derive(Debug, Default)]
pub(crate) struct JobSpan {
    /// The pool thread's number.
    pub(crate) thread: u32,
    /// When the job started and ended.
    pub(crate) start: f64,
    /// When it ended.
    pub(crate) end: f64,
    /// Its phases: name, start, end.
    pub(crate) phases: Vec<(Cow<'static, str>, f64, f64)>,
}

impl JobSpan {
    /// Hands the span to the loop's recorder (on the loop's thread).
    pub(crate) fn report(self) {
        record(|rec| {
            rec.blocking_job(self.thread, self.start, self.end);
            for (name, start, end) in self.phases {
                rec.blocking_phase(self.thread, name, start, end);
            }
        });
    }
}

/// The phases of a job while it runs.
#[derive(Debug, Default)]
struct JobPhases {
    /// Finished phases.
    done: Vec<(Cow<'static, str>, f64, f64)>,
    /// The open one: its name and start.
    open: Option<(Cow<'static, str>, f64)>,
}

impl JobPhases {
    /// Ends the open phase at `at` and opens `name`.
    fn start(&mut self, name: Cow<'static, str>, at: f64) {
        self.end(at);
        self.open = Some((name, at));
    }

    /// Ends the open phase at `at`.
    fn end(&mut self, at: f64) {
        if let Some((name, since)) = self.open.take() {
            self.done.push((name, since, at));
        }
    }
}

/// A recorded blocking job while it runs on its pool thread: made before the
/// job starts (the thread records from then on), asked for the span when the
/// job ends, and dropped after the job's result is handed over, so that the
/// wake that hands it over says which thread sent it.
pub(crate) struct RecordedJob {
    /// This thread's number.
    thread: u32,
    /// When the job started.
    start: f64,
}

impl RecordedJob {
    /// Starts recording a job on this thread. Called only for jobs
    /// submitted by a recording runtime.
    pub(crate) fn start() -> RecordedJob {
        JOB.with(|job| *job.borrow_mut() = Some(JobPhases::default()));
        WATCH.with(|watch| watch.set(RECORDING));
        RecordedJob {
            thread: BLOCKING_THREAD.with(Cell::get).unwrap_or(0),
            start: now_us(),
        }
    }

    /// The job ended: its span and phases.
    pub(crate) fn span(&self) -> JobSpan {
        let end = now_us();
        let mut phases = JOB.with(|job| job.borrow_mut().take()).unwrap_or_default();
        phases.end(end);
        JobSpan {
            thread: self.thread,
            start: self.start,
            end,
            phases: phases.done,
        }
    }
}

impl Drop for RecordedJob {
    /// The thread stops recording, even if the job unwound.
    fn drop(&mut self) {
        WATCH.with(|watch| watch.set(0));
        JOB.with(|job| job.borrow_mut().take());
    }
}

/// Numbers this thread as blocking thread `n` (the pool calls it once).
pub(crate) fn set_blocking_thread(n: u32) {
    BLOCKING_THREAD.with(|t| t.set(Some(n)));
}

/// The number of the blocking thread this is, if it runs a recorded job
/// (the only time a wake from it is worth attributing).
pub(crate) fn recording_blocking_thread() -> Option<u32> {
    if on() {
        BLOCKING_THREAD.with(Cell::get)
    } else {
        None
    }
}
