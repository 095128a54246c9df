//! The blocking pool's threads: how many there are, and what each one does.
//!
//! ## Parts
//!
//! ```text
//!   runtime thread                           worker threads (std::thread)
//!   ┌──────────────────────┐   Job queue    ┌───────────────────────────────┐
//!   │ BlockingPool::submit │ ─────────────> │ recv_timeout(IDLE_TIMEOUT)    │
//!   │   sender (RefCell)   │  crossbeam,    │   job  -> run it, loop        │
//!   └──────────────────────┘  unbounded     │   idle -> exit if not needed  │
//!              │                            └───────────────────────────────┘
//!              └──── Counts (Mutex) ──── shared by all of them
//! ```
//!
//! ## Counting, so that a job is never left without a thread
//!
//! [`Counts`] holds three numbers, always changed under its mutex:
//!
//! - `threads`: worker threads alive;
//! - `waiting`: workers not running a job (blocked in `recv_timeout`, about
//!   to be, or just started);
//! - `queued`: jobs sent and not yet received.
//!
//! The rule the submitter applies: after queueing a job, if `queued >
//! waiting` some job has no thread waiting for it, so start one (if
//! `threads < max_threads`; otherwise the job waits for a busy worker to
//! finish). A worker that received a job decrements `waiting` and `queued`
//! together, so the difference stays right even in the moment between its
//! `recv` and its lock. A worker whose wait timed out leaves only if
//! `waiting > queued`, i.e. if the remaining waiters still cover every queued
//! job.
//!
//! tokio's blocking pool uses the same rule with a `VecDeque` and a
//! `Condvar` under one mutex (`num_idle`, `num_notify`); asyncio's
//! `ThreadPoolExecutor` starts a thread per submit while below the cap and
//! no thread is idle (its `_idle_semaphore`).
//!
//! ## Shutdown
//!
//! [`BlockingPool::shutdown`] (called when the runtime is dropped) sets
//! `shutdown` and drops the sending end. Workers then drop, unrun, any job
//! still queued, and exit as soon as the queue is empty. A job that is
//! running cannot be stopped (Rust has no way to cancel a thread): it runs to
//! the end on its thread, its result is dropped because its task is gone,
//! and the thread exits. The runtime does not wait for it; tokio's
//! `Runtime::drop` does wait, and asyncio's `asyncio.run` waits too (up to
//! 300 s, in `loop.shutdown_default_executor()`).

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use crate::timeline::hooks;

/// How long a worker waits for a job before it exits. asyncio's executor
/// keeps idle threads forever; tokio's default `thread_keep_alive` is 10 s,
/// and so is ours.
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// asyncio's default executor (Python 3.8+): `min(32, os.cpu_count() + 4)`
/// threads, "at least 5 for I/O bound tasks, at most 32 to avoid using very
/// large resources implicitly on many-core machines".
const ASYNCIO_MAX_WORKERS: usize = 32;
/// The `+ 4` of the same formula.
const ASYNCIO_EXTRA_WORKERS: usize = 4;

/// The default thread cap: `min(32, cores + 4)`.
pub(crate) fn default_max_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    ASYNCIO_MAX_WORKERS.min(cores + ASYNCIO_EXTRA_WORKERS)
}

/// A unit of work for a worker: the user's closure, wrapped so that it
/// catches its own panic and stores its own result (see `slot.rs`).
pub(crate) type Job = Box<dyn FnOnce() + Send + 'static>;

/// The numbers of the module doc, all under one mutex.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    /// Worker threads alive.
    pub(crate) threads: usize,
    /// Workers not running a job.
    pub(crate) waiting: usize,
    /// Jobs sent and not yet received by a worker.
    pub(crate) queued: usize,
}

impl Counts {
    /// Workers running a job right now.
    pub(crate) fn busy(&self) -> usize {
        self.threads - self.waiting
    }

    /// Workers waiting for a job.
    pub(crate) fn idle(&self) -> usize {
        self.waiting
    }
}

/// What the workers share with the runtime thread.
struct Shared {
    /// The receiving end of the job queue; every worker receives from it.
    receiver: Receiver<Job>,
    /// The counts of the module doc. Locked briefly by the submitter and by
    /// workers between jobs, never while a job runs.
    counts: Mutex<Counts>,
    /// The thread cap, from the builder.
    max_threads: usize,
    /// Set once by `shutdown`; workers then drop queued jobs unrun.
    /// `Relaxed` on both sides: the flag publishes no data, it only saves
    /// work. A worker that reads it late runs one more job, whose result goes
    /// to a slot nobody awaits, exactly as a job that was already running
    /// at shutdown does.
    shutdown: AtomicBool,
    /// The owning runtime's id, for thread names.
    runtime_id: u64,
    /// The last worker number handed out (workers are numbered from 1, for
    /// thread names and the timeline). `Relaxed`: a counter, it publishes
    /// nothing.
    last_worker: AtomicU32,
}

impl Shared {
    /// Locks the counts. No code panics while holding the lock, so poisoning
    /// cannot happen; if it did, the numbers would still be consistent.
    fn counts(&self) -> MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One runtime's pool of blocking threads: one of the running loop's
/// handles (`context.rs`).
pub(crate) struct BlockingPool {
    /// The sending end of the job queue; `None` after shutdown. Runtime
    /// thread only (the `RefCell`), borrowed for the length of a submit.
    sender: RefCell<Option<Sender<Job>>>,
    /// Shared with every worker thread.
    shared: Arc<Shared>,
}

impl BlockingPool {
    /// A pool with no threads yet; they start on demand, up to `max_threads`
    /// (at least 1).
    pub(crate) fn new(max_threads: usize, runtime_id: u64) -> BlockingPool {
        let (sender, receiver) = crossbeam_channel::unbounded();
        BlockingPool {
            sender: RefCell::new(Some(sender)),
            shared: Arc::new(Shared {
                receiver,
                counts: Mutex::new(Counts::default()),
                max_threads: max_threads.max(1),
                shutdown: AtomicBool::new(false),
                runtime_id,
                last_worker: AtomicU32::new(0),
            }),
        }
    }

