//! The HTML page in a real browser: headless Chromium renders the synthetic
//! timeline, and the rendered DOM must have one row per task and per event
//! loop, the phases, and the "full" and "left out" warnings; a screenshot must show the
//! states' colours.
//!
//! Needs Chromium (`apt-get install -y chromium`); the tests fail saying so
//! if it is missing, and are ignored when built with `--cfg skip_peer_tests`
//! (the README's "Platforms"). Each run has a fresh profile, no network, a time limit,
//! and is killed (with its helper processes) when it ends.

mod util;

use std::collections::HashSet;

use headless_chromium::dom::timeline_rows as rows;
use headless_chromium::{dump_dom, file_url, screenshot};
use util::{NASTY_NAME, PHASES, RUNTIME_1_TASKS, RUNTIME_2_TASKS, TempDir, synthetic};

/// Writes the synthetic timeline's page into `dir` and returns its path.
fn write_page(dir: &TempDir) -> std::path::PathBuf {
    let page = dir.path.join("timeline.html");
    let mut timeline = synthetic();
    // One runtime recorded for this file and not kept (a writer's bound).
    timeline.leave_out();
    timeline.write_to_path(&page).expect("write the page");
    page
}

#[test]
#[cfg_attr(
    skip_peer_tests,
    ignore = "needs Chromium, a peer program; built with --cfg skip_peer_tests"
)]
fn the_rendered_page_has_a_row_per_task_and_per_loop_and_shows_phases() {
    let dir = TempDir::new("dom");
    let page = write_page(&dir);
    let dom = dump_dom(&file_url(&page), &dir.path);
    assert!(
        dom.contains("id=\"timeline-svg\""),
        "the chart was not drawn:\n{dom:.2000}"
    );

    let tasks: HashSet<String> = rows(&dom, "row task").into_iter().collect();
    let expected: HashSet<String> = RUNTIME_1_TASKS
        .iter()
        .chain(&RUNTIME_2_TASKS)
        .map(|(id, name)| format!("task {id} '{name}'"))
        .collect();
    assert_eq!(tasks, expected);
    assert_eq!(
        rows(&dom, "row task").len(),
        expected.len(),
        "one row per task, phases on it"
    );
    assert_eq!(
        rows(&dom, "row loop"),
        ["event loop", "event loop"],
        "one loop row per runtime"
    );
    assert_eq!(rows(&dom, "row blocking"), ["blocking thread 1"]);
    assert_eq!(rows(&dom, "row other"), ["other threads"]);

    // Phases are drawn on their task's row, named where they are wide enough.
    // fetch BR's six, and the pool thread's "write the file".
    let expected_phases = PHASES.len() + 1;
    let phase_rects = dom.matches("class=\"slice phase\"").count();
    assert_eq!(phase_rects, expected_phases, "phase rectangles");
    assert!(
        dom.contains(">connecting</text>"),
        "the phase labels are drawn"
    );

    // The nasty name is text, not markup: no <b> element appeared.
    // (The row set above already holds it exactly, control characters too.)
    assert!(!dom.contains("<b>"), "a task name was parsed as HTML");
    assert!(tasks.contains(&format!("task 5 '{NASTY_NAME}'")));

    // Runtime 2 filled up: the warning is shown.
    let warning = dom.find("id=\"warning\"").expect("the warning element");
    let end = dom[warning..]
        .find("</")
        .map_or(dom.len(), |at| warning + at);
    let warning = &dom[warning..end];
    assert!(!warning.contains("hidden"), "{warning}");
    assert!(warning.contains("events dropped"), "{warning}");
    assert!(
        warning.contains("1 runtime recorded for this file but not kept"),
        "{warning}"
    );
    assert!(
        dom.contains("2 runtimes · 6 Tasks"),
        "the summary counts runtimes and tasks"
    );

    // How each task ended is written on its row, after its end mark: fetch
    // BR with the program's words, the others with how they ended.
    let ends: Vec<&str> = dom
        .match_indices("class=\"end-label\"")
        .map(|(at, _)| {
            let text = &dom[at..];
            let start = text.find('>').map_or(0, |i| i + 1);
            let end = text.find("</text>").unwrap_or(start);
            &text[start..end]
        })
        .collect();
    assert!(ends.contains(&"finished: downloaded"), "{ends:?}");
    assert!(ends.contains(&"panicked"), "{ends:?}");
    assert!(ends.contains(&"cancelled"), "{ends:?}");
}

#[test]
#[cfg_attr(
    skip_peer_tests,
    ignore = "needs Chromium, a peer program; built with --cfg skip_peer_tests"
)]
fn a_screenshot_of_the_page_shows_the_states_colours() {
    let dir = TempDir::new("screenshot");
    let page = write_page(&dir);
    let png = dir.path.join("shot.png");
    let shot = screenshot(&file_url(&page), (1200, 800), &png, &dir.path);
    assert_eq!((shot.width, shot.height), (1200, 800));
    assert!(
        shot.colours() > 50,
        "only {} colours: the page looks blank",
        shot.colours()
    );
    for (state, rgb) in [
        ("running", [0x2b, 0x8a, 0x3e]),
        ("queued", [0xf5, 0x9f, 0x00]),
        ("await I/O", [0x19, 0x71, 0xc2]),
        ("await permit", [0xe0, 0x31, 0x31]),
        ("selector wait", [0x8c, 0xc8, 0xf5]),
        ("blocking job", [0x8d, 0x6e, 0x63]),
    ] {
        let count = shot.count(rgb);
        assert!(count > 20, "{state} ({rgb:02x?}) shows in {count} pixels");
    }
}
