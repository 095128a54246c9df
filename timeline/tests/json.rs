//! The Chrome Trace Event JSON, parsed back with serde_json: the tracks,
//! slices, marks and flows a viewer needs, in the shape Perfetto and
//! chrome://tracing expect.

mod util;

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use util::{
    NASTY_NAME, PHASES, RUNTIME_1_TASKS, RUNTIME_2_MAX_RECORDS, RUNTIME_2_TASKS, events, parsed,
    synthetic, thread_name,
};

/// The events of one phase type (`"X"`, `"i"`, ...).
fn of_phase<'a>(trace: &'a Value, ph: &str) -> Vec<&'a Value> {
    events(trace).iter().filter(|e| e["ph"] == ph).collect()
}

/// Events of `pid` on the thread named `name`.
fn on_track<'a>(trace: &'a Value, pid: u64, name: &str) -> Vec<&'a Value> {
    let tid = events(trace)
        .iter()
        .find(|e| e["name"] == "thread_name" && e["pid"] == pid && e["args"]["name"] == name)
        .map(|e| e["tid"].clone())
        .unwrap_or_else(|| panic!("no track named {name:?} in runtime {pid}"));
    events(trace)
        .iter()
        .filter(|e| e["pid"] == pid && e["tid"] == tid && e["ph"] != "M")
        .collect()
}

/// `(start, end)` of a complete event.
fn span(event: &Value) -> (f64, f64) {
    let ts = event["ts"].as_f64().expect("ts");
    (ts, ts + event["dur"].as_f64().expect("dur"))
}

#[test]
fn the_file_is_a_trace_event_object_with_metadata() {
    let trace = parsed(&synthetic());
    assert_eq!(trace["displayTimeUnit"], "ms");
    let other = &trace["otherData"];
    assert_eq!(other["runtimes"].as_array().map(Vec::len), Some(2));
    assert_eq!(other["runtimes"][0]["name"], "runtime 1 (thread main)");
    let process_names: Vec<&Value> = events(&trace)
        .iter()
        .filter(|e| e["name"] == "process_name")
        .map(|e| &e["args"]["name"])
        .collect();
    assert_eq!(
        process_names,
        ["runtime 1 (thread main)", "runtime 2 (thread worker)"]
    );
}

#[test]
fn each_runtime_has_the_loop_at_tid_0_and_one_track_per_task() {
    let trace = parsed(&synthetic());
    for (pid, tasks) in [(1, &RUNTIME_1_TASKS[..]), (2, &RUNTIME_2_TASKS[..])] {
        assert_eq!(thread_name(&trace, pid, 0).as_deref(), Some("event loop"));
        let task_tracks: HashSet<String> = events(&trace)
            .iter()
            .filter(|e| e["name"] == "thread_name" && e["pid"] == pid)
            .map(|e| e["args"]["name"].as_str().expect("name").to_owned())
            .filter(|name| name.starts_with("task ") && !name.ends_with(" phases"))
            .collect();
        let expected: HashSet<String> = tasks
            .iter()
            .map(|(id, name)| format!("task {id} '{name}'"))
            .collect();
        assert_eq!(task_tracks, expected, "runtime {pid}");
    }
    let table = trace["otherData"]["tracks"]
        .as_array()
        .expect("track table");
    let kinds: Vec<&str> = table
        .iter()
        .filter(|t| t["pid"] == 1)
        .map(|t| t["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        [
            "loop", "task", "task", "phases", "task", "task", "task", "blocking", "other"
        ]
    );
}

#[test]
fn tracks_sort_loop_first_then_tasks_with_their_phases_then_threads() {
    let trace = parsed(&synthetic());
    let mut sorted: Vec<(u64, String)> = events(&trace)
        .iter()
        .filter(|e| e["name"] == "thread_sort_index" && e["pid"] == 1)
        .map(|e| {
            let tid = e["tid"].as_u64().expect("tid");
            let name = thread_name(&trace, 1, tid).expect("named");
            (e["args"]["sort_index"].as_u64().expect("index"), name)
        })
        .collect();
    sorted.sort();
    let names: Vec<&str> = sorted.iter().map(|(_, name)| name.as_str()).collect();
    assert_eq!(
        names[..5],
        [
            "event loop",
            "task 1 'block_on'",
            "task 2 'fetch BR'",
            "task 2 'fetch BR' phases",
            "task 3 'fetch CN'"
        ]
    );
    assert_eq!(
        names[names.len() - 2..],
        ["blocking thread 1", "other threads"]
    );
}

