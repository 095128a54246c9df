//! TCP over loopback: echo with many clients, descriptor leaks, errors, and
//! sockets closed when the runtime goes away.

mod util;

use std::io::{ErrorKind, Read};
use std::net::{Shutdown, SocketAddr};
use std::time::Duration;

use runtime::net::{TcpListener, TcpStream};
use runtime::{Runtime, run, spawn};

/// How long a test may wait for its sockets' wakes before the watchdog fails
/// it: generous, since the slowest (ten thousand connections) takes seconds
/// on a loaded machine when no wake is lost.
const WATCHDOG: Duration = Duration::from_secs(120);

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

/// Echoes every byte of one connection until the peer closes.
async fn echo(mut stream: TcpStream) -> std::io::Result<u64> {
    let mut buf = [0u8; 4096];
    let mut total = 0;
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(total);
        }
        stream.write_all(&buf[..n]).await?;
        total += n as u64;
    }
}

/// The bytes client `id` sends: distinct per client, so a mix-up shows.
fn payload(id: usize, len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 + id * 7) as u8).collect()
}

#[test]
fn a_hundred_concurrent_echo_clients_get_every_byte_back() {
    watchdog::within(WATCHDOG, "every echo client getting its bytes back", || {
        const CLIENTS: usize = 100;
        const BYTES: usize = 64 * 1024;
        let echoed = run(async {
            let listener = TcpListener::bind(loopback()).unwrap();
            let addr = listener.local_addr().unwrap();
            let server = spawn(async move {
                let mut served = Vec::new();
                for _ in 0..CLIENTS {
                    let (stream, _) = listener.accept().await.unwrap();
                    served.push(spawn(echo(stream)));
                }
                let mut total = 0;
                for s in served {
                    total += s.await.unwrap().unwrap();
                }
                total
            });
            let clients: Vec<_> = (0..CLIENTS)
                .map(|id| {
                    spawn(async move {
                        let mut stream = TcpStream::connect(addr).await.unwrap();
                        let sent = payload(id, BYTES);
                        // Write and read concurrently in slices, so that neither
                        // side's socket buffer has to hold the whole payload.
                        let mut received = vec![0u8; BYTES];
                        for (out, back) in sent.chunks(8192).zip(received.chunks_mut(8192)) {
                            stream.write_all(out).await.unwrap();
                            stream.read_exact(back).await.unwrap();
                        }
                        stream.shutdown(Shutdown::Write).unwrap();
                        let mut rest = [0u8; 1];
                        assert_eq!(
                            stream.read(&mut rest).await.unwrap(),
                            0,
                            "EOF after the echo"
                        );
                        assert!(received == sent, "client {id} got its own bytes back");
                    })
                })
                .collect();
            for c in clients {
                c.await.unwrap();
            }
            server.await.unwrap()
        });
        assert_eq!(echoed, (CLIENTS * BYTES) as u64);
    });
}

#[test]
fn a_large_write_waits_for_the_reader_and_arrives_whole() {
    watchdog::within(WATCHDOG, "the 8 MiB write arriving whole", || {
        // 8 MiB is far more than the loopback socket buffers, so write_all must
        // see WouldBlock and wait for writability several times.
        const LEN: usize = 8 * 1024 * 1024;
        run(async {
            let listener = TcpListener::bind(loopback()).unwrap();
            let addr = listener.local_addr().unwrap();
            let writer = spawn(async move {
                let (mut stream, _) = listener.accept().await.unwrap();
                stream.write_all(&payload(1, LEN)).await.unwrap();
            });
            let mut stream = TcpStream::connect(addr).await.unwrap();
            let mut got = Vec::with_capacity(LEN);
            let mut buf = vec![0u8; 65536];
            loop {
                let n = stream.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
            }
            writer.await.unwrap();
            assert_eq!(got.len(), LEN);
            assert!(got == payload(1, LEN));
        });
    });
}

#[test]
#[cfg_attr(
    windows,
    ignore = "counts descriptors in /proc/self/fd or /dev/fd, which Windows lacks"
)]
fn opening_and_closing_ten_thousand_connections_leaks_no_descriptor() {
    watchdog::within(
        WATCHDOG,
        "ten thousand connections opened, echoed and closed",
        || {
            const CONNECTIONS: usize = 10_000;
            let before = util::open_fds();
            run(async {
                let listener = TcpListener::bind(loopback()).unwrap();
                let addr = listener.local_addr().unwrap();
                let server = spawn(async move {
                    for _ in 0..CONNECTIONS {
                        let (mut stream, _) = listener.accept().await.unwrap();
                        let mut byte = [0u8; 1];
                        stream.read_exact(&mut byte).await.unwrap();
                        stream.write_all(&byte).await.unwrap();
                    }
                });
                for i in 0..CONNECTIONS {
                    let mut stream = TcpStream::connect(addr).await.unwrap();
                    stream.write_all(&[i as u8]).await.unwrap();
                    let mut byte = [0u8; 1];
                    stream.read_exact(&mut byte).await.unwrap();
                    assert_eq!(byte[0], i as u8);
                }
                server.await.unwrap();
            });
            let after = util::open_fds();
            // Other tests run in parallel threads and open sockets of their own, so
            // allow some slack; a leak would show as thousands.
            assert!(after <= before + 50, "fds before: {before}, after: {after}");
        },
    );
}

