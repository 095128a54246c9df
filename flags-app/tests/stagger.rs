//! `--stagger MS`: requests start at least MS apart, the flag request and, with
//! `--names`, the metadata request alike. Only a lower bound on the run's length is
//! checked (a run can always be slower than its pacing, never faster), so the test
//! does not depend on the machine's speed.

mod util;

use std::time::{Duration, Instant};

use util::{TempDir, counts, files, run_flags};

#[test]
fn requests_start_at_least_the_stagger_apart() {
    let dest = TempDir::new("stagger");
    let codes = ["BR", "CN", "ID", "IN", "PK", "US"];
    let stagger_ms = 100;
    let mut args = vec!["--names", "--stagger", "100", "-m", "6"];
    args.extend(codes);
    args.extend(["--dest", dest.path.to_str().expect("utf-8")]);
    let started = Instant::now();
    let output = run_flags(&args);
    let took = started.elapsed();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(counts(&output).downloaded, codes.len());
    assert_eq!(files(&dest.path).len(), codes.len());
    // Twelve requests (a flag and its metadata.json per code): eleven gaps.
    let least = Duration::from_millis(stagger_ms * (2 * codes.len() as u64 - 1));
    assert!(
        took >= least,
        "12 requests at least {stagger_ms} ms apart took only {took:?}"
    );
}
