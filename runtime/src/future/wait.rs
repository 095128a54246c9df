//! [`wait`] [asyncio.wait]: run until a condition, then hand back what is
//! done and what is not.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::set::FutureSet;

/// When [`wait`] returns [asyncio.ALL_COMPLETED, FIRST_COMPLETED,
/// FIRST_EXCEPTION]. `O` is the futures' output type.
///
/// asyncio knows an exception when it sees one; in Rust a failure is a
/// value, so `FirstError` carries the test for it, a function from `&O` to
/// `bool`. For `Result` outputs that is `Result::is_err`:
///
/// ```
/// use runtime::future::ReturnWhen;
///
/// let when: ReturnWhen<Result<u8, String>> = ReturnWhen::FirstError(Result::is_err);
/// ```
///
/// For a [`JoinHandle`](crate::JoinHandle)`<Result<T, E>>`, whose output is
/// `Result<Result<T, E>, JoinError>`, a closure sees both layers:
/// `ReturnWhen::FirstError(|r| !matches!(r, Ok(Ok(_))))`.
///
/// (A trait such as `trait IsError { fn is_error(&self) -> bool }` bounded
/// on `wait` would read more like asyncio, but it would forbid
/// `AllCompleted` and `FirstCompleted` for outputs that do not implement
/// it, such as plain numbers; the function pointer costs nothing and
/// leaves the other two modes free of bounds.)
pub enum ReturnWhen<O> {
    /// When every future has completed [asyncio.ALL_COMPLETED].
    AllCompleted,
    /// When at least one has completed [asyncio.FIRST_COMPLETED].
    FirstCompleted,
    /// When an output passes the test (an error), or all have completed
    /// [asyncio.FIRST_EXCEPTION].
    FirstError(fn(&O) -> bool),
}

// By hand: derives would require `O: Clone` / `O: Debug`, which a function
// pointer over `&O` does not need.
impl<O> Clone for ReturnWhen<O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<O> Copy for ReturnWhen<O> {}

impl<O> fmt::Debug for ReturnWhen<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReturnWhen::AllCompleted => "AllCompleted",
            ReturnWhen::FirstCompleted => "FirstCompleted",
            ReturnWhen::FirstError(_) => "FirstError(..)",
        })
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
///     let quick = Box::pin(async { 1 });
///     let stuck = Box::pin(async { std::future::pending::<()>().await; 2 });
///     let futures: Vec<std::pin::Pin<Box<dyn Future<Output = u8>>>> = vec![quick, stuck];
///     let (done, pending) = wait(futures, ReturnWhen::FirstCompleted).await;
///     assert_eq!(done, [1]);
///     assert_eq!(pending.len(), 1);
/// });
/// ```
///
/// Unlike asyncio there is no `timeout` argument; race the `wait` against
/// a sleep with [`select`](super::select) for that.
pub fn wait<I>(futures: I, when: ReturnWhen<<I::Item as Future>::Output>) -> Wait<I::Item>
where
    I: IntoIterator,
    I::Item: Future,
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
    /// True once an output in `done` passed `FirstError`'s test.
    saw_error: bool,
    /// The condition.
    when: ReturnWhen<F::Output>,
}

/// What [`wait`] returns: the outputs of the completed futures and the
/// futures still running.
pub type WaitResult<F> = (Vec<<F as Future>::Output>, Vec<Pin<Box<F>>>);

impl<F: Future> Future for Wait<F> {
    type Output = WaitResult<F>;

    /// # Panics
    ///
    /// If polled again after it returned `Ready`.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let Some(set) = this.set.as_mut() else {
            panic!("`Wait` polled after it completed");
        };
        let (done, saw_error, when) = (&mut this.done, &mut this.saw_error, this.when);
        set.poll_woken(cx, |_, output| {
            if let ReturnWhen::FirstError(is_error) = when {
                *saw_error |= is_error(&output);
            }
            done.push(output);
        });
        let finished = match this.when {
            _ if set.remaining() == 0 => true,
            ReturnWhen::AllCompleted => false,
            ReturnWhen::FirstCompleted => !this.done.is_empty(),
            ReturnWhen::FirstError(_) => this.saw_error,
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
