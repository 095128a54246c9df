//! One benchmark suite for the whole project: this runtime, its HTTP client
//! and the flag downloader, each measured against tokio (with hyper for
//! HTTP), smol's `LocalExecutor` and futures' `LocalPool` where they have
//! the capability, in the same run, on the same machine, with the same
//! parameters.
//!
//! ## Layout
//!
//! - `benches/*.rs`: the criterion files, one per area (`tasks`,
//!   `channels`, ...). Each workload is one criterion group with one
//!   function per side that runs it (`this`, `tokio`, `smol`,
//!   `local_pool`, and `floor` where there is one), so criterion stores them as
//!   `<criterion>/<workload>/<side>/<run>/estimates.json`.
//! - [`rows`]: every workload named once, with what one iteration does, the
//!   drivers the peers get, the shape it runs in, and why a peer is absent.
//! - [`params`]: every workload's sizes, named once and shared by all sides
//!   (and by the memory binary).
//! - [`rt`]: how each side's runtime is built for a row's drivers, and how a
//!   workload runs in a spawned task or in `block_on`.
//! - [`side`]: the sides.
//! - [`floor`]: the `floor` side of the task, sync and timer rows: the same
//!   work with no runtime, and what it leaves out.
//! - [`http_server`]: a neutral HTTP/1.1 keep-alive server on plain std
//!   threads, so that no client is served by its own runtime; over rustls
//!   for `https_*`.
//! - [`load_generator`]: keep-alive clients on plain std threads, so that
//!   no hyper server is loaded by its own runtime.
//! - [`memory`]: the cases of `cargo run --release -p benches --bin memory`.
//! - [`recording`]: what recording a timeline costs (the `timeline_*`
//!   groups, off and on; not a peer comparison).
//! - [`estimates`], [`summary`], [`chart`], [`units`]: what
//!   `cargo run -p benches --bin report` uses to read criterion's results
//!   over several runs, print the table and draw the chart.
//!
//! The fairness rules the suite follows are at the top of the README beside
//! this crate, with the latest figures and what each peer does differently.

pub mod chart;
pub mod estimates;
pub mod floor;
pub mod http_server;
pub mod load_generator;
pub mod memory;
pub mod params;
pub mod recording;
pub mod rows;
pub mod rt;
pub mod side;
pub mod summary;
pub mod units;
