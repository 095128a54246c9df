//! [`timeout`]: run a future with a time limit [asyncio.wait_for].

use std::error::Error;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use super::sleep::{Sleep, sleep};

/// Runs `future` for at most `duration` [asyncio.wait_for].
///
/// Returns `Ok(output)` if the future finished first, or `Err(Elapsed)` if
/// the time ran out; the inner future is then dropped, which cancels
/// whatever it was doing (asyncio's `wait_for` cancels the inner task the
/// same way). The inner future is polled before the timer, so a future that
/// is ready at once always wins, even with a zero duration.
///
/// The clock starts at the first poll that finds the inner future pending,
/// which is when the timer is made. For the usual `timeout(d, f).await`
/// that is the moment it is awaited, as for asyncio's `wait_for`, which
/// starts its timer when the coroutine runs; and a future that is ready at
/// once costs no timer and no clock read at all. (tokio's `timeout` reads
/// the clock when it is called.)
///
/// # Panics
///
/// Polled outside a runtime, when the inner future is pending.
///
/// ```
/// use std::time::Duration;
/// use runtime::time::{sleep, timeout};
/// runtime::run(async {
///     let slow = timeout(Duration::from_millis(5), sleep(Duration::from_secs(60))).await;
///     assert!(slow.is_err());
///     let fast = timeout(Duration::from_secs(60), async { 7 }).await;
///     assert_eq!(fast, Ok(7));
/// });
/// ```
pub fn timeout<F: IntoFuture>(duration: Duration, future: F) -> Timeout<F::IntoFuture> {
    Timeout {
        future: future.into_future(),
        duration,
        timer: None,
    }
}

/// The future [`timeout`] returns: the inner future, and the timer made at
/// the first poll that finds it pending.
///
/// A struct rather than an `async` block: the block's state machine costs
/// a state byte, a move of the inner future into its pinned place and the
/// closure around the poll, about twice the instructions of this struct
/// for a future that is ready at once, which is the common case of a
/// timeout around a request that succeeds in time.
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct Timeout<F> {
    /// The inner future; pinned whenever the `Timeout` is (see `poll`).
    future: F,
    /// The limit, from the first pending poll on.
    duration: Duration,
    /// The timer, once the inner future has been found pending. Never
    /// pinned: a `Sleep` is `Unpin`.
    timer: Option<Sleep>,
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `future` is structurally pinned and the other fields are
        // not: the inner future is only ever reached through the `Pin`
        // made below and never moved out, `Timeout` has no `Drop` impl
        // that could move it, and `Timeout<F>` is `Unpin` only when `F`
        // is (the auto impl; `Duration` and `Sleep` are `Unpin`). The
        // `&mut` to the other fields moves nothing pinned.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above: pinned because `self` is, for as long as it is.
        let future = unsafe { Pin::new_unchecked(&mut this.future) };
        if let Poll::Ready(output) = future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        let duration = this.duration;
        let timer = this.timer.get_or_insert_with(|| sleep(duration));
        match Pin::new(timer).poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed { duration })),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The error of a [`timeout`] whose time ran out [asyncio.TimeoutError].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed {
    /// The limit that was exceeded.
    duration: Duration,
}

impl Elapsed {
    /// The time limit that ran out.
    pub fn duration(&self) -> Duration {
        self.duration
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "deadline has elapsed: the future did not finish within {:?}",
            self.duration
        )
    }
}

impl Error for Elapsed {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::task::{Wake, Waker};

    /// A waker that does nothing: the futures here never wait.
    struct Nobody;

    impl Wake for Nobody {
        fn wake(self: Arc<Self>) {}
    }

    #[test]
    fn a_ready_future_wins_without_a_timer_or_a_runtime() {
        let waker = Waker::from(Arc::new(Nobody));
        let mut cx = Context::from_waker(&waker);
        // An async block is `!Unpin`: the projection pins it in place.
        let mut ready = Box::pin(timeout(Duration::ZERO, async { String::from("in time") }));
        assert_eq!(
            ready.as_mut().poll(&mut cx),
            Poll::Ready(Ok(String::from("in time")))
        );
        assert!(ready.timer.is_none(), "no timer for a future ready at once");
    }
}
