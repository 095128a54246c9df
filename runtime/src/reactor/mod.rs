//! The reactor: turns operating-system readiness into task wake-ups.
//!
//! asyncio's selector event loop keeps a `selectors.DefaultSelector`
//! (epoll on Linux) and a callback per file descriptor. Ours keeps a
//! `mio::Poll` (epoll on Linux, kqueue on macOS) and, per registered
//! socket, an [`IoSlot`]: two readiness flags and two stored wakers.
//!
//! ## One I/O operation, step by step
//!
//! 1. A task calls `stream.read(buf).await`. The socket's readiness flag
//!    says "maybe readable" (sockets start optimistic), so `read(2)` is tried.
//! 2. The kernel says `WouldBlock`. The flag is cleared and the task's waker
//!    is stored in the slot. The future returns `Pending`.
//! 3. The loop runs out of work and calls [`Reactor::poll`], which blocks in
//!    `epoll_wait` until an event, a remote wake or the next timer.
//! 4. An event for the socket's token arrives: the flag is set again and the
//!    stored waker is taken. Wakers are collected and woken only after the
//!    slab borrow ends (STYLE rule 5). Waking queues the task.
//! 5. The task is polled again, tries `read(2)`, and gets the bytes.
//!
//! ## Edge-triggered readiness
//!
//! mio registers sockets edge-triggered: an event is reported once, when the
//! state changes. So a flag may only be cleared after the kernel said
//! `WouldBlock`; otherwise data that is already there would never produce
//! another event. Clearing after `WouldBlock` is race-free here because
//! events are only delivered inside [`Reactor::poll`], on this thread, never
//! between the failed call and the clear. (tokio, whose reactor runs on
//! several threads, tags readiness with a tick counter to detect that race.)
//!
//! Spurious events are harmless: they set a flag, the next call gets
//! `WouldBlock`, and the flag is cleared again, as mio's docs prescribe.
//!
//! A socket's *stream* may also clear a flag after a short read or write
//! (fewer bytes than asked for): the kernel buffer is then empty (or full),
//! and the next call could only say `WouldBlock`. That is only safe because
//! hang-ups are remembered apart, in the sticky `read_closed` and
//! `write_closed` flags: the last data and the peer's FIN often come in one
//! edge, and the EOF must still be found after the data was read.
//!
//! ## Tokens
//!
//! A socket's token is its slab index. [`WAKE_TOKEN`] is reserved for the
//! `mio::Waker` that other threads use to interrupt the poll. A slot is freed
//! when its socket is dropped; since every batch of events is handled right
//! after `epoll_wait` returns, before any task runs and can free a slot, an
//! event can never reach a slot that has changed hands.

mod registration;

pub(crate) use registration::{Direction, Registration};

use std::cell::{Cell, RefCell};
use std::io;
use std::task::Waker;
use std::time::Duration;

use mio::{Events, Interest, Poll, Token};

use crate::context;
use crate::task::TaskId;
use crate::trace::trace;

/// The token of the `mio::Waker` that other threads use to wake the loop.
pub(crate) const WAKE_TOKEN: Token = Token(usize::MAX);

/// How many events one `epoll_wait` may return; more wait for the next call.
/// (tokio's default `event_interval`-sized batch is 1,024.)
const EVENTS_CAPACITY: usize = 1024;

/// The readiness and waiting tasks of one registered socket.
#[derive(Default)]
pub(crate) struct IoSlot {
    /// "Maybe readable": set by events, cleared after a read's `WouldBlock`.
    readable: bool,
    /// "Maybe writable": set by events, cleared after a write's `WouldBlock`.
    writable: bool,
    /// The peer closed its sending side, or the socket has an error. Sticky:
    /// once set, reads never wait again (they return EOF or the error). Kept
    /// apart from `readable` because the hang-up often comes in the same
    /// edge as the last data, and a reader that clears `readable` after that
    /// data must still find the EOF.
    read_closed: bool,
    /// Our sending side can no longer write (the peer reset, or an error).
    /// Sticky, like `read_closed`.
    write_closed: bool,
    /// The task waiting to read, if any.
    reader: Option<Waker>,
    /// The task waiting to write (or to finish connecting), if any.
    writer: Option<Waker>,
    /// The id of the task behind `reader`, recorded only for the trace.
    reader_task: Option<TaskId>,
    /// The id of the task behind `writer`, recorded only for the trace.
    writer_task: Option<TaskId>,
}