#[test]
fn connecting_to_a_closed_port_is_an_io_error() {
    watchdog::within(WATCHDOG, "the connect to a closed port failing", || {
        // Bind then drop a std listener to find a port nobody listens on.
        let addr = std::net::TcpListener::bind(loopback())
            .unwrap()
            .local_addr()
            .unwrap();
        let err = run(TcpStream::connect(addr)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    });
}

#[test]
fn read_exact_reports_an_early_close_as_unexpected_eof() {
    watchdog::within(WATCHDOG, "read_exact seeing the early close", || {
        let err = run(async {
            let listener = TcpListener::bind(loopback()).unwrap();
            let addr = listener.local_addr().unwrap();
            spawn(async move {
                let (mut stream, _) = listener.accept().await.unwrap();
                stream.write_all(b"abc").await.unwrap();
            });
            let mut stream = TcpStream::connect(addr).await.unwrap();
            let mut buf = [0u8; 10];
            stream.read_exact(&mut buf).await.unwrap_err()
        });
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
    });
}

#[test]
fn sockets_outside_a_runtime_are_an_error_not_a_panic() {
    let err = TcpListener::bind(loopback()).unwrap_err();
    assert!(err.to_string().contains("inside a runtime"), "{err}");
}

#[test]
fn dropping_a_runtime_closes_the_sockets_of_its_waiting_tasks() {
    watchdog::within(
        WATCHDOG,
        "the dropped runtime's socket closing at the peer",
        || {
            // A std peer, outside the runtime, watches the connection.
            let std_listener = std::net::TcpListener::bind(loopback()).unwrap();
            let addr = std_listener.local_addr().unwrap();
            let rt = Runtime::new().unwrap();
            rt.block_on(async move {
                spawn(async move {
                    let mut stream = TcpStream::connect(addr).await.unwrap();
                    let mut buf = [0u8; 1];
                    let _ = stream.read(&mut buf).await; // waits forever
                });
                runtime::yield_now().await;
            });
            let (mut peer, _) = std_listener.accept().unwrap();
            peer.set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            drop(rt);
            let mut buf = [0u8; 1];
            assert_eq!(peer.read(&mut buf).unwrap(), 0, "the peer sees the close");
        },
    );
}

#[test]
fn addresses_and_nodelay() {
    watchdog::within(WATCHDOG, "the connect and the accept meeting", || {
        run(async {
            let listener = TcpListener::bind(loopback()).unwrap();
            let addr = listener.local_addr().unwrap();
            let accept = spawn(async move { listener.accept().await.unwrap() });
            let stream = TcpStream::connect(addr).await.unwrap();
            let (server_side, peer) = accept.await.unwrap();
            assert_eq!(stream.peer_addr().unwrap(), addr);
            assert_eq!(stream.local_addr().unwrap(), peer);
            assert_eq!(server_side.peer_addr().unwrap(), peer);
            stream.set_nodelay(true).unwrap();
            assert!(stream.nodelay().unwrap());
        });
    });
}

/// The backlog the kernel reports for a listening port: `ss` prints it as
/// the Send-Q column of a LISTEN socket.
fn listen_backlog(port: u16) -> u32 {
    let output = std::process::Command::new("ss")
        .args(["-ltnH", &format!("sport = :{port}")])
        .output()
        .expect("`ss` (from iproute2) runs; .ci/run installs it when missing");
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text
        .lines()
        .next()
        .unwrap_or_else(|| panic!("no LISTEN line for port {port}: {text:?}"));
    line.split_whitespace()
        .nth(2)
        .and_then(|q| q.parse().ok())
        .unwrap_or_else(|| panic!("no Send-Q in {line:?}"))
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "reads the backlog back with `ss` (iproute2) and /proc: Linux only"
)]
fn listeners_queue_tokios_1024_connections_or_what_bind_with_backlog_asks() {
    watchdog::within(WATCHDOG, "the two listeners binding", || {
        let somaxconn: u32 = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(u32::MAX);
        run(async {
            let default = TcpListener::bind(loopback()).unwrap();
            let port = default.local_addr().unwrap().port();
            assert_eq!(
                listen_backlog(port),
                runtime::net::DEFAULT_BACKLOG.min(somaxconn)
            );
            let small = TcpListener::bind_with_backlog(loopback(), 7).unwrap();
            assert_eq!(listen_backlog(small.local_addr().unwrap().port()), 7);
        });
    });
}

#[test]
fn the_eof_that_arrives_with_the_last_data_is_seen_after_a_short_read() {
    watchdog::within(WATCHDOG, "the short read and the EOF after it", || {
        // The peer's last bytes and its FIN come in one readiness edge. The short
        // read clears "readable"; the EOF must still be found without another edge.
        let (first, second) = run(async {
            let listener = TcpListener::bind(loopback()).unwrap();
            let addr = listener.local_addr().unwrap();
            let writer = spawn(async move {
                let (mut stream, _) = listener.accept().await.unwrap();
                stream.write_all(b"last words").await.unwrap();
            });
            let mut reader = TcpStream::connect(addr).await.unwrap();
            writer.await.unwrap();
            runtime::time::sleep(Duration::from_millis(50)).await;
            let mut buf = [0u8; 64];
            let first = reader.read(&mut buf).await.unwrap();
            let second = reader.read(&mut buf).await.unwrap();
            (first, second)
        });
        assert_eq!((first, second), (10, 0));
    });
}
