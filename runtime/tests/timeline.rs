//! The runtime's timeline (`runtime::timeline`): what a real program records,
//! read back from the file with serde_json: one track per task, one poll
//! slice per poll `Stats` counted, every wake arrow ending in a later poll
//! of its task, tracks in time order; the page; several runtimes in one
//! file; and the file written whole even when the program panics.

mod util;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use runtime::{Builder, Runtime, spawn, yield_now};
use serde_json::Value;

/// How long a test may wait for its tasks' wakes before the watchdog fails
/// it (a lost wake leaves the loop asleep with nothing to wake it); each
/// takes milliseconds when none is lost.
const WATCHDOG: Duration = Duration::from_secs(60);

/// A fresh directory for one test's files, removed by the test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("runtime-timeline-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir
}

/// A runtime that records to `path`.
fn recording(path: &Path) -> Runtime {
    Builder::new()
        .timeline(Some(path))
        .build()
        .expect("the runtime")
}

/// The file's events.
fn events(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("the timeline file");
    let trace: Value = serde_json::from_str(&text).expect("the file is JSON");
    trace["traceEvents"]
        .as_array()
        .expect("traceEvents")
        .clone()
}

/// Names of the task tracks (`task 3 'name'`, not their phase tracks), by
/// (pid, tid).
fn task_tracks(events: &[Value]) -> HashMap<(u64, u64), String> {
    events
        .iter()
        .filter(|e| e["name"] == "thread_name")
        .filter_map(|e| {
            let name = e["args"]["name"].as_str()?;
            (name.starts_with("task ") && !name.ends_with(" phases")).then(|| {
                (
                    (e["pid"].as_u64().unwrap(), e["tid"].as_u64().unwrap()),
                    name.to_owned(),
                )
            })
        })
        .collect()
}

