//! Timeouts per phase, as httpx's: each bounds one kind of wait (pool, connect, write, read)
//! and restarts at every wait, while the optional total timeout bounds the whole request. Each
//! test names the phase that must run out, or shows that a phase bound lets through what a
//! whole-request bound of the same length would not.

mod util;

use std::net::{SocketAddr, TcpListener};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use http_client::{Client, Error, Method, TimeoutPhase};
use socket2::{Domain, Socket, Type};
use util::{ScriptedServer, get_body, read_request, send};

/// How long a test may wait for its loop, its peer and its wakes before
/// the watchdog fails it, naming the test (a lost wake or a peer that
/// never answers would otherwise hang the run); each takes well under a
/// second when nothing is lost.
const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(120);

/// How long the slow server below waits before it starts accepting.
const ACCEPT_AFTER: Duration = Duration::from_millis(200);

/// How long it takes to answer each request once accepted.
const ANSWER_AFTER: Duration = Duration::from_millis(1000);

/// Linux's initial SYN retransmission timeout (`TCP_TIMEOUT_INIT`): a connection whose SYN
/// was dropped gets through 1 s later at the earliest.
const SYN_RETRY: Duration = Duration::from_secs(1);

/// The timeout under test in the accept-queue tests: longer than any one phase there (at most
/// `SYN_RETRY` connecting, `ACCEPT_AFTER + ANSWER_AFTER` waiting for an answer), shorter than
/// a dropped SYN's whole request (`SYN_RETRY + ANSWER_AFTER`).
const LIMIT: Duration = Duration::from_millis(1900);

/// Concurrent requests: two fill the accept queue of a backlog of 1 (Linux queues backlog + 1
/// connections), the other two have their SYNs dropped.
const REQUESTS: usize = 4;

/// A server like Python's `http.server` under a burst, made small: a listen backlog of 1, an
/// accept loop that starts [`ACCEPT_AFTER`] late, and an answer [`ANSWER_AFTER`] after each
/// accept. Serves [`REQUESTS`] connections, each on its own thread.
fn backlogged_server() -> (SocketAddr, JoinHandle<()>) {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
    let addr = SocketAddr::from(([127, 0, 0, 1], 0));
    socket.bind(&addr.into()).expect("bind");
    socket.listen(1).expect("listen");
    let listener: TcpListener = socket.into();
    let addr = listener.local_addr().expect("addr");
    let thread = std::thread::spawn(move || {
        std::thread::sleep(ACCEPT_AFTER);
        let mut answering = Vec::new();
        for _ in 0..REQUESTS {
            let Ok((mut stream, _)) = listener.accept() else {
                break;
            };
            answering.push(std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(util::SERVER_LIFETIME));
                if read_request(&mut stream).is_some() {
                    std::thread::sleep(ANSWER_AFTER);
                    send(
                        &mut stream,
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                    );
                }
            }));
        }
        for thread in answering {
            let _ = thread.join();
        }
    });
    (addr, thread)
}

/// Sends [`REQUESTS`] GETs at once with `client`; returns each one's result and duration.
fn burst(client: &Client, addr: SocketAddr) -> Vec<(Result<Vec<u8>, Error>, Duration)> {
    let url = format!("http://{addr}/");
    runtime::run(async {
        let handles: Vec<_> = (0..REQUESTS)
            .map(|_| {
                let client = client.clone();
                let url = url.clone();
                runtime::spawn(async move {
                    let started = Instant::now();
                    let result = async { client.get(&url).send().await?.bytes().await }.await;
                    (result, started.elapsed())
                })
            })
            .collect();
        let mut results = Vec::new();
        for handle in handles {
            results.push(handle.await.expect("request task"));
        }
        results
    })
}

