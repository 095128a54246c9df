//! Fuzzes a whole response: head parsing, framing and body decoding, with the input cut into
//! pieces as a socket would deliver it. Run: `cargo +nightly fuzz run response` in this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = http_client::fuzzing::response(data);
});
