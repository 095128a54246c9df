//! [`TlsStream`]: rustls's connection state machine, driven over one of the runtime's sockets.
//!
//! rustls does no I/O. A [`rustls::Connection`] is a state machine with two buffers: records
//! received but not yet decrypted, and records to send. The owner moves bytes between those
//! buffers and a socket ([`read_tls`](rustls::Connection::read_tls),
//! [`write_tls`](rustls::Connection::write_tls)), tells it to decrypt what arrived
//! ([`process_new_packets`](rustls::Connection::process_new_packets)), and exchanges
//! plaintext with it through [`reader`](rustls::Connection::reader) and
//! [`writer`](rustls::Connection::writer). This file is that owner for our runtime.
//!
//! # The seam
//!
//! `read_tls` and `write_tls` take a `std::io::Read` / `Write`. `PollIo` is one that calls the
//! socket's `poll_read` / `poll_write_vectored` with the current task's `Context`, and turns
//! `Pending` into `WouldBlock`. So when rustls's read or write of the socket "would block",
//! the task's waker is already with the reactor, and the `poll_*` method that called rustls
//! returns `Pending`; the reactor wakes the task when the socket is ready, and the next poll
//! goes round the same loop again. Nothing here sleeps or spins.
//!
//! # Which wait waits on which readiness
//!
//! [`TlsStream::handshake`] loops: send every record rustls has queued (waits on
//! **writable**), stop if the handshake is done, else receive the peer's next flight (waits on
//! **readable**) and process it. For a TLS 1.3 client:
//!
//! ```text
//!   client (us)                                      server
//!   ClientHello (SNI, ALPN "http/1.1")  ── writable ──▶
//!                                       ◀── readable ── ServerHello, EncryptedExtensions,
//!                                                       Certificate, CertificateVerify, Finished
//!   process: verify the chain and the name; the handshake is over for rustls
//!   Finished                            ── writable ──▶
//!   (handshake returns; the request is the next write)
//!                                       ◀── readable ── NewSessionTicket (taken in passing by the
//!                                                       first read of the response)
//! ```
//!
//! TLS 1.2 has one more round trip (the client waits for the server's Finished); the loop is
//! the same. A server ([`rustls::ServerConnection`]) starts with the receive half.
//!
//! After the handshake:
//!
//! - [`poll_read`](TlsStream::poll_read): plaintext rustls already holds is returned at once;
//!   otherwise receive records (**readable**), decrypt, try again. One socket read may bring
//!   several records, or a part of one; a record that brings no plaintext (a session ticket)
//!   just goes round the loop.
//! - [`poll_write`](TlsStream::poll_write): rustls encrypts the plaintext into records at once;
//!   they are handed to the socket as far as it takes them without waiting. What it does not
//!   take goes with the next write, or with [`poll_flush`](TlsStream::poll_flush), which waits
//!   on **writable** until every record is out. A writer must flush, as with any buffered
//!   writer.
//! - [`poll_close`](TlsStream::poll_close): queue a `close_notify` alert, flush, shut down the
//!   socket's sending half.
//!
//! Records rustls queues while reading (the answer to a key update) go out with the next write
//! or flush, as in tokio-rustls; an HTTP client always writes again before it waits to read.
//!
//! # End of stream
//!
//! A peer that sends `close_notify` closes cleanly: reads return `Ok(0)`. A TCP close without
//! it is reported as an `UnexpectedEof` error, because an attacker on the path can forge a TCP
//! close but not a `close_notify`; whether a body cut there is complete is the HTTP framing's
//! call (see `response.rs`).
//!
//! # What production code does differently
//!
//! tokio-rustls and futures-rustls are the same state machine behind their runtime's I/O
//! traits; they also split a stream into read and write halves and support 0-RTT early data.
//! They read records into rustls's own buffer exactly as here. kTLS would hand the record
//! layer to the kernel after the handshake.

use std::future::poll_fn;
use std::io::{self, IoSlice, Read, Write};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use runtime::net::TcpStream;
use rustls::Connection;

