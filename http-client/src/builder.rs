//! [`ClientBuilder`]: the client's settings and their defaults.
//!
//! | setting                          | default  | why                                                  |
//! |----------------------------------|----------|------------------------------------------------------|
//! | connect timeout                  | 10 s     | a host that has not answered a SYN in 10 s is down or filtered; Linux itself retries SYNs for about 2 minutes, far too long for a downloader |
//! | read (idle) timeout              | 30 s     | the longest silence we accept mid-response; half of nginx's 60 s `proxy_read_timeout`, so a slow upstream behind nginx still gets through |
//! | total timeout per request        | 300 s    | aiohttp's `ClientTimeout(total=300)` default; covers connect, redirects and reading the body |
//! | idle connections kept per host   | 100      | aiohttp's `TCPConnector(limit=100)`; enough for the flag downloader's concurrency levels |
//! | idle timeout for pooled sockets  | 15 s     | aiohttp's `keepalive_timeout`; below nginx's 75 s `keepalive_timeout` so we drop first |
//! | maximum redirects                | 5        | the issue; 0 disables following                      |
//! | maximum bytes in a response head | 64 KiB   | [`MAX_HEAD_BYTES`](crate::wire::MAX_HEAD_BYTES)                             |
//! | maximum header count             | 100      | [`MAX_HEADERS`](crate::wire::MAX_HEADERS)                                |
//! | maximum body bytes               | 10 MiB   | [`MAX_BODY_BYTES`](crate::wire::MAX_BODY_BYTES)                             |
//! | User-Agent                       | `http-client/<version>` | [`DEFAULT_USER_AGENT`]                |

use std::time::Duration;

use crate::client::Client;
use crate::limits::Limits;

/// `http-client/<crate version>`, sent unless the builder or the request sets another.
pub const DEFAULT_USER_AGENT: &str = concat!("http-client/", env!("CARGO_PKG_VERSION"));

/// Default connect timeout (see the module table).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default read (idle) timeout (see the module table).
const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Default total timeout per request (see the module table).
const TOTAL_TIMEOUT: Duration = Duration::from_secs(300);
/// Default idle connections kept per host (see the module table).
const MAX_IDLE_PER_HOST: usize = 100;
/// Default idle timeout for pooled connections (see the module table).
const IDLE_TIMEOUT: Duration = Duration::from_secs(15);
/// Default maximum redirects followed per request (the issue's table).
const MAX_REDIRECTS: usize = 5;

/// Everything the client needs to know; fixed once the client is built.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// Limit for resolving and connecting.
    pub(crate) connect_timeout: Duration,
    /// Limit for each wait on an established connection (read or write).
    pub(crate) read_timeout: Duration,
    /// Limit for a whole request including redirects and the body; `None`: no limit.
    pub(crate) total_timeout: Option<Duration>,
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
}

/// Builds a [`Client`] [aiohttp.ClientSession(timeout=..., connector=...)].
///
/// ```
/// use std::time::Duration;
/// let client = http_client::Client::builder()
///     .connect_timeout(Duration::from_secs(3))
///     .max_redirects(0)
///     .build();
/// # drop(client);
/// ```
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    /// The settings being built.
    config: Config,
}

impl Default for ClientBuilder {
    fn default() -> ClientBuilder {
        ClientBuilder {
            config: Config {
                connect_timeout: CONNECT_TIMEOUT,
                read_timeout: READ_TIMEOUT,
                total_timeout: Some(TOTAL_TIMEOUT),
                max_idle_per_host: MAX_IDLE_PER_HOST,
                idle_timeout: IDLE_TIMEOUT,
                max_redirects: MAX_REDIRECTS,
                limits: Limits::default(),
                user_agent: DEFAULT_USER_AGENT.to_string(),
            },
        }
    }
}

impl ClientBuilder {
    /// Limit for resolving the host and opening the connection [aiohttp `sock_connect`].
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.config.connect_timeout = timeout;
        self
    }

    /// Limit for each wait on the server once connected [aiohttp `sock_read`].
    pub fn read_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.config.read_timeout = timeout;
        self
    }

    /// Limit for a whole request, redirects and body included; `None` for none
    /// [aiohttp `ClientTimeout(total=...)`].
    pub fn total_timeout(mut self, timeout: Option<Duration>) -> ClientBuilder {
        self.config.total_timeout = timeout;
        self
    }

    /// Most idle keep-alive connections kept per host and port; 0 turns keep-alive off and
    /// sends `Connection: close` [aiohttp `TCPConnector(limit_per_host=...)`].
    pub fn max_idle_per_host(mut self, max: usize) -> ClientBuilder {
        self.config.max_idle_per_host = max;
        self
    }

    /// How long an idle connection may wait in the pool [aiohttp `keepalive_timeout`].
    pub fn idle_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.config.idle_timeout = timeout;
        self
    }

    /// Most redirects followed per request; 0 returns 3xx responses unfollowed
    /// [aiohttp `max_redirects`].
    pub fn max_redirects(mut self, max: usize) -> ClientBuilder {
        self.config.max_redirects = max;
        self
    }

    /// Most bytes in a response head [aiohttp `max_line_size`/`max_field_size`].
    pub fn max_head_bytes(mut self, max: usize) -> ClientBuilder {
        self.config.limits.max_head_bytes = max;
        self
    }

    /// Most header fields in a response head [aiohttp `max_headers`].
    pub fn max_headers(mut self, max: usize) -> ClientBuilder {
        self.config.limits.max_headers = max;
        self
    }

    /// Most body bytes (after chunked decoding); aiohttp has no such limit.
    pub fn max_body_bytes(mut self, max: u64) -> ClientBuilder {
        self.config.limits.max_body_bytes = max;
        self
    }

    /// The User-Agent header sent with every request.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> ClientBuilder {
        self.config.user_agent = user_agent.into();
        self
    }

    /// Builds the client.
    pub fn build(self) -> Client {
        Client::from_config(self.config)
    }
}
