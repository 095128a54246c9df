//! `tcp_echo`: 1 KiB messages bounced off an echo task over loopback, with
//! the client loop in a spawned task (`tcp_echo`) or in the `block_on`
//! future (`tcp_echo_block_on`).
//!
//! ```text
//! cargo bench -p benches --bench tcp
//! ```
//!
//! The echo server is a task on the same runtime as the client, as in an
//! asyncio echo demo: each round trip costs two writes, two reads, and the
//! wake-ups that pass control between the two tasks through the reactor.
//! The connection is made once per bench function (Nagle off on both
//! ends); one iteration is `ECHO_ROUND_TRIPS` round trips on it, so
//! connect/accept is not measured. The client stream is moved into the
//! iteration's future and handed back at its end, so the same code runs in
//! either shape. tokio runs with its I/O driver only; smol's sockets are
//! async-io's `Async<TcpStream>`.

use std::hint::black_box;
use std::net::{Ipv4Addr, SocketAddr, TcpListener as StdListener, TcpStream as StdStream};

use async_io::Async;
use benches::params::{ECHO_MESSAGE, ECHO_ROUND_TRIPS};
use benches::rows::{TCP_ECHO, TCP_ECHO_BLOCK_ON};
use benches::rt::{Smol, This, Tokio};
use benches::side::Side;
use criterion::{Criterion, criterion_group, criterion_main};
use futures_lite::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// An ephemeral port on loopback.
const LOOPBACK: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

/// Echoes everything it reads until the peer closes.
async fn echo_this(mut stream: runtime::net::TcpStream) {
    let mut buf = vec![0u8; ECHO_MESSAGE];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if stream.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// The same echo loop on tokio.
async fn echo_tokio(mut stream: tokio::net::TcpStream) {
    let mut buf = vec![0u8; ECHO_MESSAGE];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if stream.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// The same echo loop on smol.
async fn echo_smol(mut stream: Async<StdStream>) {
    let mut buf = vec![0u8; ECHO_MESSAGE];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if stream.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// `ECHO_ROUND_TRIPS` round trips on our client; hands the client back.
async fn rounds_this(mut client: runtime::net::TcpStream) -> runtime::net::TcpStream {
    let message = vec![0x5a_u8; ECHO_MESSAGE];
    let mut reply = vec![0u8; ECHO_MESSAGE];
    for _ in 0..ECHO_ROUND_TRIPS {
        client.write_all(&message).await.expect("write");
        client.read_exact(&mut reply).await.expect("read");
    }
    black_box(&reply);
    client
}

/// [`rounds_this`] on tokio.
async fn rounds_tokio(mut client: tokio::net::TcpStream) -> tokio::net::TcpStream {
    let message = vec![0x5a_u8; ECHO_MESSAGE];
    let mut reply = vec![0u8; ECHO_MESSAGE];
    for _ in 0..ECHO_ROUND_TRIPS {
        client.write_all(&message).await.expect("write");
        client.read_exact(&mut reply).await.expect("read");
    }
    black_box(&reply);
    client
}

/// [`rounds_this`] on smol.
async fn rounds_smol(mut client: Async<StdStream>) -> Async<StdStream> {
    let message = vec![0x5a_u8; ECHO_MESSAGE];
    let mut reply = vec![0u8; ECHO_MESSAGE];
    for _ in 0..ECHO_ROUND_TRIPS {
        client.write_all(&message).await.expect("write");
        client.read_exact(&mut reply).await.expect("read");
    }
    black_box(&reply);
    client
}

fn tcp_echo(c: &mut Criterion) {
    for row in [&TCP_ECHO, &TCP_ECHO_BLOCK_ON] {
        let mut group = c.benchmark_group(row.name);

        let this = This::new();
        let mut client = Some(this.block_on(async {
            let listener = runtime::net::TcpListener::bind(LOOPBACK).expect("bind loopback");
            let addr = listener.local_addr().expect("listener address");
            // Detached: it lives in the runtime until the client closes.
            drop(runtime::spawn(async move {
                if let Ok((stream, _)) = listener.accept().await {
                    stream.set_nodelay(true).expect("nodelay");
                    echo_this(stream).await;
                }
            }));
            let client = runtime::net::TcpStream::connect(addr)
                .await
                .expect("connect");
            client.set_nodelay(true).expect("nodelay");
            client
        }));
        group.bench_function(Side::This.name(), |b| {
            b.iter(|| {
                let stream = client.take().expect("the client is back");
                client = Some(this.run(row.shape, rounds_this(stream)));
            })
        });
        drop(client);

        let tokio = Tokio::new(row.drivers);
        let mut client = Some(tokio.block_on(async {
            let listener = tokio::net::TcpListener::bind(LOOPBACK)
                .await
                .expect("bind loopback");
            let addr = listener.local_addr().expect("listener address");
            tokio::spawn(async move {
                if let Ok((stream, _)) = listener.accept().await {
                    stream.set_nodelay(true).expect("nodelay");
                    echo_tokio(stream).await;
                }
            });
            let client = tokio::net::TcpStream::connect(addr).await.expect("connect");
            client.set_nodelay(true).expect("nodelay");
            client
        }));
        group.bench_function(Side::Tokio.name(), |b| {
            b.iter(|| {
                let stream = client.take().expect("the client is back");
                client = Some(tokio.run(row.shape, rounds_tokio(stream)));
            })
        });
        drop(client);

        let smol = Smol::new(row.drivers);
        let ex = smol.executor();
        let mut client = Some(smol.block_on(async {
            let listener = Async::<StdListener>::bind(LOOPBACK).expect("bind loopback");
            let addr = listener.get_ref().local_addr().expect("listener address");
            ex.spawn(async move {
                if let Ok((stream, _)) = listener.accept().await {
                    stream.get_ref().set_nodelay(true).expect("nodelay");
                    echo_smol(stream).await;
                }
            })
            .detach();
            let client = Async::<StdStream>::connect(addr).await.expect("connect");
            client.get_ref().set_nodelay(true).expect("nodelay");
            client
        }));
        group.bench_function(Side::Smol.name(), |b| {
            b.iter(|| {
                let stream = client.take().expect("the client is back");
                client = Some(smol.run(row.shape, rounds_smol(stream)));
            })
        });
        drop(client);
        group.finish();
    }
}

criterion_group!(benches, tcp_echo);
criterion_main!(benches);
