//! Idle tasks by body size, and the allocator's size classes the README
//! explains them with.

use std::process::Command;

use benches::memory::bodies::{BODY_SIZES, chunk_spacing, future_size, glibc_chunk};
use benches::memory::bytes_per_item;
use benches::side::Side;

mod util;

#[test]
fn each_idle_body_is_exactly_its_size() {
    for body in BODY_SIZES {
        assert_eq!(future_size(body), Some(body));
    }
    assert_eq!(future_size(7), None);
}

/// glibc on 64-bit Linux: a chunk is the request plus an 8-byte size field,
/// rounded up to 16, and at least 32 bytes.
#[cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]
#[test]
fn glibc_puts_requests_in_16_byte_classes_with_an_8_byte_header() {
    assert_eq!(chunk_spacing(0, 100), None, "nothing is allocated for 0");
    for (size, chunk) in [
        (1, 32),
        (16, 32),
        (24, 32),
        (25, 48),
        (40, 48),
        (41, 64),
        (64, 80),
        (72, 80),
        (73, 96),
        (256, 272),
        (264, 272),
        (265, 288),
    ] {
        assert_eq!(glibc_chunk(size), chunk, "formula for {size}");
        assert_eq!(
            chunk_spacing(size, 1_000),
            Some(chunk),
            "measured chunk of a {size}-byte request"
        );
    }
}

/// Runs the memory binary's child mode for idle bodies; the peak in KiB.
fn body_peak(side: Side, body: usize, items: usize, empty: bool) -> u64 {
    let body_arg = body.to_string();
    let what = format!("body {body}");
    util::child_peak_kib(
        "idle_tasks",
        side,
        items,
        &["--body", &body_arg],
        empty,
        &what,
    )
}

#[test]
fn every_side_holds_the_largest_body_in_each_task() {
    let items = 20_000;
    for side in Side::ALL {
        let empty = body_peak(side, 256, items, true);
        let loaded = body_peak(side, 256, items, false);
        let per_task = bytes_per_item(empty, loaded, items);
        assert!(
            per_task >= 256.0,
            "{side:?}: {per_task:.0} bytes per task, less than its 256-byte future"
        );
    }
}

#[test]
fn the_floor_of_an_empty_body_is_less_than_a_chunk() {
    let items = 50_000;
    let empty = body_peak(Side::Floor, 0, items, true);
    let loaded = body_peak(Side::Floor, 0, items, false);
    let per_task = bytes_per_item(empty, loaded, items);
    // A zero-sized future allocates nothing: the floor holds its 16-byte
    // pointer in the Vec, well under the smallest chunk (32).
    assert!(
        (8.0..32.0).contains(&per_task),
        "{per_task:.1} bytes per empty task on the floor"
    );
}

#[test]
fn the_memory_binary_rejects_a_body_it_does_not_build() {
    for args in [
        &["--case", "idle_tasks", "--side", "this", "--body", "7"][..],
        &["--case", "armed_timers", "--side", "this", "--body", "16"],
        &["--body", "16"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_memory"))
            .args(args)
            .output()
            .expect("run the memory binary");
        assert!(!output.status.success(), "{args:?} was accepted");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("usage: memory"),
            "{args:?}"
        );
    }
}
