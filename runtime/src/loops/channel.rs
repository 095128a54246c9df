//! [`channel`]: an unbounded queue between threads whose receiving end is
//! awaited on a loop [asyncio: `loop.call_soon_threadsafe(queue.put_nowait,
//! item)` into an `asyncio.Queue`; tokio: `sync::mpsc::unbounded_channel`].
//!
//! ```
//! let (tx, mut rx) = runtime::loops::channel();
//! let producer = std::thread::spawn(move || {
//!     for n in 0..3 {
//!         tx.send(n).unwrap();
//!     }
//!     // dropping the last sender ends the receiver's stream
//! });
//! let got = runtime::run(async move {
//!     let mut got = Vec::new();
//!     while let Some(n) = rx.recv().await {
//!         got.push(n);
//!     }
//!     got
//! });
//! producer.join().unwrap();
//! assert_eq!(got, [0, 1, 2]);
//! ```
//!
//! ## Parts
//!
//! - the queue: a `crossbeam_channel` unbounded channel, which is already a
//!   lock-free multi-producer queue with "disconnected" built in. It blocks
//!   a *thread* when empty; what it cannot do is wake a *task*. So beside it:
//! - the [`Doorbell`]: the receiving task's waker in a `Mutex<WakerSlot>`,
//!   and a flag `parked` saying "a waker is stored and the receiver may be
//!   asleep". A sender takes the lock only when the flag is up, so a busy
//!   receiver that never parks costs its senders no lock at all.
//!
//! ## The protocol (why no wake is lost)
//!
//! ```text
//!   receiver (poll)                         sender (send, or last drop)
//!   R1 try_recv: message? -> Ready          S1 push (or disconnect)
//!   R2 store waker, parked = true (lock)    S2 fence(SeqCst)
//!   R3 fence(SeqCst)                        S3 parked? (Relaxed load)
//!   R4 try_recv: message? -> Ready          S4 if up: lock, parked = false,
//!   R5 Pending                                 take waker, unlock, wake
//! ```
//!
//! This is the store-then-load pattern of Dekker's algorithm: each side
//! writes one thing (R2 the flag, S1 the queue) and then reads the other's
//! (R4 the queue, S3 the flag). The two `SeqCst` fences are in one total
//! order; whichever comes second sees the other side's write. If S2 is
//! second, S3 sees `parked` and the sender wakes the task; if R3 is second,
//! R4 finds the message. Without the fences each side could read the old
//! value of the other's location (both are in store buffers), the sender
//! would skip the wake and the receiver would sleep on a queued message.
//! Acquire and release cannot order a store before a later load of a
//! *different* location; only `SeqCst` fences (or `SeqCst` on both) can.
//!
//! The waker itself is handed over under the mutex, so the lock (not the
//! flag) orders the store of the waker before the sender's take of it. The
//! flag only decides whether the sender looks.
//!
//! Messages themselves are published by crossbeam: a `send` happens before
//! the `recv` that returns it.
//!
//! ## What production code does differently
//!
//! tokio's unbounded channel is a block-linked list with the waker in an
//! `AtomicWaker` (a lock-free state machine of its own); flume keeps a
//! `Mutex` around a `VecDeque` and a list of waiting tasks. Ours is two
//! pieces anyone can read: a queue that someone else got right, and
//! twenty lines of doorbell.

use std::fmt;
use std::future::poll_fn;
use std::sync::atomic::{AtomicBool, Ordering, fence};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use crossbeam_channel::TryRecvError;

use crate::waker_slot::WakerSlot;

/// A new channel: the [`Sender`] goes to any thread, the [`Receiver`] to
/// the loop that awaits it (or to a thread that blocks on it).
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let doorbell = Arc::new(Doorbell::default());
    (
        Sender {
            queue: tx,
            ring_on_drop: RingOnDrop(Arc::clone(&doorbell)),
        },
        Receiver {
            queue: rx,
            doorbell,
        },
    )
}

/// The sending end: `Send + Sync` and cloneable; [`send`](Sender::send)
/// never waits.
pub struct Sender<T> {
    /// The queue. Declared before `ring_on_drop`, so that it is dropped
    /// first (Rust drops fields in declaration order): the last sender
    /// disconnects the queue (S1) and only then rings (S2 to S4), and the
    /// woken receiver finds the channel closed.
    queue: crossbeam_channel::Sender<T>,
    /// Rings the doorbell when this sender is dropped.
    ring_on_drop: RingOnDrop,
}

/// The receiving end: one per channel, awaited by one task at a time.
pub struct Receiver<T> {
    /// The queue.
    queue: crossbeam_channel::Receiver<T>,
    /// Where the waiting task's waker is left for the senders.
    doorbell: Arc<Doorbell>,
}

