//! Interop with nginx: HTTP/1.1 keep-alive (proved with nginx's `$connection` and
//! `$connection_requests`, sent back as response headers), `Connection: close` after
//! `keepalive_requests`, and a chunked response (nginx chunks what it gzips on the fly).
//!
//! Needs nginx installed (`apt-get install -y nginx`); the test fails saying so if it is not.

mod util;

use std::io::Read;

use http_client::{Client, Response, Version};
use util::{ChildServer, TempDir, nginx, noise};

/// How long a test may wait for its loop, its peer and its wakes before
/// the watchdog fails it, naming the test (a lost wake or a peer that
/// never answers would otherwise hang the run); each takes well under a
/// second when nothing is lost.
const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(120);

/// The connection serial number and the request number on it, from nginx's headers.
fn connection_of(resp: &Response) -> (u64, u64) {
    let number = |name| {
        resp.headers()
            .get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("nginx should send {name}"))
    };
    (number("X-Connection"), number("X-Connection-Requests"))
}

fn start(dir: &TempDir, prefix: &TempDir, extra: &str) -> ChildServer {
    nginx(&dir.path, prefix, extra)
}

#[test]
fn keep_alive_reuses_one_connection_and_bytes_match() {
    watchdog::within(
        WATCHDOG,
        "keep alive reuses one connection and bytes match",
        || {
            let dir = TempDir::new("nginx-root");
            let files: Vec<(String, Vec<u8>)> = (0..6)
                .map(|i| (format!("flag{i}.gif"), noise(1000 + i * 997, i as u64 + 1)))
                .collect();
            for (name, bytes) in &files {
                dir.write(name, bytes);
            }
            let prefix = TempDir::new("nginx-prefix");
            let server = start(&dir, &prefix, "");
            runtime::run(async {
                let client = Client::new();
                let mut seen = Vec::new();
                for (name, bytes) in &files {
                    let resp = client
                        .get(&server.url(&format!("/{name}")))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!((resp.status(), resp.version()), (200, Version::Http11));
                    seen.push(connection_of(&resp));
                    assert!(resp.bytes().await.unwrap() == *bytes, "{name} differs");
                }
                let first = seen[0].0;
                let expected: Vec<(u64, u64)> = (1..=6).map(|n| (first, n)).collect();
                assert_eq!(
                    seen, expected,
                    "all six requests on one connection, numbered 1..=6"
                );
            });
        },
    );
}

#[test]
fn connection_close_after_keepalive_requests_is_honoured() {
    watchdog::within(
        WATCHDOG,
        "connection close after keepalive requests is honoured",
        || {
            let dir = TempDir::new("nginx-root");
            dir.write("a.txt", b"abc");
            let prefix = TempDir::new("nginx-prefix");
            let server = start(&dir, &prefix, "keepalive_requests 2;");
            runtime::run(async {
                let client = Client::new();
                let mut seen = Vec::new();
                for _ in 0..5 {
                    let resp = client.get(&server.url("/a.txt")).send().await.unwrap();
                    let closing = resp.headers().has_token("connection", "close");
                    seen.push((connection_of(&resp).1, closing));
                    assert_eq!(resp.bytes().await.unwrap(), b"abc");
                }
                // nginx says `Connection: close` on every 2nd request; the next one opens a new
                // connection (request number back to 1) without any error.
                assert_eq!(
                    seen,
                    [(1, false), (2, true), (1, false), (2, true), (1, false)]
                );
            });
        },
    );
}

#[test]
fn gzip_response_is_chunked_and_inflates_to_the_file() {
    watchdog::within(
        WATCHDOG,
        "gzip response is chunked and inflates to the file",
        || {
            let dir = TempDir::new("nginx-root");
            let text: String = (0..5000)
                .map(|i| format!("line {i} of a compressible file\n"))
                .collect();
            dir.write("big.txt", text.as_bytes());
            let prefix = TempDir::new("nginx-prefix");
            let server = start(&dir, &prefix, "gzip on; gzip_types *; gzip_min_length 1;");
            runtime::run(async {
                let client = Client::new();
                let resp = client
                    .get(&server.url("/big.txt"))
                    .header("Accept-Encoding", "gzip")
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.headers().get("transfer-encoding"), Some("chunked"));
                assert_eq!(resp.headers().get("content-encoding"), Some("gzip"));
                let first = connection_of(&resp);
                let compressed = resp.bytes().await.unwrap();
                assert!(
                    compressed.len() < text.len() / 5,
                    "gzip should shrink the text"
                );
                let mut inflated = String::new();
                flate2::read::GzDecoder::new(compressed.as_slice())
                    .read_to_string(&mut inflated)
                    .unwrap();
                assert!(inflated == text, "inflated body differs from the file");

                // The chunked body was read to its end, so the connection is reused.
                let resp = client.get(&server.url("/big.txt")).send().await.unwrap();
                assert_eq!(connection_of(&resp), (first.0, 2));
                assert!(resp.bytes().await.unwrap() == text.as_bytes());
            });
        },
    );
}

#[test]
fn a_response_dropped_early_is_not_pooled() {
    watchdog::within(WATCHDOG, "a response dropped early is not pooled", || {
        let dir = TempDir::new("nginx-root");
        dir.write("big.bin", &noise(2_000_000, 9));
        dir.write("small.txt", b"small");
        let prefix = TempDir::new("nginx-prefix");
        let server = start(&dir, &prefix, "");
        runtime::run(async {
            let client = Client::new();
            let mut resp = client.get(&server.url("/big.bin")).send().await.unwrap();
            let first = connection_of(&resp);
            let _ = resp.chunk().await.unwrap();
            drop(resp);
            let resp = client.get(&server.url("/small.txt")).send().await.unwrap();
            let second = connection_of(&resp);
            assert_ne!(
                first.0, second.0,
                "a half-read body must close its connection"
            );
            assert_eq!(second.1, 1);
            assert_eq!(resp.bytes().await.unwrap(), b"small");
        });
    });
}