/// The event loop's I/O half. Runtime thread only.
pub(crate) struct Reactor {
    /// The OS selector. Borrowed only during `poll` and (de)registration.
    poll: RefCell<Poll>,
    /// Reused buffer for the events of one `epoll_wait`.
    events: RefCell<Events>,
    /// Per-socket state, indexed by token; `None` is a free slot.
    slots: RefCell<Vec<Option<IoSlot>>>,
    /// Free indexes in `slots`.
    free: RefCell<Vec<usize>>,
    /// Reused buffer of wakers collected from one batch of events.
    to_wake: RefCell<Vec<Waker>>,
    /// True if the tick trace is on; set once by the builder.
    pub(crate) trace: Cell<bool>,
}

impl Reactor {
    /// A reactor with its own `epoll` instance.
    pub(crate) fn new() -> io::Result<Reactor> {
        Ok(Reactor {
            poll: RefCell::new(Poll::new()?),
            events: RefCell::new(Events::with_capacity(EVENTS_CAPACITY)),
            slots: RefCell::new(Vec::new()),
            free: RefCell::new(Vec::new()),
            to_wake: RefCell::new(Vec::new()),
            trace: Cell::new(false),
        })
    }

    /// Makes the `mio::Waker` other threads use to interrupt [`poll`](Self::poll).
    pub(crate) fn remote_waker(&self) -> io::Result<mio::Waker> {
        mio::Waker::new(self.poll.borrow().registry(), WAKE_TOKEN)
    }

    /// Registers `source` for both directions and returns its token.
    pub(crate) fn register(&self, source: &mut impl mio::event::Source) -> io::Result<Token> {
        let index = {
            let mut slots = self.slots.borrow_mut();
            match self.free.borrow_mut().pop() {
                Some(index) => index,
                None => {
                    slots.push(None);
                    slots.len() - 1
                }
            }
        };
        let token = Token(index);
        let result = self.poll.borrow().registry().register(
            source,
            token,
            Interest::READABLE | Interest::WRITABLE,
        );
        if let Err(err) = result {
            self.free.borrow_mut().push(index);
            return Err(err);
        }
        // Optimistic: try the operation first, wait only after WouldBlock.
        self.slots.borrow_mut()[index] = Some(IoSlot {
            readable: true,
            writable: true,
            ..IoSlot::default()
        });
        Ok(token)
    }

    /// Deregisters `source` and frees its slot. The stored wakers are dropped
    /// after the borrow ends.
    pub(crate) fn deregister(&self, source: &mut impl mio::event::Source, token: Token) {
        // Closing the socket would remove it from epoll anyway; an error
        // here changes nothing for the caller.
        let _ = self.poll.borrow().registry().deregister(source);
        let old = self
            .slots
            .borrow_mut()
            .get_mut(token.0)
            .and_then(Option::take);
        if old.is_some() {
            self.free.borrow_mut().push(token.0);
        }
        drop(old);
    }

    /// How many sockets are registered now.
    pub(crate) fn registered(&self) -> usize {
        self.slots
            .borrow()
            .iter()
            .filter(|slot| slot.is_some())
            .count()
    }

