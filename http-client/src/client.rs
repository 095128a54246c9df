//! [`Client`] and [`RequestBuilder`]: sending a request, with retries and redirects.
//!
//! # One request, step by step
//!
//! ```text
//! send()
//!  └─ for each hop (the first request, then each redirect, at most max_redirects):
//!      ├─ take an idle connection for (scheme, host, port) from the pool, or take a connection
//!      │    slot (waiting within the pool timeout when max_connections are open), resolve +
//!      │    connect (+ the TLS handshake for https)
//!      ├─ write the request; read until a head is complete; skip 1xx interim heads
//!      │    └─ a *reused* connection that fails before any response byte arrives
//!      │       (EOF, reset, broken pipe) is retried once on a new connection,
//!      │       for idempotent methods only: the server may have closed it while idle
//!      ├─ decide the body's framing (RFC 9112 §6.3)
//!      └─ a 301/302/303/307/308 with Location: drain its body, next hop (never from https
//!         to http)
//!  └─ return Response (its body is read later, on demand)
//! ```
//!
//! Each wait is bounded by its phase's timeout (pool, connect, write, read), and the total
//! timeout, when set, starts at `send` and bounds them all, the body's included (see
//! `deadline.rs`). Each phase is also marked on the runtime's timeline, when one is recorded
//! (see `phases.rs`).
//!
//! # Ownership
//!
//! `Client` is an `Rc<Inner>`: cloning it is cheap and every clone shares one pool and one set
//! of connection slots. The client lives on one runtime thread, like the runtime's sockets, so
//! `Rc` and `RefCell` suffice. A [`Response`] gets its own `Rc` of the pool (not of the client),
//! to give its connection back when the body has been read.
//!
//! # What production clients do differently
//!
//! hyper-util's legacy `Client` hands each connection to a background task that drives it, so
//! a response's body can be read concurrently with the pool's bookkeeping, and it races a new
//! connection against waiting for one to come back to the pool. Ours is sequential and easier
//! to trace: the task that sends is the task that reads.

use std::cell::RefCell;
use std::io;
use std::rc::Rc;

use crate::body::BodyDecoder;
use crate::config::Config;
use crate::conn::Conn;
use crate::deadline::Deadline;
use crate::error::{Error, TimeoutPhase};
use crate::framing::framing;
use crate::head::{HeadReader, ResponseHead};
use crate::phases;
use crate::pool::{Pool, pool_key};
use crate::redirect;
use crate::request::{Method, RequestParts, check_header, write_request};
use crate::resolve::resolve;
use crate::response::{BodyReader, Response};
use crate::slots::{Slot, Slots};
use crate::tls;
use crate::url::{Scheme, Url};

/// State shared by all clones of a [`Client`].
#[derive(Debug)]
struct Inner {
    /// Settings, fixed at build time.
    config: Config,
    /// Idle connections; shared with the responses that will give theirs back. Borrowed
    /// briefly, never across an `.await`.
    pool: Rc<RefCell<Pool>>,
    /// The connection slots (at most `max_connections` open connections); shared with the
    /// responses, which close their connection instead of pooling it when requests wait.
    slots: Rc<Slots>,
    /// The TLS configuration (trust roots, ALPN, session cache), built on the first `https`
    /// connection.
    tls: tls::LazyClientConfig,
}

/// An HTTP/1.1 client with a keep-alive pool [httpx.AsyncClient, aiohttp.ClientSession].
///
/// Cheap to clone; clones share the pool. Use it on the runtime thread that created it.
///
/// ```
/// # use std::io::{Read, Write};
/// # // A one-response server on a thread, so that the example runs as a test.
/// # let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
/// # let port = listener.local_addr().unwrap().port();
/// # let server = std::thread::spawn(move || {
/// #     let (mut socket, _) = listener.accept().unwrap();
/// #     let mut request = [0u8; 1024];
/// #     let _ = socket.read(&mut request).unwrap();
/// #     socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nGIF89a").unwrap();
/// # });
/// let url = format!("http://127.0.0.1:{port}/flags/br/br.gif");
/// let gif = runtime::run(async {
///     let client = http_client::Client::new();
///     let resp = client.get(&url).send().await?;
///     resp.error_for_status()?.bytes().await
/// })?;
/// assert_eq!(gif, b"GIF89a");
/// # server.join().unwrap();
/// # Ok::<(), http_client::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    /// Settings and pool, shared by clones.
    inner: Rc<Inner>,
}

impl Default for Client {
    fn default() -> Client {
        Client::new()
    }
}

impl Client {
    /// A client with the default settings (see [`ClientBuilder`](crate::ClientBuilder)).
    pub fn new() -> Client {
        Client::from_config(Config::default())
    }

