//! The memory binary's reading of `/proc/self/status`.

use std::process::Command;

use benches::memory::{
    Case, PER_LISTENER, bytes_per_item, listener_shares, max_connections, parse_vm_hwm,
    peak_rss_kib,
};
use benches::params::MEMORY_TASK_STATE;
use benches::side::Side;
use benches::units::{format_kib, thousands};

mod util;

#[test]
fn vm_hwm_is_read_in_kib() {
    let status = "Name:\tmemory\nVmPeak:\t  20000 kB\nVmHWM:\t    5120 kB\nVmRSS:\t 4000 kB\n";
    assert_eq!(parse_vm_hwm(status), Some(5120));
}

#[test]
fn a_status_without_vm_hwm_or_with_another_unit_gives_none() {
    assert_eq!(parse_vm_hwm("VmRSS:\t 4000 kB\n"), None);
    assert_eq!(parse_vm_hwm("VmHWM:\t 4000 MB\n"), None);
    assert_eq!(parse_vm_hwm("VmHWM:\t lots kB\n"), None);
}

#[test]
fn this_process_has_a_peak_that_grows_with_a_touched_allocation() {
    let before = peak_rss_kib().expect("linux /proc");
    // 64 MiB, every page written, so it is resident.
    let block = vec![1u8; 64 << 20];
    let after = peak_rss_kib().expect("linux /proc");
    assert!(block.iter().step_by(4096).all(|b| *b == 1));
    assert!(
        after >= before + 60 * 1024,
        "before {before} KiB, after {after} KiB"
    );
}

#[test]
fn kib_print_as_mib() {
    assert_eq!(format_kib(1536), "1.5 MiB");
}

#[test]
fn counts_print_with_thousands_separators() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1_000), "1,000");
    assert_eq!(thousands(100_000), "100,000");
    assert_eq!(thousands(1_000_000), "1,000,000");
}

#[test]
fn bytes_per_item_is_the_loaded_peak_over_the_empty_one() {
    assert_eq!(bytes_per_item(1_000, 1_100, 1_024), 100.0);
    assert_eq!(
        bytes_per_item(1_000, 900, 10),
        0.0,
        "a lower peak is no negative cost"
    );
}

#[test]
fn connections_are_spread_over_as_few_listeners_as_fit() {
    assert_eq!(listener_shares(1), [1]);
    assert_eq!(listener_shares(PER_LISTENER), [PER_LISTENER]);
    let shares = listener_shares(2 * PER_LISTENER + 1);
    assert_eq!(shares.len(), 3);
    assert_eq!(shares.iter().sum::<usize>(), 2 * PER_LISTENER + 1);
    assert!(shares.iter().all(|s| *s <= PER_LISTENER));
}

#[test]
fn local_pool_runs_only_the_idle_task_case() {
    for case in Case::ALL {
        assert_eq!(Case::parse(case.name()), Some(case));
        for side in [Side::This, Side::Tokio, Side::Smol] {
            assert_eq!(case.absent_reason(side), None, "{case:?} on {side:?}");
        }
    }
    assert_eq!(Case::IdleTasks.absent_reason(Side::LocalPool), None);
    assert!(Case::ParkedReads.absent_reason(Side::LocalPool).is_some());
    assert!(Case::ArmedTimers.absent_reason(Side::LocalPool).is_some());
}

/// Runs the memory binary's child mode; returns the peak in KiB it prints.
fn child_peak(case: Case, side: Side, items: usize, empty: bool) -> u64 {
    util::child_peak_kib(case.name(), side, items, &[], empty, &format!("{case:?}"))
}

#[test]
fn idle_tasks_cost_at_least_their_state_on_every_side() {
    let items = 20_000;
    for side in Side::ALL {
        let empty = child_peak(Case::IdleTasks, side, items, true);
        let loaded = child_peak(Case::IdleTasks, side, items, false);
        let per_task = bytes_per_item(empty, loaded, items);
        assert!(
            per_task >= MEMORY_TASK_STATE as f64,
            "{side:?}: {per_task:.0} bytes per task, less than the body's own state"
        );
    }
}

/// Each parked read holds its task's state (a read buffer of
/// `MEMORY_TASK_STATE` bytes) while it waits on its own loopback connection,
/// so it costs at least that much on every side. (The child fails if a read
/// returned instead of parking.) Enough reads that the figure stands well
/// above a page of noise between the two processes' peaks.
#[test]
fn every_runtime_parks_reads_on_its_own_loopback_connections() {
    let items = max_connections().map_or(2_000, |fit| fit.min(2_000));
    for side in [Side::This, Side::Tokio, Side::Smol] {
        let empty = child_peak(Case::ParkedReads, side, items, true);
        let loaded = child_peak(Case::ParkedReads, side, items, false);
        let per_read = bytes_per_item(empty, loaded, items);
        assert!(
            per_read >= MEMORY_TASK_STATE as f64,
            "{side:?}: {per_read:.0} bytes per parked read ({items} reads), less than its buffer"
        );
    }
}

#[test]
fn the_memory_binary_rejects_bad_arguments_with_its_usage() {
    for args in [
        &["--case", "idle_tasks"][..],
        &["--items", "0"],
        &["--case", "nope", "--side", "this"],
        &["--empty"],
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
