//! [`as_completed`] [asyncio.as_completed]: outputs in completion order.

use std::fmt;
use std::future::{Future, poll_fn};
use std::task::{Context, Poll};

use super::set::FutureSet;

/// Runs all the futures concurrently and yields each output as soon as its
/// future completes [asyncio.as_completed(aws)].
///
/// ```python
/// for coro in asyncio.as_completed(to_do):
///     res = await coro
/// ```
///
/// becomes
///
/// ```
/// use runtime::future::as_completed;
///
/// runtime::run(async {
///     let mut to_do = as_completed((1..=3).map(|n| async move { n }));
///     let mut total = 0;
///     while let Some(res) = to_do.next().await {
///         total += res;
///     }
///     assert_eq!(total, 6);
///     assert_eq!(to_do.remaining(), 0);
/// });
/// ```
///
/// The futures make progress only while `next` is being awaited (they run
/// inside the awaiting task). asyncio's version wraps each in a Task, which
/// runs on its own; pass [`JoinHandle`](crate::JoinHandle)s for that.
pub fn as_completed<I>(futures: I) -> AsCompleted<I::Item>
where
    I: IntoIterator,
    I::Item: Future,
{
    AsCompleted {
        set: FutureSet::new(futures),
    }
}

/// The iterator-like value returned by [`as_completed`].
#[must_use = "call `next().await` to get the outputs"]
pub struct AsCompleted<F: Future> {
    /// The children.
    set: FutureSet<F>,
}

impl<F: Future> AsCompleted<F> {
    /// The next output to complete, or `None` when all have been yielded.
    pub async fn next(&mut self) -> Option<F::Output> {
        poll_fn(|cx| self.poll_next(cx)).await
    }

    /// The poll behind [`next`](Self::next), for hand-written futures.
    pub fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        self.set
            .poll_next(cx)
            .map(|done| done.map(|(_, output)| output))
    }

    /// How many outputs are still to come.
    pub fn remaining(&self) -> usize {
        self.set.remaining()
    }
}

impl<F: Future> fmt::Debug for AsCompleted<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted")
            .field("remaining", &self.set.remaining())
            .finish()
    }
}
