//! Connection slots: at most `max_connections` connections open at once.
//!
//! Each open connection holds a [`Slot`], from the moment it starts connecting until it is
//! closed, idle pooled connections included (as httpx counts them). A request that needs a new
//! connection takes a slot first:
//!
//! 1. a free slot, if there is one and nobody is queued for one;
//! 2. else the client closes its oldest idle connection (to any host) and tries again, so that
//!    idle connections to one host never starve requests to another;
//! 3. else it queues, first come first served, for the next slot to be freed, within the pool
//!    timeout ([`TimeoutPhase::Pool`](crate::TimeoutPhase::Pool)).
//!
//! A request that reuses a pooled connection takes over that connection's slot and waits for
//! nothing. A connection whose response is done while requests wait for a slot is closed
//! instead of pooled ([`Slots::contended`]), which hands its slot to the first of them: an
//! idle connection must not sit on a slot that a waiting request needs.
//!
//! # Implementation
//!
//! The runtime's FIFO [`Semaphore`], one permit per slot; a [`Slot`] is an owned permit, so
//! dropping the connection (or the half-made one, on a failed connect) frees the slot and wakes
//! the first waiter. With no limit there is no semaphore and every slot is free.
//!
//! What httpx does differently: its pool hands a returned idle connection directly to a waiting
//! request for the same host. Ours queues requests for *slots*, and a waiter that gets one opens
//! a new connection; a connection returned to the pool meanwhile waits for the next request.

use std::cell::Cell;
use std::io;
use std::rc::Rc;

use runtime::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::Error;

/// The right to keep one connection open; freed when dropped.
#[derive(Debug)]
pub(crate) struct Slot {
    /// The permit behind the slot; `None` when the client has no connection limit.
    _permit: Option<OwnedSemaphorePermit>,
}

/// The client's connection slots.
#[derive(Debug)]
pub(crate) struct Slots {
    /// One permit per slot; `None` for no limit. Shared with the permits handed out.
    semaphore: Option<Rc<Semaphore>>,
    /// Requests waiting in [`Slots::wait`] right now (kept by [`Waiting`]).
    waiting: Cell<usize>,
}

/// Counts one request in [`Slots::waiting`] for as long as it waits, however the wait ends
/// (a slot, the pool timeout dropping the future, or the request being cancelled).
struct Waiting<'a> {
    /// The count to decrement when the wait ends.
    count: &'a Cell<usize>,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.count.set(self.count.get() - 1);
    }
}

impl Slots {
    /// `max` slots, or unlimited ones.
    pub(crate) fn new(max: Option<usize>) -> Slots {
        Slots {
            semaphore: max.map(|max| Rc::new(Semaphore::new(max))),
            waiting: Cell::new(0),
        }
    }

    /// Whether requests are waiting for a slot: then a connection that could go back to the
    /// pool should be closed instead, to free its slot for them.
    pub(crate) fn contended(&self) -> bool {
        self.waiting.get() > 0
    }

    /// A free slot, if one can be had without waiting.
    pub(crate) fn try_take(&self) -> Option<Slot> {
        match &self.semaphore {
            None => Some(Slot { _permit: None }),
            Some(semaphore) => Rc::clone(semaphore)
                .try_acquire_owned()
                .ok()
                .map(|permit| Slot {
                    _permit: Some(permit),
                }),
        }
    }

    /// Waits for the next free slot, in arrival order. The caller bounds the wait with the
    /// pool timeout.
    pub(crate) async fn wait(&self) -> Result<Slot, Error> {
        let Some(semaphore) = &self.semaphore else {
            return Ok(Slot { _permit: None });
        };
        self.waiting.set(self.waiting.get() + 1);
        let _waiting = Waiting {
            count: &self.waiting,
        };
        // The client never closes its semaphore, so this error cannot happen; it is reported
        // rather than unwrapped all the same.
        let permit = Rc::clone(semaphore)
            .acquire_owned()
            .await
            .map_err(|_| Error::Io(io::Error::other("the connection limit was shut down")))?;
        Ok(Slot {
            _permit: Some(permit),
        })
    }
}
