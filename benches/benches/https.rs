//! `https_get_keepalive` and `https_connect`: our HTTP client over our TLS
//! layer (`http_client::tls`, rustls driven over our sockets) against hyper's
//! pooled client over hyper-rustls (tokio-rustls) on tokio, fetching a 2 KB
//! body from one neutral TLS server.
//!
//! ```text
//! cargo bench -p benches --bench https
//! ```
//!
//! - `https_get_keepalive`: `HTTP_SEQUENTIAL` GETs one after another over
//!   the one pooled TLS connection (the handshake happens once, in
//!   criterion's warm-up); this is the record layer and the client.
//! - `https_connect`: one GET on a new connection per iteration, the pool
//!   holding none (`max_idle_per_host(0)` here, `pool_max_idle_per_host(0)`
//!   on hyper): TCP connect, a full TLS 1.3 handshake, the request and the
//!   response.
//!
//! Same on both sides, so that the figures compare the clients and their
//! runtimes, not TLS settings:
//!
//! - rustls with the ring provider and its default protocol versions and
//!   cipher suites (TLS 1.3, X25519, AES-256-GCM against this server);
//! - the same trust roots: the system's plus the bench's throwaway CA (ours
//!   reads the system's once per process, hyper's is built once before the
//!   measurement);
//! - the server ([`benches::http_server`] over rustls's blocking
//!   `StreamOwned`, std threads outside both runtimes) keeps no sessions and
//!   sends no tickets, so every connect is a full handshake with certificate
//!   verification, never a resumption;
//! - Nagle off on both clients' sockets.
//!
//! Differences that stay, because a user of each gets them: ours offers ALPN
//! `http/1.1` (hyper-rustls refuses a configuration with ALPN set when only
//! HTTP/1 is enabled, and offers none) and arms its default timeouts on every
//! request; hyper runs each connection in a task of its own. tokio gets only
//! the I/O driver (the rows' `Drivers::Io`): neither hyper-util's client
//! (without a pool timer) nor tokio-rustls arms a timer. Each iteration runs
//! in a spawned task on both sides. smol has no HTTP client of its own, so it
//! has no cell here.

use std::sync::Arc;

use benches::http_server::HttpServer;
use benches::params::{HTTP_BODY, HTTP_SEQUENTIAL};
use benches::rows::{HTTPS_CONNECT, HTTPS_GET_KEEPALIVE, Row};
use benches::rt::{This, Tokio};
use benches::side::Side;
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::NoServerSessionStorage;
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use test_pki::TestCa;

/// hyper's pooled client over TLS, with an empty request body type.
type Hyper = HyperClient<HttpsConnector<HttpConnector>, Empty<Bytes>>;

/// The neutral server over TLS, and the PEM of the CA that signed its
/// certificate (for 127.0.0.1).
fn tls_server() -> (HttpServer, String) {
    let ca = TestCa::new("benches CA");
    let cert = ca.server_cert(&["127.0.0.1"]);
    let chain = CertificateDer::pem_slice_iter(cert.cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .expect("the certificate's PEM");
    let key = PrivateKeyDer::from_pem_slice(cert.key_pem.as_bytes()).expect("the key's PEM");
    let mut config = ServerConfig::builder_with_provider(ring())
        .with_safe_default_protocol_versions()
        .expect("ring's default protocol versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("a certificate and its key");
    // Full handshakes only: no session cache, no tickets to resume with.
    config.session_storage = Arc::new(NoServerSessionStorage {});
    config.send_tls13_tickets = 0;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let server = HttpServer::start_tls(HTTP_BODY, Arc::new(config)).expect("start the server");
    (server, ca.cert_pem().to_owned())
}

/// The ring provider, which both clients and the server use.
fn ring() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Our client trusting the bench's CA, keeping `max_idle` connections.
fn this_client(ca_pem: &str, max_idle: usize) -> http_client::Client {
    http_client::Client::builder()
        .add_root_certificate(ca_pem.as_bytes())
        .expect("the bench CA")
        .max_idle_per_host(max_idle)
        .build()
}

/// hyper's pooled client over hyper-rustls with the same provider and roots
/// as ours (the system's plus the bench's CA), keeping `max_idle`
/// connections, Nagle off. Build it inside the tokio runtime: it spawns.
fn hyper_client(ca_pem: &str, max_idle: usize) -> Hyper {
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    for ca in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(ca.expect("the CA's PEM")).expect("the bench CA");
    }
    let tls = ClientConfig::builder_with_provider(ring())
        .with_safe_default_protocol_versions()
        .expect("ring's default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut tcp = HttpConnector::new();
    tcp.set_nodelay(true);
    tcp.enforce_http(false);
    let https = HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_only()
        .enable_http1()
        .wrap_connector(tcp);
    HyperClient::builder(TokioExecutor::new())
        .pool_max_idle_per_host(max_idle)
        .build(https)
}

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

/// Both clients, each on its runtime, doing `requests` GETs per iteration
/// while keeping at most `max_idle` connections.
fn compare(c: &mut Criterion, row: &Row, requests: usize, max_idle: usize) {
    let (server, ca_pem) = tls_server();
    let url = server.url("/");
    let mut group = c.benchmark_group(row.name);

    let this = This::new();
    let client = this_client(&ca_pem, max_idle);
    group.bench_function(Side::This.name(), |b| {
        b.iter(|| {
            let (client, url) = (client.clone(), url.clone());
            this.run(row.shape, async move {
                for _ in 0..requests {
                    assert_eq!(get_this(&client, &url).await, HTTP_BODY);
                }
            })
        })
    });
    drop(client);

    let tokio = Tokio::new(row.drivers);
    let uri: hyper::Uri = url.parse().expect("a valid URI");
    // hyper-util's client spawns its connection tasks: build it in the runtime.
    let client = tokio.block_on(async { hyper_client(&ca_pem, max_idle) });
    group.bench_function(Side::Tokio.name(), |b| {
        b.iter(|| {
            let (client, uri) = (client.clone(), uri.clone());
            tokio.run(row.shape, async move {
                for _ in 0..requests {
                    assert_eq!(get_hyper(&client, &uri).await, HTTP_BODY);
                }
            })
        })
    });
    group.finish();
}

fn https_get_keepalive(c: &mut Criterion) {
    compare(c, &HTTPS_GET_KEEPALIVE, HTTP_SEQUENTIAL, 1);
}

fn https_connect(c: &mut Criterion) {
    compare(c, &HTTPS_CONNECT, 1, 0);
}

criterion_group!(benches, https_get_keepalive, https_connect);
criterion_main!(benches);
