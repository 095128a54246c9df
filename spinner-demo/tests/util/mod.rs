//! Runs the built `spinner` binary with its output piped, and takes the
//! output apart into the pieces the tests look at.

// Each test file is its own crate and uses only some of these helpers.
#![allow(dead_code)]

use std::process::{Command, Output};

/// The default `--msg`.
pub const MSG: &str = "thinking!";

/// The spinner's frames, as `src/line.rs` draws them.
pub const FRAMES: [char; 4] = ['|', '/', '-', '\\'];

/// The end of every successful run.
pub const ANSWER_LINE: &str = "Answer: 42\n";

/// Runs `spinner` with `args`; stdout and stderr are pipes, not a terminal.
pub fn spinner(args: &[&str]) -> Output {
    match Command::new(env!("CARGO_BIN_EXE_spinner"))
        .args(args)
        .output()
    {
        Ok(output) => output,
        Err(err) => panic!("could not run the spinner binary: {err}"),
    }
}

/// Runs a mode with `--seconds 0.5`, checks that it succeeded, and returns
/// its stdout.
pub fn run_mode(mode: &str) -> String {
    let output = spinner(&[mode, "--seconds", "0.5"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{mode}: {:?}, stderr: {stderr}",
        output.status
    );
    match String::from_utf8(output.stdout) {
        Ok(stdout) => stdout,
        Err(err) => panic!("{mode}: stdout is not UTF-8: {err}"),
    }
}

/// The frame chars of the `\r{frame} {msg}` segments of `stdout`, in order.
pub fn frames_drawn(stdout: &str, msg: &str) -> Vec<char> {
    stdout
        .split('\r')
        .filter_map(|segment| {
            let mut chars = segment.chars();
            let frame = chars.next()?;
            let rest = chars.as_str();
            (FRAMES.contains(&frame) && rest == format!(" {msg}")).then_some(frame)
        })
        .collect()
}

/// How many different frame chars `frames` holds.
pub fn distinct(frames: &[char]) -> usize {
    FRAMES.iter().filter(|f| frames.contains(f)).count()
}

/// The `\r`-separated segment just before the final `Answer: 42` line.
pub fn segment_before_answer(stdout: &str) -> &str {
    let Some(before) = stdout.strip_suffix(ANSWER_LINE) else {
        panic!("stdout does not end with {ANSWER_LINE:?}: {stdout:?}");
    };
    let Some(before) = before.strip_suffix('\r') else {
        panic!("no \\r right before the answer: {stdout:?}");
    };
    before.rsplit('\r').next().unwrap_or("")
}

/// The first line of stdout, which names the spinner object.
pub fn repr_line(stdout: &str) -> &str {
    stdout.lines().next().unwrap_or("")
}