#[test]
fn a_full_accept_queue_that_answers_late_passes_phase_timeouts() {
    watchdog::within(
        WATCHDOG,
        "a full accept queue that answers late passes phase timeouts",
        || {
            let (addr, server) = backlogged_server();
            let client = Client::builder().timeout(LIMIT).total_timeout(None).build();
            let results = burst(&client, addr);
            for (result, _) in &results {
                assert_eq!(result.as_deref().ok(), Some(&b"ok"[..]), "{result:?}");
            }
            // The dropped SYNs really were dropped: those requests took longer than LIMIT in all,
            // which a bound on the whole request would not have allowed.
            let slowest = results.iter().map(|(_, took)| *took).max();
            assert!(
                slowest >= Some(SYN_RETRY + ANSWER_AFTER),
                "slowest request {slowest:?}"
            );
            server.join().expect("server thread");
        },
    );
}

#[test]
fn the_same_server_fails_a_whole_request_timeout_of_the_same_length() {
    watchdog::within(
        WATCHDOG,
        "the same server fails a whole request timeout of the same length",
        || {
            let (addr, server) = backlogged_server();
            let client = Client::builder()
                .timeout(Duration::from_secs(30))
                .total_timeout(Some(LIMIT))
                .build();
            let results = burst(&client, addr);
            let timed_out = results
                .iter()
                .filter(|(result, _)| matches!(result, Err(Error::Timeout(TimeoutPhase::Total))))
                .count();
            let answered = results.iter().filter(|(result, _)| result.is_ok()).count();
            assert!(timed_out >= 1, "{results:?}");
            assert_eq!(timed_out + answered, REQUESTS, "{results:?}");
            server.join().expect("server thread");
        },
    );
}

/// A server that sends a head announcing `len` body bytes, then the body one byte every `gap`.
fn trickling_server(len: usize, gap: Duration) -> ScriptedServer {
    ScriptedServer::start(1, move |mut s, _| {
        if read_request(&mut s).is_some() {
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\n\r\n");
            send(&mut s, head.as_bytes());
            for _ in 0..len {
                std::thread::sleep(gap);
                if std::io::Write::write_all(&mut s, b"x").is_err() {
                    break;
                }
            }
        }
    })
}

#[test]
fn a_trickle_slower_than_the_read_timeout_fails_naming_the_read_phase() {
    watchdog::within(
        WATCHDOG,
        "a trickle slower than the read timeout fails naming the read phase",
        || {
            let server = trickling_server(5, Duration::from_millis(600));
            let client = Client::builder()
                .read_timeout(Duration::from_millis(150))
                .build();
            let result =
                runtime::run(async { client.get(&server.url("/")).send().await?.bytes().await });
            let err = result.expect_err("the gap between bytes is longer than the read timeout");
            assert!(matches!(err, Error::Timeout(TimeoutPhase::Read)), "{err:?}");
            assert_eq!(
                err.to_string(),
                "timed out waiting for the response (read timeout)"
            );
        },
    );
}

#[test]
fn a_trickle_faster_than_the_read_timeout_may_take_longer_than_it_in_all() {
    watchdog::within(
        WATCHDOG,
        "a trickle faster than the read timeout may take longer than it in all",
        || {
            let read_timeout = Duration::from_secs(1);
            let server = trickling_server(30, Duration::from_millis(50));
            let client = Client::builder().read_timeout(read_timeout).build();
            let started = Instant::now();
            let body = runtime::run(get_body(&client, &server.url("/")));
            assert_eq!(body, vec![b'x'; 30]);
            assert!(started.elapsed() > read_timeout, "{:?}", started.elapsed());
        },
    );
}

