//! Listening sockets shared by the kernel: `SO_REUSEPORT`
//! [asyncio: `loop.create_server(..., reuse_port=True)`; tokio:
//! `TcpSocket::set_reuseport` then `listen`].
//!
//! A set of [`loops`](crate::loops) serving one port needs each loop to
//! accept on its own socket: a socket is registered with one loop's
//! reactor. With `SO_REUSEPORT` set before `bind`, several sockets may
//! listen on the same address and port, and on Linux (3.9 and later) the
//! kernel spreads incoming connections among them by a hash of the
//! connection's addresses and ports. That is what nginx's `listen ...
//! reuseport` does. Each socket has its own accept queue, so no loop waits
//! on another's lock, and there is no thundering herd.
//!
//! ## Platforms
//!
//! - **Linux, Android**: shared and balanced, as above. Only sockets of the
//!   same user may join a group.
//! - **FreeBSD**: `SO_REUSEPORT` alone lets the sockets bind but sends every
//!   connection to one of them; we set `SO_REUSEPORT_LB` (FreeBSD 12 and
//!   later), which balances as Linux does.
//! - **macOS and the other BSDs**: the sockets bind, but the kernel does
//!   not balance: one socket gets the connections. A program still works,
//!   on one loop's worth of accepting.
//! - **Windows, Solaris, illumos**: no such option (Windows'
//!   `SO_REUSEADDR` lets a second socket steal the port, which is not the
//!   same thing). [`reuseport_listener`] returns an `Unsupported` error
//!   that says so, and the fallback is one listener on one loop.
//!
//! ## Port 0
//!
//! Each `bind` to port 0 picks a different free port. To share an
//! ephemeral port, bind the first socket to port 0, read its
//! `local_addr()`, and bind the others to that address.
//!
//! ## Caveat
//!
//! On Linux, closing one socket of the group resets the connections still
//! waiting in *its* accept queue: stop accepting everywhere before closing
//! any, or accept what is queued first. nginx has the same problem on
//! reload.

use std::io;
use std::net::SocketAddr;

use super::TcpListener;

/// Binds a listening socket on `addr` with `SO_REUSEPORT` (and
/// `SO_REUSEADDR`, as mio sets it), queueing up to `backlog` connections:
/// a plain std socket, made on any thread, for a loop to take with
/// [`TcpListener::from_std`]. See the module doc for the platforms.
///
/// ```
/// let first = runtime::net::reuseport_listener("127.0.0.1:0".parse().unwrap(), 128).unwrap();
/// let addr = first.local_addr().unwrap();
/// let second = runtime::net::reuseport_listener(addr, 128).unwrap(); // same port
/// assert_eq!(second.local_addr().unwrap(), addr);
/// ```
///
/// # Errors
///
/// `Unsupported` on a platform without the option (see the module doc);
/// otherwise the error of `socket`, `setsockopt`, `bind` or `listen`, e.g.
/// `AddrInUse` if a socket without `SO_REUSEPORT` (or another user's)
/// holds the port.
pub fn reuseport_listener(addr: SocketAddr, backlog: u32) -> io::Result<std::net::TcpListener> {
    imp::bind(addr, backlog)
}

impl TcpListener {
    /// Binds with `SO_REUSEPORT` ([`reuseport_listener`]) and registers the
    /// socket with the current runtime: one of several listeners on one
    /// port, one per loop.
    ///
    /// ```
    /// runtime::run(async {
    ///     use runtime::net::TcpListener;
    ///     let a = TcpListener::bind_reuseport("127.0.0.1:0".parse().unwrap(), 128).unwrap();
    ///     let b = TcpListener::bind_reuseport(a.local_addr().unwrap(), 128).unwrap();
    ///     assert_eq!(a.local_addr().unwrap(), b.local_addr().unwrap());
    /// });
    /// ```
    ///
    /// # Errors
    ///
    /// As [`reuseport_listener`]; and outside a runtime, or if the reactor
    /// refuses the socket.
    pub fn bind_reuseport(addr: SocketAddr, backlog: u32) -> io::Result<TcpListener> {
        TcpListener::from_std(reuseport_listener(addr, backlog)?)
    }
}

/// Where socket2 has `SO_REUSEPORT`.
#[cfg(all(
    unix,
    not(any(target_os = "solaris", target_os = "illumos", target_os = "cygwin"))
))]
mod imp {
    use std::ffi::c_int;
    use std::io;
    use std::net::SocketAddr;

    use socket2::{Domain, Protocol, Socket, Type};

    /// The socket, its options, `bind` and `listen`.
    pub(super) fn bind(addr: SocketAddr, backlog: u32) -> io::Result<std::net::TcpListener> {
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
        socket.set_reuse_address(true)?;
        socket.set_reuse_port(true)?;
        #[cfg(target_os = "freebsd")]
        socket.set_reuse_port_lb(true)?;
        socket.bind(&addr.into())?;
        socket.listen(c_int::try_from(backlog).unwrap_or(c_int::MAX))?;
        Ok(socket.into())
    }
}

/// Where there is no `SO_REUSEPORT`: a clear error.
#[cfg(not(all(
    unix,
    not(any(target_os = "solaris", target_os = "illumos", target_os = "cygwin"))
)))]
mod imp {
    use std::io;
    use std::net::SocketAddr;

    /// Always `Unsupported`.
    pub(super) fn bind(addr: SocketAddr, _backlog: u32) -> io::Result<std::net::TcpListener> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!(
                "cannot share {addr} between listeners: this platform has no SO_REUSEPORT; \
                 use one listener on one loop"
            ),
        ))
    }
}
