//! How late does a 1 ms sleep wake up? This runtime, tokio and smol's
//! async-io, same run.
//!
//! ```text
//! cargo run --release -p runtime --example sleep_lateness
//! ```
//!
//! Sleeps of 1 ms one after another on an otherwise idle runtime; lateness
//! is the measured time minus 1 ms. Where it comes from, on Linux: this
//! runtime rounds the deadline up to the microsecond and its loop waits on a
//! timerfd armed to it (`runtime/src/reactor/alarm.rs`), so what is left is
//! the kernel's wake-up of the thread and one turn of the loop: tens of
//! microseconds on an idle machine. async-io does the same with exact
//! deadlines and a timerfd of its own (through the polling crate). tokio
//! rounds the deadline up to its wheel's next whole millisecond and waits in
//! `epoll_wait`'s millisecond timeout, which the kernel's timer slack (50 µs
//! by default) extends: each of its sleeps ends about a millisecond late.
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
    let smol = async_io::block_on(async {
        let mut late = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            let start = Instant::now();
            async_io::Timer::after(NAP).await;
            late.push(start.elapsed().saturating_sub(NAP));
        }
        late
    });
    report("runtime", ours);
    report("tokio", theirs);
    report("smol", smol);
}
