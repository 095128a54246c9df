//! Shared helpers for the timeline tests: a synthetic timeline that uses every
//! kind of record, temp directories and JSON helpers. (The browser is driven by
//! the workspace's `headless-chromium` crate.)

#![allow(dead_code)] // each test file uses a different subset

use std::panic::Location;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use serde_json::Value;
use timeline::{PollOutcome, Process, Readiness, Recorder, Timeline, Wait, WakeCause};

/// A task name that needs every kind of escaping: quotes, a backslash,
/// control characters, HTML that would end the page's script, non-ASCII.
pub const NASTY_NAME: &str = "</script><b>\"quo\\te\"</b>\n\t\u{1} café ☕";

/// The tasks of runtime 1 of [`synthetic`]: id and name.
pub const RUNTIME_1_TASKS: [(u64, &str); 5] = [
    (1, "block_on"),
    (2, "fetch BR"),
    (3, "fetch CN"),
    (4, "spin"),
    (5, NASTY_NAME),
];

/// The phases task 2 marks, in order.
pub const PHASES: [&str; 6] = [
    "waiting for the semaphore",
    "connecting",
    "sending",
    "waiting for the response head",
    "reading the body",
    "saving",
];

/// The tasks of runtime 2, which fills up.
pub const RUNTIME_2_TASKS: [(u64, &str); 1] = [(10, "busy")];

/// Runtime 2's bound: small, so it is full early.
pub const RUNTIME_2_MAX_RECORDS: usize = 12;

/// A timeline of two runtimes using every kind of record.
///
/// Runtime 1 (times in microseconds): `block_on` spawns four tasks and
/// awaits `fetch BR`, which waits for a permit (released by `fetch CN`),
/// connects (I/O), sends and waits for the head (I/O or a timeout), reads,
/// and saves on blocking thread 1 (a remote wake). `fetch CN` wakes itself
/// (a yield) and then panics; `spin` sleeps on timers and is cancelled; the
/// nastily named task waits on a channel and is woken from another thread.
/// Runtime 2 yields in a loop until its small bound is reached.
pub fn synthetic() -> Timeline {
    let mut timeline = Timeline::new();
    timeline.push(runtime_1());
    timeline.push(runtime_2());
    timeline
}

/// Runtime 1 of [`synthetic`].
fn runtime_1() -> Process {
    let mut rec = Recorder::new(1, "runtime 1 (thread main)", 10_000);
    let here = Location::caller();
    rec.task_spawned(1, Some("block_on"), here, 0.0);

    // Tick 1: everything starts.
    rec.poll_started(1, 1.0);
    for (id, name) in &RUNTIME_1_TASKS[1..] {
        rec.task_spawned(*id, Some(name), here, 4.0 + *id as f64);
    }
    rec.waits_on(Wait::Join { task: 2 });
    rec.poll_ended(1, 20.0, PollOutcome::Pending);
    rec.poll_started(2, 21.0);
    rec.phase(PHASES[0], 22.0);
    rec.waits_on(Wait::Permit);
    rec.poll_ended(2, 30.0, PollOutcome::Pending);
    rec.poll_started(4, 31.0);
    rec.waits_on(Wait::Timer { deadline: 150.0 });
    rec.poll_ended(4, 33.0, PollOutcome::Pending);
    rec.poll_started(5, 34.0);
    rec.waits_on(Wait::Channel);
    rec.poll_ended(5, 35.0, PollOutcome::Pending);
    rec.poll_started(3, 40.0);
    rec.task_woken(2, 45.0, WakeCause::Task(3)); // releases the permit
    rec.task_woken(3, 48.0, WakeCause::Task(3)); // yields
    rec.poll_ended(3, 50.0, PollOutcome::Pending);
    rec.poll_started(2, 55.0);
    rec.phase(PHASES[1], 56.0);
    rec.waits_on(Wait::Io {
        token: 5,
        interest: Readiness::WRITABLE,
    });
    rec.poll_ended(2, 60.0, PollOutcome::Pending);
    rec.poll_started(3, 60.5);
    rec.poll_ended(3, 62.0, PollOutcome::Panicked);
    rec.select(64.0, 69.0, Some(Duration::ZERO), 0);
    rec.tick(1, 0.0, 70.0);

    // Tick 2: the socket is writable, a remote wake, a timer.
    rec.select(71.0, 99.0, Some(Duration::from_micros(79)), 1);
    rec.task_woken(
        2,
        100.0,
        WakeCause::Io {
            token: 5,
            readiness: Readiness::WRITABLE,
        },
    );
    rec.poll_started(2, 105.0);
    rec.phase(PHASES[2], 106.0);
    rec.phase(PHASES[3], 108.0);
    rec.waits_on(Wait::Io {
        token: 5,
        interest: Readiness::READABLE,
    });
    rec.waits_on(Wait::Timer { deadline: 5000.0 });
    rec.poll_ended(2, 110.0, PollOutcome::Pending);
    rec.task_woken(
        5,
        120.0,
        WakeCause::Remote {
            blocking_thread: None,
        },
    );
    rec.poll_started(5, 125.0);
    rec.poll_ended(5, 126.0, PollOutcome::Ready);
    rec.task_woken(4, 151.0, WakeCause::Timer);
    rec.poll_started(4, 155.0);
    rec.waits_on(Wait::Timer { deadline: 250.0 });
    rec.poll_ended(4, 157.0, PollOutcome::Pending);
    rec.tick(2, 70.0, 160.0);

    // Tick 3: the response arrives; the body is saved on a pool thread.
    rec.select(161.0, 199.0, None, 1);
    rec.task_woken(
        2,
        200.0,
        WakeCause::Io {
            token: 5,
            readiness: Readiness::READABLE,
        },
    );
    rec.poll_started(2, 205.0);
    rec.phase(PHASES[4], 206.0);
    rec.phase(PHASES[5], 210.0);
    rec.waits_on(Wait::Blocking);
    rec.poll_ended(2, 215.0, PollOutcome::Pending);
    rec.task_woken(4, 251.0, WakeCause::Timer);
    rec.poll_started(4, 252.0);
    rec.waits_on(Wait::Timer { deadline: 350.0 });
    rec.poll_ended(4, 253.0, PollOutcome::Pending);
    rec.tick(3, 160.0, 260.0);

    // Tick 4: the job ends; fetch BR and block_on finish, spin is cancelled.
    rec.select(261.0, 300.5, Some(Duration::from_micros(89)), 0);
    rec.blocking_job(1, 216.0, 300.0);
    rec.blocking_phase(1, "write the file", 220.0, 290.0);
    rec.task_woken(
        2,
        301.0,
        WakeCause::Remote {
            blocking_thread: Some(1),
        },
    );
    rec.poll_started(2, 310.0);
    rec.task_woken(1, 314.0, WakeCause::Task(2));
    rec.outcome("downloaded");
    rec.poll_ended(2, 315.0, PollOutcome::Ready);
    rec.poll_started(1, 320.0);
    rec.task_cancelled(4, 322.0);
    rec.poll_ended(1, 325.0, PollOutcome::Ready);
    rec.tick(4, 260.0, 330.0);
    rec.finish(331.0)
}

