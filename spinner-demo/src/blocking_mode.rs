//! `spinner blocking`: a blocking call inside a task freezes the loop,
//! Fluent Python's `spinner_async_experiment.py`.
//!
//! ## The Python original, in words
//!
//! The same program as `spinner_async.py`, with one line changed: `slow()`
//! calls `time.sleep(3)` instead of awaiting `asyncio.sleep(3)`. The book's
//! lesson: "Never use time.sleep(...) in asyncio coroutines". The spinner
//! task is created, the repr is printed, and then the loop's only thread
//! sleeps inside `supervisor`. When it wakes, `supervisor` cancels the
//! spinner, which never got a turn, and returns. No frame is drawn.
//!
//! ## Here
//!
//! The supervisor is `async_mode`'s, with this file's `slow()`; `spin` and
//! `cancel` are the ones from `async_mode.rs`. The story, step by step:
//!
//! 1. `runtime::run` polls `supervisor`. It spawns `spin`: the task is
//!    queued, but does not run until `supervisor` gives the loop back.
//! 2. `supervisor` prints `<Task pending ...>` and calls `slow()`, which
//!    calls `std::thread::sleep`. The loop's one thread sleeps with it: no
//!    task is polled, no timer fires, no socket is read.
//! 3. `slow()` returns 42 without ever returning `Pending`, so `supervisor`
//!    goes straight on to `abort()`. The first time the loop reaches `spin`,
//!    it finds the abort request and drops the future unpolled. An `async fn`
//!    that was never polled has run none of its body: no frame was drawn,
//!    no erase guard was made, so nothing is erased either.
//!
//! In a thread (`thread_mode.rs`) the same `sleep` is harmless, because the
//! OS preempts threads. A task is never preempted: it gives the loop back
//! only at an `.await` that returns `Pending`.
//!
//! ## The slow-poll warning
//!
//! asyncio's debug mode logs "Executing <Task ...> took 3.003 seconds" for a
//! step like this. The runtime does the same: a poll that holds the loop
//! longer than a threshold prints, on stderr,
//!
//! ```text
//! warning: task 1 'block_on' (called at spinner-demo/src/blocking_mode.rs:73) blocked the event loop for 3.00s
//! ```
//!
//! naming the future that blocked it: here `supervisor`, the future that the
//! runtime's `block_on` drives. The warning is on by default only in debug
//! builds, so this mode turns it on with the builder, at asyncio's 100 ms.
//!
//! The fix, when the blocking call cannot be made async, is to run it on a
//! thread pool and await the result (asyncio's `loop.run_in_executor`,
//! tokio's `spawn_blocking`).

use std::io;
use std::path::Path;
use std::thread;
use std::time::Duration;

use runtime::task;

use crate::async_mode::{cancel, spin};
use crate::event_loop::{self, Failure};
use crate::line::{self, ANSWER};

/// asyncio's `slow_callback_duration`: polls longer than this are reported.
const SLOW_POLL_THRESHOLD: Duration = Duration::from_millis(100);

/// Runs the demo: the loop drives `supervisor`, which blocks it (recording a
/// timeline to `timeline` if given); then the answer.
pub fn main(msg: &str, seconds: Duration, timeline: Option<&Path>) -> Result<(), Failure> {
    // `runtime::run` with the slow-poll warning on, even in release builds.
    let rt = event_loop::builder(timeline)
        .slow_poll_threshold(Some(SLOW_POLL_THRESHOLD))
        .build()
        .map_err(Failure::EventLoop)?;
    let result = rt.block_on(supervisor(msg.to_owned(), seconds))?;
    drop(rt);
    Ok(line::print(format_args!("Answer: {result}"))?)
}

/// As in `async_mode.rs`: spawn the spinner, await `slow()`, cancel.
async fn supervisor(msg: String, seconds: Duration) -> io::Result<u32> {
    let spinner = task::Builder::new().name("spin").spawn(spin(msg));
    line::print(format_args!("spinner object: {spinner:?}"))?;
    let result = slow(seconds).await;
    cancel(spinner).await?;
    Ok(result)
}

/// The mistake: an `async fn` that blocks the thread instead of awaiting.
async fn slow(seconds: Duration) -> u32 {
    // Blocks the event loop's only thread: no other task runs meanwhile.
    thread::sleep(seconds);
    ANSWER
}