    /// Used by [`ClientBuilder::build`](crate::ClientBuilder::build).
    pub(crate) fn from_config(config: Config) -> Client {
        let pool = Pool::new(config.max_idle_per_host, config.idle_timeout);
        let slots = Rc::new(Slots::new(config.max_connections));
        Client {
            inner: Rc::new(Inner {
                config,
                pool: Rc::new(RefCell::new(pool)),
                slots,
                tls: tls::LazyClientConfig::default(),
            }),
        }
    }

    /// A GET request [aiohttp `session.get(url)`].
    pub fn get(&self, url: &str) -> RequestBuilder {
        self.request(Method::Get, url)
    }

    /// A HEAD request [aiohttp `session.head(url)`].
    pub fn head(&self, url: &str) -> RequestBuilder {
        self.request(Method::Head, url)
    }

    /// A request with any method [aiohttp `session.request(method, url)`].
    pub fn request(&self, method: Method, url: &str) -> RequestBuilder {
        RequestBuilder {
            client: self.clone(),
            parts: Url::parse(url).map(|url| RequestParts {
                method,
                url,
                headers: Vec::new(),
                body: None,
            }),
        }
    }
}

/// A request being built; [`RequestBuilder::send`] sends it.
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder {
    /// The client that will send it.
    client: Client,
    /// The request, or the first error found while building it (reported by `send`).
    parts: Result<RequestParts, Error>,
}

impl RequestBuilder {
    /// Adds a header field. A name or value that cannot be sent safely makes `send` fail
    /// with [`Error::InvalidHeader`].
    pub fn header(mut self, name: &str, value: &str) -> RequestBuilder {
        if let Ok(parts) = &mut self.parts {
            match check_header(name, value) {
                Ok(()) => parts.headers.push((name.to_string(), value.to_string())),
                Err(e) => self.parts = Err(e),
            }
        }
        self
    }

    /// Sets the body, sent with a Content-Length [aiohttp `data=`].
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> RequestBuilder {
        if let Ok(parts) = &mut self.parts {
            parts.body = Some(body.into());
        }
        self
    }

    /// Sends the request and waits for the response head, following redirects
    /// [aiohttp `async with session.get(url) as resp`].
    pub async fn send(self) -> Result<Response, Error> {
        let sent = self.send_following_redirects().await;
        // The request's phases on the timeline end with `send` (see `phases.rs`).
        phases::end();
        sent
    }

    /// [`send`](Self::send), without ending its timeline phase.
    async fn send_following_redirects(self) -> Result<Response, Error> {
        let mut parts = self.parts?;
        let inner = &self.client.inner;
        let deadline = Deadline::after(inner.config.total_timeout);
        let mut redirects = 0;
        loop {
            let response = send_once(inner, &parts, &deadline).await?;
            if inner.config.max_redirects == 0 {
                return Ok(response);
            }
            let location = response.headers().get("location");
            let Some(next) = redirect::next_request(&parts, response.status(), location)? else {
                return Ok(response);
            };
            if redirects == inner.config.max_redirects {
                return Err(Error::TooManyRedirects {
                    limit: inner.config.max_redirects,
                    url: response.url().to_string(),
                });
            }
            redirects += 1;
            response.discard().await;
            parts = next;
        }
    }
}

/// How an exchange on one connection failed.
enum Failure {
    /// Failed before any response byte on a reused connection: try a new one if allowed.
    Stale(Error),
    /// Anything else.
    Fatal(Error),
}

/// One request and response head on one connection, retried once on a fresh connection when a
/// pooled one turns out to be dead.
async fn send_once(
    inner: &Inner,
    parts: &RequestParts,
    deadline: &Deadline,
) -> Result<Response, Error> {
    let key = pool_key(&parts.url);
    let always_probe = !parts.method.is_idempotent();
    let pooled = inner.pool.borrow_mut().take(&key, always_probe);
    let conn = match pooled {
        Some(conn) => conn,
        None => connect(inner, &parts.url, deadline).await?,
    };
    match exchange(inner, conn, parts, deadline).await {
        Ok(response) => Ok(response),
        Err(Failure::Stale(_)) if parts.method.is_idempotent() => {
            let conn = connect(inner, &parts.url, deadline).await?;
            exchange(inner, conn, parts, deadline)
                .await
                .map_err(|f| match f {
                    Failure::Stale(e) | Failure::Fatal(e) => e,
                })
        }
        Err(Failure::Stale(e) | Failure::Fatal(e)) => Err(e),
    }
}

