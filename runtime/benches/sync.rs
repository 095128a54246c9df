//! `runtime::sync` and `spawn_blocking` against tokio's current_thread
//! runtime, in one run.
//!
//! ```text
//! cargo bench -p runtime --bench sync -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! Each group has two functions, `this` and `tokio`, doing the same work.
//! A runtime is built once per function; one iteration is one `block_on`.
//! Our primitives are `!Send` (`RefCell`, no atomics); tokio's are `Sync`,
//! so part of any difference is what thread-safety costs on one thread.

use std::hint::black_box;
use std::rc::Rc;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};

/// Acquire/release pairs per iteration of `semaphore_uncontended`.
const UNCONTENDED_ACQUIRES: usize = 1_000;
/// Tasks sharing one permit in `semaphore_contended` (the issue's number).
const CONTENDING_TASKS: usize = 6;
/// Acquires per task in `semaphore_contended`.
const ACQUIRES_PER_TASK: usize = 100;
/// Round trips per iteration of `oneshot_ping_pong` and `mpsc_request_reply`.
const ROUND_TRIPS: usize = 1_000;
/// Capacity of the request and reply channels in `mpsc_request_reply`.
const CHANNEL_CAPACITY: usize = 16;

fn this_rt() -> runtime::Runtime {
    runtime::Runtime::new().expect("runtime")
}

fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime")
}

/// One task acquires and releases a free permit, over and over.
fn semaphore_uncontended(c: &mut Criterion) {
    let mut group = c.benchmark_group("semaphore_uncontended");
    let rt = this_rt();
    group.bench_function("this", |b| {
        let sem = runtime::sync::Semaphore::new(1);
        b.iter(|| {
            rt.block_on(async {
                for _ in 0..UNCONTENDED_ACQUIRES {
                    drop(black_box(sem.acquire().await.unwrap()));
                }
            })
        })
    });
    let rt = tokio_rt();
    group.bench_function("tokio", |b| {
        let sem = tokio::sync::Semaphore::new(1);
        b.iter(|| {
            rt.block_on(async {
                for _ in 0..UNCONTENDED_ACQUIRES {
                    drop(black_box(sem.acquire().await.unwrap()));
                }
            })
        })
    });
    group.finish();
}

/// Six tasks take turns with one permit, holding it across a yield, so
/// every acquire but the first of each turn waits in the queue.
fn semaphore_contended(c: &mut Criterion) {
    let mut group = c.benchmark_group("semaphore_contended");
    let rt = this_rt();
    group.bench_function("this", |b| {
        b.iter(|| {
            rt.block_on(async {
                let sem = Rc::new(runtime::sync::Semaphore::new(1));
                let tasks: Vec<_> = (0..CONTENDING_TASKS)
                    .map(|_| {
                        let sem = sem.clone();
                        runtime::spawn(async move {
                            for _ in 0..ACQUIRES_PER_TASK {
                                let _permit = sem.acquire().await.unwrap();
                                runtime::yield_now().await;
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.unwrap();
                }
            })
        })
    });
    let rt = tokio_rt();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(async {
                let sem = Arc::new(tokio::sync::Semaphore::new(1));
                let tasks: Vec<_> = (0..CONTENDING_TASKS)
                    .map(|_| {
                        let sem = sem.clone();
                        tokio::spawn(async move {
                            for _ in 0..ACQUIRES_PER_TASK {
                                let _permit = sem.acquire().await.unwrap();
                                tokio::task::yield_now().await;
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.unwrap();
                }
            })
        })
    });
    group.finish();
}

/// A ping carries the sender of its pong and the receiver of the next ping,
/// so the two tasks talk over nothing but oneshot channels.
struct Ping<Tx, Rx> {
    /// Where the pong goes.
    pong: Tx,
    /// Where the next ping comes from.
    next: Rx,
}

/// Our ping.
type ThisPing = Ping<runtime::sync::oneshot::Sender<()>, ThisNext>;
/// The receiver of our next ping.
struct ThisNext(runtime::sync::oneshot::Receiver<ThisPing>);
/// tokio's ping.
type TokioPing = Ping<tokio::sync::oneshot::Sender<()>, TokioNext>;
/// The receiver of tokio's next ping.
struct TokioNext(tokio::sync::oneshot::Receiver<TokioPing>);

/// 1,000 ping-pongs between two tasks, two fresh oneshots per round trip.
fn oneshot_ping_pong(c: &mut Criterion) {
    use runtime::sync::oneshot as ours;
    use tokio::sync::oneshot as theirs;
    let mut group = c.benchmark_group("oneshot_ping_pong");
    let rt = this_rt();
    group.bench_function("this", |b| {
        b.iter(|| {
            rt.block_on(async {
                let (mut ping_tx, ping_rx) = ours::channel::<ThisPing>();
                let ponger = runtime::spawn(async move {
                    let mut ping_rx = ping_rx;
                    while let Ok(ping) = ping_rx.await {
                        let _ = ping.pong.send(());
                        ping_rx = ping.next.0;
                    }
                });
                for _ in 0..ROUND_TRIPS {
                    let (pong_tx, pong_rx) = ours::channel();
                    let (next_tx, next_rx) = ours::channel();
                    let ping = Ping {
                        pong: pong_tx,
                        next: ThisNext(next_rx),
                    };
                    let _ = ping_tx.send(ping);
                    pong_rx.await.unwrap();
                    ping_tx = next_tx;
                }
                drop(ping_tx);
                ponger.await.unwrap();
            })
        })
    });
    let rt = tokio_rt();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(async {
                let (mut ping_tx, ping_rx) = theirs::channel::<TokioPing>();
                let ponger = tokio::spawn(async move {
                    let mut ping_rx = ping_rx;
                    while let Ok(ping) = ping_rx.await {
                        let _ = ping.pong.send(());
                        ping_rx = ping.next.0;
                    }
                });
                for _ in 0..ROUND_TRIPS {
                    let (pong_tx, pong_rx) = theirs::channel();
                    let (next_tx, next_rx) = theirs::channel();
                    let ping = Ping {
                        pong: pong_tx,
                        next: TokioNext(next_rx),
                    };
                    let _ = ping_tx.send(ping);
                    pong_rx.await.unwrap();
                    ping_tx = next_tx;
                }
                drop(ping_tx);
                ponger.await.unwrap();
            })
        })
    });
    group.finish();
}

