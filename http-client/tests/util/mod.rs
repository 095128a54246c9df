//! Shared helpers for the integration tests: temporary directories, free ports, real servers
//! (python3 `http.server`, nginx) started on 127.0.0.1, and scripted "bad" servers on std
//! threads. Everything stops by itself: children are killed on drop, scripted servers serve a
//! fixed number of connections and give up after [`SERVER_LIFETIME`].

#![allow(dead_code)] // each test file uses a different subset

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a scripted server waits for connections before giving up, so that a failing test
/// never leaves a thread blocked forever.
pub const SERVER_LIFETIME: Duration = Duration::from_secs(20);

/// How long to wait for a child server to accept connections. Generous: the machine is shared.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);

/// A directory under the system temp dir, removed on drop.
pub struct TempDir {
    /// Its path.
    pub path: PathBuf,
}

impl TempDir {
    /// Creates a fresh directory named after `label`, the process id and a counter.
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("http-client-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir { path }
    }

    /// Writes `bytes` to `name` (which may contain `/`) inside the directory.
    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent dir");
        }
        std::fs::write(&path, bytes).expect("write test file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Deterministic pseudo-random bytes (xorshift), so files are incompressible but repeatable.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// A port that was free a moment ago: bind port 0, read the port, close.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    listener.local_addr().expect("local addr").port()
}

/// Waits until something accepts connections on 127.0.0.1:`port`, or panics after
/// [`STARTUP_TIMEOUT`] (checking that `child` is still alive).
fn wait_for_port(port: u16, child: &mut Child, what: &str) {
    let start = Instant::now();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    while start.elapsed() < STARTUP_TIMEOUT {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before accepting connections: {status}");
        }
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what} did not accept connections on port {port} within {STARTUP_TIMEOUT:?}");
}

/// A child process killed (and reaped) on drop.
pub struct ChildServer {
    /// The process.
    child: Child,
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
}

impl ChildServer {
    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// `https://127.0.0.1:<port><path>`.
    pub fn https_url(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `python3 -m http.server` (HTTP/1.0, one request per connection) serving `dir`.
pub fn python_http_server(dir: &Path) -> ChildServer {
    let port = free_port();
    let mut child = Command::new("python3")
        .args([
            "-m",
            "http.server",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 must be installed to run this test");
    wait_for_port(port, &mut child, "python3 -m http.server");
    ChildServer { child, port }
}

/// Finds the nginx binary, or fails the test saying plainly how to install it.
pub fn nginx_binary() -> PathBuf {
    let candidates = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"];
    if let Some(found) = candidates.iter().map(PathBuf::from).find(|p| p.exists()) {
        return found;
    }
    if let Ok(out) = Command::new("which").arg("nginx").output()
        && out.status.success()
    {
        return PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    }
    panic!(
        "nginx not found (looked in {candidates:?} and $PATH). This test needs a real nginx: \
         install it with `apt-get update && apt-get install -y nginx`."
    );
}

/// Starts nginx in the foreground with a generated config; `server_extra` is added inside the
/// `server` block. Its root is `root`; pid, logs and temp files live in `prefix`.
///
/// `master_process off` makes nginx one process, so that killing the child on drop stops all
/// of it (with a master, SIGKILL would leave its worker running as an orphan).
pub fn nginx(root: &Path, prefix: &TempDir, server_extra: &str) -> ChildServer {
    nginx_listening(root, prefix, "", server_extra)
}

/// [`nginx`] serving https with the certificate and key at `cert` and `key` (PEM files). Each
/// response also says what TLS agreed: `X-SNI` (the name the client sent, empty for none),
/// `X-ALPN` and `X-TLS` (the protocol version).
pub fn nginx_tls(
    root: &Path,
    prefix: &TempDir,
    (cert, key): (&Path, &Path),
    server_extra: &str,
) -> ChildServer {
    let tls = format!(
        "ssl_certificate {}; ssl_certificate_key {};
        add_header X-SNI \"$ssl_server_name\" always;
        add_header X-ALPN \"$ssl_alpn_protocol\" always;
        add_header X-TLS $ssl_protocol always;
        {server_extra}",
        cert.display(),
        key.display()
    );
    nginx_listening(root, prefix, " ssl", &tls)
}

/// [`nginx`] with `listen_options` after the address of its `listen` line.
fn nginx_listening(
    root: &Path,
    prefix: &TempDir,
    listen_options: &str,
    server_extra: &str,
) -> ChildServer {
    let binary = nginx_binary();
    let port = free_port();
    let p = prefix.path.display();
    let conf = format!(
        r#"
master_process off;
pid {p}/nginx.pid;
error_log {p}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {p}/access.log;
    client_body_temp_path {p}/client_body;
    proxy_temp_path {p}/proxy;
    fastcgi_temp_path {p}/fastcgi;
    uwsgi_temp_path {p}/uwsgi;
    scgi_temp_path {p}/scgi;
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port}{listen_options};
        root {root};
        add_header X-Connection $connection always;
        add_header X-Connection-Requests $connection_requests always;
        {server_extra}
    }}
}}
"#,
        root = root.display()
    );
    let conf_path = prefix.write("nginx.conf", conf.as_bytes());
    let mut child = Command::new(&binary)
        .arg("-c")
        .arg(&conf_path)
        .arg("-p")
        .arg(&prefix.path)
        .args(["-g", "daemon off;"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start nginx at {}: {e}", binary.display()));
    wait_for_port(port, &mut child, "nginx");
    ChildServer { child, port }
}

/// A scripted server on a std thread: accepts up to `max_connections` connections one after
/// the other and runs `handler` on each (with its index from 0). Stops after the last one or
/// after [`SERVER_LIFETIME`].
pub struct ScriptedServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Connections accepted so far.
    pub connections: Arc<AtomicUsize>,
    /// The server thread.
    thread: Option<JoinHandle<()>>,
}

