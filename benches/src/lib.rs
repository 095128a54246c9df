//! One benchmark suite for the whole project: this runtime, its HTTP client
//! and the flag downloader, each measured against tokio (and hyper) in the
//! same run, on the same machine, with the same parameters.
//!
//! ## Layout
//!
//! - `benches/*.rs`: the criterion files, one per area (`tasks`, `tcp`, ...).
//!   Each workload is one criterion group with two functions, `this` and
//!   `tokio`, so criterion stores them as
//!   `target/criterion/<workload>/{this,tokio}/new/estimates.json`.
//! - [`params`]: every workload's sizes, named once and shared by both sides
//!   (and by the memory binary).
//! - [`rt`]: how each side's runtime is built, so both get the same kind of
//!   loop (one thread, I/O and timers enabled).
//! - [`http_server`]: a neutral HTTP/1.1 keep-alive server on plain std
//!   threads, so that neither client is served by its own runtime.
//! - [`load_generator`]: keep-alive clients on plain std threads, so that
//!   neither hyper server is loaded by its own runtime.
//! - [`memory`]: the cases of `cargo run --release -p benches --bin memory`.
//! - [`estimates`], [`chart`]: what `cargo run -p benches --bin report` uses
//!   to read criterion's results, print the table and draw the chart.
//!
//! ## Fairness rules
//!
//! - Both sides run on a single-threaded loop: ours is single-threaded by
//!   design, so tokio gets its `current_thread` runtime, not the work-stealing
//!   one.
//! - A runtime is built once per bench function; one criterion iteration is
//!   one `block_on` that does the whole workload (1,000 spawns, 1,000 round
//!   trips, ...), so the per-iteration figure is the cost of the batch.
//!   The exception is `flags_all`, which measures the downloader as the
//!   `flags` command runs it: each iteration builds its runtime (ours inside
//!   `flags_app::download::download`, tokio's in the bench), on both sides.
//! - Network peers that are not under test (the HTTP server) run on std
//!   threads outside both runtimes.
//!
//! The README beside this crate holds the latest figures and what we found
//! tokio does differently where the two are close.

pub mod chart;
pub mod estimates;
pub mod http_server;
pub mod load_generator;
pub mod memory;
pub mod params;
pub mod rt;
