//! The one error type of the client.
//!
//! Every failure a caller can see is a variant of [`Error`], each saying what went wrong and with
//! what input, so that a message such as "response head larger than 65536 bytes" reaches the user
//! instead of a bare "invalid data". Errors that wrap an `io::Error` return it from
//! [`std::error::Error::source`].
//!
//! Variants that come from the server's bytes (`Protocol`, `TooLarge`) carry owned strings: the
//! bytes they describe live in a buffer that is gone by the time the caller looks.
//!
//! # What production clients do differently
//!
//! reqwest wraps one boxed `Inner { kind, source, url }` and answers questions with methods
//! (`is_timeout()`, `is_connect()`); hyper does the same with a private `Kind`. That keeps the
//! type small and lets the library add kinds without a breaking change. A plain enum is easier to
//! read and to match on in tests, so we use one.

use std::fmt;
use std::io;

use crate::tls::failure::TlsFailure;

/// Which timeout ran out, for [`Error::Timeout`]: one of the four phases (httpx's `connect`,
/// `write`, `read`, `pool`), or the optional bound on the whole request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeoutPhase {
    /// No connection slot came free within the pool timeout (all `max_connections` busy).
    Pool,
    /// Resolving the host name, opening the TCP connection and, for `https`, the TLS
    /// handshake took longer than the connect timeout.
    Connect,
    /// The socket took no more of the request for longer than the write timeout.
    Write,
    /// The server sent nothing for longer than the read timeout while a response (head or
    /// body) was due.
    Read,
    /// The whole request, redirects and body included, took longer than the total timeout.
    Total,
}

impl TimeoutPhase {
    /// What the request was doing when the time ran out, e.g. `connecting`.
    pub fn doing(self) -> &'static str {
        match self {
            TimeoutPhase::Pool => "waiting for a free connection",
            TimeoutPhase::Connect => "connecting",
            TimeoutPhase::Write => "sending the request",
            TimeoutPhase::Read => "waiting for the response",
            TimeoutPhase::Total => "before the whole request was done",
        }
    }
}

impl fmt::Display for TimeoutPhase {
    /// The setting's name: `pool`, `connect`, `write`, `read` or `total`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutPhase::Pool => "pool",
            TimeoutPhase::Connect => "connect",
            TimeoutPhase::Write => "write",
            TimeoutPhase::Read => "read",
            TimeoutPhase::Total => "total",
        })
    }
}

/// Everything that can go wrong while making a request or reading its response.
#[derive(Debug)]
pub enum Error {
    /// The host name could not be resolved to an address (no such name, no DNS server).
    Resolve {
        /// The host name.
        host: String,
        /// The resolver's error.
        source: io::Error,
    },
    /// No address of the host accepted a connection.
    Connect {
        /// `host:port` that we tried to reach.
        addr: String,
        /// The last error seen from `connect`.
        source: io::Error,
    },
    /// The TLS handshake of an `https` connection failed: the certificate does not verify, or
    /// the server and the client could not agree on TLS. There is no switch to skip the checks;
    /// a private CA is trusted with
    /// [`ClientBuilder::add_root_certificate`](crate::ClientBuilder::add_root_certificate).
    Tls {
        /// `host:port` (the port only when it is not 443).
        host: String,
        /// What failed.
        failure: TlsFailure,
    },
    /// A timeout fired; the field says which one.
    Timeout(TimeoutPhase),
    /// Reading from or writing to an established connection failed.
    Io(io::Error),
    /// The URL is not an absolute `http://host[:port]/path?query` URL.
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The URL (or a redirect's `Location`) uses a scheme other than `http` and `https`, e.g.
    /// `ftp`.
    UnsupportedScheme {
        /// The scheme, lower-cased.
        scheme: String,
    },
    /// A header name or value given to the request builder cannot be sent (e.g. it contains
    /// CR or LF, which would let it inject further header lines).
    InvalidHeader {
        /// The header's name as given.
        name: String,
    },
    /// The server's bytes are not a valid HTTP/1.1 response.
    Protocol(String),
    /// The server closed the connection before the end of the body it announced: a
    /// Content-Length body cut short, or a chunked body without its last chunk.
    IncompleteBody {
        /// Body bytes received (after chunked decoding).
        received: u64,
        /// The Content-Length, for a body that declared one.
        declared: Option<u64>,
    },
    /// The response exceeded a limit.
    TooLarge {
        /// Which limit, e.g. "response head bytes".
        what: &'static str,
        /// The limit's value.
        limit: u64,
    },
    /// A redirect from an `https` URL to a plain `http` one, which is not followed: the next
    /// request, and what it sends, would travel in the clear.
    InsecureRedirect {
        /// The `https` URL that answered with the redirect.
        from: String,
        /// The `http` URL it redirected to.
        to: String,
    },
    /// [`ClientBuilder::add_root_certificate`](crate::ClientBuilder::add_root_certificate) was
    /// given something that is not a usable CA certificate in PEM.
    BadRootCertificate(String),
    /// More redirects than the configured maximum.
    TooManyRedirects {
        /// The configured maximum.
        limit: usize,
        /// The URL of the last redirect response.
        url: String,
    },
    /// [`Response::error_for_status`](crate::Response::error_for_status) found a 4xx or 5xx
    /// status.
    Status {
        /// The status code.
        code: u16,
        /// The reason phrase the server sent.
        reason: String,
        /// The URL of the response.
        url: String,
    },
}

impl Error {
    /// Shorthand for [`Error::Protocol`].
    pub(crate) fn protocol(what: impl Into<String>) -> Error {
        Error::Protocol(what.into())
    }

