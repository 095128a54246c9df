//! flags2_sequential: one request at a time, on one runtime.
//!
//! The book's sequential script uses a blocking HTTP client. Ours has only an async
//! client, so this strategy runs one `runtime::run` on the calling thread and awaits
//! each download before starting the next: the same client code as the other modes,
//! with no concurrency. One connection is reused through the client's keep-alive pool.

use super::Job;
use super::fetch::download_one;
use super::interrupt::interrupted;
use super::outcome::{Outcome, Status};
use super::progress::Progress;

/// Downloads `codes` one after the other, recording each outcome in `progress`.
pub fn download_many(codes: &[String], job: &Job, progress: &mut Progress) {
    runtime::run(async {
        let client = job.client(1);
        for cc in codes {
            let outcome = if interrupted() {
                Outcome::new(cc, Status::Skipped)
            } else {
                download_one(&client, &job.base, cc, &job.save_to).await
            };
            progress.record(&outcome);
        }
    });
}
