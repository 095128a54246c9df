//! Redirects against a scripted server that records the request lines it receives.

mod util;

use std::sync::{Arc, Mutex};

use http_client::{Client, Error, Method};
use util::{ScriptedServer, read_request, send};

/// How long a test may wait for its loop, its peer and its wakes before
/// the watchdog fails it, naming the test (a lost wake or a peer that
/// never answers would otherwise hang the run); each takes well under a
/// second when nothing is lost.
const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(120);

/// A keep-alive server that answers each request by the first matching route (path prefix →
/// full response) and records request lines.
fn router(
    routes: &'static [(&'static str, &'static str)],
) -> (ScriptedServer, Arc<Mutex<Vec<String>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&log);
    let server = ScriptedServer::start(8, move |mut s, _| {
        while let Some(head) = read_request(&mut s) {
            let line = head.lines().next().unwrap_or("").to_string();
            let path = line.split(' ').nth(1).unwrap_or("").to_string();
            seen.lock().unwrap().push(line);
            let response = routes
                .iter()
                .find(|(prefix, _)| path.starts_with(prefix))
                .map_or(
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
                    |(_, r)| r,
                );
            send(&mut s, response.as_bytes());
        }
    });
    (server, log)
}

#[test]
fn relative_location_is_resolved_and_followed() {
    watchdog::within(
        WATCHDOG,
        "relative location is resolved and followed",
        || {
            let (server, log) = router(&[
                (
                    "/a/old",
                    "HTTP/1.1 301 Moved\r\nLocation: ../b/new?x=1\r\nContent-Length: 3\r\n\r\nbye",
                ),
                ("/b/new", "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nhere"),
            ]);
            let (url, body) = runtime::run(async {
                let resp = Client::new()
                    .get(&server.url("/a/old"))
                    .send()
                    .await
                    .unwrap();
                (resp.url().to_string(), resp.bytes().await.unwrap())
            });
            assert_eq!(body, b"here");
            assert_eq!(url, server.url("/b/new?x=1"));
            assert_eq!(
                *log.lock().unwrap(),
                ["GET /a/old HTTP/1.1", "GET /b/new?x=1 HTTP/1.1"]
            );
            // The redirect's body was drained, so both requests used one connection.
            assert_eq!(server.connection_count(), 1);
        },
    );
}

#[test]
fn see_other_turns_post_into_get_and_307_keeps_post() {
    watchdog::within(
        WATCHDOG,
        "see other turns post into get and 307 keeps post",
        || {
            let (server, log) = router(&[
                (
                    "/form",
                    "HTTP/1.1 303 See Other\r\nLocation: /done\r\nContent-Length: 0\r\n\r\n",
                ),
                (
                    "/upload",
                    "HTTP/1.1 307 Temporary Redirect\r\nLocation: /stored\r\nContent-Length: 0\r\n\r\n",
                ),
                ("/", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
            ]);
            runtime::run(async {
                let client = Client::new();
                for path in ["/form", "/upload"] {
                    let resp = client
                        .request(Method::Post, &server.url(path))
                        .body("x=1")
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(resp.bytes().await.unwrap(), b"ok");
                }
            });
            assert_eq!(
                *log.lock().unwrap(),
                [
                    "POST /form HTTP/1.1",
                    "GET /done HTTP/1.1",
                    "POST /upload HTTP/1.1",
                    "POST /stored HTTP/1.1"
                ]
            );
        },
    );
}

#[test]
fn a_redirect_loop_hits_the_limit() {
    watchdog::within(WATCHDOG, "a redirect loop hits the limit", || {
        let (server, log) = router(&[(
            "/",
            "HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n",
        )]);
        let err = runtime::run(async {
            Client::builder()
                .max_redirects(3)
                .build()
                .get(&server.url("/start"))
                .send()
                .await
                .unwrap_err()
        });
        match err {
            Error::TooManyRedirects { limit, url } => {
                assert_eq!((limit, url), (3, server.url("/loop")))
            }
            other => panic!("expected TooManyRedirects, got {other:?}"),
        }
        assert_eq!(
            log.lock().unwrap().len(),
            4,
            "the first request and 3 redirects"
        );
    });
}

#[test]
fn zero_redirects_returns_the_3xx_response() {
    watchdog::within(WATCHDOG, "zero redirects returns the 3xx response", || {
        let (server, _) = router(&[(
            "/",
            "HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
        )]);
        let (status, location) = runtime::run(async {
            let resp = Client::builder()
                .max_redirects(0)
                .build()
                .get(&server.url("/"))
                .send()
                .await
                .unwrap();
            (
                resp.status(),
                resp.headers().get("location").map(str::to_string),
            )
        });
        assert_eq!((status, location.as_deref()), (302, Some("/x")));
    });
}

#[test]
fn a_redirect_to_another_scheme_is_unsupported() {
    watchdog::within(
        WATCHDOG,
        "a redirect to another scheme is unsupported",
        || {
            let (server, _) = router(&[(
                "/",
                "HTTP/1.1 301 Moved\r\nLocation: ftp://example.com/\r\nContent-Length: 0\r\n\r\n",
            )]);
            let err = runtime::run(async {
                Client::new()
                    .get(&server.url("/"))
                    .send()
                    .await
                    .unwrap_err()
            });
            assert!(
                matches!(err, Error::UnsupportedScheme { ref scheme } if scheme == "ftp"),
                "{err:?}"
            );
        },
    );
}
