//! `flags serve` from the outside: raw requests for traversal and malformed heads,
//! keep-alive, a slow client not holding up others, and clients not written here
//! (curl, Python's urllib) getting the book's archive byte for byte.

mod util;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::Duration;

use util::{TempDir, archive_file, archive_gif, python3_stdout, require, start_serve};

/// Generous bound for any single read from the server in these tests.
const IO_LIMIT: Duration = Duration::from_secs(10);

/// How long the server may stay quiet once it has started answering before the
/// answer is taken as complete (keep-alive connections do not close).
const QUIET: Duration = Duration::from_millis(400);

/// Sends `raw` on a new connection and returns everything read until the server
/// closes, or goes quiet after answering. The first byte may take up to
/// [`IO_LIMIT`] (the server may be drawing the image on a busy machine).
fn exchange(addr: SocketAddr, raw: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(IO_LIMIT)).expect("timeout");
    stream.write_all(raw).expect("send");
    let mut got = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                got.extend_from_slice(&chunk[..n]);
                stream.set_read_timeout(Some(QUIET)).expect("timeout");
            }
        }
    }
    String::from_utf8_lossy(&got).into_owned()
}

fn status_of(response: &str) -> &str {
    response.split(' ').nth(1).unwrap_or("")
}

#[test]
fn traversal_and_malformed_requests_get_400_or_404() {
    watchdog::within(
        util::WATCHDOG,
        "traversal and malformed requests get 400 or 404",
        || {
            let (_server, addr) = start_serve(&[]);
            let cases: [(&str, &str); 9] = [
                ("GET /flags/../../etc/passwd HTTP/1.1\r\n\r\n", "400"),
                (
                    "GET /flags/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\n\r\n",
                    "400",
                ),
                (
                    "GET /flags/br%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\n\r\n",
                    "400",
                ),
                ("GET /etc/passwd HTTP/1.1\r\n\r\n", "404"),
                (
                    "GET http://127.0.0.1/flags/br/br.gif HTTP/1.1\r\n\r\n",
                    "400",
                ),
                ("GET /flags/br%00/br.gif HTTP/1.1\r\n\r\n", "400"),
                ("GET /flags/xx/xx.gif HTTP/1.1\r\n\r\n", "404"),
                ("NONSENSE\r\n\r\n", "400"),
                (
                    "POST /flags/br/br.gif HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
                    "400",
                ),
            ];
            for (raw, expected) in cases {
                let response = exchange(addr, raw.as_bytes());
                assert_eq!(status_of(&response), expected, "{raw:?} got {response:?}");
                assert!(!response.contains("root:"), "{raw:?} leaked a file");
            }
        },
    );
}

#[test]
fn oversized_head_is_refused() {
    watchdog::within(util::WATCHDOG, "oversized head is refused", || {
        let (_server, addr) = start_serve(&[]);
        let mut raw = b"GET /flags/br/br.gif HTTP/1.1\r\nX-Padding: ".to_vec();
        raw.resize(20_000, b'a');
        raw.extend_from_slice(b"\r\n\r\n");
        let response = exchange(addr, &raw);
        assert_eq!(status_of(&response), "400", "{response:?}");
    });
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    watchdog::within(
        util::WATCHDOG,
        "keep alive serves several requests on one connection",
        || {
            let (_server, addr) = start_serve(&[]);
            let raw = "GET /flags/br/br.gif HTTP/1.1\r\n\r\nHEAD /flags/cn/cn.gif HTTP/1.1\r\n\r\nGET /flags/xx/xx.gif HTTP/1.1\r\nConnection: close\r\n\r\n";
            let response = exchange(addr, raw.as_bytes());
            let statuses: Vec<&str> = response.matches("HTTP/1.1 ").map(|_| "").collect();
            assert_eq!(statuses.len(), 3, "{response:?}");
            assert!(response.starts_with("HTTP/1.1 200 OK\r\n"));
            assert!(response.contains("Content-Type: image/gif"));
            assert!(response.contains("HTTP/1.1 404 Not Found"));
        },
    );
}

#[test]
fn close_anywhere_in_connection_closes_after_the_response() {
    watchdog::within(
        util::WATCHDOG,
        "close anywhere in connection closes after the response",
        || {
            let (_server, addr) = start_serve(&[]);
            // Two pipelined requests; the first says `close` before `keep-alive`. The server
            // must answer it, say so, and close: the second request gets no answer.
            let raw = b"GET /flags/br/br.gif HTTP/1.1\r\nConnection: close, keep-alive\r\n\r\n\
                GET /flags/cn/cn.gif HTTP/1.1\r\n\r\n";
            let mut stream = TcpStream::connect(addr).expect("connect");
            stream.set_read_timeout(Some(IO_LIMIT)).expect("timeout");
            stream.write_all(raw).expect("send");
            let mut got = Vec::new();
            // A server that kept the connection open would make this read time out instead
            // of reaching the end of the stream.
            stream
                .read_to_end(&mut got)
                .expect("the server closes the connection");
            let response = String::from_utf8_lossy(&got);
            let heads: Vec<&str> = response
                .match_indices("HTTP/1.1 ")
                .filter_map(|(at, _)| response[at..].split("\r\n\r\n").next())
                .collect();
            assert_eq!(heads.len(), 1, "{heads:?}");
            assert!(heads[0].starts_with("HTTP/1.1 200 OK\r\n"), "{heads:?}");
            assert!(heads[0].contains("\r\nConnection: close"), "{heads:?}");
        },
    );
}

