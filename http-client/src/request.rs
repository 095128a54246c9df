//! Methods and the bytes of a request head.
//!
//! A request is written in one buffer and sent with one `write_all`:
//!
//! ```text
//! GET /flags/br.gif HTTP/1.1\r\n
//! Host: 127.0.0.1:8001\r\n
//! User-Agent: http-client/0.1.0\r\n
//! <fields added by the caller>\r\n
//! Content-Length: 5\r\n          (when there is a body, or for POST/PUT without one)
//! Connection: close\r\n          (when the client keeps no idle connections)
//! \r\n
//! <body>
//! ```
//!
//! HTTP/1.1 connections are persistent by default (RFC 9112 §9.3), so nothing is said about the
//! connection unless the client will not reuse it. Caller fields are checked for bytes that
//! would break the framing (CR, LF, NUL, or a name that is not a token) and rejected with
//! [`Error::InvalidHeader`].

use std::fmt;

use crate::error::Error;
use crate::url::Url;

/// A request method. [aiohttp's `session.request(method, url)`]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET: fetch a representation.
    Get,
    /// HEAD: like GET, but the response has no body.
    Head,
    /// POST: send a body to be processed.
    Post,
    /// PUT: replace the target with the body.
    Put,
    /// DELETE: remove the target.
    Delete,
    /// OPTIONS: ask what the target supports.
    Options,
    /// PATCH: modify the target with the body.
    Patch,
}

impl Method {
    /// The method's token as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Patch => "PATCH",
        }
    }

    /// Whether repeating the request has the same effect as sending it once (RFC 9110 §9.2.2);
    /// only such requests are retried on a fresh connection.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }

    /// Whether a request without a body should still say `Content-Length: 0`
    /// (RFC 9110 §8.6: methods that define a meaning for an enclosed content).
    fn expects_body(self) -> bool {
        matches!(self, Method::Post | Method::Put | Method::Patch)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything needed to write one request.
#[derive(Debug, Clone)]
pub(crate) struct RequestParts {
    /// The method.
    pub(crate) method: Method,
    /// The target URL.
    pub(crate) url: Url,
    /// Extra fields from the caller, already checked by [`check_header`].
    pub(crate) headers: Vec<(String, String)>,
    /// The body, if any.
    pub(crate) body: Option<Vec<u8>>,
}

/// Checks a caller-supplied field: the name must be a token (RFC 9110 §5.6.2) and the value
/// visible characters, spaces and tabs only.
pub(crate) fn check_header(name: &str, value: &str) -> Result<(), Error> {
    let tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    let name_ok = !name.is_empty() && name.bytes().all(tchar);
    let value_ok = value.bytes().all(|b| b == b'\t' || b >= 0x20 && b != 0x7f);
    if name_ok && value_ok {
        Ok(())
    } else {
        Err(Error::InvalidHeader {
            name: name.to_string(),
        })
    }
}

/// Appends the request's head and body to `out`.
pub(crate) fn write_request(
    parts: &RequestParts,
    user_agent: &str,
    keep_alive: bool,
    out: &mut Vec<u8>,
) {
    let mut line = |s: &str| {
        out.extend_from_slice(s.as_bytes());
        out.extend_from_slice(b"\r\n");
    };
    let has = |name: &str| {
        parts
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    line(&format!(
        "{} {} HTTP/1.1",
        parts.method,
        parts.url.path_and_query()
    ));
    if !has("host") {
        line(&format!("Host: {}", parts.url.authority()));
    }
    if !has("user-agent") {
        line(&format!("User-Agent: {user_agent}"));
    }
    for (name, value) in &parts.headers {
        line(&format!("{name}: {value}"));
    }
    match &parts.body {
        Some(body) => line(&format!("Content-Length: {}", body.len())),
        None if parts.method.expects_body() => line("Content-Length: 0"),
        None => {}
    }
    if !keep_alive {
        line("Connection: close");
    }
    line("");
    if let Some(body) = &parts.body {
        out.extend_from_slice(body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(method: Method, url: &str, body: Option<&[u8]>) -> RequestParts {
        RequestParts {
            method,
            url: Url::parse(url).unwrap(),
            headers: Vec::new(),
            body: body.map(<[u8]>::to_vec),
        }
    }

    fn written(p: &RequestParts, keep_alive: bool) -> String {
        let mut out = Vec::new();
        write_request(p, "http-client/0.1.0", keep_alive, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn get_has_host_and_user_agent_only() {
        let p = parts(Method::Get, "http://127.0.0.1:8001/flags/br.gif?x", None);
        assert_eq!(
            written(&p, true),
            "GET /flags/br.gif?x HTTP/1.1\r\nHost: 127.0.0.1:8001\r\nUser-Agent: http-client/0.1.0\r\n\r\n"
        );
    }

    #[test]
    fn bodies_are_content_length_framed() {
        let p = parts(Method::Post, "http://h/", Some(b"hello"));
        assert!(written(&p, true).ends_with("Content-Length: 5\r\n\r\nhello"));
        let p = parts(Method::Put, "http://h/", None);
        assert!(written(&p, true).ends_with("Content-Length: 0\r\n\r\n"));
        let p = parts(Method::Delete, "http://h/", None);
        assert!(!written(&p, true).contains("Content-Length"));
    }

    #[test]
    fn caller_fields_and_connection_close() {
        let mut p = parts(Method::Head, "http://[::1]/", None);
        p.headers.push(("user-agent".into(), "mine".into()));
        p.headers.push(("Accept-Encoding".into(), "gzip".into()));
        let text = written(&p, false);
        assert_eq!(
            text,
            "HEAD / HTTP/1.1\r\nHost: [::1]\r\nuser-agent: mine\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n"
        );
    }

    #[test]
    fn fields_that_would_break_framing_are_rejected() {
        assert!(check_header("X-Ok", "a b\tc").is_ok());
        for (n, v) in [
            ("X", "a\r\nInjected: 1"),
            ("X", "a\n"),
            ("Bad Name", "v"),
            ("", "v"),
            ("X:", "v"),
        ] {
            assert!(
                matches!(check_header(n, v), Err(Error::InvalidHeader { .. })),
                "{n:?}: {v:?}"
            );
        }
    }
}