#[test]
fn each_task_row_ends_with_how_it_ended_and_the_programs_words() {
    let trace = parsed(&synthetic());
    let end = |task: &str| -> (String, Option<String>) {
        let ends: Vec<_> = on_track(&trace, 1, task)
            .into_iter()
            .filter(|e| e["ph"] == "i" && e["name"] != "spawn")
            .map(|e| {
                let words = e["args"]["outcome"].as_str().map(str::to_owned);
                (e["name"].as_str().expect("name").to_owned(), words)
            })
            .collect();
        assert_eq!(ends.len(), 1, "{task}: one end: {ends:?}");
        ends[0].clone()
    };
    assert_eq!(
        end("task 2 'fetch BR'"),
        ("finished".to_owned(), Some("downloaded".to_owned()))
    );
    assert_eq!(end("task 3 'fetch CN'"), ("panicked".to_owned(), None));
    assert_eq!(end("task 4 'spin'"), ("cancelled".to_owned(), None));
}

#[test]
fn polls_carry_their_outcome() {
    let trace = parsed(&synthetic());
    let outcomes = |task: &str| -> Vec<String> {
        on_track(&trace, 1, task)
            .into_iter()
            .filter(|e| e["cat"] == "poll")
            .map(|e| e["args"]["outcome"].as_str().expect("outcome").to_owned())
            .collect()
    };
    assert_eq!(
        outcomes("task 2 'fetch BR'"),
        ["Pending", "Pending", "Pending", "Pending", "Ready"]
    );
    assert_eq!(outcomes("task 3 'fetch CN'"), ["Pending", "panicked"]);
    assert_eq!(outcomes("task 4 'spin'"), ["Pending", "Pending", "Pending"]);
    let polls = of_phase(&trace, "X")
        .iter()
        .filter(|e| e["cat"] == "poll" && e["pid"] == 1)
        .count();
    assert_eq!(polls, 14, "every poll of runtime 1 is one slice");
}

