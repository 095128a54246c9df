//! Rule R of the wake protocol (`runtime/src/task/state.rs`), with the
//! interleaving forced: a second `wake_by_ref` that finds `SCHEDULED` still
//! set must still publish what its thread wrote before it.
//!
//! The race that rule R closes needs one order of events, which a free-running
//! test reaches only now and then: the waking thread bumps a counter and wakes
//! the task (the flag goes up, the task is queued), bumps it again and wakes
//! again *before the loop clears the flag*, and the loop's poll then reads the
//! counter with nothing from the waking thread's second bump ordered before
//! it. This test makes that order certain with a *gate*: a second task that
//! the waking thread queues first, whose poll holds the loop (a spin on a
//! `Relaxed` flag, which orders nothing) until both wakes are done. The loop
//! then takes the woken task, clears its flag and polls it.
//!
//! - With rule R, the second wake writes the word back with `Release` (a
//!   compare-exchange of the same value), and the loop's `Acquire` clear reads
//!   that write, so the poll sees the second bump. The test passes under any
//!   schedule.
//! - With the shortcut (a `wake_by_ref` that returns when a plain load says
//!   `SCHEDULED`), the clear synchronises with the first wake only, and under
//!   Miri's weak-memory emulation the poll may read the counter from before the
//!   second bump (Miri picks among the stores it may see, here two). The task
//!   returns `Pending`, nothing will wake it again, and Miri reports the
//!   deadlock. Each of the [`ROUNDS`] rounds is one more such chance; each
//!   of seeds 0 to 3 deadlocked with the shortcut, none without it.
//!
//! `.ci/mutations` runs it against the skip (rules W and C weakened are
//! checked there with `tests/wake_race.rs`'s rounds). Natively, where loads
//! do not read stale values this way, it runs under the watchdog and checks
//! only that nothing hangs.
//!
//! ```sh
//! MIRIFLAGS="-Zmiri-many-seeds=0..4" cargo +nightly miri test -p runtime --test wake_gate
//! ```

use std::future::poll_fn;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Poll, Waker};
use std::thread;
use std::time::Duration;

use runtime::{run, spawn};

/// Rounds of the forced race in one run: each gives Miri one more chance to
/// read the stale counter when a rule is broken (see the module doc).
const ROUNDS: usize = if cfg!(miri) { 12 } else { 1_000 };

/// How long a native run may take before the watchdog calls it a lost wake.
const WATCHDOG: Duration = Duration::from_secs(60);

/// What the loop and the waking thread share.
#[derive(Default)]
struct Shared {
    /// Bumped twice a round by the waking thread, `Relaxed`: only the wake
    /// protocol may order a bump before the poll that reads it.
    counter: AtomicUsize,
    /// The last round whose two wakes are done, stored `Relaxed` by the
    /// waking thread after the second wake; the gate spins on it. `Relaxed`
    /// on both sides, so the gate orders nothing between the threads.
    wakes_done: AtomicUsize,
    /// The last round in which the task read the counter after the gate,
    /// stored `Relaxed` by the task. The waking thread spins on it before it
    /// blocks for the next round: under Miri a blocking wait (a futex) is an
    /// SC fence, and one between the second bump and the task's read would
    /// order the bump before the read, hiding a broken rule.
    polled: AtomicUsize,
    /// The round the waking thread may start, and the two wakers it needs
    /// (the woken task's, the gate's), set by the loop under the mutex:
    /// this orders the loop's writes before the thread's bumps, never a
    /// bump before a poll.
    start: Mutex<Start>,
    /// Signalled when `start` changes.
    started: Condvar,
}

/// The loop's word to the waking thread.
#[derive(Default)]
struct Start {
    /// The round the thread may run (0: none yet).
    round: usize,
    /// The woken task's waker, registered on its first poll.
    task: Option<Waker>,
    /// The gate's waker, registered on its first poll.
    gate: Option<Waker>,
}

