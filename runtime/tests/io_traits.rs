//! `TcpStream` through the runtime-neutral `futures-io` traits, driven by
//! `futures_util`'s extension methods (code not written for this runtime),
//! against std sockets on other threads: bytes, end of file, and a reset.

use std::io::{self, IoSlice, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread;

use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::TcpStream;
use std::time::Duration;

/// How long a test may wait for its tasks' wakes before the watchdog fails
/// it (a lost wake leaves the loop asleep with nothing to wake it); each
/// takes milliseconds when none is lost.
const WATCHDOG: Duration = Duration::from_secs(60);

/// A listener on an ephemeral loopback port, and its address.
fn listener() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    (listener, addr)
}

#[test]
fn bytes_round_trip_through_the_traits() {
    watchdog::within(WATCHDOG, "bytes round trip through the traits", || {
        let (listener, addr) = listener();
        let echo = thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let mut all = Vec::new();
            socket.read_to_end(&mut all).unwrap();
            socket.write_all(&all).unwrap();
        });
        let echoed = runtime::run(async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
            AsyncWriteExt::write_all(&mut stream, &big).await.unwrap();
            let parts = [IoSlice::new(b"head,"), IoSlice::new(b"body")];
            let n = AsyncWriteExt::write_vectored(&mut stream, &parts)
                .await
                .unwrap();
            assert_eq!(n, 9, "nine bytes fit an empty-enough send buffer at once");
            AsyncWriteExt::close(&mut stream).await.unwrap();
            let mut back = Vec::new();
            AsyncReadExt::read_to_end(&mut stream, &mut back)
                .await
                .unwrap();
            (big, back)
        });
        echo.join().unwrap();
        let (mut sent, back) = echoed;
        sent.extend_from_slice(b"head,body");
        assert_eq!(back.len(), sent.len());
        assert!(back == sent, "the echo differs from what was sent");
    });
}

#[test]
fn reading_after_end_of_file_keeps_returning_zero() {
    watchdog::within(
        WATCHDOG,
        "reading after end of file keeps returning zero",
        || {
            let (listener, addr) = listener();
            let server = thread::spawn(move || {
                let (mut socket, _) = listener.accept().unwrap();
                socket.write_all(b"bye").unwrap();
                // Dropping the socket sends FIN.
            });
            runtime::run(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                let mut got = Vec::new();
                AsyncReadExt::read_to_end(&mut stream, &mut got)
                    .await
                    .unwrap();
                assert_eq!(got, b"bye");
                let mut buf = [0u8; 16];
                for _ in 0..3 {
                    assert_eq!(AsyncReadExt::read(&mut stream, &mut buf).await.unwrap(), 0);
                }
            });
            server.join().unwrap();
        },
    );
}

#[test]
fn a_peer_reset_is_an_error_not_a_panic() {
    watchdog::within(WATCHDOG, "a peer reset is an error not a panic", || {
        let (listener, addr) = listener();
        let (connected_tx, connected) = std::sync::mpsc::channel();
        let (reset_tx, reset) = std::sync::mpsc::channel();
        let server = thread::spawn(move || {
            let (socket, _) = listener.accept().unwrap();
            // Reset only once the client has seen its connect succeed: a reset
            // during the handshake would fail the connect instead.
            connected.recv().unwrap();
            // SO_LINGER with a zero timeout: close sends RST instead of FIN.
            let socket = socket2::Socket::from(socket);
            socket.set_linger(Some(std::time::Duration::ZERO)).unwrap();
            drop(socket);
            reset_tx.send(()).unwrap();
        });
        runtime::run(async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            connected_tx.send(()).unwrap();
            reset.recv().unwrap();
            let mut buf = [0u8; 16];
            let first = AsyncReadExt::read(&mut stream, &mut buf).await;
            assert_eq!(
                first.map_err(|e| e.kind()),
                Err(io::ErrorKind::ConnectionReset),
                "the reset is reported as an error"
            );
            // Later reads and writes report the dead connection (the kernel
            // says end of file, or an error), and never panic.
            let again = AsyncReadExt::read(&mut stream, &mut buf).await;
            assert!(matches!(again, Ok(0) | Err(_)), "{again:?}");
            let write = AsyncWriteExt::write_all(&mut stream, b"anyone?").await;
            assert!(
                write.is_err(),
                "writing to a reset connection fails: {write:?}"
            );
        });
        server.join().unwrap();
    });
}
