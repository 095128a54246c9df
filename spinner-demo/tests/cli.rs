//! The command line: options, help, and refusals of bad `--seconds`.

mod util;

use util::{distinct, frames_drawn, spinner};

/// clap's exit code for a usage error.
const USAGE_EXIT_CODE: i32 = 2;

/// Runs `spinner` with `args` and returns its stderr, checking that it was
/// refused as a usage error.
fn refused(args: &[&str]) -> String {
    let output = spinner(args);
    assert_eq!(output.status.code(), Some(USAGE_EXIT_CODE), "{args:?}");
    assert!(output.stdout.is_empty(), "{args:?} wrote to stdout");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn negative_seconds_are_a_usage_error() {
    let stderr = refused(&["thread", "--seconds", "-1"]);
    assert!(stderr.contains("'-1' is negative"), "{stderr}");
}

#[test]
fn nan_seconds_are_a_usage_error() {
    let stderr = refused(&["async", "--seconds", "NaN"]);
    assert!(stderr.contains("'NaN' is not a finite number"), "{stderr}");
}

#[test]
fn infinite_seconds_are_a_usage_error() {
    let stderr = refused(&["thread", "--seconds=inf"]);
    assert!(stderr.contains("'inf' is not a finite number"), "{stderr}");
}

#[test]
fn words_are_not_seconds() {
    let stderr = refused(&["blocking", "--seconds", "three"]);
    assert!(
        stderr.contains("'three' is not a number of seconds"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_mode_is_a_usage_error() {
    refused(&["process"]);
}

#[test]
fn seconds_and_msg_may_come_before_the_mode() {
    let output = spinner(&["--seconds", "0.3", "--msg", "pondering…", "thread"]);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let frames = frames_drawn(&stdout, "pondering…");
    assert!(distinct(&frames) >= 2, "{stdout:?}");
    // The erase covers the message in chars, not bytes: `…` is 3 bytes.
    assert!(
        stdout.ends_with(&format!("\r{}\rAnswer: 42\n", " ".repeat(2 + 10))),
        "{stdout:?}"
    );
}

#[test]
fn zero_seconds_still_answers() {
    let output = spinner(&["thread", "--seconds", "0"]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).ends_with("Answer: 42\n"));
}

#[test]
fn help_lists_the_three_modes() {
    let output = spinner(&["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for mode in ["thread", "async", "blocking"] {
        assert!(
            help.lines().any(|line| line.trim_start().starts_with(mode)),
            "no line for {mode} in {help}"
        );
    }
    assert!(
        help.contains("--seconds") && help.contains("--msg"),
        "{help}"
    );
}

#[test]
fn a_timeline_path_must_name_a_page_or_json() {
    let stderr = refused(&["async", "--timeline", "run.txt"]);
    assert!(
        stderr.contains("'run.txt' ends in neither .html") && stderr.contains(".json"),
        "{stderr}"
    );
}

#[test]
fn the_thread_version_has_no_event_loop_to_record() {
    let stderr = refused(&["thread", "--timeline", "run.html"]);
    assert!(
        stderr.contains("--timeline records an event loop"),
        "{stderr}"
    );
    assert!(
        !std::path::Path::new("run.html").exists(),
        "nothing was written"
    );
}
