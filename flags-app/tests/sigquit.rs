//! SIGQUIT on a running `flags` prints the loop's await tree to stderr,
//! and the run goes on to its normal summary and exit code.
#![cfg(target_os = "linux")]

mod util;

use std::io::Read;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use util::{FLAGS, RUN_LIMIT, TempDir, counts};

/// How often the test sends SIGQUIT while it waits for a tree that shows
/// both kinds of wait.
const SIGNAL_INTERVAL: Duration = Duration::from_millis(300);

/// The `SigCgt` bit of SIGQUIT (signal 3) in `/proc/PID/status`: set once
/// the process has installed a handler for it.
const SIGQUIT_BIT: u64 = 1 << (3 - 1);

/// True once `pid` catches SIGQUIT. Before that, SIGQUIT would kill it
/// with a core dump, so the test waits for it rather than for a time.
fn catches_sigquit(pid: u32) -> bool {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return false;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix("SigCgt:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & SIGQUIT_BIT != 0)
}

/// Collects everything `pipe` gives into a shared buffer, on a thread.
fn collect(mut pipe: impl Read + Send + 'static) -> (Arc<Mutex<Vec<u8>>>, thread::JoinHandle<()>) {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&buffer);
    let reader = thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n @ 1..) = pipe.read(&mut chunk) {
            sink.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    (buffer, reader)
}

/// Kills the child if the test fails before it ends.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn sigquit_prints_the_tree_and_the_run_ends_as_usual() {
    let dest = TempDir::new("sigquit");
    // Six codes, three at a time, each response held 2 s by the embedded
    // server (well within the 30 s timeout): three tasks wait for the
    // semaphore while three wait for their response head. The test signals
    // until a tree shows both, not after a set time, so a slow machine only
    // makes it signal more often.
    let args = [
        "-s",
        "DELAY",
        "--delay",
        "2",
        "--timeout",
        "30",
        "-l",
        "6",
        "-m",
        "3",
        "-a",
        "--dest",
    ];
    let mut child = KillOnDrop(
        Command::new(FLAGS)
            .args(args)
            .arg(&dest.path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start flags"),
    );
    let pid = child.0.id();
    let (stdout, stdout_reader) = collect(child.0.stdout.take().unwrap());
    let (stderr, stderr_reader) = collect(child.0.stderr.take().unwrap());
    let started = Instant::now();
    let text = |buffer: &Arc<Mutex<Vec<u8>>>| {
        String::from_utf8_lossy(&buffer.lock().unwrap()).into_owned()
    };

    while !catches_sigquit(pid) {
        assert!(
            started.elapsed() < RUN_LIMIT && child.0.try_wait().unwrap().is_none(),
            "flags never installed its SIGQUIT handler; stderr:\n{}",
            text(&stderr)
        );
        thread::sleep(Duration::from_millis(10));
    }
    let both_waits = |stderr: &str| {
        stderr
            .lines()
            .any(|l| l.contains("[waiting for the semaphore]"))
            && stderr
                .lines()
                .any(|l| l.contains("[waiting for the response head]"))
    };
    let mut signals = 0;
    while !both_waits(&text(&stderr)) {
        assert!(
            started.elapsed() < RUN_LIMIT && child.0.try_wait().unwrap().is_none(),
            "after {signals} SIGQUITs, no tree showed a task waiting for the semaphore and \
             one waiting for its response head; stderr:\n{}",
            text(&stderr)
        );
        let sent = Command::new("kill")
            .args(["-QUIT", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -QUIT {pid} failed");
        signals += 1;
        thread::sleep(SIGNAL_INTERVAL);
    }

    while child.0.try_wait().unwrap().is_none() {
        assert!(
            started.elapsed() < RUN_LIMIT,
            "flags did not end after SIGQUIT"
        );
        thread::sleep(Duration::from_millis(20));
    }
    let status = child.0.wait().unwrap();
    stdout_reader.join().unwrap();
    stderr_reader.join().unwrap();
    let output = Output {
        status,
        stdout: stdout.lock().unwrap().clone(),
        stderr: stderr.lock().unwrap().clone(),
    };
    let stderr = text(&stderr);

    // The tree: the loop's heading, block_on's future at the root, the
    // download tasks by name with what they wait for and for how long.
    assert!(stderr.contains("runtime "), "{stderr}");
    assert!(stderr.contains("'block_on'"), "{stderr}");
    let semaphore_line = stderr
        .lines()
        .find(|l| l.contains("[waiting for the semaphore]"))
        .unwrap();
    assert!(
        semaphore_line.contains("waiting") && semaphore_line.contains("semaphore permit"),
        "a task waiting for a permit says so: {semaphore_line}"
    );
    let head_line = stderr
        .lines()
        .find(|l| l.contains("[waiting for the response head]"))
        .unwrap();
    assert!(
        head_line.contains("readable"),
        "a task waiting for its response head waits for its socket: {head_line}"
    );

    // And the run went on: the normal summary, every flag, exit code 0.
    let counts = counts(&output);
    assert_eq!((counts.downloaded, counts.errors), (6, 0), "{stderr}");
    assert!(output.status.success(), "{:?}\n{stderr}", output.status);
    assert_eq!(util::files(&dest.path).len(), 6);
}