    /// If the socket is ready in `direction`, returns true; otherwise stores
    /// the waker (replacing it only if it would wake another task) and
    /// returns false.
    pub(crate) fn poll_ready(&self, token: Token, direction: Direction, waker: &Waker) -> bool {
        let mut slots = self.slots.borrow_mut();
        let Some(Some(slot)) = slots.get_mut(token.0) else {
            // Not registered any more: report ready so the caller's I/O call
            // runs and returns the socket's real error.
            return true;
        };
        let (ready, stored, task) = match direction {
            Direction::Read => (
                slot.readable || slot.read_closed,
                &mut slot.reader,
                &mut slot.reader_task,
            ),
            Direction::Write => (
                slot.writable || slot.write_closed,
                &mut slot.writer,
                &mut slot.writer_task,
            ),
        };
        if ready {
            return true;
        }
        if self.trace.get() {
            *task = context::try_with_core(|core| core.polling.get()).flatten();
        }
        let old = match stored {
            Some(w) if w.will_wake(waker) => None,
            _ => stored.replace(waker.clone()),
        };
        drop(slots);
        drop(old);
        false
    }

    /// Clears readiness in `direction` after the kernel said `WouldBlock`.
    pub(crate) fn clear_ready(&self, token: Token, direction: Direction) {
        if let Some(Some(slot)) = self.slots.borrow_mut().get_mut(token.0) {
            match direction {
                Direction::Read => slot.readable = false,
                Direction::Write => slot.writable = false,
            }
        }
    }

    /// Waits for events for at most `timeout` (`None`: until one arrives),
    /// then wakes the tasks waiting on them. Returns how many I/O events
    /// arrived and whether the remote-wake token fired.
    pub(crate) fn poll(&self, timeout: Option<Duration>) -> io::Result<PollOutcome> {
        let mut events = self.events.borrow_mut();
        match self.poll.borrow_mut().poll(&mut events, timeout) {
            Ok(()) => {}
            // A signal interrupted epoll_wait: return, and the loop comes
            // back with a fresh timeout.
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                return Ok(PollOutcome::default());
            }
            Err(e) => return Err(e),
        }
        let mut outcome = PollOutcome::default();
        // The buffer is taken out of its cell, so no borrow is held while
        // the wakers run, and put back afterwards to keep its capacity.
        let mut to_wake = std::mem::take(&mut *self.to_wake.borrow_mut());
        {
            let mut slots = self.slots.borrow_mut();
            for event in events.iter() {
                if event.token() == WAKE_TOKEN {
                    outcome.remote_wake = true;
                    continue;
                }
                outcome.io_events += 1;
                let Some(Some(slot)) = slots.get_mut(event.token().0) else {
                    continue;
                };
                // Errors and hang-ups count as readiness (`is_read_closed`
                // as readable, and so on): the next call then returns the
                // EOF or the error instead of waiting forever.
                let token = event.token().0;
                if event.is_read_closed() || event.is_error() {
                    slot.read_closed = true;
                }
                if event.is_write_closed() || event.is_error() {
                    slot.write_closed = true;
                }
                if event.is_readable() || event.is_read_closed() || event.is_error() {
                    slot.readable = true;
                    if let Some(waker) = slot.reader.take() {
                        trace_wake(self.trace.get(), token, "readable", slot.reader_task);
                        to_wake.push(waker);
                    }
                }
                if event.is_writable() || event.is_write_closed() || event.is_error() {
                    slot.writable = true;
                    if let Some(waker) = slot.writer.take() {
                        trace_wake(self.trace.get(), token, "writable", slot.writer_task);
                        to_wake.push(waker);
                    }
                }
            }
        }
        drop(events);
        for waker in to_wake.drain(..) {
            waker.wake();
        }
        *self.to_wake.borrow_mut() = to_wake;
        Ok(outcome)
    }
}

/// Traces one I/O wake-up: `io: token 5 readable -> wake task 7`.
fn trace_wake(enabled: bool, token: usize, readiness: &str, task: Option<TaskId>) {
    match task {
        Some(id) => trace!(enabled, "io: token {token} {readiness} -> wake task {id}"),
        None => trace!(enabled, "io: token {token} {readiness} -> wake"),
    }
}

/// What one [`Reactor::poll`] saw.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PollOutcome {
    /// Socket events handled.
    pub(crate) io_events: usize,
    /// True if another thread woke the loop through the `mio::Waker`.
    pub(crate) remote_wake: bool,
}
