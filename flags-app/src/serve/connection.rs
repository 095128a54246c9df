//! One connection's task: read a head, route, wait, answer (or fail on purpose), and
//! loop while the connection is kept alive.
//!
//! ## States
//!
//! ```text
//!   ┌─► ReadingHead ──(complete head)──► Delaying ──► Answering ──(keep-alive)──┐
//!   │        │ timeout / EOF / bad head                  │ close / fault        │
//!   │        ▼                                           ▼                      │
//!   │      Closed ◄──────────────────────────────────── Closed                  │
//!   └───────────────────────────────────────────────────────────────────────────┘
//! ```
//!
//! The task owns its [`Transport`] (the socket, or TLS over it: `tls.rs`) and its read
//! buffer; nothing else touches them. With `--tls-cert`, the task first runs the TLS
//! handshake, within the head timeout, and reads and writes plaintext after it.
//! It shares only [`Shared`] (through an `Rc`: the server runs on one thread), whose
//! planner it borrows for one call per request and never across an `.await`.
//!
//! Every wait on the client is bounded (the values and their reasons are in
//! `timeouts.rs`): the first head must arrive within the head timeout, a kept-alive
//! connection may wait for its next request for the idle timeout and then has the
//! head timeout for that head, and each write of a response waits at most the send
//! timeout for the client to take bytes. A head is also bounded in bytes
//! ([`MAX_REQUEST_HEAD_BYTES`]). A slow, silent or non-reading client therefore
//! costs one parked task and one socket for a bounded time, and never delays
//! others: every connection has its own task. The accept loop holds a slot of the
//! connection limit for each task (`server.rs`), given back when the task ends.
//!
//! A small `--dir` file served recently comes from the loop's warm-file cache;
//! any other is looked at on the blocking pool, and a large one streamed in chunks
//! (`dir.rs`, `file_cache.rs`, `send.rs`), so neither the disk nor a large file
//! holds up the loop.
//!
//! What hyper does differently: it reads and writes through buffered, vectored I/O
//! and pipelines responses.
//!
//! [`MAX_REQUEST_HEAD_BYTES`]: super::head::MAX_REQUEST_HEAD_BYTES

use std::cell::{Cell, RefCell};
use std::io;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use http_client::tls::Transport;
use runtime::net::TcpStream;
use runtime::time::timeout;

use super::chaos::{Fault, Planner};
use super::head::{RequestHead, parse_request};
use super::index::index_page;
use super::read_buffer::ReadBuffer;
use super::response::{
    error_parts, error_response, file_response_head, not_modified_head, response_head,
};
use super::route::{Route, route};
use super::send::{send_response, write_all_within};
use super::source::{Body, Source};
use super::timeouts::Timeouts;
use super::tls::accept;
use super::validators::{Conditions, not_modified};
use crate::output::stderr_line;

/// What every connection task of one server shares.
#[derive(Debug)]
pub struct Shared {
    /// Where the flag bytes come from.
    pub source: Source,
    /// Draws each request's delay and fault; borrowed briefly, never across `.await`.
    pub planner: RefCell<Planner>,
    /// Log a line per request to stderr (the standalone server does; the embedded
    /// one stays quiet so the downloader's output is unchanged).
    pub log: bool,
    /// How long to wait for clients.
    pub timeouts: Timeouts,
    /// With `--tls-cert`: the TLS configuration every connection is accepted with.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Requests whose head was read (answered, or failed on purpose), for the
    /// report at Ctrl-C.
    pub requests: Cell<u64>,
    /// Connections accepted (counted by the accept loop), for the same report.
    pub connections: Cell<u64>,
}

/// A response ready to send: head, body, and whether the connection stays open.
#[derive(Debug)]
struct Response {
    /// Status code, for the log.
    status: u16,
    /// Status line and headers.
    head: Vec<u8>,
    /// The body: bytes shared with the image cache (not copied), or a file to stream.
    body: Body,
    /// Keep the connection open after this response.
    keep_alive: bool,
}

