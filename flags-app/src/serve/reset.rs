//! Ending a connection abruptly, for the `reset` fault.
//!
//! A real reset is a TCP RST: set `SO_LINGER` to zero seconds, then close, and the
//! kernel discards the send queue and answers with RST instead of FIN. The client's
//! next read fails with "connection reset by peer". That needs the socket's file
//! descriptor, which `runtime::net::TcpStream` does not expose (yet), so here the
//! fault shuts the connection down in both directions without a single byte of
//! response: the client reads end-of-file where a status line should be, which it
//! must count as an error just the same.
//!
//! What a production test server does: `socket2::SockRef::from(&stream)
//! .set_linger(Some(Duration::ZERO))` before dropping the stream.

use std::net::Shutdown;

use runtime::net::TcpStream;

/// Closes `stream` without sending a response.
pub fn abort(stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Both);
}
