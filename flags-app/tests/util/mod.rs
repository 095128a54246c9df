//! Shared helpers for the end-to-end tests: run the `flags` binary, read its
//! summary, make temp dirs, start `flags serve` on a free port, and read the
//! book's flag archive from the repository (what the server must serve).
//!
//! Everything runs on 127.0.0.1; every child process is killed when its guard drops.

#![allow(dead_code)] // each test file uses a different subset

pub mod tls;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The binary under test.
pub const FLAGS: &str = env!("CARGO_BIN_EXE_flags");

/// Longest a single `flags` run may take before the test gives up on it.
pub const RUN_LIMIT: Duration = Duration::from_secs(60);

/// Longest a test of the flag server may take before the watchdog fails it
/// (`watchdog::within`): a lost wake in the server, or a peer that never
/// answers, then fails the test with the behaviour that did not happen
/// instead of hanging the run. Generous, since these tests start processes
/// (the server, curl, python3, Chromium) on a shared machine; it bounds a
/// hang, it times nothing. A server still running when the watchdog fires
/// outlives the test binary, since its guard's thread is left blocked.
pub const WATCHDOG: Duration = Duration::from_secs(300);

/// A temp directory removed on drop.
#[derive(Debug)]
pub struct TempDir {
    /// Its path.
    pub path: PathBuf,
}

