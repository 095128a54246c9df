//! Task coordination: `ping_pong` (oneshot), `request_reply` (mpsc),
//! `semaphore_uncontended`, `semaphore_contended`, and the blocking pool's
//! `spawn_blocking_round_trip`.
//!
//! ```text
//! cargo bench -p benches --bench sync
//! ```
//!
//! Our primitives are `!Send` (a `RefCell`, no atomics); tokio's are `Sync`
//! and use atomics and a lock on their wait lists. Both sides run on one
//! thread here, so the difference measured is what thread-safety costs when
//! it is not needed, plus each side's scheduling of the woken task.

use std::hint::black_box;
use std::rc::Rc;
use std::sync::Arc;

use benches::params::{
    BLOCKING_ROUND_TRIPS, CHANNEL_CAPACITY, PING_PONGS, REQUESTS, SEMAPHORE_ACQUIRES,
    SEMAPHORE_PERMITS, SEMAPHORE_TASKS,
};
use benches::rt;
use criterion::{Criterion, criterion_group, criterion_main};

/// What travels on a ping: where to answer, and where the next ping comes.
struct PingThis {
    /// The pong goes back on this.
    pong: runtime::sync::oneshot::Sender<()>,
    /// The next ping arrives on this.
    next: runtime::sync::oneshot::Receiver<PingThis>,
}

/// The tokio twin of [`PingThis`].
struct PingTokio {
    /// The pong goes back on this.
    pong: tokio::sync::oneshot::Sender<()>,
    /// The next ping arrives on this.
    next: tokio::sync::oneshot::Receiver<PingTokio>,
}

/// `PING_PONGS` round trips between two tasks, two fresh oneshot channels
/// per round trip: each ping carries the pong's sender and the receiver of
/// the next ping, so only oneshot channels are involved.
fn ping_pong(c: &mut Criterion) {
    use runtime::sync::oneshot as ours;
    use tokio::sync::oneshot as theirs;
    let mut group = c.benchmark_group("ping_pong");
    let this = rt::this();
    group.bench_function("this", |b| {
        b.iter(|| {
            this.block_on(async {
                let (mut ping_tx, ping_rx) = ours::channel::<PingThis>();
                let responder = runtime::spawn(async move {
                    let mut ping_rx = ping_rx;
                    while let Ok(PingThis { pong, next }) = ping_rx.await {
                        let _ = pong.send(());
                        ping_rx = next;
                    }
                });
                for _ in 0..PING_PONGS {
                    let (pong_tx, pong_rx) = ours::channel();
                    let (next_tx, next_rx) = ours::channel();
                    let _ = ping_tx.send(PingThis {
                        pong: pong_tx,
                        next: next_rx,
                    });
                    pong_rx.await.expect("pong");
                    ping_tx = next_tx;
                }
                drop(ping_tx);
                responder.await.expect("responder finished");
            })
        })
    });
    let tokio = rt::tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            tokio.block_on(async {
                let (mut ping_tx, ping_rx) = theirs::channel::<PingTokio>();
                let responder = tokio::spawn(async move {
                    let mut ping_rx = ping_rx;
                    while let Ok(PingTokio { pong, next }) = ping_rx.await {
                        let _ = pong.send(());
                        ping_rx = next;
                    }
                });
                for _ in 0..PING_PONGS {
                    let (pong_tx, pong_rx) = theirs::channel();
                    let (next_tx, next_rx) = theirs::channel();
                    let _ = ping_tx.send(PingTokio {
                        pong: pong_tx,
                        next: next_rx,
                    });
                    pong_rx.await.expect("pong");
                    ping_tx = next_tx;
                }
                drop(ping_tx);
                responder.await.expect("responder finished");
            })
        })
    });
    group.finish();
}

