//! Framing knowledge shared with servers: where a message head ends, when a connection may
//! carry another message, the default limits, and the standard reason phrases.
//!
//! This module is public so that the flag server (another crate of this workspace) applies the
//! same framing rules to request heads as this client applies to response heads: where a head
//! ends ([`find_head_end`]) and whether the connection stays open ([`keep_alive`]) are decided
//! in one place. The *limits* are not shared: the constants below are the client's defaults for
//! responses, and the server keeps its own, smaller limits for requests (a flag request's head
//! is about 100 bytes).
//!
//! # Where a head ends
//!
//! An HTTP/1.1 message head is the start line plus the header lines, ended by an empty line
//! (RFC 9112 §2.1). Lines end in CRLF, but a recipient may also accept a bare LF (RFC 9112 §2.2),
//! and httparse does, so [`find_head_end`] accepts both: the head ends at the first LF that is
//! followed by either LF or CR LF.
//!
//! A reader calls [`find_head_end`] on its buffer each time bytes arrive and hands the head to a
//! parser only once it returns `Some`. That keeps parsing linear: a peer that sends its head one
//! byte at a time does not make the reader parse the growing head again and again. (The search
//! itself can restart a few bytes before where the previous one stopped; the client does that
//! with [`find_head_end_from`].)
//!
//! # Keep-alive
//!
//! [`keep_alive`] is RFC 9112 §9.3 and §9.6, for either end of a connection: HTTP/1.1
//! persists unless a `Connection` field lists `close`; HTTP/1.0 persists only when it lists
//! `keep-alive` and does not list `close`. `close` in any position wins, whatever else the
//! field says (`Connection: close, keep-alive` closes).

/// The HTTP version of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    /// HTTP/1.0: the connection closes after the message unless `Connection: keep-alive`.
    Http10,
    /// HTTP/1.1: the connection stays open unless `Connection: close`.
    Http11,
}

/// Default maximum size of a response head in bytes: 64 KiB. Real heads are far smaller
/// (nginx's default buffer for a whole request head is 4 × 8 KiB), and a server that sends more
/// is broken or hostile; the limit caps what it can make the client buffer.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Default maximum number of header fields in a response head: 100, hyper's default too
/// (`DEFAULT_MAX_HEADERS`). Up to this count the parser's field array lives on the stack.
pub const MAX_HEADERS: usize = 100;

/// Default maximum size of a response body in bytes: 10 MiB. The largest flag image is about
/// 36 KB; the limit leaves room for other uses and stops a runaway body early.
pub const MAX_BODY_BYTES: u64 = 10 * 1024 * 1024;

/// Whether the connection may carry another message after this one, given the message's
/// version and the values of its `Connection` fields (every field of that name, raw bytes,
/// each a comma-separated list of tokens in any case).
///
/// ```
/// use http_client::wire::{Version, keep_alive};
/// assert!(keep_alive(Version::Http11, []));
/// assert!(!keep_alive(Version::Http11, [&b"close"[..]]));
/// assert!(!keep_alive(Version::Http11, [&b"close, keep-alive"[..]]));
/// assert!(!keep_alive(Version::Http11, [&b"keep-alive"[..], b"Close"]));
/// assert!(!keep_alive(Version::Http10, []));
/// assert!(keep_alive(Version::Http10, [&b"Keep-Alive"[..]]));
/// ```
pub fn keep_alive<'a>(version: Version, connection: impl IntoIterator<Item = &'a [u8]>) -> bool {
    let mut said_keep_alive = false;
    for value in connection {
        for token in value.split(|&b| b == b',').map(trim_ows) {
            if token.eq_ignore_ascii_case(b"close") {
                return false;
            }
            said_keep_alive |= token.eq_ignore_ascii_case(b"keep-alive");
        }
    }
    match version {
        Version::Http11 => true,
        Version::Http10 => said_keep_alive,
    }
}

