//! Spawning and scheduling: `spawn_many`, `yield_many`, `chained_spawn`.
//!
//! ```text
//! cargo bench -p benches --bench tasks
//! ```
//!
//! These measure the executor alone: no I/O, no timers. One iteration is one
//! `block_on` of the whole batch on a runtime built once per function.

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;

use benches::params::{CHAIN, SPAWN_MANY, YIELD_TASKS, YIELDS_PER_TASK};
use benches::rt;
use criterion::{Criterion, criterion_group, criterion_main};

/// Spawns `SPAWN_MANY` trivial tasks, then awaits each handle in order.
fn spawn_many(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn_many");
    let this = rt::this();
    group.bench_function("this", |b| {
        b.iter(|| {
            this.block_on(async {
                let handles: Vec<_> = (0..SPAWN_MANY)
                    .map(|i| runtime::spawn(async move { i }))
                    .collect();
                for handle in handles {
                    black_box(handle.await.expect("task finished"));
                }
            })
        })
    });
    let tokio = rt::tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            tokio.block_on(async {
                let handles: Vec<_> = (0..SPAWN_MANY)
                    .map(|i| tokio::spawn(async move { i }))
                    .collect();
                for handle in handles {
                    black_box(handle.await.expect("task finished"));
                }
            })
        })
    });
    group.finish();
}

/// `YIELD_TASKS` tasks each yield `YIELDS_PER_TASK` times: a run queue that
/// stays `YIELD_TASKS` long for 200,000 polls.
fn yield_many(c: &mut Criterion) {
    let mut group = c.benchmark_group("yield_many");
    let this = rt::this();
    group.bench_function("this", |b| {
        b.iter(|| {
            this.block_on(async {
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
            })
        })
    });
    let tokio = rt::tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            tokio.block_on(async {
                let handles: Vec<_> = (0..YIELD_TASKS)
                    .map(|_| {
                        tokio::spawn(async {
                            for _ in 0..YIELDS_PER_TASK {
                                tokio::task::yield_now().await;
                            }
                        })
                    })
                    .collect();
                for handle in handles {
                    handle.await.expect("task finished");
                }
            })
        })
    });
    group.finish();
}

/// A task that spawns a task that spawns ... `n` deep, each awaiting its child.
fn chain_this(n: usize) -> Pin<Box<dyn Future<Output = usize>>> {
    Box::pin(async move {
        if n == 0 {
            0
        } else {
            runtime::spawn(chain_this(n - 1))
                .await
                .expect("child finished")
                + 1
        }
    })
}

/// The same chain on tokio, whose `spawn` needs `Send` futures.
fn chain_tokio(n: usize) -> Pin<Box<dyn Future<Output = usize> + Send>> {
    Box::pin(async move {
        if n == 0 {
            0
        } else {
            tokio::spawn(chain_tokio(n - 1))
                .await
                .expect("child finished")
                + 1
        }
    })
}

/// A chain of `CHAIN` spawns: measures the wake of a parent by its child's exit.
fn chained_spawn(c: &mut Criterion) {
    let mut group = c.benchmark_group("chained_spawn");
    let this = rt::this();
    group.bench_function("this", |b| {
        b.iter(|| assert_eq!(this.block_on(chain_this(CHAIN)), CHAIN))
    });
    let tokio = rt::tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| assert_eq!(tokio.block_on(chain_tokio(CHAIN)), CHAIN))
    });
    group.finish();
}

criterion_group!(benches, spawn_many, yield_many, chained_spawn);
criterion_main!(benches);