/// Serves requests on `tcp` (after the TLS handshake, with `--tls-cert`) until the client
/// closes, a timeout, or a fault.
pub async fn handle_connection(tcp: TcpStream, shared: Rc<Shared>) {
    let Some(mut stream) = open(tcp, &shared).await else {
        return;
    };
    let mut buf = ReadBuffer::new();
    let mut first = true;
    loop {
        let head = match next_head(&mut stream, &mut buf, first, &shared.timeouts).await {
            Ok(Some(head)) => head,
            Ok(None) => return, // client closed, or idle too long
            Err(HeadReadError::Io(err)) => {
                if shared.log {
                    stderr_line(format_args!("connection closed: {err}"));
                }
                return;
            }
            Err(HeadReadError::Bad(why)) => {
                if shared.log {
                    stderr_line(format_args!("400 bad request head: {why}"));
                }
                let bad = error_response(400, false, false);
                let _ = write_all_within(&mut stream, &bad, shared.timeouts.send).await;
                return;
            }
        };
        first = false;
        let plan = shared.planner.borrow_mut().next_plan();
        let routed = route(&head.method, &head.target);
        let response =
            build_response(&shared.source, &routed, head.keep_alive, &head.conditions).await;
        // Hostile requests get their 400 at once; everything else is delayed and
        // may fail, as the book's slow_server.py does.
        let fault = match routed {
            Route::BadRequest(_) => None,
            _ => plan.fault,
        };
        if !matches!(routed, Route::BadRequest(_)) && !plan.delay.is_zero() {
            runtime::time::sleep(plan.delay).await;
        }
        shared.requests.set(shared.requests.get() + 1);
        if shared.log {
            let fault_note = fault.map(|f| format!(" fault {f:?}")).unwrap_or_default();
            stderr_line(format_args!(
                "{} {} -> {} ({} bytes) after {:.2}s{fault_note}",
                head.method,
                head.target,
                response.status,
                response.body.len(),
                plan.delay.as_secs_f64()
            ));
        }
        let send_limit = shared.timeouts.send;
        let keep_open = match fault {
            None => {
                let len = response.body.len();
                send(&mut stream, response, len, send_limit).await
            }
            Some(fault) => inject(&mut stream, response, fault, send_limit).await,
        };
        match keep_open {
            Ok(true) => {}
            Ok(false) => {
                // A reset must reach the client as RST: a shutdown would send a
                // FIN first (see reset.rs), so that fault just drops the stream.
                if fault != Some(Fault::Reset) {
                    let _ = timeout(send_limit, stream.close()).await;
                }
                return;
            }
            Err(err) => {
                if shared.log {
                    stderr_line(format_args!("connection closed while sending: {err}"));
                }
                return;
            }
        }
    }
}

/// The connection's byte stream: the socket itself, or TLS after a handshake within the
/// head timeout. `None` if the handshake failed (logged) or timed out.
async fn open(tcp: TcpStream, shared: &Shared) -> Option<Transport> {
    let Some(config) = &shared.tls else {
        return Some(Transport::Plain(tcp));
    };
    let failure = match timeout(shared.timeouts.head, accept(tcp, Arc::clone(config))).await {
        Ok(Ok(stream)) => return Some(stream),
        Ok(Err(err)) => err.to_string(),
        Err(_) => "no handshake within the head timeout".to_owned(),
    };
    if shared.log {
        stderr_line(format_args!("TLS handshake failed: {failure}"));
    }
    None
}

/// The next request head, waiting as the module doc says: the first head within
/// the head timeout; on a kept-alive connection, the first bytes of the next head
/// within the idle timeout (unless they came with the previous request), then the
/// rest within the head timeout. `Ok(None)` when the client closed between
/// requests, went quiet, or was idle too long.
async fn next_head(
    stream: &mut Transport,
    buf: &mut ReadBuffer,
    first: bool,
    timeouts: &Timeouts,
) -> Result<Option<RequestHead>, HeadReadError> {
    if !first && buf.is_empty() {
        match timeout(timeouts.idle, stream.read(buf.spare())).await {
            Err(_) | Ok(Ok(0)) => return Ok(None),
            Ok(Ok(n)) => buf.filled_by(n),
            Ok(Err(err)) => return Err(HeadReadError::Io(err)),
        }
    }
    match timeout(timeouts.head, read_head(stream, buf)).await {
        Ok(result) => result,
        Err(_) => Ok(None),
    }
}

