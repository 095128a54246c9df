//! Why a flag could not be fetched, said twice: in full for `-v`, and as a short cause
//! for the summary's count of errors by cause.
//!
//! flags2 prints `HTTP error 418 - I'm a Teapot` or httpx's message for each failed
//! code, and only with `-v`; without it a run ends with a bare `35 errors.` We keep
//! flags2's per-code message ([`FetchError`]'s `Display`) for `-v`, and give every
//! error a [`cause`](FetchError::cause) that many codes share, so that the summary
//! can say why without `-v`:
//!
//! ```text
//!  35 errors: 20 timed out connecting, 12 HTTP 418 I'm a Teapot, 3 connection reset
//! ```
//!
//! | what happened | cause |
//! |---|---|
//! | a status other than 200 and 404 | `HTTP 418 I'm a Teapot` (code and the server's reason) |
//! | a timeout | `timed out connecting`, `... sending the request`, `... waiting for the response`, `... waiting for a free connection`, `... before the whole request was done` |
//! | refused, reset, closed early | `connection refused`, `connection reset`, `connection closed before the response` |
//! | a host name that does not resolve (a typo, no network) | `cannot resolve the host name` |
//! | https: the certificate or the handshake | `certificate not trusted (unknown issuer)`, `certificate name mismatch`, `certificate expired`, `bad certificate`, `TLS handshake failed` |
//! | a redirect from https to http | `redirect from https to http refused` |
//! | a body shorter than announced | `truncated body` |
//! | a body that is not a GIF | `not a GIF` |
//! | flags3's `metadata.json` | `metadata.json: HTTP 404 Not Found`, `malformed metadata.json`, `unusable country name` |
//!
//! A timeout, reset or refusal is the same cause whichever of flags3's two requests
//! met it: the summary says what went wrong with the network, `-v` says where.

use std::fmt;
use std::io;

use http_client::{Error as HttpError, TlsFailure};

/// Why a flag could not be fetched (or, with `--names`, named).
#[derive(Debug)]
pub enum FetchError {
    /// 404 Not Found for the GIF: counted as "not found", not as an error.
    NotFound,
    /// Another status than 200 for the GIF.
    Status {
        /// The status code.
        code: u16,
        /// The reason phrase the server sent.
        reason: String,
    },
    /// 200, but the body is not a GIF.
    NotGif,
    /// The request failed (network, protocol, timeout, limits).
    Http(HttpError),
    /// flags3's `metadata.json` did not give a country name.
    Metadata(MetadataError),
}

/// What was wrong with a country's `metadata.json`.
#[derive(Debug)]
pub enum MetadataError {
    /// A status other than 200, 404 included: the GIF exists, so a missing name is an
    /// error for the code.
    Status {
        /// The status code.
        code: u16,
        /// The reason phrase the server sent.
        reason: String,
    },
    /// Not a JSON object with a string `country`.
    Malformed(String),
    /// The name cannot be a file name (it has a `/`, a control character, ...).
    UnusableName(String),
}

impl FetchError {
    /// The short cause the summary groups errors by (table in the module doc).
    pub fn cause(&self) -> String {
        match self {
            FetchError::NotFound => "HTTP 404 Not Found".to_owned(),
            FetchError::Status { code, reason } => status_cause(*code, reason),
            FetchError::NotGif => "not a GIF".to_owned(),
            FetchError::Http(err) => http_cause(err),
            FetchError::Metadata(MetadataError::Status { code, reason }) => {
                format!("metadata.json: {}", status_cause(*code, reason))
            }
            FetchError::Metadata(MetadataError::Malformed(_)) => {
                "malformed metadata.json".to_owned()
            }
            FetchError::Metadata(MetadataError::UnusableName(_)) => {
                "unusable country name".to_owned()
            }
        }
    }
}

/// `HTTP 418 I'm a Teapot`.
fn status_cause(code: u16, reason: &str) -> String {
    let reason = reason.trim();
    if reason.is_empty() {
        format!("HTTP {code}")
    } else {
        format!("HTTP {code} {reason}")
    }
}

