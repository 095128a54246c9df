//! SIGQUIT and a loop stuck in a poll: the thread that answers the signal
//! says which task's poll holds the loop, and the tree follows once the
//! poll returns.
//!
//! The test runs itself again as a child process (this binary, filtered to
//! `child_blocks_its_loop_on_stdin`, with `SIGQUIT_CHILD=1`), whose
//! `block_on` future blocks its thread reading stdin: a poll that returns
//! only when the parent writes a line, so nothing here depends on timing.
#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// The bound on the whole exchange; it only turns a hang into a failure.
const WATCHDOG: Duration = Duration::from_secs(120);

/// Set in the child's environment.
const CHILD_ENV: &str = "SIGQUIT_CHILD";

/// The `SigCgt` bit of SIGQUIT (signal 3) in `/proc/PID/status`.
const SIGQUIT_BIT: u64 = 1 << (3 - 1);

/// True once `pid` catches SIGQUIT (before, the signal would kill it).
fn catches_sigquit(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            let mask = status.lines().find_map(|l| l.strip_prefix("SigCgt:"))?;
            u64::from_str_radix(mask.trim(), 16).ok()
        })
        .is_some_and(|mask| mask & SIGQUIT_BIT != 0)
}

/// In the child only: a loop whose one poll blocks its thread on stdin.
#[test]
fn child_blocks_its_loop_on_stdin() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return; // run by the parent test below
    }
    let rt = runtime::Builder::new()
        .await_tree(true)
        .sigquit(true)
        .build()
        .unwrap();
    rt.block_on(async {
        let mut line = String::new();
        // The future ends in the poll that blocks: the loop answers as
        // that poll ends, not at a later tick (there is none).
        std::io::stdin().read_line(&mut line).unwrap();
    });
}

#[test]
fn a_loop_stuck_in_a_poll_is_reported_and_prints_when_it_returns() {
    watchdog::within(WATCHDOG, "the child's report and its tree", || {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_blocks_its_loop_on_stdin", "--nocapture"])
            .env(CHILD_ENV, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id();
        let mut stdin = child.stdin.take().unwrap();
        let (lines_tx, lines) = mpsc::channel();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let reader = thread::spawn(move || {
            let mut line = String::new();
            while stderr.read_line(&mut line).is_ok_and(|n| n > 0) {
                let _ = lines_tx.send(std::mem::take(&mut line));
            }
            let mut rest = String::new();
            let _ = stderr.read_to_string(&mut rest);
        });
        while !catches_sigquit(pid) {
            assert!(child.try_wait().unwrap().is_none(), "the child ended early");
            thread::sleep(Duration::from_millis(10));
        }
        let sent = Command::new("kill")
            .args(["-QUIT", &pid.to_string()])
            .status();
        assert!(sent.unwrap().success());

        // First the SIGQUIT thread's report: the loop did not answer, and
        // which task's poll holds it.
        let report = lines
            .iter()
            .find(|line| line.contains("no answer"))
            .expect("a line saying the loop did not answer");
        assert!(
            report.contains("a poll of task") && report.contains("has been running for"),
            "the report names the poll that blocks the loop: {report}"
        );

        // Then, once the poll returns, the loop's own tree.
        stdin.write_all(b"go on\n").unwrap();
        drop(stdin);
        let tree: Vec<String> = lines.iter().collect();
        let tree = tree.concat();
        assert!(tree.contains("runtime "), "the tree's heading:\n{tree}");
        assert!(
            tree.contains("'block_on' running"),
            "the tree is taken as the poll ends, with the culprit running:\n{tree}"
        );
        assert!(
            child.wait().unwrap().success(),
            "the child went on and ended well"
        );
        reader.join().unwrap();
    });
}
