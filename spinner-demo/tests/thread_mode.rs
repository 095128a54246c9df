//! `spinner thread`: a thread draws the frames while the main thread sleeps.

mod util;

use util::{MSG, distinct, frames_drawn, repr_line, run_mode, segment_before_answer};

#[test]
fn thread_mode_draws_several_frames() {
    let stdout = run_mode("thread");
    let frames = frames_drawn(&stdout, MSG);
    // 0.5 s at one frame per 0.1 s is about 5 frames; 2 leaves room for a
    // busy machine.
    assert!(distinct(&frames) >= 2, "frames {frames:?} in {stdout:?}");
}

#[test]
fn thread_mode_prints_the_thread_repr_first() {
    let stdout = run_mode("thread");
    let repr = repr_line(&stdout);
    assert!(
        repr.starts_with("spinner object: <Thread name='spinner' state=started ident=ThreadId("),
        "{repr:?}"
    );
    assert!(repr.ends_with(")>"), "{repr:?}");
}

#[test]
fn thread_mode_erases_the_line_then_answers() {
    let stdout = run_mode("thread");
    assert_eq!(segment_before_answer(&stdout), " ".repeat(2 + MSG.len()));
}

#[test]
fn thread_mode_frames_turn_in_order() {
    let stdout = run_mode("thread");
    let frames = frames_drawn(&stdout, MSG);
    let expected: Vec<char> = util::FRAMES
        .iter()
        .copied()
        .cycle()
        .take(frames.len())
        .collect();
    assert_eq!(frames, expected);
}
