//! flags2_threadpool: a pool of OS threads, each with its own runtime and client.
//!
//! The book submits `download_one` to a `ThreadPoolExecutor` and reads results with
//! `futures.as_completed`. Here `concurrency` worker threads take codes from a shared
//! queue (a `Mutex<VecDeque>`: no ordering between workers is needed) and send each
//! [`Outcome`] back on a std channel; the calling thread records outcomes in the
//! order they complete, as `as_completed` does.
//!
//! Each worker runs its own `runtime::run` with its own [`http_client::Client`]:
//! our runtime and client are single-threaded (`Rc` inside), so they cannot be
//! shared, but it is the same client code as the other modes, not a second stack.
//!
//! What a production program does differently: it would use a multi-threaded
//! runtime (tokio's) and share one client, instead of N single-threaded ones.

use std::collections::VecDeque;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::fetch::{SaveTo, download_one, make_client};
use super::interrupt::interrupted;
use super::outcome::{Outcome, Status};
use super::report::Progress;

/// Downloads `codes` on `workers` threads, recording outcomes as they complete.
pub fn download_many(
    codes: &[String],
    base: &str,
    save_to: &SaveTo,
    timeout: Duration,
    workers: usize,
    progress: &mut Progress,
) {
    let queue: Arc<Mutex<VecDeque<String>>> = Arc::new(Mutex::new(codes.iter().cloned().collect()));
    let (outcomes_tx, outcomes_rx) = mpsc::channel::<Outcome>();
    let mut handles = Vec::new();
    for index in 0..workers.max(1) {
        let queue = Arc::clone(&queue);
        let outcomes = outcomes_tx.clone();
        let base = base.to_owned();
        let save_to = save_to.clone();
        let spawned = thread::Builder::new()
            .name(format!("flags-worker-{index}"))
            .spawn(move || worker(&queue, &base, &save_to, timeout, &outcomes));
        match spawned {
            Ok(handle) => handles.push(handle),
            // Fewer workers than asked still download everything.
            Err(err) => eprintln!("*** could not start worker thread {index}: {err}"),
        }
    }
    if handles.is_empty() {
        // No worker at all: do the work here rather than lose codes.
        worker(&queue, base, save_to, timeout, &outcomes_tx);
    }
    drop(outcomes_tx);
    let mut received = 0;
    for outcome in outcomes_rx {
        received += 1;
        progress.record(&outcome);
    }
    for handle in handles {
        if handle.join().is_err() {
            eprintln!("*** a worker thread panicked");
        }
    }
    // Codes a panicked worker took but never reported are still counted.
    let missing = codes.len().saturating_sub(received);
    if missing > 0 {
        for _ in 0..missing {
            progress.record(&Outcome::error("??", "worker thread died"));
        }
    }
}

/// One worker: its own runtime and client, taking codes until the queue is empty.
fn worker(
    queue: &Mutex<VecDeque<String>>,
    base: &str,
    save_to: &SaveTo,
    timeout: Duration,
    outcomes: &mpsc::Sender<Outcome>,
) {
    runtime::run(async {
        let client = make_client(timeout, 1);
        loop {
            let next = match queue.lock() {
                Ok(mut queue) => queue.pop_front(),
                Err(poisoned) => poisoned.into_inner().pop_front(),
            };
            let Some(cc) = next else { break };
            let outcome = if interrupted() {
                Outcome::new(&cc, Status::Skipped)
            } else {
                download_one(&client, base, &cc, save_to, timeout).await
            };
            if outcomes.send(outcome).is_err() {
                break;
            }
        }
    });
}
