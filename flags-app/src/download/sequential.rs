//! flags2_sequential: one request at a time, on one runtime.
//!
//! The book's sequential script uses a blocking HTTP client. Ours has only an async
//! client, so this strategy runs one event loop on the calling thread and awaits
//! each download before starting the next: the same client code as the other modes,
//! with no concurrency. One connection is reused through the client's keep-alive pool.
//! Each code is a task of its own (`download_one BR`), awaited before the next is
//! spawned, so that a timeline shows one row per code, each starting where the
//! previous one ended: a staircase.

use runtime::Runtime;

use super::Job;
use super::fetch::download_one_task;
use super::interrupt::interrupted;
use super::outcome::{Outcome, Status};
use super::progress::Progress;

/// Downloads `codes` one after the other on `event_loop`, recording each outcome
/// in `progress`.
pub fn download_many(event_loop: &Runtime, codes: &[String], job: &Job, progress: &mut Progress) {
    event_loop.block_on(async {
        let client = job.client(1);
        for cc in codes {
            let outcome = if interrupted() {
                Outcome::new(cc, Status::Skipped)
            } else {
                download_one_task(&client, job, cc).await
            };
            progress.record(&outcome);
        }
    });
}
