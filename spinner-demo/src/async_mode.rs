//! `spinner async`: the spinner as a task on our runtime, Fluent Python's
//! `spinner_async.py`.
//!
//! ## The Python original, in words
//!
//! - `spin(msg)` is a coroutine that loops over the frames, prints the
//!   status line, and awaits `asyncio.sleep(.1)`. That `await` is where it
//!   gives the loop back, and also where `CancelledError` arrives: the
//!   `except CancelledError: break` leaves the loop and the line is blanked.
//! - `slow()` awaits `asyncio.sleep(3)` and returns 42.
//! - `supervisor()` makes a task with `asyncio.create_task(spin(...))`,
//!   prints it, awaits `slow()`, then calls `spinner.cancel()`.
//! - `main()` runs `asyncio.run(supervisor())` and prints the answer.
//!
//! ## Here
//!
//! | Python                           | Rust                                   |
//! |----------------------------------|----------------------------------------|
//! | `asyncio.run(supervisor())`      | `rt.block_on(supervisor(..))`, then `drop(rt)` |
//! | `asyncio.create_task(spin(..))`  | `task::Builder::new().name("spin").spawn(spin(..))` |
//! | `await asyncio.sleep(.1)`        | `runtime::time::sleep(TICK).await`     |
//! | `spinner.cancel()`               | `spinner.abort()`                      |
//! | `except CancelledError:` + blank | [`EraseOnDrop`], a guard dropped with the future |
//!
//! There is one thread. `spin` and `supervisor` take turns on it, each
//! running until its next `.await` on a sleep that is not yet due: while
//! `slow()` waits for its timer, the loop polls `spin`, which draws a frame
//! and waits for its own timer, and so on.
//!
//! After `abort()` the supervisor also awaits the handle, which Python's
//! version does not: `asyncio.run` would finish cancelling the task on the
//! way out, and so would `runtime::run`, but awaiting it here makes the
//! order of the output plain: the line is erased before `supervisor`
//! returns, and so before `Answer: 42` is printed.

use std::io;
use std::panic;
use std::path::Path;
use std::time::Duration;

use runtime::JoinHandle;
use runtime::task;
use runtime::time::sleep;

use crate::event_loop::{self, Failure};
use crate::line::{self, ANSWER, FRAMES, TICK};

/// Runs the demo: the event loop drives `supervisor` (recording a timeline
/// to `timeline` if given), then the answer.
pub fn main(msg: &str, seconds: Duration, timeline: Option<&Path>) -> Result<(), Failure> {
    // `runtime::run`, spelled out to record the timeline: dropping the
    // runtime, as `run` does, writes the file.
    let rt = event_loop::builder(timeline)
        .build()
        .map_err(Failure::EventLoop)?;
    let result = rt.block_on(supervisor(msg.to_owned(), seconds))?;
    drop(rt);
    Ok(line::print(format_args!("Answer: {result}"))?)
}

/// Spawns the spinner, awaits `slow()`, then cancels the spinner.
async fn supervisor(msg: String, seconds: Duration) -> io::Result<u32> {
    let spinner = task::Builder::new().name("spin").spawn(spin(msg));
    line::print(format_args!("spinner object: {spinner:?}"))?;
    let result = slow(seconds).await;
    cancel(spinner).await?;
    Ok(result)
}

/// The slow computation: gives the loop back for `seconds`, then answers.
async fn slow(seconds: Duration) -> u32 {
    sleep(seconds).await;
    ANSWER
}

/// Draws frames forever, pausing at each `.await`; returns only if writing
/// to stdout fails. However it ends, the line is erased.
pub(crate) async fn spin(msg: String) -> io::Result<()> {
    // Python's `except CancelledError: break` and the blanking after the
    // loop. A Rust future is cancelled by being dropped: `abort()` makes the
    // loop drop this future where it last stopped, at the `.await` below,
    // and dropping it drops its locals, `_erase` among them. So the code
    // that must run on cancellation goes in a `Drop`, which also runs if the
    // loop returns early with an error, like a `finally:` block. Unlike
    // Python, the task cannot catch the cancellation and carry on.
    let _erase = EraseOnDrop { msg: &msg };
    for &frame in FRAMES.iter().cycle() {
        line::draw(frame, &msg)?;
        sleep(TICK).await;
    }
    Ok(())
}

/// Cancels the spinner [Task.cancel()] and waits until its future is dropped
/// (and so its line erased). A write error it stopped on is returned.
pub(crate) async fn cancel(spinner: JoinHandle<io::Result<()>>) -> io::Result<()> {
    spinner.abort();
    match spinner.await {
        Ok(result) => result,
        Err(err) if err.is_cancelled() => Ok(()),
        // A panic in `spin` is a bug in this program: let it go on up.
        Err(err) => panic::resume_unwind(err.into_panic()),
    }
}

/// Erases the spinner line when dropped: the `finally:` of `spin`.
struct EraseOnDrop<'a> {
    /// The message the frames show, which sets how wide the line is.
    /// Borrowed from `spin`'s own `msg`, which outlives this guard.
    msg: &'a str,
}

impl Drop for EraseOnDrop<'_> {
    fn drop(&mut self) {
        // `Drop` cannot return an error; if stdout is gone, there is no
        // line left to erase either.
        let _ = line::erase(self.msg);
    }
}
