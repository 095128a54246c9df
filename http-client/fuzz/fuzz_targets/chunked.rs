//! Fuzzes the chunked body decoder, with the input cut into pieces as a socket would deliver
//! it. Run: `cargo +nightly fuzz run chunked` in this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = http_client::fuzzing::chunked(data);
});
