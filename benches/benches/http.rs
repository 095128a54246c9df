//! `http_get_keepalive` and `http_get_concurrent`: our HTTP client against
//! hyper (hyper-util's legacy pooled client on tokio), fetching a 2 KB body
//! from one neutral server.
//!
//! ```text
//! cargo bench -p benches --bench http
//! ```
//!
//! The server ([`benches::http_server`]) runs on std threads outside both
//! runtimes and is shared by both clients, so its cost is the same on both
//! sides. Each client is built once per bench function and keeps its pooled
//! connections between iterations, as a real program would:
//!
//! - `http_get_keepalive`: `HTTP_SEQUENTIAL` GETs one after another, all over
//!   the one pooled keep-alive connection;
//! - `http_get_concurrent`: `HTTP_CONCURRENT` GETs in flight at once, one task
//!   each, so each client keeps `HTTP_CONCURRENT` connections in its pool.
//!
//! Both clients disable Nagle (ours always does; hyper's connector is told
//! to). Ours also arms its default connect/write/read/total timeouts on every
//! request, which hyper's client does not have by default; that is part of
//! what a user of each gets, so it stays in the figure (it can only count
//! against us). tokio runs with its I/O driver only: hyper-util's client
//! as built here uses no timer (no pool timer, no connect timeout, and a
//! literal address, so no happy-eyeballs fallback sleep). Each iteration runs in a spawned task on both sides. smol has
//! no HTTP client of its own, so it has no cell here.

use benches::http_server::HttpServer;
use benches::params::{HTTP_BODY, HTTP_CONCURRENT, HTTP_SEQUENTIAL};
use benches::rows::{HTTP_GET_CONCURRENT, HTTP_GET_KEEPALIVE};
use benches::rt::{This, Tokio};
use benches::side::Side;
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// hyper's pooled client over plain TCP, with an empty request body type.
type Hyper = HyperClient<HttpConnector, Empty<Bytes>>;

/// One GET with our client; returns the body length.
async fn get_this(client: &http_client::Client, url: &str) -> usize {
    let response = client.get(url).send().await.expect("GET");
    assert_eq!(response.status(), 200);
    response.bytes().await.expect("body").len()
}

/// One GET with hyper; returns the body length.
async fn get_hyper(client: &Hyper, uri: &hyper::Uri) -> usize {
    let response = client.get(uri.clone()).await.expect("GET");
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.expect("body");
    body.to_bytes().len()
}

/// hyper's client with Nagle off, as ours has it.
fn hyper_client() -> Hyper {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    HyperClient::builder(TokioExecutor::new()).build(connector)
}

fn http_get_keepalive(c: &mut Criterion) {
    let row = &HTTP_GET_KEEPALIVE;
    let server = HttpServer::start(HTTP_BODY).expect("start the HTTP server");
    let url = server.url("/");
    let mut group = c.benchmark_group(row.name);

    let this = This::new();
    let client = http_client::Client::new();
    group.bench_function(Side::This.name(), |b| {
        b.iter(|| {
            let (client, url) = (client.clone(), url.clone());
            this.run(row.shape, async move {
                for _ in 0..HTTP_SEQUENTIAL {
                    assert_eq!(get_this(&client, &url).await, HTTP_BODY);
                }
            })
        })
    });
    drop(client);

    let tokio = Tokio::new(row.drivers);
    let uri: hyper::Uri = url.parse().expect("a valid URI");
    // hyper-util's client spawns its connection tasks: build it in the runtime.
    let client = tokio.block_on(async { hyper_client() });
    group.bench_function(Side::Tokio.name(), |b| {
        b.iter(|| {
            let (client, uri) = (client.clone(), uri.clone());
            tokio.run(row.shape, async move {
                for _ in 0..HTTP_SEQUENTIAL {
                    assert_eq!(get_hyper(&client, &uri).await, HTTP_BODY);
                }
            })
        })
    });
    group.finish();
}

fn http_get_concurrent(c: &mut Criterion) {
    let row = &HTTP_GET_CONCURRENT;
    let server = HttpServer::start(HTTP_BODY).expect("start the HTTP server");
    let url = server.url("/");
    let mut group = c.benchmark_group(row.name);

    let this = This::new();
    let client = http_client::Client::new();
    group.bench_function(Side::This.name(), |b| {
        b.iter(|| {
            let (client, url) = (client.clone(), url.clone());
            this.run(row.shape, async move {
                let tasks: Vec<_> = (0..HTTP_CONCURRENT)
                    .map(|_| {
                        let client = client.clone();
                        let url = url.clone();
                        runtime::spawn(async move { get_this(&client, &url).await })
                    })
                    .collect();
                for task in tasks {
                    assert_eq!(task.await.expect("GET task"), HTTP_BODY);
                }
            })
        })
    });
    drop(client);

    let tokio = Tokio::new(row.drivers);
    let uri: hyper::Uri = url.parse().expect("a valid URI");
    let client = tokio.block_on(async { hyper_client() });
    group.bench_function(Side::Tokio.name(), |b| {
        b.iter(|| {
            let (client, uri) = (client.clone(), uri.clone());
            tokio.run(row.shape, async move {
                let tasks: Vec<_> = (0..HTTP_CONCURRENT)
                    .map(|_| {
                        let client = client.clone();
                        let uri = uri.clone();
                        tokio::spawn(async move { get_hyper(&client, &uri).await })
                    })
                    .collect();
                for task in tasks {
                    assert_eq!(task.await.expect("GET task"), HTTP_BODY);
                }
            })
        })
    });
    group.finish();
}

criterion_group!(benches, http_get_keepalive, http_get_concurrent);
criterion_main!(benches);
