//! Framing knowledge shared with servers: where a message head ends, the default limits, and the
//! standard reason phrases.
//!
//! This module is public so that the flag server (another crate of this workspace) reads request
//! heads with the same rules and limits as this client reads response heads: framing knowledge
//! lives in one place.
//!
//! # Where a head ends
//!
//! An HTTP/1.1 message head is the start line plus the header lines, ended by an empty line
//! (RFC 9112 §2.1). Lines end in CRLF, but a recipient may also accept a bare LF (RFC 9112 §2.2),
//! and httparse does, so [`find_head_end`] accepts both: the head ends at the first LF that is
//! followed by either LF or CR LF.
//!
//! A reader calls [`find_head_end`] on its buffer each time bytes arrive and hands the head to a
//! parser only once it returns `Some`. That keeps parsing linear: a server that sends its head one
//! byte at a time does not make the reader parse the growing head again and again. (The search
//! itself can restart a few bytes before where the previous one stopped; the client does that
//! with [`find_head_end_from`].)

/// Default maximum size of a message head in bytes: 64 KiB, as in the issue's table. nginx's
/// default `large_client_header_buffers` is 4 × 8 KiB, so real heads are far smaller.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Default maximum number of header fields in a head: 100, as in the issue's table. hyper's
/// default is also 100 (`DEFAULT_MAX_HEADERS`).
pub const MAX_HEADERS: usize = 100;

/// Default maximum size of a response body in bytes: 10 MiB, as in the issue's table. The
/// largest flag image is a few kilobytes.
pub const MAX_BODY_BYTES: u64 = 10 * 1024 * 1024;

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
    fn start_past_the_end_of_the_buffer_is_harmless() {
        assert_eq!(find_head_end_from(b"ab", 10), None);
    }
}