impl TempDir {
    /// A fresh empty directory named after the test.
    pub fn new(name: &str) -> TempDir {
        static SERIAL: AtomicU32 = AtomicU32::new(0);
        let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("flags-test-{name}-{}-{serial}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Runs `flags` with `args`, waiting at most [`RUN_LIMIT`].
pub fn run_flags(args: &[&str]) -> Output {
    run_flags_with_env(args, &[])
}

/// [`run_flags`] with extra environment variables.
pub fn run_flags_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(FLAGS);
    command.args(args).envs(env.iter().copied());
    run_command(command, args)
}

/// A command that runs `flags args...` with at most `limit` open descriptors
/// (`RLIMIT_NOFILE`, set by the shell's `ulimit -n` before it execs `flags`, so
/// the process id is the one of `flags` itself).
pub fn flags_with_open_files_limit(limit: u32, args: &[&str]) -> Command {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
        .arg(FLAGS)
        .args(args);
    command
}

/// Runs `command` (a `flags` run; `args` are for messages) with its output captured,
/// waiting at most [`RUN_LIMIT`].
pub fn run_command(mut command: Command, args: &[&str]) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start flags");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait for flags").is_some() {
            return child.wait_with_output().expect("collect output");
        }
        if started.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let output = child.wait_with_output().expect("collect output");
            panic!(
                "flags {args:?} ran over {RUN_LIMIT:?}\nstdout:\n{}\nstderr:\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The counts of the summary block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// `N flags downloaded.`
    pub downloaded: usize,
    /// `N not found.`
    pub not_found: usize,
    /// `N errors.`
    pub errors: usize,
}

/// Reads the summary block from `stdout`, panicking with the output if it is absent.
pub fn counts(output: &Output) -> Counts {
    let stdout = String::from_utf8_lossy(&output.stdout);
    // "  3 errors." or, with causes, " 35 errors: 20 timed out connecting, ...".
    let number = |suffixes: &[&str]| -> usize {
        stdout
            .lines()
            .find_map(|line| {
                let line = line.split(':').next().unwrap_or(line).trim();
                suffixes
                    .iter()
                    .find_map(|suffix| {
                        line.strip_suffix(suffix)
                            .or_else(|| line.strip_suffix(suffix.trim_end_matches('.')))
                    })
                    .and_then(|n| n.trim().parse().ok())
            })
            .unwrap_or_else(|| {
                panic!(
                    "no {suffixes:?} line in:\n{stdout}\nstderr:\n{}",
                    String::from_utf8_lossy(&output.stderr)
                )
            })
    };
    Counts {
        downloaded: number(&[" flags downloaded.", " flag downloaded."]),
        not_found: number(&[" not found."]),
        errors: number(&[" errors.", " error."]),
    }
}

/// The files of `dir`, sorted, hidden temp files included.
pub fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The book's flag archive in the repository, `flags/{cc}/{cc}.gif` and
/// `flags/{cc}/metadata.json`: the files built into `flags`, here read from disk.
pub const ARCHIVE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data");

/// The archive's file `name` in the folder of `cc` (either case).
pub fn archive_file(cc: &str, name: &str) -> Vec<u8> {
    let path = Path::new(ARCHIVE)
        .join("flags")
        .join(cc.to_ascii_lowercase())
        .join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// The archive's GIF of `cc` (either case).
pub fn archive_gif(cc: &str) -> Vec<u8> {
    archive_file(cc, &format!("{}.gif", cc.to_ascii_lowercase()))
}

/// The archive's codes, upper case, sorted: its folders.
pub fn archive_codes() -> Vec<String> {
    let folders = std::fs::read_dir(Path::new(ARCHIVE).join("flags")).expect("the archive");
    let mut codes: Vec<String> = folders
        .map(|folder| {
            folder
                .expect("a folder")
                .file_name()
                .to_string_lossy()
                .to_uppercase()
        })
        .collect();
    codes.sort();
    codes
}

/// A child process killed on drop.
#[derive(Debug)]
pub struct ChildGuard {
    /// The process.
    pub child: Child,
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `flags serve --port 0 EXTRA...` and returns it with the address it
/// printed (`Serving ... at http://ADDR/flags`, or `https://` with `--tls-cert`).
pub fn start_serve(extra: &[&str]) -> (ChildGuard, SocketAddr) {
    let mut command = Command::new(FLAGS);
    command.args(["serve", "--port", "0"]).args(extra);
    start_serve_command(command, Stdio::null())
}

/// Starts `command`, a `flags serve --port 0 ...` (perhaps wrapped, as by
/// [`flags_with_open_files_limit`]), with its stderr going to `stderr`; returns it
/// with the address from its banner.
pub fn start_serve_command(command: Command, stderr: Stdio) -> (ChildGuard, SocketAddr) {
    let (guard, banner) = spawn_serve(command, stderr, 1);
    let addr = banner_addr(&banner[0]);
    (guard, addr)
}

/// Like [`start_serve`], keeping the server's request log (its stderr), which
/// [`ServerLog::lines`] returns once the server is stopped.
pub fn start_serve_logged(extra: &[&str]) -> (ServerLog, SocketAddr) {
    let mut command = Command::new(FLAGS);
    command.args(["serve", "--port", "0"]).args(extra);
    let (mut guard, banner) = spawn_serve(command, Stdio::piped(), 1);
    let log = guard.child.stderr.take();
    let addr = banner_addr(&banner[0]);
    (ServerLog { guard, log }, addr)
}

/// Starts `flags serve --book --port 0 EXTRA...` and returns it with the address of
/// each of its servers as printed: `[LOCAL, DELAY, ERROR]`.
pub fn start_book(extra: &[&str]) -> (ChildGuard, [SocketAddr; 3]) {
    let mut command = Command::new(FLAGS);
    command.args(["serve", "--book", "--port", "0"]).args(extra);
    let (guard, banner) = spawn_serve(command, Stdio::null(), 5);
    let find = |label: &str| {
        banner
            .iter()
            .find(|line| line.starts_with(&format!("{label} at ")))
            .map(|line| banner_addr(line))
            .unwrap_or_else(|| panic!("no {label} line in {banner:?}"))
    };
    let addrs = [find("LOCAL"), find("DELAY"), find("ERROR")];
    (guard, addrs)
}

/// Starts `command`, a `flags serve ...`, and reads the first `lines` of its banner;
/// the rest of its stdout is read and thrown away so that it never writes to a
/// closed pipe.
fn spawn_serve(mut command: Command, stderr: Stdio, lines: usize) -> (ChildGuard, Vec<String>) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("start flags serve");
    let stdout = child.stdout.take().expect("piped stdout");
    let guard = ChildGuard { child };
    let mut reader = BufReader::new(stdout);
    let mut banner = Vec::new();
    for _ in 0..lines {
        let mut line = String::new();
        reader.read_line(&mut line).expect("read banner");
        banner.push(line);
    }
    // The thread ends when the server exits.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    (guard, banner)
}

/// The `ADDR` of the first `http://ADDR/` or `https://ADDR/` in a banner line.
fn banner_addr(line: &str) -> SocketAddr {
    line.split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|addr| addr.parse().ok())
        .unwrap_or_else(|| panic!("no address in banner line {line:?}"))
}

/// A `flags serve` whose request log (stderr, a line per request) is kept.
#[derive(Debug)]
pub struct ServerLog {
    /// The server, killed on drop.
    guard: ChildGuard,
    /// Its stderr.
    log: Option<std::process::ChildStderr>,
}

impl ServerLog {
    /// Stops the server and returns its log lines.
    pub fn lines(self) -> Vec<String> {
        self.stop().lines().map(str::to_owned).collect()
    }

