//! Fuzzes the flag server's side of a connection: request heads delivered in pieces, parsed,
//! routed and answered. Run: `cargo +nightly fuzz run request` in this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = flags_app::serve::fuzzing::requests(data);
});
