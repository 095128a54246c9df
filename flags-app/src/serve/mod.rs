//! The flag server: what `flags serve` runs, and what `-s LOCAL|DELAY|ERROR` starts
//! inside the downloader.
//!
//! One request's path through the server:
//!
//! 1. The accept loop (one task) takes a connection and spawns a task for it, so a
//!    slow client holds up only its own task.
//! 2. The connection task reads until [`head::parse_request`] finds a complete head
//!    (bounded by [`head::MAX_REQUEST_HEAD_BYTES`], each read bounded by a timeout).
//! 3. [`route::route`] turns method and target into a [`route::Route`]; hostile
//!    targets stop here with 400.
//! 4. The task draws this request's [`chaos::Plan`] from the server's one
//!    [`chaos::Planner`] (shared by all connections through an `Rc`; the server is
//!    single-threaded), sleeps the delay on the runtime's timer, then either
//!    injects the fault (`reset.rs` for resets) or answers.
//! 5. The bytes come from a [`source::Source`]: generated GIFs or `--dir`.
//! 6. [`response::response_head`] frames the answer; with keep-alive the task loops
//!    to step 2 for the next request on the same connection.
//!
//! Steps 1 and 2 to 6 live in `server.rs` and `connection.rs`; `server.rs` also
//! starts the server standalone ([`server::run_standalone`]) or embedded on a
//! second thread ([`server::EmbeddedServer`]).

pub mod chaos;
mod connection;
pub mod head;
mod reset;
pub mod response;
pub mod route;
pub mod server;
pub mod source;
