//! SIGQUIT (Ctrl-\ at a terminal): every loop of the process prints its
//! await tree to stderr, and the program goes on [the JVM's thread dump,
//! Go's goroutine dump (which then exits); `python -m asyncio pstree PID`
//! from outside].
//!
//! ```text
//!   signal handler            SIGQUIT thread                   each loop's thread
//!   (any thread)              ("runtime-sigquit")
//!   write(pipe, 1 byte) ───>  read(pipe) returns
//!                             for each loop: queue a request ──> at its next tick (drain of
//!                               (its remote queue: channel      the remote queue): take the
//!                                + eventfd, as a remote wake)    tree, write it to stderr,
//!                                                                 answer
//!                             after ANSWER_WAIT: for each loop
//!                             that has not answered, say what
//!                             it is doing (a poll that has not
//!                             returned, or not in block_on)
//! ```
//!
//! ## Why this shape
//!
//! A signal handler may run between any two instructions of any thread,
//! with a lock held or a `RefCell` borrowed, so it may only call
//! async-signal-safe functions: no allocation, no lock, no `RefCell`. Ours
//! makes one `write(2)` of one byte to a pipe (the "self-pipe trick") and
//! returns. Everything else happens on an ordinary thread, started with the
//! first runtime that asks for the handler, which may lock, allocate and
//! wait. It reaches each loop through the loop's remote queue, beside the
//! wakes and the spawns from other threads: a call (`Remote::Call`,
//! `task/remote_queue.rs`), a closure the loop runs on its own thread when
//! it next looks at that queue, between two polls, where the loop's state
//! may be read. A loop parked in
//! `epoll_wait` is woken by the queue's eventfd; a loop stuck in a poll
//! (the spinner's blocking mode) cannot answer, so after [`ANSWER_WAIT`]
//! the SIGQUIT thread says so, from the one thing it can read without the
//! loop: which task's poll is running and since when (`LoopStatus`,
//! `status.rs`, kept only while the await tree is recorded).
//!
//! `errno`: the handler's `write` succeeds unless the pipe is full (its
//! 64 KiB of unanswered signals), and only a failed call changes `errno`,
//! so the code the signal interrupted finds `errno` as it left it.
//!
//! ## Whose SIGQUIT
//!
//! The handler is installed once per process, when the first runtime built
//! with [`Builder::sigquit`](crate::Builder::sigquit) on is built (by
//! default, one that records its await tree: debug builds, or
//! `RUNTIME_AWAIT_TREE=1`). Release builds do not start it unasked because
//! its thread makes the process multi-threaded, and glibc's `malloc` then
//! takes its arena lock on every call: measured on the `spawn_many` bench,
//! about 24,000 instructions per 1,000 spawns (2.6%), with no line of ours
//! on the hot path changed. It replaces the default action (a core dump) and "ignored" (a
//! shell starts background jobs with SIGQUIT ignored; Go installs its
//! handler over that too), but never a handler the program installed: then
//! the program keeps its own and no tree is printed on SIGQUIT.
//! [`print_all`](super::print_all) does the same without a signal, on every
//! platform. On platforms without Unix signals (Windows) there is no
//! handler; `print_all` is the way.
//!
//! `SA_RESTART` keeps a read or write interrupted by the signal from failing
//! with `EINTR` in code that does not retry; `epoll_wait` is never restarted
//! (the reactor treats its `EINTR` as a wake with no events).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::current;
use super::snapshot::Seconds;
use super::status::{LoopStatus, answer_if_asked, write_stderr};
use crate::task::remote_queue::RemoteQueue;
use crate::task::schedule::Scheduler;

/// How long the SIGQUIT thread waits for every loop to print before it
/// reports the ones that did not. A loop that is merely busy answers within
/// one tick (at most 61 polls); a second is far beyond that on a loaded
/// machine and still feels immediate at a terminal.
pub(crate) const ANSWER_WAIT: Duration = Duration::from_secs(1);

/// How often the SIGQUIT thread looks at the answers while it waits.
const ANSWER_CHECK_INTERVAL: Duration = Duration::from_millis(10);

/// One loop of the process, as the SIGQUIT thread knows it.
struct LoopEntry {
    /// The runtime's id.
    runtime_id: u64,
    /// The name of the thread that built the runtime (the one that runs
    /// it, for every runtime of this workspace).
    thread: String,
    /// The way into the loop's thread (`task/schedule.rs`).
    remote: Arc<RemoteQueue>,
    /// The requests it was asked and answered, and the task it is polling
    /// if the await tree is recorded (`board.rs`).
    status: Arc<LoopStatus>,
}

/// Every loop of the process that wants SIGQUIT. Locked by the SIGQUIT
/// thread (and `print_all`), and by runtimes as they are built and dropped;
/// never by the signal handler.
static LOOPS: Mutex<Vec<LoopEntry>> = Mutex::new(Vec::new());