/// A TLS session over a connected TCP socket, on the runtime's reactor.
///
/// Built by [`TlsStream::handshake`], from a [`rustls::ClientConnection`] (the HTTP client) or
/// a [`rustls::ServerConnection`] (the flag server). It implements `futures_io::AsyncRead` and
/// `AsyncWrite`, and has `async fn` equivalents.
pub struct TlsStream {
    /// The socket that carries the records. Only this stream reads and writes it.
    tcp: TcpStream,
    /// rustls's side: the handshake state, the keys, received records not yet processed,
    /// decrypted plaintext not yet read, and records not yet sent.
    tls: Connection,
}

impl std::fmt::Debug for TlsStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsStream")
            .field("tcp", &self.tcp)
            .field("protocol", &self.tls.protocol_version())
            .finish_non_exhaustive()
    }
}

impl TlsStream {
    /// Runs the handshake of `tls` over `tcp` and returns the stream ready for data.
    ///
    /// # Errors
    ///
    /// An `InvalidData` error whose inner error is the [`rustls::Error`] (a certificate that
    /// does not verify, an alert from the peer, bytes that are not TLS), found with
    /// `err.get_ref()`; `UnexpectedEof` if the peer closed during the handshake; any error of
    /// the socket. The caller bounds the time (the client's connect timeout).
    pub async fn handshake(tcp: TcpStream, tls: impl Into<Connection>) -> io::Result<TlsStream> {
        let mut stream = TlsStream {
            tcp,
            tls: tls.into(),
        };
        poll_fn(|cx| stream.poll_handshake(cx)).await?;
        Ok(stream)
    }

    /// One step of the handshake loop (module doc).
    fn poll_handshake(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            ready!(self.poll_send_records(cx))?;
            if !self.tls.is_handshaking() {
                return Poll::Ready(Ok(()));
            }
            if ready!(self.poll_receive_records(cx))? == 0 {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the peer closed the connection during the TLS handshake",
                )));
            }
        }
    }

    /// Reads what the socket has into rustls and processes it; `Ok(0)` at the socket's end of
    /// file (rustls notes it, and its reader then reports how the stream ended).
    fn poll_receive_records(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let mut socket = PollIo {
            tcp: &mut self.tcp,
            cx,
        };
        let received = ready!(would_block_is_pending(self.tls.read_tls(&mut socket)))?;
        if let Err(err) = self.tls.process_new_packets() {
            // rustls has queued an alert that tells the peer why; send it if the socket takes
            // it now, without waiting for it.
            let _ = self.tls.write_tls(&mut socket);
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, err)));
        }
        Poll::Ready(Ok(received))
    }

    /// Writes every record rustls has queued; `Pending` while the socket's send buffer is full.
    fn poll_send_records(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.tls.wants_write() {
            let mut socket = PollIo {
                tcp: &mut self.tcp,
                cx,
            };
            if ready!(would_block_is_pending(self.tls.write_tls(&mut socket)))? == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Reads decrypted bytes into `buf`: `Ok(0)` after the peer's `close_notify`,
    /// `UnexpectedEof` after a TCP close without it (module doc).
    pub fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        loop {
            match self.tls.reader().read(buf) {
                Ok(n) => return Poll::Ready(Ok(n)),
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
                Err(err) => return Poll::Ready(Err(err)),
            }
            ready!(self.poll_receive_records(cx))?;
        }
    }

    /// Encrypts some of `buf` and starts sending it; returns how much was taken. Call
    /// [`poll_flush`](Self::poll_flush) to wait until it is all on the socket.
    pub fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let mut taken = self.tls.writer().write(buf)?;
        if taken == 0 {
            // rustls's buffer of unsent records is at its limit: make room, then try again.
            ready!(self.poll_send_records(cx))?;
            taken = self.tls.writer().write(buf)?;
            if taken == 0 {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "the TLS session takes no more data (it is closing)",
                )));
            }
        }
        // Whatever the socket does not take now goes with the next write or flush.
        if let Poll::Ready(Err(err)) = self.poll_send_records(cx) {
            return Poll::Ready(Err(err));
        }
        Poll::Ready(Ok(taken))
    }

    /// Waits until every record is on the socket.
    pub fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_send_records(cx)
    }

    /// Sends `close_notify`, flushes, and shuts down the socket's sending half.
    pub fn poll_close(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // rustls queues the alert once, however often this is called.
        self.tls.send_close_notify();
        ready!(self.poll_send_records(cx))?;
        self.tcp.poll_shutdown(cx)
    }

    /// Reads decrypted bytes into `buf`, waiting for them [`poll_read`](Self::poll_read).
    pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.poll_read(cx, buf)).await
    }

    /// Encrypts some of `buf`, waiting for room if rustls has none
    /// [`poll_write`](Self::poll_write).
    pub async fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| self.poll_write(cx, buf)).await
    }

    /// Waits until every record is on the socket [`poll_flush`](Self::poll_flush).
    pub async fn flush(&mut self) -> io::Result<()> {
        poll_fn(|cx| self.poll_flush(cx)).await
    }

    /// Closes the session cleanly [`poll_close`](Self::poll_close).
    pub async fn close(&mut self) -> io::Result<()> {
        poll_fn(|cx| self.poll_close(cx)).await
    }

    /// Whether an idle connection is still usable, without waiting: processes whatever has
    /// arrived since the last read (TLS 1.3 session tickets may arrive after the response
    /// they follow), and answers `false` if that holds data, a `close_notify`, an error, or
    /// the socket's end of file.
    pub fn is_idle_and_open(&mut self) -> bool {
        loop {
            match self.tls.process_new_packets() {
                Ok(state) if state.plaintext_bytes_to_read() == 0 && !state.peer_has_closed() => {}
                _ => return false,
            }
            match self.tls.read_tls(&mut TryIo(&mut self.tcp)) {
                Ok(0) => return false,
                Ok(_) => {} // records: processed on the next turn
                Err(err) => return err.kind() == io::ErrorKind::WouldBlock,
            }
        }
    }

    /// The socket, for its address and options (not for reading or writing: the bytes on it
    /// are records, which only this stream may move).
    pub fn get_ref(&self) -> &TcpStream {
        &self.tcp
    }

    /// The application protocol agreed by ALPN, if any (`b"http/1.1"`).
    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.tls.alpn_protocol()
    }
}

