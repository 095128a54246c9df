//! [`yield_now`] [`await asyncio.sleep(0)`].

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Gives the other ready tasks a turn, then resumes [asyncio.sleep(0)].
///
/// The first poll wakes the task and returns `Pending`: the wake puts it at
/// the back of the run queue, behind every task that was already ready.
///
/// tokio's `yield_now` defers the wake until after the next reactor poll, so
/// that a yielding task cannot starve I/O even within one batch; our batch
/// limit (`EVENT_INTERVAL`) bounds that starvation instead.
pub async fn yield_now() {
    YieldNow { yielded: false }.await
}

/// The future behind [`yield_now`].
struct YieldNow {
    /// True once it has returned `Pending` once.
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
