//! Interim timeouts, used until the runtime's own timer (`runtime::time`) lands.
//!
//! [`timeout`] races a future against a deadline. Deadlines are kept by one helper thread
//! shared by the process: it sleeps on a condition variable until the earliest deadline, then
//! wakes the tasks whose deadlines have passed (the runtime's wakers are `Send + Sync`, so a
//! wake from another thread is allowed). A timeout that finishes or is dropped first removes
//! its entry.
//!
//! ```text
//!   task: poll inner ─ pending ─▶ register (deadline, waker) ─▶ notify if due before the
//!                                                                thread's wake-up time
//!   timer thread: wait_timeout(earliest - now) ─▶ take due wakers ─▶ unlock ─▶ wake them
//! ```
//!
//! # What production code does differently
//!
//! tokio drives timers from the event loop itself (a hierarchical wheel checked on every
//! turn, with `epoll_wait`'s timeout set to the next deadline), so no thread and no lock are
//! needed. This file goes away when `runtime::time::timeout` is available.

use std::collections::BTreeMap;
use std::future::poll_fn;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

/// The error of a [`timeout`] whose deadline passed first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Elapsed;

/// Deadlines and the wakers waiting for them, ordered by (deadline, entry id).
type Entries = BTreeMap<(Instant, u64), Waker>;

/// What the timer thread is doing, so that a registration signals it only when needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sleep {
    /// Awake: it will look at the entries before sleeping again.
    Running,
    /// Asleep until this instant.
    Until(Instant),
    /// Asleep with no deadline (no entries).
    Forever,
}

/// The timer's state, behind the mutex.
#[derive(Debug)]
struct State {
    /// Registered entries.
    entries: Entries,
    /// The id of the last registered entry (ids tell equal deadlines apart).
    next_id: u64,
    /// What the timer thread is doing.
    sleep: Sleep,
}

/// State shared between waiting tasks and the timer thread.
#[derive(Debug)]
struct Shared {
    /// Locked briefly by both sides, never while waking.
    state: Mutex<State>,
    /// Signalled when an entry is registered that is due before the thread would wake.
    changed: Condvar,
}

impl Shared {
    /// Locks the state; a poisoned lock (a panic while holding it) still holds valid data.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The process-wide timer, started on first use.
fn shared() -> &'static Arc<Shared> {
    static SHARED: OnceLock<Arc<Shared>> = OnceLock::new();
    SHARED.get_or_init(|| {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                entries: BTreeMap::new(),
                next_id: 0,
                sleep: Sleep::Running,
            }),
            changed: Condvar::new(),
        });
        let thread_side = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("http-client-timer".into())
            .spawn(move || run_timer(&thread_side))
            .expect("cannot start the http-client timer thread");
        shared
    })
}

/// The timer thread: sleep until the earliest deadline, wake what is due, repeat.
fn run_timer(shared: &Shared) {
    let mut guard = shared.lock();
    loop {
        guard.sleep = Sleep::Running;
        let now = Instant::now();
        let due: Vec<(Instant, u64)> = guard
            .entries
            .range(..(now, u64::MAX))
            .map(|(k, _)| *k)
            .collect();
        if !due.is_empty() {
            let wakers: Vec<Waker> = due.iter().filter_map(|k| guard.entries.remove(k)).collect();
            drop(guard);
            wakers.into_iter().for_each(Waker::wake);
            guard = shared.lock();
            continue;
        }
        guard = match guard.entries.keys().next() {
            Some(&(deadline, _)) => {
                guard.sleep = Sleep::Until(deadline);
                let wait = deadline.saturating_duration_since(now);
                shared
                    .changed
                    .wait_timeout(guard, wait)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0
            }
            None => {
                guard.sleep = Sleep::Forever;
                shared
                    .changed
                    .wait(guard)
                    .unwrap_or_else(PoisonError::into_inner)
            }
        };
    }
}

/// A registration with the timer thread; removed on drop.
struct Entry {
    /// The deadline.
    deadline: Instant,
    /// The entry's id once registered.
    id: Option<u64>,
}

impl Entry {
    /// Registers (or refreshes) the waker to wake at the deadline.
    fn register(&mut self, waker: &Waker) {
        let shared = shared();
        let mut guard = shared.lock();
        let state = &mut *guard;
        let id = *self.id.get_or_insert_with(|| {
            state.next_id += 1;
            state.next_id
        });
        let key = (self.deadline, id);
        match state.entries.get_mut(&key) {
            Some(old) if old.will_wake(waker) => {}
            Some(old) => *old = waker.clone(),
            None => {
                state.entries.insert(key, waker.clone());
                // Signal only if the thread would otherwise sleep past this deadline: most
                // timeouts are cancelled long before they fire, and a signal per request
                // would cost a thread switch per request.
                let wake_thread = match state.sleep {
                    Sleep::Running => false,
                    Sleep::Until(at) => self.deadline < at,
                    Sleep::Forever => true,
                };
                if wake_thread {
                    state.sleep = Sleep::Running;
                    shared.changed.notify_one();
                }
            }
        }
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            let removed = shared().lock().entries.remove(&(self.deadline, id));
            drop(removed); // dropped after the lock is released
        }
    }
}

/// Runs `fut`, failing with [`Elapsed`] if it has not finished after `duration`
/// [asyncio.wait_for].
pub(crate) async fn timeout<F: Future>(duration: Duration, fut: F) -> Result<F::Output, Elapsed> {
    let deadline = Instant::now() + duration;
    let mut fut = std::pin::pin!(fut);
    let mut entry = Entry { deadline, id: None };
    poll_fn(|cx| {
        if let Poll::Ready(value) = fut.as_mut().poll(cx) {
            return Poll::Ready(Ok(value));
        }
        if Instant::now() >= deadline {
            return Poll::Ready(Err(Elapsed));
        }
        entry.register(cx.waker());
        Poll::Pending
    })
    .await
}

/// Waits for `duration` [asyncio.sleep].
#[cfg(test)]
pub(crate) async fn sleep(duration: Duration) {
    let _ = timeout(duration, std::future::pending::<()>()).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_future_times_out_and_a_ready_one_does_not() {
        runtime::run(async {
            let start = Instant::now();
            assert_eq!(
                timeout(Duration::from_millis(50), std::future::pending::<()>()).await,
                Err(Elapsed)
            );
            assert!(start.elapsed() >= Duration::from_millis(50));
            assert_eq!(timeout(Duration::from_secs(5), async { 7 }).await, Ok(7));
        });
    }

    #[test]
    fn earlier_deadlines_registered_later_still_fire_first() {
        runtime::run(async {
            let long = runtime::spawn(timeout(
                Duration::from_secs(30),
                std::future::pending::<()>(),
            ));
            let start = Instant::now();
            sleep(Duration::from_millis(30)).await;
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "woken by its own deadline"
            );
            long.abort();
        });
    }
}