/// 1,000 requests to a server task over one bounded mpsc channel, each
/// answered over a second one.
fn mpsc_request_reply(c: &mut Criterion) {
    use runtime::sync::mpsc as ours;
    use tokio::sync::mpsc as theirs;
    let mut group = c.benchmark_group("mpsc_request_reply");
    let rt = this_rt();
    group.bench_function("this", |b| {
        b.iter(|| {
            rt.block_on(async {
                let (req_tx, mut req_rx) = ours::channel::<usize>(CHANNEL_CAPACITY);
                let (rep_tx, mut rep_rx) = ours::channel::<usize>(CHANNEL_CAPACITY);
                let server = runtime::spawn(async move {
                    while let Some(n) = req_rx.recv().await {
                        rep_tx.send(n + 1).await.unwrap();
                    }
                });
                for n in 0..ROUND_TRIPS {
                    req_tx.send(n).await.unwrap();
                    assert_eq!(rep_rx.recv().await, Some(n + 1));
                }
                drop(req_tx);
                server.await.unwrap();
            })
        })
    });
    let rt = tokio_rt();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(async {
                let (req_tx, mut req_rx) = theirs::channel::<usize>(CHANNEL_CAPACITY);
                let (rep_tx, mut rep_rx) = theirs::channel::<usize>(CHANNEL_CAPACITY);
                let server = tokio::spawn(async move {
                    while let Some(n) = req_rx.recv().await {
                        rep_tx.send(n + 1).await.unwrap();
                    }
                });
                for n in 0..ROUND_TRIPS {
                    req_tx.send(n).await.unwrap();
                    assert_eq!(rep_rx.recv().await, Some(n + 1));
                }
                drop(req_tx);
                server.await.unwrap();
            })
        })
    });
    group.finish();
}

/// One job to the blocking pool and back; the pool's thread is warm after
/// the first iteration.
fn spawn_blocking_round_trip(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn_blocking_round_trip");
    let rt = this_rt();
    group.bench_function("this", |b| {
        b.iter(|| {
            rt.block_on(async { runtime::spawn_blocking(|| black_box(1)).await })
                .unwrap()
        })
    });
    let rt = tokio_rt();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(async { tokio::task::spawn_blocking(|| black_box(1)).await })
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    semaphore_uncontended,
    semaphore_contended,
    oneshot_ping_pong,
    mpsc_request_reply,
    spawn_blocking_round_trip
);
criterion_main!(benches);
