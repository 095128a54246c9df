//! The [`Reactor`]: the `mio::Poll`, one slot per registered socket, the
//! alarm for the next timer (`alarm.rs`), and the `epoll_wait` that turns
//! readiness into wakes. The design (readiness flags, edge triggering,
//! tokens) is in the module doc of `reactor/mod.rs`.

use std::cell::{Cell, RefCell};
use std::io;
use std::task::Waker;

use mio::{Events, Interest, Poll, Token};

use super::alarm::{ALARM_TOKEN, Alarm, Park};
use crate::slab::Slab;
use crate::stats::add;
use crate::timeline::hooks;
use crate::waker_slot::WakerSlot;
use ::timeline::{Readiness, Wait, WakeCause};

/// Which half of a socket an operation uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Reading and accepting.
    Read,
    /// Writing and connecting.
    Write,
}

/// The token of the `mio::Waker` that other threads use to wake the loop.
pub(crate) const WAKE_TOKEN: Token = Token(usize::MAX);

/// How many events one `epoll_wait` may return; more wait for the next call.
/// tokio's I/O driver uses the same batch (its `nevents` setting, 1,024 by
/// default; its `event_interval`, 61, is the number of task polls between
/// two looks at the reactor, our `EVENT_INTERVAL`).
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
    reader: WakerSlot,
    /// The task waiting to write (or to finish connecting), if any.
    writer: WakerSlot,
}

/// The event loop's I/O half. Runtime thread only.
pub(crate) struct Reactor {
    /// The OS selector. Borrowed only during `poll` and (de)registration.
    poll: RefCell<Poll>,
    /// Reused buffer for the events of one `epoll_wait`.
    events: RefCell<Events>,
    /// Per-socket state, indexed by token (`slab.rs`).
    slots: RefCell<Slab<IoSlot>>,
    /// Reused buffer of wakers collected from one batch of events, each with
    /// the token and direction that woke it (for the timeline).
    to_wake: RefCell<Vec<(Waker, usize, Direction)>>,
    /// Socket events delivered so far, for `Stats::io_events`.
    events_delivered: Cell<u64>,
    /// Wakes `poll` at the next timer's deadline (a timerfd on Linux).
    alarm: Alarm,
}

impl Reactor {
    /// A reactor with its own `epoll` instance.
    pub(crate) fn new() -> io::Result<Reactor> {
        let poll = Poll::new()?;
        let alarm = Alarm::new(poll.registry());
        Ok(Reactor {
            poll: RefCell::new(poll),
            events: RefCell::new(Events::with_capacity(EVENTS_CAPACITY)),
            slots: RefCell::new(Slab::default()),
            to_wake: RefCell::new(Vec::new()),
            events_delivered: Cell::new(0),
            alarm,
        })
    }

    /// Socket events delivered so far.
    pub(crate) fn events_delivered(&self) -> u64 {
        self.events_delivered.get()
    }

    /// Makes the `mio::Waker` other threads use to interrupt [`poll`](Self::poll).
    pub(crate) fn remote_waker(&self) -> io::Result<mio::Waker> {
        mio::Waker::new(self.poll.borrow().registry(), WAKE_TOKEN)
    }

    /// Registers `source` for both directions and returns its token: the
    /// slab's next vacant key, taken only once epoll accepted the socket.
    pub(crate) fn register(&self, source: &mut impl mio::event::Source) -> io::Result<Token> {
        let token = Token(self.slots.borrow().vacant_key());
        self.poll.borrow().registry().register(
            source,
            token,
            Interest::READABLE | Interest::WRITABLE,
        )?;
        // Optimistic: try the operation first, wait only after WouldBlock.
        let slot = IoSlot {
            readable: true,
            writable: true,
            ..IoSlot::default()
        };
        self.slots.borrow_mut().insert(token.0, slot);
        Ok(token)
    }

