//! How each task ended, on its row of the timeline: the end mark is named
//! `finished`, `cancelled` or `panicked`, and carries the words the task
//! gave with `runtime::timeline::outcome`, read back from a real run's file.

mod util;

use std::collections::HashMap;

use runtime::{Builder, task, yield_now};
use serde_json::Value;

/// Each task's end mark, by track name: (how it ended, its words).
fn ends(path: &std::path::Path) -> HashMap<String, (String, Option<String>)> {
    let text = std::fs::read_to_string(path).expect("the timeline file");
    let trace: Value = serde_json::from_str(&text).expect("the file is JSON");
    let events = trace["traceEvents"].as_array().expect("traceEvents");
    let names: HashMap<(Value, Value), String> = events
        .iter()
        .filter(|e| e["name"] == "thread_name")
        .map(|e| {
            let name = e["args"]["name"].as_str().unwrap().to_owned();
            ((e["pid"].clone(), e["tid"].clone()), name)
        })
        .collect();
    let mut ends = HashMap::new();
    for e in events
        .iter()
        .filter(|e| e["ph"] == "i" && e["name"] != "spawn")
    {
        let Some(track) = names.get(&(e["pid"].clone(), e["tid"].clone())) else {
            continue;
        };
        let how = e["name"].as_str().unwrap().to_owned();
        let words = e["args"]["outcome"].as_str().map(str::to_owned);
        assert!(
            ends.insert(track.clone(), (how, words)).is_none(),
            "{track} ended twice"
        );
    }
    ends
}

#[test]
fn each_task_row_ends_with_how_it_ended_and_its_own_words() {
    let dir = std::env::temp_dir().join(format!("runtime-timeline-ends-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("run.json");
    let rt = Builder::new().timeline(Some(&path)).build().unwrap();
    rt.block_on(async {
        let saved = task::Builder::new().name("saved").spawn(async {
            yield_now().await;
            runtime::timeline::outcome("first words");
            runtime::timeline::outcome("saved");
        });
        let plain = task::Builder::new().name("plain").spawn(async {});
        let boom = task::Builder::new().name("boom").spawn(async {
            runtime::timeline::outcome("half done");
            yield_now().await;
            panic!("planted");
        });
        let stuck = task::Builder::new()
            .name("stuck")
            .spawn(util::pending_forever());
        yield_now().await;
        stuck.abort();
        saved.await.unwrap();
        plain.await.unwrap();
        assert!(boom.await.unwrap_err().is_panic());
        assert!(stuck.await.unwrap_err().is_cancelled());
    });
    drop(rt);
    let ends = ends(&path);
    let end = |name: &str| {
        ends.iter()
            .find(|(track, _)| track.ends_with(&format!("'{name}'")))
            .map(|(_, end)| end.clone())
            .unwrap_or_else(|| panic!("no end for {name}: {ends:?}"))
    };
    let words = |w: &str| Some(w.to_owned());
    assert_eq!(
        end("saved"),
        ("finished".into(), words("saved")),
        "the last words win"
    );
    assert_eq!(end("plain"), ("finished".into(), None));
    assert_eq!(end("boom"), ("panicked".into(), words("half done")));
    assert_eq!(end("stuck"), ("cancelled".into(), None));
    assert_eq!(end("block_on"), ("finished".into(), None));
    std::fs::remove_dir_all(&dir).unwrap();
}