/// A server that answers every request on each connection with "ok", for `connections`
/// connections.
fn ok_server(connections: usize) -> ScriptedServer {
    ScriptedServer::start(connections, |mut s, _| {
        while read_request(&mut s).is_some() {
            send(&mut s, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }
    })
}

#[test]
fn with_every_connection_busy_a_request_waits_within_the_pool_timeout() {
    watchdog::within(
        WATCHDOG,
        "with every connection busy a request waits within the pool timeout",
        || {
            let server = ok_server(2);
            let client = Client::builder()
                .max_connections(Some(1))
                .pool_timeout(Duration::from_millis(200))
                .build();
            let url = server.url("/");
            runtime::run(async {
                // The first response holds the only connection until its body is read.
                let held = client.get(&url).send().await.expect("first request");
                let err = client
                    .get(&url)
                    .send()
                    .await
                    .expect_err("no free connection");
                assert!(matches!(err, Error::Timeout(TimeoutPhase::Pool)), "{err:?}");
                assert_eq!(
                    err.to_string(),
                    "timed out waiting for a free connection (pool timeout)"
                );
                // Reading the body frees the connection (back to the pool, reused next).
                assert_eq!(held.bytes().await.expect("body"), b"ok");
                assert_eq!(get_body(&client, &url).await, b"ok");
            });
            assert_eq!(server.connection_count(), 1);
        },
    );
}

#[test]
fn a_connection_done_while_others_wait_frees_its_slot_instead_of_idling() {
    watchdog::within(
        WATCHDOG,
        "a connection done while others wait frees its slot instead of idling",
        || {
            // Keep-alive server, one slot, three requests at once: each finished connection must
            // go to a waiting request, not sit idle in the pool until the waiters time out.
            let server = ok_server(3);
            let client = Client::builder()
                .max_connections(Some(1))
                .pool_timeout(Duration::from_secs(10))
                .build();
            let url = server.url("/");
            let bodies = runtime::run(async {
                let tasks: Vec<_> = (0..3)
                    .map(|_| {
                        let client = client.clone();
                        let url = url.clone();
                        runtime::spawn(async move { get_body(&client, &url).await })
                    })
                    .collect();
                let mut bodies = Vec::new();
                for task in tasks {
                    bodies.push(task.await.expect("request task"));
                }
                bodies
            });
            assert_eq!(bodies, [b"ok".to_vec(), b"ok".to_vec(), b"ok".to_vec()]);
            assert_eq!(server.connection_count(), 3);
        },
    );
}

#[test]
fn an_idle_connection_to_another_host_is_closed_to_make_room() {
    watchdog::within(
        WATCHDOG,
        "an idle connection to another host is closed to make room",
        || {
            let first = ok_server(1);
            let second = ok_server(1);
            let client = Client::builder()
                .max_connections(Some(1))
                .pool_timeout(Duration::from_millis(200))
                .build();
            runtime::run(async {
                assert_eq!(get_body(&client, &first.url("/")).await, b"ok");
                // The connection to `first` is idle in the pool, holding the only slot.
                assert_eq!(get_body(&client, &second.url("/")).await, b"ok");
            });
            // `first`'s handler returns only when the client closed its connection.
            first.join();
            assert_eq!(second.connection_count(), 1);
        },
    );
}

#[test]
fn a_server_that_stops_reading_trips_the_write_timeout() {
    watchdog::within(
        WATCHDOG,
        "a server that stops reading trips the write timeout",
        || {
            let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
            let addr = listener.local_addr().expect("addr");
            let (client_done, done) = std::sync::mpsc::channel::<()>();
            // Accepts and holds the connection without reading, until the client has given up.
            let server = std::thread::spawn(move || {
                let (stream, _) = listener.accept().expect("accept");
                let _ = done.recv_timeout(util::SERVER_LIFETIME);
                drop(stream);
            });
            let client = Client::builder()
                .write_timeout(Duration::from_millis(300))
                .build();
            // Far more than the socket buffers of both ends hold on loopback (a few MiB each).
            let body = vec![b'x'; 64 * 1024 * 1024];
            let result = runtime::run(async {
                client
                    .request(Method::Post, &format!("http://{addr}/upload"))
                    .body(body)
                    .send()
                    .await
            });
            let _ = client_done.send(());
            let err = result.expect_err("the server never reads");
            assert!(
                matches!(err, Error::Timeout(TimeoutPhase::Write)),
                "{err:?}"
            );
            server.join().expect("server thread");
        },
    );
}
