//! `flags --timeline FILE`: a recording of the download's event loops, read
//! back with serde_json and opened in a real browser (headless Chromium).
//!
//! Every code is a task named `download_one CC` with its phases; the
//! embedded server's loop is never in the file; sequential mode is a
//! staircase, threads mode one loop per worker; the program says once where
//! the file went, also after a Ctrl-C, and refuses a path it could not write.

mod util;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Output;

use headless_chromium::dom::timeline_rows;
use headless_chromium::{dump_dom, file_url, screenshot};
use serde_json::Value;
use util::{FLAGS, TempDir, counts, files, require, run_flags, run_flags_with_env};

/// The codes of `-a -l 8`: the first eight of the 194.
const FIRST_8: [&str; 8] = ["AD", "AE", "AF", "AG", "AL", "AM", "AO", "AR"];

/// The phases every downloaded code's task goes through, in order, on a
/// fresh or pooled connection (the HTTP client's, then the downloader's).
const REQUEST_PHASES: [&str; 3] = [
    "waiting for the response head",
    "reading the body",
    "saving",
];

/// Runs `flags args... --timeline <dir>/<file> --dest <dir>/d` and checks
/// that every code arrived.
fn record(dir: &TempDir, file: &str, args: &[&str]) -> (Output, std::path::PathBuf) {
    let path = dir.path.join(file);
    let dest = dir.path.join("d");
    let mut all = args.to_vec();
    all.extend(["--timeline", path.to_str().expect("utf-8")]);
    all.extend(["--dest", dest.to_str().expect("utf-8")]);
    let output = run_flags(&all);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{all:?}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (output, path)
}

/// The lines of stderr that speak of the timeline.
fn timeline_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.contains("timeline"))
        .map(str::to_owned)
        .collect()
}

/// A recording read back: the trace's events.
struct Trace {
    events: Vec<Value>,
}

impl Trace {
    /// Parses the file at `path`.
    fn read(path: &Path) -> Trace {
        let text = std::fs::read_to_string(path).expect("the timeline file");
        let trace: Value = serde_json::from_str(&text).expect("the file is JSON");
        let events = trace["traceEvents"]
            .as_array()
            .expect("traceEvents")
            .clone();
        Trace { events }
    }

    /// The name of every track, by (pid, tid).
    fn tracks(&self) -> BTreeMap<(u64, u64), String> {
        self.events
            .iter()
            .filter(|e| e["name"] == "thread_name")
            .map(|e| {
                let key = (e["pid"].as_u64().unwrap(), e["tid"].as_u64().unwrap());
                (key, e["args"]["name"].as_str().unwrap().to_owned())
            })
            .collect()
    }

    /// How many event loops (processes) the file holds.
    fn event_loops(&self) -> usize {
        let pids: BTreeSet<u64> = self
            .events
            .iter()
            .filter(|e| e["name"] == "process_name")
            .map(|e| e["pid"].as_u64().unwrap())
            .collect();
        pids.len()
    }

    /// The task tracks named `download_one CC`: their code, by (pid, tid);
    /// each code must have exactly one.
    fn code_tasks(&self) -> BTreeMap<(u64, u64), String> {
        let tracks: BTreeMap<(u64, u64), String> = self
            .tracks()
            .into_iter()
            .filter_map(|(key, name)| {
                let task = name.split('\'').nth(1)?;
                let cc = task.strip_prefix("download_one ")?;
                (!name.ends_with(" phases")).then(|| (key, cc.to_owned()))
            })
            .collect();
        let codes: BTreeSet<&String> = tracks.values().collect();
        assert_eq!(codes.len(), tracks.len(), "one task per code: {tracks:?}");
        tracks
    }

