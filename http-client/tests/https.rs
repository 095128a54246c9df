//! `https://` against nginx on loopback, with certificates from a throwaway CA made for each
//! test (`test-pki`): bytes and keep-alive over TLS 1.3 and 1.2, what the handshake sends (SNI
//! for names, ALPN `http/1.1`), idle pooled connections, and each certificate failure told
//! apart and naming the host. The other peers are in `https_peers.rs`.
//!
//! Needs nginx (`apt-get install -y nginx`); the tests fail saying so if it is missing.

#[path = "util/tls.rs"]
mod tls;
mod util;

use std::time::Duration;

use http_client::{Client, Error, TlsFailure};
use test_pki::TestCa;
use tls::{Pki, client_trusting, get_err, header, nginx_serving};
use util::{ChildServer, TempDir, noise};

/// How long a test may wait for its loop, its peer and its wakes before
/// the watchdog fails it, naming the test (a lost wake or a peer that
/// never answers would otherwise hang the run); each takes well under a
/// second when nothing is lost.
const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(120);

#[test]
fn nginx_over_tls_1_3_keeps_one_connection_and_the_bytes_match() {
    watchdog::within(
        WATCHDOG,
        "nginx over tls 1 3 keeps one connection and the bytes match",
        || {
            keeps_one_connection_and_the_bytes_match("TLSv1.3");
        },
    );
}

#[test]
fn nginx_over_tls_1_2_keeps_one_connection_and_the_bytes_match() {
    watchdog::within(
        WATCHDOG,
        "nginx over tls 1 2 keeps one connection and the bytes match",
        || {
            // TLS 1.2's handshake has one more round trip, and no session tickets after it.
            keeps_one_connection_and_the_bytes_match("TLSv1.2");
        },
    );
}

/// Six files from nginx speaking only `version`, over one connection, byte for byte.
fn keeps_one_connection_and_the_bytes_match(version: &str) {
    let pki = Pki::loopback();
    let files: Vec<(String, Vec<u8>)> = (0..6)
        .map(|i| (format!("flag{i}.gif"), noise(1000 + i * 2999, i as u64 + 7)))
        .collect();
    let listed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let (server, _dirs) = nginx_serving(&pki, &listed, &format!("ssl_protocols {version};"));
    let client = client_trusting(&pki.ca);
    let seen = runtime::run(async {
        let mut seen = Vec::new();
        for (name, bytes) in &files {
            let resp = client
                .get(&server.https_url(&format!("/{name}")))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200);
            // An IP address is not sent as SNI (RFC 6066 allows names only), and nginx
            // leaves out a header whose value is empty.
            assert_eq!(resp.headers().get("X-SNI"), None);
            assert_eq!(header(&resp, "X-ALPN"), "http/1.1");
            assert_eq!(header(&resp, "X-TLS"), version);
            seen.push((
                header(&resp, "X-Connection"),
                header(&resp, "X-Connection-Requests"),
            ));
            assert!(resp.bytes().await.unwrap() == *bytes, "{name} differs");
        }
        seen
    });
    let first = seen[0].0.clone();
    let expected: Vec<(String, String)> = (1..=6).map(|n| (first.clone(), n.to_string())).collect();
    assert_eq!(seen, expected, "six requests on one TLS connection");
}

/// Two GETs of `/a.txt` `pause` apart on one client; the `X-Connection` of each.
fn connections_of_two_gets(server: &ChildServer, client: &Client, pause: Duration) -> [String; 2] {
    runtime::run(async {
        let url = server.https_url("/a.txt");
        let first = client.get(&url).send().await.unwrap();
        let first_connection = header(&first, "X-Connection");
        assert_eq!(first.bytes().await.unwrap(), b"idle");
        runtime::time::sleep(pause).await;
        let second = client.get(&url).send().await.unwrap();
        let second_connection = header(&second, "X-Connection");
        assert_eq!(second.bytes().await.unwrap(), b"idle");
        [first_connection, second_connection]
    })
}

#[test]
fn an_idle_tls_connection_is_probed_and_kept_while_the_server_keeps_it() {
    watchdog::within(
        WATCHDOG,
        "an idle tls connection is probed and kept while the server keeps it",
        || {
            // Idle past the client's probe threshold (1 s): whatever TLS records came after the
            // response (TLS 1.3 session tickets) must not make the probe drop a live connection.
            let pki = Pki::loopback();
            let (server, _dirs) =
                nginx_serving(&pki, &[("a.txt", b"idle")], "ssl_protocols TLSv1.3;");
            let [first, second] = connections_of_two_gets(
                &server,
                &client_trusting(&pki.ca),
                Duration::from_millis(1200),
            );
            assert_eq!(first, second, "the pooled connection was reused");
        },
    );
}

