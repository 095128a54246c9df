//! TCP on the reactor [asyncio.open_connection, asyncio.start_server], and
//! name resolution on the blocking pool [loop.getaddrinfo].
//!
//! [`TcpListener`] and [`TcpStream`] wrap mio's non-blocking sockets and a
//! `Registration` (`reactor/registration.rs`). Every operation is "try
//! the syscall; on `WouldBlock`, wait for the reactor's event; try again".
//! asyncio offers the same at two levels (transports and protocols, and
//! streams); this is the streams level, with methods named after
//! `std::io`'s `Read` and `Write`.
//!
//! `TcpStream` also implements the runtime-neutral `futures_io::AsyncRead`
//! and `AsyncWrite` (`io_traits.rs`), over the same `poll_*` methods.
//!
//! The little that differs between Unix and Windows (lending the socket's
//! handle, the listen backlog) is in `platform.rs`.
//! [`TcpListener::bind_reuseport`] (`reuseport.rs`) binds one listening
//! socket per loop on a shared port, for [`loops`](crate::loops).
//!
//! Sockets must be created inside a runtime, and must be used on its thread.
//! Dropping one deregisters it from the reactor and closes it.

mod io_traits;
mod lookup;
mod platform;
mod reuseport;
mod tcp_listener;
mod tcp_stream;

pub use lookup::lookup_host;
pub use reuseport::reuseport_listener;
pub use tcp_listener::{DEFAULT_BACKLOG, TcpListener};
pub use tcp_stream::TcpStream;
