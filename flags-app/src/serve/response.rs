//! Response heads and the small error responses the server sends.
//!
//! Every response carries a Content-Length, so the client knows where the body ends
//! and the connection can carry the next request (HTTP/1.1 keep-alive, RFC 9112 §9.3).
//! `Connection: close` is sent when the server will close after this response: the
//! client asked for it, or the error plan says "500/503 then close".
//!
//! What hyper does differently: it writes a `Date` header (RFC 9110 §6.6.1 asks origin
//! servers with a clock to send one) from a cached, once-a-second formatted string.
//! We leave it out; no client of the flag site needs it.

use http_client::wire::reason_phrase;

/// The `Server` header value.
const SERVER_NAME: &str = concat!("flags-app/", env!("CARGO_PKG_VERSION"));

/// The head of a response: status line, headers, empty line.
pub fn response_head(
    status: u16,
    content_type: &str,
    content_length: u64,
    keep_alive: bool,
) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nServer: {SERVER_NAME}\r\nContent-Type: {content_type}\r\nContent-Length: {content_length}\r\n",
        reason = reason_phrase(status),
    );
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
        assert!(head.ends_with("\r\n\r\n"));
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