/// Why no head could be read.
#[derive(Debug)]
enum HeadReadError {
    /// The socket failed.
    Io(io::Error),
    /// The bytes are not an acceptable head (too large, malformed, has a body).
    Bad(String),
}

/// Reads until `buf` holds a complete head; returns it and drains its bytes.
/// `Ok(None)` when the client closes cleanly between requests.
async fn read_head(
    stream: &mut Transport,
    buf: &mut ReadBuffer,
) -> Result<Option<RequestHead>, HeadReadError> {
    loop {
        match parse_request(buf.data()) {
            Ok(Some((head, len))) => {
                buf.consume(len);
                return Ok(Some(head));
            }
            Ok(None) => {}
            Err(err) => return Err(HeadReadError::Bad(err.to_string())),
        }
        let n = stream.read(buf.spare()).await.map_err(HeadReadError::Io)?;
        if n == 0 {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err(HeadReadError::Bad(
                    "connection closed inside a request head".into(),
                ))
            };
        }
        buf.filled_by(n);
    }
}

/// The normal answer to a routed request; a `--dir` file comes from the warm-file
/// cache or is looked at off the loop, and is answered 304 when `conditions`
/// name its current version.
async fn build_response(
    source: &Source,
    routed: &Route,
    keep_alive: bool,
    conditions: &Conditions,
) -> Response {
    let error = |status: u16, keep_alive: bool, head_only: bool| {
        let (head, body) = error_parts(status, keep_alive);
        Response {
            status,
            head,
            body: Body::Bytes(if head_only {
                Arc::from(&[][..])
            } else {
                Arc::from(body)
            }),
            keep_alive,
        }
    };
    let (found, content_type, head_only) = match routed {
        Route::BadRequest(_) => return error(400, false, false),
        Route::MethodNotAllowed => return error(405, keep_alive, false),
        Route::NotFound => return error(404, keep_alive, false),
        Route::Flag { cc, head_only } => (source.flag(cc).await, "image/gif", *head_only),
        Route::Metadata { cc, head_only } => {
            (source.metadata(cc).await, "application/json", *head_only)
        }
        Route::Index { head_only } => {
            let page = Body::Bytes(index_page(source).await);
            (Ok(Some(page)), "text/html; charset=utf-8", *head_only)
        }
    };
    let no_body = || Body::Bytes(Arc::from(&[][..]));
    match found {
        Ok(Some(body)) => match body.stamp() {
            Some(stamp) if not_modified(conditions, &stamp) => Response {
                status: 304,
                head: not_modified_head(keep_alive, &stamp),
                body: no_body(),
                keep_alive,
            },
            stamp => Response {
                status: 200,
                head: match stamp {
                    Some(stamp) => file_response_head(content_type, body.len(), keep_alive, &stamp),
                    None => response_head(200, content_type, body.len(), keep_alive),
                },
                // HEAD: the length in the head, no body (the file, if any, is closed).
                body: if head_only { no_body() } else { body },
                keep_alive,
            },
        },
        Ok(None) => error(404, keep_alive, head_only),
        Err(_) => error(500, false, head_only),
    }
}

/// Writes the head and the first `body_len` bytes of the body; `Ok(keep_alive)`.
async fn send(
    stream: &mut Transport,
    response: Response,
    body_len: u64,
    limit: Duration,
) -> io::Result<bool> {
    send_response(stream, &response.head, response.body, body_len, limit).await?;
    Ok(response.keep_alive)
}

/// Fails the request on purpose (see `chaos.rs` for what the client sees).
async fn inject(
    stream: &mut Transport,
    response: Response,
    fault: Fault,
    limit: Duration,
) -> io::Result<bool> {
    match fault {
        Fault::Teapot => {
            let teapot = error_response(418, response.keep_alive, false);
            write_all_within(stream, &teapot, limit).await?;
            Ok(response.keep_alive)
        }
        Fault::Internal | Fault::Unavailable => {
            let status = if fault == Fault::Internal { 500 } else { 503 };
            write_all_within(stream, &error_response(status, false, false), limit).await?;
            Ok(false)
        }
        Fault::Reset => {
            super::reset::abort(stream.tcp());
            Ok(false)
        }
        Fault::Truncated => {
            let half = response.body.len() / 2;
            send(stream, response, half, limit).await?;
            Ok(false)
        }
    }
}
