//! Entry points for the fuzz targets in `http-client/fuzz/` (feature `fuzzing`), also used by
//! the proptests.
//!
//! Each function runs the real parsers over bytes from the fuzzer, cut into pieces the way a
//! socket might deliver them, and returns what they made of it. The property checked is simply
//! that nothing panics, loops or allocates without bound: every outcome is either a value or an
//! [`Error`](crate::Error).

use crate::body::BodyDecoder;
use crate::framing::{BodyKind, framing};
use crate::head::HeadReader;
use crate::limits::Limits;

/// Small limits so that the fuzzer reaches the limit checks quickly.
fn fuzz_limits() -> Limits {
    Limits {
        max_head_bytes: 512,
        max_headers: 8,
        max_body_bytes: 1024,
    }
}

/// Cuts `data` into pieces: the first byte of `data` is the piece length (1..=256).
fn pieces(data: &[u8]) -> (usize, &[u8]) {
    match data.split_first() {
        Some((&n, rest)) => (usize::from(n) + 1, rest),
        None => (1, data),
    }
}

/// Reads a whole response (head, then body until done or EOF) from `data`, delivered in pieces.
/// Returns the body on success.
pub fn response(data: &[u8]) -> Result<Vec<u8>, crate::Error> {
    let (step, data) = pieces(data);
    let limits = fuzz_limits();
    let is_head_request = data.first().is_some_and(|b| b & 1 == 1);
    let mut reader = HeadReader::default();
    let mut end = 0;
    let (head, used) = loop {
        end = (end + step).min(data.len());
        if let Some(done) = reader.parse(&data[..end], &limits)? {
            break done;
        }
        if end == data.len() {
            return Err(crate::Error::protocol("head incomplete at EOF"));
        }
    };
    let framing = framing(&head, is_head_request)?;
    let mut decoder = BodyDecoder::new(framing.body, limits)?;
    let mut out = Vec::new();
    let mut rest = &data[used..];
    while !decoder.is_done() {
        if rest.is_empty() {
            decoder.eof()?;
            break;
        }
        let take = step.min(rest.len());
        let n = decoder.decode(&rest[..take], &mut out)?;
        assert!(n <= take, "decoder claimed more bytes than it was given");
        rest = &rest[n..];
        if n < take {
            assert!(decoder.is_done(), "decoder stopped early without finishing");
        }
    }
    Ok(out)
}

/// Decodes `data` as a chunked body delivered in pieces. Returns the body on success.
pub fn chunked(data: &[u8]) -> Result<Vec<u8>, crate::Error> {
    let (step, data) = pieces(data);
    let mut decoder = BodyDecoder::new(BodyKind::Chunked, fuzz_limits())?;
    let mut out = Vec::new();
    for piece in data.chunks(step) {
        let n = decoder.decode(piece, &mut out)?;
        if decoder.is_done() {
            assert!(n <= piece.len());
            break;
        }
        assert_eq!(
            n,
            piece.len(),
            "an unfinished decoder must consume everything"
        );
    }
    if !decoder.is_done() {
        decoder.eof()?;
    }
    Ok(out)
}
