//! Parsing a response head: status line and header fields.
//!
//! # How a head is read
//!
//! The connection appends bytes from the socket to a buffer and calls [`parse_head`] after each
//! read. [`parse_head`] first looks for the empty line that ends the head
//! ([`find_head_end_from`], resuming where the last search stopped) and only when it is there
//! hands the head to httparse, once. So a server that dribbles its head a byte at a time costs
//! linear work, not the quadratic work of re-parsing the growing buffer after every byte.
//!
//! Checks, each failing with a clear error and never a panic:
//! - the head may not exceed `max_head_bytes`, whether or not its end has arrived
//!   ([`Error::TooLarge`]);
//! - more than `max_headers` fields is [`Error::TooLarge`] (httparse reports it as
//!   `TooManyHeaders`; we give it the array of that size);
//! - httparse's fields are used only after it returns `Complete`; anything else is
//!   [`Error::Protocol`] naming httparse's complaint;
//! - the status code must be 100–599 (RFC 9110 §15; httparse accepts any three digits).
//!
//! Empty lines before the status line are skipped, as RFC 9112 §2.2 allows for robustness
//! (some old servers send a stray CRLF after a body).
//!
//! Interim 1xx responses are parsed like any other; the connection skips them.

use crate::error::Error;
use crate::headers::Headers;
use crate::limits::Limits;
use crate::wire::{MAX_HEADERS, Version, find_head_end_from};

/// A parsed response head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResponseHead {
    /// HTTP version from the status line.
    pub(crate) version: Version,
    /// Status code, 100–599.
    pub(crate) status: u16,
    /// Reason phrase as sent (may be empty).
    pub(crate) reason: String,
    /// Header fields.
    pub(crate) headers: Headers,
}

/// Progress of reading one head from a growing buffer.
#[derive(Debug, Default)]
pub(crate) struct HeadReader {
    /// How many bytes of the buffer have been searched for the end of the head without
    /// success; the next search resumes there.
    searched: usize,
}

impl HeadReader {
    /// Tries to parse a head at the start of `buf`.
    ///
    /// Returns `Ok(None)` when more bytes are needed, or the head and the number of bytes it
    /// occupied (the body starts right after).
    pub(crate) fn parse(
        &mut self,
        buf: &[u8],
        limits: &Limits,
    ) -> Result<Option<(ResponseHead, usize)>, Error> {
        let lead = buf
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        let too_large = Error::TooLarge {
            what: "response head bytes",
            limit: limits.max_head_bytes as u64,
        };
        // Search after the leading empty lines, so that they are not taken for the end.
        let start = self.searched.saturating_sub(lead);
        let Some(end) = find_head_end_from(&buf[lead..], start).map(|end| lead + end) else {
            self.searched = buf.len();
            if buf.len() - lead > limits.max_head_bytes {
                return Err(too_large);
            }
            return Ok(None);
        };
        if end - lead > limits.max_head_bytes {
            return Err(too_large);
        }
        let head = parse_complete(&buf[lead..end], limits.max_headers)?;
        self.searched = 0;
        Ok(Some((head, end)))
    }
}

