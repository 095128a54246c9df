//! Interim timers for the flag server, until the runtime's time driver lands.
//!
//! The server needs `sleep` (injected delays) and `timeout` (bounded head reads).
//! Until `runtime::time` exists, one std thread keeps a min-heap of deadlines and
//! wakes the waiting tasks' `Waker`s (which this runtime lets any thread call).
//! A [`Sleep`] registers its waker on first poll and again only when the task's
//! waker changed; a dropped `Sleep` leaves a stale heap entry that fires once,
//! harmlessly (a spurious wake-up).
//!
//! What the runtime's own driver does better: a timer wheel inside the event loop,
//! no extra thread, and deregistration on drop.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::{Condvar, Mutex, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// A deadline and the waker to call then; ordered by deadline, then insertion.
struct Entry {
    /// When to wake.
    deadline: Instant,
    /// Tie-breaker keeping the heap order total.
    serial: u64,
    /// The waker of the task to wake.
    waker: Waker,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.deadline, self.serial) == (other.deadline, other.serial)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.deadline, self.serial).cmp(&(other.deadline, other.serial))
    }
}

/// The timer thread's state: the heap (behind the mutex) and its condvar.
struct Timers {
    /// Pending deadlines, earliest on top; locked briefly, wakers are called
    /// after the lock is released.
    heap: Mutex<(BinaryHeap<Reverse<Entry>>, u64)>,
    /// Signalled when an earlier deadline arrives.
    changed: Condvar,
}

/// The process-wide timer thread, started on first use.
fn timers() -> &'static Timers {
    static TIMERS: OnceLock<&'static Timers> = OnceLock::new();
    TIMERS.get_or_init(|| {
        let timers: &'static Timers = Box::leak(Box::new(Timers {
            heap: Mutex::new((BinaryHeap::new(), 0)),
            changed: Condvar::new(),
        }));
        let _ = std::thread::Builder::new()
            .name("flags-timers".into())
            .spawn(move || timer_thread(timers));
        timers
    })
}

/// Sleeps until the earliest deadline, then wakes every expired entry.
fn timer_thread(timers: &'static Timers) {
    let Ok(mut guard) = timers.heap.lock() else {
        return;
    };
    loop {
        let now = Instant::now();
        let mut due = Vec::new();
        while guard.0.peek().is_some_and(|top| top.0.deadline <= now) {
            if let Some(Reverse(entry)) = guard.0.pop() {
                due.push(entry.waker);
            }
        }
        if !due.is_empty() {
            drop(guard);
            due.into_iter().for_each(Waker::wake);
            let Ok(again) = timers.heap.lock() else {
                return;
            };
            guard = again;
            continue;
        }
        let wait = guard
            .0
            .peek()
            .map(|top| top.0.deadline.saturating_duration_since(now));
        guard = match wait {
            Some(wait) => match timers.changed.wait_timeout(guard, wait) {
                Ok((guard, _)) => guard,
                Err(_) => return,
            },
            None => match timers.changed.wait(guard) {
                Ok(guard) => guard,
                Err(_) => return,
            },
        };
    }
}

/// A future ready at a deadline [asyncio.sleep].
#[derive(Debug)]
pub struct Sleep {
    /// When it is ready.
    deadline: Instant,
    /// The waker registered with the timer thread, if any.
    registered: Option<Waker>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.deadline {
            return Poll::Ready(());
        }
        if !self
            .registered
            .as_ref()
            .is_some_and(|w| w.will_wake(cx.waker()))
        {
            self.registered = Some(cx.waker().clone());
            let timers = timers();
            if let Ok(mut guard) = timers.heap.lock() {
                guard.1 += 1;
                let serial = guard.1;
                guard.0.push(Reverse(Entry {
                    deadline: self.deadline,
                    serial,
                    waker: cx.waker().clone(),
                }));
            }
            timers.changed.notify_one();
        }
        Poll::Pending
    }
}

/// Waits `duration` [asyncio.sleep].
pub fn sleep(duration: Duration) -> Sleep {
    Sleep {
        deadline: Instant::now() + duration,
        registered: None,
    }
}

/// The deadline passed before the future finished.
#[derive(Debug)]
pub struct Elapsed;

/// Runs `future` for at most `duration` [asyncio.wait_for].
pub async fn timeout<F: Future>(duration: Duration, future: F) -> Result<F::Output, Elapsed> {
    let mut future = pin!(future);
    let mut timer = pin!(sleep(duration));
    std::future::poll_fn(|cx| {
        if let Poll::Ready(value) = future.as_mut().poll(cx) {
            return Poll::Ready(Ok(value));
        }
        if timer.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(Elapsed));
        }
        Poll::Pending
    })
    .await
}
