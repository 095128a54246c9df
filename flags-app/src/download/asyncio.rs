//! flags2_asyncio, flags2_asyncio_executor and flags3_asyncio: one runtime, many
//! requests in flight.
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
//! Every code gets a task at once, named `download_one BR` (asyncio's `as_completed`
//! wraps each coroutine in a Task too); the [`Semaphore`] lets `concurrency` of them
//! hold a request at a time, and [`as_completed`] hands back results in the order they
//! finish, so the progress moves as soon as any download ends.
//!
//! ## The semaphore is held per request
//!
//! `async with semaphore: image = await get_flag(...)`: the permit covers the request
//! only, not the save. With `--names` (flags3), the task then takes a permit again for
//! `metadata.json`, queueing behind every task still waiting for its first request, as
//! flags3's second `async with semaphore:` does.
//!
//! ## Where the file is saved ([`Saving`])
//!
//! - **Off the loop, awaited** (the default): `spawn_blocking(save).await`, flags2_asyncio's
//!   `await asyncio.to_thread(save_flag, ...)`. The loop stays free while the disk works,
//!   and the code counts as downloaded once its file is written.
//! - **Off the loop, not awaited** (`--executor`): `spawn_blocking(save)` and move on,
//!   flags2_asyncio_executor's `loop.run_in_executor(None, save_flag, ...)`, whose future
//!   nobody awaits. The code counts as downloaded at once; the saves still running are
//!   waited for after the last download, as `asyncio.run` waits for the default
//!   executor, and a save that failed then moves its code from downloaded to errors.
//! - **On the loop** (`--save-on-loop`): the task writes the file itself, as the first
//!   edition did. Every other task waits meanwhile; when a save takes longer than the
//!   runtime's slow-poll threshold, its warning names the task, `download_one BR`.
//!
//! ## Pacing (`--stagger MS`)
//!
//! Off by default. With it, requests start at least `MS` apart: the book's Python
//! client is slow enough to open its connections about 0.8 ms apart, while this one
//! opens a hundred within a few milliseconds, which overflows the listen backlog of 5
//! that Python's servers use (see flags-app/README.md). Pacing lets a reader repeat
//! the book's experiment on those servers.
//!
//! What asyncio does differently: `asyncio.run` turns Ctrl-C into cancelling the tasks;
//! here the tasks check the interrupt flag before their first request (see
//! `interrupt.rs`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Instant;

use http_client::Client;
use runtime::future::as_completed;
use runtime::sync::Semaphore;
use runtime::{JoinHandle, Runtime};

use super::Job;
use super::fetch::{get_country, get_flag};
use super::interrupt::interrupted;
use super::naming::save_flag;
use super::outcome::{Outcome, Status};
use super::progress::Progress;
use super::timeline::{
    SAVING, WAITING_FOR_ITS_TURN, WAITING_FOR_THE_SEMAPHORE, saving_job, task_name,
};
use crate::config::Saving;

/// What every download task of one run shares (through an `Rc`: one thread).
#[derive(Debug)]
struct Shared {
    /// The run's settings.
    job: Job,
    /// The one client: its pool and connection limit serve every task.
    client: Client,
    /// `concurrency` permits, one per request in flight.
    semaphore: Semaphore,
    /// Where files are saved.
    saving: Saving,
    /// `--stagger`: when the next request may start, if one has started. Read and
    /// set with no `.await` between (one thread: no other task runs meanwhile).
    next_turn: Cell<Option<Instant>>,
    /// `--executor`: saves started and not awaited, with their codes; drained after the
    /// last download. Borrowed briefly, never across an `.await`.
    unawaited: RefCell<Vec<(String, JoinHandle<Outcome>)>>,
}

/// Downloads `codes` on `event_loop` with at most `concurrency` requests in flight.
pub fn download_many(
    event_loop: &Runtime,
    codes: &[String],
    job: &Job,
    concurrency: usize,
    saving: Saving,
    progress: &mut Progress,
) {
    event_loop.block_on(async {
        let shared = Rc::new(Shared {
            client: job.client(concurrency),
            job: job.clone(),
            semaphore: Semaphore::new(concurrency.max(1)),
            saving,
            next_turn: Cell::new(None),
            unawaited: RefCell::new(Vec::new()),
        });
        let tasks = codes.iter().map(|cc| {
            let task = runtime::task::Builder::new()
                .name(task_name(cc))
                .spawn(download_and_say(Rc::clone(&shared), cc.clone()));
            let cc = cc.clone();
            async move {
                task.await.unwrap_or_else(|err| {
                    Outcome::error(&cc, "download task failed", err.to_string())
                })
            }
        });
        let mut to_do = as_completed(tasks);
        while let Some(outcome) = to_do.next().await {
            progress.record(&outcome);
        }
        let unawaited = shared.unawaited.take();
        for (cc, save) in unawaited {
            let saved = save.await.unwrap_or_else(|err| {
                Outcome::error(&cc, "cannot save the file", format!("saving failed: {err}"))
            });
            if saved.status != Status::Ok {
                progress.record_late_failure(&saved);
            }
        }
    });
}

