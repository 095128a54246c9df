//! The phases of each request on the runtime's timeline: a recording runtime,
//! a keep-alive server with one connection slot for three requests, and the
//! file read back with serde_json. A new connection shows `connecting`, a
//! pooled one does not, and a request that finds every slot taken shows
//! `waiting for a connection` first.

mod util;

use std::collections::HashMap;
use std::path::Path;

use http_client::Client;
use serde_json::Value;
use util::{ScriptedServer, TempDir, read_request, send};

/// How long a test may wait for its loop, its peer and its wakes before
/// the watchdog fails it, naming the test (a lost wake or a peer that
/// never answers would otherwise hang the run); each takes well under a
/// second when nothing is lost.
const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(120);

/// The phases of each task, by task name, in time order.
fn phases_by_task(path: &Path) -> HashMap<String, Vec<String>> {
    let text = std::fs::read_to_string(path).expect("the timeline file");
    let trace: Value = serde_json::from_str(&text).expect("the file is JSON");
    let events = trace["traceEvents"].as_array().expect("traceEvents");
    // Phase tracks are named after their task: "task 3 'a' phases".
    let tracks: HashMap<(u64, u64), String> = events
        .iter()
        .filter(|e| e["name"] == "thread_name")
        .filter_map(|e| {
            let name = e["args"]["name"].as_str()?.strip_suffix(" phases")?;
            let task = name.split('\'').nth(1)?.to_owned();
            Some(((e["pid"].as_u64()?, e["tid"].as_u64()?), task))
        })
        .collect();
    let mut slices: Vec<(String, f64, String)> = events
        .iter()
        .filter(|e| e["ph"] == "X" && e["cat"] == "phase")
        .filter_map(|e| {
            let task = tracks.get(&(e["pid"].as_u64()?, e["tid"].as_u64()?))?;
            Some((
                task.clone(),
                e["ts"].as_f64()?,
                e["name"].as_str()?.to_owned(),
            ))
        })
        .collect();
    slices.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut phases: HashMap<String, Vec<String>> = HashMap::new();
    for (task, _, name) in slices {
        phases.entry(task).or_default().push(name);
    }
    phases
}

#[test]
fn each_request_marks_its_phases_on_its_task() {
    watchdog::within(
        WATCHDOG,
        "each request marks its phases on its task",
        || {
            let server = ScriptedServer::start(2, |mut stream, _| {
                while read_request(&mut stream).is_some() {
                    send(
                        &mut stream,
                        b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nGIF89a",
                    );
                }
            });
            let dir = TempDir::new("timeline");
            let path = dir.path.join("client.json");
            let rt = runtime::Builder::new()
                .timeline(Some(&path))
                .build()
                .expect("a runtime");
            let url = server.url("/br.gif");
            rt.block_on(async {
                let client = Client::builder().max_connections(Some(1)).build();
                let get = |name: &'static str| {
                    let (client, url) = (client.clone(), url.clone());
                    runtime::task::Builder::new().name(name).spawn(async move {
                        let response = client.get(&url).send().await.expect("a response");
                        response.bytes().await.expect("the body")
                    })
                };
                // `a` takes the one slot; `b` waits for it, and gets a new
                // connection when `a`'s is closed for it.
                let (a, b) = (get("a"), get("b"));
                assert_eq!(a.await.unwrap(), b"GIF89a");
                assert_eq!(b.await.unwrap(), b"GIF89a");
                // `c` finds `b`'s connection in the pool.
                assert_eq!(get("c").await.unwrap(), b"GIF89a");
            });
            let written = rt.finish_timeline().expect("the timeline is written");
            server.join();
            let phases = phases_by_task(&written.path);
            let request = [
                "sending",
                "waiting for the response head",
                "reading the body",
            ];
            let with = |before: &[&str]| -> Vec<String> {
                before
                    .iter()
                    .chain(&request)
                    .map(|s| (*s).to_owned())
                    .collect()
            };
            assert_eq!(phases["a"], with(&["connecting"]), "a new connection");
            assert_eq!(
                phases["b"],
                with(&["waiting for a connection", "connecting"]),
                "every slot taken, then a new connection"
            );
            assert_eq!(phases["c"], with(&[]), "a pooled connection");
        },
    );
}