#[test]
fn awaits_name_their_kind_and_detail() {
    let trace = parsed(&synthetic());
    let waits: Vec<(String, String, String)> = on_track(&trace, 1, "task 2 'fetch BR'")
        .into_iter()
        .filter(|e| e["cat"] == "wait")
        .map(|e| {
            let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
            (
                text(&e["name"]),
                text(&e["args"]["kind"]),
                text(&e["args"]["detail"]),
            )
        })
        .collect();
    let expected = [
        ("await permit", "permit", "a semaphore permit"),
        ("await io", "io", "socket token 5 writable"),
        ("await io", "io", "socket token 5 readable"),
        ("await blocking", "blocking", "a job on the blocking pool"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(waits, expected);
    let head = on_track(&trace, 1, "task 2 'fetch BR'")
        .into_iter()
        .find(|e| e["args"]["detail"] == "socket token 5 readable")
        .expect("the wait for the head");
    assert_eq!(head["args"]["also"], "timer at +5.000 ms");
    let join = on_track(&trace, 1, "task 1 'block_on'")
        .into_iter()
        .find(|e| e["cat"] == "wait")
        .expect("block_on waits");
    assert_eq!(join["args"]["detail"], "the end of task 2 'fetch BR'");
}

#[test]
fn queued_slices_say_what_queued_the_task() {
    let trace = parsed(&synthetic());
    let afters: Vec<&str> = on_track(&trace, 1, "task 2 'fetch BR'")
        .into_iter()
        .filter(|e| e["cat"] == "queued")
        .map(|e| e["args"]["after"].as_str().expect("after"))
        .collect();
    assert_eq!(
        afters,
        [
            "spawn",
            "task 3 'fetch CN'",
            "io: token 5 writable",
            "io: token 5 readable",
            "remote: blocking thread 1"
        ]
    );
    // A task that wakes itself during a poll is queued from the poll's end.
    let cn = on_track(&trace, 1, "task 3 'fetch CN'");
    let first_poll = cn.iter().find(|e| e["cat"] == "poll").expect("a poll");
    let requeued = cn
        .iter()
        .filter(|e| e["cat"] == "queued")
        .nth(1)
        .expect("queued again");
    assert_eq!(span(requeued).0, span(first_poll).1);
    assert_eq!(requeued["args"]["after"], "task 3 'fetch CN'");
}

#[test]
fn the_loop_has_ticks_with_selects_inside() {
    let trace = parsed(&synthetic());
    let on_loop = on_track(&trace, 1, "event loop");
    let ticks: Vec<&&Value> = on_loop.iter().filter(|e| e["cat"] == "tick").collect();
    let names: Vec<&str> = ticks
        .iter()
        .map(|e| e["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["tick 1", "tick 2", "tick 3", "tick 4"]);
    let selects: Vec<&&Value> = on_loop.iter().filter(|e| e["cat"] == "park").collect();
    assert_eq!(selects.len(), 4);
    for select in &selects {
        assert_eq!(select["name"], "select");
        let (start, end) = span(select);
        assert!(
            ticks.iter().any(|t| span(t).0 <= start && end <= span(t).1),
            "{select}"
        );
        assert_eq!(select["args"]["slept_us"].as_f64(), Some(end - start));
    }
    assert_eq!(selects[1]["args"]["timeout_ms"], 0.079);
    assert_eq!(selects[1]["args"]["events"], 1);
    assert_eq!(selects[2]["args"]["timeout_ms"], "none");
}

#[test]
fn marks_open_and_close_every_task_track() {
    let trace = parsed(&synthetic());
    let marks = |task: &str| -> Vec<String> {
        on_track(&trace, 1, task)
            .into_iter()
            .filter(|e| e["ph"] == "i")
            .map(|e| e["name"].as_str().expect("name").to_owned())
            .collect()
    };
    assert_eq!(marks("task 1 'block_on'"), ["spawn", "finished"]);
    assert_eq!(marks("task 3 'fetch CN'"), ["spawn", "panicked"]);
    assert_eq!(marks("task 4 'spin'"), ["spawn", "cancelled"]);
    let spawn = on_track(&trace, 1, "task 4 'spin'")
        .into_iter()
        .find(|e| e["name"] == "spawn")
        .map(|e| e["args"]["location"].as_str().expect("location").to_owned())
        .expect("spawn mark");
    assert!(spawn.starts_with("timeline/tests/util/mod.rs:"), "{spawn}");
    assert!(
        events(&trace)
            .iter()
            .filter(|e| e["ph"] == "i")
            .all(|e| e["s"] == "t" || e["s"] == "p")
    );
}

#[test]
fn phases_sit_on_the_phase_track_in_order_and_nest_in_blocking_jobs() {
    let trace = parsed(&synthetic());
    let phases: Vec<&str> = on_track(&trace, 1, "task 2 'fetch BR' phases")
        .into_iter()
        .map(|e| {
            assert_eq!(e["cat"], "phase");
            e["name"].as_str().expect("name")
        })
        .collect();
    assert_eq!(phases, PHASES);
    let pool = on_track(&trace, 1, "blocking thread 1");
    let job = pool.iter().find(|e| e["name"] == "job").expect("a job");
    let inner = pool
        .iter()
        .find(|e| e["name"] == "write the file")
        .expect("its phase");
    assert!(span(job).0 <= span(inner).0 && span(inner).1 <= span(job).1);
}

#[test]
fn every_flow_start_has_one_end_inside_a_poll_of_the_woken_task() {
    let trace = parsed(&synthetic());
    let mut ends: HashMap<u64, Vec<&Value>> = HashMap::new();
    for event in events(&trace)
        .iter()
        .filter(|e| e["ph"] == "s" || e["ph"] == "f")
    {
        assert_eq!(
            (event["name"].as_str(), event["cat"].as_str()),
            (Some("wake"), Some("wake"))
        );
        ends.entry(event["id"].as_u64().expect("numeric id"))
            .or_default()
            .push(event);
    }
    assert_eq!(
        ends.len(),
        9 + 2,
        "one flow per wake that led to a recorded poll"
    );
    let slices = of_phase(&trace, "X");
    let enclosing = |event: &Value, cat: Option<&str>| {
        let ts = event["ts"].as_f64().expect("ts");
        slices.iter().any(|s| {
            s["pid"] == event["pid"]
                && s["tid"] == event["tid"]
                && cat.is_none_or(|c| s["cat"] == c)
                && span(s).0 <= ts
                && ts <= span(s).1
        })
    };
    for (id, pair) in &ends {
        let (start, end) = match pair.as_slice() {
            [s, f] if s["ph"] == "s" && f["ph"] == "f" => (s, f),
            other => panic!("flow {id} is not one start then one end: {other:?}"),
        };
        assert_eq!(end["bp"], "e");
        assert!(
            start["ts"].as_f64() <= end["ts"].as_f64(),
            "flow {id} goes back in time"
        );
        assert!(
            enclosing(end, Some("poll")),
            "flow {id} ends outside a poll"
        );
        assert!(
            enclosing(start, None),
            "flow {id} starts outside any slice: {start}"
        );
    }
    let causes: HashSet<&str> = ends
        .values()
        .map(|pair| pair[0]["args"]["cause"].as_str().expect("cause"))
        .collect();
    for cause in [
        "timer",
        "remote",
        "remote: blocking thread 1",
        "task 3 'fetch CN'",
        "io: token 5 readable",
    ] {
        assert!(
            causes.contains(cause),
            "no flow caused by {cause}: {causes:?}"
        );
    }
}

#[test]
fn timestamps_never_go_backwards_on_a_track_and_slices_nest() {
    let trace = parsed(&synthetic());
    let mut last: HashMap<(u64, u64), f64> = HashMap::new();
    let mut open: HashMap<(u64, u64), Vec<(f64, f64)>> = HashMap::new();
    for event in events(&trace).iter().filter(|e| e["ph"] != "M") {
        let track = (
            event["pid"].as_u64().expect("pid"),
            event["tid"].as_u64().expect("tid"),
        );
        let ts = event["ts"].as_f64().expect("ts");
        let previous = last.insert(track, ts).unwrap_or(f64::MIN);
        assert!(
            ts >= previous,
            "time goes back on {track:?}: {previous} then {event}"
        );
        if event["ph"] == "X" {
            let (start, end) = span(event);
            let stack = open.entry(track).or_default();
            stack.retain(|&(_, parent_end)| parent_end > start);
            if let Some(&(_, parent_end)) = stack.last() {
                assert!(
                    end <= parent_end,
                    "{event} overlaps its parent on {track:?}"
                );
            }
            stack.push((start, end));
        }
    }
}

#[test]
fn names_with_quotes_controls_and_html_round_trip() {
    let trace = parsed(&synthetic());
    let label = format!("task 5 '{NASTY_NAME}'");
    let found = events(&trace)
        .iter()
        .any(|e| e["name"] == "thread_name" && e["args"]["name"] == label);
    assert!(found, "the nasty name did not survive");
    let text = util::json_text(&synthetic());
    assert!(
        !text.contains('<'),
        "a '<' would let the JSON end an HTML script element"
    );
    assert!(text.contains("café ☕"), "non-ASCII is written as UTF-8");
}

#[test]
fn a_full_recording_stops_keeps_its_bound_and_says_how_much_it_dropped() {
    let timeline = synthetic();
    let full = &timeline.processes()[1];
    let dropped = full.dropped();
    assert!(dropped > 0);
    // The bound, plus at most the record that closes the one open slice.
    assert!(
        full.records().len() <= RUNTIME_2_MAX_RECORDS + 1,
        "{}",
        full.records().len()
    );
    let trace = parsed(&timeline);
    assert_eq!(trace["otherData"]["dropped_events"], dropped);
    assert_eq!(trace["otherData"]["runtimes"][1]["dropped"], dropped);
    let marker = events(&trace)
        .iter()
        .find(|e| e["cat"] == "timeline")
        .expect("the dropped marker");
    assert_eq!(
        marker["name"],
        format!("timeline full: {dropped} events dropped")
    );
    assert_eq!(
        (
            marker["ph"].as_str(),
            marker["s"].as_str(),
            marker["pid"].as_u64()
        ),
        (Some("i"), Some("p"), Some(2))
    );
    assert_eq!(marker["ts"].as_f64(), full.full_at());
    // Nothing recorded after the moment it became full.
    let full_at = full.full_at().expect("full");
    for event in events(&trace)
        .iter()
        .filter(|e| e["pid"] == 2 && e["ph"] == "X")
    {
        assert!(
            span(event).1 <= full_at,
            "{event} ends after the recording stopped"
        );
    }
}
