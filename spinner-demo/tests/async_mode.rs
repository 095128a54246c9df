//! `spinner async`: the spinner is a task; cancelling it erases its line.

mod util;

use util::{MSG, distinct, frames_drawn, repr_line, run_mode, segment_before_answer};

#[test]
fn async_mode_draws_several_frames() {
    let stdout = run_mode("async");
    let frames = frames_drawn(&stdout, MSG);
    // 0.5 s at one frame per 0.1 s is about 5 frames; 2 leaves room for a
    // busy machine.
    assert!(distinct(&frames) >= 2, "frames {frames:?} in {stdout:?}");
}

#[test]
fn async_mode_prints_the_task_repr_first() {
    let stdout = run_mode("async");
    let repr = repr_line(&stdout);
    assert!(
        repr.starts_with("spinner object: <Task pending "),
        "{repr:?}"
    );
    assert!(repr.contains(" name='spin' "), "{repr:?}");
    assert!(
        repr.contains("spawned at spinner-demo/src/async_mode.rs:"),
        "{repr:?}"
    );
}

#[test]
fn async_mode_erases_the_line_when_the_task_is_cancelled() {
    let stdout = run_mode("async");
    assert!(!frames_drawn(&stdout, MSG).is_empty(), "{stdout:?}");
    assert_eq!(segment_before_answer(&stdout), " ".repeat(2 + MSG.len()));
}

#[test]
fn async_mode_frames_turn_in_order() {
    let stdout = run_mode("async");
    let frames = frames_drawn(&stdout, MSG);
    let expected: Vec<char> = util::FRAMES
        .iter()
        .copied()
        .cycle()
        .take(frames.len())
        .collect();
    assert_eq!(frames, expected);
}
