//! [`Response`]: the head of a response, and its body read on demand from the connection.
//!
//! [`Client::send`](crate::RequestBuilder::send) returns as soon as the head has arrived; the
//! body stays in the socket until the caller asks for it with [`Response::bytes`],
//! [`Response::text`] or, piece by piece, [`Response::chunk`]. The connection belongs to the
//! response until then:
//!
//! ```text
//!   send() ──▶ Response { body: BodyReader { conn: Some, decoder } }
//!                 │ chunk()/bytes(): read socket → decoder → caller's bytes
//!                 ▼
//!   decoder done ─┬─ keep-alive ──▶ connection back to the pool
//!                 └─ otherwise, or requests wait for a connection slot ──▶ connection closed
//!   Response dropped before the end ──▶ connection closed (never pooled half-read)
//! ```
//!
//! A body without bytes (HEAD, 204, 304, `Content-Length: 0`) is done at once, so its
//! connection returns to the pool before `send` even returns.

use std::cell::RefCell;
use std::fmt;
use std::io;
use std::rc::Rc;
use std::time::Duration;

use crate::body::BodyDecoder;
use crate::conn::Conn;
use crate::deadline::Deadline;
use crate::error::Error;
use crate::head::ResponseHead;
use crate::headers::Headers;
use crate::phases;
use crate::pool::{Pool, PoolKey};
use crate::slots::Slots;
use crate::url::Url;
use crate::wire::Version;

/// Most bytes read from a redirect's body to keep its connection; a longer body closes it
/// instead (reading it would cost more than a new connection).
const REDIRECT_DRAIN_BYTES: u64 = 64 * 1024;

/// The body of a response and what is needed to read it; the client builds it after the head.
pub(crate) struct BodyReader {
    /// The connection, until the body is done (then pooled or closed) or failed (closed).
    pub(crate) conn: Option<Conn>,
    /// Framing and progress.
    pub(crate) decoder: BodyDecoder,
    /// Whether the connection may be pooled once the body is done.
    pub(crate) keep_alive: bool,
    /// Where to pool it.
    pub(crate) key: PoolKey,
    /// The client's pool, to give the connection back to.
    pub(crate) pool: Rc<RefCell<Pool>>,
    /// The client's connection slots: when requests wait for one, the connection is closed
    /// rather than pooled.
    pub(crate) slots: Rc<Slots>,
    /// The client's read timeout, for each wait for body bytes.
    pub(crate) read_timeout: Duration,
    /// The request's total deadline, which also bounds body reads.
    pub(crate) deadline: Deadline,
}

/// A response [aiohttp.ClientResponse].
pub struct Response {
    /// Status code, 100–599.
    status: u16,
    /// HTTP version.
    version: Version,
    /// Reason phrase as sent.
    reason: String,
    /// Header fields.
    headers: Headers,
    /// The URL this response came from (the last one, after redirects).
    url: Url,
    /// The body.
    body: BodyReader,
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("version", &self.version)
            .field("url", &self.url.to_string())
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl Response {
    /// Wraps a parsed head and the reader of its body.
    pub(crate) fn new(head: ResponseHead, url: Url, mut body: BodyReader) -> Response {
        if body.decoder.is_done() {
            body.release();
        }
        Response {
            status: head.status,
            version: head.version,
            reason: head.reason,
            headers: head.headers,
            url,
            body,
        }
    }

    /// The status code [aiohttp `resp.status`].
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The reason phrase the server sent [aiohttp `resp.reason`].
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The HTTP version [aiohttp `resp.version`].
    pub fn version(&self) -> Version {
        self.version
    }

    /// The header fields, looked up case-insensitively [aiohttp `resp.headers`].
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The URL of this response, after redirects [aiohttp `resp.url`].
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Turns a 4xx or 5xx status into [`Error::Status`] [aiohttp `resp.raise_for_status()`].
    /// The connection is closed (the body is not read).
    pub fn error_for_status(self) -> Result<Response, Error> {
        if (400..=599).contains(&self.status) {
            return Err(Error::Status {
                code: self.status,
                reason: self.reason.clone(),
                url: self.url.to_string(),
            });
        }
        Ok(self)
    }

    /// The next piece of the body, `None` at its end [aiohttp `resp.content.readany()`].
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>, Error> {
        if self.body.decoder.received() == 0 {
            phases::mark(phases::READING_THE_BODY);
        }
        let mut out = Vec::new();
        while out.is_empty() {
            match self.body.fill(&mut out).await {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    phases::end();
                    return Err(e);
                }
            }
        }
        if out.is_empty() {
            phases::end();
        }
        Ok((!out.is_empty()).then_some(out))
    }

