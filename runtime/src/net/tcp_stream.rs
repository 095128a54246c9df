//! [`TcpStream`] [asyncio's StreamReader and StreamWriter in one].
//!
//! Every read and write goes through one path to the reactor: the `poll_*`
//! methods, which try the system call and, on `WouldBlock`, leave the task's
//! waker with the reactor (`reactor/registration.rs`). The `async fn`s are
//! thin wrappers over them, and so are the runtime-neutral I/O traits of
//! `futures-io` (`net/io_traits.rs`), which is how other people's code
//! (hyper, TLS adapters) reads and writes our sockets.

use std::fmt;
use std::future::poll_fn;
use std::io::{self, IoSlice, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::task::{Context, Poll, ready};

use super::platform::lend_handle;
use crate::reactor::{Direction, Registration};

/// A connected TCP socket on the current runtime.
///
/// Reads and writes take `&mut self`, so one task owns the stream at a time,
/// as with `std::net::TcpStream`'s `Read` and `Write`.
pub struct TcpStream {
    /// The mio socket (non-blocking).
    io: mio::net::TcpStream,
    /// Its link to the reactor.
    registration: Registration,
}

impl TcpStream {
    /// Opens a connection to `addr` [asyncio.open_connection].
    ///
    /// The connect is non-blocking: the socket is registered, then this
    /// waits for writability and checks the outcome the way mio's docs
    /// prescribe: `take_error()` for a failure, then `peer_addr()`, which
    /// says `NotConnected` if the writable event was spurious.
    pub async fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
        let stream = TcpStream::from_mio(mio::net::TcpStream::connect(addr)?)?;
        poll_fn(|cx| {
            loop {
                if stream
                    .registration
                    .poll_ready(cx, Direction::Write)
                    .is_pending()
                {
                    return Poll::Pending;
                }
                if let Some(err) = stream.io.take_error()? {
                    return Poll::Ready(Err(err));
                }
                match stream.io.peer_addr() {
                    Ok(_) => return Poll::Ready(Ok(())),
                    Err(e) if e.kind() == io::ErrorKind::NotConnected => {
                        stream.registration.clear_ready(Direction::Write);
                    }
                    Err(e) => return Poll::Ready(Err(e)),
                }
            }
        })
        .await?;
        Ok(stream)
    }

    /// Registers an already connected (or connecting) mio stream.
    pub(crate) fn from_mio(mut io: mio::net::TcpStream) -> io::Result<TcpStream> {
        let registration = Registration::new(&mut io)?;
        Ok(TcpStream { io, registration })
    }

    /// Reads what is available, at most `buf.len()` bytes; waits if nothing
    /// is. `Ok(0)` means the peer closed its side (or `buf` is empty).
    pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.poll_read(cx, buf)).await
    }

    /// The poll behind [`read`](Self::read), for hand-written futures and
    /// the I/O traits: reads what is there, or stores the task's waker and
    /// returns `Pending`. After end of file it keeps returning `Ok(0)`; after
    /// a reset it returns the error (`ConnectionReset`).
    pub fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let len = buf.len();
        let n = ready!(
            self.registration
                .poll_io(cx, Direction::Read, || (&self.io).read(buf))
        )?;
        // A short read drained the socket's receive buffer: the next read
        // could only say `WouldBlock`, so wait for the next event instead of
        // paying that syscall (tokio does the same). Not after EOF (`n == 0`):
        // the hang-up event is not repeated, and the next read must see it.
        if n > 0 && n < len {
            self.registration.clear_ready(Direction::Read);
        }
        Poll::Ready(Ok(n))
    }

    /// Reads without waiting: `WouldBlock` if nothing is there yet, `Ok(0)`
    /// if the peer has closed. A connection pool uses this to find idle
    /// connections that the server has closed.
    pub fn try_read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let result = (&self.io).read(buf);
        if matches!(&result, Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
            self.registration.clear_ready(Direction::Read);
        }
        result
    }

    /// Fills `buf` completely [StreamReader.readexactly]. Fails with
    /// `UnexpectedEof` if the peer closes first.
    pub async fn read_exact(&mut self, mut buf: &mut [u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match self.read(buf).await? {
                0 => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "connection closed before the buffer was filled",
                    ));
                }
                n => buf = &mut buf[n..],
            }
        }
        Ok(())
    }

    /// Writes some of `buf`, waiting until at least one byte fits.
    pub async fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| self.poll_write(cx, buf)).await
    }

    /// The poll behind [`write`](Self::write): writes what fits, or stores
    /// the task's waker and returns `Pending`.
    pub fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let n = ready!(
            self.registration
                .poll_io(cx, Direction::Write, || (&self.io).write(buf))
        )?;
        self.after_write(n, buf.len());
        Poll::Ready(Ok(n))
    }

    /// Writes from several buffers with one `writev(2)`, as much as fits
    /// (hyper sends a response's head and body this way).
    pub fn poll_write_vectored(
        &mut self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let len = bufs.iter().map(|b| b.len()).sum();
        let n = ready!(
            self.registration
                .poll_io(cx, Direction::Write, || (&self.io).write_vectored(bufs))
        )?;
        self.after_write(n, len);
        Poll::Ready(Ok(n))
    }

    /// A short write filled the send buffer: the next write would only say
    /// `WouldBlock` (the same reasoning as after a short read).
    fn after_write(&self, written: usize, asked: usize) {
        if written > 0 && written < asked {
            self.registration.clear_ready(Direction::Write);
        }
    }

    /// Nothing to do: the stream keeps no buffer of its own, every write
    /// goes straight to the kernel. Always `Ready(Ok(()))`.
    pub fn poll_flush(&mut self, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Shuts down the sending half (the peer reads end of file), at once:
    /// `shutdown(2)` never blocks.
    pub fn poll_shutdown(&mut self, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.io.shutdown(Shutdown::Write))
    }

    /// Writes all of `buf` [StreamWriter.write + drain].
    pub async fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match self.write(buf).await? {
                0 => {
                    return Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "the socket accepted no bytes",
                    ));
                }
                n => buf = &buf[n..],
            }
        }
        Ok(())
    }

    /// Shuts down the read half, the write half or both [StreamWriter.write_eof
    /// for `Shutdown::Write`].
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.shutdown(how)
    }

    /// Sets `TCP_NODELAY` (turns Nagle's algorithm off).
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.set_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.nodelay()
    }

    /// The remote address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr()
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }
}

lend_handle!(
    /// Lends the socket's handle, for socket options this type does not wrap
    /// (for example `SO_LINGER` through the `socket2` crate). Do not read,
    /// write or close through it: the reactor's readiness flags would go
    /// stale.
    TcpStream
);

impl Drop for TcpStream {
    fn drop(&mut self) {
        self.registration.deregister(&mut self.io);
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpStream")
            .field("local_addr", &self.io.local_addr().ok())
            .field("peer_addr", &self.io.peer_addr().ok())
            .finish()
    }
}
