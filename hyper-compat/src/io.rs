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
//! ## Reading, without `unsafe`
//!
//! The two read traits disagree about memory. `futures_io::AsyncRead` reads
//! into `&mut [u8]`, which must be initialised. hyper hands out a
//! `ReadBufCursor` over the spare capacity of its read buffer, which may not
//! be: hyper, like tokio, avoids zeroing memory that a read is about to
//! overwrite. There are two ways across:
//!
//! 1. zero the cursor's unfilled part (`initialize_unfilled`, safe), read
//!    into it, then mark the bytes read as filled with `advance`, which is
//!    `unsafe` (the cursor must trust that they are initialised);
//! 2. read into a buffer of our own that is initialised already, then copy
//!    the bytes read into the cursor with `put_slice`, which is safe.
//!
//! We started with the first and measured it: hyper's spare capacity is
//! 8 KiB or more, and it was zeroed on every read, including the reads that
//! find nothing there yet and return `Pending`. A keep-alive server under
//! load zeroed about 24 KB per request that way (three 8 KiB `memset`s),
//! more than tokio spends on the whole request in callgrind's count. The
//! second way copies only the bytes that arrived (a few hundred for a
//! request head), and needs no `unsafe` at all, so it is what `Io` does.
//!
//! The buffer of our own is one per thread ([`SCRATCH_LEN`] bytes, zeroed
//! once), not one per connection: a `poll_read` never waits in the middle,
//! so no two reads on a thread use the buffer at the same time, and every
//! connection on the loop's thread shares it. Each read takes the buffer out
//! of its thread-local slot and puts it back afterwards, so even a stream
//! whose own `poll_read` reads through another `Io` (and finds the slot
//! empty) is correct: it gets a buffer of its own for that read.
//!
//! A stream that could read into uninitialised memory (tokio's `AsyncRead`
//! with its `ReadBuf`) would need neither the zeroing nor the copy; that is
//! the price of the `&mut [u8]` in `futures-io`'s trait. tokio's `TokioIo`
//! pays nothing, and a production adapter for our `TcpStream` alone could
//! read into the cursor with a `poll_read` over `MaybeUninit` bytes, if the
//! runtime offered one.

use std::cell::RefCell;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};
use hyper::rt::ReadBufCursor;

/// Size of each thread's read buffer: the most one read hands to hyper.
/// hyper asks for 8 KiB at first and for more only while reads keep
/// filling its buffer (up to about 400 KiB), so request heads and ordinary
/// responses never meet this cap; a large download takes one read per
/// 64 KiB where tokio's adapter can read up to hyper's full buffer. It is
/// allocated once per thread that reads through an `Io`.
const SCRATCH_LEN: usize = 64 * 1024;

thread_local! {
    /// This thread's read buffer, shared by every `Io` on the thread (see
    /// the module doc); empty until the first read, and while a read has
    /// it out.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

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
        let mut scratch = SCRATCH.take();
        if scratch.is_empty() {
            // First read on this thread, or a read nested in another one.
            scratch = vec![0; SCRATCH_LEN];
        }
        let offered = buf.remaining().min(scratch.len());
        let result = Pin::new(&mut this.inner).poll_read(cx, &mut scratch[..offered]);
        let result = match result {
            Poll::Ready(Ok(n)) if n > offered => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the stream reported reading {n} bytes into a buffer of {offered}"),
            ))),
            Poll::Ready(Ok(n)) => {
                buf.put_slice(&scratch[..n]);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending => Poll::Pending,
        };
        SCRATCH.set(scratch);
        result
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
