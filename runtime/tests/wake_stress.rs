//! Several threads wake many tasks, in random order, by value, by reference
//! and twice in a row. Each task must see every wake (none lost: the test
//! would hang, and the watchdog fails it) and be polled at most once per
//! wake that found it idle (none duplicated: the counts below).
//!
//! Nothing but the runtime orders a waking thread's write before the poll it
//! causes: the target is bumped with `Relaxed`, and the waker is handed over
//! once, through a `OnceLock` set at the task's first poll, not through a
//! lock taken at every wake (a mutex around the waker would order the bump
//! before the next poll by itself, and hide a weakened wake protocol). The
//! threads clone and drop the wakers as they go, so the reference count in
//! the task's state word is raced too.
//!
//! Bounded: a fixed number of rounds per task, and a watchdog. Smaller under
//! Miri, which runs it in CI.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Poll, Waker};
use std::thread;
use std::time::Duration;

/// Tasks woken by the threads.
const TASKS: usize = if cfg!(miri) { 6 } else { 256 };
/// Waking threads; task `i` belongs to thread `i % THREADS`.
const THREADS: usize = if cfg!(miri) { 2 } else { 4 };
/// Rounds per task: each bumps the task's target and wakes it.
const ROUNDS: usize = if cfg!(miri) { 4 } else { 200 };
/// How long the whole run may take before the watchdog calls it lost.
const WATCHDOG: Duration = Duration::from_secs(120);

/// What a task and the thread that wakes it share.
#[derive(Default)]
struct Shared {
    /// Rounds granted so far; written `Relaxed`, so only the runtime's
    /// wake protocol orders it before the poll it causes.
    target: AtomicUsize,
    /// The task's waker, set at its first poll (a task's waker does not
    /// change from poll to poll).
    waker: OnceLock<Waker>,
    /// Wake calls made on a registered waker (a double wake counts two).
    wakes: AtomicUsize,
    /// Polls of the task.
    polls: AtomicUsize,
}

/// A small deterministic generator for the wake order (xorshift64).
struct Rng(u64);

impl Rng {
    /// The next number below `n`.
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Thread `t`: grants its tasks their rounds in a random order, waking each
/// by value, by reference or twice in a row.
fn waker_thread(t: usize, all: Arc<Vec<Shared>>) {
    let mine: Vec<usize> = (t..TASKS).step_by(THREADS).collect();
    let mut left: Vec<usize> = vec![ROUNDS; mine.len()];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ t as u64);
    while left.iter().any(|&n| n > 0) {
        let pick = rng.below(mine.len());
        if left[pick] == 0 {
            continue;
        }
        left[pick] -= 1;
        let task = &all[mine[pick]];
        // Registered before the first bump, so that every bump is followed
        // by a wake; the wait is short (the loop polls every task once
        // before it waits for anything).
        let registered = loop {
            match task.waker.get() {
                Some(waker) => break waker,
                None => thread::yield_now(),
            }
        };
        task.target.fetch_add(1, Ordering::Relaxed);
        let waker = registered.clone();
        match rng.below(3) {
            0 => {
                task.wakes.fetch_add(1, Ordering::Relaxed);
                waker.wake();
            }
            1 => {
                task.wakes.fetch_add(1, Ordering::Relaxed);
                waker.wake_by_ref();
            }
            _ => {
                // Two wakes at once: usually absorbed into one poll, or
                // two if the loop polls in between.
                task.wakes.fetch_add(2, Ordering::Relaxed);
                waker.wake_by_ref();
                waker.wake();
            }
        }
    }
}

#[test]
fn many_threads_waking_many_tasks_lose_and_duplicate_no_poll() {
    let all: Arc<Vec<Shared>> = Arc::new((0..TASKS).map(|_| Shared::default()).collect());
    watchdog::within(WATCHDOG, "every task to see all its wakes", {
        let all = all.clone();
        move || {
            runtime::run(async move {
                let handles: Vec<_> = (0..TASKS)
                    .map(|i| {
                        let all = all.clone();
                        runtime::spawn(std::future::poll_fn(move |cx| {
                            let me = &all[i];
                            me.polls.fetch_add(1, Ordering::Relaxed);
                            let _ = me.waker.set(cx.waker().clone());
                            if me.target.load(Ordering::Relaxed) == ROUNDS {
                                Poll::Ready(())
                            } else {
                                Poll::Pending
                            }
                        }))
                    })
                    .collect();
                let threads: Vec<_> = (0..THREADS)
                    .map(|t| {
                        let all = all.clone();
                        thread::spawn(move || waker_thread(t, all))
                    })
                    .collect();
                for handle in handles {
                    handle.await.unwrap();
                }
                for thread in threads {
                    thread.join().unwrap();
                }
            });
        }
    });
    for (i, task) in all.iter().enumerate() {
        let (polls, wakes) = (
            task.polls.load(Ordering::Relaxed),
            task.wakes.load(Ordering::Relaxed),
        );
        // The first poll came from the spawn; every later one from a wake.
        // Two wakes before a poll make one poll, so polls never exceed
        // wakes + 1; more would be a duplicated poll.
        assert!(
            polls <= wakes + 1,
            "task {i}: {polls} polls for {wakes} wakes"
        );
        assert!(
            polls >= 2 || wakes == 0,
            "task {i}: woken {wakes} times but polled once"
        );
    }
}
