//! The far end of the `parked_reads` case: loopback listeners whose
//! connections are never accepted, so that each runtime only connects and
//! reads, and the far ends cost no descriptors.
//!
//! Linux completes a TCP handshake in the kernel and queues the connection
//! on its listener until `accept` takes it; a connection still in that
//! queue is fully established, and a read on its client end waits for
//! data like any other. Each listener queues up to its `listen` backlog
//! (capped by `net.core.somaxconn`, 4096 by default), so [`Farm::start`]
//! binds one listener per [`PER_LISTENER`] connections. Three limits of a
//! single machine shape the rest:
//!
//! - **Descriptors.** Every connection costs one (its client end), so
//!   [`Farm::start`] raises the soft `RLIMIT_NOFILE` to fit. Raising it
//!   past the hard limit needs `CAP_SYS_RESOURCE`; [`max_connections`]
//!   says how many fit under the hard limit, and the memory binary uses
//!   that many when the default does not fit (it prints so).
//! - **Ports.** A connection is named by its four-tuple, and Linux's
//!   `connect` reuses one ephemeral port towards different destinations,
//!   so each listener needs only its own share of ports. Linux hands
//!   `connect` the even ports first and keeps the odd ones for `bind(port
//!   0)`; with [`PER_LISTENER`] below half the default range, other
//!   programs' listeners on this machine still find free ports while the
//!   case runs.
//! - **TIME_WAIT.** An orderly close leaves the closing end in TIME_WAIT
//!   for a minute, holding its port. [`abort_on_close`] sets `SO_LINGER` 0
//!   on every client end, so when the process exits the connections are
//!   reset instead and no port stays held.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use socket2::{Domain, SockRef, Socket, Type};

use platform::{AsSocketHandle, DescriptorLimit};

/// Connections per listener: under the default `somaxconn` (4096), which
/// caps a listener's queue, and well below half of Linux's default
/// ephemeral range (32768–60999, 28,232 ports), so `connect` stays on even
/// ports.
pub const PER_LISTENER: usize = 4_000;

/// Descriptors needed beside the connections and listeners: stdio, the
/// runtimes' epoll instances and event fds, with room to spare.
const SPARE_DESCRIPTORS: u64 = 256;

/// Listeners on loopback that never accept.
#[derive(Debug)]
pub struct Farm {
    /// Each listener with its address and how many connections it queues.
    listeners: Vec<(Socket, SocketAddr, usize)>,
}

impl Farm {
    /// Raises the descriptor limit and binds listeners for `connections`
    /// connections.
    pub fn start(connections: usize) -> Result<Farm, SocketError> {
        let shares = listener_shares(connections);
        ensure_descriptors(descriptors_for(connections))?;
        let mut listeners = Vec::with_capacity(shares.len());
        for share in shares {
            let socket =
                Socket::new(Domain::IPV4, Type::STREAM, None).map_err(SocketError::Bind)?;
            socket
                .bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into())
                .map_err(SocketError::Bind)?;
            let backlog = i32::try_from(share).unwrap_or(i32::MAX);
            socket.listen(backlog).map_err(SocketError::Bind)?;
            let addr = socket
                .local_addr()
                .map_err(SocketError::Bind)?
                .as_socket()
                .ok_or_else(|| SocketError::Bind(io::Error::other("not an IP listener")))?;
            listeners.push((socket, addr, share));
        }
        Ok(Farm { listeners })
    }

    /// The address of each connection to open: every listener's share.
    pub fn targets(&self) -> impl Iterator<Item = SocketAddr> + '_ {
        self.listeners
            .iter()
            .flat_map(|(_, addr, share)| std::iter::repeat_n(*addr, *share))
    }
}

/// How many connections each listener queues: as few listeners as keep
/// each at most [`PER_LISTENER`], the connections spread evenly.
pub fn listener_shares(connections: usize) -> Vec<usize> {
    let count = connections.div_ceil(PER_LISTENER).max(1);
    (0..count)
        .map(|i| connections / count + usize::from(i < connections % count))
        .collect()
}

/// Descriptors a farm of `connections` needs in all.
fn descriptors_for(connections: usize) -> u64 {
    (connections + listener_shares(connections).len()) as u64 + SPARE_DESCRIPTORS
}

