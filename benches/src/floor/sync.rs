//! The floor's channels and semaphore: the data each one moves, and no
//! more.
//!
//! None of them keeps a waker: a receiver that finds nothing, or an
//! acquire that finds no permit, returns `Pending`, and the floor's loop
//! polls it again next turn (see `poll.rs`). So they leave out what the
//! runtimes' versions are mostly made of: the wait list, registering and
//! replacing wakers, waking in order (a runtime's semaphore hands permits
//! out first come, first served; here whoever polls first takes it), and
//! `Send`/`Sync`. A closed channel is noticed from the `Rc`'s count, which
//! costs nothing extra.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// The sending half of a [`oneshot`].
pub struct OneshotSender<T>(Rc<Cell<Option<T>>>);

/// The receiving half of a [`oneshot`]: a future of the value, or `None`
/// once the sender is gone without sending.
pub struct OneshotReceiver<T>(Rc<Cell<Option<T>>>);

impl<T> fmt::Debug for OneshotSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OneshotSender")
    }
}

impl<T> fmt::Debug for OneshotReceiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OneshotReceiver")
    }
}

/// A channel for one value: one `Rc` allocation holding the slot.
pub fn oneshot<T>() -> (OneshotSender<T>, OneshotReceiver<T>) {
    let slot = Rc::new(Cell::new(None));
    (OneshotSender(Rc::clone(&slot)), OneshotReceiver(slot))
}

impl<T> OneshotSender<T> {
    /// Puts `value` in the slot for the receiver.
    pub fn send(self, value: T) {
        self.0.set(Some(value));
    }
}

impl<T> Future for OneshotReceiver<T> {
    type Output = Option<T>;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<T>> {
        match self.0.take() {
            Some(value) => Poll::Ready(Some(value)),
            None if Rc::strong_count(&self.0) == 1 => Poll::Ready(None),
            None => Poll::Pending,
        }
    }
}

/// The shared queue of a [`bounded`] channel.
#[derive(Debug)]
struct Queue<T> {
    /// The values sent and not yet received, oldest first.
    items: RefCell<VecDeque<T>>,
    /// How many `items` may hold.
    capacity: usize,
}

/// The sending half of a [`bounded`] channel.
#[derive(Debug)]
pub struct Sender<T>(Rc<Queue<T>>);

/// The receiving half of a [`bounded`] channel.
#[derive(Debug)]
pub struct Receiver<T>(Rc<Queue<T>>);

/// A channel of `capacity` values: an `Rc` around a `VecDeque` of that
/// capacity.
pub fn bounded<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let queue = Rc::new(Queue {
        items: RefCell::new(VecDeque::with_capacity(capacity)),
        capacity,
    });
    (Sender(Rc::clone(&queue)), Receiver(queue))
}

impl<T> Sender<T> {
    /// A future that sends `value` once there is room; `Err(value)` if
    /// the receiver is gone.
    pub fn send(&self, value: T) -> Send<'_, T> {
        Send {
            queue: &self.0,
            value: Some(value),
        }
    }
}

/// The future of [`Sender::send`].
#[derive(Debug)]
pub struct Send<'a, T> {
    /// The channel.
    queue: &'a Rc<Queue<T>>,
    /// The value, until it is in the queue.
    value: Option<T>,
}

impl<T> Unpin for Send<'_, T> {}

impl<T> Future for Send<'_, T> {
    type Output = Result<(), T>;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Result<(), T>> {
        let Some(value) = self.value.take() else {
            return Poll::Ready(Ok(()));
        };
        if Rc::strong_count(self.queue) == 1 {
            return Poll::Ready(Err(value));
        }
        let mut items = self.queue.items.borrow_mut();
        if items.len() < self.queue.capacity {
            items.push_back(value);
            return Poll::Ready(Ok(()));
        }
        drop(items);
        self.value = Some(value);
        Poll::Pending
    }
}

impl<T> Receiver<T> {
    /// A future of the next value, or `None` once the channel is empty and
    /// the sender gone.
    pub fn recv(&mut self) -> Recv<'_, T> {
        Recv(&self.0)
    }
}

/// The future of [`Receiver::recv`].
#[derive(Debug)]
pub struct Recv<'a, T>(&'a Rc<Queue<T>>);

impl<T> Future for Recv<'_, T> {
    type Output = Option<T>;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<T>> {
        match self.0.items.borrow_mut().pop_front() {
            Some(value) => Poll::Ready(Some(value)),
            None if Rc::strong_count(self.0) == 1 => Poll::Ready(None),
            None => Poll::Pending,
        }
    }
}

/// A semaphore that is only its count.
#[derive(Debug)]
pub struct Permits(Cell<usize>);

impl Permits {
    /// `permits` permits.
    pub fn new(permits: usize) -> Permits {
        Permits(Cell::new(permits))
    }

    /// Permits not taken.
    pub fn available(&self) -> usize {
        self.0.get()
    }

    /// A future of one permit, pending while there is none.
    pub fn acquire(&self) -> Acquire<'_> {
        Acquire(self)
    }
}

/// The future of [`Permits::acquire`].
#[derive(Debug)]
pub struct Acquire<'a>(&'a Permits);

impl<'a> Future for Acquire<'a> {
    type Output = Permit<'a>;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Permit<'a>> {
        let count = &self.0.0;
        match count.get() {
            0 => Poll::Pending,
            n => {
                count.set(n - 1);
                Poll::Ready(Permit(self.0))
            }
        }
    }
}

/// A permit taken from [`Permits`]; dropping it gives it back.
#[derive(Debug)]
pub struct Permit<'a>(&'a Permits);

impl Permit<'_> {
    /// Keeps the permit taken for good.
    pub fn forget(self) {
        std::mem::forget(self);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let count = &self.0.0;
        count.set(count.get() + 1);
    }
}
