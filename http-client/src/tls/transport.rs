//! [`Transport`]: the byte stream under HTTP, in the clear or inside TLS.
//!
//! The HTTP code on both ends, the client's `conn.rs` and the flag server's connection task,
//! holds a `Transport` and reads and writes plaintext through it. Which variant it is was
//! decided when the connection was opened (the URL's scheme; the server's `--tls-cert`), and
//! nothing that frames requests and responses looks at it again.

use std::io;
use std::net::Shutdown;

use runtime::net::TcpStream;

use super::TlsStream;

/// A connection's byte stream: the socket, or TLS over it.
#[derive(Debug)]
pub enum Transport {
    /// `http`: the socket itself.
    Plain(TcpStream),
    /// `https`: TLS over the socket (boxed: rustls's state is a few KiB, and a plain
    /// connection should not carry room for it).
    Tls(Box<TlsStream>),
}

impl Transport {
    /// Reads plaintext into `buf`; `Ok(0)` at the end of the stream.
    pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(tcp) => tcp.read(buf).await,
            Transport::Tls(tls) => tls.read(buf).await,
        }
    }

    /// Writes some of `bytes`; returns how many were taken.
    pub async fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(tcp) => tcp.write(bytes).await,
            Transport::Tls(tls) => tls.write(bytes).await,
        }
    }

    /// Waits until what was written is on the socket: TLS may hold encrypted records back
    /// when the socket's buffer is full; TCP holds nothing.
    pub async fn flush(&mut self) -> io::Result<()> {
        match self {
            Transport::Plain(_) => Ok(()),
            Transport::Tls(tls) => tls.flush().await,
        }
    }

    /// Ends the connection in order: TLS sends its `close_notify` first (the caller bounds
    /// the wait), then both halves of the socket are shut down.
    pub async fn close(&mut self) -> io::Result<()> {
        if let Transport::Tls(tls) = self {
            tls.close().await?;
        }
        self.tcp().shutdown(Shutdown::Both)
    }

    /// Whether an idle connection is still usable, without waiting: nothing has arrived, or
    /// over TLS only records that carry no data (see [`TlsStream::is_idle_and_open`]).
    pub fn is_idle_and_open(&mut self) -> bool {
        match self {
            Transport::Plain(tcp) => {
                let mut probe = [0u8; 1];
                matches!(tcp.try_read(&mut probe), Err(e) if e.kind() == io::ErrorKind::WouldBlock)
            }
            Transport::Tls(tls) => tls.is_idle_and_open(),
        }
    }

    /// The socket, for its address and options (not for reading or writing).
    pub fn tcp(&self) -> &TcpStream {
        match self {
            Transport::Plain(tcp) => tcp,
            Transport::Tls(tls) => tls.get_ref(),
        }
    }
}
