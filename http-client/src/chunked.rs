//! A strict, incremental decoder for `Transfer-Encoding: chunked` (RFC 9112 §7.1).
//!
//! ```text
//! chunked-body = *chunk last-chunk trailer-section CRLF
//! chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//! last-chunk   = 1*("0") [ chunk-ext ] CRLF
//! ```
//!
//! Bytes are fed as they arrive, split anywhere; [`ChunkedDecoder::decode`] appends the chunk
//! data to the caller's buffer and keeps its place in a small state machine:
//!
//! ```text
//!   Size ──hex──▶ Size ──SP/HTAB──▶ AfterSize ──';'──▶ Ext ──CR──▶ SizeLf ──LF──┬─▶ Data ─▶ DataCr ─▶ DataLf ─▶ Size
//!     └──';'──────────────────────────────────────────▶ Ext          (size 0)   └─▶ TrailerStart
//!   TrailerStart ──CR──▶ EndLf ──LF──▶ Done
//!   TrailerStart ──other──▶ TrailerLine ──CR──▶ TrailerLf ──LF──▶ TrailerStart
//! ```
//!
//! Strictness, each violation an [`Error::Protocol`] saying what was wrong:
//! - the size has at least one hex digit, and it must fit a `u64` (checked arithmetic);
//! - after the size only whitespace, an extension (`;...`) or CR may follow;
//! - every line ends in CR LF, including the one after each chunk's data;
//! - extensions are skipped but limited to [`MAX_CHUNK_EXT_BYTES`] per line
//!   ([`Error::TooLarge`]);
//! - trailer fields are read and discarded, counting against the head limits (bytes and number
//!   of fields) so that a server cannot stream an endless trailer.
//!
//! The decoder consumes nothing past the final CRLF: [`ChunkedDecoder::decode`] returns how much
//! of the input it used, and the rest belongs to whatever follows on the connection.
//!
//! # What production clients do differently
//!
//! hyper's decoder (`proto/h1/decode.rs`) has the same shape; it also hands out the data as
//! zero-copy `Bytes` slices of the read buffer instead of copying into a `Vec`.

use crate::error::Error;
use crate::limits::Limits;

/// Maximum bytes of chunk extensions on one chunk-size line. hyper allows 16 KiB in total per
/// message (`CHUNKED_EXTENSIONS_LIMIT`); extensions are unused in practice, so 4 KiB per line
/// is plenty.
pub(crate) const MAX_CHUNK_EXT_BYTES: usize = 4096;

/// Where in the chunked grammar the decoder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading the hex digits of a chunk size: the value so far and how many digits were seen.
    Size { value: u64, digits: u32 },
    /// After the size and some whitespace: more whitespace, `;` or CR may follow.
    AfterSize { value: u64 },
    /// Inside chunk extensions, skipping up to CR.
    Ext { value: u64 },
    /// After the CR of a chunk-size line; expecting LF.
    SizeLf { value: u64 },
    /// Inside chunk data, with this many bytes left.
    Data { remaining: u64 },
    /// After chunk data; expecting CR.
    DataCr,
    /// After chunk data and CR; expecting LF.
    DataLf,
    /// At the start of a trailer line or of the final empty line.
    TrailerStart,
    /// Inside a trailer field line (discarded).
    TrailerLine,
    /// After the CR of a trailer field line; expecting LF.
    TrailerLf,
    /// After the CR of the final empty line; expecting LF.
    EndLf,
    /// The whole chunked body has been read.
    Done,
}

/// Incremental chunked decoder; see the module docs.
#[derive(Debug)]
pub(crate) struct ChunkedDecoder {
    /// Current position in the grammar.
    state: State,
    /// Bytes of chunk extension seen on the current size line.
    ext_bytes: usize,
    /// Bytes of trailer section seen so far (counted against `max_head_bytes`).
    trailer_bytes: usize,
    /// Trailer fields seen so far (counted against `max_headers`).
    trailer_fields: usize,
    /// Limits for the trailer section.
    limits: Limits,
}

impl ChunkedDecoder {
    /// A decoder at the start of a chunked body.
    pub(crate) fn new(limits: Limits) -> ChunkedDecoder {
        ChunkedDecoder {
            state: State::Size {
                value: 0,
                digits: 0,
            },
            ext_bytes: 0,
            trailer_bytes: 0,
            trailer_fields: 0,
            limits,
        }
    }