/// The receiving task's waker, and whether the senders must look at it.
#[derive(Debug, Default)]
struct Doorbell {
    /// Up from R2 until a sender takes the waker (S4): the receiver may be
    /// asleep. Written under `waker`'s lock; read without it by senders (S3).
    parked: AtomicBool,
    /// The waker of the task that last waited; receiver and senders lock it
    /// for a store or a take, never across a wake.
    waker: Mutex<WakerSlot>,
}

impl Doorbell {
    /// R2 and R3: leaves `cx`'s waker and raises the flag.
    fn park(&self, cx: &Context<'_>) {
        let mut slot = self.waker.lock().unwrap_or_else(PoisonError::into_inner);
        let replaced = slot.register(cx.waker());
        // Relaxed: the flag is ordered against the senders' push by the
        // fence just below (R3), not by this store; against the waker it
        // guards, by the lock we hold.
        self.parked.store(true, Ordering::Relaxed);
        drop(slot);
        drop(replaced);
        // R3: pairs with the senders' fence S2 (see the module doc): one of
        // the two is second in the total order of SeqCst fences, and the
        // load after it sees the store before the other.
        fence(Ordering::SeqCst);
    }

    /// S2 to S4: after a push or a disconnect, wakes the receiver if it may
    /// be asleep.
    fn ring(&self) {
        // S2: pairs with the receiver's fence R3 (see the module doc).
        fence(Ordering::SeqCst);
        // Relaxed: the fence above orders this load after our push; a stale
        // `true` only costs a lock, and a `false` is fresh enough (the fence
        // argument).
        if !self.parked.load(Ordering::Relaxed) {
            return;
        }
        let waker = {
            let mut slot = self.waker.lock().unwrap_or_else(PoisonError::into_inner);
            // Relaxed: under the lock, which orders it against R2.
            self.parked.store(false, Ordering::Relaxed);
            slot.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// Rings the doorbell when dropped: the part of a [`Sender`] that tells a
/// waiting receiver "one sender fewer", after the queue field has gone.
struct RingOnDrop(Arc<Doorbell>);

impl Drop for RingOnDrop {
    fn drop(&mut self) {
        // Every sender's drop rings, not only the last one's (crossbeam
        // does not say which is last): a parked receiver then polls once
        // for nothing, which is cheaper than a count of our own.
        self.0.ring();
    }
}

impl<T> Sender<T> {
    /// Queues `message` and wakes the receiver if it waits. Works from any
    /// thread, inside a loop or not, and never blocks.
    ///
    /// # Errors
    ///
    /// The receiver has been dropped: the message comes back inside the
    /// error.
    pub fn send(&self, message: T) -> Result<(), SendError<T>> {
        self.queue
            .send(message)
            .map_err(|crossbeam_channel::SendError(message)| SendError(message))?;
        self.ring_on_drop.0.ring();
        Ok(())
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Sender<T> {
        Sender {
            queue: self.queue.clone(),
            ring_on_drop: RingOnDrop(Arc::clone(&self.ring_on_drop.0)),
        }
    }
}

impl<T> Receiver<T> {
    /// The next message, waiting on the loop for one; `None` once every
    /// sender is gone and the queue is empty.
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// The next message if one is queued, without waiting; `None` if the
    /// queue is empty or closed.
    pub fn try_recv(&mut self) -> Option<T> {
        self.queue.try_recv().ok()
    }

    /// Blocks this thread until a message comes, for a receiver that is
    /// not on a loop; `None` once every sender is gone. On a loop, use
    /// [`recv`](Self::recv): blocking there would stop every task.
    pub fn recv_blocking(&mut self) -> Option<T> {
        self.queue.recv().ok()
    }

    /// R1 to R5 of the protocol.
    fn poll_recv(&mut self, cx: &Context<'_>) -> Poll<Option<T>> {
        match self.queue.try_recv() {
            Ok(message) => return Poll::Ready(Some(message)),
            Err(TryRecvError::Disconnected) => return Poll::Ready(None),
            Err(TryRecvError::Empty) => {}
        }
        self.doorbell.park(cx);
        match self.queue.try_recv() {
            // The waker stays stored and the flag up: at worst one sender
            // takes the lock and wakes us once for nothing.
            Ok(message) => Poll::Ready(Some(message)),
            Err(TryRecvError::Disconnected) => Poll::Ready(None),
            Err(TryRecvError::Empty) => Poll::Pending,
        }
    }
}

/// [`Sender::send`] failed: the receiver is gone. Holds the message.
#[derive(PartialEq, Eq)]
pub struct SendError<T>(pub T);

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendError(..)")
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot send: the receiving end of the channel has been dropped")
    }
}

impl<T> std::error::Error for SendError<T> {}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("queued", &self.queue.len())
            .finish()
    }
}
