//! Absolute `http://` and `https://` URLs: parsing, printing, and resolving a redirect's
//! `Location` (`join.rs`).
//!
//! The client speaks HTTP/1.1 to one origin at a time, so a URL is just four things: the
//! [`Scheme`] (in the clear or inside TLS), the host ([`Host`]: an IPv4 literal, an IPv6
//! literal in brackets, or a name), the port (80 or 443 by default), the path with its query
//! (sent as the request target), and nothing else. A fragment (`#...`) is dropped because it
//! is never sent to a server (RFC 9110 §4.2.4).
//!
//! # Rules
//!
//! - The scheme must be `http` or `https` (any case). Every other well-formed scheme gives
//!   [`Error::UnsupportedScheme`]; anything that is not a URL gives [`Error::InvalidUrl`] with the
//!   reason.
//! - User info (`user:pass@`) is rejected: we would have to send it as Basic auth, and quietly
//!   dropping it would surprise the caller.
//! - Host names are lower-cased and may hold ASCII letters, digits, `-`, `.` and `_`. A host made
//!   only of digits and dots must be a valid IPv4 address.
//! - The path and query must be visible ASCII (no spaces, no control bytes, nothing above 0x7E);
//!   we do not percent-encode for the caller.
//!
//! [`Url::join`] resolves a `Location` header against the request URL following RFC 3986 §5.2
//! (absolute URL, `//authority`, absolute path, query only, or relative path with dot segments
//! removed).
//!
//! # What production clients do differently
//!
//! reqwest uses the `url` crate, a full WHATWG URL parser: it percent-encodes, accepts IDNA host
//! names and every scheme. We accept only what this client can fetch and reject the rest with a
//! reason.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::error::Error;

mod join;

/// How a URL's bytes travel: the scheme, which also gives the default port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `http`: HTTP/1.1 over TCP, in the clear; port 80 by default (RFC 9110 §4.2.1).
    Http,
    /// `https`: HTTP/1.1 inside TLS over TCP; port 443 by default (RFC 9110 §4.2.2).
    Https,
}

impl Scheme {
    /// The port used when the URL names none.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }

    /// `http` or `https`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The host part of a [`Url`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host {
    /// An IPv4 literal such as `127.0.0.1`; no lookup is needed.
    Ipv4(Ipv4Addr),
    /// An IPv6 literal, written `[::1]` in a URL; no lookup is needed.
    Ipv6(Ipv6Addr),
    /// A host name, lower-cased; it is resolved with `runtime::net::lookup_host`.
    Name(String),
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Ipv4(ip) => write!(f, "{ip}"),
            Host::Ipv6(ip) => write!(f, "[{ip}]"),
            Host::Name(name) => f.write_str(name),
        }
    }
}

/// An absolute `http[s]://host[:port]/path?query` URL.
///
/// ```
/// use http_client::{Scheme, Url};
/// let url = Url::parse("http://Example.com:8080/flags/br.gif?x=1#top").unwrap();
/// assert_eq!(url.port(), 8080);
/// assert_eq!(url.path_and_query(), "/flags/br.gif?x=1");
/// assert_eq!(url.to_string(), "http://example.com:8080/flags/br.gif?x=1");
/// assert_eq!(url.join("../index.html").unwrap().to_string(), "http://example.com:8080/index.html");
/// let secure = Url::parse("HTTPS://www.fluentpython.com/data/flags").unwrap();
/// assert_eq!((secure.scheme(), secure.port()), (Scheme::Https, 443));
/// assert_eq!(secure.to_string(), "https://www.fluentpython.com/data/flags");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// In the clear or inside TLS.
    scheme: Scheme,
    /// Where to connect.
    host: Host,
    /// TCP port; the scheme's default when the URL names none.
    port: u16,
    /// The request target in origin form (RFC 9112 §3.2.1): starts with `/`, includes the query,
    /// never a fragment.
    path_and_query: String,
}

