//! [`ClientBuilder`]: changing the client's settings before it is built.
//!
//! The settings, their defaults and the reasons for them are in `config.rs`; this file only
//! sets them. [`Client::builder`] is defined here, next to what it returns, so that
//! `client.rs` needs nothing from this file: the builder depends on the client, not the other
//! way round.

use std::time::Duration;

use crate::client::Client;
use crate::config::Config;
use crate::error::Error;
use crate::tls::parse_root_certificates;

/// Builds a [`Client`] [httpx.AsyncClient(timeout=..., limits=...)].
///
/// ```
/// use std::time::Duration;
/// let client = http_client::Client::builder()
///     .timeout(Duration::from_secs_f64(3.1)) // every phase, as httpx's timeout=3.1
///     .total_timeout(None)
///     .max_redirects(0)
///     .build();
/// # drop(client);
/// ```
#[derive(Debug, Clone, Default)]
pub struct ClientBuilder {
    /// The settings being built.
    config: Config,
}

impl Client {
    /// A builder for a client with other settings than [`Client::new`]'s.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

impl ClientBuilder {
    /// Sets all four phase timeouts (connect, write, read, pool) to `timeout`, as httpx's
    /// `timeout=` does. The total timeout is separate ([`total_timeout`](Self::total_timeout)).
    pub fn timeout(self, timeout: Duration) -> ClientBuilder {
        self.connect_timeout(timeout)
            .write_timeout(timeout)
            .read_timeout(timeout)
            .pool_timeout(timeout)
    }

    /// Limit for resolving the host, opening the connection and, for `https`, the TLS
    /// handshake [httpx `connect`].
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.config.timeouts.connect = timeout;
        self
    }

    /// Limit for each wait while sending the request [httpx `write`].
    pub fn write_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.config.timeouts.write = timeout;
        self
    }

    /// Limit for each wait for the next bytes of the response, head or body: the time since
    /// the last byte, not the time for the whole response [httpx `read`, aiohttp `sock_read`].
    pub fn read_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.config.timeouts.read = timeout;
        self
    }

    /// Limit for waiting for a free connection when [`max_connections`](Self::max_connections)
    /// are open [httpx `pool`].
    pub fn pool_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.config.timeouts.pool = timeout;
        self
    }

    /// Limit for a whole request, redirects and body included; `None` for none
    /// [aiohttp `ClientTimeout(total=...)`].
    pub fn total_timeout(mut self, timeout: Option<Duration>) -> ClientBuilder {
        self.config.total_timeout = timeout;
        self
    }

    /// Most connections open at once, to all hosts, idle pooled ones included; `None` for no
    /// limit. A request that finds them all busy waits, within the pool timeout, and an idle
    /// connection to another host is closed to make room [httpx `Limits(max_connections=...)`].
    pub fn max_connections(mut self, max: Option<usize>) -> ClientBuilder {
        self.config.max_connections = max;
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

    /// Trusts the CA certificates in `pem` for `https`, besides the system's roots
    /// [httpx `verify=ssl_context` with `load_verify_locations`, curl `--cacert` but adding
    /// rather than replacing]. For a private CA, or a test's throwaway one. There is no way to
    /// turn verification off.
    ///
    /// # Errors
    ///
    /// [`Error::BadRootCertificate`] if `pem` holds no certificate, is not valid PEM, or holds
    /// one that cannot be a trust anchor.
    ///
    /// ```
    /// let err = http_client::Client::builder()
    ///     .add_root_certificate(b"not a certificate")
    ///     .unwrap_err();
    /// assert!(err.to_string().starts_with("cannot add the root certificate"));
    /// ```
    pub fn add_root_certificate(mut self, pem: &[u8]) -> Result<ClientBuilder, Error> {
        let roots = parse_root_certificates(pem).map_err(Error::BadRootCertificate)?;
        self.config.extra_roots.extend(roots);
        Ok(self)
    }

    /// Builds the client.
    pub fn build(self) -> Client {
        Client::from_config(self.config)
    }
}
