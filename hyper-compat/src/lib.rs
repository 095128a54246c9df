//! hyper 1.x on this project's runtime: the three seams hyper asks a
//! runtime for, as hyper-util's `rt::tokio` module provides them for tokio.
//!
//! hyper is written for no runtime in particular. It reads and writes
//! through its own I/O traits, starts background work through an executor
//! trait and measures timeouts through a timer trait; a runtime that
//! implements those three can run hyper's clients and servers unchanged.
//!
//! | hyper asks for      | here         | what it does                                        |
//! |---------------------|--------------|-----------------------------------------------------|
//! | `rt::Read + Write`  | [`Io`]       | wraps a `futures_io` stream (our `TcpStream`)       |
//! | `rt::Executor<F>`   | [`Executor`] | `runtime::spawn`, no `Send` bound                   |
//! | `rt::Timer`         | [`Timer`]    | `runtime::time::SendSleep` on the loop's wheel      |
//!
//! ## Example: a server
//!
//! One task accepts; each connection is a task that hyper drives. The same
//! program runs on tokio with hyper-util's `TokioIo` and `TokioTimer` in
//! place of [`Io`] and [`Timer`] (and `tokio::spawn`).
//!
//! ```no_run
//! use std::convert::Infallible;
//! use http_body_util::Full;
//! use hyper::body::{Bytes, Incoming};
//! use hyper::{Request, Response};
//! use runtime::net::TcpListener;
//!
//! async fn hello(_: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
//!     Ok(Response::new(Full::new(Bytes::from("hello\n"))))
//! }
//!
//! let result: std::io::Result<()> = runtime::run(async {
//!     let listener = TcpListener::bind("127.0.0.1:3000".parse().unwrap())?;
//!     loop {
//!         let (stream, _) = listener.accept().await?;
//!         runtime::spawn(async move {
//!             let served = hyper::server::conn::http1::Builder::new()
//!                 .timer(runtime_hyper::Timer)
//!                 .serve_connection(
//!                     runtime_hyper::Io::with_vectored_writes(stream),
//!                     hyper::service::service_fn(hello),
//!                 )
//!                 .await;
//!             if let Err(err) = served {
//!                 eprintln!("connection: {err}");
//!             }
//!         });
//!     }
//! });
//! if let Err(err) = result {
//!     eprintln!("cannot serve: {err}");
//! }
//! ```
//!
//! `examples/hello_server.rs` is this program with its run command, and the
//! crate's README says how it is tested.

#![forbid(unsafe_code)]

mod executor;
mod io;
mod timer;

pub use executor::Executor;
pub use io::Io;
pub use timer::Timer;
