//! [`TcpListener`] [asyncio.start_server's listening socket].

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;

use super::TcpStream;
use super::platform::{lend_handle, set_backlog};
use crate::reactor::{Direction, Registration};

/// A listening TCP socket on the current runtime.
///
/// ```
/// runtime::run(async {
///     let listener = runtime::net::TcpListener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
///     let addr = listener.local_addr().unwrap();
///     let client = runtime::spawn(async move { runtime::net::TcpStream::connect(addr).await });
///     let (_server_side, peer) = listener.accept().await.unwrap();
///     let client = client.await.unwrap().unwrap();
///     assert_eq!(client.local_addr().unwrap(), peer);
/// });
/// ```
pub struct TcpListener {
    /// The mio socket (non-blocking, `SO_REUSEADDR` set by mio).
    io: mio::net::TcpListener,
    /// Its link to the reactor.
    registration: Registration,
}

impl TcpListener {
    /// Binds and listens on `addr` (port 0 picks a free port), with a
    /// listen backlog of [`DEFAULT_BACKLOG`] connections.
    pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
        TcpListener::bind_with_backlog(addr, DEFAULT_BACKLOG)
    }

    /// Binds and listens on `addr`, letting the kernel queue up to `backlog`
    /// connections that have not been accepted yet (capped by the kernel's
    /// `net.core.somaxconn`). On Windows the backlog stays at mio's 128
    /// (`net/platform.rs` says why).
    ///
    /// The backlog matters for bursts: when 194 flag downloads connect at
    /// once and the queue holds fewer, the kernel drops the extra SYNs and
    /// those clients retry only after a second.
    pub fn bind_with_backlog(addr: SocketAddr, backlog: u32) -> io::Result<TcpListener> {
        let mut io = mio::net::TcpListener::bind(addr)?;
        set_backlog(&io, backlog)?;
        let registration = Registration::new(&mut io)?;
        Ok(TcpListener { io, registration })
    }

    /// Wraps a bound, listening std socket (made on any thread, e.g. by
    /// [`reuseport_listener`](super::reuseport_listener)), sets it
    /// non-blocking, and registers it with the current runtime's reactor
    /// [tokio's `TcpListener::from_std`].
    ///
    /// # Errors
    ///
    /// Outside a runtime, or if the reactor refuses the socket.
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        listener.set_nonblocking(true)?;
        let mut io = mio::net::TcpListener::from_std(listener);
        let registration = Registration::new(&mut io)?;
        Ok(TcpListener { io, registration })
    }

    /// Waits for the next connection and returns it with the peer's address.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, peer) = poll_fn(|cx| {
            self.registration
                .poll_io(cx, Direction::Read, || self.io.accept())
        })
        .await?;
        Ok((TcpStream::from_mio(stream)?, peer))
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }
}

/// tokio's listen backlog (`TcpListener::bind` calls `listen(1024)`).
/// mio's `bind`, like std's, asks for 128.
pub const DEFAULT_BACKLOG: u32 = 1024;

lend_handle!(
    /// Lends the socket's handle, for socket options this type does not wrap.
    TcpListener
);

impl Drop for TcpListener {
    fn drop(&mut self) {
        self.registration.deregister(&mut self.io);
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpListener")
            .field("local_addr", &self.io.local_addr().ok())
            .finish()
    }
}
