//! The client's settings and their defaults, fixed once the client is built.
//!
//! | setting                          | default  | why                                                  |
//! |----------------------------------|----------|------------------------------------------------------|
//! | connect timeout                  | 10 s     | a host that has not answered a SYN in 10 s is down or filtered; Linux itself retries SYNs for about 2 minutes, far too long for a downloader. It covers the name lookup and, for `https`, the TLS handshake too, as httpx's does |
//! | write timeout                    | 30 s     | the longest a request may wait for room in the socket's send buffer; as the read timeout |
//! | read timeout (between bytes)     | 30 s     | the longest silence we accept while a response is due; half of nginx's 60 s `proxy_read_timeout`, so a slow upstream behind nginx still gets through |
//! | pool timeout                     | 30 s     | the longest a request waits for a free connection when `max_connections` are open |
//! | total timeout per request        | 300 s    | aiohttp's `ClientTimeout(total=300)` default; covers everything, redirects and the body included |
//! | open connections (all hosts)     | 100      | httpx's `max_connections` and aiohttp's `TCPConnector(limit=100)` |
//! | idle connections kept per host   | 100      | aiohttp's `TCPConnector(limit=100)`; enough for the flag downloader's concurrency levels |
//! | idle timeout for pooled sockets  | 15 s     | aiohttp's `keepalive_timeout`; below nginx's 75 s `keepalive_timeout` so we drop first |
//! | maximum redirects                | 5        | the limit RFC 2068 §10.3 recommended (RFC 9110 §15.4 still mentions it); 0 disables following |
//! | maximum bytes in a response head | 64 KiB   | [`MAX_HEAD_BYTES`](crate::wire::MAX_HEAD_BYTES)                             |
//! | maximum header count             | 100      | [`MAX_HEADERS`](crate::wire::MAX_HEADERS)                                |
//! | maximum body bytes               | 10 MiB   | [`MAX_BODY_BYTES`](crate::wire::MAX_BODY_BYTES)                             |
//! | User-Agent                       | `http-client/<version>` | [`DEFAULT_USER_AGENT`]                |
//! | trust roots for `https`          | the system's | what curl and Python trust on the same machine; Mozilla's when the system has none (see the `tls` module) |
//!
//! # Timeouts, phase by phase
//!
//! The four phase timeouts mean what httpx's do: each bounds one kind of wait, and restarts at
//! every wait of that kind. A response whose bytes keep arriving never trips the read timeout,
//! however long the whole of it takes; a server that stops sending for longer than the read
//! timeout does. The total timeout is the other kind of bound, on the whole request from
//! `send` to the last body byte (aiohttp's `total`, or asyncio's `wait_for` around a request).
//! Either kind fails with [`Error::Timeout`](crate::Error::Timeout) naming the phase that ran
//! out ([`TimeoutPhase`](crate::TimeoutPhase)).
//!
//! Why the difference matters: a server with a short listen backlog (Python's `http.server`
//! has 5) drops the SYNs of a burst of connections, and Linux sends them again after 1 s and
//! 3 s. With a 3.1 s connect timeout such a connection still gets through; with a 3.1 s bound
//! on the whole request it rarely does, because the request also has to be answered within
//! what is left.

use std::time::Duration;

use rustls::pki_types::CertificateDer;

use crate::limits::Limits;

/// `http-client/<crate version>`, sent unless the builder or the request sets another.
pub const DEFAULT_USER_AGENT: &str = concat!("http-client/", env!("CARGO_PKG_VERSION"));

/// Default connect timeout (see the module table).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default write timeout (see the module table).
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Default read timeout (see the module table).
const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Default pool timeout (see the module table).
const POOL_TIMEOUT: Duration = Duration::from_secs(30);
/// Default total timeout per request (see the module table).
const TOTAL_TIMEOUT: Duration = Duration::from_secs(300);
/// Default limit on open connections (see the module table).
const MAX_CONNECTIONS: usize = 100;
/// Default idle connections kept per host (see the module table).
const MAX_IDLE_PER_HOST: usize = 100;
/// Default idle timeout for pooled connections (see the module table).
const IDLE_TIMEOUT: Duration = Duration::from_secs(15);
/// Default maximum redirects followed per request (see the module table).
const MAX_REDIRECTS: usize = 5;

/// The four phase timeouts (see the module doc); each bounds every wait of its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timeouts {
    /// Resolving the host and opening a connection.
    pub(crate) connect: Duration,
    /// Each wait for the socket to take more of the request.
    pub(crate) write: Duration,
    /// Each wait for the next bytes of the response.
    pub(crate) read: Duration,
    /// Waiting for a free connection slot when `max_connections` are open.
    pub(crate) pool: Duration,
}

/// Everything the client needs to know; fixed once the client is built.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// The phase timeouts.
    pub(crate) timeouts: Timeouts,
    /// Limit for a whole request including redirects and the body; `None`: no limit.
    pub(crate) total_timeout: Option<Duration>,
    /// Most connections open at once, idle ones included; `None`: no limit.
    pub(crate) max_connections: Option<usize>,
    /// Most idle connections kept per (host, port); 0 disables keep-alive.
    pub(crate) max_idle_per_host: usize,
    /// Idle connections older than this are not reused.
    pub(crate) idle_timeout: Duration,
    /// Most redirects followed; 0 returns 3xx responses as they are.
    pub(crate) max_redirects: usize,
    /// Limits on heads and bodies.
    pub(crate) limits: Limits,
    /// Value of the User-Agent header.
    pub(crate) user_agent: String,
    /// CA certificates trusted for `https` besides the system's, each already checked.
    pub(crate) extra_roots: Vec<CertificateDer<'static>>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            timeouts: Timeouts {
                connect: CONNECT_TIMEOUT,
                write: WRITE_TIMEOUT,
                read: READ_TIMEOUT,
                pool: POOL_TIMEOUT,
            },
            total_timeout: Some(TOTAL_TIMEOUT),
            max_connections: Some(MAX_CONNECTIONS),
            max_idle_per_host: MAX_IDLE_PER_HOST,
            idle_timeout: IDLE_TIMEOUT,
            max_redirects: MAX_REDIRECTS,
            limits: Limits::default(),
            user_agent: DEFAULT_USER_AGENT.to_string(),
            extra_roots: Vec::new(),
        }
    }
}
