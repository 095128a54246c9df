//! `tcp_echo`: 1 KB messages bounced off an echo task over loopback.
//!
//! ```text
//! cargo bench -p benches --bench tcp
//! ```
//!
//! The echo server is a task on the same runtime as the client, as in an
//! asyncio echo demo: each round trip costs two writes, two reads, and the
//! wake-ups that pass control between the two tasks through the reactor.
//! The connection is made once per bench function; one iteration is
//! `ECHO_ROUND_TRIPS` round trips on it, so connect/accept is not measured.

use std::hint::black_box;
use std::net::{Ipv4Addr, SocketAddr};

use benches::params::{ECHO_MESSAGE, ECHO_ROUND_TRIPS};
use benches::rt;
use criterion::{Criterion, criterion_group, criterion_main};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

fn tcp_echo(c: &mut Criterion) {
    let mut group = c.benchmark_group("tcp_echo");
    let message = vec![0x5a_u8; ECHO_MESSAGE];

    let this = rt::this();
    let mut client = this.block_on(async {
        let listener = runtime::net::TcpListener::bind(LOOPBACK).expect("bind loopback");
        let addr = listener.local_addr().expect("listener address");
        let server = runtime::spawn(async move {
            if let Ok((stream, _)) = listener.accept().await {
                stream.set_nodelay(true).expect("nodelay");
                echo_this(stream).await;
            }
        });
        let client = runtime::net::TcpStream::connect(addr)
            .await
            .expect("connect");
        client.set_nodelay(true).expect("nodelay");
        drop(server); // detached: it lives in the runtime until the client closes
        client
    });
    group.bench_function("this", |b| {
        b.iter(|| {
            this.block_on(async {
                let mut reply = vec![0u8; ECHO_MESSAGE];
                for _ in 0..ECHO_ROUND_TRIPS {
                    client.write_all(&message).await.expect("write");
                    client.read_exact(&mut reply).await.expect("read");
                }
                black_box(&reply);
            })
        })
    });
    drop(client);

    let tokio = rt::tokio();
    let mut client = tokio.block_on(async {
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
    });
    group.bench_function("tokio", |b| {
        b.iter(|| {
            tokio.block_on(async {
                let mut reply = vec![0u8; ECHO_MESSAGE];
                for _ in 0..ECHO_ROUND_TRIPS {
                    client.write_all(&message).await.expect("write");
                    client.read_exact(&mut reply).await.expect("read");
                }
                black_box(&reply);
            })
        })
    });
    group.finish();
}

criterion_group!(benches, tcp_echo);
criterion_main!(benches);
