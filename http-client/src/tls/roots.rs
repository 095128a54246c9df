//! Whom the client trusts, and the rustls client configuration built on it.
//!
//! # Trust roots
//!
//! 1. The operating system's store, read with `rustls-native-certs` (on Debian,
//!    `/etc/ssl/certs/ca-certificates.crt`; `SSL_CERT_FILE` and `SSL_CERT_DIR` override it, as
//!    they do for OpenSSL). This is what curl and Python's `ssl` trust, so a site that works
//!    for them works here, and a company CA installed on the machine is honoured.
//! 2. Mozilla's roots compiled in (`webpki-roots`), only when the system has none (a minimal
//!    container without the `ca-certificates` package), so that `https://` still works there.
//! 3. Whatever the program adds with
//!    [`ClientBuilder::add_root_certificate`](crate::ClientBuilder::add_root_certificate) (a
//!    private CA; the tests' throwaway CA), on top of the others.
//!
//! Reading and parsing the system store takes milliseconds, so it happens once per process, on
//! the first `https://` connection (a client that only speaks `http://` never pays for it), and
//! every client of the process (one per thread in the downloader's threads mode) copies it.
//!
//! # The configuration
//!
//! - The ring crypto provider (see the `tls` module doc for why ring).
//! - rustls's safe default versions: TLS 1.3 and 1.2.
//! - Certificates are verified by webpki against the roots, server names included; there is no
//!   switch to turn that off.
//! - ALPN offers `http/1.1` only: this client speaks nothing else, and a server that supports
//!   HTTP/2 must not pick it.
//! - rustls's default in-memory session cache, so a second connection to the same server
//!   resumes the session instead of a full handshake.
//!
//! # What production clients do differently
//!
//! reqwest offers a choice of root sources and of verifiers; `rustls-platform-verifier` asks
//! the operating system's own verifier on macOS, Windows and Android (which also checks
//! revocation there). On Linux it reads the same files as here; we keep one verifier, webpki,
//! on every system, which is easier to explain.

use std::cell::OnceCell;
use std::sync::{Arc, OnceLock};

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore};

/// The ALPN protocol id of HTTP/1.1 (RFC 7301, IANA's registry).
const ALPN_HTTP_1_1: &[u8] = b"http/1.1";

/// The system's trust roots (or Mozilla's when it has none), read once per process.
static SYSTEM_ROOTS: OnceLock<RootCertStore> = OnceLock::new();

/// The system's roots; Mozilla's if the system store is empty or unreadable.
fn system_roots() -> &'static RootCertStore {
    SYSTEM_ROOTS.get_or_init(|| {
        let found = rustls_native_certs::load_native_certs();
        let mut roots = RootCertStore::empty();
        // A certificate the store holds but webpki cannot use (an old format, a
        // non-CA) is skipped, as rustls-native-certs' own example does.
        roots.add_parsable_certificates(found.certs);
        if roots.is_empty() {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        roots
    })
}

/// The client configuration: the system's roots plus `extra_roots`, checked already by
/// [`parse_root_certificates`].
fn client_config(
    extra_roots: &[CertificateDer<'static>],
) -> Result<Arc<ClientConfig>, rustls::Error> {
    let mut roots = system_roots().clone();
    for root in extra_roots {
        roots.add(root.clone())?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![ALPN_HTTP_1_1.to_vec()];
    Ok(Arc::new(config))
}

/// A client's TLS configuration, built on its first `https` connection so that a client that
/// speaks only `http` never reads the trust roots. One per client (its clones share it, with
/// its session cache); on the client's thread only.
#[derive(Debug, Default)]
pub(crate) struct LazyClientConfig {
    /// The configuration, once built.
    config: OnceCell<Arc<ClientConfig>>,
}

impl LazyClientConfig {
    /// The configuration with the system's roots plus `extra_roots`, built on first use.
    pub(crate) fn get(
        &self,
        extra_roots: &[CertificateDer<'static>],
    ) -> Result<Arc<ClientConfig>, rustls::Error> {
        if let Some(config) = self.config.get() {
            return Ok(Arc::clone(config));
        }
        let config = client_config(extra_roots)?;
        Ok(Arc::clone(self.config.get_or_init(|| config)))
    }
}

/// Every certificate in `pem`, each checked as a trust anchor; the reason if there is none or
/// one is unusable.
pub(crate) fn parse_root_certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| format!("not valid PEM: {err}"))?;
    if certs.is_empty() {
        return Err("no \"BEGIN CERTIFICATE\" block in it".to_owned());
    }
    let mut check = RootCertStore::empty();
    for cert in &certs {
        check
            .add(cert.clone())
            .map_err(|err| format!("not a usable CA certificate: {err}"))?;
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_without_a_certificate_is_refused_with_the_reason() {
        let none = parse_root_certificates(b"hello").unwrap_err();
        assert!(none.contains("BEGIN CERTIFICATE"), "{none}");
        let garbage = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".as_slice();
        let bad = parse_root_certificates(garbage).unwrap_err();
        assert!(bad.contains("not a usable CA certificate"), "{bad}");
    }

    #[test]
    fn the_configuration_offers_http_1_1_only_and_trusts_something() {
        let config = client_config(&[]).unwrap();
        assert_eq!(config.alpn_protocols, [b"http/1.1".to_vec()]);
        assert!(!system_roots().is_empty());
    }
}
