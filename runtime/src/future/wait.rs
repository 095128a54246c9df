//! [`wait`] [asyncio.wait]: run until a condition, then hand back what is
//! done and what is not.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::set::FutureSet;

/// When [`wait`] returns [asyncio.FIRST_COMPLETED, FIRST_EXCEPTION,
/// ALL_COMPLETED].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnWhen {
    /// When every future has completed [asyncio.ALL_COMPLETED].
    AllCompleted,
    /// When at least one has completed [asyncio.FIRST_COMPLETED].
    FirstCompleted,
    /// When one completes with an error, or all have completed
    /// [asyncio.FIRST_EXCEPTION]. "Error" is what [`MaybeError`] says.
    FirstError,
}

/// An output that may be a failure, for [`ReturnWhen::FirstError`].
///
/// asyncio knows an exception when it sees one; in Rust a failure is a
/// value, so `wait` asks the output. `Result` is an error when it is `Err`;
/// `()` never is. Implement it for your own outputs:
///
/// ```
/// use runtime::future::MaybeError;
///
/// enum Status { Ok, NotFound, Error(String) }
///
/// impl MaybeError for Status {
///     fn is_error(&self) -> bool {
///         matches!(self, Status::Error(_))
///     }
/// }
/// ```
///
/// A [`JoinHandle`](crate::JoinHandle)`<Result<T, E>>` gives
/// `Result<Result<T, E>, JoinError>`, whose `is_error` sees only the
/// `JoinError` (a panic or a cancellation). To stop at the task's own
/// errors too, flatten first, e.g. `async move { handle.await? }` when `E:
/// From<JoinError>` (as `io::Error` is).
pub trait MaybeError {
    /// True if this output counts as an error for [`ReturnWhen::FirstError`].
    fn is_error(&self) -> bool;
}

impl<T, E> MaybeError for Result<T, E> {
    fn is_error(&self) -> bool {
        self.is_err()
    }
}

impl MaybeError for () {
    fn is_error(&self) -> bool {
        false
    }
}

/// Runs the futures concurrently until `when` holds, then returns `(done,
/// pending)` [done, pending = await asyncio.wait(aws, return_when=...)]:
/// the outputs of the completed futures, in completion order, and the
/// futures still running, in input order, boxed so they can be awaited or
/// passed to `wait` again.
///
/// Children woken at the same moment are polled together, so `done` can
/// hold more than one output even with `FirstCompleted`, as in asyncio.
///
/// ```
/// use runtime::future::{ReturnWhen, wait};
///
/// runtime::run(async {
///     let quick = Box::pin(async { Ok::<u8, String>(1) });
///     let stuck = Box::pin(async { std::future::pending::<()>().await; Ok(2) });
///     let futures: Vec<std::pin::Pin<Box<dyn Future<Output = Result<u8, String>>>>> =
///         vec![quick, stuck];
///     let (done, pending) = wait(futures, ReturnWhen::FirstCompleted).await;
///     assert_eq!(done, [Ok(1)]);
///     assert_eq!(pending.len(), 1);
/// });
/// ```
///
/// Unlike asyncio there is no `timeout` argument; race the `wait` against
/// a sleep with [`select`](super::select) for that.
pub fn wait<I>(futures: I, when: ReturnWhen) -> Wait<I::Item>
where
    I: IntoIterator,
    I::Item: Future,
    <I::Item as Future>::Output: MaybeError,
{
    Wait {
        set: Some(FutureSet::new(futures)),
        done: Vec::new(),
        saw_error: false,
        when,
    }
}

/// The future returned by [`wait`].
#[must_use = "futures do nothing unless awaited"]
pub struct Wait<F: Future> {
    /// The children; `None` once the result was returned.
    set: Option<FutureSet<F>>,
    /// Outputs so far, in completion order.
    done: Vec<F::Output>,
    /// True once an output in `done` is an error.
    saw_error: bool,
    /// The condition.
    when: ReturnWhen,
}

/// What [`wait`] returns: the outputs of the completed futures and the
/// futures still running.
pub type WaitResult<F> = (Vec<<F as Future>::Output>, Vec<Pin<Box<F>>>);

impl<F> Future for Wait<F>
where
    F: Future,
    F::Output: MaybeError,
{
    type Output = WaitResult<F>;

    /// # Panics
    ///
    /// If polled again after it returned `Ready`.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let Some(set) = this.set.as_mut() else {
            panic!("`Wait` polled after it completed");
        };
        let (done, saw_error) = (&mut this.done, &mut this.saw_error);
        set.poll_woken(cx, |_, output| {
            *saw_error |= output.is_error();
            done.push(output);
        });
        let finished = match this.when {
            _ if set.remaining() == 0 => true,
            ReturnWhen::AllCompleted => false,
            ReturnWhen::FirstCompleted => !this.done.is_empty(),
            ReturnWhen::FirstError => this.saw_error,
        };
        if !finished {
            return Poll::Pending;
        }
        let pending = this
            .set
            .take()
            .map_or_else(Vec::new, FutureSet::into_pending);
        Poll::Ready((std::mem::take(&mut this.done), pending))
    }
}

// The children are boxed and the outputs are never pinned, so moving a
// `Wait` moves nothing that was pinned. (Without this, `Wait` would be
// `Unpin` only for `Unpin` outputs, because of the `Vec` of outputs.)
impl<F: Future> Unpin for Wait<F> {}

impl<F: Future> fmt::Debug for Wait<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("when", &self.when)
            .field("done", &self.done.len())
            .field("remaining", &self.set.as_ref().map(FutureSet::remaining))
            .finish()
    }
}