    /// Whether the final CRLF has been read.
    pub(crate) fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Decodes as much of `input` as possible, appending chunk data to `out`. Returns the number
    /// of input bytes consumed: all of them, unless the body ended inside `input`.
    pub(crate) fn decode(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<usize, Error> {
        let mut i = 0;
        while i < input.len() && self.state != State::Done {
            if let State::Data { remaining } = self.state {
                // Bulk copy: the only state that takes more than one byte at a time.
                let n = remaining.min((input.len() - i) as u64) as usize;
                out.extend_from_slice(&input[i..i + n]);
                i += n;
                let remaining = remaining - n as u64;
                self.state = if remaining == 0 {
                    State::DataCr
                } else {
                    State::Data { remaining }
                };
                continue;
            }
            self.state = self.step(input[i])?;
            i += 1;
        }
        Ok(i)
    }

    /// Advances the state machine by one byte (any state but `Data` and `Done`).
    fn step(&mut self, byte: u8) -> Result<State, Error> {
        let bad = |what: &str| Err(Error::protocol(format!("{what} (byte 0x{byte:02x})")));
        Ok(match self.state {
            State::Size { value, digits } => match (hex_value(byte), byte) {
                (Some(d), _) => {
                    let value = value
                        .checked_mul(16)
                        .and_then(|v| v.checked_add(u64::from(d)))
                        .ok_or_else(|| Error::protocol("chunk size overflows 64 bits"))?;
                    State::Size {
                        value,
                        digits: digits + 1,
                    }
                }
                _ if digits == 0 => return bad("chunk size must start with a hex digit"),
                (None, b' ' | b'\t') => State::AfterSize { value },
                (None, b';') => self.start_ext(value),
                (None, b'\r') => State::SizeLf { value },
                _ => return bad("invalid character in chunk size"),
            },
            State::AfterSize { value } => match byte {
                b' ' | b'\t' => State::AfterSize { value },
                b';' => self.start_ext(value),
                b'\r' => State::SizeLf { value },
                _ => return bad("invalid character after chunk size"),
            },
            State::Ext { value } => match byte {
                b'\r' => State::SizeLf { value },
                b'\t' | 0x20..=0x7e | 0x80..=0xff => {
                    self.ext_bytes += 1;
                    if self.ext_bytes > MAX_CHUNK_EXT_BYTES {
                        return Err(Error::TooLarge {
                            what: "chunk extension bytes",
                            limit: MAX_CHUNK_EXT_BYTES as u64,
                        });
                    }
                    State::Ext { value }
                }
                _ => return bad("control character in chunk extension"),
            },
            State::SizeLf { value } => match byte {
                b'\n' if value == 0 => State::TrailerStart,
                b'\n' => State::Data { remaining: value },
                _ => return bad("chunk size line must end in CRLF"),
            },
            State::DataCr => match byte {
                b'\r' => State::DataLf,
                _ => return bad("chunk data must be followed by CRLF"),
            },
            State::DataLf => match byte {
                b'\n' => State::Size {
                    value: 0,
                    digits: 0,
                },
                _ => return bad("chunk data must be followed by CRLF"),
            },
            State::TrailerStart => {
                self.count_trailer_byte()?;
                match byte {
                    b'\r' => State::EndLf,
                    b'\n' => return bad("trailer line must end in CRLF"),
                    _ => {
                        self.trailer_fields += 1;
                        if self.trailer_fields > self.limits.max_headers {
                            return Err(Error::TooLarge {
                                what: "trailer fields",
                                limit: self.limits.max_headers as u64,
                            });
                        }
                        State::TrailerLine
                    }
                }
            }
            State::TrailerLine => {
                self.count_trailer_byte()?;
                match byte {
                    b'\r' => State::TrailerLf,
                    b'\n' => return bad("trailer line must end in CRLF"),
                    _ => State::TrailerLine,
                }
            }
            State::TrailerLf | State::EndLf => {
                self.count_trailer_byte()?;
                match (self.state, byte) {
                    (State::TrailerLf, b'\n') => State::TrailerStart,
                    (_, b'\n') => State::Done,
                    _ => return bad("trailer line must end in CRLF"),
                }
            }
            State::Data { .. } | State::Done => self.state,
        })
    }

    /// Enters the extension state for a chunk of size `value`.
    fn start_ext(&mut self, value: u64) -> State {
        self.ext_bytes = 0;
        State::Ext { value }
    }

    /// Counts one trailer byte against the head byte limit.
    fn count_trailer_byte(&mut self) -> Result<(), Error> {
        self.trailer_bytes += 1;
        if self.trailer_bytes > self.limits.max_head_bytes {
            return Err(Error::TooLarge {
                what: "chunked trailer bytes",
                limit: self.limits.max_head_bytes as u64,
            });
        }
        Ok(())
    }
}

/// The value of an ASCII hex digit.
fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `input` in two pieces split at `split`, returning (body, consumed).
    fn decode_split(input: &[u8], split: usize) -> Result<(Vec<u8>, usize, bool), Error> {
        let mut d = ChunkedDecoder::new(Limits::default());
        let mut out = Vec::new();
        let mut used = d.decode(&input[..split], &mut out)?;
        if used == split {
            used += d.decode(&input[split..], &mut out)?;
        }
        Ok((out, used, d.is_done()))
    }

