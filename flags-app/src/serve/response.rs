//! Response heads and the small error responses the server sends.
//!
//! Every response carries a Content-Length, so the client knows where the body ends
//! and the connection can carry the next request (HTTP/1.1 keep-alive, RFC 9112 §9.3).
//! `Connection: close` is sent when the server will close after this response: the
//! client asked for it, or the error plan says "500/503 then close".
//!
//! Every response carries a `Date` (RFC 9110 §6.6.1 asks origin servers with a
//! clock to send one, and a browser's heuristic freshness is measured from it), made
//! once a second per thread, as hyper and nginx do. A `--dir` file's answer also
//! carries `Last-Modified` and `ETag` ([`file_response_head`]); a `304 Not Modified`
//! carries them and no body, so neither `Content-Length` nor `Content-Type`
//! ([`not_modified_head`], as nginx sends it).
//!
//! We send no `Accept-Ranges`: the server does not answer range requests (a
//! `Range` field is ignored and the whole file sent, which RFC 9110 §14.2 allows),
//! and advertising them would be a promise we do not keep. nginx does both; the
//! browser uses ranges for media and resumed downloads, not for a page's images.

use std::cell::RefCell;
use std::fmt::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use http_client::wire::reason_phrase;

use super::validators::{FileStamp, http_date};

/// The `Server` header value.
const SERVER_NAME: &str = concat!("flags-app/", env!("CARGO_PKG_VERSION"));

/// The head of a response: status line, headers, empty line.
pub fn response_head(
    status: u16,
    content_type: &str,
    content_length: u64,
    keep_alive: bool,
) -> Vec<u8> {
    head(
        status,
        Some((content_type, content_length)),
        None,
        keep_alive,
    )
}

/// The head of a 200 for a file with `stamp`: [`response_head`] with the
/// validators.
pub fn file_response_head(
    content_type: &str,
    content_length: u64,
    keep_alive: bool,
    stamp: &FileStamp,
) -> Vec<u8> {
    head(
        200,
        Some((content_type, content_length)),
        Some(stamp),
        keep_alive,
    )
}

/// The head (and whole answer) of a `304 Not Modified` for a file with `stamp`.
pub fn not_modified_head(keep_alive: bool, stamp: &FileStamp) -> Vec<u8> {
    head(304, None, Some(stamp), keep_alive)
}

/// A head: status line, `Server`, `Date`, the body's type and length if it has
/// one, the validators if given, `Connection`.
fn head(
    status: u16,
    body: Option<(&str, u64)>,
    stamp: Option<&FileStamp>,
    keep_alive: bool,
) -> Vec<u8> {
    let mut head = String::with_capacity(256);
    let _ = write!(
        head,
        "HTTP/1.1 {status} {reason}\r\nServer: {SERVER_NAME}\r\n",
        reason = reason_phrase(status),
    );
    push_date(&mut head);
    if let Some((content_type, content_length)) = body {
        let _ = write!(
            head,
            "Content-Type: {content_type}\r\nContent-Length: {content_length}\r\n"
        );
    }
    if let Some(stamp) = stamp {
        let _ = write!(
            head,
            "Last-Modified: {}\r\nETag: {}\r\n",
            stamp.last_modified(),
            stamp.etag()
        );
    }
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n"
    } else {
        "Connection: close\r\n"
    });
    if status == 405 {
        head.push_str("Allow: GET, HEAD\r\n");
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// Appends `Date: ...\r\n` for now, formatted at most once a second per thread.
fn push_date(head: &mut String) {
    thread_local! {
        /// The second last formatted, and its `Date` line.
        static DATE: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    let now = SystemTime::now();
    let second = now
        .duration_since(UNIX_EPOCH)
        .map(|since| since.as_secs())
        .unwrap_or(0);
    DATE.with(|date| {
        let mut date = date.borrow_mut();
        if date.0 != second {
            *date = (second, format!("Date: {}\r\n", http_date(now)));
        }
        head.push_str(&date.1);
    });
}

/// A complete error response: the head and a one-line text body naming the status,
/// for example `404 Not Found`. With `head_only` (a HEAD request) the body is left
/// out but Content-Length still gives its size (RFC 9110 §9.3.2).
pub fn error_response(status: u16, keep_alive: bool, head_only: bool) -> Vec<u8> {
    let (mut response, body) = error_parts(status, keep_alive);
    if !head_only {
        response.extend_from_slice(&body);
    }
    response
}

/// The head and the body of an error response, apart.
pub fn error_parts(status: u16, keep_alive: bool) -> (Vec<u8>, Vec<u8>) {
    let body = format!("{status} {}\n", reason_phrase(status)).into_bytes();
    let head = response_head(
        status,
        "text/plain; charset=utf-8",
        body.len() as u64,
        keep_alive,
    );
    (head, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gif_head_has_type_length_and_keep_alive() {
        let head = String::from_utf8(response_head(200, "image/gif", 1234, true)).unwrap();
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(head.contains("\r\nContent-Type: image/gif\r\n"));
        assert!(head.contains("\r\nContent-Length: 1234\r\n"));
        assert!(head.contains("\r\nConnection: keep-alive\r\n"));
        assert!(head.contains("\r\nDate: "));
        assert!(head.ends_with("\r\n\r\n"));
    }

    #[test]
    fn a_file_head_has_validators_and_a_304_no_body_fields() {
        let stamp = FileStamp {
            modified: UNIX_EPOCH + std::time::Duration::from_secs(784_111_777),
            len: 12,
        };
        let head = String::from_utf8(file_response_head("image/gif", 12, true, &stamp)).unwrap();
        assert!(head.contains("\r\nLast-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n"));
        assert!(head.contains(&format!("\r\nETag: {}\r\n", stamp.etag())));
        assert!(head.contains("\r\nContent-Length: 12\r\n"));
        let not_modified = String::from_utf8(not_modified_head(false, &stamp)).unwrap();
        assert!(not_modified.starts_with("HTTP/1.1 304 Not Modified\r\n"));
        assert!(not_modified.contains(&format!("\r\nETag: {}\r\n", stamp.etag())));
        assert!(not_modified.contains("\r\nConnection: close\r\n"));
        assert!(!not_modified.contains("Content-"), "{not_modified}");
    }

    #[test]
    fn error_response_length_matches_its_body() {
        let response = String::from_utf8(error_response(418, false, false)).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 418 I'm a Teapot"));
        assert!(head.contains("Connection: close"));
        assert_eq!(body, "418 I'm a Teapot\n");
        assert!(head.contains(&format!("Content-Length: {}", body.len())));
        let head_only = String::from_utf8(error_response(404, true, true)).unwrap();
        assert!(head_only.ends_with("\r\n\r\n"));
    }
}
