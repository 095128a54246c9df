//! The flag server: what `flags serve` runs, and what `-s LOCAL|DELAY|ERROR` starts
//! inside the downloader.
//!
//! One request's path through the server:
//!
//! 1. The accept loop (one task) takes a connection and spawns a task for it, so a
//!    slow client holds up only its own task; it holds at most as many as the
//!    process's descriptor limit allows ([`descriptors`]). With `--tls-cert`, the
//!    task runs the TLS handshake first ([`tls`]).
//! 2. The connection task reads until [`head::parse_request`] finds a complete head
//!    (bounded by [`head::MAX_REQUEST_HEAD_BYTES`] and by [`timeouts`]).
//! 3. [`route::route`] turns method and target into a [`route::Route`]; hostile
//!    targets stop here with 400.
//! 4. The task draws this request's [`chaos::Plan`] from the server's one
//!    [`chaos::Planner`] (shared by all connections through an `Rc`; the server is
//!    single-threaded), sleeps the delay on the runtime's timer, then either
//!    injects the fault (`reset.rs` for resets) or answers.
//! 5. The bytes come from a [`source::Source`]: the book's flags built into the
//!    binary, or `--dir` files (`dir.rs`), small ones from the loop's warm-file
//!    cache (`file_cache.rs`), the rest looked at on the blocking pool; `/` and
//!    `/flags/` get an HTML index of them (`index.rs`). A file's answer carries
//!    `Last-Modified` and `ETag`, and a request that sends them back gets 304
//!    ([`validators`]).
//! 6. [`response::response_head`] frames the answer, and `send.rs` writes it (each
//!    write bounded by the send timeout; large files streamed in chunks read off
//!    the loop); with keep-alive the task loops to step 2 for the next request on
//!    the same connection.
//!
//! Steps 1 and 2 to 6 live in `server.rs` and `connection.rs`; `workers.rs` starts
//! the server standalone ([`workers::run_standalone`], one server or the book's
//! three, announced by `banner.rs`, on one event loop or one per `--workers`), and
//! `server.rs` embedded on a second thread
//! ([`server::EmbeddedServer`], stopped through [`stop`]).

mod banner;
mod body;
pub mod chaos;
mod connection;
pub mod descriptors;
mod dir;
pub mod file_cache;
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;
pub mod head;
mod index;
#[cfg(test)]
mod proptests;
mod read_buffer;
mod reset;
pub mod response;
pub mod route;
mod send;
pub mod server;
pub mod source;
pub mod stop;
pub mod timeouts;
pub mod tls;
pub mod validators;
pub mod workers;
