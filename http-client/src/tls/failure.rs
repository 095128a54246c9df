//! [`TlsFailure`]: why a TLS handshake failed, in the words a user needs.
//!
//! rustls reports dozens of error kinds. A user of a downloader needs to tell apart the few
//! that call for different actions:
//!
//! | failure | usual cause | what to do |
//! |---|---|---|
//! | [`UnknownIssuer`](TlsFailure::UnknownIssuer) | a private CA, a self-signed certificate, an intercepting proxy | trust the CA (`add_root_certificate`), if it is yours |
//! | [`NameMismatch`](TlsFailure::NameMismatch) | the URL's host is not one the certificate names | use the name the certificate names |
//! | [`Expired`](TlsFailure::Expired) | the server's certificate is past its date (or this machine's clock is wrong) | tell the server's owner, check the clock |
//! | [`BadCertificate`](TlsFailure::BadCertificate) | not valid yet, revoked, a bad signature, a certificate that is not for servers, a self-signed certificate that says it is a CA | as above; a self-signed certificate must say `CA:FALSE` |
//! | [`Handshake`](TlsFailure::Handshake) | no common version or cipher, an alert from the server, a server that does not speak TLS on that port, a close mid-handshake | check the URL's scheme and port |
//!
//! reqwest shows rustls's own message; curl names the failing check (`SSL certificate problem:
//! unable to get local issuer certificate`). We name the check too, and keep the details
//! rustls gives (the names the certificate presents, the expiry date) where they help.

use std::fmt;
use std::io;

use rustls::{CertificateError, Error as RustlsError};

/// What webpki's `CaUsedAsEndEntity` means in practice: `openssl req -x509` makes a
/// self-signed certificate that says `CA:TRUE` unless told otherwise.
const SELF_SIGNED_CA: &str = "the server's certificate is a CA certificate, which cannot \
     also be a server's own (a self-signed certificate must say CA:FALSE)";

/// Why a TLS handshake failed; [`Error::Tls`](crate::Error::Tls) names the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsFailure {
    /// The server's certificate chain does not lead to a trusted root.
    UnknownIssuer,
    /// The certificate is valid, but not for the host the URL names.
    NameMismatch {
        /// The names and addresses the certificate is valid for.
        presented: Vec<String>,
    },
    /// The certificate has expired.
    Expired,
    /// Another problem with the certificate: what rustls says about it.
    BadCertificate(String),
    /// The handshake failed for a reason other than the certificate.
    Handshake(String),
}

impl TlsFailure {
    /// Classifies an error from [`TlsStream::handshake`](super::TlsStream::handshake).
    pub(crate) fn of_handshake(err: &io::Error) -> TlsFailure {
        if let Some(tls) = err.get_ref().and_then(|e| e.downcast_ref::<RustlsError>()) {
            return TlsFailure::of_rustls(tls);
        }
        match err.kind() {
            io::ErrorKind::UnexpectedEof => TlsFailure::Handshake(
                "the server closed the connection during the handshake".to_owned(),
            ),
            _ => TlsFailure::Handshake(format!("connection failed during the handshake: {err}")),
        }
    }

    /// Classifies a rustls error.
    fn of_rustls(err: &RustlsError) -> TlsFailure {
        match err {
            RustlsError::InvalidCertificate(cert) => match cert {
                CertificateError::UnknownIssuer => TlsFailure::UnknownIssuer,
                CertificateError::NotValidForName => TlsFailure::NameMismatch {
                    presented: Vec::new(),
                },
                CertificateError::NotValidForNameContext { presented, .. } => {
                    TlsFailure::NameMismatch {
                        presented: presented.clone(),
                    }
                }
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    TlsFailure::Expired
                }
                CertificateError::Other(other)
                    if matches!(
                        other.0.downcast_ref::<webpki::Error>(),
                        Some(webpki::Error::CaUsedAsEndEntity)
                    ) =>
                {
                    TlsFailure::BadCertificate(SELF_SIGNED_CA.to_owned())
                }
                other => TlsFailure::BadCertificate(other.to_string()),
            },
            // A plain-HTTP server answers a ClientHello with "HTTP/1.1 400 ...", which is not
            // a TLS record at all.
            RustlsError::InvalidMessage(_) => TlsFailure::Handshake(
                "the server's answer is not TLS (is it an http:// server?)".to_owned(),
            ),
            other => TlsFailure::Handshake(other.to_string()),
        }
    }
}

impl fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsFailure::UnknownIssuer => {
                f.write_str("its certificate is not signed by a trusted authority (unknown issuer)")
            }
            TlsFailure::NameMismatch { presented } if presented.is_empty() => {
                f.write_str("its certificate is not valid for this host name (name mismatch)")
            }
            TlsFailure::NameMismatch { presented } => write!(
                f,
                "its certificate is not valid for this host name (name mismatch: it is for {})",
                presented.join(", ")
            ),
            TlsFailure::Expired => f.write_str("its certificate has expired"),
            TlsFailure::BadCertificate(why) => write!(f, "bad certificate: {why}"),
            TlsFailure::Handshake(why) => write!(f, "handshake failed: {why}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(err: RustlsError) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, err)
    }

    #[test]
    fn certificate_errors_are_told_apart() {
        let unknown = wrapped(RustlsError::InvalidCertificate(
            CertificateError::UnknownIssuer,
        ));
        assert_eq!(
            TlsFailure::of_handshake(&unknown),
            TlsFailure::UnknownIssuer
        );
        let expired = wrapped(RustlsError::InvalidCertificate(CertificateError::Expired));
        assert_eq!(TlsFailure::of_handshake(&expired), TlsFailure::Expired);
        let name = wrapped(RustlsError::InvalidCertificate(
            CertificateError::NotValidForName,
        ));
        assert!(matches!(
            TlsFailure::of_handshake(&name),
            TlsFailure::NameMismatch { .. }
        ));
        let ca_as_leaf = wrapped(RustlsError::InvalidCertificate(CertificateError::Other(
            rustls::OtherError(std::sync::Arc::new(webpki::Error::CaUsedAsEndEntity)),
        )));
        assert_eq!(
            TlsFailure::of_handshake(&ca_as_leaf),
            TlsFailure::BadCertificate(SELF_SIGNED_CA.to_owned())
        );
        let revoked = wrapped(RustlsError::InvalidCertificate(CertificateError::Revoked));
        assert!(matches!(
            TlsFailure::of_handshake(&revoked),
            TlsFailure::BadCertificate(_)
        ));
    }

    #[test]
    fn socket_errors_during_the_handshake_are_handshake_failures() {
        let eof = io::Error::new(io::ErrorKind::UnexpectedEof, "closed");
        assert_eq!(
            TlsFailure::of_handshake(&eof).to_string(),
            "handshake failed: the server closed the connection during the handshake"
        );
        let reset = io::Error::new(io::ErrorKind::ConnectionReset, "reset by peer");
        assert!(
            TlsFailure::of_handshake(&reset)
                .to_string()
                .contains("reset by peer")
        );
    }

    #[test]
    fn messages_name_the_check_and_the_presented_names() {
        let mismatch = TlsFailure::NameMismatch {
            presented: vec!["DnsName(\"other.invalid\")".into()],
        };
        assert!(mismatch.to_string().contains("name mismatch"));
        assert!(mismatch.to_string().contains("other.invalid"));
        assert!(
            TlsFailure::UnknownIssuer
                .to_string()
                .contains("unknown issuer")
        );
    }
}
