//! Framing and keep-alive decisions seen from the outside: which responses leave their
//! connection reusable (counted on a scripted server), interim 1xx responses, bodies read
//! until close, and the body limit.

mod util;

use std::sync::{Arc, Mutex};

use http_client::{Client, Error, Method};
use util::{ScriptedServer, read_request, send};

/// How long a test may wait for its loop, its peer and its wakes before
/// the watchdog fails it, naming the test (a lost wake or a peer that
/// never answers would otherwise hang the run); each takes well under a
/// second when nothing is lost.
const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(120);

/// Whether the scripted server closes the connection after a response.
const CLOSE: bool = true;
/// Whether the scripted server keeps the connection open after a response.
const KEEP: bool = false;

/// A server that answers every request with the next of `responses` (closing the connection
/// after those marked [`CLOSE`]) and records the request heads.
fn scripted(
    max_connections: usize,
    responses: &'static [(&'static str, bool)],
) -> (ScriptedServer, Arc<Mutex<Vec<String>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&log);
    let next = Arc::new(Mutex::new(0usize));
    let server = ScriptedServer::start(max_connections, move |mut s, _| {
        while let Some(head) = read_request(&mut s) {
            seen.lock().unwrap().push(head);
            let i = {
                let mut n = next.lock().unwrap();
                *n += 1;
                *n - 1
            };
            let Some((response, close)) = responses.get(i) else {
                return;
            };
            send(&mut s, response.as_bytes());
            if *close {
                return;
            }
        }
    });
    (server, log)
}

#[test]
fn bodiless_responses_release_the_connection_without_reading() {
    watchdog::within(
        WATCHDOG,
        "bodiless responses release the connection without reading",
        || {
            let (server, _) = scripted(
                3,
                &[
                    // To HEAD: no body follows.
                    ("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", KEEP),
                    ("HTTP/1.1 204 No Content\r\n\r\n", KEEP),
                    (
                        "HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n",
                        KEEP,
                    ),
                    ("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlast", KEEP),
                ],
            );
            runtime::run(async {
                let client = Client::new();
                let resp = client.head(&server.url("/")).send().await.unwrap();
                assert_eq!(resp.headers().get("content-length"), Some("100"));
                drop(resp); // not read: nothing to read
                for expected in [204, 304] {
                    let resp = client.get(&server.url("/")).send().await.unwrap();
                    assert_eq!(resp.status(), expected);
                }
                let body = util::get_body(&client, &server.url("/")).await;
                assert_eq!(body, b"last");
            });
            assert_eq!(
                server.connection_count(),
                1,
                "all four requests on one connection"
            );
        },
    );
}

#[test]
fn interim_100_continue_is_skipped() {
    watchdog::within(WATCHDOG, "interim 100 continue is skipped", || {
        let (server, _) = scripted(
            1,
            &[(
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
                KEEP,
            )],
        );
        let (status, body) = runtime::run(async {
            let resp = Client::new()
                .request(Method::Put, &server.url("/x"))
                .body("data")
                .send()
                .await
                .unwrap();
            (resp.status(), resp.bytes().await.unwrap())
        });
        assert_eq!((status, body.as_slice()), (201, &b"ok"[..]));
    });
}

#[test]
fn http_1_0_closes_unless_keep_alive_is_announced() {
    watchdog::within(
        WATCHDOG,
        "http 1 0 closes unless keep alive is announced",
        || {
            let (server, _) = scripted(
                3,
                &[
                    ("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\na", KEEP),
                    (
                        "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nb",
                        KEEP,
                    ),
                    ("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nc", CLOSE),
                ],
            );
            runtime::run(async {
                let client = Client::new();
                for want in [b"a", b"b", b"c"] {
                    let body = util::get_body(&client, &server.url("/")).await;
                    assert_eq!(body, want);
                }
            });
            // a: closed by us (HTTP/1.0 default) although the server would keep it; b: announced
            // keep-alive, so c reuses its connection.
            assert_eq!(server.connection_count(), 2);
        },
    );
}

#[test]
fn a_body_without_length_runs_until_close() {
    watchdog::within(WATCHDOG, "a body without length runs until close", || {
        let (server, _) = scripted(
            1,
            &[("HTTP/1.1 200 OK\r\n\r\nall of this until the end", CLOSE)],
        );
        let body = runtime::run(async {
            Client::new()
                .get(&server.url("/"))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
        });
        assert_eq!(body.unwrap(), b"all of this until the end");
    });
}

#[test]
fn a_body_over_the_limit_is_too_large() {
    watchdog::within(WATCHDOG, "a body over the limit is too large", || {
        let (server, _) = scripted(
            2,
            &[
                (
                    "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world",
                    CLOSE,
                ),
                ("HTTP/1.1 200 OK\r\n\r\nhello world", CLOSE),
            ],
        );
        let client = Client::builder().max_body_bytes(10).build();
        for _ in 0..2 {
            let err =
                runtime::run(async { client.get(&server.url("/")).send().await?.bytes().await })
                    .unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::TooLarge {
                        what: "response body bytes",
                        limit: 10
                    }
                ),
                "{err:?}"
            );
        }
    });
}

#[test]
fn without_pooling_the_request_says_connection_close() {
    watchdog::within(
        WATCHDOG,
        "without pooling the request says connection close",
        || {
            let (server, log) = scripted(
                1,
                &[("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", CLOSE)],
            );
            runtime::run(async {
                let client = Client::builder()
                    .max_idle_per_host(0)
                    .user_agent("flags/1.0")
                    .build();
                client.get(&server.url("/p?q=1")).send().await.unwrap();
            });
            let head = log.lock().unwrap()[0].clone();
            let addr = server.addr;
            assert_eq!(
                head,
                format!(
                    "GET /p?q=1 HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: flags/1.0\r\nConnection: close\r\n\r\n"
                )
            );
        },
    );
}

#[test]
fn a_connection_idle_longer_than_the_idle_timeout_is_not_reused() {
    watchdog::within(
        WATCHDOG,
        "a connection idle longer than the idle timeout is not reused",
        || {
            // The server would keep the first connection open; the client must close it because it
            // sat in the pool longer than the idle timeout, and open a second one.
            let (server, _) = scripted(
                2,
                &[
                    ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na", KEEP),
                    ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb", KEEP),
                ],
            );
            runtime::run(async {
                let client = Client::builder()
                    .idle_timeout(std::time::Duration::from_millis(100))
                    .build();
                let a = util::get_body(&client, &server.url("/")).await;
                runtime::time::sleep(std::time::Duration::from_millis(300)).await;
                let b = util::get_body(&client, &server.url("/")).await;
                assert_eq!((a.as_slice(), b.as_slice()), (&b"a"[..], &b"b"[..]));
            });
            assert_eq!(server.connection_count(), 2);
        },
    );
}
