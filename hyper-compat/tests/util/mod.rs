//! Shared helpers for the integration tests: a hyper server on our runtime
//! that counts what it does, a hyper client on our runtime, and the real
//! peers (curl, python3, nginx).
//!
//! The peer programs are started the way the http-client tests start them
//! (an ephemeral port, a wait until it accepts, killed on drop); that file
//! is included rather than copied. Everything stops by itself: the server
//! thread stops when its handle drops, child processes are killed on drop,
//! and every client call is bounded by [`TEST_LIMIT`].

#![allow(dead_code, unused_imports)] // each test file uses a different subset

use std::cell::Cell;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Command, Output};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use http_body_util::{BodyExt, Empty, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use runtime::net::{TcpListener, TcpStream};

#[path = "../../../http-client/tests/util/mod.rs"]
mod peers;
pub use peers::{ChildServer, TempDir, nginx, noise, python_http_server};

/// Upper bound on any one client exchange in these tests, so that a bug
/// fails a test instead of hanging it. Generous: the machine is shared.
pub const TEST_LIMIT: Duration = Duration::from_secs(20);

/// Makes sure a peer program is on the PATH, or fails the test saying how
/// to install it (`.ci/run` installs them all).
pub fn require(program: &str, package: &str) {
    let found = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "`{program}` is not installed; this test uses it as a real peer \
         (apt-get install {package}, as .ci/run does)"
    );
}

/// Runs a program to completion and checks that it succeeded.
pub fn run_ok(command: &mut Command) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|err| panic!("cannot run {command:?}: {err}"));
    assert!(
        output.status.success(),
        "{command:?} failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The body the test server sends for `GET /bytes/N`: `N` bytes of a
/// fixed pattern, so that a lost or repeated byte shows.
pub fn pattern(len: usize) -> Vec<u8> {
    noise(len, 0x5eed)
}

/// What the test server has seen, shared with the test thread.
#[derive(Debug, Default)]
pub struct Counts {
    /// Connections accepted.
    pub accepted: AtomicUsize,
    /// Requests answered.
    pub requests: AtomicUsize,
    /// Connections that hyper closed because a head came too slowly.
    pub header_timeouts: AtomicUsize,
    /// `runtime::time::active_timers()` when each request was answered.
    pub active_timers: Mutex<Vec<usize>>,
}

/// A hyper HTTP/1 server on our runtime, on its own thread. It answers:
///
/// - `GET /bytes/N`: `N` bytes of [`pattern`];
/// - `POST` anything: the request body, echoed;
/// - any other `GET`: `hello <path>\n`.
///
/// Every answer carries `X-Request-On-Connection: k`, the request's number
/// on its connection (1, 2, ...). Dropping the handle stops the server.
pub struct HyperServer {
    /// Where it listens (127.0.0.1, ephemeral port).
    pub addr: SocketAddr,
    /// What it has done so far.
    pub counts: Arc<Counts>,
    /// Set on drop; the accept loop checks it after each accept.
    stop: Arc<AtomicBool>,
    /// The server's thread, joined on drop.
    thread: Option<JoinHandle<()>>,
}

impl HyperServer {
    /// Starts a server; `header_read_timeout` is hyper's setting (`None`
    /// keeps hyper's default of 30 s, which the timer arms).
    pub fn start(header_read_timeout: Option<Duration>) -> HyperServer {
        let counts = Arc::new(Counts::default());
        let stop = Arc::new(AtomicBool::new(false));
        let (addr_tx, addr_rx) = mpsc::channel();
        let thread = {
            let counts = Arc::clone(&counts);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                runtime::run(async move {
                    let bound = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
                        .and_then(|listener| Ok((listener.local_addr()?, listener)));
                    let listener = match bound {
                        Ok((addr, listener)) => {
                            let _ = addr_tx.send(Ok(addr));
                            listener
                        }
                        Err(err) => {
                            let _ = addr_tx.send(Err(err));
                            return;
                        }
                    };
                    while let Ok((stream, _)) = listener.accept().await {
                        if stop.load(Ordering::SeqCst) {
                            return;
                        }
                        counts.accepted.fetch_add(1, Ordering::SeqCst);
                        runtime::spawn(serve(stream, Arc::clone(&counts), header_read_timeout));
                    }
                })
            })
        };
        let addr = match addr_rx.recv() {
            Ok(Ok(addr)) => addr,
            Ok(Err(err)) => panic!("the test server cannot listen: {err}"),
            Err(_) => panic!("the test server thread died before listening"),
        };
        HyperServer {
            addr,
            counts,
            stop,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT<path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.counts.accepted.load(Ordering::SeqCst)
    }

    /// Requests answered so far.
    pub fn requests(&self) -> usize {
        self.counts.requests.load(Ordering::SeqCst)
    }
}

