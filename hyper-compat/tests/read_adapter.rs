//! `runtime_hyper::Io` over in-memory streams: the read path (a thread's
//! scratch buffer, copied into hyper's cursor) and the write path.
//!
//! hyper's buffers start uninitialised here (`ReadBuf::uninit` over
//! `MaybeUninit` bytes), as in hyper's own read path. There are no sockets
//! and no runtime, so Miri can run these tests too:
//! `cargo +nightly miri test -p hyper-compat --test read_adapter`.

use std::io::{self, IoSlice};
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use futures_io::{AsyncRead, AsyncWrite};
use hyper::rt::{Read as _, ReadBuf, Write as _};
use runtime_hyper::Io;

/// How long a test may wait for its loop, its peer and its wakes before
/// the watchdog fails it, naming the test (a lost wake or a peer that
/// never answers would otherwise hang the run); each takes well under a
/// second when nothing is lost.
const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(120);

/// A stream that hands out `chunks` one per read (a `Pending` before each
/// one, as a socket with nothing yet to read would), then end of file.
struct Chunks {
    /// What is left to read, first chunk last (popped).
    chunks: Vec<Vec<u8>>,
    /// Whether the next read says `Pending` first.
    pending_next: bool,
}

impl Chunks {
    fn new(chunks: &[&[u8]]) -> Chunks {
        Chunks {
            chunks: chunks.iter().rev().map(|c| c.to_vec()).collect(),
            pending_next: true,
        }
    }
}

impl AsyncRead for Chunks {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        if std::mem::take(&mut self.pending_next) {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.pending_next = true;
        let Some(mut chunk) = self.chunks.pop() else {
            return Poll::Ready(Ok(0));
        };
        let n = chunk.len().min(buf.len());
        buf[..n].copy_from_slice(&chunk[..n]);
        if n < chunk.len() {
            self.chunks.push(chunk.split_off(n));
        }
        Poll::Ready(Ok(n))
    }
}

/// A broken stream that claims to have read more than it was given.
struct Liar;

impl AsyncRead for Liar {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(buf.len() + 1))
    }
}

/// A `futures-io` stream that reads through another `Io`: its reads happen
/// while the outer `Io` has the thread's scratch buffer out.
struct ThroughIo(Io<Chunks>);

impl AsyncRead for ThroughIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let mut inner = ReadBuf::new(buf);
        match Pin::new(&mut self.get_mut().0).poll_read(cx, inner.unfilled()) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(inner.filled().len())),
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Reads once through hyper's trait into `buf`'s unfilled part.
fn read_once<T: AsyncRead + Unpin>(io: &mut Io<T>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
    let mut cx = Context::from_waker(Waker::noop());
    Pin::new(io).poll_read(&mut cx, buf.unfilled())
}

/// Everything `io` yields, read through hyper's trait into uninitialised
/// buffers of `capacity` bytes, until end of file.
fn read_all<T: AsyncRead + Unpin>(io: &mut Io<T>, capacity: usize) -> Vec<u8> {
    let mut all = Vec::new();
    loop {
        let mut storage = vec![MaybeUninit::<u8>::uninit(); capacity];
        let mut buf = ReadBuf::uninit(&mut storage);
        match read_once(io, &mut buf) {
            Poll::Pending => continue, // the stream woke us already
            Poll::Ready(Err(err)) => panic!("read failed: {err}"),
            Poll::Ready(Ok(())) if buf.filled().is_empty() => return all,
            Poll::Ready(Ok(())) => all.extend_from_slice(buf.filled()),
        }
    }
}

#[test]
fn reads_into_uninitialised_memory_and_marks_only_what_was_read() {
    watchdog::within(
        WATCHDOG,
        "reads into uninitialised memory and marks only what was read",
        || {
            let mut io = Io::new(Chunks::new(&[b"hello, ", b"hyper on ", b"our loop"]));
            assert_eq!(read_all(&mut io, 64), b"hello, hyper on our loop");
        },
    );
}

#[test]
fn a_chunk_larger_than_the_buffer_is_split_across_reads() {
    watchdog::within(
        WATCHDOG,
        "a chunk larger than the buffer is split across reads",
        || {
            let big: Vec<u8> = (0..=255).collect();
            let mut io = Io::new(Chunks::new(&[&big]));
            assert_eq!(read_all(&mut io, 7), big);
        },
    );
}

