//! The flag downloader against the embedded server, in each mode.
//!
//! Run: `cargo bench -p flags-app --bench flags`
//!
//! - `local_all_194/{sequential,threads,async,async_save_on_loop}`: `flags -a -m 100`
//!   against a LOCAL server (no delay, no errors) serving the book's 194 flags
//!   (2.35 MB): the client, the server and the loopback stack. The server is started
//!   once, before measuring, so only the downloads are timed. `async` saves on the blocking pool
//!   and awaits the save (the default); `async_save_on_loop` saves in the task, so
//!   the difference is the cost of handing 194 saves to another thread and back.
//! - `delay_0.5s_all_194/async`: the same with every response delayed exactly
//!   0.5 s and `-m 194`: every request waits at once, so the total should be
//!   close to the 0.5 s floor; the excess is the overhead of 194 concurrent
//!   connections (the client's httpx-like limit of 100 connections is lifted for
//!   this). `async` saves on the blocking pool and awaits the save (the default,
//!   `asyncio.to_thread`); `async_executor` does not await it (`--executor`).
//!
//! The library's [`download`] is called directly (no process start, no report).

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use flags_app::config::{DownloadConfig, Mode, Saving};
use flags_app::countries::COUNTRIES;
use flags_app::download::download;
use flags_app::serve::chaos::{Chaos, DelayRange};
use flags_app::serve::server::EmbeddedServer;

/// flags2's `-m 100`.
const MAX_REQ: usize = 100;

/// The fixed delay of the DELAY benchmark, seconds.
const FIXED_DELAY_SECS: f64 = 0.5;

fn all_codes() -> Vec<String> {
    COUNTRIES
        .iter()
        .map(|country| country.code.to_owned())
        .collect()
}

/// Where the benchmarks save: a tmpfs (`/dev/shm`) when there is one, so that the
/// figures measure downloading rather than the disk. On ext4, the 194 fsyncs of
/// the atomic saves alone take about 75 ms, most of a LOCAL run.
fn dest(name: &str) -> PathBuf {
    let shm = PathBuf::from("/dev/shm");
    let root = if shm.is_dir() {
        shm
    } else {
        std::env::temp_dir()
    };
    root.join(format!("flags-bench-{name}-{}", std::process::id()))
}

fn config(mode: Mode, max_req: usize, dest: PathBuf) -> DownloadConfig {
    let codes = all_codes();
    let mut config = DownloadConfig::new(codes, dest);
    config.mode = mode;
    config.concurrency = mode.actual_req(max_req, config.codes.len());
    config.show_progress = false;
    config
}

/// Downloads once and checks that all 194 arrived, so a broken setup cannot pass
/// as a fast one.
fn download_all(config: &DownloadConfig, base: &str) {
    match download(config, base) {
        Ok(summary) if summary.tally.ok == COUNTRIES.len() => {}
        Ok(summary) => panic!("benchmark run incomplete: {:?}", summary.tally),
        Err(err) => panic!("benchmark run failed: {err}"),
    }
}

fn local(c: &mut Criterion) {
    let server = match EmbeddedServer::start(Chaos::none(), Some(1), None) {
        Ok(server) => server,
        Err(err) => panic!("cannot start the flag server: {err}"),
    };
    let base = server.base_url();
    let mut group = c.benchmark_group("local_all_194");
    for (name, mode, saving) in [
        ("sequential", Mode::Sequential, Saving::Thread),
        ("threads", Mode::Threads, Saving::Thread),
        ("async", Mode::Async, Saving::Thread),
        ("async_save_on_loop", Mode::Async, Saving::OnLoop),
    ] {
        let dir = dest(name);
        let mut config = config(mode, MAX_REQ, dir.clone());
        config.saving = saving;
        download_all(&config, &base); // creates the directory and warms the caches
        group.bench_function(name, |b| b.iter(|| download_all(&config, &base)));
        let _ = std::fs::remove_dir_all(&dir);
    }
    group.finish();
}

fn delay(c: &mut Criterion) {
    let codes = all_codes();
    let chaos = Chaos {
        delay: DelayRange {
            min: FIXED_DELAY_SECS,
            max: FIXED_DELAY_SECS,
        },
        ..Chaos::none()
    };
    let server = match EmbeddedServer::start(chaos, Some(1), None) {
        Ok(server) => server,
        Err(err) => panic!("cannot start the flag server: {err}"),
    };
    let base = server.base_url();
    let dir = dest("delay");
    let mut config = config(Mode::Async, codes.len(), dir.clone());
    config.max_connections = None;
    download_all(&config, &base);
    let mut group = c.benchmark_group("delay_0.5s_all_194");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("async", |b| b.iter(|| download_all(&config, &base)));
    let mut executor = config.clone();
    executor.saving = Saving::Executor;
    group.bench_function("async_executor", |b| {
        b.iter(|| download_all(&executor, &base))
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, local, delay);
criterion_main!(benches);
