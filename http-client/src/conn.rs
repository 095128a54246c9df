//! One connection to a server and its read buffer.
//!
//! A [`Conn`] owns the byte stream (a TCP socket, or TLS over one) and the bytes read from it
//! but not yet used. Bytes arrive in
//! [`READ_CHUNK`]-sized reads; the head parser and the body decoder take them from the front.
//! Whatever a read brings beyond the current message stays in the buffer; for a pooled
//! connection it must be empty (a server that sends bytes nobody asked for is not reused).
//!
//! ```text
//!   buf: [ consumed | unread ......... | spare capacity ]
//!          0        start              end              buf.len()
//! ```
//!
//! Every wait on the socket goes through [`Deadline::run`], which applies the phase's timeout
//! (write or read, each wait afresh) or, when it is sooner, what is left of the request's total
//! timeout, and names the phase that ran out in [`Error::Timeout`]. A connection also holds its
//! [`Slot`] (see `slots.rs`) for as long as it is open.
//!
//! The stream is a [`Transport`]: a plain `TcpStream` for `http://`, a
//! [`TlsStream`](crate::tls::TlsStream) over one for `https://` (see the `tls` module). It is
//! chosen once, in [`Conn::connect`], and everything above `read_more` / `write_all` /
//! `is_idle_and_open` works on plaintext without knowing which it is.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use runtime::net::TcpStream;

use crate::deadline::Deadline;
use crate::error::{Error, TimeoutPhase};
use crate::slots::Slot;
use crate::tls::{self, Transport};
use crate::url::Url;

/// Bytes asked for per `read` call. hyper starts at 8 KiB (`INIT_BUFFER_SIZE`) and adapts the
/// size to what reads return; a fixed 16 KiB is simpler and large enough that a flag image
/// (a few KiB) usually arrives with its head in one read.
const READ_CHUNK: usize = 16 * 1024;

/// A connection and its read buffer.
#[derive(Debug)]
pub(crate) struct Conn {
    /// The byte stream: the socket, or TLS over it.
    stream: Transport,
    /// Read buffer; `buf[start..end]` holds bytes read but not yet used.
    buf: Vec<u8>,
    /// Start of the unread bytes in `buf`.
    start: usize,
    /// End of the unread bytes in `buf`.
    end: usize,
    /// Whether this connection already carried a response (it came from the pool).
    pub(crate) reused: bool,
    /// The connection slot this connection occupies; freed when the connection is dropped.
    _slot: Slot,
}

impl Conn {
    /// Connects to the first of `addrs` that accepts, in the connection slot `slot`, then, with
    /// a `tls` configuration (an `https` URL), runs the TLS handshake with `url`'s host. The
    /// caller applies the connect timeout (around resolving, connecting and the handshake).
    pub(crate) async fn connect(
        addrs: &[SocketAddr],
        url: &Url,
        tls: Option<Arc<rustls::ClientConfig>>,
        slot: Slot,
    ) -> Result<Conn, Error> {
        let mut last = io::Error::new(io::ErrorKind::NotFound, "no addresses to connect to");
        let mut connected = None;
        for addr in addrs {
            match TcpStream::connect(*addr).await {
                Ok(stream) => {
                    connected = Some(stream);
                    break;
                }
                Err(e) => last = e,
            }
        }
        let stream = connected.ok_or_else(|| Error::Connect {
            addr: url.authority(),
            source: last,
        })?;
        // Requests are written in one piece and must not wait for an ACK (Nagle's algorithm).
        stream.set_nodelay(true)?;
        let stream = match tls {
            None => Transport::Plain(stream),
            Some(config) => match tls::connect(stream, url.host(), config).await {
                Ok(tls) => Transport::Tls(Box::new(tls)),
                Err(failure) => {
                    return Err(Error::Tls {
                        host: url.authority(),
                        failure,
                    });
                }
            },
        };
        Ok(Conn {
            stream,
            buf: vec![0; READ_CHUNK],
            start: 0,
            end: 0,
            reused: false,
            _slot: slot,
        })
    }

    /// The bytes read but not yet used.
    pub(crate) fn unread(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Marks the first `n` unread bytes as used.
    pub(crate) fn consume(&mut self, n: usize) {
        self.start += n;
        debug_assert!(self.start <= self.end);
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Reads more bytes from the socket into the buffer, keeping the unread ones, waiting at
    /// most `read_timeout` for them (the time since the last bytes, not since the response
    /// began). Returns how many arrived; 0 means the server closed the connection.
    pub(crate) async fn read_more(
        &mut self,
        read_timeout: Duration,
        deadline: &Deadline,
    ) -> Result<usize, Error> {
        if self.buf.len() - self.end < READ_CHUNK {
            // Move the unread bytes to the front, then grow if that is not room enough
            // (a head larger than one chunk).
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
            if self.buf.len() - self.end < READ_CHUNK {
                self.buf.resize(self.end + READ_CHUNK, 0);
            }
        }
        let spare = &mut self.buf[self.end..];
        let n = deadline
            .run(TimeoutPhase::Read, read_timeout, self.stream.read(spare))
            .await??;
        self.end += n;
        Ok(n)
    }

    /// Writes all of `bytes`. Each wait for room in the socket's send buffer gets
    /// `write_timeout` afresh, as httpx's write timeout: a request that keeps moving never
    /// times out, one the server stops taking does. Over TLS, the last records are flushed
    /// within one more such wait.
    pub(crate) async fn write_all(
        &mut self,
        mut bytes: &[u8],
        write_timeout: Duration,
        deadline: &Deadline,
    ) -> Result<(), Error> {
        while !bytes.is_empty() {
            let written = deadline
                .run(TimeoutPhase::Write, write_timeout, self.stream.write(bytes))
                .await??;
            if written == 0 {
                return Err(Error::Io(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "the connection took no more bytes of the request",
                )));
            }
            bytes = &bytes[written..];
        }
        deadline
            .run(TimeoutPhase::Write, write_timeout, self.stream.flush())
            .await??;
        Ok(())
    }

    /// Whether an idle connection is still usable: the server has neither closed it nor sent
    /// anything (an idle connection has nothing to say; bytes there mean trouble). Over TLS,
    /// records that carry no data (session tickets) are not trouble; see
    /// [`Transport::is_idle_and_open`].
    pub(crate) fn is_idle_and_open(&mut self) -> bool {
        if self.start != self.end {
            return false;
        }
        self.stream.is_idle_and_open()
    }
}
