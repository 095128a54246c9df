//! The wake protocol under the memory model: a waker on another thread races
//! the loop's re-poll of the task it wakes.
//!
//! Each test is a small program that Miri runs with weak-memory emulation
//! over many seeds (see the README's Development section):
//!
//! ```sh
//! MIRIFLAGS="-Zmiri-many-seeds=0..64" cargo +nightly miri test -p runtime --test wake_race
//! ```
//!
//! A lost wake shows up as a deadlock: the task waits for a counter that has
//! already reached its target, nothing will wake it again, and the loop
//! blocks in `epoll_wait` forever. Miri reports the deadlock; a native run
//! (plain `cargo test`, where the race is far rarer) would hang instead, so
//! there each test runs under a watchdog that fails it after a minute. The counter is
//! written and read with `Relaxed` on purpose: the only thing that may order
//! the waking thread's write before the task's next read is the runtime's
//! wake protocol ("a wake happens before the poll it causes").

use std::future::poll_fn;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::task::{Poll, Waker};
use std::thread;
use std::time::Duration;

use runtime::{Builder, run, spawn};

/// How long a native run may take before the watchdog calls it a lost wake;
/// generous, since each test takes milliseconds when nothing is lost.
const WATCHDOG: Duration = Duration::from_secs(60);

/// Runs `test` under the watchdog (natively; under Miri it runs directly,
/// and Miri reports the deadlock itself).
fn bounded(test: impl FnOnce() + Send + 'static) {
    watchdog::within(
        WATCHDOG,
        "every task woken from another thread to finish",
        test,
    );
}

/// How many times the other thread bumps the counter and wakes the task.
const WAKES: usize = 2;

/// How the other thread wakes the task after each bump.
#[derive(Clone, Copy, Debug)]
enum HowToWake {
    /// `waker.wake_by_ref()` on the one waker the task registered.
    ByRef,
    /// `waker.clone().wake()`: a clone made on the waking thread, consumed.
    CloneThenWake,
    /// `waker.wake()` on wakers the task cloned for the thread, one per bump.
    OwnedClones,
}

/// A counter and the wakers the task registered for it, once.
#[derive(Default)]
struct Shared {
    /// Bumped by the other thread with `Relaxed` stores only.
    counter: AtomicUsize,
    /// The task's waker, registered on its first poll.
    waker: OnceLock<Waker>,
}

