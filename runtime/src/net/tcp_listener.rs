//! [`TcpListener`] [asyncio.start_server's listening socket].

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;

use super::TcpStream;
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
    /// Binds and listens on `addr` (port 0 picks a free port).
    pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
        let mut io = mio::net::TcpListener::bind(addr)?;
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
