//! The phases of a request, marked on the runtime's timeline.
//!
//! When the runtime records a timeline (`Builder::timeline`,
//! `RUNTIME_TIMELINE`), each task's row can carry *phases*: what the program
//! says the task is doing, in its own words. The client marks the phases of
//! every request on the task that sends it, so that a picture of a flag
//! download shows where each request spent its time:
//!
//! ```text
//! send():    [waiting for a connection] [connecting] [sending] [waiting for the response head]
//! bytes():                                                                            [reading the body]
//! ```
//!
//! - **waiting for a connection**: every connection slot is taken
//!   (`max_connections`), and the request waits for one to be freed;
//! - **connecting**: resolving the host and opening a new connection (a
//!   pooled connection skips this, which is how keep-alive shows);
//! - **sending**: writing the request;
//! - **waiting for the response head**: from the request written to the
//!   head parsed, which is where a slow server shows;
//! - **reading the body**: [`Response::bytes`](crate::Response::bytes) (and
//!   `text`), or [`Response::chunk`](crate::Response::chunk) from its first
//!   call to the end of the body.
//!
//! `send` and `bytes` end their phase when they return, so the time after a
//! request (the caller's own work) is not counted as the request's. A phase
//! replaces whatever phase the task had marked before: a program marks its
//! own again after a request ("saving", in the flag downloader).
//!
//! ## Why the client calls the runtime directly
//!
//! The client already runs on this runtime and only on it, and
//! `runtime::timeline::phase` costs one thread-local load and one branch
//! when no timeline is recorded: six of them per request, next to a
//! `connect` and several `read`/`write` system calls. An observer (a trait
//! object in the builder, called at each phase) would let a program choose
//! other words or another sink, at the price of an API nobody here needs.
//! hyper and reqwest emit `tracing` spans and events for this instead; a
//! subscriber turns them into whatever the program wants, at the cost of a
//! dependency and a callsite check per event.

/// Every connection slot is taken; the request waits for one.
pub(crate) const WAITING_FOR_A_CONNECTION: &str = "waiting for a connection";

/// Resolving the host and opening a new connection.
pub(crate) const CONNECTING: &str = "connecting";

/// Writing the request.
pub(crate) const SENDING: &str = "sending";

/// From the request written to the response head parsed.
pub(crate) const WAITING_FOR_THE_HEAD: &str = "waiting for the response head";

/// Reading the body.
pub(crate) const READING_THE_BODY: &str = "reading the body";

/// Marks `phase` on the task being polled (nothing when no timeline is
/// recorded).
#[inline]
pub(crate) fn mark(phase: &'static str) {
    runtime::timeline::phase(phase);
}

/// Ends the task's current phase (nothing when no timeline is recorded).
#[inline]
pub(crate) fn end() {
    runtime::timeline::end_phase();
}
