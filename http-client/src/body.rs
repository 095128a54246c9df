//! One body decoder for the three ways a body can be delimited.
//!
//! [`BodyDecoder`] hides whether the body is empty, Content-Length framed, chunked or read
//! until close (see [`framing`](crate::framing)), and enforces `max_body_bytes` on the decoded
//! bytes. The connection feeds it what arrives from the socket:
//!
//! ```text
//! loop {
//!     if decoder.is_done() { break }                  // body complete: connection may be reused
//!     n = socket.read(buf)
//!     if n == 0 { decoder.eof()?; break }             // ok only for UntilClose
//!     used = decoder.decode(&buf[..n], &mut out)?     // bytes past `used` are not this body's
//! }
//! ```
//!
//! A server that closes early gives a truncated body: [`BodyDecoder::eof`] turns that into
//! [`Error::IncompleteBody`] saying how many bytes arrived of how many, so a half-downloaded
//! flag is never taken for a whole one.

use crate::chunked::ChunkedDecoder;
use crate::error::Error;
use crate::framing::BodyKind;
use crate::limits::Limits;

/// The decoding strategy and its progress.
#[derive(Debug)]
enum Decoder {
    /// No body; always done.
    Empty,
    /// Content-Length framed: the declared length and how many bytes are still to come.
    Length { declared: u64, remaining: u64 },
    /// Chunked transfer coding.
    Chunked(ChunkedDecoder),
    /// Until the server closes; `closed` is set by [`BodyDecoder::eof`].
    UntilClose { closed: bool },
}

/// Decodes one response body; see the module docs.
#[derive(Debug)]
pub(crate) struct BodyDecoder {
    /// How the body is delimited, with progress.
    decoder: Decoder,
    /// Decoded body bytes produced so far.
    received: u64,
    /// Limit on `received`.
    max_body_bytes: u64,
}

impl BodyDecoder {
    /// A decoder for a body framed as `kind`. A Content-Length above the limit fails at once.
    pub(crate) fn new(kind: BodyKind, limits: Limits) -> Result<BodyDecoder, Error> {
        let too_large = Error::TooLarge {
            what: "response body bytes",
            limit: limits.max_body_bytes,
        };
        let decoder = match kind {
            BodyKind::Empty => Decoder::Empty,
            BodyKind::Length(n) if n > limits.max_body_bytes => return Err(too_large),
            BodyKind::Length(n) => Decoder::Length {
                declared: n,
                remaining: n,
            },
            BodyKind::Chunked => Decoder::Chunked(ChunkedDecoder::new(limits)),
            BodyKind::UntilClose => Decoder::UntilClose { closed: false },
        };
        Ok(BodyDecoder {
            decoder,
            received: 0,
            max_body_bytes: limits.max_body_bytes,
        })
    }

    /// Whether the whole body has been decoded.
    pub(crate) fn is_done(&self) -> bool {
        match &self.decoder {
            Decoder::Empty => true,
            Decoder::Length { remaining, .. } => *remaining == 0,
            Decoder::Chunked(c) => c.is_done(),
            Decoder::UntilClose { closed } => *closed,
        }
    }

    /// Whether the body ends where its own bytes say (a length, a last chunk) rather than at
    /// the server's close.
    pub(crate) fn is_self_delimited(&self) -> bool {
        !matches!(self.decoder, Decoder::UntilClose { .. })
    }

    /// A guess at the body size for reserving a buffer: the Content-Length, capped at 1 MiB
    /// (a lying Content-Length must not make us reserve gigabytes), else 0.
    pub(crate) fn size_hint(&self) -> usize {
        match &self.decoder {
            Decoder::Length { declared, .. } => (*declared).min(1 << 20) as usize,
            _ => 0,
        }
    }

    /// Decoded body bytes so far.
    pub(crate) fn received(&self) -> u64 {
        self.received
    }