    /// The phases marked for each code, in time order: on its task's phase
    /// track, and (`saving CC`) on a blocking thread.
    fn phases(&self) -> BTreeMap<String, Vec<String>> {
        let tracks = self.tracks();
        let mut slices: Vec<(f64, String, String)> = Vec::new();
        for e in self.events.iter().filter(|e| e["cat"] == "phase") {
            let key = (e["pid"].as_u64().unwrap(), e["tid"].as_u64().unwrap());
            let name = e["name"].as_str().unwrap().to_owned();
            let track = &tracks[&key];
            let cc = match track.split('\'').nth(1) {
                Some(task) => task.strip_prefix("download_one ").map(str::to_owned),
                // On a blocking thread: the job says whose file it saves.
                None => name.strip_prefix("saving ").map(str::to_owned),
            };
            if let Some(cc) = cc {
                slices.push((e["ts"].as_f64().unwrap(), cc, name));
            }
        }
        slices.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut phases: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (_, cc, name) in slices {
            phases.entry(cc).or_default().push(name);
        }
        phases
    }

    /// Each code task's life: (spawn, end) in microseconds, by code.
    fn lives(&self) -> BTreeMap<String, (f64, f64)> {
        let tasks = self.code_tasks();
        let mut lives: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        for e in self.events.iter().filter(|e| e["ph"] == "i") {
            let key = (e["pid"].as_u64().unwrap(), e["tid"].as_u64().unwrap());
            let Some(cc) = tasks.get(&key) else { continue };
            let at = e["ts"].as_f64().unwrap();
            let life = lives.entry(cc.clone()).or_insert((f64::MAX, f64::MIN));
            life.0 = life.0.min(at);
            life.1 = life.1.max(at);
        }
        lives
    }
}

#[test]
fn an_async_run_records_one_task_per_code_with_its_phases_and_no_server() {
    let dir = TempDir::new("timeline-json");
    let (output, path) = record(&dir, "run.json", &["-a", "-l", "8", "-m", "3"]);
    let lines = timeline_lines(&output);
    assert_eq!(lines.len(), 1, "said once: {lines:?}");
    let size = lines[0]
        .strip_prefix(&format!(
            "timeline: wrote {} (1 event loop, ",
            path.display()
        ))
        .and_then(|rest| {
            rest.strip_suffix(" bytes); open it in Perfetto (ui.perfetto.dev) or chrome://tracing")
        })
        .unwrap_or_else(|| panic!("{lines:?}"));
    assert_eq!(
        size.replace(',', "").parse::<u64>().ok(),
        Some(std::fs::metadata(&path).unwrap().len()),
        "the size of the file, with thousands separated: {size}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.trim_end().ends_with(&lines[0]),
        "the last line on stderr: {stderr}"
    );
    let trace = Trace::read(&path);
    assert_eq!(
        trace.event_loops(),
        1,
        "the downloader's loop, not the server's"
    );
    let codes: BTreeSet<String> = trace.code_tasks().into_values().collect();
    assert_eq!(
        codes,
        FIRST_8.map(str::to_owned).into(),
        "one task per code"
    );
    for (cc, phases) in trace.phases() {
        // Every task asks the semaphore first (3 permits for 8 codes).
        assert_eq!(phases[0], "waiting for the semaphore", "{cc}: {phases:?}");
        // A new connection or a pooled one, then the request, then the save,
        // marked on the task and, on the pool's thread, by the job.
        let rest: Vec<&str> = phases[1..]
            .iter()
            .map(String::as_str)
            .filter(|p| !["connecting", "sending"].contains(p))
            .collect();
        let job = format!("saving {cc}");
        assert_eq!(
            rest,
            [REQUEST_PHASES.as_slice(), &[job.as_str()]].concat(),
            "{cc}: {phases:?}"
        );
        assert!(phases.iter().any(|p| p == "sending"), "{cc}: {phases:?}");
    }
    assert_eq!(trace.phases().len(), FIRST_8.len(), "every code's phases");
}

