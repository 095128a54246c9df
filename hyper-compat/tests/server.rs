//! A hyper server on our runtime, served to real clients: curl and
//! Python's `urllib` / `http.client`, over loopback. Built with
//! `--cfg skip_peer_tests`, these tests are ignored (the README's
//! "Platforms").

mod util;

use std::process::Command;

use util::{HyperServer, TEST_LIMIT, pattern, require, run_ok};

/// How long a test may wait for its loop, its peer and its wakes before
/// the watchdog fails it, naming the test (a lost wake or a peer that
/// never answers would otherwise hang the run); each takes well under a
/// second when nothing is lost.
const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(120);

/// The body of `GET <path>` for any path but `/bytes/N`.
fn hello(path: &str) -> Vec<u8> {
    format!("hello {path}\n").into_bytes()
}

#[test]
#[cfg_attr(
    skip_peer_tests,
    ignore = "needs curl, a peer program; built with --cfg skip_peer_tests"
)]
fn curl_reuses_one_connection_for_several_requests() {
    watchdog::within(
        WATCHDOG,
        "curl reuses one connection for several requests",
        || {
            require("curl", "curl");
            let server = HyperServer::start(None);
            let output = run_ok(
                Command::new("curl")
                    .args(["--silent", "--show-error", "--fail"])
                    .args(["--max-time", &TEST_LIMIT.as_secs().to_string()])
                    // Bodies go to stdout; after each transfer, how many new
                    // connections it opened goes to stderr.
                    .args(["--write-out", "%{stderr}%{num_connects} "])
                    .arg(server.url("/one"))
                    .arg(server.url("/bytes/100000"))
                    .arg(server.url("/three")),
            );

            let mut expected = hello("/one");
            expected.extend(pattern(100_000));
            expected.extend(hello("/three"));
            assert_eq!(output.stdout.len(), expected.len());
            assert!(
                output.stdout == expected,
                "the bodies differ from what was served"
            );
            assert_eq!(String::from_utf8_lossy(&output.stderr), "1 0 0 ");
            assert_eq!(server.accepted(), 1);
            assert_eq!(server.requests(), 3);
        },
    );
}

#[test]
#[cfg_attr(
    skip_peer_tests,
    ignore = "needs curl, a peer program; built with --cfg skip_peer_tests"
)]
fn hyper_drops_its_header_timer_before_each_request_is_answered() {
    watchdog::within(
        WATCHDOG,
        "hyper drops its header timer before each request is answered",
        || {
            // hyper arms a header-read sleep (30 s by default) whenever it waits for
            // a head, and drops it once the head is in, on the connection's task.
            // Dropped there, the sleep must leave the wheel at once: with one
            // connection, no timer is left when the service runs.
            require("curl", "curl");
            let server = HyperServer::start(None);
            let urls: Vec<String> = (0..5).map(|i| server.url(&format!("/{i}"))).collect();
            run_ok(
                Command::new("curl")
                    .args([
                        "--silent",
                        "--show-error",
                        "--fail",
                        "--output",
                        "/dev/null",
                    ])
                    .args(["--max-time", &TEST_LIMIT.as_secs().to_string()])
                    .args(&urls),
            );
            assert_eq!(server.accepted(), 1);
            let seen = server.counts.active_timers.lock().map(|v| v.clone());
            assert_eq!(seen.ok(), Some(vec![0; 5]));
        },
    );
}

#[test]
#[cfg_attr(
    skip_peer_tests,
    ignore = "needs curl, a peer program; built with --cfg skip_peer_tests"
)]
fn curl_posts_a_body_and_gets_it_back() {
    watchdog::within(WATCHDOG, "curl posts a body and gets it back", || {
        require("curl", "curl");
        let server = HyperServer::start(None);
        let dir = util::TempDir::new("hyper-post");
        let sent = util::noise(1 << 20, 7);
        let file = dir.write("body.bin", &sent);
        let output = run_ok(
            Command::new("curl")
                .args(["--silent", "--show-error", "--fail"])
                .args(["--max-time", &TEST_LIMIT.as_secs().to_string()])
                .arg("--data-binary")
                .arg(format!("@{}", file.display()))
                .arg(server.url("/echo")),
        );
        assert_eq!(output.stdout.len(), sent.len());
        assert!(
            output.stdout == sent,
            "the echoed body differs from the sent one"
        );
    });
}

#[test]
#[cfg_attr(
    skip_peer_tests,
    ignore = "needs python3, a peer program; built with --cfg skip_peer_tests"
)]
fn python_urllib_gets_a_body() {
    watchdog::within(WATCHDOG, "python urllib gets a body", || {
        require("python3", "python3");
        let server = HyperServer::start(None);
        let script = format!(
            "import sys, urllib.request\n\
         with urllib.request.urlopen({url:?}, timeout={limit}) as r:\n\
         \x20   assert r.status == 200, r.status\n\
         \x20   sys.stdout.buffer.write(r.read())\n",
            url = server.url("/bytes/200000"),
            limit = TEST_LIMIT.as_secs(),
        );
        let output = run_ok(Command::new("python3").args(["-c", &script]));
        assert_eq!(output.stdout.len(), 200_000);
        assert!(output.stdout == pattern(200_000), "the body differs");
        // urllib asks for `Connection: close`: one connection, one request.
        assert_eq!(server.accepted(), 1);
        assert_eq!(server.requests(), 1);
    });
}

#[test]
#[cfg_attr(
    skip_peer_tests,
    ignore = "needs python3, a peer program; built with --cfg skip_peer_tests"
)]
fn python_http_client_keeps_the_connection_alive() {
    watchdog::within(
        WATCHDOG,
        "python http client keeps the connection alive",
        || {
            // urllib closes after each request; the `http.client` module under it
            // keeps the connection open when the server allows it.
            require("python3", "python3");
            let server = HyperServer::start(None);
            let script = format!(
                "import http.client\n\
         c = http.client.HTTPConnection('127.0.0.1', {port}, timeout={limit})\n\
         for i in range(1, 6):\n\
         \x20   c.request('GET', f'/r{{i}}')\n\
         \x20   r = c.getresponse()\n\
         \x20   body = r.read().decode()\n\
         \x20   print(r.status, r.getheader('X-Request-On-Connection'), body.strip())\n\
         c.close()\n",
                port = server.addr.port(),
                limit = TEST_LIMIT.as_secs(),
            );
            let output = run_ok(Command::new("python3").args(["-c", &script]));
            let expected: String = (1..=5).map(|i| format!("200 {i} hello /r{i}\n")).collect();
            assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
            assert_eq!(server.accepted(), 1);
            assert_eq!(server.requests(), 5);
        },
    );
}
