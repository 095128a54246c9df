//! A bounded multi-producer, single-consumer queue [asyncio.Queue(maxsize)
//! with one consumer].
//!
//! ```
//! runtime::run(async {
//!     let (tx, mut rx) = runtime::sync::mpsc::channel(2);
//!     for n in 0..3 {
//!         let tx = tx.clone();
//!         runtime::spawn(async move { tx.send(n).await.unwrap() });
//!     }
//!     drop(tx); // the queue closes when the last sender is gone
//!     let mut got = Vec::new();
//!     while let Some(n) = rx.recv().await {
//!         got.push(n);
//!     }
//!     assert_eq!(got, [0, 1, 2]);
//! });
//! ```
//!
//! ## Parts
//!
//! - a `VecDeque` of messages;
//! - a [`Semaphore`] with `capacity` permits: a sender takes a permit
//!   before it pushes, and the receiver adds one back when it pops. So
//!   senders waiting for room queue up in FIFO order, a dropped `send`
//!   leaves the queue cleanly, and "full" needs no code of its own (tokio's
//!   bounded channel is built the same way on its batch semaphore);
//! - the receiver's waker, and a count of live senders.
//!
//! ## Closing
//!
//! - Last sender dropped: `recv` returns the messages still queued, then
//!   `None` [asyncio: no equivalent; a sentinel value is the usual idiom].
//! - Receiver dropped or [`Receiver::close`]d: the semaphore is closed, so
//!   every waiting and later `send` fails and hands its message back in a
//!   [`SendError`]; messages still queued are dropped with the receiver.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::semaphore::{Semaphore, TryAcquireError};
use crate::timeline::hooks;
use crate::waker_slot::WakerSlot;
use ::timeline::Wait;

/// A channel holding at most `capacity` messages.
///
/// # Panics
///
/// If `capacity` is 0: a bounded queue of size 0 could never accept a
/// message (asyncio's `maxsize=0` means unbounded instead; say what you mean
/// with a large capacity).
pub fn channel<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(capacity > 0, "mpsc::channel: capacity must be at least 1");
    let chan = Rc::new(Chan {
        queue: RefCell::new(VecDeque::with_capacity(capacity)),
        room: Semaphore::new(capacity),
        rx_waker: RefCell::new(WakerSlot::new()),
        senders: Cell::new(1),
        capacity,
    });
    (
        Sender {
            chan: Rc::clone(&chan),
        },
        Receiver { chan },
    )
}

/// What the halves share. Runtime thread only; each `RefCell` is borrowed
/// for a push or a pop and never across a wake.
struct Chan<T> {
    /// Messages sent and not yet received, oldest first.
    queue: RefCell<VecDeque<T>>,
    /// Free slots; closed when the receiver goes.
    room: Semaphore,
    /// The receiving task, while it waits for a message.
    rx_waker: RefCell<WakerSlot>,
    /// Live `Sender`s; at 0 the receiver sees the end.
    senders: Cell<usize>,
    /// The bound given to `channel`.
    capacity: usize,
}

impl<T> Chan<T> {
    /// Queues a message whose slot is already taken, and wakes the receiver.
    fn push(&self, value: T) {
        self.queue.borrow_mut().push_back(value);
        let waker = self.rx_waker.borrow_mut().take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// A sending half; clone it for more producers [queue.put].
pub struct Sender<T> {
    /// Shared with the receiver and the other senders.
    chan: Rc<Chan<T>>,
}

/// The receiving half [queue.get].
pub struct Receiver<T> {
    /// Shared with the senders.
    chan: Rc<Chan<T>>,
}

/// The receiver is gone; the message comes back.
#[derive(PartialEq, Eq)]
pub struct SendError<T>(pub T);

/// Why [`Sender::try_send`] did not queue the message; it comes back.
#[derive(PartialEq, Eq)]
pub enum TrySendError<T> {
    /// The queue is at capacity, or senders are waiting for room ahead of
    /// this one [asyncio.QueueFull].
    Full(T),
    /// The receiver is gone.
    Closed(T),
}

/// Why [`Receiver::try_recv`] gave no message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryRecvError {
    /// Nothing queued; senders still exist [asyncio.QueueEmpty].
    Empty,
    /// Nothing queued and every sender is gone.
    Disconnected,
}

impl<T> Sender<T> {
    /// Waits for room, then queues `value` [await queue.put(value)]. Senders
    /// that wait get room in the order they started waiting. Dropping the
    /// future while it waits gives up its place and drops `value`.
    ///
    /// # Errors
    ///
    /// [`SendError`] with the value if the receiver is gone.
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        match self.chan.room.acquire().await {
            Ok(permit) => {
                permit.forget(); // the slot now belongs to the message
                self.chan.push(value);
                Ok(())
            }
            Err(_) => Err(SendError(value)),
        }
    }

