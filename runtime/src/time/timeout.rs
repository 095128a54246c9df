//! [`timeout`]: run a future with a time limit [asyncio.wait_for].

use std::error::Error;
use std::fmt;
use std::future::{Future, IntoFuture, poll_fn};
use std::pin::{Pin, pin};
use std::task::Poll;
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
#[track_caller]
pub fn timeout<F: IntoFuture>(
    duration: Duration,
    future: F,
) -> impl Future<Output = Result<F::Output, Elapsed>> {
    let future = future.into_future();
    async move {
        let mut future = pin!(future);
        let mut timer: Option<Sleep> = None;
        poll_fn(|cx| {
            if let Poll::Ready(output) = future.as_mut().poll(cx) {
                return Poll::Ready(Ok(output));
            }
            let timer = timer.get_or_insert_with(|| sleep(duration));
            match Pin::new(timer).poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(Elapsed { duration })),
                Poll::Pending => Poll::Pending,
            }
        })
        .await
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