/// The most connections that fit under this process's hard descriptor
/// limit (`None`: no limit).
pub fn max_connections() -> Option<usize> {
    let hard = DescriptorLimit::read().hard?;
    let mut n = usize::try_from(hard.saturating_sub(SPARE_DESCRIPTORS)).unwrap_or(usize::MAX);
    while n > 0 && descriptors_for(n) > hard {
        n -= n.div_ceil(PER_LISTENER).max(1);
    }
    Some(n)
}

/// Sets `SO_LINGER` 0 on a connected socket: closing it resets the
/// connection instead of leaving it in TIME_WAIT.
pub fn abort_on_close(socket: &impl AsSocketHandle) -> io::Result<()> {
    SockRef::from(socket).set_linger(Some(Duration::ZERO))
}

/// Raises `RLIMIT_NOFILE` to at least `need`.
fn ensure_descriptors(need: u64) -> Result<(), SocketError> {
    let limit = DescriptorLimit::read();
    let current = limit.soft.unwrap_or(u64::MAX);
    if current >= need {
        return Ok(());
    }
    limit.raise_soft(need).map_err(|source| SocketError::Limit {
        need,
        current,
        source,
    })
}

/// What can go wrong opening the connections.
#[derive(Debug)]
pub enum SocketError {
    /// The descriptor limit is too low and could not be raised.
    Limit {
        /// Descriptors the case needs.
        need: u64,
        /// The soft limit found.
        current: u64,
        /// Why raising it failed.
        source: io::Error,
    },
    /// A listener could not be bound on loopback.
    Bind(io::Error),
    /// A runtime's connect (or setting `SO_LINGER` on its socket) failed.
    Connect(io::Error),
}

impl fmt::Display for SocketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SocketError::Limit {
                need,
                current,
                source,
            } => write!(
                f,
                "parked_reads needs {need} file descriptors (one per connection) and the limit is \
                 {current}; raising it failed ({source}): run `ulimit -n {need}` first (past the \
                 hard limit, as root), or ask for fewer with --items"
            ),
            SocketError::Bind(err) => write!(f, "cannot bind a loopback listener: {err}"),
            SocketError::Connect(err) => write!(f, "cannot connect over loopback: {err}"),
        }
    }
}

impl std::error::Error for SocketError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SocketError::Limit { source, .. }
            | SocketError::Bind(source)
            | SocketError::Connect(source) => Some(source),
        }
    }
}

/// The two things that differ between operating systems here: the handle
/// `socket2::SockRef::from` takes, and the descriptor limit.
///
/// Unix has `RLIMIT_NOFILE` (read and raised through `rustix`). Windows has
/// no per-process limit on sockets (only memory bounds them), so there the
/// limit reads as none and nothing is raised.
mod platform {
    #[cfg(unix)]
    pub use std::os::fd::AsFd as AsSocketHandle;
    #[cfg(windows)]
    pub use std::os::windows::io::AsSocket as AsSocketHandle;

    /// The process's descriptor limit; `None` is no limit.
    pub struct DescriptorLimit {
        /// The soft limit, which `open` and `accept` check.
        pub soft: Option<u64>,
        /// The hard limit, the most the soft one may be raised to unprivileged.
        pub hard: Option<u64>,
    }

    #[cfg(unix)]
    impl DescriptorLimit {
        /// This process's `RLIMIT_NOFILE`.
        pub fn read() -> DescriptorLimit {
            let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
            DescriptorLimit {
                soft: limit.current,
                hard: limit.maximum,
            }
        }

        /// Raises the soft limit to `need`, and the hard one with it if
        /// `need` is above it (which needs `CAP_SYS_RESOURCE`).
        pub fn raise_soft(&self, need: u64) -> std::io::Result<()> {
            let limit = rustix::process::Rlimit {
                current: Some(need),
                maximum: self.hard.map(|max| max.max(need)),
            };
            rustix::process::setrlimit(rustix::process::Resource::Nofile, limit).map_err(Into::into)
        }
    }

    #[cfg(windows)]
    impl DescriptorLimit {
        /// No limit: Windows has no `RLIMIT_NOFILE`.
        pub fn read() -> DescriptorLimit {
            DescriptorLimit {
                soft: None,
                hard: None,
            }
        }

        /// Nothing to raise.
        pub fn raise_soft(&self, _need: u64) -> std::io::Result<()> {
            Ok(())
        }
    }
}