#[test]
fn a_sequential_run_is_a_staircase() {
    let dir = TempDir::new("timeline-sequential");
    let (_, path) = record(&dir, "run.json", &["--mode", "sequential", "-a", "-l", "5"]);
    let trace = Trace::read(&path);
    let mut lives: Vec<(f64, f64)> = trace.lives().into_values().collect();
    assert_eq!(lives.len(), 5);
    lives.sort_by(|a, b| a.0.total_cmp(&b.0));
    for pair in lives.windows(2) {
        assert!(
            pair[1].0 >= pair[0].1,
            "a task started before the previous one ended: {lives:?}"
        );
    }
    // One connection for the whole run: only the first code connects.
    let connecting = trace
        .phases()
        .values()
        .filter(|phases| phases.iter().any(|p| p == "connecting"))
        .count();
    assert_eq!(connecting, 1, "{:?}", trace.phases());
}

#[test]
fn a_threads_run_has_one_event_loop_per_worker_and_says_so_once() {
    let dir = TempDir::new("timeline-threads");
    let (output, path) = record(
        &dir,
        "run.json",
        &["--mode", "threads", "-m", "3", "-a", "-l", "8"],
    );
    let lines = timeline_lines(&output);
    assert_eq!(lines.len(), 1, "not once per worker: {lines:?}");
    assert!(
        lines[0].starts_with(&format!(
            "timeline: wrote {} (3 event loops, ",
            path.display()
        )),
        "{lines:?}"
    );
    let trace = Trace::read(&path);
    assert_eq!(trace.event_loops(), 3, "one loop per worker thread");
    let lives = trace.lives();
    assert_eq!(lives.len(), FIRST_8.len(), "every code's task, once");
    // Blocks of at most three: no more codes at once than threads.
    for (cc, (start, _)) in &lives {
        let alive = lives
            .values()
            .filter(|(from, to)| from <= start && start < to)
            .count();
        assert!(
            alive <= 3,
            "{alive} codes alive when {cc} started: {lives:?}"
        );
    }
}

#[test]
fn the_page_of_an_async_run_shows_a_row_per_code_and_one_event_loop() {
    watchdog::within(
        util::WATCHDOG,
        "the page of an async run shows a row per code and one event loop",
        || {
            let dir = TempDir::new("timeline-dom");
            let (_, page) = record(&dir, "run.html", &["-a", "-l", "8", "-m", "5"]);
            let dom = dump_dom(&file_url(&page), &dir.path);
            let tasks = timeline_rows(&dom, "row task");
            let named = |what: &str| tasks.iter().filter(|t| t.ends_with(what)).count();
            let mut codes: Vec<&str> = tasks
                .iter()
                .filter_map(|t| t.split('\'').nth(1)?.strip_prefix("download_one "))
                .collect();
            codes.sort_unstable();
            assert_eq!(codes, FIRST_8, "one row per code: {tasks:?}");
            assert_eq!(named("'block_on'"), 1, "the main coroutine: {tasks:?}");
            // Each awaited save is a small task awaiting the pool (spawn_blocking).
            assert_eq!(named("'spawn_blocking'"), FIRST_8.len(), "{tasks:?}");
            assert_eq!(tasks.len(), 2 * FIRST_8.len() + 1, "{tasks:?}");
            assert_eq!(
                timeline_rows(&dom, "row loop"),
                ["event loop"],
                "the downloader's loop only"
            );
            // Phases are drawn as bands; their names are in the page's data (a band
            // too narrow for its label, as a fast run makes the semaphore's, is
            // still named on hover).
            assert!(dom.contains("class=\"slice phase\""), "phases are drawn");
            assert!(
                dom.contains("waiting for the semaphore"),
                "phases are named"
            );
        },
    );
}