/// The body of the waiting future: registers its waker on the first poll
/// only, then is ready once the counter reaches [`WAKES`].
fn wait_for_counter(shared: Arc<Shared>, owned: mpsc::Sender<Waker>) -> impl Future<Output = ()> {
    poll_fn(move |cx| {
        if shared.waker.get().is_none() {
            // The clones are sent before the `OnceLock` is set, so the
            // thread finds them all once it sees the registration.
            for _ in 0..WAKES {
                let _ = owned.send(cx.waker().clone());
            }
            let _ = shared.waker.set(cx.waker().clone());
        }
        if shared.counter.load(Ordering::Relaxed) >= WAKES {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
}

/// The other thread: waits for the registration, then bumps and wakes.
fn waking_thread(
    shared: Arc<Shared>,
    owned: mpsc::Receiver<Waker>,
    how: HowToWake,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let waker = loop {
            match shared.waker.get() {
                Some(waker) => break waker,
                None => thread::yield_now(),
            }
        };
        // Taken before the first bump, so the bumps and wakes run back to
        // back, as in the other two ways.
        let mut clones: Vec<Waker> = owned.try_iter().collect();
        for _ in 0..WAKES {
            shared.counter.fetch_add(1, Ordering::Relaxed);
            match how {
                HowToWake::ByRef => waker.wake_by_ref(),
                // The by-value path on purpose (`Wake::wake`, not `wake_by_ref`).
                #[allow(clippy::waker_clone_wake)]
                HowToWake::CloneThenWake => waker.clone().wake(),
                HowToWake::OwnedClones => clones.pop().expect("the task sent its clones").wake(),
            }
        }
    })
}

/// Runs the race with the waiting future as a spawned task.
fn spawned_task_sees_every_wake(how: HowToWake) {
    let shared = Arc::new(Shared::default());
    let (send, recv) = mpsc::channel();
    let thread = waking_thread(shared.clone(), recv, how);
    run(async move { spawn(wait_for_counter(shared, send)).await.unwrap() });
    thread.join().unwrap();
}

/// Runs the race with the waiting future as the `block_on` future itself,
/// which the loop polls in place rather than through the task set.
fn block_on_future_sees_every_wake(how: HowToWake) {
    let shared = Arc::new(Shared::default());
    let (send, recv) = mpsc::channel();
    let thread = waking_thread(shared.clone(), recv, how);
    run(wait_for_counter(shared, send));
    thread.join().unwrap();
}

#[test]
fn wake_by_ref_from_another_thread_is_never_lost() {
    bounded(|| {
        spawned_task_sees_every_wake(HowToWake::ByRef);
    });
}

#[test]
fn wake_of_a_clone_from_another_thread_is_never_lost() {
    bounded(|| {
        spawned_task_sees_every_wake(HowToWake::CloneThenWake);
    });
}

#[test]
fn wake_of_owned_clones_from_another_thread_is_never_lost() {
    bounded(|| {
        spawned_task_sees_every_wake(HowToWake::OwnedClones);
    });
}

#[test]
fn block_on_future_wake_by_ref_is_never_lost() {
    bounded(|| {
        block_on_future_sees_every_wake(HowToWake::ByRef);
    });
}

#[test]
fn block_on_future_wake_by_value_is_never_lost() {
    bounded(|| {
        block_on_future_sees_every_wake(HowToWake::CloneThenWake);
    });
}

/// Several tasks woken from one other thread in a burst: each wake goes
/// through the remote queue, where the `notified` flag decides whether the
/// eventfd is written. A message the loop's drain misses while the pusher
/// skips the eventfd would leave its task unpolled, and the loop asleep.
#[test]
fn a_burst_of_remote_wakes_strands_no_task() {
    bounded(|| {
        /// Tasks in the burst.
        const TASKS: usize = 3;
        let flags: Arc<Vec<Shared>> = Arc::new((0..TASKS).map(|_| Shared::default()).collect());
        let thread = thread::spawn({
            let flags = flags.clone();
            move || {
                for flag in flags.iter() {
                    let waker = loop {
                        match flag.waker.get() {
                            Some(waker) => break waker,
                            None => thread::yield_now(),
                        }
                    };
                    flag.counter.store(1, Ordering::Relaxed);
                    waker.wake_by_ref();
                }
            }
        });
        run(async move {
            let handles: Vec<_> = (0..TASKS)
                .map(|i| {
                    let flags = flags.clone();
                    spawn(poll_fn(move |cx| {
                        let flag = &flags[i];
                        let _ = flag.waker.set(cx.waker().clone());
                        if flag.counter.load(Ordering::Relaxed) == 1 {
                            Poll::Ready(())
                        } else {
                            Poll::Pending
                        }
                    }))
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
        });
        thread.join().unwrap();
    });
}

/// The same race one level down: a child of `join_all` is woken from
/// another thread through its own child waker (`future/ready.rs`), while the
/// combinator re-polls it.
#[test]
fn a_combinator_child_woken_from_another_thread_is_never_lost() {
    bounded(|| {
        let shared = Arc::new(Shared::default());
        let (send, recv) = mpsc::channel();
        let thread = waking_thread(shared.clone(), recv, HowToWake::ByRef);
        let ready_at_once = async {};
        run(runtime::future::join_all(vec![
            Box::pin(wait_for_counter(shared, send)) as std::pin::Pin<Box<dyn Future<Output = ()>>>,
            Box::pin(ready_at_once),
        ]));
        thread.join().unwrap();
    });
}

/// A blocking job's result crosses threads through its slot's mutex; Miri
/// checks the value arrives whole (a data race on it would be reported).
#[test]
fn a_blocking_jobs_result_arrives_whole() {
    bounded(|| {
        let words = run(async {
            runtime::spawn_blocking(|| vec![String::from("made"), String::from("elsewhere")])
                .await
                .unwrap()
        });
        assert_eq!(words, ["made", "elsewhere"]);
    });
}

/// Under a paused clock the loop may jump to the next timer only when it is
/// idle, and a running `spawn_blocking` job means it is not. The job's
/// completion (a remote wake) and the loop's look at the pool's counts
/// race; whichever way they fall, the job's result must win over a timeout
/// that has not elapsed in virtual time.
#[test]
fn a_paused_clock_never_jumps_past_a_finishing_blocking_job() {
    bounded(|| {
        let rt = Builder::new().start_paused(true).build().unwrap();
        let result = rt.block_on(async {
            runtime::time::timeout(Duration::from_secs(3600), runtime::spawn_blocking(|| 42)).await
        });
        assert_eq!(
            result
                .expect("the job finished before the timeout")
                .unwrap(),
            42
        );
    });
}

/// Rounds of [`two_wakes_a_round_are_never_lost`]: each round is one more
/// chance for a weakened ordering to show, within one run of the binary
/// (cheaper under Miri than another seed, which starts the program again).
/// The environment variable `WAKE_RACE_ROUNDS` overrides it: the mutation
/// check (`.ci/mutations`) runs more rounds over fewer seeds.
const ROUNDS: usize = if cfg!(miri) { 12 } else { 1_000 };

/// [`ROUNDS`], or `WAKE_RACE_ROUNDS` when that is set to a number.
fn rounds() -> usize {
    std::env::var("WAKE_RACE_ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .unwrap_or(ROUNDS)
}

/// The race of the tests above, many times over in one run: each round the
/// other thread bumps the counter and wakes the task twice, back to back.
/// The first wake finds the flag clear and queues the task; the second
/// usually finds it still set and is absorbed, so only its `Release` (rule
/// W) and the loop's `Acquire` clear (rule C, a read-modify-write, which
/// reads the newest word) carry the second bump to the poll. Weaken either
/// and under Miri some round's poll reads a stale counter, returns
/// `Pending`, and is never woken again. (Rule R's skip shows here only in
/// some seeds: the thread's wait for the next round is a futex, which Miri
/// treats as a SeqCst fence, and that fence can order the second bump
/// before the poll. `tests/wake_gate.rs` forces that case.)
#[test]
fn two_wakes_a_round_are_never_lost() {
    let rounds = rounds();
    bounded(move || {
        /// The round the task waits for, and its waker (sent with round 1).
        type Round = (usize, Option<Waker>);
        let counter = Arc::new(AtomicUsize::new(0));
        // The task says which round it waits for under a mutex, and the
        // thread waits on a condition variable: that orders the task's word
        // before the thread's bumps, never a bump before a poll. (With an
        // mpsc channel here instead, Miri did not catch rule W weakened:
        // a channel receive runs SeqCst fences, and so do the loop's own
        // channel reads, which may be what ordered the bumps.) A lost wake leaves both threads blocked, which Miri reports as a
        // deadlock at once.
        let round_word: Arc<(Mutex<Round>, Condvar)> = Arc::default();
        let thread = thread::spawn({
            let counter = counter.clone();
            let round_word = round_word.clone();
            move || {
                let (word, changed) = &*round_word;
                // Cloned once and kept: dropping a clone each round would
                // write the state word with a `Release` decrement after the
                // second wake, and the loop's clear would synchronise with
                // that instead, hiding a weakened wake.
                let mut waker = None;
                for round in 1..=rounds {
                    {
                        let mut told = word.lock().unwrap();
                        while told.0 < round {
                            told = changed.wait(told).unwrap();
                        }
                        if waker.is_none() {
                            waker.clone_from(&told.1);
                        }
                    }
                    let waker = waker.as_ref().expect("sent with round 1");
                    for _ in 0..2 {
                        counter.fetch_add(1, Ordering::Relaxed);
                        waker.wake_by_ref();
                    }
                }
            }
        });
        let mut round = 1;
        run(poll_fn(move |cx| {
            while counter.load(Ordering::Relaxed) >= 2 * round {
                round += 1;
            }
            if round > rounds {
                return Poll::Ready(());
            }
            let (word, changed) = &*round_word;
            let mut told = word.lock().unwrap();
            if told.0 < round {
                told.0 = round;
                told.1.get_or_insert_with(|| cx.waker().clone());
                changed.notify_one();
            }
            Poll::Pending
        }));
        thread.join().unwrap();
    });
}

/// The reference count (`task/state.rs`): a waker clone dropped on another
/// thread gives up its reference with a `Release` decrement, and the loop
/// frees the task after an `Acquire` fence, so everything the other thread
/// did with the task happens before the free. The other thread drops its
/// clone first and says so with a `Relaxed` flag, which orders nothing; the
/// loop then drops the last reference (the `JoinHandle`'s) and frees the
/// task. Without the Release or the fence, Miri reports the free as a data
/// race with the other thread's decrement.
#[test]
fn a_waker_dropped_on_another_thread_happens_before_the_free() {
    bounded(|| {
        let (send, clone) = mpsc::channel::<Waker>();
        let dropped = Arc::new(AtomicBool::new(false));
        let thread = thread::spawn({
            let dropped = dropped.clone();
            move || {
                drop(clone.recv().expect("the task sends a clone"));
                dropped.store(true, Ordering::Relaxed);
            }
        });
        run(async move {
            let task = spawn(poll_fn(move |cx| {
                let _ = send.send(cx.waker().clone());
                Poll::Ready(())
            }));
            while !dropped.load(Ordering::Relaxed) {
                runtime::yield_now().await;
            }
            // The task has ended (the loop polled it before it polled this
            // future again); its handle holds the last reference.
            task.await.unwrap();
        });
        thread.join().unwrap();
    });
}