    /// Decodes bytes from the connection, appending body bytes to `out`. Returns how many input
    /// bytes belong to this body; the rest (if the body ended) do not.
    pub(crate) fn decode(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<usize, Error> {
        let before = out.len();
        let used = match &mut self.decoder {
            Decoder::Empty => 0,
            Decoder::Length { remaining, .. } => {
                let n = (*remaining).min(input.len() as u64) as usize;
                out.extend_from_slice(&input[..n]);
                *remaining -= n as u64;
                n
            }
            Decoder::Chunked(c) => c.decode(input, out)?,
            Decoder::UntilClose { closed: true } => 0,
            Decoder::UntilClose { closed: false } => {
                // Check before copying: an until-close body has no declared size to check early.
                let room = self.max_body_bytes - self.received;
                if input.len() as u64 > room {
                    return Err(self.too_large());
                }
                out.extend_from_slice(input);
                input.len()
            }
        };
        self.received += (out.len() - before) as u64;
        if self.received > self.max_body_bytes {
            return Err(self.too_large());
        }
        Ok(used)
    }

    /// The server closed the connection. Fine for a body read until close; a truncated body
    /// otherwise.
    pub(crate) fn eof(&mut self) -> Result<(), Error> {
        if self.is_done() {
            return Ok(());
        }
        match &mut self.decoder {
            Decoder::UntilClose { closed } => {
                *closed = true;
                Ok(())
            }
            Decoder::Length { declared, .. } => Err(Error::IncompleteBody {
                received: self.received,
                declared: Some(*declared),
            }),
            _ => Err(Error::IncompleteBody {
                received: self.received,
                declared: None,
            }),
        }
    }

    /// The error for a body over the limit.
    fn too_large(&self) -> Error {
        Error::TooLarge {
            what: "response body bytes",
            limit: self.max_body_bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max_body_bytes: u64) -> Limits {
        Limits {
            max_body_bytes,
            ..Limits::default()
        }
    }

    /// Feeds `input` in two pieces split at `split`, then EOF if not done.
    fn run(
        kind: BodyKind,
        input: &[u8],
        split: usize,
        max: u64,
    ) -> Result<(Vec<u8>, usize), Error> {
        let mut d = BodyDecoder::new(kind, limits(max))?;
        let mut out = Vec::new();
        let mut used = d.decode(&input[..split], &mut out)?;
        if !d.is_done() {
            used += d.decode(&input[split..], &mut out)?;
        }
        if !d.is_done() {
            d.eof()?;
        }
        assert_eq!(d.received(), out.len() as u64);
        Ok((out, used))
    }

    #[test]
    fn each_kind_split_at_every_point_gives_the_same_body() {
        let cases: [(BodyKind, &[u8], &[u8], usize); 4] = [
            (BodyKind::Length(5), b"helloNEXT", b"hello", 5),
            (
                BodyKind::Chunked,
                b"2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\nNEXT",
                b"hello",
                20,
            ),
            (BodyKind::UntilClose, b"hello", b"hello", 5),
            (BodyKind::Empty, b"NEXT", b"", 0),
        ];
        for (kind, input, body, used) in cases {
            for split in 0..=input.len() {
                let got = run(kind, input, split, 100).unwrap();
                assert_eq!(got, (body.to_vec(), used), "{kind:?} split at {split}");
            }
        }
    }

    #[test]
    fn truncated_bodies_are_incomplete() {
        for split in 0..5 {
            let e = run(BodyKind::Length(10), b"hello", split, 100).unwrap_err();
            assert!(
                matches!(
                    e,
                    Error::IncompleteBody {
                        received: 5,
                        declared: Some(10)
                    }
                ),
                "{e}"
            );
        }
        let e = run(BodyKind::Chunked, b"5\r\nhello\r\n", 3, 100).unwrap_err();
        assert!(matches!(
            e,
            Error::IncompleteBody {
                received: 5,
                declared: None
            }
        ));
    }

    #[test]
    fn the_body_limit_applies_to_every_kind() {
        let too_large = |r: Result<(Vec<u8>, usize), Error>| {
            matches!(
                r,
                Err(Error::TooLarge {
                    what: "response body bytes",
                    limit: 4
                })
            )
        };
        assert!(too_large(run(BodyKind::Length(5), b"hello", 0, 4)));
        assert!(too_large(run(
            BodyKind::Chunked,
            b"5\r\nhello\r\n0\r\n\r\n",
            2,
            4
        )));
        assert!(too_large(run(BodyKind::UntilClose, b"hello", 3, 4)));
        assert_eq!(run(BodyKind::UntilClose, b"hell", 3, 4).unwrap().0, b"hell");
    }
}
