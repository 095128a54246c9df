//! The floor's whole "runtime": a waker that does nothing, a loop that
//! polls, a queue of boxed futures, and a clock read for deadlines.
//!
//! Nothing here waits for a wake-up. A future that returns `Pending` is
//! simply polled again on the loop's next turn, so a wake costs nothing
//! and no task needs a waker of its own; the price is that every pending
//! future is polled every turn, which a runtime avoids by polling only the
//! woken ones. For the suite's workloads, where nearly every pending task
//! is ready again one turn later, that price is small, so the loop is as
//! cheap as driving futures gets.

use std::cell::Cell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};
use std::time::Instant;

/// A task of the floor: a boxed future, the one allocation a spawn needs.
pub type Task<'a> = Pin<Box<dyn Future<Output = ()> + 'a>>;

/// Polls `future` until it is ready, with a no-op waker: between polls it
/// does not wait, it polls again (so it spins on a future that waits for
/// time; [`run_until_empty_sleeping`] is the loop for those).
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

/// Polls the tasks of `queue` front to back, putting each pending one at
/// the back, until none is left; returns how many polls that took.
pub fn run_until_empty(queue: &mut VecDeque<Task<'_>>) -> usize {
    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 0;
    while let Some(mut task) = queue.pop_front() {
        polls += 1;
        if task.as_mut().poll(&mut cx).is_pending() {
            queue.push_back(task);
        }
    }
    polls
}

/// [`run_until_empty`] for tasks that wait for time: after a turn over
/// every task in which none finished, the thread sleeps until
/// `earliest`, the nearest deadline a pending [`Deadline`] left there.
/// Returns the number of polls.
pub fn run_until_empty_sleeping(queue: &mut VecDeque<Task<'_>>, earliest: &Earliest) -> usize {
    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 0;
    while !queue.is_empty() {
        let before = queue.len();
        for _ in 0..before {
            let Some(mut task) = queue.pop_front() else {
                break;
            };
            polls += 1;
            if task.as_mut().poll(&mut cx).is_pending() {
                queue.push_back(task);
            }
        }
        if queue.len() == before
            && let Some(at) = earliest.take()
        {
            std::thread::sleep(at.saturating_duration_since(Instant::now()));
        }
    }
    polls
}

/// A future that is pending once, then ready: `yield_now` without a
/// scheduler (it wakes its no-op waker, as a runtime's would wake the task).
#[derive(Debug, Default)]
pub struct YieldNow {
    /// Whether the one `Pending` has been returned.
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// A fresh [`YieldNow`].
pub fn yield_now() -> YieldNow {
    YieldNow::default()
}

/// The nearest deadline a pending [`Deadline`] has seen since the loop last
/// took it: the floor's whole timer structure (one `Cell`, no entries, so
/// nothing to insert or cancel).
#[derive(Debug, Default)]
pub struct Earliest(Cell<Option<Instant>>);

impl Earliest {
    /// Lowers the nearest deadline to `at` if `at` is nearer.
    fn lower(&self, at: Instant) {
        if self.0.get().is_none_or(|now| at < now) {
            self.0.set(Some(at));
        }
    }

    /// The nearest deadline, cleared for the next turn.
    pub fn take(&self) -> Option<Instant> {
        self.0.take()
    }
}

/// A sleep on the raw clock: its deadline is one `Instant::now()` at
/// creation, and each poll reads the clock again and compares (as our
/// `Sleep` does). Pending, it only lowers the loop's [`Earliest`].
#[derive(Debug)]
pub struct Deadline<'a> {
    /// When it is ready.
    at: Instant,
    /// Where a pending poll leaves its deadline for the loop.
    earliest: &'a Earliest,
}

impl<'a> Deadline<'a> {
    /// A deadline `after` from now, reporting to `earliest`.
    pub fn after(after: std::time::Duration, earliest: &'a Earliest) -> Deadline<'a> {
        Deadline {
            at: Instant::now() + after,
            earliest,
        }
    }
}

impl Future for Deadline<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.at {
            return Poll::Ready(());
        }
        self.earliest.lower(self.at);
        Poll::Pending
    }
}