#[test]
fn a_tls_connection_the_server_closed_while_idle_is_replaced() {
    watchdog::within(
        WATCHDOG,
        "a tls connection the server closed while idle is replaced",
        || {
            let pki = Pki::loopback();
            let (server, _dirs) = nginx_serving(
                &pki,
                &[("a.txt", b"idle")],
                "ssl_protocols TLSv1.3; keepalive_timeout 1s;",
            );
            let [first, second] = connections_of_two_gets(
                &server,
                &client_trusting(&pki.ca),
                Duration::from_millis(1600),
            );
            assert_ne!(
                first, second,
                "a new connection after nginx closed the first"
            );
        },
    );
}

#[test]
fn a_host_name_is_sent_as_sni_and_verified() {
    watchdog::within(WATCHDOG, "a host name is sent as sni and verified", || {
        let pki = Pki::loopback();
        let (server, _dirs) = nginx_serving(&pki, &[("a.txt", b"by name")], "");
        let client = client_trusting(&pki.ca);
        let url = format!("https://localhost:{}/a.txt", server.port);
        let (sni, body) = runtime::run(async {
            let resp = client.get(&url).send().await.unwrap();
            (header(&resp, "X-SNI"), resp.bytes().await.unwrap())
        });
        assert_eq!(
            (sni.as_str(), body.as_slice()),
            ("localhost", &b"by name"[..])
        );
    });
}

#[test]
fn a_certificate_from_an_untrusted_ca_is_refused_naming_the_host() {
    watchdog::within(
        WATCHDOG,
        "a certificate from an untrusted ca is refused naming the host",
        || {
            let pki = Pki::loopback();
            let (server, _dirs) = nginx_serving(&pki, &[("a.txt", b"secret")], "");
            let other_ca = TestCa::new("some other CA");
            let url = server.https_url("/a.txt");
            for client in [client_trusting(&other_ca), Client::new()] {
                let err = get_err(&client, &url);
                let host = format!("127.0.0.1:{}", server.port);
                match &err {
                    Error::Tls {
                        host: named,
                        failure: TlsFailure::UnknownIssuer,
                    } if *named == host => {}
                    other => panic!("{other:?}"),
                }
                assert_eq!(
                    err.to_string(),
                    format!(
                        "cannot connect securely to {host}: its certificate is not signed by a \
                 trusted authority (unknown issuer)"
                    )
                );
            }
        },
    );
}

#[test]
fn a_certificate_for_another_name_is_a_name_mismatch() {
    watchdog::within(
        WATCHDOG,
        "a certificate for another name is a name mismatch",
        || {
            let pki = Pki::new(&["other.invalid"]);
            let (server, _dirs) = nginx_serving(&pki, &[("a.txt", b"x")], "");
            let err = get_err(&client_trusting(&pki.ca), &server.https_url("/a.txt"));
            match &err {
                Error::Tls {
                    failure: TlsFailure::NameMismatch { presented },
                    ..
                } => assert!(
                    presented.iter().any(|name| name.contains("other.invalid")),
                    "{presented:?}"
                ),
                other => panic!("{other:?}"),
            }
            assert!(err.to_string().contains("name mismatch"), "{err}");
        },
    );
}

#[test]
fn an_expired_certificate_is_refused_as_expired() {
    watchdog::within(
        WATCHDOG,
        "an expired certificate is refused as expired",
        || {
            let ca = TestCa::new("http-client test CA");
            let dir = TempDir::new("pki-expired");
            let (cert, key) = ca
                .expired_server_cert(&["127.0.0.1"])
                .write(&dir.path, "server");
            let pki = Pki {
                ca,
                dir,
                files: (cert, key),
            };
            let (server, _dirs) = nginx_serving(&pki, &[("a.txt", b"x")], "");
            let err = get_err(&client_trusting(&pki.ca), &server.https_url("/a.txt"));
            assert!(
                matches!(
                    err,
                    Error::Tls {
                        failure: TlsFailure::Expired,
                        ..
                    }
                ),
                "{err:?}"
            );
            drop(pki.dir);
        },
    );
}