    const SAMPLE: &[u8] =
        b"5\r\nhello\r\nA;name=value ; x\r\n, world!!!\r\n0 ;last\r\nTrailer: x\r\nMore: y\r\n\r\nNEXT";

    #[test]
    fn a_body_split_at_every_point_decodes_the_same() {
        for split in 0..=SAMPLE.len() {
            let (body, used, done) = decode_split(SAMPLE, split).unwrap();
            assert_eq!(body, b"hello, world!!!", "split at {split}");
            assert_eq!(used, SAMPLE.len() - 4, "split at {split}");
            assert!(done);
        }
    }

    #[test]
    fn byte_at_a_time_works() {
        let mut d = ChunkedDecoder::new(Limits::default());
        let mut out = Vec::new();
        for b in b"3\r\nabc\r\n0\r\n\r\n" {
            assert_eq!(d.decode(&[*b], &mut out).unwrap(), 1);
        }
        assert!(d.is_done());
        assert_eq!(out, b"abc");
    }

    #[test]
    fn incomplete_input_is_not_done() {
        let (body, used, done) = decode_split(b"3\r\nab", 2).unwrap();
        assert_eq!((body.as_slice(), used, done), (b"ab".as_slice(), 5, false));
    }

    fn err(input: &[u8]) -> Error {
        match decode_split(input, input.len() / 2) {
            Err(e) => e,
            Ok(r) => panic!("{:?} decoded to {r:?}", String::from_utf8_lossy(input)),
        }
    }

    #[test]
    fn malformed_sizes_are_protocol_errors() {
        for input in [
            &b"\r\n"[..],
            b";ext\r\n",
            b"x\r\n",
            b"-1\r\n",
            b"0x5\r\n",
            b"5 5\r\n",
            b"5\n",
            b"10000000000000000\r\n",
            b"5\r\nhelloXX",
            b"5\r\nhello\n0\r\n\r\n",
            b"0\r\n\n",
            b"0\r\nA: b\n\r\n",
            b"1;a\x00\r\n",
        ] {
            assert!(
                matches!(err(input), Error::Protocol(_)),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn the_largest_u64_size_is_accepted_as_a_size() {
        let (_, used, _) = decode_split(b"ffffffffffffffff\r\n", 3).unwrap();
        assert_eq!(used, 18);
    }

    #[test]
    fn extensions_and_trailers_are_limited() {
        let mut long_ext = b"1;".to_vec();
        long_ext.resize(MAX_CHUNK_EXT_BYTES + 10, b'a');
        assert!(matches!(
            err(&long_ext),
            Error::TooLarge {
                what: "chunk extension bytes",
                ..
            }
        ));
        let mut many = b"0\r\n".to_vec();
        for _ in 0..101 {
            many.extend_from_slice(b"T: v\r\n");
        }
        assert!(matches!(
            err(&many),
            Error::TooLarge {
                what: "trailer fields",
                limit: 100
            }
        ));
        let mut big = b"0\r\nT: ".to_vec();
        big.resize(70_000, b'v');
        assert!(matches!(
            err(&big),
            Error::TooLarge {
                what: "chunked trailer bytes",
                ..
            }
        ));
    }
}
