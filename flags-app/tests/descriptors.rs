//! Running out of file descriptors: the program says so plainly and keeps counting.
//! Each test runs `flags` with a lowered `RLIMIT_NOFILE` (`ulimit -n`).

mod util;

use util::{counts, flags_with_open_files_limit, run_command};

/// The descriptor limit of these tests: low enough that 194 worker threads, each
/// needing an epoll instance and an eventfd, cannot all have an event loop.
const LOW_OPEN_FILES: u32 = 64;

#[test]
fn threads_mode_at_the_descriptor_limit_reports_errors_not_panics() {
    let dest = util::TempDir::new("threads-nofile");
    let dest_arg = dest.path.to_str().expect("utf-8 temp path");
    let args = [
        "--mode", "threads", "-a", "-m", "500", "-v", "--dest", dest_arg,
    ];
    let output = run_command(flags_with_open_files_limit(LOW_OPEN_FILES, &args), &args);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    for noise in ["panicked", "stack backtrace", "RUST_BACKTRACE"] {
        assert!(!stderr.contains(noise), "{noise} in stderr:\n{stderr}");
    }
    // Every code is counted once, and every error line says why.
    let got = counts(&output);
    assert_eq!(got.downloaded + got.not_found + got.errors, 194, "{stdout}");
    let error_lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("*** Error for "))
        .collect();
    assert_eq!(error_lines.len(), got.errors, "{stdout}");
    for line in &error_lines {
        let reason = line.split_once(": ").map(|(_, why)| why).unwrap_or("");
        assert!(!reason.is_empty() && reason != "unknown error", "{line}");
    }
    // Workers without an event loop are reported once, not once per thread.
    let worker_lines = stderr
        .lines()
        .filter(|l| l.contains("could not create their event loop"))
        .count();
    assert!(worker_lines <= 1, "{stderr}");
    assert_eq!(util::files(&dest.path).len(), got.downloaded);
    let expected = if got.errors == 0 { 0 } else { 1 };
    assert_eq!(output.status.code(), Some(expected), "{stdout}\n{stderr}");
}
