//! Deciding how a response body is delimited and whether the connection may be reused.
//!
//! # The rules (RFC 9112 §6.3, in order)
//!
//! 1. Responses to HEAD, interim 1xx responses, 204 No Content and 304 Not Modified have no body,
//!    whatever their fields say.
//! 2. `Transfer-Encoding` present: the final coding must be `chunked` and the body is chunked.
//!    It wins over `Content-Length`. A response that has both may be a request-smuggling
//!    attempt or a broken intermediary, so its connection is closed afterwards, never pooled
//!    (RFC 9112 §6.3 item 3). Codings other than `chunked` are an error here: this client never
//!    sends `TE`, so a server has no business applying them.
//! 3. `Content-Length` present: every value (fields may repeat, a value may be a list) must be
//!    digits only (so `+5` and `-1` and `0x10` fail) and all must be equal; the body is exactly
//!    that long.
//! 4. Otherwise the body runs until the server closes the connection, which therefore cannot be
//!    reused.
//!
//! # Keep-alive
//!
//! HTTP/1.1 connections persist unless the response says `Connection: close`; HTTP/1.0 ones
//! close unless it says `Connection: keep-alive`, and `close` anywhere wins (RFC 9112 §9.3,
//! §9.6). That rule is [`wire::keep_alive`](crate::wire::keep_alive), which the flag server
//! applies to requests too. The decision here is only what the head allows; the pool also
//! requires the body to have been read to its end, and a body read until close never allows it.

use crate::error::Error;
use crate::head::ResponseHead;
use crate::wire::keep_alive;

/// How the body of a response is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    /// No body at all.
    Empty,
    /// Exactly this many bytes.
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Everything until the server closes the connection.
    UntilClose,
}

/// What the head says about the body and the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Framing {
    /// How to find the end of the body.
    pub(crate) body: BodyKind,
    /// Whether the connection may carry another request after this body.
    pub(crate) keep_alive: bool,
}

/// Applies RFC 9112 §6.3 to a response head; `is_head` says whether the request was HEAD.
pub(crate) fn framing(head: &ResponseHead, is_head: bool) -> Result<Framing, Error> {
    let headers = &head.headers;
    let mut keep_alive = keep_alive(head.version, headers.get_all("connection"));
    if is_head || head.status < 200 || head.status == 204 || head.status == 304 {
        return Ok(Framing {
            body: BodyKind::Empty,
            keep_alive,
        });
    }
    let body = if headers.get_all("transfer-encoding").next().is_some() {
        let codings: Vec<&str> = headers.tokens("transfer-encoding").collect();
        match codings.as_slice() {
            [only] if only.eq_ignore_ascii_case("chunked") => {}
            _ => {
                return Err(Error::protocol(format!(
                    "unsupported Transfer-Encoding {codings:?} (only chunked is accepted)"
                )));
            }
        }
        if headers.get_all("content-length").next().is_some() {
            keep_alive = false;
        }
        BodyKind::Chunked
    } else if let Some(length) = content_length(head)? {
        BodyKind::Length(length)
    } else {
        keep_alive = false;
        BodyKind::UntilClose
    };
    Ok(Framing { body, keep_alive })
}

/// The Content-Length of a head: `None` without the field, an error when any value is not
/// plain digits or the values disagree.
fn content_length(head: &ResponseHead) -> Result<Option<u64>, Error> {
    let mut found: Option<u64> = None;
    for raw in head.headers.get_all("content-length") {
        let text =
            std::str::from_utf8(raw).map_err(|_| Error::protocol("Content-Length is not ASCII"))?;
        for value in text.split(',').map(|v| v.trim_matches([' ', '\t'])) {
            let parsed = parse_digits(value)
                .ok_or_else(|| Error::protocol(format!("invalid Content-Length {value:?}")))?;
            match found {
                Some(previous) if previous != parsed => {
                    return Err(Error::protocol(format!(
                        "conflicting Content-Length values {previous} and {parsed}"
                    )));
                }
                _ => found = Some(parsed),
            }
        }
    }
    Ok(found)
}