impl Url {
    /// Parses an absolute `http://` or `https://` URL.
    pub fn parse(input: &str) -> Result<Url, Error> {
        let bad = |reason: &str| Error::invalid_url(input, reason);
        let Some((scheme, rest)) = split_scheme(input) else {
            return Err(bad("missing scheme: expected http://host/path"));
        };
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            other => {
                return Err(Error::UnsupportedScheme {
                    scheme: other.to_owned(),
                });
            }
        };
        let Some(rest) = rest.strip_prefix("//") else {
            return Err(bad(&format!("expected // after {scheme}:")));
        };
        // The authority runs up to the first '/', '?' or '#'.
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        let (host, port) =
            parse_authority(authority, scheme.default_port()).map_err(|reason| bad(&reason))?;
        let path_and_query = parse_path(tail).map_err(|reason| bad(&reason))?;
        Ok(Url {
            scheme,
            host,
            port,
            path_and_query,
        })
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The host to connect to.
    pub fn host(&self) -> &Host {
        &self.host
    }

    /// The TCP port (the scheme's default, 80 or 443, unless the URL says otherwise).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The request target: path and query, starting with `/`.
    pub fn path_and_query(&self) -> &str {
        &self.path_and_query
    }

    /// The value of the `Host` request header: the host, and the port unless it is the
    /// scheme's default (RFC 9112 §3.2).
    pub fn authority(&self) -> String {
        if self.port == self.scheme.default_port() {
            self.host.to_string()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The path without the query.
    fn path(&self) -> &str {
        self.path_and_query
            .split('?')
            .next()
            .unwrap_or(&self.path_and_query)
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}://{}{}",
            self.scheme,
            self.authority(),
            self.path_and_query
        )
    }
}

/// Splits `scheme:rest` when `input` starts with a syntactically valid scheme
/// (RFC 3986 §3.1: a letter, then letters, digits, `+`, `-`, `.`).
fn split_scheme(input: &str) -> Option<(&str, &str)> {
    let colon = input.find(':')?;
    let scheme = &input[..colon];
    let mut chars = scheme.chars();
    let first_is_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (first_is_letter && rest_ok).then(|| (scheme, &input[colon + 1..]))
}

/// Parses `host[:port]` (`default_port` when there is none), returning the reason on failure.
fn parse_authority(authority: &str, default_port: u16) -> Result<(Host, u16), String> {
    if authority.contains('@') {
        return Err("user info (user@host) is not supported".into());
    }
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let close = rest.find(']').ok_or("missing ] after IPv6 address")?;
        let ip: Ipv6Addr = rest[..close]
            .parse()
            .map_err(|_| format!("invalid IPv6 address {:?}", &rest[..close]))?;
        let after = &rest[close + 1..];
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or("unexpected text after ]")?),
        };
        (Host::Ipv6(ip), port)
    } else {
        let (name, port) = match authority.rfind(':') {
            Some(i) => (&authority[..i], Some(&authority[i + 1..])),
            None => (authority, None),
        };
        (parse_host_name(name)?, port)
    };
    let port = match port {
        None | Some("") => default_port,
        Some(digits) => parse_port(digits)?,
    };
    Ok((host, port))
}

/// Parses a host that is not in brackets: an IPv4 literal or a name.
fn parse_host_name(name: &str) -> Result<Host, String> {
    if name.is_empty() {
        return Err("empty host".into());
    }
    if name.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return name
            .parse()
            .map(Host::Ipv4)
            .map_err(|_| format!("invalid IPv4 address {name:?}"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
    {
        return Err(format!("invalid character {c:?} in host"));
    }
    Ok(Host::Name(name.to_ascii_lowercase()))
}

/// Parses a port: 1 to 5 digits, 1..=65535.
fn parse_port(digits: &str) -> Result<u16, String> {
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("invalid port {digits:?}"));
    }
    match digits.parse::<u16>() {
        Ok(0) => Err("port 0 cannot be connected to".into()),
        Ok(port) => Ok(port),
        Err(_) => Err(format!("port {digits} out of range")),
    }
}

