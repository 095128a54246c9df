//! GET throughput: this client on this runtime against hyper-util's legacy `Client` on tokio's
//! current-thread runtime, both talking to the same neutral server in the same run.
//!
//! Run: `cargo bench -p http-client --bench http_get`. On a shared or virtual machine, pin the
//! bench to one CPU for repeatable figures (see the crate README for why):
//! `cargo bench -p http-client --bench http_get --no-run`, then
//! `taskset -c 1 target/release/deps/http_get-<hash> --bench`.
//!
//! The server is written here on std threads (one per connection), so neither client's
//! runtime serves it: HTTP/1.1 keep-alive, every request answered with the same 2 KB body and
//! `Content-Length`. Two workloads, each a criterion group with functions `this` and `hyper`:
//!
//! - `sequential`: one GET after another over one keep-alive connection (each iteration is
//!   one request: write, read head, read 2 KB body);
//! - `concurrent_10`: ten GETs in flight at once as ten tasks, each on its own pooled
//!   connection (each iteration is one batch of ten; throughput is reported per request).
//!
//! Each measurement runs `iters` requests inside one `block_on`, so runtime start-up is not
//! measured for either client.

use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;

/// Size of the body the server sends: 2 KB, a small flag GIF.
const BODY_BYTES: usize = 2048;

/// Requests in flight in the concurrent workload.
const CONCURRENCY: usize = 10;

/// Starts the neutral server and returns its address. Its threads live until the process
/// exits (the bench process is short-lived).
fn start_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let mut response = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {BODY_BYTES}\r\nContent-Type: image/gif\r\n\r\n"
    )
    .into_bytes();
    response.extend(std::iter::repeat_n(b'x', BODY_BYTES));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let response = response.clone();
            std::thread::spawn(move || serve(stream, &response));
        }
    });
    addr
}

/// Answers every request on `stream` with `response` until the client closes.
fn serve(mut stream: TcpStream, response: &[u8]) {
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        while let Some(end) = http_client::wire::find_head_end(&buf) {
            buf.drain(..end);
            if stream.write_all(response).is_err() {
                return;
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// `iters` sequential GETs with this client; returns the time taken.
fn this_sequential(url: &str, iters: u64) -> Duration {
    let rt = runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let client = http_client::Client::new();
        // Warm the pool so that every measured request reuses the connection.
        client.get(url).send().await.unwrap().bytes().await.unwrap();
        let start = Instant::now();
        for _ in 0..iters {
            let body = client.get(url).send().await.unwrap().bytes().await.unwrap();
            assert_eq!(body.len(), BODY_BYTES);
            black_box(body);
        }
        start.elapsed()
    })
}

/// `iters` batches of ten concurrent GETs with this client; returns the time taken.
fn this_concurrent(url: &str, iters: u64) -> Duration {
    let rt = runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let client = http_client::Client::new();
        let batch = |client: &http_client::Client| {
            let handles: Vec<_> = (0..CONCURRENCY)
                .map(|_| {
                    let client = client.clone();
                    let url = url.to_string();
                    runtime::spawn(async move {
                        client
                            .get(&url)
                            .send()
                            .await
                            .unwrap()
                            .bytes()
                            .await
                            .unwrap()
                            .len()
                    })
                })
                .collect();
            async move {
                for handle in handles {
                    assert_eq!(handle.await.unwrap(), BODY_BYTES);
                }
            }
        };
        batch(&client).await;
        let start = Instant::now();
        for _ in 0..iters {
            batch(&client).await;
        }
        start.elapsed()
    })
}

/// The hyper client the benchmark compares against.
type Hyper = HyperClient<hyper_util::client::legacy::connect::HttpConnector, Empty<Bytes>>;

/// A tokio current-thread runtime and a hyper client with default settings.
fn hyper_setup() -> (tokio::runtime::Runtime, Hyper) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let client = {
        let _guard = rt.enter();
        HyperClient::builder(TokioExecutor::new()).build_http()
    };
    (rt, client)
}

/// One GET with hyper, returning the body length.
async fn hyper_get(client: &Hyper, uri: &hyper::Uri) -> usize {
    let resp = client.get(uri.clone()).await.unwrap();
    resp.into_body().collect().await.unwrap().to_bytes().len()
}

/// `iters` sequential GETs with hyper; returns the time taken.
fn hyper_sequential(uri: &hyper::Uri, iters: u64) -> Duration {
    let (rt, client) = hyper_setup();
    rt.block_on(async {
        hyper_get(&client, uri).await;
        let start = Instant::now();
        for _ in 0..iters {
            assert_eq!(black_box(hyper_get(&client, uri).await), BODY_BYTES);
        }
        start.elapsed()
    })
}

/// `iters` batches of ten concurrent GETs with hyper; returns the time taken.
fn hyper_concurrent(uri: &hyper::Uri, iters: u64) -> Duration {
    let (rt, client) = hyper_setup();
    rt.block_on(async {
        let batch = || {
            let handles: Vec<_> = (0..CONCURRENCY)
                .map(|_| {
                    let client = client.clone();
                    let uri = uri.clone();
                    tokio::spawn(async move { hyper_get(&client, &uri).await })
                })
                .collect();
            async move {
                for handle in handles {
                    assert_eq!(handle.await.unwrap(), BODY_BYTES);
                }
            }
        };
        batch().await;
        let start = Instant::now();
        for _ in 0..iters {
            batch().await;
        }
        start.elapsed()
    })
}

fn http_get(c: &mut Criterion) {
    let addr = start_server();
    let url = format!("http://{addr}/flag.gif");
    let uri: hyper::Uri = url.parse().expect("uri");

    let mut group = c.benchmark_group("http_get_sequential");
    group.throughput(Throughput::Elements(1));
    group.bench_function("this", |b| {
        b.iter_custom(|iters| this_sequential(&url, iters))
    });
    group.bench_function("hyper", |b| {
        b.iter_custom(|iters| hyper_sequential(&uri, iters))
    });
    group.finish();

    let mut group = c.benchmark_group("http_get_concurrent_10");
    group.throughput(Throughput::Elements(CONCURRENCY as u64));
    group.bench_function("this", |b| {
        b.iter_custom(|iters| this_concurrent(&url, iters))
    });
    group.bench_function("hyper", |b| {
        b.iter_custom(|iters| hyper_concurrent(&uri, iters))
    });
    group.finish();
}

criterion_group!(benches, http_get);
criterion_main!(benches);
