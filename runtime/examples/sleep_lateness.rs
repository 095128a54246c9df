//! How late does a 1 ms sleep wake up? This runtime and tokio, same run.
//!
//! ```text
//! cargo run --release -p runtime --example sleep_lateness
//! ```
//!
//! Sleeps of 1 ms one after another on an otherwise idle runtime; lateness
//! is the measured time minus 1 ms. The goal is a median sleep of at most 1.5 ms
//! on an idle machine: one tick of the wheel plus the kernel's slack. Where
//! it comes from: the deadline is
//! rounded up to the wheel's next whole millisecond (0 to 1 ms), then
//! `epoll_wait`'s millisecond timeout and the kernel's timer slack (50 µs by
//! default) add a little. tokio rounds the same way, so expect similar numbers.
//! This is a measurement to read, not a test: it never fails.

use std::time::{Duration, Instant};

/// Sleeps measured per runtime.
const SAMPLES: usize = 1_000;
/// The requested sleep.
const NAP: Duration = Duration::from_millis(1);

/// Prints median, 90th percentile and maximum lateness.
fn report(name: &str, mut late: Vec<Duration>) {
    late.sort();
    let at = |q: f64| late[((late.len() - 1) as f64 * q) as usize];
    println!(
        "{name:>8}: median {:>8.3?}  p90 {:>8.3?}  max {:>8.3?}  (1 ms sleeps, n = {})",
        at(0.5),
        at(0.9),
        at(1.0),
        late.len()
    );
}

fn main() {
    let ours = runtime::run(async {
        let mut late = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            let start = Instant::now();
            runtime::time::sleep(NAP).await;
            late.push(start.elapsed().saturating_sub(NAP));
        }
        late
    });
    let tokio_rt = match tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("sleep_lateness: cannot create the tokio runtime: {err}");
            std::process::exit(1);
        }
    };
    let theirs = tokio_rt.block_on(async {
        let mut late = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            let start = Instant::now();
            tokio::time::sleep(NAP).await;
            late.push(start.elapsed().saturating_sub(NAP));
        }
        late
    });
    report("runtime", ours);
    report("tokio", theirs);
}
