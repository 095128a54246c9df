//! flags2_threadpool: a pool of OS threads, each with its own runtime and client.
//!
//! The book submits `download_one` to a `ThreadPoolExecutor` and reads results with
//! `futures.as_completed`. Here `concurrency` worker threads take codes from a shared
//! queue (a `Mutex<VecDeque>`: no ordering between workers is needed) and send each
//! [`Outcome`] back on a std channel; the calling thread records outcomes in the
//! order they complete, as `as_completed` does.
//!
//! Each worker runs its own [`Runtime`] with its own [`http_client::Client`]:
//! our runtime and client are single-threaded (`Rc` inside), so they cannot be
//! shared, but it is the same client code as the other modes, not a second stack.
//! Each code is a task of its own on its worker's loop (`download_one BR`), so a
//! timeline shows every worker's loop with its codes one after the other: blocks
//! of as many codes at a time as there are threads. With `--timeline`, each worker
//! ends its loop itself and hands back what became of the file.
//!
//! Every loop costs two descriptors (an epoll instance and an eventfd), so at a low
//! `ulimit -n` some workers cannot make one. Such a worker takes no code and
//! reports the error when joined; the others do its share, and one line on stderr
//! says how many workers could not start. Only if none could is every code counted
//! as an error, each with the reason. A worker that panics is reported the same
//! way, and the codes it took but never reported are counted as errors.
//!
//! What a production program does differently: it would use a multi-threaded
//! runtime (tokio's) and share one client, instead of N single-threaded ones.

use std::collections::VecDeque;
use std::io;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

use runtime::Runtime;
use timeline::Written;

use super::Job;
use super::fetch::download_one_task;
use super::interrupt::interrupted;
use super::outcome::{Outcome, Status};
use super::progress::Progress;
use super::timeline::{end_event_loop, event_loop};
use crate::output::stderr_line;

/// Downloads `codes` on `workers` threads, recording outcomes as they complete.
/// Returns, with `--timeline`, what each worker's loop did with the file.
pub fn download_many(
    codes: &[String],
    job: &Job,
    workers: usize,
    progress: &mut Progress,
) -> Vec<io::Result<Written>> {
    let queue: Arc<Mutex<VecDeque<String>>> = Arc::new(Mutex::new(codes.iter().cloned().collect()));
    let (outcomes_tx, outcomes_rx) = mpsc::channel::<Outcome>();
    let mut handles = Vec::new();
    for index in 0..workers.max(1) {
        let queue = Arc::clone(&queue);
        let outcomes = outcomes_tx.clone();
        let job = job.clone();
        let spawned = thread::Builder::new()
            .name(format!("flags-worker-{index}"))
            .spawn(move || worker(&queue, &job, &outcomes));
        match spawned {
            Ok(handle) => handles.push(handle),
            // Fewer workers than asked still download everything.
            Err(err) => stderr_line(format_args!(
                "*** could not start worker thread {index}: {err}"
            )),
        }
    }
    let mut no_loop = WorkerFailures::default();
    let mut loop_ends = Vec::new();
    if handles.is_empty() {
        // No worker at all: do the work here rather than lose codes.
        match worker(&queue, job, &outcomes_tx) {
            Ok(end) => loop_ends.extend(end),
            Err(err) => no_loop.add(err),
        }
    }
    drop(outcomes_tx);
    let mut received = 0;
    for outcome in outcomes_rx {
        received += 1;
        progress.record(&outcome);
    }
    let started = handles.len();
    for handle in handles {
        match handle.join() {
            Ok(Ok(end)) => loop_ends.extend(end),
            Ok(Err(err)) => no_loop.add(err),
            Err(_) => stderr_line(format_args!("*** a worker thread panicked")),
        }
    }
    if let Some(err) = &no_loop.first {
        stderr_line(format_args!(
            "*** {} of {started} worker threads could not create their event loop: {err}",
            no_loop.count
        ));
    }
    // Codes left in the queue: no worker had an event loop to download them.
    let left: Vec<String> = match queue.lock() {
        Ok(mut queue) => queue.drain(..).collect(),
        Err(poisoned) => poisoned.into_inner().drain(..).collect(),
    };
    for cc in &left {
        let why = match &no_loop.first {
            Some(err) => format!("no worker could create an event loop: {err}"),
            None => "no worker thread ran".to_owned(),
        };
        received += 1;
        progress.record(&Outcome::error(cc, "no event loop", why));
    }
    // Codes a panicked worker took but never reported are still counted.
    let missing = codes.len().saturating_sub(received);
    for _ in 0..missing {
        progress.record(&Outcome::error(
            "??",
            "worker thread died",
            "worker thread died",
        ));
    }
    loop_ends
}

/// Workers that ended without running because their event loop could not be made.
#[derive(Debug, Default)]
struct WorkerFailures {
    /// How many.
    count: usize,
    /// The first one's error, for the message (they are almost always the same:
    /// too many open files).
    first: Option<io::Error>,
}

impl WorkerFailures {
    /// Counts one failed worker.
    fn add(&mut self, err: io::Error) {
        self.count += 1;
        self.first.get_or_insert(err);
    }
}

/// One worker: its own runtime and client, taking codes until the queue is empty.
/// Returns, with `--timeline`, what its loop did with the file.
///
/// The runtime comes from a builder ([`event_loop`]), not `runtime::run`, which panics when
/// the OS refuses the loop's descriptors (an epoll instance and an eventfd; with
/// `ulimit -n 64` and `-m 500` most workers meet that). A worker without a loop
/// takes no code and returns the error: the other workers download its share, and
/// the caller says once how many workers could not start.
fn worker(
    queue: &Mutex<VecDeque<String>>,
    job: &Job,
    outcomes: &mpsc::Sender<Outcome>,
) -> io::Result<Option<io::Result<Written>>> {
    let recording = job.timeline.as_deref();
    let runtime = event_loop(recording)?;
    download_queue(&runtime, queue, job, outcomes);
    Ok(end_event_loop(runtime, recording))
}

/// A worker's loop: codes from the queue, each in its own task, until none is left.
fn download_queue(
    runtime: &Runtime,
    queue: &Mutex<VecDeque<String>>,
    job: &Job,
    outcomes: &mpsc::Sender<Outcome>,
) {
    runtime.block_on(async {
        let client = job.client(1);
        loop {
            let next = match queue.lock() {
                Ok(mut queue) => queue.pop_front(),
                Err(poisoned) => poisoned.into_inner().pop_front(),
            };
            let Some(cc) = next else { break };
            let outcome = if interrupted() {
                Outcome::new(&cc, Status::Skipped)
            } else {
                download_one_task(&client, job, &cc).await
            };
            if outcomes.send(outcome).is_err() {
                break;
            }
        }
    });
}
