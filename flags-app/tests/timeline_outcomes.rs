//! How each download ended, on its task's row of the timeline: the end mark
//! of every `download_one CC` task carries the code's outcome in words
//! (`downloaded`, `not found`, `error: <cause>`), and they agree with the
//! `-v` line the same run printed for that code.

mod util;

use std::collections::BTreeMap;

use serde_json::Value;
use util::{TempDir, run_flags};

/// What the `-v` line of a code says, in the timeline's words, by code.
fn verbose_outcomes(stdout: &str) -> BTreeMap<String, String> {
    let mut outcomes = BTreeMap::new();
    for line in stdout.lines() {
        if let Some(cc) = line.strip_suffix(" OK") {
            outcomes.insert(cc.to_owned(), "downloaded".to_owned());
        } else if let Some(cc) = line.strip_suffix(" not found") {
            outcomes.insert(cc.to_owned(), "not found".to_owned());
        } else if let Some(rest) = line.strip_prefix("*** Error for ") {
            let cc = rest.split(':').next().expect("a code");
            outcomes.insert(cc.to_owned(), "error".to_owned());
        }
    }
    outcomes
}

/// The (pid, tid) of an event's track.
fn track_of(event: &Value) -> (u64, u64) {
    (
        event["pid"].as_u64().unwrap(),
        event["tid"].as_u64().unwrap(),
    )
}

/// The end mark of every code's task: (mark name, outcome arg), by code.
fn ends_on_the_timeline(events: &[Value]) -> BTreeMap<String, (String, String)> {
    let mut codes = BTreeMap::new();
    for e in events.iter().filter(|e| e["name"] == "thread_name") {
        let name = e["args"]["name"].as_str().unwrap();
        let Some(cc) = name
            .split('\'')
            .nth(1)
            .and_then(|task| task.strip_prefix("download_one "))
        else {
            continue;
        };
        if !name.ends_with(" phases") {
            codes.insert(track_of(e), cc.to_owned());
        }
    }
    let mut ends = BTreeMap::new();
    for e in events
        .iter()
        .filter(|e| e["ph"] == "i" && e["name"] != "spawn")
    {
        let Some(cc) = codes.get(&track_of(e)) else {
            continue;
        };
        let name = e["name"].as_str().unwrap().to_owned();
        let outcome = e["args"]["outcome"].as_str().unwrap_or("").to_owned();
        assert!(
            ends.insert(cc.clone(), (name, outcome)).is_none(),
            "{cc} ended twice"
        );
    }
    ends
}

#[test]
fn every_code_task_ends_with_its_outcome_as_the_run_printed_it() {
    let dir = TempDir::new("timeline-outcomes");
    let path = dir.path.join("run.json");
    let dest = dir.path.join("d");
    // The embedded server with errors, over every two-letter code: some
    // flags download, most codes are 404s, some requests fail.
    let args = [
        "-s",
        "ERROR",
        "--seed",
        "7",
        "--delay",
        "0..0.01",
        "--mode",
        "async",
        "-v",
        "-e",
        "-l",
        "60",
        "--timeline",
        path.to_str().expect("utf-8"),
        "--dest",
        dest.to_str().expect("utf-8"),
    ];
    let output = run_flags(&args);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let printed = verbose_outcomes(&stdout);
    assert_eq!(printed.len(), 60, "one -v line per code:\n{stdout}");
    let kinds: Vec<&str> = printed.values().map(String::as_str).collect();
    for kind in ["downloaded", "not found", "error"] {
        assert!(kinds.contains(&kind), "no code was {kind}: {printed:?}");
    }

    let text = std::fs::read_to_string(&path).expect("the timeline file");
    let trace: Value = serde_json::from_str(&text).expect("JSON");
    let events = trace["traceEvents"].as_array().expect("traceEvents");
    let ends = ends_on_the_timeline(events);
    assert_eq!(ends.len(), 60, "every code's task has an end: {ends:?}");
    for (cc, said) in &printed {
        let (mark, outcome) = &ends[cc];
        assert_eq!(mark, "finished", "{cc}: the task itself finished");
        if said == "error" {
            assert!(outcome.starts_with("error: "), "{cc}: {outcome}");
        } else {
            assert_eq!(outcome, said, "{cc}");
        }
    }
}