    /// Queues `value` if there is room now [queue.put_nowait(value)].
    ///
    /// # Errors
    ///
    /// [`TrySendError::Full`] or [`TrySendError::Closed`], with the value.
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        match self.chan.room.try_acquire() {
            Ok(permit) => {
                permit.forget();
                self.chan.push(value);
                Ok(())
            }
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(value)),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(value)),
        }
    }

    /// True if the receiver is gone.
    pub fn is_closed(&self) -> bool {
        self.chan.room.is_closed()
    }

    /// The bound given to [`channel`] [queue.maxsize].
    pub fn max_capacity(&self) -> usize {
        self.chan.capacity
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Sender<T> {
        self.chan.senders.set(self.chan.senders.get() + 1);
        Sender {
            chan: Rc::clone(&self.chan),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let left = self.chan.senders.get() - 1;
        self.chan.senders.set(left);
        if left == 0 {
            let waker = self.chan.rx_waker.borrow_mut().take();
            if let Some(waker) = waker {
                waker.wake();
            }
        }
    }
}

impl<T> Receiver<T> {
    /// Waits for the next message [await queue.get()]. `None` once the
    /// queue is empty and every sender is gone (or `close` was called).
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// The poll behind [`recv`](Self::recv), for hand-written futures.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        match self.try_recv() {
            Ok(value) => Poll::Ready(Some(value)),
            Err(TryRecvError::Disconnected) => Poll::Ready(None),
            Err(TryRecvError::Empty) => {
                let old = self.chan.rx_waker.borrow_mut().register(cx.waker());
                drop(old); // after the borrow (`waker_slot.rs`)
                hooks::waits_on(|| Wait::Channel);
                Poll::Pending
            }
        }
    }

    /// Takes the next message if one is queued [queue.get_nowait()].
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Empty`], or [`TryRecvError::Disconnected`] once
    /// nothing is left and nothing more can come (every sender is gone, or
    /// the receiver was closed).
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let popped = self.chan.queue.borrow_mut().pop_front();
        match popped {
            Some(value) => {
                // The slot is free again; this may wake a waiting sender.
                self.chan.room.add_permits(1);
                Ok(value)
            }
            // After `close` nothing more can arrive either.
            None if self.chan.senders.get() == 0 || self.chan.room.is_closed() => {
                Err(TryRecvError::Disconnected)
            }
            None => Err(TryRecvError::Empty),
        }
    }

    /// Stops accepting messages: waiting and later sends fail with their
    /// value. Messages already queued can still be received.
    pub fn close(&mut self) {
        self.chan.room.close();
    }

    /// Messages queued right now [queue.qsize()].
    pub fn len(&self) -> usize {
        self.chan.queue.borrow().len()
    }

    /// True if no message is queued [queue.empty()].
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.chan.room.close();
        // Drop the queued messages after the borrow ends: their Drop is
        // user code and may touch this channel (a sender inside a message).
        let queued = std::mem::take(&mut *self.chan.queue.borrow_mut());
        drop(queued);
    }
}

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendError(..)")
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("sending on a channel whose receiver is gone")
    }
}

impl<T> std::error::Error for SendError<T> {}

impl<T> fmt::Debug for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrySendError::Full(_) => f.write_str("Full(..)"),
            TrySendError::Closed(_) => f.write_str("Closed(..)"),
        }
    }
}

impl<T> fmt::Display for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrySendError::Full(_) => f.write_str("channel full"),
            TrySendError::Closed(_) => f.write_str("sending on a channel whose receiver is gone"),
        }
    }
}

impl<T> std::error::Error for TrySendError<T> {}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryRecvError::Empty => f.write_str("channel empty"),
            TryRecvError::Disconnected => f.write_str("channel empty and every sender gone"),
        }
    }
}

impl std::error::Error for TryRecvError {}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("mpsc::Sender")
            .field("capacity", &self.chan.capacity)
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("mpsc::Receiver")
            .field("queued", &self.len())
            .field("senders", &self.chan.senders.get())
            .finish()
    }
}
