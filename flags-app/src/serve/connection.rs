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
//! The task owns its `TcpStream` and its read buffer; nothing else touches them.
//! It shares only [`Shared`] (through an `Rc`: the server runs on one thread), whose
//! planner it borrows for one call per request and never across an `.await`.
//!
//! Reading a head is bounded twice: in bytes ([`MAX_REQUEST_HEAD_BYTES`]) and in time
//! ([`HEAD_TIMEOUT`], which also closes idle keep-alive connections). A slow or silent
//! client therefore costs one parked task and one socket, and never delays others:
//! every connection has its own task.
//!
//! What hyper does differently: it reads and writes through buffered, vectored I/O,
//! pipelines responses, and has separate header-read and keep-alive timeouts.
//!
//! [`MAX_REQUEST_HEAD_BYTES`]: super::head::MAX_REQUEST_HEAD_BYTES

use std::cell::RefCell;
use std::io;
use std::net::Shutdown;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use runtime::net::TcpStream;

use super::chaos::{Fault, Planner};
use super::head::{RequestHead, parse_request};
use super::response::{error_parts, error_response, response_head};
use super::route::{Route, route};
use super::source::Source;
use crate::output::stderr_line;

/// Time allowed to receive a whole request head, and to wait for the next request
/// on an idle keep-alive connection: 10 s (nginx's `client_header_timeout` is 60 s;
/// a flag client sends its head in one packet).
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// Bytes asked of the socket per read.
const READ_CHUNK: usize = 4096;

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
}

/// A response ready to send: head, body, and whether the connection stays open.
#[derive(Debug)]
struct Response {
    /// Status code, for the log.
    status: u16,
    /// Status line and headers.
    head: Vec<u8>,
    /// The body (shared with the image cache, not copied).
    body: Arc<[u8]>,
    /// Keep the connection open after this response.
    keep_alive: bool,
}

/// Serves requests on `stream` until the client closes, a timeout, or a fault.
pub async fn handle_connection(mut stream: TcpStream, shared: Rc<Shared>) {
    let mut buf = Vec::with_capacity(READ_CHUNK);
    loop {
        let head =
            match runtime::time::timeout(HEAD_TIMEOUT, read_head(&mut stream, &mut buf)).await {
                Ok(Ok(Some(head))) => head,
                Ok(Ok(None)) | Err(_) => return, // client closed or went quiet
                Ok(Err(HeadReadError::Io(err))) => {
                    if shared.log {
                        stderr_line(format_args!("connection closed: {err}"));
                    }
                    return;
                }
                Ok(Err(HeadReadError::Bad(why))) => {
                    if shared.log {
                        stderr_line(format_args!("400 bad request head: {why}"));
                    }
                    let _ = stream.write_all(&error_response(400, false, false)).await;
                    return;
                }
            };
        let plan = shared.planner.borrow_mut().next_plan();
        let routed = route(&head.method, &head.target);
        let response = build_response(&shared.source, &routed, head.keep_alive);
        // Hostile requests get their 400 at once; everything else is delayed and
        // may fail, as the book's slow_server.py does.
        let fault = match routed {
            Route::BadRequest(_) => None,
            _ => plan.fault,
        };
        if !matches!(routed, Route::BadRequest(_)) && !plan.delay.is_zero() {
            runtime::time::sleep(plan.delay).await;
        }
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
        let keep_open = match fault {
            None => send(&mut stream, &response, response.body.len()).await,
            Some(fault) => inject(&mut stream, &response, fault).await,
        };
        if !matches!(keep_open, Ok(true)) {
            // A reset must reach the client as RST: a shutdown would send a
            // FIN first (see reset.rs), so that fault just drops the stream.
            if fault != Some(Fault::Reset) {
                let _ = stream.shutdown(Shutdown::Both);
            }
            return;
        }
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
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
) -> Result<Option<RequestHead>, HeadReadError> {
    let mut chunk = [0u8; READ_CHUNK];
    loop {
        match parse_request(buf) {
            Ok(Some((head, len))) => {
                buf.drain(..len);
                return Ok(Some(head));
            }
            Ok(None) => {}
            Err(err) => return Err(HeadReadError::Bad(err.to_string())),
        }
        let n = stream.read(&mut chunk).await.map_err(HeadReadError::Io)?;
        if n == 0 {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err(HeadReadError::Bad(
                    "connection closed inside a request head".into(),
                ))
            };
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// The normal answer to a routed request.
fn build_response(source: &Source, routed: &Route, keep_alive: bool) -> Response {
    let error = |status: u16, keep_alive: bool, head_only: bool| {
        let (head, body) = error_parts(status, keep_alive);
        Response {
            status,
            head,
            body: if head_only {
                Arc::from(&[][..])
            } else {
                Arc::from(body)
            },
            keep_alive,
        }
    };
    match routed {
        Route::BadRequest(_) => error(400, false, false),
        Route::MethodNotAllowed => error(405, keep_alive, false),
        Route::NotFound => error(404, keep_alive, false),
        Route::Flag { cc, head_only } => match source.flag(cc) {
            Ok(Some(gif)) => Response {
                status: 200,
                head: response_head(200, "image/gif", gif.len(), keep_alive),
                body: if *head_only { Arc::from(&[][..]) } else { gif },
                keep_alive,
            },
            Ok(None) => error(404, keep_alive, *head_only),
            Err(_) => error(500, false, *head_only),
        },
        Route::Metadata { cc, head_only } => match source.metadata(cc) {
            Ok(Some(json)) => Response {
                status: 200,
                head: response_head(200, "application/json", json.len(), keep_alive),
                body: if *head_only { Arc::from(&[][..]) } else { json },
                keep_alive,
            },
            Ok(None) => error(404, keep_alive, *head_only),
            Err(_) => error(500, false, *head_only),
        },
    }
}

/// Writes the head and the first `body_len` bytes of the body; `Ok(keep_alive)`.
async fn send(stream: &mut TcpStream, response: &Response, body_len: usize) -> io::Result<bool> {
    stream.write_all(&response.head).await?;
    stream.write_all(&response.body[..body_len]).await?;
    Ok(response.keep_alive)
}

/// Fails the request on purpose (see `chaos.rs` for what the client sees).
async fn inject(stream: &mut TcpStream, response: &Response, fault: Fault) -> io::Result<bool> {
    match fault {
        Fault::Teapot => {
            stream
                .write_all(&error_response(418, response.keep_alive, false))
                .await?;
            Ok(response.keep_alive)
        }
        Fault::Internal | Fault::Unavailable => {
            let status = if fault == Fault::Internal { 500 } else { 503 };
            stream
                .write_all(&error_response(status, false, false))
                .await?;
            Ok(false)
        }
        Fault::Reset => {
            super::reset::abort(stream);
            Ok(false)
        }
        Fault::Truncated => {
            let half = response.body.len() / 2;
            send(stream, response, half).await?;
            Ok(false)
        }
    }
}
