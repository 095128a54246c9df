//! [`Io`]: a `futures_io` stream seen through hyper's I/O traits.
//!
//! hyper does not read sockets through tokio's traits nor through
//! `futures-io`'s; it has its own pair, `hyper::rt::Read` and
//! `hyper::rt::Write`, so that it depends on no runtime. Our
//! `runtime::net::TcpStream` implements the runtime-neutral
//! `futures_io::{AsyncRead, AsyncWrite}`, so one adapter covers it and every
//! other `futures-io` stream (a TLS stream over it, an in-memory pipe in a
//! test). hyper-util's `TokioIo` is the same adapter for tokio's traits.
//!
//! ## Writing
//!
//! Each `hyper::rt::Write` method is the `futures-io` method of the same
//! name (`poll_shutdown` is `poll_close`). One choice is left to the caller:
//! hyper asks [`is_write_vectored`](hyper::rt::Write::is_write_vectored) to
//! decide how to send a message. When it is false, hyper copies the head and
//! each body chunk into one buffer and writes that; when it is true, it keeps
//! them apart and hands them to one `poll_write_vectored` (`writev(2)`).
//! `futures-io` has no way to ask a stream which it prefers, and its default
//! `poll_write_vectored` writes only the first buffer, so [`Io::new`] says
//! false, which is right for any stream. [`Io::with_vectored_writes`] says
//! true, for a stream whose `poll_write_vectored` is a real `writev`, as
//! `runtime::net::TcpStream`'s is (tokio's `TcpStream` says true too).
//!
//! ## Reading, and the one `unsafe` block
//!
//! The two read traits disagree about memory. `futures_io::AsyncRead` reads
//! into `&mut [u8]`, which must be initialised. hyper hands out a
//! `ReadBufCursor` over the spare capacity of its read buffer, which may not
//! be: hyper, like tokio, avoids zeroing memory that a read is about to
//! overwrite. So each read:
//!
//! 1. asks the cursor for its unfilled part as initialised bytes
//!    (`initialize_unfilled`, safe: it zeroes only what the cursor does not
//!    already know to be initialised, and records that it did);
//! 2. reads into those bytes with the inner stream's `poll_read`;
//! 3. checks that the stream did not claim more bytes than it was given (a
//!    broken stream is an `InvalidData` error here, not memory unsafety);
//! 4. moves the cursor's "filled" mark by that count: `advance`, which is
//!    `unsafe` because the cursor must trust that the bytes are initialised.
//!    Step 1 initialised them and step 3 bounds the count, which is the
//!    block's `SAFETY` argument. `tests/read_adapter.rs` runs this path
//!    under Miri.
//!
//! The safe alternative, reading into a buffer of our own and copying with
//! `put_slice`, costs a copy of every byte received and a buffer per
//! connection; step 1 costs a `memset` of the spare capacity per read, which
//! is cheaper for the small reads of an HTTP server. A stream that could
//! read into uninitialised memory (tokio's `AsyncRead` with its `ReadBuf`)
//! would need neither: that is the price of the `&mut [u8]` in
//! `futures-io`'s trait, paid by any adapter from it.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_io::{AsyncRead, AsyncWrite};
use hyper::rt::ReadBufCursor;

/// A `futures_io` stream (our `runtime::net::TcpStream`, or any other) as
/// hyper's `Read + Write`, to hand to hyper's connection builders.
///
/// The stream must be `Unpin` (ours is); wrap a `!Unpin` one in
/// `Box::pin` first.
///
/// ```no_run
/// use runtime::net::TcpStream;
/// use runtime_hyper::Io;
///
/// runtime::run(async {
///     let addr = "127.0.0.1:8080".parse().unwrap();
///     let stream = TcpStream::connect(addr).await?;
///     let (sender, connection) = hyper::client::conn::http1::handshake::<_, String>(
///         Io::with_vectored_writes(stream),
///     )
///     .await
///     .map_err(std::io::Error::other)?;
///     # drop((sender, connection));
///     Ok::<(), std::io::Error>(())
/// })
/// .unwrap();
/// ```
#[derive(Debug)]
pub struct Io<T> {
    /// The wrapped stream; hyper reaches it only through the trait methods.
    inner: T,
    /// What [`is_write_vectored`](hyper::rt::Write::is_write_vectored)
    /// answers: fixed at construction (see the module doc).
    vectored: bool,
}

impl<T> Io<T> {
    /// Wraps `inner`. hyper will flatten each message into one buffer
    /// before writing it, which suits any stream.
    pub fn new(inner: T) -> Io<T> {
        Io {
            inner,
            vectored: false,
        }
    }

    /// Wraps `inner`, telling hyper that its `poll_write_vectored` writes
    /// several buffers at once, so that hyper sends head and body without
    /// copying them together. Use it for `runtime::net::TcpStream`.
    pub fn with_vectored_writes(inner: T) -> Io<T> {
        Io {
            inner,
            vectored: true,
        }
    }

    /// The wrapped stream.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// The wrapped stream, mutably.
    pub fn inner_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Unwraps the stream.
    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<T: AsyncRead + Unpin> hyper::rt::Read for Io<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let dst = buf.initialize_unfilled();
        let offered = dst.len();
        let n = ready!(Pin::new(&mut this.inner).poll_read(cx, dst))?;
        if n > offered {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the stream reported reading {n} bytes into a buffer of {offered}"),
            )));
        }
        // SAFETY: `initialize_unfilled` initialised all `offered` unfilled
        // bytes of `buf` (and recorded it), and `n <= offered` was checked
        // above, so the `n` bytes being marked filled are initialised.
        unsafe { buf.advance(n) };
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite + Unpin> hyper::rt::Write for Io<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.vectored
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_close(cx)
    }
}
