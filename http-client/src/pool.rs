//! Idle keep-alive connections, per scheme, host and port.
//!
//! After a response whose body was read to its end, on a connection both sides agreed to keep
//! open, the connection goes back here; the next request to the same scheme, host and port
//! takes it instead of opening a new one. The scheme is part of the key, so an `https` request
//! never goes out on a plain connection to the same host and port, nor the reverse. Rules:
//!
//! - **Most recent first.** Each host's idle list is a stack: [`Pool::put`] pushes,
//!   [`Pool::take`] pops. The connection used last is the least likely to have been closed by
//!   the server's idle timer, and the older ones age out.
//! - **At most `max_idle_per_host`** per host; extra connections are closed.
//! - **Idle timeout.** A connection idle longer than `idle_timeout` is closed instead of being
//!   handed out. The default (see the builder) is below nginx's 75 s `keepalive_timeout`, so
//!   we usually give up a connection before the server does.
//! - **Closed by the server.** Before handing out a connection that has been idle for
//!   [`PROBE_AFTER_IDLE`] or more (or any connection, for a request that cannot be retried),
//!   [`Conn::is_idle_and_open`] tries a non-blocking read: EOF (server closed), data (server
//!   misbehaved) or an error means the connection is dropped and the next one is tried.
//!
//! A server can still close a connection just after that check; the client retries such a
//! request once on a new connection (see `client.rs`).
//!
//! Idle connections count against the client's `max_connections` (each holds its slot, see
//! `slots.rs`); when every slot is taken, [`Pool::close_oldest`] gives one up to make room.
//!
//! # Who touches it
//!
//! The pool sits in a `RefCell` inside the client's `Rc`. Borrows are short and never held
//! across an `.await`: take a connection, release the borrow, then use it.
//!
//! # What production clients do differently
//!
//! hyper-util's pool runs a background task per connection that notices a server's close as
//! it happens, and an idle-interval task that evicts expired entries; it also lets waiters
//! queue for a connection that is about to be returned. We check lazily, on `take`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::conn::Conn;
use crate::url::{Host, Scheme, Url};

/// Idle time after which a connection is probed with a non-blocking read before reuse.
///
/// The probe costs one `recv` syscall per request, which on loopback is a measurable share
/// of a whole request (see the bench). Servers close idle keep-alive connections after
/// seconds (Apache's `KeepAliveTimeout` is 5 s, nginx's `keepalive_timeout` 75 s), so a
/// connection returned less than a second ago is almost always alive; if it is not, the
/// request fails before any response byte and idempotent requests are retried on a new
/// connection. Requests that cannot be retried always probe.
const PROBE_AFTER_IDLE: Duration = Duration::from_secs(1);

/// The pool key: connections are reusable only for the same scheme, host and port.
pub(crate) type PoolKey = (Scheme, Host, u16);

/// The key of the connections that can carry a request to `url`.
pub(crate) fn pool_key(url: &Url) -> PoolKey {
    (url.scheme(), url.host().clone(), url.port())
}

/// An idle connection and when it became idle.
#[derive(Debug)]
struct Idle {
    /// The connection, with an empty read buffer.
    conn: Conn,
    /// When it was returned to the pool, on the runtime's clock.
    since: Instant,
}

/// Idle connections per scheme, host and port.
#[derive(Debug)]
pub(crate) struct Pool {
    /// Stacks of idle connections; the last one is the most recently used.
    idle: HashMap<PoolKey, Vec<Idle>>,
    /// Most idle connections kept per key.
    max_idle_per_host: usize,
    /// Idle connections older than this are closed instead of reused.
    idle_timeout: Duration,
}

impl Pool {
    /// An empty pool.
    pub(crate) fn new(max_idle_per_host: usize, idle_timeout: Duration) -> Pool {
        Pool {
            idle: HashMap::new(),
            max_idle_per_host,
            idle_timeout,
        }
    }

    /// Takes the most recently used live connection for `key`, closing stale ones on the way.
    ///
    /// `always_probe` asks for the closed-by-server check even on a connection that was idle
    /// only briefly: the caller's request cannot be retried if the connection turns out dead.
    pub(crate) fn take(&mut self, key: &PoolKey, always_probe: bool) -> Option<Conn> {
        let stack = self.idle.get_mut(key)?;
        let now = runtime::time::now();
        let mut found = None;
        while let Some(mut idle) = stack.pop() {
            let idle_for = now.saturating_duration_since(idle.since);
            let probe = always_probe || idle_for >= PROBE_AFTER_IDLE;
            if idle_for < self.idle_timeout && (!probe || idle.conn.is_idle_and_open()) {
                idle.conn.reused = true;
                found = Some(idle.conn);
                break;
            }
            // Dropping `idle` closes the stale socket.
        }
        if stack.is_empty() {
            self.idle.remove(key);
        }
        found
    }

    /// Closes the idle connection, to any host, that has been idle longest, freeing its slot.
    /// Returns whether there was one.
    pub(crate) fn close_oldest(&mut self) -> bool {
        let oldest = self
            .idle
            .iter()
            .filter_map(|(key, stack)| stack.first().map(|idle| (idle.since, key)))
            .min_by_key(|(since, _)| *since)
            .map(|(_, key)| key.clone());
        let Some(key) = oldest else {
            return false;
        };
        if let Some(stack) = self.idle.get_mut(&key) {
            // The oldest of each stack is at the bottom; dropping it closes the socket.
            stack.remove(0);
            if stack.is_empty() {
                self.idle.remove(&key);
            }
        }
        true
    }

    /// Returns a connection whose response was read to the end and that both sides agreed to
    /// keep open. Dropped instead when it has unread bytes or the host's list is full.
    pub(crate) fn put(&mut self, key: PoolKey, conn: Conn) {
        if self.max_idle_per_host == 0 || !conn.unread().is_empty() {
            return;
        }
        let stack = self.idle.entry(key).or_default();
        // Expired entries are at the bottom (oldest first): drop them while we are here.
        let (now, timeout) = (runtime::time::now(), self.idle_timeout);
        stack.retain(|idle| now.saturating_duration_since(idle.since) < timeout);
        if stack.len() >= self.max_idle_per_host {
            // Keep the most recent ones: the oldest is at index 0.
            stack.remove(0);
        }
        stack.push(Idle {
            conn,
            since: runtime::time::now(),
        });
    }
}