/// [`download_one`], then its outcome in words on the task's row of the
/// timeline (`downloaded`, `not found`, `error: HTTP 503 ...`).
async fn download_and_say(shared: Rc<Shared>, cc: String) -> Outcome {
    let outcome = download_one(shared, cc).await;
    runtime::timeline::outcome(outcome.timeline_words());
    outcome
}

/// One code: the GIF, flags3's country name with `--names`, then the save
/// [flags2_asyncio's and flags3_asyncio's download_one].
async fn download_one(shared: Rc<Shared>, cc: String) -> Outcome {
    let (client, base) = (&shared.client, shared.job.base.as_str());
    let image = {
        runtime::timeline::phase(WAITING_FOR_THE_SEMAPHORE);
        let Ok(_permit) = shared.semaphore.acquire().await else {
            return Outcome::error(&cc, "interrupted", "the request semaphore was closed");
        };
        if interrupted() {
            return Outcome::new(&cc, Status::Skipped);
        }
        wait_for_turn(&shared).await;
        get_flag(client, base, &cc).await
    };
    let image = match image {
        Ok(image) => image,
        Err(err) => return Outcome::failed(&cc, &err),
    };
    let country = if shared.job.save_to.names {
        runtime::timeline::phase(WAITING_FOR_THE_SEMAPHORE);
        let Ok(_permit) = shared.semaphore.acquire().await else {
            return Outcome::error(&cc, "interrupted", "the request semaphore was closed");
        };
        wait_for_turn(&shared).await;
        match get_country(client, base, &cc).await {
            Ok(country) => Some(country),
            Err(err) => return Outcome::failed(&cc, &err),
        }
    } else {
        None
    };
    let save_to = shared.job.save_to.clone();
    let code = cc.clone();
    let save = move || save_flag(&save_to, &code, country.as_deref(), &image);
    match shared.saving {
        Saving::OnLoop => {
            runtime::timeline::phase(SAVING);
            let saved = save();
            runtime::timeline::end_phase();
            saved
        }
        Saving::Thread => {
            runtime::timeline::phase(SAVING);
            let saved = runtime::spawn_blocking(marked_job(&cc, save))
                .await
                .unwrap_or_else(|err| {
                    Outcome::error(&cc, "cannot save the file", format!("saving failed: {err}"))
                });
            runtime::timeline::end_phase();
            saved
        }
        Saving::Executor => {
            let save = runtime::spawn_blocking(marked_job(&cc, save));
            shared.unawaited.borrow_mut().push((cc.clone(), save));
            Outcome::new(&cc, Status::Ok)
        }
    }
}

/// `--stagger`: waits until this request may start, and moves the next turn one
/// stagger later. Requests then start at most once per stagger, in the order their
/// tasks got here (after the semaphore, so a permit is held while waiting, as the
/// book's client holds it while it builds its request).
async fn wait_for_turn(shared: &Shared) {
    let stagger = shared.job.stagger;
    if stagger.is_zero() {
        return;
    }
    let now = runtime::time::now();
    let turn = shared.next_turn.get().map_or(now, |next| next.max(now));
    shared.next_turn.set(Some(turn + stagger));
    if turn > now {
        runtime::timeline::phase(WAITING_FOR_ITS_TURN);
        runtime::time::sleep_until(turn).await;
    }
}

/// `save` as a job for the blocking pool that marks its phase, `saving BR`, on
/// the row of the thread that runs it.
fn marked_job(
    cc: &str,
    save: impl FnOnce() -> Outcome + Send + 'static,
) -> impl FnOnce() -> Outcome + Send + 'static {
    let phase = saving_job(cc);
    move || {
        runtime::timeline::phase(phase);
        save()
    }
}
