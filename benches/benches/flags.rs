//! `flags_all`: the 194-flag download (Fluent Python's flags2_asyncio,
//! `flags -a -m 100`) against the embedded flag server, done by the project's
//! downloader and by the same download written with tokio + hyper; and
//! `timeline_flags_all`, our download with the timeline off and on (see
//! `benches::recording`).
//!
//! ```text
//! cargo bench -p benches --bench flags
//! ```
//!
//! One [`EmbeddedServer`] (flags-app's server, on our runtime, on its own
//! thread) serves both sides the book's 194 flags (2.35 MB), built into it.
//! One iteration is one whole download, runtime start-up included, as the
//! `flags` command does it. Both sides do the same work:
//!
//! | | this | tokio |
//! |---|---|---|
//! | runtime | built per download (`runtime::run`) | built per download, I/O and time |
//! | download tasks | 194, one per flag, collected by `as_completed` | 194, one per flag, collected by a `JoinSet` |
//! | in flight | a semaphore of `FLAGS_MAX_REQ` permits, held for the request | the same |
//! | per-request timeout | `FLAGS_TIMEOUT` for the whole request (`total_timeout`); the client also bounds each phase by it | `tokio::time::timeout(FLAGS_TIMEOUT)` around the request |
//! | connections | keep-alive, at most `FLAGS_MAX_REQ`, Nagle off | the same (hyper-util's pool; its client runs each connection in a task of its own) |
//! | saving | `save_atomically` in the download task (`Saving::OnLoop`) | the same |
//!
//! In `flags_all`, tokio's collecting loop runs in a spawned task; in
//! `flags_all_block_on` it is the `block_on` future, as `#[tokio::main]`
//! code would have it (it is woken once per finished download). Ours runs
//! in `runtime::run`'s `block_on` in both rows: the app is measured as it
//! is, and our `block_on` future is polled like a task.
//!
//! Files go to a tmpfs (`/dev/shm`) when there is one, so that the 194
//! fsyncs of the atomic saves do not drown the network part (flags-app's
//! own bench does the same).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use benches::params::{FLAGS_MAX_REQ, FLAGS_TIMEOUT};
use benches::recording::Files;
use benches::rows::{FLAGS_ALL, FLAGS_ALL_BLOCK_ON, Row};
use benches::rt::Tokio;
use benches::side::Side;
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

/// The first bytes of every GIF; both sides reject a body without them.
const GIF_SIGNATURE: &[u8] = b"GIF8";

/// Fixed seed for the server's (unused, no-chaos) random stream.
const SERVER_SEED: u64 = 1;

/// Every known country code, as the `-a` option selects them.
fn all_codes() -> Vec<String> {
    COUNTRIES
        .iter()
        .map(|country| country.code.to_owned())
        .collect()
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
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
fn download_this(config: &DownloadConfig, base: &str) {
    match download(config, base) {
        Ok(summary) if summary.tally.ok == COUNTRIES.len() => {}
        Ok(summary) => panic!("our download was incomplete: {:?}", summary.tally),
        Err(err) => panic!("our download failed: {err}"),
    }
}

/// One flag with hyper, within the per-request timeout; then saved.
/// `true` if it was saved.
async fn download_one_tokio(
    client: HyperClient<HttpConnector, Empty<Bytes>>,
    semaphore: Arc<tokio::sync::Semaphore>,
    uri: hyper::Uri,
    save_to: Arc<SaveTo>,
    cc: String,
) -> bool {
    let fetched = {
        let Ok(_permit) = semaphore.acquire().await else {
            return false;
        };
        tokio::time::timeout(FLAGS_TIMEOUT, async {
            let response = client.get(uri).await.ok()?;
            if response.status() != 200 {
                return None;
            }
            Some(response.into_body().collect().await.ok()?.to_bytes())
        })
        .await
    };
    match fetched {
        Ok(Some(image)) if image.starts_with(GIF_SIGNATURE) => {
            save_atomically(&save_to.dest, &format!("{cc}.gif"), &image).is_ok()
        }
        _ => false,
    }
}

/// The same download with tokio + hyper, in `row`'s shape. Returns how many
/// flags were saved.
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
fn download_tokio(row: &Row, codes: &[String], base: &str, save_to: &Arc<SaveTo>) -> usize {
    let tokio = Tokio::new(row.drivers);
    let jobs: Vec<(hyper::Uri, String)> = codes
        .iter()
        .map(|cc| {
            (
                flag_url(base, cc).parse().expect("a valid flag URL"),
                cc.clone(),
            )
        })
        .collect();
    let save_to = Arc::clone(save_to);
    tokio.run(row.shape, async move {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client: HyperClient<HttpConnector, Empty<Bytes>> =
            HyperClient::builder(TokioExecutor::new())
                .pool_max_idle_per_host(FLAGS_MAX_REQ)
                .build(connector);
        let semaphore = Arc::new(tokio::sync::Semaphore::new(FLAGS_MAX_REQ));
        let mut to_do = tokio::task::JoinSet::new();
        for (uri, cc) in jobs {
            to_do.spawn(download_one_tokio(
                client.clone(),
                Arc::clone(&semaphore),
                uri,
                Arc::clone(&save_to),
                cc,
            ));
        }
        let mut saved = 0;
        while let Some(done) = to_do.join_next().await {
            saved += usize::from(matches!(done, Ok(true)));
        }
        saved
    })
}

fn flags_all(c: &mut Criterion) {
    let codes = all_codes();
    let server = match EmbeddedServer::start(Chaos::none(), Some(SERVER_SEED), None) {
        Ok(server) => server,
        Err(err) => panic!("cannot start the flag server: {err}"),
    };
    let base = server.base_url();

    let this_dir = dest("this");
    let mut config = DownloadConfig::new(codes.clone(), this_dir.clone());
    config.mode = Mode::Async;
    config.concurrency = Mode::Async.actual_req(FLAGS_MAX_REQ, codes.len());
    config.timeout = FLAGS_TIMEOUT;
    config.total_timeout = Some(FLAGS_TIMEOUT);
    config.max_connections = Some(FLAGS_MAX_REQ);
    config.show_progress = false;
    config.saving = Saving::OnLoop;
    download_this(&config, &base); // creates the directory and warms the caches

    let tokio_dir = dest("tokio");
    ensure_dir(&tokio_dir).expect("create the download directory");
    let save_to = Arc::new(SaveTo {
        dest: tokio_dir.clone(),
        names: false,
    });

    for row in [&FLAGS_ALL, &FLAGS_ALL_BLOCK_ON] {
        let mut group = c.benchmark_group(row.name);
        group.bench_function(Side::This.name(), |b| {
            b.iter(|| download_this(&config, &base))
        });
        group.bench_function(Side::Tokio.name(), |b| {
            b.iter(|| {
                assert_eq!(
                    download_tokio(row, &codes, &base, &save_to),
                    COUNTRIES.len()
                )
            })
        });
        group.finish();
    }

    // What recording a timeline costs (see `benches::recording`): not a
    // peer row.
    let mut files = Files::new("timeline-flags-all");
    let mut recorded = config.clone();
    let mut group = c.benchmark_group("timeline_flags_all");
    group.sample_size(10);
    group.bench_function("off", |b| b.iter(|| download_this(&config, &base)));
    group.bench_function("on", |b| {
        b.iter(|| {
            let file = files.next_path();
            recorded.timeline = Some(file.clone());
            download_this(&recorded, &base);
            files.check_and_remove(&file);
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&this_dir);
    let _ = std::fs::remove_dir_all(&tokio_dir);
}

criterion_group!(benches, flags_all);
criterion_main!(benches);
