//! A tiny but correct HTTP/1.1 client, written to be read.
//!
//! The flag downloader's client: it speaks HTTP/1.1 over TCP, or over TLS for `https://`, on
//! this project's runtime, reuses keep-alive connections, follows redirects, and refuses
//! malformed responses with a clear [`Error`] instead of guessing. The pieces, each in its own
//! file:
//!
//! - [`url`](Url): absolute `http://` and `https://` URLs and resolving redirects;
//! - `head`: the response head, parsed once with httparse after the empty line has arrived;
//! - `framing`: RFC 9112 §6.3, how long the body is and whether the connection can be reused;
//! - `chunked`, `body`: incremental body decoders with limits;
//! - `request`: the request head on the wire;
//! - `config`, [`ClientBuilder`]: the settings, their defaults and why;
//! - [`Client`], [`Response`]: sending, the keep-alive `pool`, connection `slots`, `redirect`s,
//!   timeouts per phase (`deadline`), connections (`conn`), name resolution (`resolve`);
//! - [`tls`]: rustls over the runtime's sockets, the trust roots, why a handshake failed;
//! - `phases`: each request's phases marked on the runtime's timeline, when one is recorded;
//! - [`wire`]: framing rules shared with the flag server (where a head ends, keep-alive), the
//!   client's default limits, reason phrases.
//!
//! # Example
//!
//! `examples/get.rs` starts a tiny server and fetches from it:
//! `cargo run -p http-client --example get`.

mod body;
mod builder;
mod chunked;
mod client;
mod config;
mod conn;
mod deadline;
mod error;
mod framing;
mod head;
mod headers;
mod limits;
mod phases;
mod pool;
mod redirect;
mod request;
mod resolve;
mod response;
mod slots;
pub mod tls;
mod url;
pub mod wire;

#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;

#[cfg(test)]
mod proptests;

pub use builder::ClientBuilder;
pub use client::{Client, RequestBuilder};
pub use config::DEFAULT_USER_AGENT;
pub use error::{Error, TimeoutPhase};
pub use headers::Headers;
pub use request::Method;
pub use response::Response;
pub use tls::TlsFailure;
pub use url::{Host, Scheme, Url};
pub use wire::Version;