/// `Pending` for the `WouldBlock` that `PollIo` makes of a socket's `Pending` (its waker is
/// with the reactor by then), `Ready` for anything else.
fn would_block_is_pending<T>(result: io::Result<T>) -> Poll<io::Result<T>> {
    match result {
        Err(err) if err.kind() == io::ErrorKind::WouldBlock => Poll::Pending,
        other => Poll::Ready(other),
    }
}

/// `std::io::Read` and `Write` over the socket's poll methods, for rustls's `read_tls` and
/// `write_tls`: `Pending` becomes `WouldBlock`.
struct PollIo<'a, 'b> {
    /// The socket.
    tcp: &'a mut TcpStream,
    /// The polling task's context, whose waker the socket stores when it is not ready.
    cx: &'a mut Context<'b>,
}

impl Read for PollIo<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.tcp.poll_read(self.cx, buf) {
            Poll::Ready(result) => result,
            Poll::Pending => Err(io::ErrorKind::WouldBlock.into()),
        }
    }
}

impl Write for PollIo<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.tcp.poll_write(self.cx, buf) {
            Poll::Ready(result) => result,
            Poll::Pending => Err(io::ErrorKind::WouldBlock.into()),
        }
    }

    /// rustls hands over its queued records as a list of slices: one `writev(2)`.
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        match self.tcp.poll_write_vectored(self.cx, bufs) {
            Poll::Ready(result) => result,
            Poll::Pending => Err(io::ErrorKind::WouldBlock.into()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `std::io::Read` over the socket's non-waiting `try_read`, for the idle check.
struct TryIo<'a>(&'a mut TcpStream);

impl Read for TryIo<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.try_read(buf)
    }
}

impl futures_io::AsyncRead for TlsStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().poll_read(cx, buf)
    }
}

impl futures_io::AsyncWrite for TlsStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().poll_close(cx)
    }
}
