//! `https://` against real TLS peers on loopback: nginx, and Python's `ssl` module under
//! `http.server`, with certificates from a throwaway CA made for each test (`test-pki`).
//!
//! What is checked: bytes and keep-alive over TLS, what the handshake sends (SNI for names,
//! ALPN `http/1.1`), each certificate failure told apart and naming the host, a server that
//! does not speak TLS, the connect timeout around the handshake, the pool never mixing http
//! and https, and which redirects between the two are followed.
//!
//! Needs nginx and python3 (`apt-get install -y nginx python3`); a test fails saying so if
//! one is missing.

mod util;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use http_client::{Client, Error, Response, TimeoutPhase, TlsFailure};
use test_pki::TestCa;
use util::{ChildServer, ScriptedServer, TempDir, nginx_tls, noise, read_request, send};

/// A CA, and a server certificate for `names` signed by it, written to a temp dir.
struct Pki {
    /// The CA the client is told to trust.
    ca: TestCa,
    /// Where the files are.
    dir: TempDir,
    /// The server certificate and key files.
    files: (PathBuf, PathBuf),
}

impl Pki {
    /// A CA and a certificate for `names`.
    fn new(names: &[&str]) -> Pki {
        let ca = TestCa::new("http-client test CA");
        let dir = TempDir::new("pki");
        let files = ca.server_cert(names).write(&dir.path, "server");
        Pki { ca, dir, files }
    }

    /// The usual one: a certificate for 127.0.0.1 and localhost.
    fn loopback() -> Pki {
        Pki::new(&["127.0.0.1", "localhost"])
    }

    /// The certificate and key paths, as `nginx_tls` takes them.
    fn paths(&self) -> (&std::path::Path, &std::path::Path) {
        (&self.files.0, &self.files.1)
    }
}

/// A client that trusts `ca` besides the system's roots.
fn client_trusting(ca: &TestCa) -> Client {
    Client::builder()
        .add_root_certificate(ca.cert_pem().as_bytes())
        .expect("a valid CA certificate")
        .build()
}

/// nginx over TLS serving `files` from a fresh root.
fn nginx_serving(pki: &Pki, files: &[(&str, &[u8])], extra: &str) -> (ChildServer, [TempDir; 2]) {
    let root = TempDir::new("tls-root");
    for (name, bytes) in files {
        root.write(name, bytes);
    }
    let prefix = TempDir::new("tls-prefix");
    let server = nginx_tls(&root.path, &prefix, pki.paths(), extra);
    (server, [root, prefix])
}

/// A response header's value, which the test needs to be there.
fn header(resp: &Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_owned()
}

/// GETs `url` with `client` and returns the error it must fail with.
fn get_err(client: &Client, url: &str) -> Error {
    runtime::run(async {
        match client.get(url).send().await {
            Ok(resp) => panic!("expected an error, got {}", resp.status()),
            Err(err) => err,
        }
    })
}

#[test]
fn nginx_over_tls_1_3_keeps_one_connection_and_the_bytes_match() {
    keeps_one_connection_and_the_bytes_match("TLSv1.3");
}

#[test]
fn nginx_over_tls_1_2_keeps_one_connection_and_the_bytes_match() {
    // TLS 1.2's handshake has one more round trip, and no session tickets after it.
    keeps_one_connection_and_the_bytes_match("TLSv1.2");
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
    // Idle past the client's probe threshold (1 s): whatever TLS records came after the
    // response (TLS 1.3 session tickets) must not make the probe drop a live connection.
    let pki = Pki::loopback();
    let (server, _dirs) = nginx_serving(&pki, &[("a.txt", b"idle")], "ssl_protocols TLSv1.3;");
    let [first, second] = connections_of_two_gets(
        &server,
        &client_trusting(&pki.ca),
        Duration::from_millis(1200),
    );
    assert_eq!(first, second, "the pooled connection was reused");
}

#[test]
fn a_tls_connection_the_server_closed_while_idle_is_replaced() {
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
}

#[test]
fn a_host_name_is_sent_as_sni_and_verified() {
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
}

#[test]
fn a_certificate_from_an_untrusted_ca_is_refused_naming_the_host() {
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
}

#[test]
fn a_certificate_for_another_name_is_a_name_mismatch() {
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
}

#[test]
fn an_expired_certificate_is_refused_as_expired() {
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
}

#[test]
fn a_server_that_does_not_speak_tls_is_a_handshake_failure() {
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
}

#[test]
fn the_connect_timeout_covers_the_handshake() {
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
}

#[test]
fn the_pool_never_gives_a_plain_connection_to_an_https_request() {
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
}

#[test]
fn a_redirect_from_http_to_https_is_followed_and_back_is_refused() {
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
}