    /// Shorthand for [`Error::InvalidUrl`].
    pub(crate) fn invalid_url(url: &str, reason: impl Into<String>) -> Error {
        Error::InvalidUrl {
            url: url.to_string(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Resolve { host, source } => write!(f, "cannot resolve {host}: {source}"),
            Error::Connect { addr, source } => write!(f, "cannot connect to {addr}: {source}"),
            Error::Tls { host, failure } => {
                write!(f, "cannot connect securely to {host}: {failure}")
            }
            Error::Timeout(phase) => write!(f, "timed out {} ({phase} timeout)", phase.doing()),
            Error::Io(e) => write!(f, "connection error: {e}"),
            Error::InvalidUrl { url, reason } => write!(f, "invalid URL {url:?}: {reason}"),
            Error::UnsupportedScheme { scheme } => {
                write!(
                    f,
                    "unsupported URL scheme {scheme:?} (only http and https are supported)"
                )
            }
            Error::InvalidHeader { name } => write!(f, "invalid request header {name:?}"),
            Error::Protocol(what) => write!(f, "invalid HTTP response: {what}"),
            Error::IncompleteBody {
                received,
                declared: Some(declared),
            } => write!(
                f,
                "body truncated: connection closed after {received} of {declared} bytes"
            ),
            Error::IncompleteBody {
                received,
                declared: None,
            } => write!(
                f,
                "chunked body truncated: connection closed after {received} bytes"
            ),
            Error::TooLarge { what, limit } => write!(f, "{what} exceed the limit of {limit}"),
            Error::InsecureRedirect { from, to } => write!(
                f,
                "refused to follow the redirect from {from} to {to}: it leaves https for plain http"
            ),
            Error::BadRootCertificate(why) => write!(f, "cannot add the root certificate: {why}"),
            Error::TooManyRedirects { limit, url } => {
                write!(f, "more than {limit} redirects (last one at {url})")
            }
            Error::Status { code, reason, url } => {
                write!(f, "HTTP status {code} {reason} for {url}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Resolve { source, .. } | Error::Connect { source, .. } => Some(source),
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::Io(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn messages_say_what_and_with_what_input() {
        let e = Error::TooLarge {
            what: "response head bytes",
            limit: 65536,
        };
        assert_eq!(
            e.to_string(),
            "response head bytes exceed the limit of 65536"
        );
        let e = Error::Timeout(TimeoutPhase::Read);
        assert_eq!(
            e.to_string(),
            "timed out waiting for the response (read timeout)"
        );
        let e = Error::Timeout(TimeoutPhase::Connect);
        assert_eq!(e.to_string(), "timed out connecting (connect timeout)");
        let e = Error::IncompleteBody {
            received: 9,
            declared: Some(100),
        };
        assert_eq!(
            e.to_string(),
            "body truncated: connection closed after 9 of 100 bytes"
        );
        let e = Error::Status {
            code: 404,
            reason: "Not Found".into(),
            url: "http://a/b".into(),
        };
        assert_eq!(e.to_string(), "HTTP status 404 Not Found for http://a/b");
    }

    #[test]
    fn io_errors_are_the_source() {
        let e = Error::Io(io::Error::new(io::ErrorKind::ConnectionReset, "reset"));
        assert_eq!(e.source().map(|s| s.to_string()), Some("reset".to_string()));
        assert!(Error::Timeout(TimeoutPhase::Total).source().is_none());
    }
}
