//! Interop with Python's `http.server`: HTTP/1.0, one request per connection, bodies framed by
//! Content-Length and closed connections. Downloaded bytes are compared with the files on disk.

mod util;

use http_client::{Client, Error, Version};
use util::{TempDir, noise, python_http_server};

/// How long a test may wait for its loop, its peer and its wakes before
/// the watchdog fails it, naming the test (a lost wake or a peer that
/// never answers would otherwise hang the run); each takes well under a
/// second when nothing is lost.
const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(120);

#[test]
fn downloads_match_the_files_on_disk() {
    watchdog::within(WATCHDOG, "downloads match the files on disk", || {
        let dir = TempDir::new("python");
        let files = [
            ("flags/br.gif", noise(3_000, 1)),
            ("flags/cn.gif", noise(1, 2)),
            ("big.bin", noise(300_000, 3)),
            ("empty.txt", Vec::new()),
        ];
        for (name, bytes) in &files {
            dir.write(name, bytes);
        }
        let server = python_http_server(&dir.path);
        runtime::run(async {
            let client = Client::new();
            for (name, bytes) in &files {
                let resp = client
                    .get(&server.url(&format!("/{name}")))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), 200, "{name}");
                assert_eq!(resp.version(), Version::Http10);
                assert_eq!(
                    resp.headers().get("content-length"),
                    Some(bytes.len().to_string().as_str())
                );
                let body = resp.bytes().await.unwrap();
                assert!(
                    body == *bytes,
                    "{name}: {} bytes differ from the file",
                    body.len()
                );
            }
        });
    });
}

#[test]
fn head_has_no_body_and_404_is_a_status_error() {
    watchdog::within(
        WATCHDOG,
        "head has no body and 404 is a status error",
        || {
            let dir = TempDir::new("python-head");
            dir.write("a.txt", b"hello");
            let server = python_http_server(&dir.path);
            runtime::run(async {
                let client = Client::new();
                let resp = client.head(&server.url("/a.txt")).send().await.unwrap();
                assert_eq!(resp.headers().get("Content-Length"), Some("5"));
                assert_eq!(resp.bytes().await.unwrap(), b"");

                let url = server.url("/missing.gif");
                let err = client
                    .get(&url)
                    .send()
                    .await
                    .unwrap()
                    .error_for_status()
                    .unwrap_err();
                match err {
                    Error::Status {
                        code,
                        reason,
                        url: u,
                    } => {
                        assert_eq!((code, reason.as_str(), u), (404, "File not found", url));
                    }
                    other => panic!("expected Status, got {other:?}"),
                }
            });
        },
    );
}

#[test]
fn streaming_chunks_add_up_to_the_file() {
    watchdog::within(WATCHDOG, "streaming chunks add up to the file", || {
        let dir = TempDir::new("python-chunks");
        let bytes = noise(200_000, 7);
        dir.write("f.bin", &bytes);
        let server = python_http_server(&dir.path);
        runtime::run(async {
            let mut resp = Client::new()
                .get(&server.url("/f.bin"))
                .send()
                .await
                .unwrap();
            let mut got = Vec::new();
            let mut pieces = 0;
            while let Some(piece) = resp.chunk().await.unwrap() {
                assert!(!piece.is_empty());
                got.extend_from_slice(&piece);
                pieces += 1;
            }
            assert!(pieces > 1, "a 200 kB body should arrive in several pieces");
            assert!(got == bytes);
            assert!(
                resp.chunk().await.unwrap().is_none(),
                "None again after the end"
            );
        });
    });
}
