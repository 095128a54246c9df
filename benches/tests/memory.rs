//! The memory binary's reading of `/proc/self/status`.

use benches::memory::{format_kib, parse_vm_hwm, peak_rss_kib, thousands};

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