/// Runtime 2 of [`synthetic`]: a task that yields until the bound is hit.
fn runtime_2() -> Process {
    let mut rec = Recorder::new(2, "runtime 2 (thread worker)", RUNTIME_2_MAX_RECORDS);
    let (id, name) = RUNTIME_2_TASKS[0];
    rec.task_spawned(id, Some(name), Location::caller(), 0.5);
    for round in 0..20u32 {
        let t = 1.0 + 10.0 * f64::from(round);
        rec.poll_started(id, t + 1.0);
        rec.task_woken(id, t + 2.0, WakeCause::Task(id));
        rec.poll_ended(id, t + 3.0, PollOutcome::Pending);
        rec.tick(u64::from(round), t, t + 9.0);
    }
    rec.finish(300.0)
}

/// The timeline as JSON text.
pub fn json_text(timeline: &Timeline) -> String {
    let mut bytes = Vec::new();
    timeline.write_json(&mut bytes).expect("write to a Vec");
    String::from_utf8(bytes).expect("the JSON is UTF-8")
}

/// The timeline parsed back with a real JSON parser.
pub fn parsed(timeline: &Timeline) -> Value {
    serde_json::from_str(&json_text(timeline)).expect("the writer's JSON parses")
}

/// The `traceEvents` array.
pub fn events(trace: &Value) -> &Vec<Value> {
    trace["traceEvents"]
        .as_array()
        .expect("traceEvents is an array")
}

/// The name of thread `(pid, tid)`, from its `thread_name` metadata.
pub fn thread_name(trace: &Value, pid: u64, tid: u64) -> Option<String> {
    events(trace)
        .iter()
        .find(|e| {
            e["ph"] == "M" && e["name"] == "thread_name" && e["pid"] == pid && e["tid"] == tid
        })
        .map(|e| e["args"]["name"].as_str().expect("a name").to_owned())
}

/// A directory under the system temp dir, removed on drop.
#[derive(Debug)]
pub struct TempDir {
    /// Its path.
    pub path: PathBuf,
}

impl TempDir {
    /// A fresh empty directory named after `label`, the pid and a counter.
    pub fn new(label: &str) -> TempDir {
        static SERIAL: AtomicU32 = AtomicU32::new(0);
        let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
        let name = format!("timeline-test-{label}-{}-{serial}", std::process::id());
        let path = std::env::temp_dir().join(name);
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir { path }
    }

    /// The names of the files in the directory, sorted.
    pub fn listing(&self) -> Vec<String> {
        listing(&self.path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The names of the entries of `dir`, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|entry| {
            entry
                .expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}