/// Takes a connection slot, then resolves the URL's host and opens a new connection (with its
/// TLS handshake for `https`), all within the connect timeout.
async fn connect(inner: &Inner, url: &Url, deadline: &Deadline) -> Result<Conn, Error> {
    let slot = take_slot(inner, deadline).await?;
    let tls = match url.scheme() {
        Scheme::Http => None,
        Scheme::Https => {
            Some(
                inner
                    .tls
                    .get(&inner.config.extra_roots)
                    .map_err(|err| Error::Tls {
                        host: url.authority(),
                        failure: tls::TlsFailure::Handshake(format!("cannot set up TLS: {err}")),
                    })?,
            )
        }
    };
    phases::mark(phases::CONNECTING);
    let attempt = async {
        let addrs = resolve(url).await?;
        Conn::connect(&addrs, url, tls, slot).await
    };
    deadline
        .run(
            TimeoutPhase::Connect,
            inner.config.timeouts.connect,
            attempt,
        )
        .await?
}

/// A slot for a new connection: a free one; else one freed by closing the oldest idle
/// connection; else the next one freed, within the pool timeout (see `slots.rs`).
async fn take_slot(inner: &Inner, deadline: &Deadline) -> Result<Slot, Error> {
    if let Some(slot) = inner.slots.try_take() {
        return Ok(slot);
    }
    let closed_one = inner.pool.borrow_mut().close_oldest();
    if closed_one && let Some(slot) = inner.slots.try_take() {
        return Ok(slot);
    }
    phases::mark(phases::WAITING_FOR_A_CONNECTION);
    deadline
        .run(
            TimeoutPhase::Pool,
            inner.config.timeouts.pool,
            inner.slots.wait(),
        )
        .await?
}

/// Writes the request and reads the response head on `conn`.
async fn exchange(
    inner: &Inner,
    mut conn: Conn,
    parts: &RequestParts,
    deadline: &Deadline,
) -> Result<Response, Failure> {
    let config = &inner.config;
    let mut request = Vec::with_capacity(256);
    write_request(
        parts,
        &config.user_agent,
        config.max_idle_per_host > 0,
        &mut request,
    );
    // A write to a socket the server closed may still succeed (the kernel buffers it); the
    // failure then shows as EOF or a reset on the read below.
    let stale_if_reused = |e: Error, reused: bool| {
        if reused && is_stale_connection_error(&e) {
            Failure::Stale(e)
        } else {
            Failure::Fatal(e)
        }
    };
    phases::mark(phases::SENDING);
    if let Err(e) = conn
        .write_all(&request, config.timeouts.write, deadline)
        .await
    {
        return Err(stale_if_reused(e, conn.reused));
    }
    phases::mark(phases::WAITING_FOR_THE_HEAD);
    let head = read_head(&mut conn, config, deadline)
        .await
        .map_err(|e| stale_if_reused(e, conn.reused))?;
    let framing = framing(&head, parts.method == Method::Head).map_err(Failure::Fatal)?;
    let decoder = BodyDecoder::new(framing.body, config.limits).map_err(Failure::Fatal)?;
    let keep_alive = framing.keep_alive && config.max_idle_per_host > 0;
    let body = BodyReader {
        conn: Some(conn),
        decoder,
        keep_alive,
        key: pool_key(&parts.url),
        pool: Rc::clone(&inner.pool),
        slots: Rc::clone(&inner.slots),
        read_timeout: config.timeouts.read,
        deadline: *deadline,
    };
    Ok(Response::new(head, parts.url.clone(), body))
}

/// Reads heads until a final (non-1xx) one. A connection closed before any byte of the
/// response arrived gives an `UnexpectedEof` I/O error, which the caller may retry.
async fn read_head(
    conn: &mut Conn,
    config: &Config,
    deadline: &Deadline,
) -> Result<ResponseHead, Error> {
    let mut reader = HeadReader::default();
    let mut received_any = false;
    loop {
        if let Some((head, used)) = reader.parse(conn.unread(), &config.limits)? {
            conn.consume(used);
            match head.status {
                // We never ask to switch protocols, so a 101 cannot be followed by HTTP/1.1.
                101 => return Err(Error::protocol("unexpected 101 Switching Protocols")),
                100..=199 => {
                    reader = HeadReader::default();
                    continue;
                }
                _ => return Ok(head),
            }
        }
        match conn.read_more(config.timeouts.read, deadline).await {
            Ok(0) if received_any => {
                return Err(Error::protocol(
                    "connection closed in the middle of the response head",
                ));
            }
            Ok(0) => {
                return Err(Error::Io(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "server closed the connection before sending a response",
                )));
            }
            Ok(_) => received_any = true,
            Err(e) if received_any => {
                return Err(match e {
                    // Once part of a response arrived, a reset is no longer "stale".
                    Error::Io(io) => Error::Protocol(format!("connection failed mid-head: {io}")),
                    other => other,
                });
            }
            Err(e) => return Err(e),
        }
    }
}

/// Whether an error on a reused connection, before any response byte, means the server had
/// closed it (so a new connection may succeed).
fn is_stale_connection_error(e: &Error) -> bool {
    matches!(e, Error::Io(io) if matches!(
        io.kind(),
        io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
    ))
}
