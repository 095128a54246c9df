//! cargo run -p timeline --example synthetic -- spinner-timeline.html
//!
//! Writes a made-up timeline of Fluent Python's two spinner programs, side by
//! side on one time axis, as a runtime would record them (`.html` for the
//! page, `.json` for Perfetto or chrome://tracing):
//!
//! - runtime 1, `spinner async`: `supervisor` awaits a 3-second sleep, so the
//!   loop is free and the `spin` task is polled every 100 ms: thirty short
//!   green polls, each followed by a violet `await timer`.
//! - runtime 2, `spinner blocking`: `supervisor` calls a blocking sleep
//!   inside its poll. That one poll lasts 3 seconds; `spin`, spawned just
//!   before, stays queued (amber) the whole time and is cancelled without
//!   ever running. The book's lesson, "never use time.sleep in a
//!   coroutine", as a picture.
//!
//! The times are invented but shaped like a real run. No runtime is
//! involved: the example drives the [`Recorder`] by hand, the way the
//! runtime's hooks will.

use std::panic::Location;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use timeline::{PollOutcome, Process, Recorder, Timeline, Wait, WakeCause};

/// One millisecond, in the timeline's microseconds.
const MS: f64 = 1000.0;
/// How long `slow()` takes in both programs.
const SLOW: f64 = 3000.0 * MS;
/// The spinner's frame interval: `await asyncio.sleep(.1)`.
const FRAME: f64 = 100.0 * MS;
/// How long one frame's poll takes (writing a character to the terminal).
const FRAME_POLL: f64 = 0.04 * MS;

fn main() -> ExitCode {
    let path = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("spinner-timeline.html"), PathBuf::from);
    let mut timeline = Timeline::new();
    timeline.push(spinner_async());
    timeline.push(spinner_blocking());
    match timeline.write_to_path(&path) {
        Ok(written) => {
            println!("{written}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("synthetic: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `spinner async`: the supervisor awaits, the spinner gets its turns.
fn spinner_async() -> Process {
    let mut rec = Recorder::new(
        1,
        "runtime 1 (spinner async)",
        timeline::DEFAULT_MAX_RECORDS,
    );
    let here = Location::caller();
    rec.task_spawned(1, Some("block_on"), here, 0.0);

    // Tick 1: the supervisor starts the spinner and awaits slow().
    rec.poll_started(1, 0.01 * MS);
    rec.phase("start the spinner", 0.02 * MS);
    rec.task_spawned(2, Some("spin"), here, 0.03 * MS);
    rec.phase("await slow()", 0.05 * MS);
    rec.waits_on(Wait::Timer {
        deadline: 0.06 * MS + SLOW,
    });
    rec.poll_ended(1, 0.06 * MS, PollOutcome::Pending);

    // Each tick: poll the spinner (one frame), then sleep in the selector
    // until its next timer. The last frame's park ends with the
    // supervisor's timer instead.
    let frames = (SLOW / FRAME) as u64;
    let fire = 0.06 * MS + SLOW + 0.05 * MS;
    let mut now = 0.07 * MS;
    let mut tick_start = 0.0;
    for tick in 1..=frames {
        rec.poll_started(2, now);
        rec.waits_on(Wait::Timer {
            deadline: now + FRAME,
        });
        rec.poll_ended(2, now + FRAME_POLL, PollOutcome::Pending);
        let park = now + FRAME_POLL + 0.01 * MS;
        let wake_at = if tick == frames {
            fire
        } else {
            now + FRAME + 0.05 * MS
        };
        let timeout = Duration::from_secs_f64((wake_at - park).max(0.0) / 1e6);
        rec.select(park, wake_at, Some(timeout), 0);
        if tick == frames {
            break;
        }
        rec.task_woken(2, wake_at + 0.01 * MS, WakeCause::Timer);
        rec.tick(tick, tick_start, wake_at + 0.02 * MS);
        tick_start = wake_at + 0.02 * MS;
        now = wake_at + 0.04 * MS;
    }
    let tick = frames;

    // The supervisor's timer fires: it cancels the spinner and ends.
    rec.task_woken(1, fire + 0.01 * MS, WakeCause::Timer);
    rec.poll_started(1, fire + 0.03 * MS);
    rec.phase("cancel the spinner", fire + 0.04 * MS);
    rec.waits_on(Wait::Join { task: 2 });
    rec.poll_ended(1, fire + 0.06 * MS, PollOutcome::Pending);
    rec.task_cancelled(2, fire + 0.08 * MS);
    rec.task_woken(1, fire + 0.09 * MS, WakeCause::Task(2));
    rec.tick(tick, tick_start, fire + 0.1 * MS);
    rec.poll_started(1, fire + 0.12 * MS);
    rec.poll_ended(1, fire + 0.15 * MS, PollOutcome::Ready);
    rec.tick(tick + 1, fire + 0.11 * MS, fire + 0.16 * MS);
    rec.finish(fire + 0.2 * MS)
}

/// `spinner blocking`: one poll holds the loop for 3 seconds.
fn spinner_blocking() -> Process {
    let mut rec = Recorder::new(
        2,
        "runtime 2 (spinner blocking)",
        timeline::DEFAULT_MAX_RECORDS,
    );
    let here = Location::caller();
    rec.task_spawned(3, Some("block_on"), here, 0.0);

    // Tick 1: the supervisor's only poll until the end. slow() calls a
    // blocking sleep, so the loop's one thread sleeps inside this poll.
    rec.poll_started(3, 0.01 * MS);
    rec.phase("start the spinner", 0.02 * MS);
    rec.task_spawned(4, Some("spin"), here, 0.03 * MS);
    rec.phase("slow(): blocking sleep", 0.05 * MS);
    let slept = 0.05 * MS + SLOW;
    rec.phase("cancel the spinner", slept);
    rec.waits_on(Wait::Join { task: 4 });
    rec.poll_ended(3, slept + 0.02 * MS, PollOutcome::Pending);

    // Still tick 1: the loop reaches the spinner at last, finds it
    // cancelled and drops it unpolled, which wakes the supervisor.
    rec.task_cancelled(4, slept + 0.04 * MS);
    rec.task_woken(3, slept + 0.05 * MS, WakeCause::Task(4));
    rec.tick(1, 0.0, slept + 0.06 * MS);

    // Tick 2: the supervisor returns the answer.
    rec.poll_started(3, slept + 0.08 * MS);
    rec.poll_ended(3, slept + 0.1 * MS, PollOutcome::Ready);
    rec.tick(2, slept + 0.07 * MS, slept + 0.11 * MS);
    rec.finish(slept + 0.2 * MS)
}
