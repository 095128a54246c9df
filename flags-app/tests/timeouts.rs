//! `--timeout` bounds each phase of a request, as httpx's `timeout=3.1` does in the
//! book; `--total-timeout` bounds the whole request. Against a server with a full
//! accept queue that answers late, the first lets every download through and the
//! second, of the same length, does not; every timeout names its phase.

mod util;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread::JoinHandle;
use std::time::Duration;

use socket2::{Domain, Socket, Type};
use util::{Counts, TempDir, counts, files, run_flags};

/// How long the scripted server waits before it starts accepting.
const ACCEPT_AFTER: Duration = Duration::from_millis(200);

/// How long it takes to answer each request once accepted.
const ANSWER_AFTER: Duration = Duration::from_millis(1000);

/// The timeout under test: longer than any one phase here (at most Linux's 1 s SYN
/// retry connecting, `ACCEPT_AFTER + ANSWER_AFTER` waiting for the answer), shorter
/// than a request whose SYN was dropped takes in all (1 s + `ANSWER_AFTER`).
const LIMIT: &str = "1.9";

/// Codes downloaded at once: two fill the accept queue of a backlog of 1 (Linux
/// queues backlog + 1), the SYNs of the other two are dropped and sent again 1 s later.
const CODES: [&str; 4] = ["ad", "ae", "af", "ag"];

/// A flag server in miniature with the listen backlog of 1, an accept loop that starts
/// late and a late answer to every request: a small `GIF89a` body.
fn backlogged_server() -> (SocketAddr, JoinHandle<()>) {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
    socket
        .bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .expect("bind");
    socket.listen(1).expect("listen");
    let listener: TcpListener = socket.into();
    let addr = listener.local_addr().expect("addr");
    let thread = std::thread::spawn(move || {
        std::thread::sleep(ACCEPT_AFTER);
        let mut answering = Vec::new();
        for _ in 0..CODES.len() {
            let Ok((mut stream, _)) = listener.accept() else {
                break;
            };
            answering.push(std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(util::RUN_LIMIT));
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                std::thread::sleep(ANSWER_AFTER);
                let body = b"GIF89a, a flag of sorts";
                let mut response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                response.extend_from_slice(body);
                let _ = stream.write_all(&response);
            }));
        }
        for thread in answering {
            let _ = thread.join();
        }
    });
    (addr, thread)
}

/// Downloads [`CODES`] at once from a fresh [`backlogged_server`] with `timeouts`.
fn download(timeouts: &[&str]) -> (std::process::Output, Vec<String>) {
    let (addr, server) = backlogged_server();
    let dest = TempDir::new("backlog");
    let base = format!("http://{addr}/flags");
    let mut args = vec!["-s", &base, "-m", "4", "--dest"];
    args.push(dest.path.to_str().expect("utf-8"));
    args.extend_from_slice(timeouts);
    args.extend_from_slice(&CODES);
    let output = run_flags(&args);
    let saved = files(&dest.path);
    server.join().expect("server thread");
    (output, saved)
}

#[test]
fn phase_timeouts_survive_a_full_accept_queue_that_answers_late() {
    watchdog::within(
        util::WATCHDOG,
        "phase timeouts survive a full accept queue that answers late",
        || {
            let (output, saved) = download(&["--timeout", LIMIT]);
            assert_eq!(
                counts(&output),
                Counts {
                    downloaded: 4,
                    not_found: 0,
                    errors: 0
                },
                "{}",
                String::from_utf8_lossy(&output.stdout)
            );
            assert_eq!(saved, ["AD.gif", "AE.gif", "AF.gif", "AG.gif"]);
        },
    );
}

#[test]
fn a_total_timeout_of_the_same_length_does_not() {
    watchdog::within(
        util::WATCHDOG,
        "a total timeout of the same length does not",
        || {
            let (output, _) = download(&["--timeout", "30", "--total-timeout", LIMIT]);
            let stdout = String::from_utf8_lossy(&output.stdout);
            let got = counts(&output);
            assert!(got.errors >= 1, "{stdout}");
            assert_eq!(got.downloaded + got.errors, 4, "{stdout}");
            // " 2 errors: 2 timed out before ...", and no other cause.
            let errors_line = stdout
                .lines()
                .find(|line| line.contains(" error"))
                .unwrap_or_default();
            assert!(
                errors_line.ends_with(&format!(
                    ": {} timed out before the whole request was done",
                    got.errors
                )),
                "{stdout}"
            );
            assert_eq!(output.status.code(), Some(1));
        },
    );
}

#[test]
fn a_slow_answer_fails_the_read_phase_and_says_so() {
    watchdog::within(
        util::WATCHDOG,
        "a slow answer fails the read phase and says so",
        || {
            let dest = TempDir::new("read-timeout");
            let output = run_flags(&[
                "-s",
                "DELAY",
                "--delay",
                "2",
                "--timeout",
                "0.2",
                "-v",
                "br",
                "cn",
                "--dest",
                dest.path.to_str().expect("utf-8"),
            ]);
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert_eq!(output.status.code(), Some(1), "{stdout}");
            assert!(
                stdout.contains(
                    "*** Error for BR: timed out waiting for the response (read timeout)"
                ),
                "{stdout}"
            );
            assert!(
                stdout.contains("  2 errors: 2 timed out waiting for the response\n"),
                "{stdout}"
            );
            assert!(files(&dest.path).is_empty());
        },
    );
}