    /// Stops the server and returns everything it wrote to stderr.
    fn stop(mut self) -> String {
        let _ = self.guard.child.kill();
        let _ = self.guard.child.wait();
        let mut log = String::new();
        if let Some(mut stderr) = self.log.take() {
            let _ = std::io::Read::read_to_string(&mut stderr, &mut log);
        }
        log
    }
}

/// Makes sure a peer program that a test drives (curl, python3, kill) is on
/// the PATH. A missing one fails the test with a message that says how to get
/// it, rather than letting the test pass without checking anything; `.ci/run`
/// installs them all.
pub fn require(program: &str, package: &str) {
    let found = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "`{program}` is not installed; this test uses it as a real peer \
         (apt-get install {package}, as .ci/run does)"
    );
}

/// `python3 -m http.server` serving a directory on 127.0.0.1 and a free port: the
/// server the book uses for LOCAL. It logs every request to stderr, which
/// [`PythonServer::requests`] reads back.
#[derive(Debug)]
pub struct PythonServer {
    /// The process, killed on drop, and its stderr, where it logs
    /// `"GET /path HTTP/1.1" 200 -` per request.
    server: ServerLog,
    /// The port it listens on.
    pub port: u16,
}

impl PythonServer {
    /// Starts the server in `dir` and waits for its start-up line.
    pub fn start(dir: &Path) -> PythonServer {
        require("python3", "python3");
        let mut child = Command::new("python3")
            .args(["-u", "-m", "http.server", "--bind", "127.0.0.1", "0"])
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start python3 -m http.server");
        let stdout = child.stdout.take().expect("piped stdout");
        let log = child.stderr.take();
        let guard = ChildGuard { child };
        let mut banner = String::new();
        BufReader::new(stdout)
            .read_line(&mut banner)
            .expect("banner");
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        let port = banner
            .split(" port ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {banner:?}"));
        PythonServer {
            server: ServerLog { guard, log },
            port,
        }
    }

    /// The base URL of its `flags/` folder.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}/flags", self.port)
    }

    /// Stops the server and returns the path of every GET it answered, in order.
    pub fn requests(self) -> Vec<String> {
        self.server
            .stop()
            .lines()
            .filter_map(|line| line.split("\"GET ").nth(1))
            .filter_map(|rest| rest.split_whitespace().next())
            .map(str::to_owned)
            .collect()
    }
}

/// Runs `python3 -c script`, checks that it succeeded, and returns its stdout.
pub fn python3_stdout(script: &str) -> Vec<u8> {
    require("python3", "python3");
    let output = Command::new("python3")
        .args(["-c", script])
        .output()
        .expect("run python3");
    assert!(
        output.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// How many descriptors process `pid` has open (the entries of `/proc/PID/fd`).
pub fn open_descriptors(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("read /proc/PID/fd")
        .count()
}

/// The resident memory of process `pid` in KiB (`VmRSS` in `/proc/PID/status`).
pub fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or_else(|| panic!("no VmRSS in {status}"))
}

/// Polls `check` every 20 ms until it holds or `limit` passes; whether it held.
pub fn eventually(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    loop {
        if check() {
            return true;
        }
        if started.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Lets `child` (a `flags` run with piped output) run for 1.5 s, then
/// interrupts it as Ctrl-C would (SIGINT through `kill`) and returns what
/// it printed and how it exited.
pub fn interrupt_after_a_while(child: Child) -> Output {
    std::thread::sleep(Duration::from_millis(1500));
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success(), "kill -INT {} failed", child.id());
    child.wait_with_output().expect("wait for flags")
}
