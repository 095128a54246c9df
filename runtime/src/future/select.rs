//! [`select`]: the first of two futures, and the other one back.

use std::fmt;
use std::future::Future;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::ready::ReadyQueue;

/// One of two values: which side of a [`select`] finished first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Either<L, R> {
    /// The first future.
    Left(L),
    /// The second future.
    Right(R),
}

/// Waits for the first of two futures [asyncio.wait({a, b},
/// return_when=FIRST_COMPLETED)], and returns its output with the other
/// future, still pending, so it can be awaited later or dropped (which
/// cancels it).
///
/// On the first poll `a` is polled before `b`, so if both are ready at once,
/// `a` wins. After that the two are polled in the order they woke
/// (`future/ready.rs`): the side whose wake came first is polled first and
/// wins a tie. Neither rule is random; tokio's `select!` picks a random
/// branch to poll first unless told `biased;`.
///
/// ```
/// use runtime::future::{Either, select};
///
/// runtime::run(async {
///     let never = std::future::pending::<&str>();
///     match select(never, async { 7 }).await {
///         Either::Right((seven, _never)) => assert_eq!(seven, 7),
///         Either::Left(_) => unreachable!(),
///     }
/// });
/// ```
pub fn select<A: Future, B: Future>(a: A, b: B) -> Select<A, B> {
    Select {
        a: Some(Box::pin(a)),
        b: Some(Box::pin(b)),
        ready: ReadyQueue::new(2),
    }
}

/// What [`select`] returns: the winner's output and the loser.
pub type SelectOutput<A, B> =
    Either<(<A as Future>::Output, Pin<Box<B>>), (<B as Future>::Output, Pin<Box<A>>)>;

/// The future returned by [`select`].
#[must_use = "futures do nothing unless awaited"]
pub struct Select<A, B> {
    /// The first future; taken out when the select completes.
    a: Option<Pin<Box<A>>>,
    /// The second future; taken out when the select completes.
    b: Option<Pin<Box<B>>>,
    /// Which of the two woke (index 0 is `a`, 1 is `b`).
    ready: ReadyQueue,
}

impl<A: Future, B: Future> Future for Select<A, B> {
    type Output = SelectOutput<A, B>;

    /// # Panics
    ///
    /// If polled again after it returned `Ready`.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let (Some(a), Some(b)) = (this.a.as_mut(), this.b.as_mut()) else {
            panic!("`Select` polled after it completed");
        };
        let winner = this.ready.poll_children(cx.waker(), |index, waker| {
            let mut cx = Context::from_waker(waker);
            let won = if index == 0 {
                a.as_mut().poll(&mut cx).map(Either::Left)
            } else {
                b.as_mut().poll(&mut cx).map(Either::Right)
            };
            match won {
                Poll::Ready(output) => ControlFlow::Break(output),
                Poll::Pending => ControlFlow::Continue(()),
            }
        });
        match (winner, this.a.take(), this.b.take()) {
            (Some(Either::Left(out)), _, Some(b)) => Poll::Ready(Either::Left((out, b))),
            (Some(Either::Right(out)), Some(a), _) => Poll::Ready(Either::Right((out, a))),
            (_, a, b) => {
                this.a = a;
                this.b = b;
                Poll::Pending
            }
        }
    }
}

impl<A, B> fmt::Debug for Select<A, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Select")
            .field("done", &self.a.is_none())
            .finish()
    }
}
