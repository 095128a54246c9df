//! What differs between operating systems for the runtime's sockets, in one
//! place.
//!
//! mio hides most of it: the reactor's `mio::Poll` is epoll on Linux, kqueue
//! on macOS and the BSDs, and IOCP (with the AFD driver's readiness polls) on
//! Windows, so the reactor itself has no platform code. Two things remain:
//!
//! | what                          | Unix (Linux, macOS, BSDs)                      | Windows                                |
//! |-------------------------------|------------------------------------------------|----------------------------------------|
//! | the socket's handle, lent out | `AsFd`, `AsRawFd` (a file descriptor)          | `AsSocket`, `AsRawSocket` (a `SOCKET`) |
//! | the listen backlog            | `listen(2)` called again with the new backlog  | stays at mio's 128 (see below)         |
//!
//! Either pair of handle traits is what the `socket2` crate's `SockRef::from`
//! takes, so code that sets an option this runtime does not wrap (`SO_LINGER`,
//! say) compiles unchanged on every platform. [`lend_handle!`] writes those
//! impls for a socket type; the socket files invoke it, so this file imports
//! nothing from them.
//!
//! ## The backlog on Windows
//!
//! mio's `bind` listens with std's backlog of 128 and offers no way to pass
//! another. On Unix, calling `listen` again on a listening socket changes its
//! backlog, and [`set_backlog`] does that. Winsock documents that a second
//! `listen` on a listening socket succeeds "without changing the value for the
//! backlog parameter", so there is nothing to call: on Windows [`set_backlog`]
//! returns `Ok` and the listener queues 128 connections. The way to a real
//! backlog there is to create the socket ourselves (the `socket2` crate:
//! create, bind, `listen(backlog)`, then hand it to mio), as tokio does.

/// Implements the platform's handle-lending traits (`AsFd` and `AsRawFd` on
/// Unix, `AsSocket` and `AsRawSocket` on Windows) for a socket type whose
/// `io` field is a mio socket. Doc comments before the type go on the impls.
macro_rules! lend_handle {
    ($(#[$doc:meta])* $socket:ty) => {
        $(#[$doc])*
        #[cfg(unix)]
        impl std::os::fd::AsFd for $socket {
            fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
                std::os::fd::AsFd::as_fd(&self.io)
            }
        }

        #[cfg(unix)]
        impl std::os::fd::AsRawFd for $socket {
            fn as_raw_fd(&self) -> std::os::fd::RawFd {
                std::os::fd::AsRawFd::as_raw_fd(&self.io)
            }
        }

        $(#[$doc])*
        #[cfg(windows)]
        impl std::os::windows::io::AsSocket for $socket {
            fn as_socket(&self) -> std::os::windows::io::BorrowedSocket<'_> {
                std::os::windows::io::AsSocket::as_socket(&self.io)
            }
        }

        #[cfg(windows)]
        impl std::os::windows::io::AsRawSocket for $socket {
            fn as_raw_socket(&self) -> std::os::windows::io::RawSocket {
                std::os::windows::io::AsRawSocket::as_raw_socket(&self.io)
            }
        }
    };
}

pub(super) use lend_handle;

#[cfg(unix)]
pub(super) use unix::set_backlog;
#[cfg(windows)]
pub(super) use windows::set_backlog;

#[cfg(unix)]
mod unix {
    use std::ffi::c_int;
    use std::io;
    use std::os::fd::AsRawFd;

    /// Calls `listen(2)` again on a listening socket, which on Linux and the
    /// BSDs (macOS among them) only changes its backlog.
    ///
    /// We declare the one libc function we need instead of adding a
    /// dependency to the runtime on every Unix (it has `libc` on Linux only,
    /// for the timerfd).
    pub fn set_backlog(listener: &mio::net::TcpListener, backlog: u32) -> io::Result<()> {
        unsafe extern "C" {
            /// `int listen(int sockfd, int backlog)` from the C library.
            fn listen(sockfd: c_int, backlog: c_int) -> c_int;
        }
        let backlog = c_int::try_from(backlog).unwrap_or(c_int::MAX);
        // SAFETY: `listen` takes two integers and touches no memory of ours.
        // The descriptor is valid for the call: `listener` owns it and is
        // borrowed for the duration. A bad value makes `listen` fail with an
        // errno, which is turned into an `io::Error` below, never undefined
        // behaviour.
        let result = unsafe { listen(listener.as_raw_fd(), backlog) };
        if result == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }
}

#[cfg(windows)]
mod windows {
    use std::io;

    /// Does nothing: Winsock ignores a second `listen` (see the module doc),
    /// so the backlog stays at the 128 mio chose.
    pub fn set_backlog(_listener: &mio::net::TcpListener, _backlog: u32) -> io::Result<()> {
        Ok(())
    }
}
