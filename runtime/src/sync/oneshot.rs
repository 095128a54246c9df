//! A channel for exactly one value [an asyncio.Future that one side sets
//! with `set_result` and the other awaits].
//!
//! ```
//! runtime::run(async {
//!     let (tx, rx) = runtime::sync::oneshot::channel();
//!     runtime::spawn(async move { tx.send("pong").unwrap() });
//!     assert_eq!(rx.await, Ok("pong"));
//! });
//! ```
//!
//! ## State
//!
//! Both halves share an `Rc<RefCell<Inner>>`:
//!
//! ```text
//!   value: None ──send──> Some(v) ──receiver takes it──> None
//!   tx_gone / rx_gone: set when that half is dropped (or used up)
//!   rx_waker: the receiving task, woken by send and by the sender's drop
//! ```
//!
//! Awaiting the receiver gives `Ok(v)` once a value is there, or
//! [`RecvError`] once the sender is gone without sending. `send` hands the
//! value back if the receiver is gone. Wakes happen after the borrow ends.
//!
//! tokio's oneshot keeps the same parts in one allocation with an atomic
//! state word, because it must work across threads.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use crate::timeline::hooks;
use crate::waker_slot::WakerSlot;
use ::timeline::Wait;

/// Makes a connected sender and receiver.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner = Rc::new(RefCell::new(Inner {
        value: None,
        tx_gone: false,
        rx_gone: false,
        rx_waker: WakerSlot::new(),
    }));
    (
        Sender {
            inner: Rc::clone(&inner),
        },
        Receiver { inner },
    )
}

/// What the two halves share.
struct Inner<T> {
    /// The value, between `send` and the receiver taking it.
    value: Option<T>,
    /// The sender was dropped or has sent.
    tx_gone: bool,
    /// The receiver was dropped or closed.
    rx_gone: bool,
    /// The task awaiting the receiver, if it is waiting.
    rx_waker: WakerSlot,
}

/// The sending half: [`send`](Sender::send) consumes it.
pub struct Sender<T> {
    /// Shared with the receiver.
    inner: Rc<RefCell<Inner<T>>>,
}

/// The receiving half: a future of the value [await future].
pub struct Receiver<T> {
    /// Shared with the sender.
    inner: Rc<RefCell<Inner<T>>>,
}

/// The sender was dropped without sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecvError(());

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("oneshot sender dropped without sending")
    }
}

impl std::error::Error for RecvError {}

/// Why [`Receiver::try_recv`] gave no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryRecvError {
    /// Nothing sent yet; the sender still exists.
    Empty,
    /// The sender is gone without sending, or the value was taken already.
    Closed,
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryRecvError::Empty => f.write_str("oneshot channel empty"),
            TryRecvError::Closed => f.write_str("oneshot channel closed"),
        }
    }
}

impl std::error::Error for TryRecvError {}

impl<T> Sender<T> {
    /// Sends the value and wakes the receiver [future.set_result(v)].
    ///
    /// # Errors
    ///
    /// Gives `value` back if the receiver is gone (dropped or closed).
    pub fn send(self, value: T) -> Result<(), T> {
        let waker = {
            let mut inner = self.inner.borrow_mut();
            if inner.rx_gone {
                return Err(value);
            }
            inner.value = Some(value);
            inner.tx_gone = true;
            inner.rx_waker.take()
        };
        // `self` drops after this; its Drop sees tx_gone and does nothing.
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// True if the receiver is gone, so a `send` would fail.
    pub fn is_closed(&self) -> bool {
        self.inner.borrow().rx_gone
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = {
            let mut inner = self.inner.borrow_mut();
            if inner.tx_gone {
                return; // sent: `send` already woke the receiver
            }
            inner.tx_gone = true;
            inner.rx_waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Receiver<T> {
    /// Takes the value if it is there, without waiting [future.result()].
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Empty`] if the sender has not sent yet,
    /// [`TryRecvError::Closed`] if it never will.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let mut inner = self.inner.borrow_mut();
        match inner.value.take() {
            Some(value) => Ok(value),
            None if inner.tx_gone => Err(TryRecvError::Closed),
            None => Err(TryRecvError::Empty),
        }
    }

    /// Refuses the value: a later `send` fails and gives it back. A value
    /// sent before this can still be taken with `try_recv`.
    pub fn close(&mut self) {
        self.inner.borrow_mut().rx_gone = true;
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut inner = self.inner.borrow_mut();
        if let Some(value) = inner.value.take() {
            return Poll::Ready(Ok(value));
        }
        if inner.tx_gone {
            return Poll::Ready(Err(RecvError(())));
        }
        let old = inner.rx_waker.register(cx.waker());
        drop(inner);
        hooks::waits_on(|| Wait::Channel);
        drop(old);
        Poll::Pending
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        // Take the value out so it is dropped after the borrow ends (its
        // Drop is user code).
        let (value, waker) = {
            let mut inner = self.inner.borrow_mut();
            inner.rx_gone = true;
            (inner.value.take(), inner.rx_waker.take())
        };
        drop(value);
        drop(waker);
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("oneshot::Sender")
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inner.try_borrow() {
            Ok(inner) => f
                .debug_struct("oneshot::Receiver")
                .field("ready", &inner.value.is_some())
                .field("sender_gone", &inner.tx_gone)
                .finish(),
            Err(_) => f.write_str("oneshot::Receiver { <borrowed> }"),
        }
    }
}
