//! flags2_asyncio and flags2_asyncio_executor: one runtime, many requests in flight.
//!
//! As in the book:
//!
//! ```python
//! semaphore = asyncio.Semaphore(concur_req)
//! to_do = [download_one(client, cc, base_url, semaphore, verbose) for cc in sorted(cc_list)]
//! for coro in asyncio.as_completed(to_do):
//!     status = await coro
//! ```
//!
//! Every code gets a future at once; the [`Semaphore`] lets `concurrency` of them
//! hold a request at a time, and [`as_completed`] hands back results in the order
//! they finish, so the progress bar moves as soon as any download ends. The
//! futures run inside the main task while it awaits `next()` (asyncio wraps each
//! in a Task instead); with one thread the difference is only who polls them.
//!
//! The permit is held for the request only, not for saving the file, as the book's
//! `async with semaphore: image = await get_flag(...)`. Saving is a short blocking
//! write: done in the task by default (as flags2_asyncio), or with `--executor` on
//! the runtime's blocking pool [loop.run_in_executor] (as flags2_asyncio_executor),
//! which keeps the event loop free while the disk works.

use std::rc::Rc;
use std::time::Duration;

use runtime::future::as_completed;
use runtime::sync::Semaphore;

use super::fetch::{SaveTo, fetch_failure, get_flag_within, make_client, save_flag};
use super::interrupt::interrupted;
use super::outcome::{Outcome, Status};
use super::report::Progress;

/// Downloads `codes` with at most `concurrency` requests in flight.
pub fn download_many(
    codes: &[String],
    base: &str,
    save_to: &SaveTo,
    timeout: Duration,
    concurrency: usize,
    executor: bool,
    progress: &mut Progress,
) {
    runtime::run(async {
        let client = make_client(timeout, concurrency);
        let semaphore = Rc::new(Semaphore::new(concurrency.max(1)));
        let to_do = codes.iter().map(|cc| {
            let client = client.clone();
            let semaphore = Rc::clone(&semaphore);
            let save_to = save_to.clone();
            let cc = cc.clone();
            let base = base.to_owned();
            async move {
                let fetched = {
                    let Ok(_permit) = semaphore.acquire().await else {
                        return Outcome::error(&cc, "the request semaphore was closed");
                    };
                    if interrupted() {
                        return Outcome::new(&cc, Status::Skipped);
                    }
                    get_flag_within(&client, &base, &cc, timeout).await
                };
                match fetched {
                    Err(err) => fetch_failure(&cc, err),
                    Ok(image) if executor => {
                        let cc_for_pool = cc.clone();
                        let saved = runtime::spawn_blocking(move || {
                            save_flag(&save_to, &cc_for_pool, &image)
                        })
                        .await;
                        saved.unwrap_or_else(|err| {
                            Outcome::error(&cc, format!("saving failed: {err}"))
                        })
                    }
                    Ok(image) => save_flag(&save_to, &cc, &image),
                }
            }
        });
        let mut to_do = as_completed(to_do);
        while let Some(outcome) = to_do.next().await {
            progress.record(&outcome);
        }
    });
}
