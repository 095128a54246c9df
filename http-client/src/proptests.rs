//! Property tests: arbitrary server bytes never panic the parsers, and chunked encoding
//! round-trips through the decoder however it is split.

use proptest::prelude::*;

use crate::body::BodyDecoder;
use crate::framing::BodyKind;
use crate::fuzzing;
use crate::limits::Limits;

/// A test-only chunk encoder: `body` cut at `cuts`, each chunk written with an optional
/// extension, then the last chunk and the trailer fields.
fn encode_chunked(body: &[u8], sizes: &[usize], with_ext: bool, trailers: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = body;
    let mut sizes = sizes.iter().cycle();
    while !rest.is_empty() {
        let n = (*sizes.next().unwrap_or(&1)).clamp(1, rest.len());
        out.extend_from_slice(format!("{n:X}").as_bytes());
        if with_ext {
            out.extend_from_slice(b" ; name=\"v\"");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&rest[..n]);
        out.extend_from_slice(b"\r\n");
        rest = &rest[n..];
    }
    out.extend_from_slice(b"0\r\n");
    for t in trailers {
        out.extend_from_slice(t.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_the_response_reader(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = fuzzing::response(&data);
    }

    #[test]
    fn arbitrary_bytes_after_a_valid_head_never_panic(
        te in prop_oneof![Just("Transfer-Encoding: chunked\r\n"), Just("Content-Length: 10\r\n"), Just("")],
        body in proptest::collection::vec(any::<u8>(), 0..1024),
        step in any::<u8>(),
    ) {
        let mut data = vec![step];
        data.extend_from_slice(format!("HTTP/1.1 200 OK\r\n{te}\r\n").as_bytes());
        data.extend_from_slice(&body);
        let _ = fuzzing::response(&data);
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_chunked_decoder(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = fuzzing::chunked(&data);
    }

    #[test]
    fn chunked_encoding_round_trips(
        body in proptest::collection::vec(any::<u8>(), 0..4096),
        sizes in proptest::collection::vec(1usize..600, 1..8),
        with_ext in any::<bool>(),
        with_trailers in any::<bool>(),
        split in proptest::collection::vec(1usize..300, 1..6),
    ) {
        let trailers: &[&str] = if with_trailers { &["Expires: never", "X-Sum: 1"] } else { &[] };
        let mut wire = encode_chunked(&body, &sizes, with_ext, trailers);
        let encoded_len = wire.len();
        wire.extend_from_slice(b"HTTP/1.1 200 OK\r\n"); // the next response on the connection
        let mut decoder = BodyDecoder::new(BodyKind::Chunked, Limits::default()).unwrap();
        let mut out = Vec::new();
        let mut pos = 0;
        let mut splits = split.iter().cycle();
        while !decoder.is_done() {
            let end = (pos + splits.next().copied().unwrap_or(1)).min(wire.len());
            pos += decoder.decode(&wire[pos..end], &mut out).unwrap();
        }
        prop_assert_eq!(pos, encoded_len);
        prop_assert_eq!(out, body);
    }
}
