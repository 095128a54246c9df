//! `flags serve --tls-cert FILE --tls-key FILE`: the flag server over https.
//!
//! The same server, with one more step when a connection is accepted: the TLS handshake,
//! driven by the client library's [`TlsStream`] with a [`rustls::ServerConnection`] over the
//! runtime's socket. After it, the connection task reads and writes plaintext through a
//! [`Transport`] as it does for http, so routing, delays, faults and timeouts are the same.
//!
//! - **Files.** The certificate file holds the server's certificate first and any
//!   intermediates after it, in PEM (what nginx's `ssl_certificate` takes); the key file holds
//!   its private key in PEM (PKCS#8, PKCS#1 or SEC1). Both are read once, at start-up; a
//!   missing or unusable file, or a key that does not belong to the certificate, stops the
//!   server with a message naming the file.
//! - **The handshake** has the head timeout (`timeouts.rs`): a client that connects and says
//!   nothing, or speaks something else than TLS, is dropped as a silent http client is.
//! - **Protocols.** rustls's defaults with ring, as the client: TLS 1.3 and 1.2. ALPN answers
//!   `http/1.1` to a client that offers it (curl offers `h2` first), and stays silent to one
//!   that offers nothing.
//! - **Closing.** An orderly close sends `close_notify` before the TCP FIN; the `reset` fault
//!   still resets the TCP connection, which a TLS client sees as a connection reset.
//!
//! What nginx does differently: session tickets shared between worker processes, OCSP
//! stapling, reloading the certificate without a restart.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use http_client::tls::{TlsStream, Transport};
use runtime::net::TcpStream;
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The ALPN protocol id of HTTP/1.1, the only protocol the server speaks.
const ALPN_HTTP_1_1: &[u8] = b"http/1.1";

/// The certificate and key files of `--tls-cert` and `--tls-key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, PEM, the server's own certificate first.
    pub cert: PathBuf,
    /// The private key, PEM.
    pub key: PathBuf,
}

/// Why the server's TLS configuration could not be built.
#[derive(Debug)]
pub enum TlsSetupError {
    /// A file could not be read, or holds no PEM block of the kind needed.
    File {
        /// The option naming the file: `--tls-cert` or `--tls-key`.
        option: &'static str,
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// rustls refused the pair (a key that does not match the certificate, an unsupported
    /// key type).
    Refused(rustls::Error),
}

impl fmt::Display for TlsSetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsSetupError::File { option, path, why } => {
                write!(f, "{option} {}: {why}", path.display())
            }
            TlsSetupError::Refused(err) => {
                write!(f, "--tls-cert and --tls-key cannot be used together: {err}")
            }
        }
    }
}

impl std::error::Error for TlsSetupError {}

/// Reads the files and builds the server's TLS configuration.
pub fn server_config(files: &TlsFiles) -> Result<Arc<ServerConfig>, TlsSetupError> {
    let certs = read_certificates(&files.cert)?;
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|err| TlsSetupError::File {
        option: "--tls-key",
        path: files.key.clone(),
        why: pem_problem(err, "PRIVATE KEY"),
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(TlsSetupError::Refused)?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(TlsSetupError::Refused)?;
    config.alpn_protocols = vec![ALPN_HTTP_1_1.to_vec()];
    Ok(Arc::new(config))
}

/// Every certificate in the PEM file at `path`; at least one.
fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let bad = |why: String| TlsSetupError::File {
        option: "--tls-cert",
        path: path.to_owned(),
        why,
    };
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|err| bad(pem_problem(err, "CERTIFICATE")))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| bad(pem_problem(err, "CERTIFICATE")))?;
    if certs.is_empty() {
        return Err(bad("no \"BEGIN CERTIFICATE\" block in it".to_owned()));
    }
    Ok(certs)
}

/// What went wrong reading a PEM file that should hold a `label` block.
fn pem_problem(err: rustls::pki_types::pem::Error, label: &str) -> String {
    match err {
        rustls::pki_types::pem::Error::Io(err) => err.to_string(),
        rustls::pki_types::pem::Error::NoItemsFound => {
            format!("no \"BEGIN {label}\" block in it")
        }
        other => format!("not valid PEM: {other}"),
    }
}

/// The server side of the handshake on an accepted socket; the caller bounds its time.
pub async fn accept(tcp: TcpStream, config: Arc<ServerConfig>) -> io::Result<Transport> {
    let session = rustls::ServerConnection::new(config).map_err(io::Error::other)?;
    let tls = TlsStream::handshake(tcp, session).await?;
    Ok(Transport::Tls(Box::new(tls)))
}
