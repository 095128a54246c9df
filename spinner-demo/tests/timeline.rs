//! `--timeline`: the book's lesson read back from the file the runtime
//! wrote. In async mode the spinner takes a short step every 100 ms while
//! the supervisor sleeps; in blocking mode one step of the supervisor holds
//! the loop for the whole of `slow()`, and the spinner never runs.

mod util;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use util::spinner;

/// The spinner's pause between frames (`src/line.rs`'s `TICK`).
const TICK: Duration = Duration::from_millis(100);

/// Longest a blocked step may take beyond `slow()`'s sleep: generous, the
/// machine is shared. Only guards against "does not end".
const SLACK: Duration = Duration::from_secs(60);

/// A slice on a task's track (a poll, a wait in the queue): the task's name,
/// start and end in microseconds.
#[derive(Debug, Clone)]
struct Poll {
    task: String,
    start: f64,
    end: f64,
}

/// A file in the temp dir, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> TempFile {
        let path =
            std::env::temp_dir().join(format!("spinner-timeline-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs `spinner mode --timeline path args...` and returns the trace's events.
fn record(mode: &str, path: &Path, args: &[&str]) -> Vec<Value> {
    let path_text = path.to_str().expect("a UTF-8 temp path");
    let mut full = vec![mode, "--timeline", path_text];
    full.extend_from_slice(args);
    let output = spinner(&full);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{full:?}: {stderr}");
    assert!(
        stderr.contains(&format!("timeline: wrote {path_text} (")),
        "the runtime says where the file went: {stderr}"
    );
    let text = std::fs::read_to_string(path).expect("the timeline file");
    let trace: Value = serde_json::from_str(&text).expect("the file is JSON");
    trace["traceEvents"]
        .as_array()
        .expect("traceEvents")
        .clone()
}

/// The name of the task whose track `event` is on (`block_on`, `spin`), if
/// it is on a task's track.
fn task_of(events: &[Value], event: &Value) -> Option<String> {
    events
        .iter()
        .find(|e| {
            e["name"] == "thread_name" && e["pid"] == event["pid"] && e["tid"] == event["tid"]
        })
        .and_then(|e| e["args"]["name"].as_str())
        .filter(|name| name.starts_with("task ") && !name.ends_with(" phases"))
        .and_then(|name| name.split('\'').nth(1))
        .map(str::to_owned)
}

/// The slices of category `cat` on task tracks, with their task's name.
fn slices(events: &[Value], cat: &str) -> Vec<Poll> {
    events
        .iter()
        .filter(|e| e["ph"] == "X" && e["cat"] == cat)
        .map(|e| {
            let start = e["ts"].as_f64().expect("ts");
            Poll {
                task: task_of(events, e).expect("on a task's track"),
                start,
                end: start + e["dur"].as_f64().expect("dur"),
            }
        })
        .collect()
}

/// Every poll in the file, with its task's name.
fn polls(events: &[Value]) -> Vec<Poll> {
    slices(events, "poll")
}

/// Microseconds in `d`.
fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

#[test]
fn blocking_mode_shows_one_three_second_poll_that_starves_every_other_task() {
    let file = TempFile::new("blocking.json");
    // The book's 3 seconds.
    let events = record("blocking", &file.0, &[]);
    let polls = polls(&events);
    let long: Vec<&Poll> = polls
        .iter()
        .filter(|p| p.end - p.start >= us(Duration::from_millis(500)))
        .collect();
    assert_eq!(long.len(), 1, "one long poll: {polls:?}");
    let blocked = long[0];
    assert_eq!(blocked.task, "block_on", "the supervisor's step");
    let took = blocked.end - blocked.start;
    let slow = Duration::from_secs(3);
    assert!(
        took >= us(slow) && took < us(slow + SLACK),
        "the step took {took} µs"
    );
    for other in polls.iter().filter(|p| p.start != blocked.start) {
        assert!(
            other.end <= blocked.start || other.start >= blocked.end,
            "{other:?} ran during the blocked step"
        );
    }
    assert!(
        polls.iter().all(|p| p.task != "spin"),
        "the spinner never ran: {polls:?}"
    );
    // The loop's row: one tick around the step, and no selector wait in it
    // (the loop never got to sleep, nor to look at its timers and sockets).
    let on_loop = |cat: &str| -> Vec<(f64, f64)> {
        events
            .iter()
            .filter(|e| e["cat"] == cat && e["tid"] == 0)
            .map(|e| {
                let ts = e["ts"].as_f64().unwrap();
                (ts, ts + e["dur"].as_f64().unwrap())
            })
            .collect()
    };
    let ticks = on_loop("tick");
    assert!(
        ticks
            .iter()
            .any(|&(start, end)| start <= blocked.start && end >= blocked.end),
        "a tick holds the blocked step: {ticks:?}"
    );
    let selects = on_loop("park");
    assert!(
        selects
            .iter()
            .all(|&(start, end)| end <= blocked.start || start >= blocked.end),
        "no selector wait during the step: {selects:?}"
    );
    // Ready to run from its spawn, inside the step, to its cancellation.
    let spin_queued: Vec<Poll> = slices(&events, "queued")
        .into_iter()
        .filter(|q| q.task == "spin")
        .collect();
    assert_eq!(spin_queued.len(), 1, "{spin_queued:?}");
    assert!(
        spin_queued[0].start < blocked.end && spin_queued[0].end >= blocked.end,
        "queued while the loop was blocked: {spin_queued:?}"
    );
    let cancelled: Vec<Option<String>> = events
        .iter()
        .filter(|e| e["name"] == "cancelled")
        .map(|e| task_of(&events, e))
        .collect();
    assert_eq!(
        cancelled,
        [Some("spin".to_owned())],
        "the spinner is cancelled"
    );
}

#[test]
fn async_mode_shows_the_spinner_stepping_every_tick_while_the_supervisor_sleeps() {
    let file = TempFile::new("async.json");
    let events = record("async", &file.0, &["--seconds", "0.5"]);
    let polls = polls(&events);
    let supervisor: Vec<&Poll> = polls.iter().filter(|p| p.task == "block_on").collect();
    let spin: Vec<&Poll> = polls.iter().filter(|p| p.task == "spin").collect();
    // The supervisor: a step to spawn and start sleeping, a step when the
    // timer fires (to cancel the spinner), and one when the spinner is gone.
    assert!(
        (2..=4).contains(&supervisor.len()),
        "supervisor steps: {supervisor:?}"
    );
    let (asleep, awake) = (supervisor[0].end, supervisor[1].start);
    assert!(
        awake - asleep >= us(Duration::from_millis(500)),
        "slept 0.5 s"
    );
    // The spinner: a frame per tick while the supervisor sleeps, never
    // sooner than a tick apart; 0.5 s is about 5 frames, 2 leaves room for
    // a busy machine.
    let while_asleep: Vec<&&Poll> = spin
        .iter()
        .filter(|p| p.start >= asleep && p.end <= awake)
        .collect();
    assert!(while_asleep.len() >= 2, "spinner steps: {spin:?}");
    for pair in while_asleep.windows(2) {
        assert!(
            pair[1].start - pair[0].start >= us(TICK) - 1.0,
            "two frames less than a tick apart: {pair:?}"
        );
    }
    // No step holds the loop for anything like the sleep (generous: a busy
    // machine may pause the process for a while).
    for poll in &polls {
        assert!(
            poll.end - poll.start < us(Duration::from_millis(400)),
            "a long step: {poll:?}"
        );
    }
}
