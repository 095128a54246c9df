//! `flags_all`: the 194-flag download (Fluent Python's flags2_asyncio,
//! `flags -a -m 100`) against the embedded flag server, done by the project's
//! downloader and by the same download written with tokio + hyper.
//!
//! ```text
//! cargo bench -p benches --bench flags
//! ```
//!
//! One [`EmbeddedServer`] (flags-app's server, on our runtime, on its own
//! thread) serves both sides; its 194 GIFs are drawn before measuring.
//! One iteration is one whole download, runtime start-up included, as the
//! `flags` command does it:
//!
//! - `this`: [`flags_app::download::download`] in async mode: one runtime,
//!   a semaphore of `MAX_REQ` permits, `as_completed` over 194 tasks, each
//!   saving its GIF with `save_atomically` in the task when its request is done
//!   (`--save-on-loop`, as the tokio side below saves).
//! - `tokio`: [`download_tokio`] below: a `current_thread` runtime, hyper's
//!   pooled client, a semaphore of `MAX_REQ` permits, a `JoinSet` of 194
//!   tasks (tokio's idiom for as_completed), the same `save_atomically`.
//!
//! Files go to a tmpfs (`/dev/shm`) when there is one, so that the 194
//! fsyncs of the atomic saves do not drown the network part (flags-app's
//! own bench does the same).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use benches::rt;
use criterion::{Criterion, criterion_group, criterion_main};
use flags_app::config::{DownloadConfig, Mode, Saving};
use flags_app::countries::COUNTRIES;
use flags_app::download::download;
use flags_app::download::fetch::flag_url;
use flags_app::download::naming::SaveTo;
use flags_app::save::{ensure_dir, save_atomically};
use flags_app::serve::chaos::Chaos;
use flags_app::serve::server::EmbeddedServer;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// flags2's `-m 100`: requests in flight at most (the `flags` default for `-a`).
const MAX_REQ: usize = 100;

/// The first bytes of every GIF; both sides reject a body without them.
const GIF_SIGNATURE: &[u8] = b"GIF8";

/// Fixed seed for the server's (unused, no-chaos) random stream.
const SERVER_SEED: u64 = 1;

/// Every known country code, as the `-a` option selects them.
fn all_codes() -> Vec<String> {
    COUNTRIES.iter().map(|(cc, _)| (*cc).to_owned()).collect()
}

/// A fresh download directory under a tmpfs if there is one.
fn dest(side: &str) -> PathBuf {
    let shm = Path::new("/dev/shm");
    let root = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    root.join(format!("benches-flags-{side}-{}", std::process::id()))
}

/// Our download; panics unless all 194 arrived, so a broken setup cannot
/// pass for a fast one.
fn download_this(config: &DownloadConfig, base: &str) {
    match download(config, base) {
        Ok(summary) if summary.tally.ok == COUNTRIES.len() => {}
        Ok(summary) => panic!("our download was incomplete: {:?}", summary.tally),
        Err(err) => panic!("our download failed: {err}"),
    }
}

/// The same download with tokio + hyper. Returns how many flags were saved.
fn download_tokio(codes: &[String], base: &str, save_to: &SaveTo) -> usize {
    let tokio = rt::tokio();
    tokio.block_on(async {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client: HyperClient<HttpConnector, Empty<Bytes>> =
            HyperClient::builder(TokioExecutor::new())
                .pool_max_idle_per_host(MAX_REQ)
                .build(connector);
        let semaphore = Arc::new(tokio::sync::Semaphore::new(MAX_REQ));
        let mut to_do = tokio::task::JoinSet::new();
        for cc in codes {
            let client = client.clone();
            let semaphore = Arc::clone(&semaphore);
            let uri: hyper::Uri = flag_url(base, cc).parse().expect("a valid flag URL");
            let save_to = save_to.clone();
            let cc = cc.clone();
            to_do.spawn(async move {
                let image = {
                    let _permit = semaphore.acquire().await.expect("semaphore open");
                    let response = client.get(uri).await.ok()?;
                    if response.status() != 200 {
                        return None;
                    }
                    response.into_body().collect().await.ok()?.to_bytes()
                };
                if !image.starts_with(GIF_SIGNATURE) {
                    return None;
                }
                save_atomically(&save_to.dest, &format!("{cc}.gif"), &image).ok()
            });
        }
        let mut saved = 0;
        while let Some(done) = to_do.join_next().await {
            if matches!(done, Ok(Some(_))) {
                saved += 1;
            }
        }
        saved
    })
}

fn flags_all(c: &mut Criterion) {
    let codes = all_codes();
    let server = match EmbeddedServer::start(Chaos::none(), Some(SERVER_SEED), None, &codes) {
        Ok(server) => server,
        Err(err) => panic!("cannot start the flag server: {err}"),
    };
    let base = server.base_url();
    let mut group = c.benchmark_group("flags_all");

    let this_dir = dest("this");
    let mut config = DownloadConfig::new(codes.clone(), this_dir.clone());
    config.mode = Mode::Async;
    config.concurrency = Mode::Async.actual_req(MAX_REQ, codes.len());
    config.show_progress = false;
    config.saving = Saving::OnLoop;
    download_this(&config, &base); // the server draws every image now
    group.bench_function("this", |b| b.iter(|| download_this(&config, &base)));
    let _ = std::fs::remove_dir_all(&this_dir);

    let tokio_dir = dest("tokio");
    ensure_dir(&tokio_dir).expect("create the download directory");
    let save_to = SaveTo {
        dest: tokio_dir.clone(),
        names: false,
    };
    group.bench_function("tokio", |b| {
        b.iter(|| assert_eq!(download_tokio(&codes, &base, &save_to), COUNTRIES.len()))
    });
    let _ = std::fs::remove_dir_all(&tokio_dir);
    group.finish();
}

criterion_group!(benches, flags_all);
criterion_main!(benches);
