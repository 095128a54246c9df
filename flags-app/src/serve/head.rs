//! Reading a request head: where it ends, its size bound, and what we keep of it.
//!
//! A connection task appends socket bytes to a buffer and calls [`parse_request`]
//! after each read. It answers one of three things:
//!
//! - `Ok(None)`: the empty line that ends the head has not arrived yet; read more.
//!   If the buffer already holds [`MAX_REQUEST_HEAD_BYTES`] the answer is
//!   `Err(HeadError::TooLarge)` instead, so a client cannot make us buffer forever.
//! - `Ok(Some((head, len)))`: a complete head of `len` bytes; the bytes after it
//!   belong to the next request (pipelining), so the caller drains only `len`.
//! - `Err(_)`: a malformed head; the server answers 400 and closes.
//!
//! The end of the head is found with the HTTP client's [`find_head_end`], and whether
//! the connection stays open is the client's [`keep_alive`] rule (`close` in any
//! position of any `Connection` field closes, RFC 9112 §9.6), so client and server
//! share their framing code; httparse then parses only complete heads, once each.
//! The limits are the server's own ([`MAX_REQUEST_HEAD_BYTES`],
//! [`MAX_REQUEST_HEADERS`]), far below the client's for responses.
//!
//! What hyper does differently: it parses incrementally with its own buffer policy and
//! supports request bodies; our flag server only serves GET and HEAD, so any request
//! that announces a body is refused (400) rather than read and thrown away.

use http_client::wire::{Version, find_head_end, keep_alive};

use super::validators::Conditions;

/// Largest request head we accept: 8 KiB, the size of one of nginx's default
/// `large_client_header_buffers`. A flag request's head is about 100 bytes.
pub const MAX_REQUEST_HEAD_BYTES: usize = 8 * 1024;

/// Most header fields we accept in a request; more is a malformed request.
pub const MAX_REQUEST_HEADERS: usize = 32;

/// What the server keeps of a request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestHead {
    /// The method, for example `GET`.
    pub method: String,
    /// The request target as sent, for example `/flags/br/br.gif`.
    pub target: String,
    /// Whether the connection stays open after the response: HTTP/1.1 unless a
    /// `Connection` field lists `close`; HTTP/1.0 only with `keep-alive` and no `close`
    /// ([`keep_alive`]).
    pub keep_alive: bool,
    /// The conditional fields (`If-None-Match`, `If-Modified-Since`), for a 304.
    pub conditions: Conditions,
}

/// Why a request head was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadError {
    /// No end of head within [`MAX_REQUEST_HEAD_BYTES`].
    TooLarge,
    /// httparse rejected the head (bad syntax, too many headers, ...).
    Malformed(String),
    /// The request announces a body (Content-Length > 0 or Transfer-Encoding),
    /// which a flag server never needs.
    HasBody,
}

impl std::fmt::Display for HeadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeadError::TooLarge => {
                write!(f, "request head larger than {MAX_REQUEST_HEAD_BYTES} bytes")
            }
            HeadError::Malformed(why) => write!(f, "malformed request head: {why}"),
            HeadError::HasBody => f.write_str("request with a body"),
        }
    }
}

impl std::error::Error for HeadError {}

/// Parses the head at the start of `buf`, if it is complete (see the module doc).
pub fn parse_request(buf: &[u8]) -> Result<Option<(RequestHead, usize)>, HeadError> {
    let Some(end) = find_head_end(buf) else {
        return if buf.len() >= MAX_REQUEST_HEAD_BYTES {
            Err(HeadError::TooLarge)
        } else {
            Ok(None)
        };
    };
    if end > MAX_REQUEST_HEAD_BYTES {
        return Err(HeadError::TooLarge);
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_REQUEST_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(&buf[..end]) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => {
            return Err(HeadError::Malformed("incomplete request line".into()));
        }
        Err(err) => return Err(HeadError::Malformed(err.to_string())),
    }
    let (Some(method), Some(target), Some(version)) =
        (request.method, request.path, request.version)
    else {
        return Err(HeadError::Malformed(
            "missing method, target or version".into(),
        ));
    };
    for header in request.headers.iter() {
        let value = String::from_utf8_lossy(header.value);
        if header.name.eq_ignore_ascii_case("transfer-encoding")
            || (header.name.eq_ignore_ascii_case("content-length") && value.trim() != "0")
        {
            return Err(HeadError::HasBody);
        }
    }
    let version = if version == 1 {
        Version::Http11
    } else {
        Version::Http10
    };
    let connection = request
        .headers
        .iter()
        .filter(|header| header.name.eq_ignore_ascii_case("connection"))
        .map(|header| header.value);
    let head = RequestHead {
        method: method.to_owned(),
        target: target.to_owned(),
        keep_alive: keep_alive(version, connection),
        conditions: conditions(request.headers),
    };
    Ok(Some((head, end)))
}