    /// The whole body [aiohttp `await resp.read()`].
    pub async fn bytes(mut self) -> Result<Vec<u8>, Error> {
        phases::mark(phases::READING_THE_BODY);
        let mut out = Vec::with_capacity(self.body.decoder.size_hint());
        let read = loop {
            match self.body.fill(&mut out).await {
                Ok(true) => {}
                Ok(false) => break Ok(out),
                Err(e) => break Err(e),
            }
        };
        phases::end();
        read
    }

    /// The whole body as text; bytes that are not UTF-8 become U+FFFD
    /// [aiohttp `await resp.text()`, which also replaces what it cannot decode].
    pub async fn text(self) -> Result<String, Error> {
        let bytes = self.bytes().await?;
        Ok(match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }

    /// Reads and discards a redirect's body so that its connection can be reused; closes the
    /// connection instead when the body is long or broken.
    pub(crate) async fn discard(mut self) {
        let mut sink = Vec::new();
        while self.body.decoder.received() < REDIRECT_DRAIN_BYTES {
            sink.clear();
            match self.body.fill(&mut sink).await {
                Ok(true) => {}
                Ok(false) | Err(_) => return,
            }
        }
    }
}

impl BodyReader {
    /// Appends decoded body bytes to `out`, reading the socket when the buffer has none.
    /// Returns `false` once the body is complete.
    async fn fill(&mut self, out: &mut Vec<u8>) -> Result<bool, Error> {
        if self.decoder.is_done() {
            return Ok(false);
        }
        let Some(conn) = self.conn.as_mut() else {
            return Err(Error::protocol("body read again after an earlier error"));
        };
        if conn.unread().is_empty() {
            let read = conn.read_more(self.read_timeout, &self.deadline).await;
            let closed = match read {
                Ok(n) => n == 0,
                // A TLS server that closes without `close_notify`. For a body that carries its
                // own length this is just a close: the decoder says whether the body was
                // whole. For a body that ends at the close, a forged TCP close could cut it
                // anywhere, so it stays an error.
                Err(Error::Io(e))
                    if e.kind() == io::ErrorKind::UnexpectedEof
                        && self.decoder.is_self_delimited() =>
                {
                    true
                }
                Err(e) => {
                    self.conn = None;
                    return Err(e);
                }
            };
            if closed {
                // Server closed: the end of an until-close body, or a truncated one.
                self.conn = None;
                self.decoder.eof()?;
                return Ok(!self.decoder.is_done());
            }
        }
        let Some(conn) = self.conn.as_mut() else {
            return Ok(false);
        };
        match self.decoder.decode(conn.unread(), out) {
            Ok(used) => conn.consume(used),
            Err(e) => {
                self.conn = None;
                return Err(e);
            }
        }
        if self.decoder.is_done() {
            self.release();
            return Ok(false);
        }
        Ok(true)
    }

    /// The body is complete: pool the connection if allowed and no request is waiting for
    /// its slot, else close it.
    fn release(&mut self) {
        if let Some(conn) = self.conn.take()
            && self.keep_alive
            && !self.slots.contended()
        {
            self.pool.borrow_mut().put(self.key.clone(), conn);
        }
    }
}
