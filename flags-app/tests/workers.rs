//! `flags serve --workers N`: several event loops, each with its own listening
//! socket on the port, started all or nothing, bounded as one loop is, and reporting
//! each worker's counts on Ctrl-C. Real sockets on 127.0.0.1 and curl as the peer;
//! every wait is bounded.
#![cfg(target_os = "linux")]

mod util;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use util::{ChildGuard, FLAGS, flags_with_open_files_limit, require, run_command};

/// Longest a test waits for the server to do something it should do at once.
const PATIENCE: Duration = Duration::from_secs(30);

/// A `flags serve` with its banner read and its stderr kept for the end.
struct Server {
    /// The process; killed on drop unless it ended.
    guard: ChildGuard,
    /// The banner's lines.
    banner: Vec<String>,
}

impl Server {
    /// Starts `command` (a `flags serve --port 0 ...`) and reads `lines` banner lines.
    fn start(mut command: Command, lines: usize) -> Server {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start flags serve");
        let mut reader = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut banner = Vec::new();
        for _ in 0..lines {
            let mut line = String::new();
            reader.read_line(&mut line).expect("read the banner");
            banner.push(line);
        }
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        Server {
            guard: ChildGuard { child },
            banner,
        }
    }

    /// The address in banner line `line`.
    fn addr(&self, line: usize) -> SocketAddr {
        let text = &self.banner[line];
        text.split("://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| panic!("no address in {text:?}"))
    }

    /// Sends SIGINT (Ctrl-C) and returns the exit status and stderr, within a bound.
    fn interrupt(mut self) -> (Option<i32>, String) {
        let pid = self.guard.child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -INT {pid}");
        let code = wait_bounded(&mut self.guard.child);
        let mut stderr = String::new();
        if let Some(mut err) = self.guard.child.stderr.take() {
            let _ = err.read_to_string(&mut stderr);
        }
        (code, stderr)
    }
}

/// Waits for `child` to exit, at most [`PATIENCE`]; its exit code.
fn wait_bounded(child: &mut Child) -> Option<i32> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for flags") {
            return status.code();
        }
        assert!(
            started.elapsed() < PATIENCE,
            "flags serve did not exit after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `flags serve --port 0 --workers 2 EXTRA...`.
fn two_workers(extra: &[&str]) -> Command {
    let mut command = Command::new(FLAGS);
    command
        .args(["serve", "--port", "0", "--workers", "2"])
        .args(extra);
    command
}

/// `(connections, requests)` of each `worker N:` line of the Ctrl-C report, and of
/// its `total:` line.
fn report(stderr: &str) -> (Vec<(u64, u64)>, (u64, u64)) {
    let numbers = |line: &str| -> (u64, u64) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let at = |word: &str| -> u64 {
            let index = words.iter().position(|w| w.starts_with(word)).unwrap();
            words[index - 1].parse().unwrap()
        };
        (at("connections"), at("requests"))
    };
    let workers = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("worker "))
        .map(numbers)
        .collect();
    let total = stderr
        .lines()
        .find(|l| l.trim_start().starts_with("total:"))
        .map(numbers)
        .unwrap_or_else(|| panic!("no total line in:\n{stderr}"));
    (workers, total)
}