    /// Deregisters `source` and frees its slot. The stored wakers are dropped
    /// after the borrow ends.
    pub(crate) fn deregister(&self, source: &mut impl mio::event::Source, token: Token) {
        // Closing the socket would remove it from epoll anyway; an error
        // here changes nothing for the caller.
        let _ = self.poll.borrow().registry().deregister(source);
        let old = self.slots.borrow_mut().remove(token.0);
        drop(old);
    }

    /// How many sockets are registered now.
    pub(crate) fn registered(&self) -> usize {
        self.slots.borrow().len()
    }

    /// If the socket is ready in `direction`, returns true; otherwise stores
    /// the waker (replacing it only if it would wake another task) and
    /// returns false.
    pub(crate) fn poll_ready(&self, token: Token, direction: Direction, waker: &Waker) -> bool {
        let mut slots = self.slots.borrow_mut();
        let Some(slot) = slots.get_mut(token.0) else {
            // Not registered any more: report ready so the caller's I/O call
            // runs and returns the socket's real error.
            return true;
        };
        let (ready, stored) = match direction {
            Direction::Read => (slot.readable || slot.read_closed, &mut slot.reader),
            Direction::Write => (slot.writable || slot.write_closed, &mut slot.writer),
        };
        if ready {
            return true;
        }
        hooks::waits_on(|| Wait::Io {
            token: token.0,
            interest: match direction {
                Direction::Read => Readiness::READABLE,
                Direction::Write => Readiness::WRITABLE,
            },
        });
        let old = stored.register(waker);
        drop(slots);
        drop(old);
        false
    }

    /// Clears readiness in `direction` after the kernel said `WouldBlock`.
    pub(crate) fn clear_ready(&self, token: Token, direction: Direction) {
        if let Some(slot) = self.slots.borrow_mut().get_mut(token.0) {
            match direction {
                Direction::Read => slot.readable = false,
                Direction::Write => slot.writable = false,
            }
        }
    }

    /// Waits for events as long as `park` allows (until its deadline, an
    /// event, or another thread's wake), then wakes the tasks waiting on
    /// them. Returns how many socket events arrived.
    pub(crate) fn poll(&self, park: Park) -> io::Result<usize> {
        let timeout = self.alarm.poll_timeout(park);
        let mut events = self.events.borrow_mut();
        match self.poll.borrow_mut().poll(&mut events, timeout) {
            Ok(()) => {}
            // A signal interrupted epoll_wait: return, and the loop comes
            // back with a fresh timeout.
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(0),
            Err(e) => return Err(e),
        }
        let mut io_events = 0;
        // The buffer is taken out of its cell, so no borrow is held while
        // the wakers run, and put back afterwards to keep its capacity.
        let mut to_wake = std::mem::take(&mut *self.to_wake.borrow_mut());
        {
            let mut slots = self.slots.borrow_mut();
            for event in events.iter() {
                if event.token() == WAKE_TOKEN {
                    // Another thread's wake: its task is in the remote
                    // queue, which the loop drains after this poll.
                    continue;
                }
                if event.token() == ALARM_TOKEN {
                    // The next timer's deadline: the loop fires the timers
                    // after this poll.
                    self.alarm.rang();
                    continue;
                }
                io_events += 1;
                let Some(slot) = slots.get_mut(event.token().0) else {
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
                        to_wake.push((waker, token, Direction::Read));
                    }
                }
                if event.is_writable() || event.is_write_closed() || event.is_error() {
                    slot.writable = true;
                    if let Some(waker) = slot.writer.take() {
                        to_wake.push((waker, token, Direction::Write));
                    }
                }
            }
        }
        drop(events);
        // Each wake is made with its socket as the cause, for the timeline
        // and the trace (`observe.rs`); the reactor knows nothing of tasks.
        for (waker, token, direction) in to_wake.drain(..) {
            hooks::set_cause(WakeCause::Io {
                token,
                readiness: match direction {
                    Direction::Read => Readiness::READABLE,
                    Direction::Write => Readiness::WRITABLE,
                },
            });
            waker.wake();
        }
        hooks::set_cause(WakeCause::Loop);
        *self.to_wake.borrow_mut() = to_wake;
        add(&self.events_delivered, io_events as u64);
        Ok(io_events)
    }
}