    /// Queues `job` and starts a worker if no waiting one is free for it.
    /// After shutdown the job is dropped unrun, which its task reports.
    pub(crate) fn submit(&self, job: Job) {
        let sender = self.sender.borrow();
        let Some(sender) = sender.as_ref() else {
            return;
        };
        let mut counts = self.shared.counts();
        if sender.send(job).is_err() {
            return; // unreachable: `shared` keeps a receiver alive
        }
        counts.queued += 1;
        if counts.queued <= counts.waiting || counts.threads >= self.shared.max_threads {
            return;
        }
        // The new thread counts as waiting from now on, so that the next
        // submit does not start a second thread for the same job.
        counts.threads += 1;
        counts.waiting += 1;
        let shared = Arc::clone(&self.shared);
        let number = self.shared.last_worker.fetch_add(1, Ordering::Relaxed) + 1;
        let started = std::thread::Builder::new()
            .name(format!(
                "runtime-{}-blocking-{number}",
                self.shared.runtime_id
            ))
            .spawn(move || {
                hooks::set_blocking_thread(number);
                worker(&shared);
            });
        if started.is_err() {
            counts.threads -= 1;
            counts.waiting -= 1;
            if counts.threads == 0 {
                // No worker will ever take these jobs, and none can be
                // receiving now (we hold the lock and there are none), so
                // drop them: each one's task then reports the failure.
                let lost: Vec<Job> = self.shared.receiver.try_iter().collect();
                counts.queued -= lost.len();
                drop(counts);
                drop(lost);
            }
        }
    }

    /// The current counts, for `Runtime::stats`.
    pub(crate) fn counts(&self) -> Counts {
        *self.shared.counts()
    }

    /// Stops taking jobs; see "Shutdown" in the module doc.
    pub(crate) fn shutdown(&self) {
        self.shared.shutdown.store(true, Ordering::Relaxed);
        let sender = self.sender.borrow_mut().take();
        drop(sender);
    }
}

impl Drop for BlockingPool {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The body of a worker thread.
fn worker(shared: &Shared) {
    loop {
        match shared.receiver.recv_timeout(IDLE_TIMEOUT) {
            Ok(job) => {
                {
                    let mut counts = shared.counts();
                    counts.queued -= 1;
                    counts.waiting -= 1;
                }
                if shared.shutdown.load(Ordering::Relaxed) {
                    drop(job);
                } else {
                    job();
                }
                shared.counts().waiting += 1;
            }
            Err(RecvTimeoutError::Timeout) => {
                let mut counts = shared.counts();
                if counts.waiting > counts.queued {
                    counts.waiting -= 1;
                    counts.threads -= 1;
                    return;
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                let mut counts = shared.counts();
                counts.waiting -= 1;
                counts.threads -= 1;
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;

    /// A job that signals it started, then blocks until `release` fires.
    fn gated(started: mpsc::Sender<()>, release: crossbeam_channel::Receiver<()>) -> Job {
        Box::new(move || {
            let _ = started.send(());
            let _ = release.recv();
        })
    }

    /// Spins until `done()` holds; fails after 10 s rather than hanging.
    fn wait_until(what: &str, done: impl Fn() -> bool) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !done() {
            assert!(
                std::time::Instant::now() < deadline,
                "timed out waiting for {what}"
            );
            std::thread::yield_now();
        }
    }

    #[test]
    fn threads_start_lazily_up_to_the_cap_and_the_rest_queue() {
        let pool = BlockingPool::new(2, 0);
        assert_eq!(
            pool.counts(),
            Counts::default(),
            "no thread before the first job"
        );
        let (started_tx, started) = mpsc::channel();
        let (release_tx, release) = crossbeam_channel::unbounded();
        for _ in 0..3 {
            pool.submit(gated(started_tx.clone(), release.clone()));
        }
        started.recv().unwrap();
        started.recv().unwrap();
        let counts = pool.counts();
        assert_eq!((counts.threads, counts.busy(), counts.queued), (2, 2, 1));
        release_tx.send(()).unwrap();
        started.recv().unwrap(); // the third job ran on a freed thread
        assert_eq!(pool.counts().threads, 2);
        release_tx.send(()).unwrap();
        release_tx.send(()).unwrap();
        // Wait until both threads are back to waiting.
        wait_until("two idle threads", || pool.counts().idle() == 2);
        assert_eq!(pool.counts().busy(), 0);
    }

    #[test]
    fn shutdown_drops_queued_jobs_and_the_threads_exit() {
        let pool = BlockingPool::new(1, 0);
        let (started_tx, started) = mpsc::channel();
        let (release_tx, release) = crossbeam_channel::unbounded();
        pool.submit(gated(started_tx.clone(), release.clone()));
        started.recv().unwrap();
        let (ran_tx, ran) = mpsc::channel::<()>();
        pool.submit(Box::new(move || {
            let _ = ran_tx.send(());
        }));
        pool.shutdown();
        release_tx.send(()).unwrap();
        // The queued job is dropped unrun: its sender goes away unused.
        assert!(ran.recv().is_err());
        wait_until("the thread to exit", || pool.counts().threads == 0);
    }
}
