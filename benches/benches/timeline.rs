//! What recording a timeline costs: `yield_many` and `flags_all` with the
//! runtime's timeline off and on, in the same run.
//!
//! ```text
//! cargo bench -p benches --bench timeline
//! cargo run --release -p benches --bin report    # its "Recording a timeline" table
//! ```
//!
//! These are not peer rows: tokio, smol and LocalPool have no such
//! recorder, so the two functions of each group are `off` and `on` (the
//! report's side table skips them, and prints them in a table of their own).
//!
//! One iteration builds the runtime, runs the workload and drops the
//! runtime, on both sides, because with the timeline on the drop is where
//! the file is written, and that write is part of what recording costs.
//! Each `on` iteration writes a file of its own and removes it:
//!
//! | group | one iteration | `on` writes |
//! |---|---|---|
//! | `timeline_yield_many` | a runtime built with `Builder::timeline`, `yield_many`'s 200,000 polls, the drop | JSON to a tmpfs, from a recording that reaches the runtime's bound part way (about 500,000 records) and stops |
//! | `timeline_flags_all` | `flags_all`'s download of 194 flags (`flags -a -m 100`, saving in the task) | JSON to a tmpfs, the whole download |
//!
//! `off` is the runtime as everyone runs it: one predictable branch per
//! recording site. The `yield_many` and `flags_all` rows of the main table
//! measure the same thing with no recorder to speak of, so `off` here should
//! match them within noise (`yield_many` here also builds and drops a runtime
//! per iteration).

use std::path::{Path, PathBuf};

use benches::params::{FLAGS_MAX_REQ, FLAGS_TIMEOUT, YIELD_TASKS, YIELDS_PER_TASK};
use criterion::{Criterion, criterion_group, criterion_main};
use flags_app::config::{DownloadConfig, Mode, Saving};
use flags_app::countries::COUNTRIES;
use flags_app::download::download;
use flags_app::serve::chaos::Chaos;
use flags_app::serve::server::EmbeddedServer;

/// Fixed seed for the flag server's (unused, no-chaos) random stream.
const SERVER_SEED: u64 = 1;

/// The group names, which the report reads back.
const YIELD_GROUP: &str = "timeline_yield_many";
/// See [`YIELD_GROUP`].
const FLAGS_GROUP: &str = "timeline_flags_all";

/// A scratch directory under a tmpfs if there is one, so that the write is
/// the recorder's cost and not the disk's.
fn scratch(name: &str) -> PathBuf {
    let shm = Path::new("/dev/shm");
    let root = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let dir = root.join(format!("benches-timeline-{name}-{}", std::process::id()));
    if let Err(err) = std::fs::create_dir_all(&dir) {
        panic!("cannot create {}: {err}", dir.display());
    }
    dir
}

/// A new file name per iteration, as a program run once would have: the
/// runtime keeps the recordings already written to a path (so that several
/// runtimes share a file, up to a bound), and one path reused by every
/// iteration would measure that instead.
struct Files {
    /// Where they go.
    dir: PathBuf,
    /// The name before the number.
    stem: &'static str,
    /// The last number used.
    count: u64,
}

impl Files {
    /// Names under `dir`, `<stem>-1.json`, `<stem>-2.json`, ...
    fn new(dir: &Path, stem: &'static str) -> Files {
        Files {
            dir: dir.to_path_buf(),
            stem,
            count: 0,
        }
    }

    /// The next name.
    fn next(&mut self) -> PathBuf {
        self.count += 1;
        self.dir.join(format!("{}-{}.json", self.stem, self.count))
    }

    /// Panics unless the run wrote `file`, then removes it (the tmpfs is
    /// memory).
    fn check_and_remove(&self, file: &Path) {
        if let Err(err) = std::fs::remove_file(file) {
            panic!("the recording run wrote no {}: {err}", file.display());
        }
    }
}

/// `yield_many` on a runtime that records to `timeline`, or not at all;
/// the runtime is dropped (and so the file written) before this returns.
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
fn yield_many_recorded(timeline: Option<&Path>) {
    let rt = match runtime::Builder::new().timeline(timeline).build() {
        Ok(rt) => rt,
        Err(err) => panic!("cannot build our runtime: {err}"),
    };
    rt.block_on(async {
        let handles: Vec<_> = (0..YIELD_TASKS)
            .map(|_| {
                runtime::spawn(async {
                    for _ in 0..YIELDS_PER_TASK {
                        runtime::yield_now().await;
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.await.expect("task finished");
        }
    });
    drop(rt);
}

fn timeline_yield_many(c: &mut Criterion) {
    let dir = scratch("yield");
    let mut files = Files::new(&dir, "yield_many");
    let mut group = c.benchmark_group(YIELD_GROUP);
    group.sample_size(10);
    group.bench_function("off", |b| b.iter(|| yield_many_recorded(None)));
    group.bench_function("on", |b| {
        b.iter(|| {
            let file = files.next();
            yield_many_recorded(Some(&file));
            files.check_and_remove(&file);
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Our download; panics unless all 194 arrived, so a broken setup cannot
/// pass for a fast one.
#[inline(never)]
fn download_recorded(config: &DownloadConfig, base: &str) {
    match download(config, base) {
        Ok(summary) if summary.tally.ok == COUNTRIES.len() => {}
        Ok(summary) => panic!("our download was incomplete: {:?}", summary.tally),
        Err(err) => panic!("our download failed: {err}"),
    }
}

fn timeline_flags_all(c: &mut Criterion) {
    let codes: Vec<String> = COUNTRIES.iter().map(|(cc, _)| (*cc).to_owned()).collect();
    let server = match EmbeddedServer::start(Chaos::none(), Some(SERVER_SEED), None, &codes) {
        Ok(server) => server,
        Err(err) => panic!("cannot start the flag server: {err}"),
    };
    let base = server.base_url();
    let dir = scratch("flags");
    let mut files = Files::new(&dir, "flags_all");

    // The same settings as the `flags_all` row (benches/benches/flags.rs).
    let mut off = DownloadConfig::new(codes.clone(), dir.join("flags"));
    off.mode = Mode::Async;
    off.concurrency = Mode::Async.actual_req(FLAGS_MAX_REQ, codes.len());
    off.timeout = FLAGS_TIMEOUT;
    off.total_timeout = Some(FLAGS_TIMEOUT);
    off.max_connections = Some(FLAGS_MAX_REQ);
    off.show_progress = false;
    off.saving = Saving::OnLoop;
    off.timeline = None;
    let mut on = off.clone();
    download_recorded(&off, &base); // the server draws every image now

    let mut group = c.benchmark_group(FLAGS_GROUP);
    group.sample_size(10);
    group.bench_function("off", |b| b.iter(|| download_recorded(&off, &base)));
    group.bench_function("on", |b| {
        b.iter(|| {
            let file = files.next();
            on.timeline = Some(file.clone());
            download_recorded(&on, &base);
            files.check_and_remove(&file);
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, timeline_yield_many, timeline_flags_all);
criterion_main!(benches);
