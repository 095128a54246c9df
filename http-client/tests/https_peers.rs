//! `https://` against other peers on loopback: Python's `ssl` module under `http.server`, a
//! server that does not speak TLS, one that never finishes the handshake (the connect
//! timeout), one port that answers http (the pool must not hand its connection to https),
//! and redirects between http and https (with nginx over TLS).
//!
//! Needs nginx and python3 (`apt-get install -y nginx python3`); a test fails saying so if
//! one is missing.

#[path = "util/tls.rs"]
mod tls;
mod util;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use http_client::{Client, Error, TimeoutPhase, TlsFailure};
use tls::{Pki, client_trusting, get_err, header, nginx_serving};
use util::{ScriptedServer, TempDir, noise, read_request, send};

/// How long a test may wait for its loop, its peer and its wakes before
/// the watchdog fails it, naming the test (a lost wake or a peer that
/// never answers would otherwise hang the run); each takes well under a
/// second when nothing is lost.
const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(120);

#[test]
fn a_server_that_does_not_speak_tls_is_a_handshake_failure() {
    watchdog::within(
        WATCHDOG,
        "a server that does not speak tls is a handshake failure",
        || {
            let server = ScriptedServer::start(1, |mut stream, _| {
                // Whatever the client sent (a ClientHello) is not HTTP; say so, as nginx does.
                let mut hello = [0u8; 512];
                let _ = stream.read(&mut hello);
                send(
                    &mut stream,
                    b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            });
            let url = format!("https://{}/", server.addr);
            let err = get_err(&Client::new(), &url);
            match &err {
                Error::Tls {
                    failure: TlsFailure::Handshake(why),
                    ..
                } => assert!(why.contains("not TLS"), "{why}"),
                other => panic!("{other:?}"),
            }
            server.join();
        },
    );
}

#[test]
fn the_connect_timeout_covers_the_handshake() {
    watchdog::within(WATCHDOG, "the connect timeout covers the handshake", || {
        // Accepts, reads the ClientHello and answers nothing until the client gives up.
        let server = ScriptedServer::start(1, |mut stream, _| {
            let mut sink = [0u8; 1024];
            while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
        });
        let client = Client::builder()
            .connect_timeout(Duration::from_millis(300))
            .build();
        let started = Instant::now();
        let err = get_err(&client, &format!("https://{}/", server.addr));
        assert!(
            matches!(err, Error::Timeout(TimeoutPhase::Connect)),
            "{err:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "it did not hang"
        );
        server.join();
    });
}

#[test]
fn the_pool_never_gives_a_plain_connection_to_an_https_request() {
    watchdog::within(
        WATCHDOG,
        "the pool never gives a plain connection to an https request",
        || {
            // One port, two connections: the first answers plain HTTP and stays open (keep-alive);
            // the second gets whatever the client sends for https. If the client reused the first
            // for https, it would send a plaintext GET there and get an answer.
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let addr = listener.local_addr().unwrap();
            let server = std::thread::spawn(move || {
                let (mut plain, _) = listener.accept().unwrap();
                plain
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                read_request(&mut plain).expect("the http request");
                send(
                    &mut plain,
                    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nplain",
                );
                let (mut second, _) = listener.accept().unwrap();
                second
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                let mut first_bytes = [0u8; 1];
                second.read_exact(&mut first_bytes).unwrap();
                let _ = second.write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
                // Nothing more may have arrived on the plain connection.
                plain
                    .set_read_timeout(Some(Duration::from_millis(200)))
                    .unwrap();
                let mut more = [0u8; 1];
                let extra = matches!(plain.read(&mut more), Ok(n) if n > 0);
                (first_bytes[0], extra)
            });
            let client = Client::new();
            let (plain_body, secure) = runtime::run(async {
                let plain = client.get(&format!("http://{addr}/")).send().await.unwrap();
                let plain_body = plain.bytes().await.unwrap();
                let secure = client.get(&format!("https://{addr}/")).send().await;
                (plain_body, secure.map(|r| r.status()))
            });
            assert_eq!(plain_body, b"plain");
            assert!(
                matches!(
                    secure,
                    Err(Error::Tls {
                        failure: TlsFailure::Handshake(_),
                        ..
                    })
                ),
                "{secure:?}"
            );
            let (first_byte, extra) = server.join().unwrap();
            // 0x16 is a TLS handshake record: the https request opened its own connection.
            assert_eq!((first_byte, extra), (0x16, false));
        },
    );
}

#[test]
fn a_redirect_from_http_to_https_is_followed_and_back_is_refused() {
    watchdog::within(
        WATCHDOG,
        "a redirect from http to https is followed and back is refused",
        || {
            let pki = Pki::loopback();
            let (tls_server, _dirs) = nginx_serving(
                &pki,
                &[("a.txt", b"moved to tls")],
                "location = /down { return 302 http://127.0.0.1:9/a.txt; }",
            );
            let target = tls_server.https_url("/a.txt");
            let redirect = format!(
                "HTTP/1.1 301 Moved Permanently\r\nLocation: {target}\r\nContent-Length: 0\r\n\r\n"
            );
            let plain = ScriptedServer::start(1, move |mut stream, _| {
                read_request(&mut stream);
                send(&mut stream, redirect.as_bytes());
            });
            let client = client_trusting(&pki.ca);
            let (url, body) = runtime::run(async {
                let resp = client.get(&plain.url("/old")).send().await.unwrap();
                (resp.url().to_string(), resp.bytes().await.unwrap())
            });
            assert_eq!((url, body), (target, b"moved to tls".to_vec()));
            plain.join();

            // A new client: the first one's pooled connection belongs to the runtime that ended.
            let err = get_err(&client_trusting(&pki.ca), &tls_server.https_url("/down"));
            match &err {
                Error::InsecureRedirect { from, to } => {
                    assert_eq!(
                        (from.as_str(), to.as_str()),
                        (
                            tls_server.https_url("/down").as_str(),
                            "http://127.0.0.1:9/a.txt"
                        )
                    );
                }
                other => panic!("{other:?}"),
            }
            assert!(
                err.to_string().contains("leaves https for plain http"),
                "{err}"
            );
        },
    );
}

/// Python's `http.server` (HTTP/1.1, keep-alive) inside an `ssl.SSLContext` with ALPN
/// `http/1.1`; each response says how many connections it has accepted (`X-Accepted`) and
/// what ALPN agreed (`X-ALPN`). Prints its port.
const PYTHON_TLS_SERVER: &str = r#"
import functools, http.server, ssl, sys
cert, key, root = sys.argv[1:4]
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
context.set_alpn_protocols(["http/1.1"])
class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def end_headers(self):
        self.send_header("X-Accepted", str(self.server.accepted))
        self.send_header("X-ALPN", str(self.request.selected_alpn_protocol()))
        super().end_headers()
    def log_message(self, *args):
        pass
class Server(http.server.HTTPServer):
    accepted = 0
    def get_request(self):
        self.accepted += 1
        return super().get_request()
server = Server(("127.0.0.1", 0), functools.partial(Handler, directory=root))
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

/// A child process killed on drop.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn python_ssl_server_is_a_second_peer() {
    watchdog::within(WATCHDOG, "python ssl server is a second peer", || {
        let pki = Pki::loopback();
        let root = TempDir::new("py-tls-root");
        let files: Vec<(String, Vec<u8>)> = (0..4)
            .map(|i| (format!("f{i}.gif"), noise(500 + i * 4000, i as u64 + 3)))
            .collect();
        for (name, bytes) in &files {
            root.write(name, bytes);
        }
        let mut child = Command::new("python3")
            .args(["-c", PYTHON_TLS_SERVER])
            .arg(&pki.files.0)
            .arg(&pki.files.1)
            .arg(&root.path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 must be installed to run this test (apt-get install -y python3)");
        let mut stdout = child.stdout.take().expect("piped stdout");
        let child = Killed(child);
        let mut line = Vec::new();
        let mut byte = [0u8; 1];
        while stdout.read(&mut byte).unwrap_or(0) == 1 && byte[0] != b'\n' {
            line.push(byte[0]);
        }
        let port: u16 = String::from_utf8_lossy(&line)
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("no port from the python server: {line:?}"));
        let client = client_trusting(&pki.ca);
        let seen = runtime::run(async {
            let mut seen = Vec::new();
            for (name, bytes) in &files {
                let url = format!("https://127.0.0.1:{port}/{name}");
                let resp = client.get(&url).send().await.unwrap();
                assert_eq!(resp.status(), 200);
                seen.push((header(&resp, "X-Accepted"), header(&resp, "X-ALPN")));
                assert!(resp.bytes().await.unwrap() == *bytes, "{name} differs");
            }
            seen
        });
        let one_connection = vec![("1".to_owned(), "http/1.1".to_owned()); 4];
        assert_eq!(seen, one_connection, "four requests on one TLS connection");
        drop(child);
    });
}
