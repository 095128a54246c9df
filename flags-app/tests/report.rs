//! What a user sees through a pipe (neither stdout nor stderr a terminal): the
//! errors summed up by cause without `-v`, and plain progress lines on stderr, a line
//! per tenth of the codes, as tqdm writes to a file.

mod util;

use util::{TempDir, counts, run_flags};

/// The causes the ERROR server's faults can produce (see `download/failure.rs`).
const FAULT_CAUSES: [&str; 6] = [
    "HTTP 418 I'm a Teapot",
    "HTTP 500 Internal Server Error",
    "HTTP 503 Service Unavailable",
    "connection reset",
    "connection closed before the response",
    "truncated body",
];

#[test]
fn errors_are_summed_up_by_cause_and_progress_is_plain_lines() {
    let dest = TempDir::new("report");
    let output = run_flags(&[
        "-s",
        "ERROR",
        "--seed",
        "11",
        "--delay",
        "0..0.02",
        "-e",
        "-l",
        "200",
        "-m",
        "20",
        "--dest",
        dest.path.to_str().expect("utf-8"),
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let got = counts(&output);
    assert!(got.errors > 0, "{stdout}");
    // " 23 errors: 9 HTTP 418 I'm a Teapot, 6 truncated body, ..."
    let line = stdout
        .lines()
        .find(|line| line.contains(" errors: "))
        .unwrap_or_else(|| panic!("no errors line in\n{stdout}"));
    let (_, causes) = line.split_once(" errors: ").expect("causes");
    let mut total = 0;
    let mut previous = usize::MAX;
    for part in causes.split(", ") {
        let (count, cause) = part.split_once(' ').expect("count and cause");
        let count: usize = count.parse().expect("a count");
        assert!(FAULT_CAUSES.contains(&cause), "unexpected cause {cause:?}");
        assert!(count <= previous, "most frequent first: {line}");
        previous = count;
        total += count;
    }
    assert_eq!(total, got.errors, "{line}");
    // Without -v there is no line per code.
    assert!(!stdout.contains("*** Error for"), "{stdout}");

    let progress: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("progress: "))
        .collect();
    // A line at each tenth (and, on a slow run, one every 5 s in between).
    for tenth in 1..=10 {
        let expected = format!("progress: {}/200 ({}%) after ", tenth * 20, tenth * 10);
        assert!(
            progress.iter().any(|line| line.starts_with(&expected)),
            "{expected:?} missing from {progress:?}"
        );
    }
    assert!(
        progress
            .last()
            .is_some_and(|line| line.starts_with("progress: 200/200 (100%)")),
        "{progress:?}"
    );
    assert!(
        !stderr.contains('\r'),
        "no bar redrawn in place: {stderr:?}"
    );
}

#[test]
fn verbose_runs_print_a_line_per_code_and_no_progress() {
    let dest = TempDir::new("report-v");
    let output = run_flags(&[
        "-v",
        "br",
        "xx",
        "--dest",
        dest.path.to_str().expect("utf-8"),
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("BR OK\n") && stdout.contains("XX not found\n"),
        "{stdout}"
    );
    assert!(!String::from_utf8_lossy(&output.stderr).contains("progress: "));
}

#[test]
fn on_a_terminal_the_final_bar_stays_above_the_summary() {
    watchdog::within(
        util::WATCHDOG,
        "on a terminal the final bar stays above the summary",
        || {
            // `script` runs the command on a pseudo-terminal and copies what it shows.
            util::require("script", "bsdutils");
            let dest = TempDir::new("report-tty");
            let command = format!(
                "{} br cn in --dest {}",
                util::FLAGS,
                dest.path.to_str().expect("utf-8")
            );
            let output = std::process::Command::new("script")
                .args(["-q", "-e", "-c", &command, "/dev/null"])
                .stdin(std::process::Stdio::null())
                .output()
                .expect("run script");
            let screen = String::from_utf8_lossy(&output.stdout);
            // The last redraw of the bar, at 100%, ends its own line; the summary follows.
            let summary = screen
                .split("--------------------")
                .next()
                .unwrap_or_default();
            assert!(summary.contains("100%|"), "{screen:?}");
            assert!(summary.trim_end().ends_with("flags/s]"), "{screen:?}");
            assert!(summary.ends_with('\n'), "{screen:?}");
            assert!(screen.contains("  3 flags downloaded."), "{screen:?}");
        },
    );
}
