//! TLS for `https://` URLs: rustls over the runtime's sockets, as a layer under HTTP.
//!
//! The HTTP code (`conn.rs` and everything above it) reads and writes bytes; whether they
//! travel in the clear or inside TLS records is decided once, when the connection is opened,
//! and hidden behind a [`Transport`], which `conn.rs`'s `read_more` / `write_all` /
//! `is_idle_and_open` use. The layer has four parts:
//!
//! - [`Transport`] (`transport.rs`): the socket, or TLS over it; shared with the flag server.
//! - [`TlsStream`] (`stream.rs`): drives rustls's state machine over a
//!   [`TcpStream`]; its doc says which read or write waits on which
//!   readiness during the handshake and after. The flag server uses it too, with a
//!   [`rustls::ServerConnection`].
//! - `roots.rs`: whom the client trusts (the system's roots, Mozilla's as a fallback, roots the
//!   program adds) and the rustls configuration (ALPN `http/1.1`, names always verified).
//! - [`TlsFailure`] (`failure.rs`): why a handshake failed, in the words a user needs.
//!
//! # Opening an `https://` connection
//!
//! ```text
//!   resolve ─ TCP connect ─ handshake (SNI = the URL's host name; webpki checks the chain,
//!   |                                   the dates and the name) ─ ready for the request
//!   |<──────────────── the connect timeout covers all three ────────────────>|
//! ```
//!
//! The server name is the URL's host: a DNS name is sent as SNI and must be in the
//! certificate; an IP address is not sent (RFC 6066 allows names only) and must be one of the
//! certificate's IP addresses.
//!
//! # The crypto provider: ring
//!
//! rustls needs a provider of the primitives. Its default, aws-lc-rs, compiles a large C
//! library (aws-lc) with every fresh build, and CI builds rustls in two profiles (tests,
//! benches); ring's build is a fraction of that, so a clean CI run stays within its time.
//! ring covers what HTTPS sites use (TLS 1.3 and 1.2, ECDHE with X25519 and P-256/P-384,
//! AES-GCM and ChaCha20-Poly1305, RSA and ECDSA certificates). What we give up: aws-lc-rs's post-quantum key exchange (X25519MLKEM768,
//! which rustls prefers when it has it) and its FIPS mode.

pub(crate) mod failure;
mod roots;
mod stream;
mod transport;

use std::sync::Arc;

use runtime::net::TcpStream;
use rustls::ClientConfig;
use rustls::pki_types::ServerName;

use crate::url::Host;

pub use failure::TlsFailure;
pub(crate) use roots::{LazyClientConfig, parse_root_certificates};
pub use stream::TlsStream;
pub use transport::Transport;

/// Runs the client handshake with `host` over `tcp`.
pub(crate) async fn connect(
    tcp: TcpStream,
    host: &Host,
    config: Arc<ClientConfig>,
) -> Result<TlsStream, TlsFailure> {
    let name = match host {
        Host::Ipv4(ip) => ServerName::IpAddress((*ip).into()),
        Host::Ipv6(ip) => ServerName::IpAddress((*ip).into()),
        Host::Name(name) => ServerName::try_from(name.clone()).map_err(|_| {
            TlsFailure::Handshake(format!("{name:?} is not a DNS name TLS can verify"))
        })?,
    };
    let session = rustls::ClientConnection::new(config, name)
        .map_err(|err| TlsFailure::Handshake(err.to_string()))?;
    TlsStream::handshake(tcp, session)
        .await
        .map_err(|err| TlsFailure::of_handshake(&err))
}