/// `curl` fetching `urls`, each on a new connection (`Connection: close`); the
/// status codes it printed.
fn curl_each(urls: &[String]) -> Vec<String> {
    let mut command = Command::new("curl");
    command.args([
        "-s",
        "-m",
        "20",
        "-H",
        "Connection: close",
        "-w",
        "%{http_code}\\n",
    ]);
    for url in urls {
        command.args(["-o", "/dev/null", url]);
    }
    let output = run_bounded(command);
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Runs a peer program, killing it after the tests' run limit.
fn run_bounded(command: Command) -> Output {
    run_command(command, &["(a peer)"])
}

#[test]
fn two_workers_share_the_port_and_report_their_counts_on_ctrl_c() {
    watchdog::within(
        util::WATCHDOG,
        "two workers share the port and report their counts on ctrl c",
        || {
            require("curl", "curl");
            require("kill", "procps");
            /// Connections made: enough that the kernel's hash sends some to each worker
            /// (all 40 to one of two sockets has a chance of 2^-39).
            const CONNECTIONS: usize = 40;
            let server = Server::start(two_workers(&[]), 4);
            assert!(
                server.banner[3].starts_with("2 workers"),
                "{:?}",
                server.banner
            );
            let addr = server.addr(0);
            let urls: Vec<String> = (0..CONNECTIONS)
                .map(|_| format!("http://{addr}/flags/br/br.gif"))
                .collect();
            let codes = curl_each(&urls);
            assert_eq!(codes, vec!["200"; CONNECTIONS]);
            let (code, stderr) = server.interrupt();
            assert_eq!(code, Some(0), "{stderr}");
            let (workers, total) = report(&stderr);
            assert_eq!(workers.len(), 2, "{stderr}");
            assert_eq!(total, (CONNECTIONS as u64, CONNECTIONS as u64), "{stderr}");
            assert!(
                workers
                    .iter()
                    .all(|&(connections, requests)| connections > 0 && requests > 0),
                "both workers served: {stderr}"
            );
            let summed = workers.iter().fold((0, 0), |s, w| (s.0 + w.0, s.1 + w.1));
            assert_eq!(summed, total);
        },
    );
}

#[test]
fn one_worker_reports_too_and_serves_as_before() {
    watchdog::within(
        util::WATCHDOG,
        "one worker reports too and serves as before",
        || {
            require("curl", "curl");
            require("kill", "procps");
            let mut command = Command::new(FLAGS);
            command.args(["serve", "--port", "0"]);
            let server = Server::start(command, 3);
            let addr = server.addr(0);
            let codes = curl_each(&[
                format!("http://{addr}/flags/fr/fr.gif"),
                format!("http://{addr}/flags/zz/zz.gif"),
            ]);
            assert_eq!(codes, ["200", "404"]);
            let (code, stderr) = server.interrupt();
            assert_eq!(code, Some(0), "{stderr}");
            let (workers, total) = report(&stderr);
            assert_eq!(workers, [(2, 2)], "{stderr}");
            assert_eq!(total, (2, 2));
        },
    );
}

#[test]
fn a_port_in_use_fails_the_command_before_any_worker_serves() {
    watchdog::within(
        util::WATCHDOG,
        "a port in use fails the command before any worker serves",
        || {
            // A socket without SO_REUSEPORT: no other socket may join its port.
            let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let port = taken.local_addr().unwrap().port().to_string();
            let mut command = Command::new(FLAGS);
            command.args(["serve", "--port", &port, "--workers", "2"]);
            let output = run_command(command, &["serve", "--workers", "2"]);
            let stdout = String::from_utf8_lossy(&output.stdout);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(1), "{stderr}");
            assert!(stdout.is_empty(), "no banner: nothing was served\n{stdout}");
            let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("***")).collect();
            assert_eq!(errors.len(), 1, "reported once: {stderr}");
            assert!(errors[0].contains("cannot listen on"), "{stderr}");
            assert!(errors[0].contains("in use"), "{stderr}");
        },
    );
}

#[test]
fn zero_or_too_many_workers_is_a_usage_error() {
    watchdog::within(
        util::WATCHDOG,
        "zero or too many workers is a usage error",
        || {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            let too_many = (cores * 4 + 1).to_string();
            for bad in ["0", too_many.as_str(), "many"] {
                let mut command = Command::new(FLAGS);
                command.args(["serve", "--port", "0", "--workers", bad]);
                let output = run_command(command, &["serve", "--workers", bad]);
                let stderr = String::from_utf8_lossy(&output.stderr);
                assert_eq!(output.status.code(), Some(2), "{bad}: {stderr}");
                assert!(stderr.contains("--workers N must be"), "{bad}: {stderr}");
                assert!(!stderr.contains("panicked"), "{stderr}");
            }
        },
    );
}

