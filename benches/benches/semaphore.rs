//! Semaphores: `semaphore_uncontended`, `semaphore_contended` and
//! `sem_acquire_forget_1000`.
//!
//! ```text
//! cargo bench -p benches --bench semaphore
//! ```
//!
//! Every row here also has a `floor` side: the same work with no runtime,
//! polled in a plain loop (see `benches::floor` for each row's floor and
//! what it leaves out). It is not a peer.
//!
//! Each side uses its own runtime's semaphore: ours (`!Send`, a `RefCell`
//! and a wait list), tokio's (`Sync`: an atomic permit count, a mutex
//! around the wait list), smol's `async-lock` (`Sync`: an atomic count and
//! an `event-listener`). No drivers. Each workload runs in a spawned task.
//!
//! `sem_acquire_forget_1000` is the pattern of a semaphore used as a
//! budget: a permit is taken for good with `forget` (tokio's
//! `SemaphorePermit::forget`), so every acquire takes the fast path on a
//! count that only goes down, and no release ever wakes anyone.

use std::hint::black_box;
use std::rc::Rc;
use std::sync::Arc;

use benches::floor;
use benches::params::{FORGET_PERMITS, SEMAPHORE_ACQUIRES, SEMAPHORE_PERMITS, SEMAPHORE_TASKS};
use benches::rows::{SEM_ACQUIRE_FORGET, SEMAPHORE_CONTENDED, SEMAPHORE_UNCONTENDED};
use benches::rt::{Smol, This, Tokio};
use benches::side::Side;
use criterion::{Criterion, criterion_group, criterion_main};
use futures_lite::future::yield_now as smol_yield_now;

/// One task acquires and releases a one-permit semaphore
/// `SEMAPHORE_ACQUIRES` times: the fast path, never waiting.
fn semaphore_uncontended(c: &mut Criterion) {
    let row = &SEMAPHORE_UNCONTENDED;
    let mut group = c.benchmark_group(row.name);
    let this = This::new();
    group.bench_function(Side::This.name(), |b| {
        b.iter(|| {
            this.run(row.shape, async {
                let sem = runtime::sync::Semaphore::new(1);
                for _ in 0..SEMAPHORE_ACQUIRES {
                    let permit = sem.acquire().await.expect("open");
                    drop(black_box(permit));
                }
            })
        })
    });
    let tokio = Tokio::new(row.drivers);
    group.bench_function(Side::Tokio.name(), |b| {
        b.iter(|| {
            tokio.run(row.shape, async {
                let sem = tokio::sync::Semaphore::new(1);
                for _ in 0..SEMAPHORE_ACQUIRES {
                    let permit = sem.acquire().await.expect("open");
                    drop(black_box(permit));
                }
            })
        })
    });
    let smol = Smol::new(row.drivers);
    group.bench_function(Side::Smol.name(), |b| {
        b.iter(|| {
            smol.run(row.shape, async {
                let sem = async_lock::Semaphore::new(1);
                for _ in 0..SEMAPHORE_ACQUIRES {
                    let permit = sem.acquire().await;
                    drop(black_box(permit));
                }
            })
        })
    });
    let floor = floor::of(row);
    group.bench_function(Side::Floor.name(), |b| {
        b.iter(|| assert_eq!((floor.run)(), floor.expected))
    });
    group.finish();
}

/// `SEMAPHORE_TASKS` tasks share `SEMAPHORE_PERMITS` permits; each acquires
/// `SEMAPHORE_ACQUIRES` times and holds the permit across a `yield_now`, so
/// the others find none free and queue: the slow path, with wake-ups.
fn semaphore_contended(c: &mut Criterion) {
    let row = &SEMAPHORE_CONTENDED;
    let mut group = c.benchmark_group(row.name);
    let this = This::new();
    group.bench_function(Side::This.name(), |b| {
        b.iter(|| {
            this.run(row.shape, async {
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
    let tokio = Tokio::new(row.drivers);
    group.bench_function(Side::Tokio.name(), |b| {
        b.iter(|| {
            tokio.run(row.shape, async {
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
    let smol = Smol::new(row.drivers);
    let ex = smol.executor();
    group.bench_function(Side::Smol.name(), |b| {
        b.iter(|| {
            smol.run(row.shape, async {
                let sem = Rc::new(async_lock::Semaphore::new(SEMAPHORE_PERMITS));
                let tasks: Vec<_> = (0..SEMAPHORE_TASKS)
                    .map(|_| {
                        let sem = Rc::clone(&sem);
                        ex.spawn(async move {
                            for _ in 0..SEMAPHORE_ACQUIRES {
                                let permit = sem.acquire().await;
                                smol_yield_now().await;
                                drop(permit);
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await;
                }
            })
        })
    });
    let floor = floor::of(row);
    group.bench_function(Side::Floor.name(), |b| {
        b.iter(|| assert_eq!((floor.run)(), floor.expected))
    });
    group.finish();
}

/// A fresh semaphore of `FORGET_PERMITS` permits, acquired as many times,
/// each permit forgotten: the budget is spent exactly.
fn sem_acquire_forget(c: &mut Criterion) {
    let row = &SEM_ACQUIRE_FORGET;
    let mut group = c.benchmark_group(row.name);
    let this = This::new();
    group.bench_function(Side::This.name(), |b| {
        b.iter(|| {
            this.run(row.shape, async {
                let sem = runtime::sync::Semaphore::new(FORGET_PERMITS);
                for _ in 0..FORGET_PERMITS {
                    sem.acquire().await.expect("open").forget();
                }
                assert_eq!(sem.available_permits(), 0);
            })
        })
    });
    let tokio = Tokio::new(row.drivers);
    group.bench_function(Side::Tokio.name(), |b| {
        b.iter(|| {
            tokio.run(row.shape, async {
                let sem = tokio::sync::Semaphore::new(FORGET_PERMITS);
                for _ in 0..FORGET_PERMITS {
                    sem.acquire().await.expect("open").forget();
                }
                assert_eq!(sem.available_permits(), 0);
            })
        })
    });
    let smol = Smol::new(row.drivers);
    group.bench_function(Side::Smol.name(), |b| {
        b.iter(|| {
            smol.run(row.shape, async {
                let sem = async_lock::Semaphore::new(FORGET_PERMITS);
                for _ in 0..FORGET_PERMITS {
                    sem.acquire().await.forget();
                }
                assert_eq!(sem.available_permits(), 0);
            })
        })
    });
    let floor = floor::of(row);
    group.bench_function(Side::Floor.name(), |b| {
        b.iter(|| assert_eq!((floor.run)(), floor.expected))
    });
    group.finish();
}

criterion_group!(
    benches,
    semaphore_uncontended,
    semaphore_contended,
    sem_acquire_forget
);
criterion_main!(benches);
