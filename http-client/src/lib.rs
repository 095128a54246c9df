//! A tiny but correct HTTP/1.1 client, written to be read.
//!
//! The flag downloader's client: it speaks plain HTTP/1.1 over TCP on this project's runtime,
//! reuses keep-alive connections, follows redirects, and refuses malformed responses with a
//! clear [`Error`] instead of guessing. The pieces, each in its own file:
//!
//! - [`url`](Url): absolute `http://` URLs and resolving redirects;
//! - `head`: the response head, parsed once with httparse after the empty line has arrived;
//! - `framing`: RFC 9112 §6.3, how long the body is and whether the connection can be reused;
//! - `chunked`, `body`: incremental body decoders with limits;
//! - `request`: the request head on the wire;
//! - [`wire`]: framing rules and limits shared with the flag server.

// The client that uses these parts lands in the next commit.
#![allow(dead_code)]

mod body;
mod chunked;
mod error;
mod framing;
mod head;
mod headers;
mod limits;
mod request;
mod url;
pub mod wire;

#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;

#[cfg(test)]
mod proptests;

pub use error::{Error, TimeoutPhase};
pub use head::Version;
pub use headers::Headers;
pub use request::Method;
pub use url::{Host, Url};