#[test]
fn a_screenshot_of_a_runs_page_is_not_blank() {
    watchdog::within(
        util::WATCHDOG,
        "a screenshot of a runs page is not blank",
        || {
            let dir = TempDir::new("timeline-screenshot");
            let (_, page) = record(&dir, "run.html", &["-a", "-l", "8", "-m", "5"]);
            let shot = screenshot(
                &file_url(&page),
                (1400, 900),
                &dir.path.join("shot.png"),
                &dir.path,
            );
            assert_eq!((shot.width, shot.height), (1400, 900));
            assert!(
                shot.colours() > 50,
                "only {} colours: the page looks blank",
                shot.colours()
            );
            for (what, rgb) in [
                ("await I/O", [0x19, 0x71, 0xc2]),
                ("selector wait", [0x8c, 0xc8, 0xf5]),
            ] {
                let count = shot.count(rgb);
                assert!(count > 20, "{what} ({rgb:02x?}) shows in {count} pixels");
            }
        },
    );
}

#[test]
fn without_the_option_runtime_timeline_records_the_downloader_only() {
    watchdog::within(
        util::WATCHDOG,
        "without the option runtime timeline records the downloader only",
        || {
            let dir = TempDir::new("timeline-env");
            let path = dir.path.join("env.json");
            let dest = dir.path.join("d");
            let output = run_flags_with_env(
                &["-a", "-l", "3", "--dest", dest.to_str().unwrap()],
                &[("RUNTIME_TIMELINE", path.to_str().unwrap())],
            );
            assert_eq!(output.status.code(), Some(0));
            // The runtime's own line, once: the embedded server's loop records nothing.
            let lines = timeline_lines(&output);
            assert_eq!(lines.len(), 1, "{lines:?}");
            assert!(lines[0].starts_with("timeline: wrote "), "{lines:?}");
            let trace = Trace::read(&path);
            assert_eq!(trace.event_loops(), 1);
            assert_eq!(trace.code_tasks().len(), 3);
        },
    );
}

#[test]
fn a_path_that_could_not_be_written_is_a_usage_error_before_any_download() {
    watchdog::within(
        util::WATCHDOG,
        "a path that could not be written is a usage error before any download",
        || {
            let dir = TempDir::new("timeline-usage");
            for (path, says) in [
                (dir.path.join("run.txt"), "must end in .html"),
                (dir.path.join("missing/run.html"), "does not exist"),
            ] {
                let dest = dir.path.join("d");
                let output = run_flags(&[
                    "-l",
                    "2",
                    "--timeline",
                    path.to_str().unwrap(),
                    "--dest",
                    dest.to_str().unwrap(),
                ]);
                let stderr = String::from_utf8_lossy(&output.stderr);
                assert_eq!(output.status.code(), Some(2), "{stderr}");
                assert!(
                    stderr.starts_with("*** Usage error: --timeline FILE"),
                    "{stderr}"
                );
                assert!(stderr.contains(says), "{stderr}");
                assert!(!dest.exists(), "nothing was downloaded");
            }
        },
    );
}

#[test]
fn ctrl_c_leaves_a_whole_timeline_and_says_where() {
    watchdog::within(
        util::WATCHDOG,
        "ctrl c leaves a whole timeline and says where",
        || {
            require("kill", "procps");
            let dir = TempDir::new("timeline-sigint");
            let path = dir.path.join("run.json");
            let child = std::process::Command::new(FLAGS)
                .args([
                    "-s",
                    "DELAY",
                    "--delay",
                    "0.3",
                    "-m",
                    "2",
                    "-a",
                    "--timeline",
                ])
                .arg(&path)
                .arg("--dest")
                .arg(dir.path.join("d"))
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start flags");
            let output = util::interrupt_after_a_while(child);
            assert_eq!(output.status.code(), Some(1), "interrupted runs fail");
            let downloaded = counts(&output).downloaded;
            let lines = timeline_lines(&output);
            assert_eq!(lines.len(), 1, "{lines:?}");
            assert!(
                lines[0].starts_with(&format!(
                    "timeline: wrote {} (1 event loop, ",
                    path.display()
                )),
                "{lines:?}"
            );
            // Whole: it parses, and holds the codes that ran.
            let trace = Trace::read(&path);
            assert!(trace.code_tasks().len() >= downloaded);
            assert_eq!(
                files(&dir.path),
                ["d", "run.json"],
                "no temporary file left"
            );
        },
    );
}