/// The cause of a failed request.
fn http_cause(err: &HttpError) -> String {
    let io_cause = |err: &io::Error| match err.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused",
        io::ErrorKind::ConnectionReset => "connection reset",
        io::ErrorKind::UnexpectedEof => "connection closed before the response",
        io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionAborted => "connection closed",
        _ => "connection error",
    };
    match err {
        HttpError::Timeout(phase) => format!("timed out {}", phase.doing()),
        HttpError::Resolve { .. } => "cannot resolve the host name".to_owned(),
        HttpError::Tls { failure, .. } => tls_cause(failure).to_owned(),
        HttpError::InsecureRedirect { .. } => "redirect from https to http refused".to_owned(),
        HttpError::Connect { source, .. } => match source.kind() {
            io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
            _ => "cannot connect".to_owned(),
        },
        HttpError::Io(err) => io_cause(err).to_owned(),
        HttpError::IncompleteBody { .. } => "truncated body".to_owned(),
        HttpError::Protocol(_) => "invalid HTTP response".to_owned(),
        HttpError::TooLarge { .. } => "response too large".to_owned(),
        HttpError::TooManyRedirects { .. } => "too many redirects".to_owned(),
        HttpError::Status { code, reason, .. } => status_cause(*code, reason),
        HttpError::InvalidUrl { .. }
        | HttpError::UnsupportedScheme { .. }
        | HttpError::InvalidHeader { .. } => "bad URL".to_owned(),
        HttpError::BadRootCertificate(_) => "bad CA certificate".to_owned(),
    }
}

/// The cause of a failed TLS handshake: which check failed, without the host (the
/// summary is about one site).
fn tls_cause(failure: &TlsFailure) -> &'static str {
    match failure {
        TlsFailure::UnknownIssuer => "certificate not trusted (unknown issuer)",
        TlsFailure::NameMismatch { .. } => "certificate name mismatch",
        TlsFailure::Expired => "certificate expired",
        TlsFailure::BadCertificate(_) => "bad certificate",
        TlsFailure::Handshake(_) => "TLS handshake failed",
    }
}

impl fmt::Display for FetchError {
    /// flags2's wording for statuses, the client's message for everything else.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::NotFound => f.write_str("HTTP error 404 - Not Found"),
            FetchError::Status { code, reason } => write!(f, "HTTP error {code} - {reason}"),
            FetchError::NotGif => f.write_str("the response is not a GIF image"),
            FetchError::Http(err) => err.fmt(f),
            FetchError::Metadata(MetadataError::Status { code, reason }) => {
                write!(f, "metadata.json: HTTP error {code} - {reason}")
            }
            FetchError::Metadata(MetadataError::Malformed(why)) => {
                write!(f, "metadata.json has no country name: {why}")
            }
            FetchError::Metadata(MetadataError::UnusableName(name)) => {
                write!(f, "metadata.json's country {name:?} cannot be a file name")
            }
        }
    }
}

impl std::error::Error for FetchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FetchError::Http(err) => Some(err),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_client::TimeoutPhase;

    #[test]
    fn causes_are_short_and_shared() {
        let teapot = FetchError::Status {
            code: 418,
            reason: "I'm a Teapot".into(),
        };
        assert_eq!(teapot.cause(), "HTTP 418 I'm a Teapot");
        assert_eq!(teapot.to_string(), "HTTP error 418 - I'm a Teapot");
        let timeout = FetchError::Http(HttpError::Timeout(TimeoutPhase::Connect));
        assert_eq!(timeout.cause(), "timed out connecting");
        let read = FetchError::Http(HttpError::Timeout(TimeoutPhase::Read));
        assert_eq!(read.cause(), "timed out waiting for the response");
        let reset = FetchError::Http(HttpError::Io(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "reset by peer",
        )));
        assert_eq!(reset.cause(), "connection reset");
        let cut = FetchError::Http(HttpError::IncompleteBody {
            received: 5,
            declared: Some(10),
        });
        assert_eq!(cut.cause(), "truncated body");
        let missing = FetchError::Metadata(MetadataError::Status {
            code: 404,
            reason: "Not Found".into(),
        });
        assert_eq!(missing.cause(), "metadata.json: HTTP 404 Not Found");
        let dns = FetchError::Http(HttpError::Resolve {
            host: "www.fluentpython.invalid".into(),
            source: io::Error::other("Name or service not known"),
        });
        assert_eq!(dns.cause(), "cannot resolve the host name");
        assert_eq!(
            dns.to_string(),
            "cannot resolve www.fluentpython.invalid: Name or service not known"
        );
        let untrusted = FetchError::Http(HttpError::Tls {
            host: "127.0.0.1:8443".into(),
            failure: TlsFailure::UnknownIssuer,
        });
        assert_eq!(
            untrusted.cause(),
            "certificate not trusted (unknown issuer)"
        );
    }
}
