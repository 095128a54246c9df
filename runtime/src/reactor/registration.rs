//! [`Registration`]: a socket's link to the reactor, and the retry loop that
//! every non-blocking I/O call goes through.

use std::io;
use std::rc::Rc;
use std::task::{Context, Poll};

use mio::Token;

use super::driver::{Direction, Reactor};
use crate::context;

/// A socket registered with the current runtime's reactor. Deregister with
/// [`Registration::deregister`] before the socket closes; the socket types
/// do that in their `Drop`.
pub(crate) struct Registration {
    /// The reactor the socket is registered with. Holding the `Rc` keeps the
    /// reactor alive as long as the socket, even past the runtime's drop.
    reactor: Rc<Reactor>,
    /// The socket's token, which is its slot in the reactor.
    token: Token,
}

impl Registration {
    /// Registers `source` with the current runtime's reactor.
    ///
    /// Outside a runtime this is an `io::Error` (kind `Other`), not a panic:
    /// socket set-up already returns `io::Result`.
    pub(crate) fn new(source: &mut impl mio::event::Source) -> io::Result<Registration> {
        let reactor = context::reactor().ok_or_else(|| {
            io::Error::other("runtime::net sockets must be created inside a runtime")
        })?;
        let token = reactor.register(source)?;
        Ok(Registration { reactor, token })
    }

    /// Runs the non-blocking `op` until it does not say `WouldBlock`,
    /// waiting for readiness in `direction` between tries.
    ///
    /// This is the loop mio's docs prescribe: try, and on `WouldBlock`
    /// clear readiness and wait for the next event; retry on `Interrupted`.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut op: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            if !self.reactor.poll_ready(self.token, direction, cx.waker()) {
                return Poll::Pending;
            }
            match op() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.reactor.clear_ready(self.token, direction);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                result => return Poll::Ready(result),
            }
        }
    }

    /// Waits until the reactor reports readiness in `direction`, without
    /// trying an operation (used by `connect`).
    pub(crate) fn poll_ready(&self, cx: &mut Context<'_>, direction: Direction) -> Poll<()> {
        if self.reactor.poll_ready(self.token, direction, cx.waker()) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }

    /// Marks `direction` not ready (after `WouldBlock`, or a spurious wake).
    pub(crate) fn clear_ready(&self, direction: Direction) {
        self.reactor.clear_ready(self.token, direction);
    }

    /// Removes `source` from the reactor.
    pub(crate) fn deregister(&self, source: &mut impl mio::event::Source) {
        self.reactor.deregister(source, self.token);
    }
}
