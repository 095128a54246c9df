//! `spinner blocking`: `std::thread::sleep` in a task starves the spinner.

mod util;

use util::{MSG, frames_drawn, repr_line, run_mode};

#[test]
fn blocking_mode_draws_no_frame() {
    let stdout = run_mode("blocking");
    assert_eq!(frames_drawn(&stdout, MSG), Vec::<char>::new(), "{stdout:?}");
    // Not even an erase: the cancelled task never started.
    assert!(!stdout.contains('\r'), "{stdout:?}");
}

#[test]
fn blocking_mode_prints_the_repr_then_the_answer() {
    let stdout = run_mode("blocking");
    let repr = repr_line(&stdout);
    assert!(
        repr.starts_with("spinner object: <Task pending "),
        "{repr:?}"
    );
    assert!(repr.contains(" name='spin' "), "{repr:?}");
    assert!(
        repr.contains("spawned at spinner-demo/src/blocking_mode.rs:"),
        "{repr:?}"
    );
    assert_eq!(stdout.lines().collect::<Vec<_>>(), [repr, "Answer: 42"]);
}