/// The number of the last request to print (one per signal or
/// `print_all`). `Relaxed`: it only numbers requests.
static REQUESTS: AtomicU64 = AtomicU64::new(0);

/// The loop list, even if a thread panicked while holding it (the list is
/// whole after every push and remove, so a poisoned lock guards valid data).
fn loops() -> MutexGuard<'static, Vec<LoopEntry>> {
    LOOPS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A loop's place in the list; dropping it (with the runtime) takes the
/// loop out.
#[derive(Debug)]
pub(crate) struct Registration {
    /// The runtime's id.
    runtime_id: u64,
}

/// Adds runtime `runtime_id` to the loops that answer SIGQUIT, installing
/// the handler if this is the first.
pub(crate) fn register(
    runtime_id: u64,
    remote: Arc<RemoteQueue>,
    status: Arc<LoopStatus>,
) -> Registration {
    platform::install_once();
    let thread = std::thread::current();
    let entry = LoopEntry {
        runtime_id,
        thread: thread.name().unwrap_or("unnamed").to_string(),
        remote,
        status,
    };
    loops().push(entry);
    Registration { runtime_id }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let removed: Vec<LoopEntry> = {
            let mut loops = loops();
            let (gone, kept) = std::mem::take(&mut *loops)
                .into_iter()
                .partition(|entry| entry.runtime_id == self.runtime_id);
            *loops = kept;
            gone
        };
        drop(removed); // after the lock, which it need not hold
    }
}

/// Asks every registered loop to print its tree, waits up to
/// [`ANSWER_WAIT`] for the answers, then reports each loop that did not
/// answer. Runs on the SIGQUIT thread or `print_all`'s thread, never on a
/// loop's (it blocks).
pub(crate) fn print_all_and_wait() {
    let (request, asked) = ask_all();
    let deadline = Instant::now() + ANSWER_WAIT;
    let waiting = |asked: &[Asked]| asked.iter().any(|loop_| !loop_.status.answered(request));
    while waiting(&asked) && Instant::now() < deadline {
        std::thread::sleep(ANSWER_CHECK_INTERVAL);
    }
    for loop_ in &asked {
        if !loop_.status.answered(request) {
            write_stderr(&no_answer(loop_));
        }
    }
}

/// A loop asked to print, as the asking thread keeps it while it waits.
pub(crate) struct Asked {
    /// The runtime's id.
    runtime_id: u64,
    /// The thread that built it.
    thread: String,
    /// Its answers, and what it is polling.
    status: Arc<LoopStatus>,
}

/// Queues a request to print on every registered loop; returns the
/// request's number and the loops asked.
pub(crate) fn ask_all() -> (u64, Vec<Asked>) {
    let request = REQUESTS.fetch_add(1, Ordering::Relaxed) + 1;
    let mut asked = Vec::new();
    for entry in loops().iter() {
        entry.status.requested.fetch_max(request, Ordering::Relaxed);
        let status = Arc::clone(&entry.status);
        let answer = Box::new(move |_: &Scheduler| {
            answer_if_asked(&status, || {
                current::tree().map(|t| t.to_string()).unwrap_or_default()
            });
        });
        // An error means the runtime is being dropped: nothing to print.
        if entry.remote.call(answer).is_ok() {
            asked.push(Asked {
                runtime_id: entry.runtime_id,
                thread: entry.thread.clone(),
                status: Arc::clone(&entry.status),
            });
        }
    }
    (request, asked)
}

/// What the SIGQUIT thread says of a loop that did not answer in time.
fn no_answer(loop_: &Asked) -> String {
    let head = format!(
        "runtime {} on thread '{}': no answer within {}",
        loop_.runtime_id,
        loop_.thread,
        Seconds(ANSWER_WAIT)
    );
    let status = &loop_.status;
    let polling = status.polling.load(Ordering::Relaxed);
    if polling != 0 {
        let started = status.poll_started_us.load(Ordering::Relaxed);
        let running_for = (::timeline::now_us() as u64).saturating_sub(started);
        format!(
            "{head}: a poll of task {polling} has been running for {}, blocking the loop \
             (a task that blocks its thread: std::thread::sleep, blocking I/O, a long \
             computation); the tree follows when the poll returns\n",
            Seconds(Duration::from_micros(running_for))
        )
    } else if status.tracks_polls {
        format!("{head}: it is not inside block_on now; the tree follows when it next runs\n")
    } else {
        format!(
            "{head}: it is blocked in a poll, or not inside block_on now (the await tree \
             is off, so which task is not known); the tree follows when the loop next ticks\n"
        )
    }
}

#[cfg(all(unix, not(miri)))]
#[path = "sigquit_unix.rs"]
mod platform;

/// Without Unix signals there is no handler to install; `print_all` works.
/// Under Miri neither: it cannot call `sigaction`.
#[cfg(any(not(unix), miri))]
mod platform {
    /// Nothing to install.
    pub(super) fn install_once() {}
}