#[test]
fn the_books_three_servers_run_on_every_worker() {
    watchdog::within(
        util::WATCHDOG,
        "the books three servers run on every worker",
        || {
            require("curl", "curl");
            require("kill", "procps");
            let mut command = two_workers(&["--book", "--seed", "7"]);
            command.args(["--error-kinds", "418"]);
            let server = Server::start(command, 6);
            assert!(
                server.banner[5].starts_with("2 workers"),
                "{:?}",
                server.banner
            );
            let [local, delay, error] = [1, 2, 3].map(|line| server.addr(line));
            // LOCAL on many connections; DELAY and ERROR once each (DELAY waits up to 5 s).
            let mut urls: Vec<String> = (0..20)
                .map(|_| format!("http://{local}/flags/br/br.gif"))
                .collect();
            urls.push(format!("http://{delay}/flags/br/br.gif"));
            urls.push(format!("http://{error}/flags/br/br.gif"));
            let codes = curl_each(&urls);
            assert_eq!(codes[..21], vec!["200"; 21][..], "{codes:?}");
            assert!(["200", "418"].contains(&codes[21].as_str()), "{codes:?}");
            let (code, stderr) = server.interrupt();
            assert_eq!(code, Some(0), "{stderr}");
            let (workers, total) = report(&stderr);
            assert_eq!(total, (22, 22), "{stderr}");
            assert!(workers.iter().all(|w| w.0 > 0), "{stderr}");
        },
    );
}

#[test]
fn the_idle_timeout_closes_kept_alive_connections_on_every_worker() {
    watchdog::within(
        util::WATCHDOG,
        "the idle timeout closes kept alive connections on every worker",
        || {
            /// Connections kept alive: all 30 hashed to one worker has a chance of 2^-29.
            const CONNECTIONS: usize = 30;
            let server = Server::start(two_workers(&["--idle-timeout", "0.5"]), 4);
            let addr = server.addr(0);
            let mut streams = Vec::new();
            for _ in 0..CONNECTIONS {
                let mut stream = TcpStream::connect(addr).unwrap();
                stream.set_read_timeout(Some(PATIENCE)).unwrap();
                stream
                    .write_all(b"GET /flags/ HTTP/1.1\r\nHost: x\r\n\r\n")
                    .unwrap();
                let mut first = [0; 12];
                stream.read_exact(&mut first).unwrap();
                assert_eq!(&first, b"HTTP/1.1 200");
                streams.push(stream);
            }
            // Each connection, left idle, is closed by its worker: read reaches EOF (after
            // the rest of the response) well before the read timeout.
            for mut stream in streams {
                let mut rest = Vec::new();
                match stream.read_to_end(&mut rest) {
                    Ok(_) => {}
                    Err(err) => panic!("a kept-alive connection was not closed: {err}"),
                }
            }
            let (code, stderr) = server.interrupt();
            assert_eq!(code, Some(0));
            let (workers, total) = report(&stderr);
            assert_eq!(total.0, CONNECTIONS as u64, "{stderr}");
            assert!(
                workers.iter().all(|w| w.0 > 0),
                "both workers timed theirs out: {stderr}"
            );
        },
    );
}

/// The descriptor limit of the connection-limit test, and the share of each of
/// two workers: (64 - 16 reserved) / 2 (see flags_app::serve::descriptors).
const LOW_OPEN_FILES: u32 = 64;
const PER_WORKER_LIMIT: usize = 24;

#[test]
fn the_connection_limit_is_split_between_the_workers() {
    watchdog::within(
        util::WATCHDOG,
        "the connection limit is split between the workers",
        || {
            /// Silent clients: five times the per-worker limit, so that each worker
            /// reaches its share (fewer than 24 of 120 hashed to one worker has a chance
            /// below 1e-10) and the rest wait in the backlog.
            const CLIENTS: usize = 120;
            let args = ["serve", "--port", "0", "--workers", "2"];
            let command = flags_with_open_files_limit(LOW_OPEN_FILES, &args);
            let server = Server::start(command, 4);
            let addr = server.addr(0);
            let silent: Vec<TcpStream> = (0..CLIENTS)
                .map(|_| TcpStream::connect(addr).unwrap())
                .collect();
            let pid = server.guard.child.id();
            // Each worker holds its share of connections, and no more: the process stays
            // below its descriptor limit, so no accept fails.
            // Besides the connections: stdio, two listeners, two loops' epoll and eventfd.
            let base = 3 + 2 + 4;
            let held = util::eventually(PATIENCE, || {
                util::open_descriptors(pid) >= base + 2 * PER_WORKER_LIMIT
            });
            assert!(held, "the workers never held their shares");
            drop(silent);
            let (_, stderr) = server.interrupt();
            let at_limit = format!("{PER_WORKER_LIMIT} connections open");
            let limit_lines = stderr.lines().filter(|l| l.contains(&at_limit)).count();
            assert_eq!(limit_lines, 2, "each worker stops at its share:\n{stderr}");
            assert!(!stderr.contains("accept failed"), "no EMFILE:\n{stderr}");
        },
    );
}
