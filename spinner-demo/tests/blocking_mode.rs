//! `spinner blocking`: `std::thread::sleep` in a task starves the spinner.

mod util;

use util::{MSG, frames_drawn, repr_line, run_mode, spinner};

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

#[test]
fn blocking_mode_gets_the_runtimes_slow_poll_warning_naming_the_blocked_future() {
    let output = spinner(&["blocking", "--seconds", "0.5"]);
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    let warning = warnings[0];
    assert!(
        warning.contains("'block_on' (called at spinner-demo/src/blocking_mode.rs:"),
        "{warning}"
    );
    assert!(
        warning.contains("blocked the event loop for 0.5"),
        "{warning}"
    );
}

#[test]
fn async_mode_never_blocks_the_loop_so_it_gets_no_warning() {
    let output = spinner(&["async", "--seconds", "0.5"]);
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("warning:"), "{stderr}");
}
