//! One million tasks, each asleep on its own timer, all at once.
//!
//! ```text
//! cargo run --release -p runtime --example million_timers
//! ```
//!
//! Every task sleeps between 1 and 2 seconds (spread over 1,000 distinct
//! milliseconds), so the whole million is registered in the wheel at the
//! same time. The example checks that every task completed and prints the
//! peak resident memory (`VmHWM` in `/proc/self/status`) and its growth per
//! sleeping task. That figure is the whole task: its allocation, the future's
//! state (which holds the `Sleep`), the run-queue and task-set entries, and
//! the timer's wheel entry (40 bytes in the slab).

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Tasks (and timers) alive at once.
const TASKS: usize = 1_000_000;
/// The shortest sleep; the longest is this plus `SPREAD_MS` - 1 ms.
const BASE_MS: u64 = 1_000;
/// Number of distinct deadlines.
const SPREAD_MS: u64 = 1_000;

/// Peak resident set size in bytes, from `/proc/self/status` (Linux).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn main() {
    let rt = match runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("million_timers: cannot create the runtime: {err}");
            std::process::exit(1);
        }
    };
    let before = peak_rss().unwrap_or(0);
    let start = Instant::now();
    let (done, most_registered) = rt.block_on(async {
        let done = Rc::new(Cell::new(0usize));
        for i in 0..TASKS {
            let done = Rc::clone(&done);
            let nap = Duration::from_millis(BASE_MS + i as u64 % SPREAD_MS);
            // The JoinHandle is dropped: the task runs on, detached.
            drop(runtime::spawn(async move {
                runtime::time::sleep(nap).await;
                done.set(done.get() + 1);
            }));
        }
        // Let every task run once and register its timer.
        runtime::yield_now().await;
        let most_registered = runtime::time::active_timers();
        while done.get() < TASKS {
            runtime::time::sleep(Duration::from_millis(50)).await;
        }
        (done.get(), most_registered)
    });
    let took = start.elapsed();
    let peak = peak_rss().unwrap_or(0);
    println!("tasks completed:        {done} of {TASKS}");
    println!("timers registered:      {most_registered} at once");
    println!(
        "wall time:              {took:.2?} (sleeps of {BASE_MS}..{} ms)",
        BASE_MS + SPREAD_MS - 1
    );
    println!(
        "peak RSS (VmHWM):       {:.1} MiB (before spawning: {:.1} MiB)",
        peak as f64 / 1048576.0,
        before as f64 / 1048576.0
    );
    println!(
        "per sleeping task:      {} bytes",
        peak.saturating_sub(before) / TASKS as u64
    );
    if done != TASKS {
        std::process::exit(1);
    }
}
