//! Ending a connection abruptly, for the `reset` fault.
//!
//! A real reset is a TCP RST: set `SO_LINGER` to zero seconds, then close.
//! The kernel then discards the send queue and answers with RST instead of
//! the FIN of an orderly close, and the client's next read fails with
//! "connection reset by peer" (`io::ErrorKind::ConnectionReset`), as it does
//! when a real server crashes or a middlebox drops the connection.
//!
//! `runtime::net::TcpStream` does not wrap `SO_LINGER`, but it lends its
//! descriptor through `AsFd`, and the `socket2` crate sets the option.

use std::time::Duration;

use runtime::net::TcpStream;
use socket2::SockRef;

/// Makes the close of `stream` a TCP reset: the connection task ends it
/// right after this (by dropping the stream), and the kernel sends RST. If
/// the option cannot be set, the close is an orderly one, which the client
/// still sees as a connection that ended without a response.
pub fn abort(stream: &TcpStream) {
    let _ = SockRef::from(stream).set_linger(Some(Duration::ZERO));
}
