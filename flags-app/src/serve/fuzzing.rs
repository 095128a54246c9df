//! Entry point for the fuzz target in `flags-app/fuzz/` (feature `fuzzing`), also
//! used by the proptests in the ordinary test suite.
//!
//! [`requests`] plays the server's side of one connection over bytes from the
//! fuzzer, delivered in pieces as a socket would (the first input byte picks the
//! piece size), with the real code and the steps of `connection.rs`: append a
//! piece to the buffer, [`parse_request`] until it needs more bytes, drain each
//! complete head, [`route`] it, decide the status as the built-in archive
//! does, and frame the answer with [`response_head`]. A malformed head, or the
//! end of the bytes inside a head, gets 400 and the connection closes; so does a
//! request that does not keep it alive. So the answers always end with exactly
//! one that ends the connection: a response without keep-alive, or a close.
//!
//! The property checked is that nothing panics and every answer is a valid
//! response or a close. The function asserts what must hold on the way: a head
//! is never longer than [`MAX_REQUEST_HEAD_BYTES`] nor than the buffer, the buffer
//! never holds that much without an answer, a routed code is two upper-case
//! letters, every status is one the server sends, and every response head parses
//! back (httparse) with that status and the body's length. A failed assertion is
//! a panic, which is what the fuzzer reports.
//!
//! The delay, faults, timeouts and the socket itself are left out: they do not
//! depend on the request's bytes.

use super::head::{MAX_REQUEST_HEAD_BYTES, parse_request};
use super::response::{error_parts, response_head};
use super::route::{Route, route};
use crate::countries::is_known;

/// What the server did with one request, or with the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A response with this status; the connection stays open when `keep_alive`.
    Response {
        /// The status code.
        status: u16,
        /// Whether the server keeps the connection open after it.
        keep_alive: bool,
    },
    /// The server closed the connection without a response, because the client
    /// closed between requests.
    Close,
}

/// Statuses the server answers a request with before any injected fault.
const STATUSES: [u16; 4] = [200, 400, 404, 405];

/// Runs one connection over `data` (see the module doc) and returns its answers.
pub fn requests(data: &[u8]) -> Vec<Answer> {
    let (step, data) = match data.split_first() {
        Some((&n, rest)) => (usize::from(n) + 1, rest),
        None => (1, data),
    };
    let mut answers = Vec::new();
    let mut buf = Vec::new();
    for piece in data.chunks(step) {
        buf.extend_from_slice(piece);
        loop {
            match parse_request(&buf) {
                Ok(Some((head, len))) => {
                    assert!(len > 0 && len <= buf.len(), "head of {len} bytes");
                    assert!(len <= MAX_REQUEST_HEAD_BYTES, "head of {len} bytes");
                    buf.drain(..len);
                    let answer = answer(&route(&head.method, &head.target), head.keep_alive);
                    answers.push(answer);
                    if let Answer::Response {
                        keep_alive: false, ..
                    } = answer
                    {
                        return answers;
                    }
                }
                Ok(None) => {
                    assert!(buf.len() < MAX_REQUEST_HEAD_BYTES, "buffered without end");
                    break;
                }
                Err(_) => {
                    answers.push(checked(400, false, 0));
                    return answers;
                }
            }
        }
    }
    // The client closed: inside a head, the server answers 400 (as `read_head`
    // does); between requests, it closes too.
    answers.push(if buf.is_empty() {
        Answer::Close
    } else {
        checked(400, false, 0)
    });
    answers
}

/// The answer to a routed request, as `connection.rs` builds it for the built-in
/// archive: the 194 known codes exist, every other code is missing.
fn answer(routed: &Route, keep_alive: bool) -> Answer {
    match routed {
        Route::BadRequest(_) => checked(400, false, 0),
        Route::MethodNotAllowed => checked(405, keep_alive, 0),
        Route::NotFound => checked(404, keep_alive, 0),
        // A stand-in length: the real body is the HTML index.
        Route::Index { .. } => checked(200, keep_alive, 1234),
        Route::Flag { cc, .. } | Route::Metadata { cc, .. } => {
            assert!(
                cc.len() == 2 && cc.bytes().all(|b| b.is_ascii_uppercase()),
                "routed to code {cc:?}"
            );
            if is_known(cc) {
                // A stand-in length: the real body is an image or a JSON object.
                checked(200, keep_alive, 1234)
            } else {
                checked(404, keep_alive, 0)
            }
        }
    }
}

/// Frames the response as the server does, checks it, and returns its answer.
/// `len` is the body length for 200; error bodies come from [`error_parts`].
fn checked(status: u16, keep_alive: bool, len: u64) -> Answer {
    assert!(STATUSES.contains(&status), "status {status}");
    let (head, body_len) = if status == 200 {
        (response_head(200, "image/gif", len, keep_alive), len)
    } else {
        let (head, body) = error_parts(status, keep_alive);
        (head, body.len() as u64)
    };
    let mut headers = [httparse::EMPTY_HEADER; 16];
    let mut parsed = httparse::Response::new(&mut headers);
    let complete =
        matches!(parsed.parse(&head), Ok(httparse::Status::Complete(n)) if n == head.len());
    assert!(complete, "response head does not parse: {head:?}");
    assert_eq!(parsed.code, Some(status));
    let length = parsed
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .and_then(|h| std::str::from_utf8(h.value).ok())
        .and_then(|v| v.parse::<u64>().ok());
    assert_eq!(length, Some(body_len), "Content-Length of {head:?}");
    Answer::Response { status, keep_alive }
}