/// Checks the part after the authority, drops the fragment and supplies `/` for an empty path.
fn parse_path(tail: &str) -> Result<String, String> {
    let tail = tail.split('#').next().unwrap_or("");
    if let Some((i, b)) = tail
        .bytes()
        .enumerate()
        .find(|&(_, b)| !(0x21..=0x7e).contains(&b))
    {
        return Err(format!(
            "byte 0x{b:02x} at position {i} of the path must be percent-encoded"
        ));
    }
    Ok(if tail.starts_with('/') {
        tail.to_string()
    } else {
        format!("/{tail}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn reason(s: &str) -> String {
        match Url::parse(s) {
            Err(Error::InvalidUrl { reason, .. }) => reason,
            other => panic!("expected InvalidUrl for {s:?}, got {other:?}"),
        }
    }

    #[test]
    fn parses_hosts_ports_and_targets() {
        let u = url("http://127.0.0.1:8000/a/b?c=d");
        assert_eq!(u.host(), &Host::Ipv4(Ipv4Addr::LOCALHOST));
        assert_eq!((u.port(), u.path_and_query()), (8000, "/a/b?c=d"));
        let u = url("HTTP://[::1]:9/");
        assert_eq!(u.host(), &Host::Ipv6(Ipv6Addr::LOCALHOST));
        assert_eq!(u.authority(), "[::1]:9");
        let u = url("http://Flags.Example");
        assert_eq!(u.host(), &Host::Name("flags.example".into()));
        assert_eq!((u.port(), u.path_and_query()), (80, "/"));
        assert_eq!(url("http://h?q").path_and_query(), "/?q");
        assert_eq!(url("http://h:/x#frag").to_string(), "http://h/x");
        assert_eq!(url("http://[::1]/").to_string(), "http://[::1]/");
    }

    #[test]
    fn https_urls_default_to_port_443_and_print_their_scheme() {
        let u = url("HTTPS://Flags.Example/data/flags");
        assert_eq!((u.scheme(), u.port()), (Scheme::Https, 443));
        assert_eq!(u.authority(), "flags.example");
        assert_eq!(u.to_string(), "https://flags.example/data/flags");
        let u = url("https://127.0.0.1:80/");
        assert_eq!(
            (u.authority(), u.to_string()),
            ("127.0.0.1:80".into(), "https://127.0.0.1:80/".into())
        );
        assert_eq!(url("https://h:443/").to_string(), "https://h/");
        assert_eq!(url("http://h/").scheme(), Scheme::Http);
    }

    #[test]
    fn other_schemes_are_unsupported() {
        for (input, scheme) in [("ftp://a/", "ftp"), ("WSS://a/", "wss")] {
            match Url::parse(input) {
                Err(Error::UnsupportedScheme { scheme: s }) => assert_eq!(s, scheme),
                other => panic!("{input}: {other:?}"),
            }
        }
    }

    #[test]
    fn malformed_urls_say_what_is_wrong() {
        assert!(reason("example.com/x").contains("missing scheme"));
        assert!(reason("/x").contains("missing scheme"));
        assert!(reason("http:/x").contains("//"));
        assert!(reason("https:x").contains("// after https:"));
        assert!(reason("http:///x").contains("empty host"));
        assert!(reason("http://u:p@h/").contains("user info"));
        assert!(reason("http://h:80x/").contains("invalid port"));
        assert!(reason("http://h:65536/").contains("out of range"));
        assert!(reason("http://h:0/").contains("port 0"));
        assert!(reason("http://[::1/").contains("]"));
        assert!(reason("http://[zz]/").contains("IPv6"));
        assert!(reason("http://[::1]x/").contains("after ]"));
        assert!(reason("http://1.2.3/").contains("IPv4"));
        assert!(reason("http://a b/").contains("' '"));
        assert!(reason("http://h/a b").contains("0x20"));
        assert!(reason("http://h/é").contains("0xc3"));
    }
}
