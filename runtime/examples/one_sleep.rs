//! `sleep(1 s)` from the future to the wheel and back: the program of the
//! third walk in `docs/INTERNALS.md`.
//!
//! ```text
//! RUNTIME_TRACE=1 cargo run -p runtime --example one_sleep
//! ```
//!
//! One task sleeps for a second. Its first poll puts a timer in the wheel;
//! the loop parks until the start of the wheel slot that holds it, which
//! for a far timer is earlier than its deadline; each wake-up moves the
//! timer to a finer slot (a cascade), until the one that fires it.

use std::time::{Duration, Instant};

use runtime::task;
use runtime::time::sleep;

fn main() {
    let started = Instant::now();
    runtime::run(async {
        let sleeper = task::Builder::new()
            .name("sleeper")
            .spawn(sleep(Duration::from_secs(1)));
        sleeper.await.expect("the sleeper finishes");
    });
    println!("slept {:.3} s", started.elapsed().as_secs_f64());
}
