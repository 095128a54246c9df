//! Misbehaving servers, scripted with std::net on a thread: every one gives a clear error of
//! the right kind (or, for the pool cases, a successful retry), never a panic or a hang.

mod util;

use std::net::TcpStream;
use std::time::Duration;

use http_client::{Client, Error, TimeoutPhase};
use util::{ScriptedServer, read_request, send};

/// How long a test may wait for its loop, its peer and its wakes before
/// the watchdog fails it, naming the test (a lost wake or a peer that
/// never answers would otherwise hang the run); each takes well under a
/// second when nothing is lost.
const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(120);

/// A server that answers one request per connection with `response`, then closes.
fn answer_once(response: &'static [u8]) -> ScriptedServer {
    ScriptedServer::start(1, move |mut s: TcpStream, _| {
        if read_request(&mut s).is_some() {
            send(&mut s, response);
        }
    })
}

/// Sends a GET to `server` with `client` and reads the whole body.
fn get(client: &Client, url: &str) -> Result<Vec<u8>, Error> {
    runtime::run(async { client.get(url).send().await?.bytes().await })
}

#[test]
fn truncated_body_is_an_incomplete_body() {
    watchdog::within(WATCHDOG, "truncated body is an incomplete body", || {
        let server = answer_once(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
        match get(&Client::new(), &server.url("/")) {
            Err(Error::IncompleteBody {
                received: 9,
                declared: Some(100),
            }) => {}
            other => panic!("expected IncompleteBody, got {other:?}"),
        }
    });
}

#[test]
fn truncated_chunked_body_is_an_incomplete_body() {
    watchdog::within(
        WATCHDOG,
        "truncated chunked body is an incomplete body",
        || {
            let server =
                answer_once(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
            assert!(matches!(
                get(&Client::new(), &server.url("/")),
                Err(Error::IncompleteBody {
                    received: 3,
                    declared: None
                })
            ));
        },
    );
}

#[test]
fn chunked_wins_over_content_length_and_the_connection_is_not_reused() {
    watchdog::within(
        WATCHDOG,
        "chunked wins over content length and the connection is not reused",
        || {
            // Both fields: the body is decoded as chunked (Content-Length 3 would give "5\r\n"), and
            // the connection is closed afterwards, so the second request needs a second connection.
            let server = ScriptedServer::start(2, |mut s, _| {
                while read_request(&mut s).is_some() {
                    send(
                &mut s,
                b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            );
                }
            });
            let client = Client::new();
            assert_eq!(get(&client, &server.url("/")).unwrap(), b"hello");
            assert_eq!(get(&client, &server.url("/")).unwrap(), b"hello");
            assert_eq!(server.connection_count(), 2);
        },
    );
}

#[test]
fn invalid_chunk_size_is_a_protocol_error() {
    watchdog::within(WATCHDOG, "invalid chunk size is a protocol error", || {
        let server = answer_once(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        );
        match get(&Client::new(), &server.url("/")) {
            Err(Error::Protocol(what)) => assert!(what.contains("hex digit"), "{what}"),
            other => panic!("expected Protocol, got {other:?}"),
        }
    });
}

#[test]
fn head_larger_than_the_limit_is_too_large() {
    watchdog::within(WATCHDOG, "head larger than the limit is too large", || {
        let server = ScriptedServer::start(1, |mut s, _| {
            if read_request(&mut s).is_some() {
                let mut head = b"HTTP/1.1 200 OK\r\nX-Big: ".to_vec();
                head.resize(100_000, b'a');
                head.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
                send(&mut s, &head);
            }
        });
        match get(&Client::new(), &server.url("/")) {
            Err(Error::TooLarge { what, limit }) => {
                assert_eq!((what, limit), ("response head bytes", 65536))
            }
            other => panic!("expected TooLarge, got {other:?}"),
        }
    });
}

#[test]
fn a_thousand_headers_are_too_large() {
    watchdog::within(WATCHDOG, "a thousand headers are too large", || {
        let server = ScriptedServer::start(1, |mut s, _| {
            if read_request(&mut s).is_some() {
                let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
                for i in 0..1000 {
                    head.extend_from_slice(format!("X-{i}: v\r\n").as_bytes());
                }
                head.extend_from_slice(b"Content-Length: 0\r\n\r\n");
                send(&mut s, &head);
            }
        });
        match get(&Client::new(), &server.url("/")) {
            Err(Error::TooLarge { what, limit }) => {
                assert_eq!((what, limit), ("response header fields", 100))
            }
            other => panic!("expected TooLarge, got {other:?}"),
        }
    });
}

#[test]
fn a_server_that_stalls_mid_body_trips_the_read_timeout() {
    watchdog::within(
        WATCHDOG,
        "a server that stalls mid body trips the read timeout",
        || {
            let server = ScriptedServer::start(1, |mut s, _| {
                if read_request(&mut s).is_some() {
                    send(&mut s, b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf");
                    // Stall until the client gives up and closes.
                    let _ = read_request(&mut s);
                }
            });
            let client = Client::builder()
                .read_timeout(Duration::from_millis(300))
                .build();
            assert!(matches!(
                get(&client, &server.url("/")),
                Err(Error::Timeout(TimeoutPhase::Read))
            ));
        },
    );
}

#[test]
fn a_slow_trickle_trips_the_total_timeout() {
    watchdog::within(WATCHDOG, "a slow trickle trips the total timeout", || {
        let server = ScriptedServer::start(1, |mut s, _| {
            if read_request(&mut s).is_some() {
                send(&mut s, b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
                for _ in 0..100 {
                    std::thread::sleep(Duration::from_millis(50));
                    if s.peer_addr().is_err() {
                        break;
                    }
                    send(&mut s, b"x");
                }
            }
        });
        let client = Client::builder()
            .read_timeout(Duration::from_secs(10))
            .total_timeout(Some(Duration::from_millis(400)))
            .build();
        assert!(matches!(
            get(&client, &server.url("/")),
            Err(Error::Timeout(TimeoutPhase::Total))
        ));
    });
}

#[test]
fn an_idle_connection_closed_by_the_server_is_replaced() {
    watchdog::within(
        WATCHDOG,
        "an idle connection closed by the server is replaced",
        || {
            // The server answers one request per connection and then closes, while saying nothing
            // about it (no `Connection: close`): the client pools the connection. The second request
            // is a POST, which may not be retried, so it succeeds only if the pool notices the close
            // (its non-blocking read probe) and opens a new connection up front.
            let server = ScriptedServer::start(2, |mut s, _| {
                if read_request(&mut s).is_some() {
                    send(&mut s, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                }
            });
            runtime::run(async {
                let client = Client::new();
                let body = util::get_body(&client, &server.url("/")).await;
                assert_eq!(body, b"ok");
                // Give the server time to close, as an idle timeout would.
                runtime::time::sleep(Duration::from_millis(100)).await;
                let post = client
                    .request(http_client::Method::Post, &server.url("/"))
                    .body("x");
                assert_eq!(post.send().await.unwrap().bytes().await.unwrap(), b"ok");
            });
            assert_eq!(server.connection_count(), 2);
        },
    );
}

#[test]
fn a_reused_connection_that_dies_before_answering_is_retried_once() {
    watchdog::within(
        WATCHDOG,
        "a reused connection that dies before answering is retried once",
        || {
            // First connection: answer one request, then read the second and close without a byte
            // (the race where the server's idle timer fires as our request arrives). The client must
            // retry the GET on a fresh connection.
            let server = ScriptedServer::start(2, |mut s, index| {
                if read_request(&mut s).is_some() {
                    send(&mut s, b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
                }
                if index == 0 {
                    let _ = read_request(&mut s);
                }
            });
            runtime::run(async {
                let client = Client::new();
                let first = util::get_body(&client, &server.url("/")).await;
                assert_eq!(first, b"first");
                let second = util::get_body(&client, &server.url("/")).await;
                assert_eq!(second, b"first");
            });
            assert_eq!(server.connection_count(), 2);
        },
    );
}

#[test]
fn a_post_on_a_dying_reused_connection_is_not_retried() {
    watchdog::within(
        WATCHDOG,
        "a post on a dying reused connection is not retried",
        || {
            let server = ScriptedServer::start(1, |mut s, _| {
                if read_request(&mut s).is_some() {
                    send(&mut s, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                }
                let _ = read_request(&mut s);
            });
            runtime::run(async {
                let client = Client::new();
                util::get_body(&client, &server.url("/")).await;
                let err = client
                    .request(http_client::Method::Post, &server.url("/"))
                    .body("data")
                    .send()
                    .await
                    .unwrap_err();
                assert!(matches!(err, Error::Io(_)), "{err:?}");
            });
            assert_eq!(server.connection_count(), 1);
        },
    );
}

#[test]
fn nothing_listening_is_a_connect_error() {
    watchdog::within(WATCHDOG, "nothing listening is a connect error", || {
        let port = util::free_port();
        let err = get(&Client::new(), &format!("http://127.0.0.1:{port}/")).unwrap_err();
        assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    });
}

#[test]
fn localhost_is_resolved_by_name() {
    watchdog::within(WATCHDOG, "localhost is resolved by name", || {
        let server = answer_once(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nname");
        let url = format!("http://localhost:{}/", server.addr.port());
        assert_eq!(get(&Client::new(), &url).unwrap(), b"name");
    });
}

#[test]
fn an_unknown_host_name_is_a_resolve_error() {
    watchdog::within(WATCHDOG, "an unknown host name is a resolve error", || {
        // `.invalid` is reserved and never resolves (RFC 2606 §2).
        let err = get(&Client::new(), "http://no-such-host.invalid/").unwrap_err();
        assert!(
            matches!(err, Error::Resolve { ref host, .. } if host == "no-such-host.invalid"),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .starts_with("cannot resolve no-such-host.invalid: "),
            "{err}"
        );
    });
}