impl Shared {
    /// Changes the loop's word to the waking thread (on the loop's thread).
    fn tell(&self, change: impl FnOnce(&mut Start)) {
        change(&mut self.start.lock().unwrap());
        self.started.notify_one();
    }
}

/// The waking thread: each round, queues the gate, then bumps and wakes the
/// task twice back to back, says so to the gate, and waits until the task
/// has read the counter.
fn waking_thread(shared: Arc<Shared>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut wakers = None;
        for round in 1..=ROUNDS {
            {
                let mut start = shared.start.lock().unwrap();
                while start.round < round || start.task.is_none() || start.gate.is_none() {
                    start = shared.started.wait(start).unwrap();
                }
                if wakers.is_none() {
                    // Kept for the whole run: dropping a clone each round would
                    // write the state word with a `Release` decrement after
                    // the second wake, and the clear would synchronise with
                    // that instead.
                    wakers = Some((start.task.clone().unwrap(), start.gate.clone().unwrap()));
                }
            }
            let (task, gate) = wakers.as_ref().unwrap();
            // Queued ahead of the task's wake, so the loop polls it first.
            gate.wake_by_ref();
            shared.counter.fetch_add(1, Ordering::Relaxed);
            task.wake_by_ref();
            shared.counter.fetch_add(1, Ordering::Relaxed);
            task.wake_by_ref();
            shared.wakes_done.store(round, Ordering::Relaxed);
            // No blocking call until the task has read the counter (see
            // `polled`). If that read missed the second bump, the task waits
            // for a wake that never comes, this thread blocks for a round
            // that never starts, and Miri reports the deadlock.
            while shared.polled.load(Ordering::Relaxed) < round {
                thread::yield_now();
            }
        }
    })
}

/// A second `wake_by_ref` that finds the task still queued publishes the
/// waking thread's writes all the same (rule R), and the loop's clear sees
/// them (rule C): the task never waits for a wake that already happened.
#[test]
fn a_wake_absorbed_by_a_queued_task_is_still_seen_by_its_poll() {
    watchdog::within(
        WATCHDOG,
        "every round's task seeing both bumps of the waking thread",
        || {
            let shared = Arc::new(Shared::default());
            let thread = waking_thread(shared.clone());
            run({
                let shared = shared.clone();
                async move {
                    // The gate: once registered, each poll holds the loop
                    // until the waking thread's round is done.
                    let gate = spawn({
                        let shared = shared.clone();
                        let mut gated = 0;
                        poll_fn(move |cx| {
                            if gated == 0 {
                                let waker = cx.waker().clone();
                                shared.tell(|start| start.gate = Some(waker));
                            } else {
                                while shared.wakes_done.load(Ordering::Relaxed) < gated {
                                    thread::yield_now();
                                }
                            }
                            gated += 1;
                            if gated > ROUNDS {
                                Poll::Ready(())
                            } else {
                                Poll::Pending
                            }
                        })
                    });
                    let task = spawn({
                        let shared = shared.clone();
                        let mut round = 0;
                        poll_fn(move |cx| {
                            if round == 0 {
                                let waker = cx.waker().clone();
                                round = 1;
                                shared.tell(|start| {
                                    start.task = Some(waker);
                                    start.round = round;
                                });
                                return Poll::Pending;
                            }
                            let bumps = shared.counter.load(Ordering::Relaxed);
                            shared.polled.store(round, Ordering::Relaxed);
                            if bumps < 2 * round {
                                // Only with a rule broken: the poll missed the
                                // second bump, and no wake will come again.
                                return Poll::Pending;
                            }
                            if round == ROUNDS {
                                return Poll::Ready(round);
                            }
                            round += 1;
                            shared.tell(|start| start.round = round);
                            Poll::Pending
                        })
                    });
                    assert_eq!(task.await.unwrap(), ROUNDS);
                    gate.await.unwrap();
                }
            });
            thread.join().unwrap();
        },
    );
}
