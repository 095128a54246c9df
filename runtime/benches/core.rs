//! The runtime core against tokio's current_thread runtime, in one run.
//!
//! ```text
//! cargo bench -p runtime --bench core
//! ```
//!
//! Each group has two functions, `this` and `tokio`, doing the same work
//! with the same parameters. A runtime is built once per function and each
//! iteration is one `block_on`.

use criterion::{Criterion, criterion_group, criterion_main};

/// Tasks spawned and awaited by `spawn_many`.
const SPAWN_MANY: usize = 1_000;
/// Tasks in `yield_many`.
const YIELD_TASKS: usize = 200;
/// `yield_now` calls per task in `yield_many`.
const YIELDS_PER_TASK: usize = 1_000;
/// Length of the spawn chain in `chained_spawn`.
const CHAIN: usize = 1_000;

fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime")
}

fn spawn_many(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn_many");
    let rt = runtime::Runtime::new().unwrap();
    group.bench_function("this", |b| {
        b.iter(|| {
            rt.block_on(async {
                let handles: Vec<_> = (0..SPAWN_MANY)
                    .map(|i| runtime::spawn(async move { i }))
                    .collect();
                for h in handles {
                    std::hint::black_box(h.await.unwrap());
                }
            })
        })
    });
    let rt = tokio_rt();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(async {
                let handles: Vec<_> = (0..SPAWN_MANY)
                    .map(|i| tokio::spawn(async move { i }))
                    .collect();
                for h in handles {
                    std::hint::black_box(h.await.unwrap());
                }
            })
        })
    });
    group.finish();
}

fn yield_many(c: &mut Criterion) {
    let mut group = c.benchmark_group("yield_many");
    let rt = runtime::Runtime::new().unwrap();
    group.bench_function("this", |b| {
        b.iter(|| {
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
                for h in handles {
                    h.await.unwrap();
                }
            })
        })
    });
    let rt = tokio_rt();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(async {
                let handles: Vec<_> = (0..YIELD_TASKS)
                    .map(|_| {
                        tokio::spawn(async {
                            for _ in 0..YIELDS_PER_TASK {
                                tokio::task::yield_now().await;
                            }
                        })
                    })
                    .collect();
                for h in handles {
                    h.await.unwrap();
                }
            })
        })
    });
    group.finish();
}

/// Each task spawns the next and awaits it: a chain `CHAIN` tasks long.
fn chain_this(n: usize) -> std::pin::Pin<Box<dyn std::future::Future<Output = usize>>> {
    Box::pin(async move {
        if n == 0 {
            0
        } else {
            runtime::spawn(chain_this(n - 1)).await.unwrap() + 1
        }
    })
}

/// The same chain on tokio (its tasks must be `Send`).
fn chain_tokio(n: usize) -> std::pin::Pin<Box<dyn std::future::Future<Output = usize> + Send>> {
    Box::pin(async move {
        if n == 0 {
            0
        } else {
            tokio::spawn(chain_tokio(n - 1)).await.unwrap() + 1
        }
    })
}

fn chained_spawn(c: &mut Criterion) {
    let mut group = c.benchmark_group("chained_spawn");
    let rt = runtime::Runtime::new().unwrap();
    group.bench_function("this", |b| {
        b.iter(|| assert_eq!(rt.block_on(chain_this(CHAIN)), CHAIN))
    });
    let rt = tokio_rt();
    group.bench_function("tokio", |b| {
        b.iter(|| assert_eq!(rt.block_on(chain_tokio(CHAIN)), CHAIN))
    });
    group.finish();
}

criterion_group!(benches, spawn_many, yield_many, chained_spawn);
criterion_main!(benches);
