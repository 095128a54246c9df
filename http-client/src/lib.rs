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
//! - [`Client`], [`ClientBuilder`], [`Response`]: sending, the keep-alive `pool`, `redirect`s,
//!   timeouts (`conn`), name resolution (`resolve`);
//! - [`wire`]: framing rules and limits shared with the flag server.

mod body;
mod builder;
mod chunked;
mod client;
mod conn;
mod error;
mod framing;
mod head;
mod headers;
mod limits;
mod pool;
mod redirect;
mod request;
mod resolve;
mod response;
mod url;
pub mod wire;

#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;

#[cfg(test)]
mod proptests;

pub use builder::{ClientBuilder, DEFAULT_USER_AGENT};
pub use client::{Client, RequestBuilder};
pub use error::{Error, TimeoutPhase};
pub use wire::Version;
pub use headers::Headers;
pub use request::Method;
pub use response::Response;
pub use url::{Host, Url};
