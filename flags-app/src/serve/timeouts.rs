//! How long the server waits for a client, and why each value is what it is.
//!
//! A connection task waits for its client at three points, and each wait is
//! bounded, so that a slow, silent or hostile client costs one task and one socket
//! for a bounded time and never more:
//!
//! | wait | bound | default | like |
//! |---|---|---|---|
//! | the first request's head, from accept to the empty line | `head` | 10 s | nginx's `client_header_timeout` (60 s) |
//! | the next request on a keep-alive connection, to its first byte | `idle` | 5 s | Apache's `KeepAliveTimeout` (5 s), Node's `keepAliveTimeout` (5 s) |
//! | the rest of that request's head | `head` | 10 s | |
//! | the client taking response bytes, per write | `send` | 10 s | nginx's `send_timeout` (60 s) |
//!
//! - **head, 10 s.** A flag client sends its whole head in one packet, at once; ten
//!   seconds allows for a slow link and still ends a client that sends half a head
//!   and stops (slowloris) soon.
//! - **idle, 5 s.** Long enough for a client's next request in a burst (the
//!   downloader reuses a connection within milliseconds), short enough that idle
//!   clients do not hold descriptors: an idle connection is cheap in memory but not
//!   in descriptors, which are what the connection limit counts. Our client probes
//!   a pooled connection idle for over a second before reusing it, so a connection
//!   closed by this timeout costs it nothing.
//! - **send, 10 s, between writes that make progress.** A client that pipelines
//!   requests and never reads its responses fills the socket buffers, and then
//!   every write waits. Without a bound its task and socket would wait forever, and
//!   enough such clients starve everyone else. The bound is on progress, as
//!   nginx's `send_timeout`, not on the whole response: a client on a slow link
//!   that keeps taking bytes can fetch a large `--dir` file, however long that
//!   takes. Ten seconds without the client taking a single byte means it is gone
//!   or not reading.
//!
//! `flags serve --idle-timeout SECS --send-timeout SECS` change the last two (the
//! slow-reader test shortens the send timeout to keep the test quick).
//!
//! What hyper does differently: `header_read_timeout` (30 s by default) for the
//! head, and no idle or send timeout of its own; a hyper server leaves those to a
//! tower `TimeoutLayer` or the application.

use std::time::Duration;

/// Time allowed for a whole request head (see the module doc).
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// Time a keep-alive connection may wait for its next request (see the module doc).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(5);

/// Time a response may wait for the client to take more bytes (see the module doc).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// The three bounds of one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// A whole request head: [`HEAD_TIMEOUT`].
    pub head: Duration,
    /// Between requests on a keep-alive connection: [`IDLE_TIMEOUT`] by default.
    pub idle: Duration,
    /// Each write of a response: [`SEND_TIMEOUT`] by default.
    pub send: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            head: HEAD_TIMEOUT,
            idle: IDLE_TIMEOUT,
            send: SEND_TIMEOUT,
        }
    }
}