/// Parses a head known to end with its empty line.
fn parse_complete(bytes: &[u8], max_headers: usize) -> Result<ResponseHead, Error> {
    // Up to the default limit the field array lives on the stack; a larger limit allocates.
    let mut stack = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut heap = Vec::new();
    let fields: &mut [httparse::Header<'_>] = if max_headers <= MAX_HEADERS {
        &mut stack[..max_headers]
    } else {
        heap.resize(max_headers, httparse::EMPTY_HEADER);
        &mut heap
    };
    let mut response = httparse::Response::new(fields);
    match response.parse(bytes) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => {
            return Err(Error::protocol(
                "response head ended before its status line",
            ));
        }
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Error::TooLarge {
                what: "response header fields",
                limit: max_headers as u64,
            });
        }
        Err(e) => return Err(Error::protocol(format!("malformed response head: {e}"))),
    }
    // Complete: httparse guarantees version, code and reason are set.
    let (Some(version), Some(status)) = (response.version, response.code) else {
        return Err(Error::protocol("response head without a status line"));
    };
    let version = match version {
        0 => Version::Http10,
        _ => Version::Http11,
    };
    if !(100..=599).contains(&status) {
        return Err(Error::protocol(format!(
            "status code {status} is not in 100..=599"
        )));
    }
    let mut headers = Headers::new();
    for field in response.headers.iter() {
        headers.append(field.name, field.value);
    }
    Ok(ResponseHead {
        version,
        status,
        reason: response.reason.unwrap_or("").to_string(),
        headers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] =
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello";

    fn parse_all(buf: &[u8], limits: &Limits) -> Result<Option<(ResponseHead, usize)>, Error> {
        HeadReader::default().parse(buf, limits)
    }

    #[test]
    fn a_head_split_at_every_point_parses_the_same() {
        let limits = Limits::default();
        for split in 0..=SAMPLE.len() {
            let mut reader = HeadReader::default();
            let first = reader.parse(&SAMPLE[..split], &limits).unwrap();
            let (head, used) = match first {
                Some(done) => done,
                None => reader.parse(SAMPLE, &limits).unwrap().unwrap(),
            };
            assert_eq!(used, SAMPLE.len() - 5, "split at {split}");
            assert_eq!((head.version, head.status), (Version::Http11, 200));
            assert_eq!(head.reason, "OK");
            assert_eq!(head.headers.get("content-length"), Some("5"));
        }
    }

    #[test]
    fn byte_by_byte_feeding_finds_the_end_once() {
        let limits = Limits::default();
        let mut reader = HeadReader::default();
        let mut found = Vec::new();
        for n in 0..=SAMPLE.len() {
            if let Some((_, used)) = reader.parse(&SAMPLE[..n], &limits).unwrap() {
                found.push((n, used));
                break;
            }
        }
        assert_eq!(found, [(SAMPLE.len() - 5, SAMPLE.len() - 5)]);
    }

    #[test]
    fn http_1_0_and_leading_empty_lines_are_accepted() {
        let (head, used) = parse_all(b"\r\n\r\nHTTP/1.0 404 \r\n\r\n", &Limits::default())
            .unwrap()
            .unwrap();
        assert_eq!(
            (head.version, head.status, used),
            (Version::Http10, 404, 21)
        );
    }

    #[test]
    fn status_outside_100_to_599_is_a_protocol_error() {
        for line in ["HTTP/1.1 600 X", "HTTP/1.1 099 X", "HTTP/1.1 999 X"] {
            let msg = format!("{line}\r\n\r\n");
            assert!(
                matches!(
                    parse_all(msg.as_bytes(), &Limits::default()),
                    Err(Error::Protocol(_))
                ),
                "{line}"
            );
        }
    }

    #[test]
    fn garbage_is_a_protocol_error() {
        for msg in [
            &b"HTTP/2 200 OK\r\n\r\n"[..],
            b"hello\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nbad header\r\n\r\n",
        ] {
            assert!(matches!(
                parse_all(msg, &Limits::default()),
                Err(Error::Protocol(_))
            ));
        }
    }

    #[test]
    fn a_head_over_the_byte_limit_is_too_large_even_before_it_ends() {
        let limits = Limits {
            max_head_bytes: 64,
            ..Limits::default()
        };
        let mut long = b"HTTP/1.1 200 OK\r\nX: ".to_vec();
        long.resize(65, b'a');
        assert!(matches!(
            parse_all(&long, &limits),
            Err(Error::TooLarge { limit: 64, .. })
        ));
        long.extend_from_slice(b"\r\n\r\n");
        assert!(matches!(
            parse_all(&long, &limits),
            Err(Error::TooLarge { limit: 64, .. })
        ));
        // Under the limit and incomplete: wait for more.
        assert!(parse_all(&long[..60], &limits).unwrap().is_none());
    }

    #[test]
    fn too_many_fields_are_too_large_not_a_panic() {
        let mut msg = b"HTTP/1.1 200 OK\r\n".to_vec();
        for i in 0..1000 {
            msg.extend_from_slice(format!("X-{i}: v\r\n").as_bytes());
        }
        msg.extend_from_slice(b"\r\n");
        let err = parse_all(&msg, &Limits::default()).unwrap_err();
        assert!(matches!(
            err,
            Error::TooLarge {
                what: "response header fields",
                limit: 100
            }
        ));
        let roomy = Limits {
            max_headers: 1000,
            ..Limits::default()
        };
        let (head, _) = parse_all(&msg, &roomy).unwrap().unwrap();
        assert_eq!(head.headers.len(), 1000);
    }
}