/// `REQUESTS` requests to a server task over one bounded mpsc channel, each
/// answered over a second one before the next is sent.
fn request_reply(c: &mut Criterion) {
    let mut group = c.benchmark_group("request_reply");
    let this = rt::this();
    group.bench_function("this", |b| {
        b.iter(|| {
            this.block_on(async {
                let (req_tx, mut req_rx) = runtime::sync::mpsc::channel::<usize>(CHANNEL_CAPACITY);
                let (rep_tx, mut rep_rx) = runtime::sync::mpsc::channel::<usize>(CHANNEL_CAPACITY);
                let server = runtime::spawn(async move {
                    while let Some(n) = req_rx.recv().await {
                        if rep_tx.send(n + 1).await.is_err() {
                            return;
                        }
                    }
                });
                for n in 0..REQUESTS {
                    req_tx.send(n).await.expect("server alive");
                    assert_eq!(rep_rx.recv().await, Some(n + 1));
                }
                drop(req_tx);
                server.await.expect("server finished");
            })
        })
    });
    let tokio = rt::tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            tokio.block_on(async {
                let (req_tx, mut req_rx) = tokio::sync::mpsc::channel::<usize>(CHANNEL_CAPACITY);
                let (rep_tx, mut rep_rx) = tokio::sync::mpsc::channel::<usize>(CHANNEL_CAPACITY);
                let server = tokio::spawn(async move {
                    while let Some(n) = req_rx.recv().await {
                        if rep_tx.send(n + 1).await.is_err() {
                            return;
                        }
                    }
                });
                for n in 0..REQUESTS {
                    req_tx.send(n).await.expect("server alive");
                    assert_eq!(rep_rx.recv().await, Some(n + 1));
                }
                drop(req_tx);
                server.await.expect("server finished");
            })
        })
    });
    group.finish();
}

/// One task acquires and releases a one-permit semaphore `SEMAPHORE_ACQUIRES`
/// times: the fast path, never waiting.
fn semaphore_uncontended(c: &mut Criterion) {
    let mut group = c.benchmark_group("semaphore_uncontended");
    let this = rt::this();
    group.bench_function("this", |b| {
        b.iter(|| {
            this.block_on(async {
                let sem = runtime::sync::Semaphore::new(1);
                for _ in 0..SEMAPHORE_ACQUIRES {
                    let permit = sem.acquire().await.expect("open");
                    drop(black_box(permit));
                }
            })
        })
    });
    let tokio = rt::tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            tokio.block_on(async {
                let sem = tokio::sync::Semaphore::new(1);
                for _ in 0..SEMAPHORE_ACQUIRES {
                    let permit = sem.acquire().await.expect("open");
                    drop(black_box(permit));
                }
            })
        })
    });
    group.finish();
}

/// `SEMAPHORE_TASKS` tasks share `SEMAPHORE_PERMITS` permits; each acquires
/// `SEMAPHORE_ACQUIRES` times and holds the permit across a `yield_now`, so
/// the others find none free and queue: the slow path, with wake-ups.
fn semaphore_contended(c: &mut Criterion) {
    let mut group = c.benchmark_group("semaphore_contended");
    let this = rt::this();
    group.bench_function("this", |b| {
        b.iter(|| {
            this.block_on(async {
                let sem = Rc::new(runtime::sync::Semaphore::new(SEMAPHORE_PERMITS));
                let tasks: Vec<_> = (0..SEMAPHORE_TASKS)
                    .map(|_| {
                        let sem = Rc::clone(&sem);
                        runtime::spawn(async move {
                            for _ in 0..SEMAPHORE_ACQUIRES {
                                let permit = sem.acquire().await.expect("open");
                                runtime::yield_now().await;
                                drop(permit);
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.expect("task finished");
                }
            })
        })
    });
    let tokio = rt::tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            tokio.block_on(async {
                let sem = Arc::new(tokio::sync::Semaphore::new(SEMAPHORE_PERMITS));
                let tasks: Vec<_> = (0..SEMAPHORE_TASKS)
                    .map(|_| {
                        let sem = Arc::clone(&sem);
                        tokio::spawn(async move {
                            for _ in 0..SEMAPHORE_ACQUIRES {
                                let permit = sem.acquire().await.expect("open");
                                tokio::task::yield_now().await;
                                drop(permit);
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.expect("task finished");
                }
            })
        })
    });
    group.finish();
}

/// `BLOCKING_ROUND_TRIPS` jobs sent to the blocking pool and awaited one
/// after another; the pool's thread is warm after the first.
fn spawn_blocking_round_trip(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn_blocking_round_trip");
    let this = rt::this();
    group.bench_function("this", |b| {
        b.iter(|| {
            this.block_on(async {
                for i in 0..BLOCKING_ROUND_TRIPS {
                    let out = runtime::spawn_blocking(move || black_box(i)).await;
                    assert_eq!(out.expect("job ran"), i);
                }
            })
        })
    });
    let tokio = rt::tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            tokio.block_on(async {
                for i in 0..BLOCKING_ROUND_TRIPS {
                    let out = tokio::task::spawn_blocking(move || black_box(i)).await;
                    assert_eq!(out.expect("job ran"), i);
                }
            })
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    ping_pong,
    request_reply,
    semaphore_uncontended,
    semaphore_contended,
    spawn_blocking_round_trip
);
criterion_main!(benches);
