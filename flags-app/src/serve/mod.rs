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
//! 4. The accept loop's [`chaos::Planner`] has drawn this request's [`chaos::Plan`]:
//!    the task sleeps the delay, then either injects the fault or answers.
//! 5. The bytes come from a [`source::Source`]: generated GIFs or `--dir`.
//! 6. [`response::response_head`] frames the answer; with keep-alive the task loops
//!    to step 2 for the next request on the same connection.

pub mod chaos;
mod connection;
pub mod head;
mod reset;
pub mod response;
pub mod route;
pub mod server;
pub mod source;