/// `(pid, tid, start, end)` of the poll slices.
fn polls(events: &[Value]) -> Vec<(u64, u64, f64, f64)> {
    events
        .iter()
        .filter(|e| e["ph"] == "X" && e["cat"] == "poll")
        .map(|e| {
            let ts = e["ts"].as_f64().unwrap();
            (
                e["pid"].as_u64().unwrap(),
                e["tid"].as_u64().unwrap(),
                ts,
                ts + e["dur"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// Awaits `future`, running `then` right after its first poll: a wait that
/// is recorded whatever the timing, when `then` is what lets it finish.
async fn after_first_poll<F: std::future::Future>(future: F, then: impl FnOnce()) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut then = Some(then);
    std::future::poll_fn(|cx| {
        let polled = future.as_mut().poll(cx);
        if let Some(then) = then.take() {
            then();
        }
        polled
    })
    .await
}

/// A program with each kind of wait: a join, a timer, a channel, a
/// blocking job and a socket.
async fn a_small_program() {
    let (tx, rx) = runtime::sync::oneshot::channel();
    // The sleeper answers only once `rx.await` below has been polled (a
    // wait on a channel), however long the steps before it take.
    let (release, released) = runtime::sync::oneshot::channel::<()>();
    let sleeper = spawn(async move {
        runtime::time::sleep(Duration::from_millis(2)).await;
        released.await.unwrap();
        tx.send(5).unwrap();
    });
    let yielder = runtime::task::Builder::new().name("yielder").spawn(async {
        for _ in 0..3 {
            yield_now().await;
        }
    });
    // The job waits for `go`, which is sent only after the first poll of
    // `job.await` below, so that poll always finds it running (a wait on a
    // blocking job), however fast the pool is.
    let (go, wait_for_go) = std::sync::mpsc::channel::<()>();
    let job = runtime::spawn_blocking(move || {
        runtime::timeline::phase("computing");
        wait_for_go.recv().unwrap();
        (1..=10u32).sum::<u32>()
    });
    let listener = runtime::net::TcpListener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4];
        socket.read_exact(&mut buf).await.unwrap();
        buf
    });
    // The yielder is still yielding: this waits on its end (a join), and
    // meanwhile the server is polled and waits for a connection (a socket).
    yielder.await.unwrap();
    let mut client = runtime::net::TcpStream::connect(addr).await.unwrap();
    runtime::timeline::phase("writing");
    client.write_all(b"ping").await.unwrap();
    runtime::timeline::end_phase();
    let answer = after_first_poll(rx, || release.send(()).unwrap()).await;
    assert_eq!(answer.unwrap(), 5);
    sleeper.await.unwrap();
    let sum = after_first_poll(job, || go.send(()).unwrap()).await;
    assert_eq!(sum.unwrap(), 55);
    assert_eq!(&server.await.unwrap(), b"ping");
}

#[test]
fn a_program_records_a_track_per_task_and_a_slice_per_poll() {
    watchdog::within(
        WATCHDOG,
        "a program records a track per task and a slice per poll",
        || {
            let dir = scratch("tracks");
            let path = dir.join("run.json");
            let rt = recording(&path);
            rt.block_on(a_small_program());
            let stats = rt.stats();
            drop(rt);
            let events = events(&path);
            let tracks = task_tracks(&events);
            // Every spawned task, and the block_on future.
            assert_eq!(tracks.len() as u64, stats.tasks_spawned + 1, "{tracks:?}");
            assert!(tracks.values().any(|name| name.ends_with("'yielder'")));
            assert!(tracks.values().any(|name| name.ends_with("'block_on'")));
            assert_eq!(
                polls(&events).len() as u64,
                stats.polls,
                "one poll slice per poll counted"
            );
            // Each kind of wait appears.
            let waits: Vec<&str> = events
                .iter()
                .filter(|e| e["cat"] == "wait")
                .filter_map(|e| e["args"]["kind"].as_str())
                .collect();
            for kind in ["timer", "channel", "blocking", "io", "join"] {
                assert!(waits.contains(&kind), "no await {kind} in {waits:?}");
            }
            // The job ran on a blocking thread's track, with its phase, and the
            // wake that handed its result back starts there.
            let job = events
                .iter()
                .find(|e| e["cat"] == "blocking")
                .expect("a job slice");
            assert!(
                events
                    .iter()
                    .any(|e| e["name"] == "computing" && e["tid"] == job["tid"])
            );
            assert!(
                events.iter().any(|e| e["ph"] == "s"
                    && e["tid"] == job["tid"]
                    && e["args"]["cause"] == "remote: blocking thread 1"),
                "the job's wake is drawn from its thread"
            );
            assert!(
                events.iter().any(|e| e["name"] == "writing"),
                "the main task's phase"
            );
            std::fs::remove_dir_all(&dir).unwrap();
        },
    );
}

#[test]
fn every_wake_arrow_ends_in_a_later_poll_of_its_task() {
    watchdog::within(
        WATCHDOG,
        "every wake arrow ends in a later poll of its task",
        || {
            let dir = scratch("flows");
            let path = dir.join("run.json");
            let rt = recording(&path);
            rt.block_on(a_small_program());
            drop(rt);
            let events = events(&path);
            let polls = polls(&events);
            let tracks = task_tracks(&events);
            let starts: HashMap<String, &Value> = events
                .iter()
                .filter(|e| e["ph"] == "s")
                .map(|e| (e["id"].to_string(), e))
                .collect();
            let finishes: Vec<&Value> = events.iter().filter(|e| e["ph"] == "f").collect();
            assert!(!finishes.is_empty(), "the program's wakes are drawn");
            assert_eq!(starts.len(), finishes.len(), "every arrow has two ends");
            for finish in finishes {
                let start = starts[&finish["id"].to_string()];
                let (pid, tid) = (
                    finish["pid"].as_u64().unwrap(),
                    finish["tid"].as_u64().unwrap(),
                );
                assert!(
                    tracks.contains_key(&(pid, tid)),
                    "an arrow ends on a task's track"
                );
                let at = finish["ts"].as_f64().unwrap();
                assert!(
                    at >= start["ts"].as_f64().unwrap(),
                    "an arrow goes forward in time"
                );
                assert!(
                    polls
                        .iter()
                        .any(|&(p, t, from, to)| p == pid && t == tid && from <= at && at <= to),
                    "the arrow ending at {at} on task {tid} lands in one of its polls"
                );
            }
            std::fs::remove_dir_all(&dir).unwrap();
        },
    );
}

#[test]
fn slices_on_a_track_never_go_back_in_time() {
    watchdog::within(WATCHDOG, "slices on a track never go back in time", || {
        let dir = scratch("order");
        let path = dir.join("run.json");
        let rt = recording(&path);
        rt.block_on(a_small_program());
        drop(rt);
        let mut last: HashMap<(u64, u64, String), f64> = HashMap::new();
        for e in events(&path).iter().filter(|e| e["ph"] == "X") {
            // Per track and category: nested slices (a tick and its select)
            // start in their own order.
            let key = (
                e["pid"].as_u64().unwrap(),
                e["tid"].as_u64().unwrap(),
                e["cat"].as_str().unwrap().to_owned(),
            );
            let ts = e["ts"].as_f64().unwrap();
            let end = ts + e["dur"].as_f64().unwrap();
            if let Some(&previous_end) = last.get(&key) {
                assert!(
                    ts + 1e-6 >= previous_end,
                    "{key:?}: a slice at {ts} starts before {previous_end}"
                );
            }
            last.insert(key, end);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

#[test]
fn runtimes_on_several_threads_share_one_file() {
    watchdog::within(
        WATCHDOG,
        "runtimes on several threads share one file",
        || {
            let dir = scratch("threads");
            let path = dir.join("run.json");
            let threads: Vec<_> = (0..3)
                .map(|_| {
                    let path = path.clone();
                    std::thread::spawn(move || {
                        let rt = recording(&path);
                        rt.block_on(async { spawn(async { yield_now().await }).await.unwrap() });
                    })
                })
                .collect();
            for thread in threads {
                thread.join().unwrap();
            }
            let pids: std::collections::HashSet<u64> = events(&path)
                .iter()
                .filter(|e| e["name"] == "process_name")
                .map(|e| e["pid"].as_u64().unwrap())
                .collect();
            assert_eq!(pids.len(), 3, "one process per runtime, in one file");
            std::fs::remove_dir_all(&dir).unwrap();
        },
    );
}

#[test]
fn a_page_is_written_for_an_html_path_and_a_snapshot_on_request() {
    watchdog::within(
        WATCHDOG,
        "a page is written for an html path and a snapshot on request",
        || {
            let dir = scratch("page");
            let path = dir.join("run.html");
            let rt = recording(&path);
            rt.block_on(async { spawn(async { yield_now().await }).await.unwrap() });
            let written = rt.write_timeline().expect("a snapshot");
            assert_eq!(written.path, path);
            let page = std::fs::read_to_string(&path).unwrap();
            assert!(
                page.starts_with("<!DOCTYPE html>") || page.starts_with("<!doctype html>"),
                "{}",
                &page[..40]
            );
            assert!(page.contains("traceEvents"));
            drop(rt);
            assert!(std::fs::read_to_string(&path).unwrap().len() >= page.len());
            std::fs::remove_dir_all(&dir).unwrap();
        },
    );
}

#[test]
fn a_path_that_is_neither_json_nor_html_is_refused() {
    watchdog::within(
        WATCHDOG,
        "a path that is neither json nor html is refused",
        || {
            let err = Builder::new()
                .timeline(Some("run.txt"))
                .build()
                .unwrap_err();
            assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
            assert!(err.to_string().contains("json"), "{err}");
            let plain = Runtime::new().unwrap();
            assert!(plain.write_timeline().is_err(), "no timeline, no file");
        },
    );
}

#[test]
fn a_program_that_panics_still_leaves_a_whole_file() {
    watchdog::within(
        WATCHDOG,
        "a program that panics still leaves a whole file",
        || {
            let dir = scratch("panic");
            let path = dir.join("run.json");
            let result = std::panic::catch_unwind(|| {
                let rt = recording(&path);
                rt.block_on(async {
                    spawn(async { yield_now().await }).await.unwrap();
                    panic!("the program fails");
                })
            });
            assert!(result.is_err());
            // The runtime was dropped while unwinding, and wrote the file whole.
            let events = events(&path);
            assert!(task_tracks(&events).len() >= 2);
            let leftovers: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .filter(|name| name != "run.json")
                .collect();
            assert!(
                leftovers.is_empty(),
                "no temporary file left: {leftovers:?}"
            );
            std::fs::remove_dir_all(&dir).unwrap();
        },
    );
}

#[test]
fn finish_timeline_writes_once_with_the_shutdown_and_returns_what_it_wrote() {
    watchdog::within(
        WATCHDOG,
        "finish timeline writes once with the shutdown and returns what it wrote",
        || {
            let dir = scratch("finish");
            let path = dir.join("run.json");
            let rt = recording(&path);
            // A task still waiting when the runtime ends: the shutdown cancels it.
            rt.block_on(async {
                let never = runtime::task::Builder::new()
                    .name("never")
                    .spawn(util::pending_forever());
                yield_now().await;
                drop(never);
            });
            let written = rt.finish_timeline().expect("the file is written");
            assert_eq!(written.path, path);
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(bytes.len() as u64, written.bytes, "what it says it wrote");
            let events = events(&path);
            let never = task_tracks(&events)
                .into_iter()
                .find(|(_, name)| name.ends_with("'never'"))
                .map(|(key, _)| key)
                .expect("the waiting task's track");
            assert!(
                events.iter().any(|e| e["ph"] == "i"
                    && e["name"] == "cancelled"
                    && (e["pid"].as_u64(), e["tid"].as_u64()) == (Some(never.0), Some(never.1))),
                "its cancellation at shutdown is recorded"
            );
            let processes = events
                .iter()
                .filter(|e| e["name"] == "process_name")
                .count();
            assert_eq!(processes, 1, "written once, not again by the drop");
            let plain = Runtime::new().unwrap();
            assert!(plain.finish_timeline().is_err(), "no timeline, no file");
            std::fs::remove_dir_all(&dir).unwrap();
        },
    );
}
