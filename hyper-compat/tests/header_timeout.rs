//! hyper's header-read timeout, measured by our `Timer`: a server on our
//! runtime closes connections whose request head is too slow to arrive,
//! and answers the others. The clients are plain blocking sockets.

mod util;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use util::{HyperServer, TEST_LIMIT};

/// How long a test may wait for its loop, its peer and its wakes before
/// the watchdog fails it, naming the test (a lost wake or a peer that
/// never answers would otherwise hang the run); each takes well under a
/// second when nothing is lost.
const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(120);

/// The server's header-read timeout in these tests: long enough that a
/// prompt client on a busy machine is never cut off, short enough to keep
/// the tests quick.
const HEADER_TIMEOUT: Duration = Duration::from_millis(500);

/// A blocking connection that gives up after [`TEST_LIMIT`].
fn connect(server: &HyperServer) -> TcpStream {
    let stream = TcpStream::connect(server.addr).expect("connect to the test server");
    stream
        .set_read_timeout(Some(TEST_LIMIT))
        .expect("set a read timeout");
    stream
}

/// Reads until the server closes, and returns what came.
fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    match stream.read_to_end(&mut got) {
        Ok(_) => got,
        Err(err) => panic!("the server neither answered nor closed within {TEST_LIMIT:?}: {err}"),
    }
}

/// Reads one response with a `Content-Length` body; returns the head.
fn read_response(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).expect("read a response head");
        assert_eq!(n, 1, "the server closed in the middle of a head");
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let length: usize = head
        .lines()
        .find_map(|line| {
            line.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_owned())
        })
        .and_then(|v| v.parse().ok())
        .expect("a Content-Length");
    let mut body = vec![0; length];
    stream.read_exact(&mut body).expect("read the body");
    head
}

/// Waits (bounded) until the server has counted `n` header timeouts: it
/// counts after the connection is gone, so just after the client sees EOF.
fn wait_for_timeouts(server: &HyperServer, n: usize) -> usize {
    let start = Instant::now();
    loop {
        let seen = server.counts.header_timeouts.load(Ordering::SeqCst);
        if seen >= n || start.elapsed() > TEST_LIMIT {
            return seen;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_head_sent_too_slowly_is_cut_off() {
    watchdog::within(WATCHDOG, "a head sent too slowly is cut off", || {
        let server = HyperServer::start(Some(HEADER_TIMEOUT));
        // Timed from before the connection exists, so the server's timer
        // cannot have started earlier than this.
        let start = Instant::now();
        let mut stream = connect(&server);
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: test\r\n")
            .expect("send half a head");
        let got = read_until_closed(&mut stream);
        let waited = start.elapsed();

        assert_eq!(got, b"", "hyper answers a timed-out head with nothing");
        assert!(
            waited >= HEADER_TIMEOUT,
            "closed after {waited:?}, before the timeout"
        );
        assert_eq!(wait_for_timeouts(&server, 1), 1);
        assert_eq!(server.requests(), 0);
    });
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_timeout() {
    watchdog::within(
        WATCHDOG,
        "an idle keep alive connection is closed after the timeout",
        || {
            // The timer is armed again for each request's head, so a connection
            // that goes quiet after an answer is closed too.
            let server = HyperServer::start(Some(HEADER_TIMEOUT));
            let mut stream = connect(&server);
            // The second head's timer starts after the answer is written, so after
            // this instant.
            let sent = Instant::now();
            stream
                .write_all(b"GET /first HTTP/1.1\r\nHost: test\r\n\r\n")
                .expect("send a request");
            let head = read_response(&mut stream);
            assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");

            assert_eq!(read_until_closed(&mut stream), b"");
            let waited = sent.elapsed();
            assert!(
                waited >= HEADER_TIMEOUT,
                "closed after {waited:?}, before the timeout"
            );
            assert_eq!(wait_for_timeouts(&server, 1), 1);
            assert_eq!(server.requests(), 1);
        },
    );
}

#[test]
fn a_prompt_head_is_answered() {
    watchdog::within(WATCHDOG, "a prompt head is answered", || {
        let server = HyperServer::start(Some(HEADER_TIMEOUT));
        let mut stream = connect(&server);
        stream
            .write_all(b"GET /prompt HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            .expect("send a request");
        let got = read_until_closed(&mut stream);
        let text = String::from_utf8_lossy(&got);
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\nhello /prompt\n"), "{text}");
        assert_eq!(server.counts.header_timeouts.load(Ordering::SeqCst), 0);
    });
}
