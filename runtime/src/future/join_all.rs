//! [`join_all`] [asyncio.gather]: every output, in input order.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::set::FutureSet;

/// Runs all the futures concurrently and gives their outputs in input order
/// [asyncio.gather(*aws)].
///
/// The futures run inside the awaiting task (they are not spawned); pass
/// [`JoinHandle`](crate::JoinHandle)s to run them as tasks of their own, as
/// `gather` wraps coroutines in tasks. Unlike `gather`, an error does not
/// end the wait: every output is collected, `Err`s included
/// (`gather(..., return_exceptions=True)`); use [`wait`](super::wait) with
/// `ReturnWhen::FirstError` to stop at the first.
///
/// A wake polls only the child that woke (see `ready.rs`).
///
/// ```
/// use runtime::future::join_all;
///
/// let out = runtime::run(async {
///     let handles = (1..=3).map(|n| runtime::spawn(async move { n * 10 }));
///     join_all(handles).await
/// });
/// let out: Vec<u32> = out.into_iter().map(Result::unwrap).collect();
/// assert_eq!(out, [10, 20, 30]);
/// ```
pub fn join_all<I>(futures: I) -> JoinAll<I::Item>
where
    I: IntoIterator,
    I::Item: Future,
{
    let set = FutureSet::new(futures);
    let outputs = std::iter::repeat_with(|| None).take(set.len()).collect();
    JoinAll { set, outputs }
}

/// The future returned by [`join_all`].
#[must_use = "futures do nothing unless awaited"]
pub struct JoinAll<F: Future> {
    /// The children.
    set: FutureSet<F>,
    /// Output `i` once child `i` has completed.
    outputs: Vec<Option<F::Output>>,
}

impl<F: Future> Future for JoinAll<F> {
    type Output = Vec<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<F::Output>> {
        let this = self.get_mut();
        let outputs = &mut this.outputs;
        this.set
            .poll_woken(cx, |index, output| outputs[index] = Some(output));
        if this.set.remaining() > 0 {
            return Poll::Pending;
        }
        Poll::Ready(
            std::mem::take(&mut this.outputs)
                .into_iter()
                .flatten()
                .collect(),
        )
    }
}

// The children are boxed and the outputs are never pinned, so moving a
// `JoinAll` moves nothing that was pinned. (Without this, `JoinAll` would be
// `Unpin` only for `Unpin` outputs, because of the `Vec` of outputs.)
impl<F: Future> Unpin for JoinAll<F> {}

impl<F: Future> fmt::Debug for JoinAll<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinAll")
            .field("len", &self.set.len())
            .field("remaining", &self.set.remaining())
            .finish()
    }
}