#[test]
fn a_silent_client_does_not_hold_up_others() {
    watchdog::within(
        util::WATCHDOG,
        "a silent client does not hold up others",
        || {
            let (_server, addr) = start_serve(&[]);
            let mut slow = TcpStream::connect(addr).expect("connect");
            slow.write_all(b"GET /flags/br/br.gi")
                .expect("send half a head");
            let response = exchange(
                addr,
                b"GET /flags/cn/cn.gif HTTP/1.1\r\nConnection: close\r\n\r\n",
            );
            assert_eq!(status_of(&response), "200", "{response:?}");
            drop(slow);
        },
    );
}

#[test]
fn curl_downloads_the_archives_bytes() {
    watchdog::within(util::WATCHDOG, "curl downloads the archives bytes", || {
        let (_server, addr) = start_serve(&[]);
        let dir = TempDir::new("curl");
        let out = dir.path.join("br.gif");
        require("curl", "curl");
        let status = Command::new("curl")
            .args([
                "--silent",
                "--show-error",
                "--fail",
                "--max-time",
                "10",
                "-o",
            ])
            .arg(&out)
            .arg(format!("http://{addr}/flags/br/br.gif"))
            .status()
            .expect("run curl");
        assert!(status.success());
        assert_eq!(std::fs::read(&out).expect("curl output"), archive_gif("BR"));
    });
}

#[test]
fn python_urllib_downloads_the_archives_bytes() {
    watchdog::within(
        util::WATCHDOG,
        "python urllib downloads the archives bytes",
        || {
            let (_server, addr) = start_serve(&[]);
            let script = format!(
                "import sys, urllib.request\nsys.stdout.buffer.write(urllib.request.urlopen('http://{addr}/flags/cn/cn.gif', timeout=10).read())"
            );
            let stdout = python3_stdout(&script);
            assert_eq!(stdout, archive_gif("CN"));
        },
    );
}

#[test]
fn injected_faults_are_what_the_client_sees() {
    watchdog::within(
        util::WATCHDOG,
        "injected faults are what the client sees",
        || {
            // Every request fails with a teapot: complete 418 responses on a kept connection.
            let (_server, addr) =
                start_serve(&["--error-rate", "1", "--error-kinds", "418", "--seed", "1"]);
            let response = exchange(
                addr,
                b"GET /flags/br/br.gif HTTP/1.1\r\nConnection: close\r\n\r\n",
            );
            assert!(
                response.starts_with("HTTP/1.1 418 I'm a Teapot\r\n"),
                "{response:?}"
            );
            // Truncated: a 200 head announcing more bytes than arrive.
            let (_server, addr) = start_serve(&[
                "--error-rate",
                "1",
                "--error-kinds",
                "truncated",
                "--seed",
                "1",
            ]);
            let response = exchange(addr, b"GET /flags/br/br.gif HTTP/1.1\r\n\r\n");
            let (head, body) = response.split_once("\r\n\r\n").expect("a head");
            let declared: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .and_then(|n| n.parse().ok())
                .expect("Content-Length");
            assert!(body.len() < declared, "{} of {declared} bytes", body.len());
        },
    );
}

#[test]
fn the_reset_fault_is_a_real_tcp_reset() {
    watchdog::within(
        util::WATCHDOG,
        "the reset fault is a real tcp reset",
        || {
            let (_server, addr) =
                start_serve(&["--error-rate", "1", "--error-kinds", "reset", "--seed", "1"]);
            let mut stream = TcpStream::connect(addr).expect("connect");
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .expect("timeout");
            stream
                .write_all(b"GET /flags/br/br.gif HTTP/1.1\r\n\r\n")
                .expect("request");
            let mut buf = [0u8; 64];
            let err = stream
                .read(&mut buf)
                .expect_err("a reset, not a response or EOF");
            assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset, "{err}");
        },
    );
}

#[test]
fn metadata_json_gives_flags3_the_country_name() {
    watchdog::within(
        util::WATCHDOG,
        "metadata json gives flags3 the country name",
        || {
            let (_server, addr) = start_serve(&[]);
            let script = format!(
                "import json, urllib.request\nprint(json.load(urllib.request.urlopen('http://{addr}/flags/ci/metadata.json', timeout=10))['country'])"
            );
            let stdout = python3_stdout(&script);
            assert_eq!(String::from_utf8_lossy(&stdout).trim(), "Côte d'Ivoire");
        },
    );
}

#[test]
fn metadata_json_is_the_archives_file_byte_for_byte() {
    watchdog::within(
        util::WATCHDOG,
        "metadata json is the archives file byte for byte",
        || {
            let (_server, addr) = start_serve(&[]);
            for cc in ["ci", "gb", "vc"] {
                let script = format!(
                    "import sys, urllib.request\nsys.stdout.buffer.write(urllib.request.urlopen('http://{addr}/flags/{cc}/metadata.json', timeout=10).read())"
                );
                assert_eq!(
                    python3_stdout(&script),
                    archive_file(cc, "metadata.json"),
                    "{cc}"
                );
            }
        },
    );
}