#[test]
fn reads_after_a_partly_filled_buffer() {
    watchdog::within(WATCHDOG, "reads after a partly filled buffer", || {
        // hyper may read into a buffer that already holds bytes: the read goes
        // after them, and the filled part grows by what was read.
        let mut storage = [MaybeUninit::<u8>::uninit(); 16];
        let mut buf = ReadBuf::uninit(&mut storage);
        buf.unfilled().put_slice(b"GET ");
        let mut io = Io::new(Chunks::new(&[b"/ HTTP/1.1"]));
        assert!(read_once(&mut io, &mut buf).is_pending());
        assert!(matches!(read_once(&mut io, &mut buf), Poll::Ready(Ok(()))));
        assert_eq!(buf.filled(), b"GET / HTTP/1.1");
    });
}

#[test]
fn an_io_inside_an_io_reads_correctly() {
    watchdog::within(WATCHDOG, "an io inside an io reads correctly", || {
        let mut io = Io::new(ThroughIo(Io::new(Chunks::new(&[b"nested ", b"reads"]))));
        assert_eq!(read_all(&mut io, 32), b"nested reads");
    });
}

#[test]
fn end_of_file_fills_nothing_and_repeats() {
    watchdog::within(WATCHDOG, "end of file fills nothing and repeats", || {
        let mut io = Io::new(Chunks::new(&[]));
        let mut storage = [MaybeUninit::<u8>::uninit(); 8];
        for _ in 0..3 {
            let mut buf = ReadBuf::uninit(&mut storage);
            assert!(read_once(&mut io, &mut buf).is_pending());
            assert!(matches!(read_once(&mut io, &mut buf), Poll::Ready(Ok(()))));
            assert!(buf.filled().is_empty());
        }
    });
}

#[test]
fn a_stream_that_overstates_its_read_is_an_error() {
    watchdog::within(
        WATCHDOG,
        "a stream that overstates its read is an error",
        || {
            let mut io = Io::new(Liar);
            let mut storage = [MaybeUninit::<u8>::uninit(); 8];
            let mut buf = ReadBuf::uninit(&mut storage);
            match read_once(&mut io, &mut buf) {
                Poll::Ready(Err(err)) => {
                    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
                    assert_eq!(
                        err.to_string(),
                        "the stream reported reading 9 bytes into a buffer of 8"
                    );
                }
                other => panic!("expected InvalidData, got {other:?}"),
            }
            assert!(buf.filled().is_empty(), "nothing is marked filled");
        },
    );
}

/// A stream that records what is written to it and how.
#[derive(Default)]
struct Recorder {
    /// Bytes written, in order.
    written: Vec<u8>,
    /// How many `poll_write_vectored` calls came in.
    vectored_calls: usize,
    /// `poll_flush` calls.
    flushes: usize,
    /// `poll_close` calls.
    closes: usize,
}

impl AsyncWrite for Recorder {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.written.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.vectored_calls += 1;
        let mut n = 0;
        for buf in bufs {
            self.written.extend_from_slice(buf);
            n += buf.len();
        }
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.flushes += 1;
        Poll::Ready(Ok(()))
    }

    fn poll_close(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.closes += 1;
        Poll::Ready(Ok(()))
    }
}

#[test]
fn writes_pass_through_to_the_stream() {
    watchdog::within(WATCHDOG, "writes pass through to the stream", || {
        let mut cx = Context::from_waker(Waker::noop());
        let mut io = Io::with_vectored_writes(Recorder::default());
        assert!(io.is_write_vectored());
        let head = IoSlice::new(b"HTTP/1.1 200 OK\r\n\r\n");
        let body = IoSlice::new(b"hi");
        assert!(matches!(
            Pin::new(&mut io).poll_write_vectored(&mut cx, &[head, body]),
            Poll::Ready(Ok(21))
        ));
        assert!(matches!(
            Pin::new(&mut io).poll_write(&mut cx, b"!"),
            Poll::Ready(Ok(1))
        ));
        assert!(matches!(
            Pin::new(&mut io).poll_flush(&mut cx),
            Poll::Ready(Ok(()))
        ));
        assert!(matches!(
            Pin::new(&mut io).poll_shutdown(&mut cx),
            Poll::Ready(Ok(()))
        ));
        let recorder = io.into_inner();
        assert_eq!(recorder.written, b"HTTP/1.1 200 OK\r\n\r\nhi!");
        assert_eq!(
            (recorder.vectored_calls, recorder.flushes, recorder.closes),
            (1, 1, 1)
        );
    });
}

#[test]
fn new_tells_hyper_to_flatten_its_writes() {
    watchdog::within(WATCHDOG, "new tells hyper to flatten its writes", || {
        assert!(!Io::new(Recorder::default()).is_write_vectored());
    });
}