impl ScriptedServer {
    /// Starts the server.
    pub fn start<F>(max_connections: usize, handler: F) -> ScriptedServer
    where
        F: Fn(TcpStream, usize) + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("addr");
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&connections);
        let thread = std::thread::spawn(move || {
            let start = Instant::now();
            let mut served = 0;
            while served < max_connections && start.elapsed() < SERVER_LIFETIME {
                match listener.accept() {
                    Ok((stream, _)) => {
                        stream.set_nonblocking(false).expect("blocking");
                        let _ = stream.set_read_timeout(Some(SERVER_LIFETIME));
                        counter.fetch_add(1, Ordering::SeqCst);
                        handler(stream, served);
                        served += 1;
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        ScriptedServer {
            addr,
            connections,
            thread: Some(thread),
        }
    }

    /// `http://<addr><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Connections accepted so far.
    pub fn connection_count(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Waits for the server thread to finish its connections.
    pub fn join(mut self) {
        if let Some(thread) = self.thread.take() {
            thread.join().expect("server thread panicked");
        }
    }
}

/// Reads one request head from `stream`; `None` if the client closed first. Returns the head
/// as text (request line first).
pub fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        if let Some(end) = http_client::wire::find_head_end(&buf) {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            // Read a Content-Length body, if any, so that it does not look like a new request.
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().to_string())
                })
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            let mut have = buf.len() - end;
            while have < length {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => return None,
                    Ok(n) => have += n,
                }
            }
            return Some(head);
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Writes `bytes`, ignoring errors (the client may have gone).
pub fn send(stream: &mut TcpStream, bytes: &[u8]) {
    let _ = stream.write_all(bytes);
    let _ = stream.flush();
}

/// GETs `url` and returns the whole body, panicking (this is a test) on any
/// error: the happy path that many tests take before the step they check.
pub async fn get_body(client: &http_client::Client, url: &str) -> Vec<u8> {
    let response = client.get(url).send().await.unwrap();
    response.bytes().await.unwrap()
}