/// Parses one or more ASCII digits into a `u64`, `None` on anything else or on overflow.
/// (`str::parse::<u64>` would accept a leading `+`.)
fn parse_digits(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headers::Headers;
    use crate::wire::Version;

    fn head(version: Version, status: u16, fields: &[(&str, &str)]) -> ResponseHead {
        let mut headers = Headers::new();
        for (n, v) in fields {
            headers.append(n, v.as_bytes());
        }
        ResponseHead {
            version,
            status,
            reason: String::new(),
            headers,
        }
    }

    fn frame(fields: &[(&str, &str)]) -> Result<Framing, Error> {
        framing(&head(Version::Http11, 200, fields), false)
    }

    #[test]
    fn no_body_for_head_1xx_204_304() {
        let cl = [("Content-Length", "10")];
        assert_eq!(
            framing(&head(Version::Http11, 200, &cl), true)
                .unwrap()
                .body,
            BodyKind::Empty
        );
        for status in [100, 103, 204, 304] {
            let f = framing(&head(Version::Http11, status, &cl), false).unwrap();
            assert_eq!(
                f,
                Framing {
                    body: BodyKind::Empty,
                    keep_alive: true
                },
                "{status}"
            );
        }
    }

    #[test]
    fn chunked_wins_over_content_length_and_closes() {
        let f = frame(&[("Content-Length", "3"), ("Transfer-Encoding", "Chunked")]).unwrap();
        assert_eq!(
            f,
            Framing {
                body: BodyKind::Chunked,
                keep_alive: false
            }
        );
        let f = frame(&[("Transfer-Encoding", "chunked")]).unwrap();
        assert_eq!(
            f,
            Framing {
                body: BodyKind::Chunked,
                keep_alive: true
            }
        );
    }

    #[test]
    fn other_transfer_codings_are_rejected() {
        for te in ["gzip", "gzip, chunked", "chunked, chunked", ""] {
            assert!(
                matches!(frame(&[("Transfer-Encoding", te)]), Err(Error::Protocol(_))),
                "{te:?}"
            );
        }
    }

    #[test]
    fn content_length_is_digits_only_and_consistent() {
        assert_eq!(
            frame(&[("Content-Length", "5")]).unwrap().body,
            BodyKind::Length(5)
        );
        assert_eq!(
            frame(&[("Content-Length", "5, 5"), ("content-length", "5")])
                .unwrap()
                .body,
            BodyKind::Length(5)
        );
        for bad in ["+5", "-1", "0x10", "", "5 5", "18446744073709551616", "٣"] {
            assert!(
                matches!(frame(&[("Content-Length", bad)]), Err(Error::Protocol(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            frame(&[("Content-Length", "5"), ("Content-Length", "6")]),
            Err(Error::Protocol(_))
        ));
        assert!(matches!(
            frame(&[("Content-Length", "5,6")]),
            Err(Error::Protocol(_))
        ));
    }

    #[test]
    fn otherwise_read_until_close() {
        assert_eq!(
            frame(&[]).unwrap(),
            Framing {
                body: BodyKind::UntilClose,
                keep_alive: false
            }
        );
    }

    #[test]
    fn keep_alive_follows_version_and_connection() {
        let cl = ("Content-Length", "0");
        let f = |v, c: &str| {
            framing(&head(v, 200, &[cl, ("Connection", c)]), false)
                .unwrap()
                .keep_alive
        };
        assert!(f(Version::Http11, "upgrade"));
        assert!(!f(Version::Http11, "Close"));
        assert!(!f(Version::Http10, "upgrade"));
        assert!(f(Version::Http10, "Keep-Alive"));
        assert!(!f(Version::Http10, "keep-alive, close"));
        assert!(
            !framing(&head(Version::Http10, 200, &[cl]), false)
                .unwrap()
                .keep_alive
        );
    }
}