/// `bytes` without the optional whitespace (spaces and tabs, RFC 9110 §5.6.3) around it.
fn trim_ows(bytes: &[u8]) -> &[u8] {
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = bytes.iter().position(|b| !is_ows(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !is_ows(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// Returns the index just past the empty line that ends the head in `buf`, or `None` when `buf`
/// does not contain a complete head yet.
///
/// ```
/// use http_client::wire::find_head_end;
/// assert_eq!(find_head_end(b"HTTP/1.1 200 OK\r\n\r\nbody"), Some(19));
/// assert_eq!(find_head_end(b"HTTP/1.1 200 OK\r\n"), None);
/// assert_eq!(find_head_end(b"HTTP/1.0 200 OK\n\n"), Some(17));
/// ```
pub fn find_head_end(buf: &[u8]) -> Option<usize> {
    find_head_end_from(buf, 0)
}

/// Like [`find_head_end`], but starts looking at `start`, for a reader that already searched
/// `buf[..start]` without success. The search backs up three bytes so that a CR LF CR LF split
/// across two reads is still found.
///
/// ```
/// use http_client::wire::find_head_end_from;
/// let buf = b"HTTP/1.1 200 OK\r\n\r\n";
/// assert_eq!(find_head_end_from(buf, 18), Some(19));
/// ```
pub fn find_head_end_from(buf: &[u8], start: usize) -> Option<usize> {
    let mut i = start.saturating_sub(3).min(buf.len());
    while let Some(offset) = buf[i..].iter().position(|&b| b == b'\n') {
        let lf = i + offset;
        match buf.get(lf + 1) {
            Some(b'\n') => return Some(lf + 2),
            Some(b'\r') if buf.get(lf + 2) == Some(&b'\n') => return Some(lf + 3),
            _ => i = lf + 1,
        }
    }
    None
}

/// The standard reason phrase for a status code (RFC 9110 §15, plus 418 from RFC 2324 as
/// Python's `http.HTTPStatus` spells it), or `""` for a code without one.
///
/// ```
/// use http_client::wire::reason_phrase;
/// assert_eq!(reason_phrase(404), "Not Found");
/// assert_eq!(reason_phrase(418), "I'm a Teapot");
/// assert_eq!(reason_phrase(299), "");
/// ```
pub fn reason_phrase(code: u16) -> &'static str {
    match code {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a Teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_end_is_found_with_crlf_and_bare_lf() {
        assert_eq!(find_head_end(b"A\r\n\r\n"), Some(5));
        assert_eq!(find_head_end(b"A\n\n"), Some(3));
        assert_eq!(find_head_end(b"A\n\r\nrest"), Some(4));
        assert_eq!(find_head_end(b"A\r\nB: c\r\n\r"), None);
        assert_eq!(find_head_end(b""), None);
        assert_eq!(find_head_end(b"\r\n"), None);
    }

    #[test]
    fn incremental_search_finds_the_same_end_as_a_full_search() {
        let msg = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nxyz";
        for split in 0..msg.len() {
            // The first part was searched without success (or the end lies in it).
            let first = find_head_end(&msg[..split]);
            let found = first.or_else(|| find_head_end_from(msg, split));
            assert_eq!(found, Some(25), "split at {split}");
        }
    }

    #[test]
    fn close_anywhere_in_any_field_closes() {
        for values in [
            &[&b"close"[..]][..],
            &[b"keep-alive, close"],
            &[b"close, keep-alive"],
            &[b" Keep-Alive ,\tCLOSE "],
            &[b"keep-alive", b"upgrade, close"],
        ] {
            assert!(
                !keep_alive(Version::Http11, values.iter().copied()),
                "{values:?}"
            );
            assert!(
                !keep_alive(Version::Http10, values.iter().copied()),
                "{values:?}"
            );
        }
    }

    #[test]
    fn otherwise_the_version_decides() {
        assert!(keep_alive(Version::Http11, [&b"upgrade"[..]]));
        assert!(keep_alive(Version::Http11, [&b""[..], b" , "]));
        assert!(!keep_alive(Version::Http10, [&b"upgrade"[..]]));
        assert!(!keep_alive(Version::Http10, [&b"keep-alived"[..]]));
        assert!(keep_alive(Version::Http10, [&b"upgrade,keep-alive"[..]]));
    }

    #[test]
    fn start_past_the_end_of_the_buffer_is_harmless() {
        assert_eq!(find_head_end_from(b"ab", 10), None);
    }
}