/// The conditional fields of a request: several `If-None-Match` fields are one
/// list (RFC 9110 §5.3); of several `If-Modified-Since`, the first counts.
fn conditions(headers: &[httparse::Header<'_>]) -> Conditions {
    let mut conditions = Conditions::default();
    for header in headers {
        let value = String::from_utf8_lossy(header.value).trim().to_owned();
        if header.name.eq_ignore_ascii_case("if-none-match") {
            match &mut conditions.if_none_match {
                Some(list) => {
                    list.push_str(", ");
                    list.push_str(&value);
                }
                None => conditions.if_none_match = Some(value),
            }
        } else if header.name.eq_ignore_ascii_case("if-modified-since")
            && conditions.if_modified_since.is_none()
        {
            conditions.if_modified_since = Some(value);
        }
    }
    conditions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_get_is_parsed_and_its_length_reported() {
        let raw = b"GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\n\r\nGET /next";
        let (head, len) = parse_request(raw).unwrap().unwrap();
        assert_eq!(head.method, "GET");
        assert_eq!(head.target, "/flags/br/br.gif");
        assert!(head.keep_alive);
        assert_eq!(&raw[len..], b"GET /next");
    }

    #[test]
    fn conditional_fields_are_kept() {
        let raw = b"GET / HTTP/1.1\r\nif-none-match: \"a\"\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\nIf-None-Match: W/\"b\"\r\n\r\n";
        let conditions = parse_request(raw).unwrap().unwrap().0.conditions;
        assert_eq!(conditions.if_none_match.as_deref(), Some("\"a\", W/\"b\""));
        assert_eq!(
            conditions.if_modified_since.as_deref(),
            Some("Sun, 06 Nov 1994 08:49:37 GMT")
        );
        let plain = parse_request(b"GET / HTTP/1.1\r\n\r\n").unwrap().unwrap().0;
        assert_eq!(plain.conditions, Conditions::default());
    }

    #[test]
    fn partial_head_asks_for_more_bytes() {
        assert_eq!(
            parse_request(b"GET /flags/br/br.gif HTTP/1.1\r\nHo"),
            Ok(None)
        );
        assert_eq!(parse_request(b""), Ok(None));
    }

    #[test]
    fn connection_header_decides_keep_alive() {
        let close = b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n";
        assert!(!parse_request(close).unwrap().unwrap().0.keep_alive);
        let old = b"GET / HTTP/1.0\r\n\r\n";
        assert!(!parse_request(old).unwrap().unwrap().0.keep_alive);
        let old_kept = b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n";
        assert!(parse_request(old_kept).unwrap().unwrap().0.keep_alive);
    }

    #[test]
    fn close_in_any_position_closes() {
        for raw in [
            &b"GET / HTTP/1.1\r\nConnection: close, keep-alive\r\n\r\n"[..],
            b"GET / HTTP/1.1\r\nConnection: keep-alive, close\r\n\r\n",
            b"GET / HTTP/1.1\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n",
            b"GET / HTTP/1.0\r\nConnection: Close, Keep-Alive\r\n\r\n",
        ] {
            let head = parse_request(raw).unwrap().unwrap().0;
            assert!(!head.keep_alive, "{}", String::from_utf8_lossy(raw));
        }
    }

    #[test]
    fn oversized_head_is_refused_even_before_it_ends() {
        let mut raw = b"GET / HTTP/1.1\r\nX: ".to_vec();
        raw.resize(MAX_REQUEST_HEAD_BYTES, b'a');
        assert_eq!(parse_request(&raw), Err(HeadError::TooLarge));
        raw.extend_from_slice(b"\r\n\r\n");
        assert_eq!(parse_request(&raw), Err(HeadError::TooLarge));
    }

    #[test]
    fn garbage_and_bodies_are_refused() {
        assert!(matches!(
            parse_request(b"\x00\x01 nonsense\r\n\r\n"),
            Err(HeadError::Malformed(_))
        ));
        let body = b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
        assert_eq!(parse_request(body), Err(HeadError::HasBody));
        let chunked = b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert_eq!(parse_request(chunked), Err(HeadError::HasBody));
    }
}