impl Drop for HyperServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept; an error means the server is gone already.
        let _ = std::net::TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serves one connection with hyper, our `Io` and our `Timer`.
async fn serve(stream: TcpStream, counts: Arc<Counts>, header_read_timeout: Option<Duration>) {
    // An `Rc`: hyper's services on our runtime need not be `Send`.
    let on_connection = Rc::new(Cell::new(0));
    let service = {
        let counts = Arc::clone(&counts);
        hyper::service::service_fn(move |request| {
            on_connection.set(on_connection.get() + 1);
            answer(request, on_connection.get(), Arc::clone(&counts))
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(runtime_hyper::Timer);
    if let Some(timeout) = header_read_timeout {
        builder.header_read_timeout(timeout);
    }
    let served = builder
        .serve_connection(runtime_hyper::Io::with_vectored_writes(stream), service)
        .await;
    if let Err(err) = served
        && err.is_timeout()
    {
        counts.header_timeouts.fetch_add(1, Ordering::SeqCst);
    }
}

/// The test server's answer to one request (see [`HyperServer`]).
async fn answer(
    request: Request<Incoming>,
    on_connection: usize,
    counts: Arc<Counts>,
) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let path = request.uri().path().to_owned();
    let body = if request.method() == hyper::Method::POST {
        request.into_body().collect().await?.to_bytes()
    } else if let Some(len) = path.strip_prefix("/bytes/") {
        match len.parse::<usize>() {
            Ok(len) => Bytes::from(pattern(len)),
            Err(_) => {
                return Ok(Response::builder()
                    .status(StatusCode::BAD_REQUEST)
                    .body(Full::new(Bytes::from("not a length\n")))
                    .unwrap_or_default());
            }
        }
    } else {
        Bytes::from(format!("hello {path}\n"))
    };
    if let Ok(mut seen) = counts.active_timers.lock() {
        seen.push(runtime::time::active_timers());
    }
    counts.requests.fetch_add(1, Ordering::SeqCst);
    Ok(Response::builder()
        .header("X-Request-On-Connection", on_connection)
        .body(Full::new(body))
        .unwrap_or_default())
}

/// One response, read whole.
#[derive(Debug)]
pub struct Fetched {
    /// Its status.
    pub status: StatusCode,
    /// Its headers.
    pub headers: hyper::HeaderMap,
    /// Its body.
    pub body: Vec<u8>,
}

/// GETs each of `paths` from `addr` in turn over ONE connection with
/// hyper's HTTP/1 client on our runtime, and waits for the connection to
/// end once the client is done with it. Must run inside a runtime.
pub async fn get_all(addr: SocketAddr, paths: &[&str]) -> Result<Vec<Fetched>, String> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|err| format!("connect to {addr}: {err}"))?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(runtime_hyper::Io::with_vectored_writes(stream))
            .await
            .map_err(|err| format!("handshake: {err}"))?;
    // The connection future does the reading and writing; it must run
    // while requests are sent, so it is a task of its own.
    let connection = runtime::spawn(connection);
    let mut fetched = Vec::new();
    for path in paths {
        sender
            .ready()
            .await
            .map_err(|err| format!("connection not ready for {path}: {err}"))?;
        let request = Request::get(*path)
            .header(hyper::header::HOST, addr.to_string())
            .body(Empty::<Bytes>::new())
            .map_err(|err| format!("request for {path}: {err}"))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|err| format!("GET {path}: {err}"))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|err| format!("body of {path}: {err}"))?
            .to_bytes()
            .to_vec();
        fetched.push(Fetched {
            status,
            headers,
            body,
        });
    }
    drop(sender); // no more requests: the connection future completes
    match connection.await {
        Ok(Ok(())) => Ok(fetched),
        Ok(Err(err)) => Err(format!("connection: {err}")),
        Err(err) => Err(format!("connection task: {err}")),
    }
}

/// [`get_all`] on a fresh runtime, bounded by [`TEST_LIMIT`].
pub fn get_all_blocking(addr: SocketAddr, paths: &[&str]) -> Vec<Fetched> {
    let result =
        runtime::run(async { runtime::time::timeout(TEST_LIMIT, get_all(addr, paths)).await });
    match result {
        Ok(Ok(fetched)) => fetched,
        Ok(Err(err)) => panic!("hyper client on our runtime: {err}"),
        Err(_) => panic!("hyper client on our runtime: no answer within {TEST_LIMIT:?}"),
    }
}
