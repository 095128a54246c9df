//! `futures_io::AsyncRead` and `AsyncWrite` for [`TcpStream`]: the seam
//! through which code written for no particular runtime uses our sockets.
//!
//! The async ecosystem has two families of I/O traits: tokio's
//! `tokio::io::{AsyncRead, AsyncWrite}` (with a `ReadBuf` that tracks
//! initialised memory), and the runtime-neutral `futures_io::{AsyncRead,
//! AsyncWrite}` (plain `&mut [u8]`), which smol, `futures` and most
//! adapters use. `futures-io` is a crate of traits and nothing else, so
//! implementing it costs the runtime no code it does not own. hyper has its
//! own `hyper::rt::{Read, Write}`; the `runtime_hyper` crate of this
//! workspace bridges to them from these.
//!
//! Each method is the matching `poll_*` of [`TcpStream`], so the traits add
//! no second path to the reactor. `poll_close` shuts down the sending half,
//! which is what closing means for a TCP stream that may still be read.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::tcp_stream::TcpStream;

impl futures_io::AsyncRead for TcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().poll_read(cx, buf)
    }
}

impl futures_io::AsyncWrite for TcpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().poll_shutdown(cx)
    }
}
