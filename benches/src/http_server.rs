//! A neutral HTTP/1.1 keep-alive server on std threads, for `http_get_*`, and
//! over TLS for `https_*`.
//!
//! Both clients (ours and hyper) fetch from the same instance of this server,
//! so the server's cost is the same on both sides and belongs to neither
//! runtime. It answers every request with `200 OK` and the same body of
//! `params::HTTP_BODY` bytes, with a `Content-Length`, and keeps the
//! connection open until the client closes it or sends `Connection: close`.
//!
//! ## Parts
//!
//! - [`HttpServer::start`] binds 127.0.0.1 on an ephemeral port and starts
//!   the accept thread.
//! - The accept thread starts one thread per connection (`serve_connection`):
//!   read until a full request head is buffered, answer, repeat. Pipelined
//!   requests in one read are answered in order.
//! - Dropping the [`HttpServer`] sets the stop flag, pokes the accept loop
//!   awake with a connection to itself, and joins the accept thread.
//!   Connection threads end when their client closes.
//! - [`HttpServer::start_tls`] serves the same answers over TLS: each
//!   connection thread wraps its socket in rustls's blocking
//!   `StreamOwned`, whose first read runs the handshake.
//!
//! A production server (nginx, hyper's server) would parse with a real
//! parser, cap header sizes, time out idle connections and use an event loop
//! rather than a thread per connection; for a benchmark peer with a handful
//! of connections, threads keep it obviously correct and cheap to read.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;

use rustls::{ServerConfig, ServerConnection, StreamOwned};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;

/// Largest request head we accept before answering 431 and closing: GETs
/// from both clients are a few hundred bytes.
pub const MAX_HEAD: usize = 16 * 1024;

/// Bytes read from the socket at a time.
const READ_CHUNK: usize = 4096;

/// A running server; dropping it stops accepting and joins the accept thread.
#[derive(Debug)]
pub struct HttpServer {
    /// Where it listens (127.0.0.1, ephemeral port).
    addr: SocketAddr,
    /// `http`, or `https` for a server started with [`HttpServer::start_tls`].
    scheme: &'static str,
    /// Set by `Drop`; read by the accept thread after each accept.
    stop: Arc<AtomicBool>,
    /// Requests answered so far, counted by the connection threads.
    served: Arc<AtomicUsize>,
    /// The accept thread, joined on drop (`None` once joined).
    accept_thread: Option<JoinHandle<()>>,
}

impl HttpServer {
    /// Starts a server whose every response body is `body_len` bytes.
    pub fn start(body_len: usize) -> io::Result<HttpServer> {
        HttpServer::start_with(body_len, None)
    }

    /// The same server over TLS with `tls` (certificate, key, protocols).
    pub fn start_tls(body_len: usize, tls: Arc<ServerConfig>) -> io::Result<HttpServer> {
        HttpServer::start_with(body_len, Some(tls))
    }

    /// Starts the server, over TLS if `tls` is given.
    fn start_with(body_len: usize, tls: Option<Arc<ServerConfig>>) -> io::Result<HttpServer> {
        let scheme = if tls.is_some() { "https" } else { "http" };
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let served = Arc::new(AtomicUsize::new(0));
        let response: Arc<[u8]> = response_bytes(body_len).into();
        let accept_thread = {
            let stop = Arc::clone(&stop);
            let served = Arc::clone(&served);
            std::thread::Builder::new()
                .name("bench-http-accept".into())
                .spawn(move || accept_loop(listener, &stop, &served, &response, tls))?
        };
        Ok(HttpServer {
            addr,
            scheme,
            stop,
            served,
            accept_thread: Some(accept_thread),
        })
    }

    /// The address to send requests to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/` (or `https://`) plus `path` (which should
    /// start with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}://{}{}", self.scheme, self.addr, path)
    }

    /// Requests answered so far.
    pub fn served(&self) -> usize {
        self.served.load(Ordering::Relaxed)
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept; failure means the listener is gone already.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.accept_thread.take() {
            let _ = thread.join();
        }
    }
}

/// The full response, head and body, sent for every request.
fn response_bytes(body_len: usize) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {body_len}\r\n\r\n"
    )
    .into_bytes();
    // A repeating pattern rather than zeros, so a client bug that drops or
    // repeats bytes would show in a check.
    out.extend((0..body_len).map(|i| b'a' + (i % 26) as u8));
    out
}

/// Accepts until the stop flag is set, one thread per connection.
fn accept_loop(
    listener: TcpListener,
    stop: &AtomicBool,
    served: &Arc<AtomicUsize>,
    response: &Arc<[u8]>,
    tls: Option<Arc<ServerConfig>>,
) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let served = Arc::clone(served);
        let response = Arc::clone(response);
        let tls = tls.clone();
        let spawned = std::thread::Builder::new()
            .name("bench-http-conn".into())
            .spawn(move || {
                // A client that resets the connection, or fails the handshake,
                // is not our error.
                let _ = stream.set_nodelay(true);
                let _ = match tls {
                    None => serve_connection(stream, &served, &response),
                    Some(config) => ServerConnection::new(config)
                        .map_err(io::Error::other)
                        .and_then(|tls| {
                            let stream = StreamOwned::new(tls, stream);
                            serve_connection(stream, &served, &response)
                        }),
                };
            });
        if spawned.is_err() {
            // Out of threads: the connection is dropped, the client sees EOF.
            continue;
        }
    }
}

/// Answers requests on one connection until the client closes it.
fn serve_connection(
    mut stream: impl Read + Write,
    served: &AtomicUsize,
    response: &[u8],
) -> io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(READ_CHUNK);
    let mut chunk = [0u8; READ_CHUNK];
    loop {
        // Answer every complete head already buffered (pipelining).
        while let Some(end) = find_head_end(&buf) {
            let close = wants_close(&buf[..end]);
            buf.drain(..end);
            // Counted before the write, so a client that has its answer
            // sees it counted.
            served.fetch_add(1, Ordering::Relaxed);
            stream.write_all(response)?;
            // Over TLS, the last record may still be in rustls's buffer.
            stream.flush()?;
            if close {
                return Ok(());
            }
        }
        if buf.len() > MAX_HEAD {
            stream.write_all(b"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
            return Ok(());
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// The length of the request head at the start of `buf`, blank line
/// included, if it is complete. Requests carry no body (GET only).
pub fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

/// Whether a request head asks to close the connection after the answer.
fn wants_close(head: &[u8]) -> bool {
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    head.lines()
        .any(|line| line.starts_with("connection:") && line.contains("close"))
}
