//! Spawning and scheduling: `spawn_many`, `spawn_many_remote`,
//! `basic_scheduler_spawn`, `yield_many`, `chained_spawn`, and the blocking
//! pool's `spawn_blocking_round_trip`; and `timeline_yield_many`, what
//! recording a timeline costs on `yield_many` (see `benches::recording`).
//!
//! ```text
//! cargo bench -p benches --bench tasks
//! ```
//!
//! Every row here also has a `floor` side: the same work with no runtime,
//! polled in a plain loop (see `benches::floor` for each row's floor and
//! what it leaves out). It is not a peer.
//!
//! These measure the executor alone: no I/O, no timers, so tokio runs
//! without drivers and smol without async-io's reactor. The first five
//! keep the shape of tokio's own benchmarks (`rt_current_thread.rs`,
//! `spawn.rs`): the spawning loop runs in the `block_on` future, which is
//! woken a handful of times per iteration, not once per task.
//!
//! `spawn_many_remote` spawns from outside the runtime, as tokio's
//! `spawn_many_remote_idle` does: from the bench thread while the runtime
//! is idle (not in `block_on`), through each runtime's thread-safe handle,
//! so every spawn takes the path of a spawn from another thread (our
//! remote queue, tokio's injection queue, smol's shared `Executor`).
//!
//! futures' `LocalPool` has no join handle: its tasks are spawned with
//! `spawn_local_with_handle`, which wraps each in a oneshot channel (a
//! `RemoteHandle`). That is what a `LocalPool` user awaiting a result pays.

use std::future::Future;
use std::hint::black_box;
use std::path::Path;
use std::pin::Pin;

use async_executor::LocalExecutor;
use benches::floor;
use benches::params::{
    BLOCKING_ROUND_TRIPS, CHAIN, SPAWN_MANY_TASKS, YIELD_TASKS, YIELDS_PER_TASK,
};
use benches::recording::Files;
use benches::rows::{
    BASIC_SCHEDULER_SPAWN, CHAINED_SPAWN, SPAWN_BLOCKING_ROUND_TRIP, SPAWN_MANY, SPAWN_MANY_REMOTE,
    YIELD_MANY,
};
use benches::rt::{Pool, Smol, SmolShared, This, Tokio, pool_spawn};
use benches::side::Side;
use criterion::{Criterion, criterion_group, criterion_main};
use futures::executor::LocalSpawner;
use futures_lite::future::yield_now as smol_yield_now;

/// Spawns `SPAWN_MANY_TASKS` trivial tasks, then awaits each handle in order.
fn spawn_many(c: &mut Criterion) {
    let row = &SPAWN_MANY;
    let mut group = c.benchmark_group(row.name);
    let this = This::new();
    group.bench_function(Side::This.name(), |b| {
        b.iter(|| {
            this.run(row.shape, async {
                let handles: Vec<_> = (0..SPAWN_MANY_TASKS)
                    .map(|i| runtime::spawn(async move { i }))
                    .collect();
                for handle in handles {
                    black_box(handle.await.expect("task finished"));
                }
            })
        })
    });
    let tokio = Tokio::new(row.drivers);
    group.bench_function(Side::Tokio.name(), |b| {
        b.iter(|| {
            tokio.run(row.shape, async {
                let handles: Vec<_> = (0..SPAWN_MANY_TASKS)
                    .map(|i| tokio::spawn(async move { i }))
                    .collect();
                for handle in handles {
                    black_box(handle.await.expect("task finished"));
                }
            })
        })
    });
    let smol = Smol::new(row.drivers);
    let ex = smol.executor();
    group.bench_function(Side::Smol.name(), |b| {
        b.iter(|| {
            smol.run(row.shape, async {
                let tasks: Vec<_> = (0..SPAWN_MANY_TASKS)
                    .map(|i| ex.spawn(async move { i }))
                    .collect();
                for task in tasks {
                    black_box(task.await);
                }
            })
        })
    });
    let mut pool = Pool::new();
    let spawner = pool.spawner();
    group.bench_function(Side::LocalPool.name(), |b| {
        b.iter(|| {
            let spawner = spawner.clone();
            pool.run(row.shape, async move {
                let handles: Vec<_> = (0..SPAWN_MANY_TASKS)
                    .map(|i| pool_spawn(&spawner, async move { i }))
                    .collect();
                for handle in handles {
                    black_box(handle.await);
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

/// Spawns `SPAWN_MANY_TASKS` empty tasks through a handle from outside the
/// runtime, then runs the runtime until each has finished.
fn spawn_many_remote(c: &mut Criterion) {
    let row = &SPAWN_MANY_REMOTE;
    let mut group = c.benchmark_group(row.name);
    let this = This::new();
    let handle = this.handle();
    group.bench_function(Side::This.name(), |b| {
        b.iter(|| {
            let tasks: Vec<_> = (0..SPAWN_MANY_TASKS)
                .map(|_| handle.spawn(async {}).expect("the runtime is alive"))
                .collect();
            this.block_on(async {
                for task in tasks {
                    task.await.expect("task finished");
                }
            })
        })
    });
    let tokio = Tokio::new(row.drivers);
    let handle = tokio.handle();
    group.bench_function(Side::Tokio.name(), |b| {
        b.iter(|| {
            let tasks: Vec<_> = (0..SPAWN_MANY_TASKS)
                .map(|_| handle.spawn(async {}))
                .collect();
            tokio.block_on(async {
                for task in tasks {
                    task.await.expect("task finished");
                }
            })
        })
    });
    let smol = SmolShared::new(row.drivers);
    let ex = smol.executor();
    group.bench_function(Side::Smol.name(), |b| {
        b.iter(|| {
            let tasks: Vec<_> = (0..SPAWN_MANY_TASKS).map(|_| ex.spawn(async {})).collect();
            smol.block_on(async {
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

/// tokio's `spawn.rs` task body: a little work around one yield.
async fn work<Y: Future<Output = ()>>(yield_now: Y) -> usize {
    let val = black_box(1) + 1;
    yield_now.await;
    black_box(val)
}

/// One spawn of [`work`], awaited: the cost of a task from birth to exit.
fn basic_scheduler_spawn(c: &mut Criterion) {
    let row = &BASIC_SCHEDULER_SPAWN;
    let mut group = c.benchmark_group(row.name);
    let this = This::new();
    group.bench_function(Side::This.name(), |b| {
        b.iter(|| {
            this.run(row.shape, async {
                let handle = runtime::spawn(work(runtime::yield_now()));
                assert_eq!(handle.await.expect("task finished"), 2);
            })
        })
    });
    let tokio = Tokio::new(row.drivers);
    group.bench_function(Side::Tokio.name(), |b| {
        b.iter(|| {
            tokio.run(row.shape, async {
                let handle = tokio::spawn(work(tokio::task::yield_now()));
                assert_eq!(handle.await.expect("task finished"), 2);
            })
        })
    });
    let smol = Smol::new(row.drivers);
    let ex = smol.executor();
    group.bench_function(Side::Smol.name(), |b| {
        b.iter(|| {
            smol.run(row.shape, async {
                assert_eq!(ex.spawn(work(smol_yield_now())).await, 2);
            })
        })
    });
    let mut pool = Pool::new();
    let spawner = pool.spawner();
    group.bench_function(Side::LocalPool.name(), |b| {
        b.iter(|| {
            let spawner = spawner.clone();
            pool.run(row.shape, async move {
                assert_eq!(pool_spawn(&spawner, work(smol_yield_now())).await, 2);
            })
        })
    });
    let floor = floor::of(row);
    group.bench_function(Side::Floor.name(), |b| {
        b.iter(|| assert_eq!((floor.run)(), floor.expected))
    });
    group.finish();
}

/// `yield_many` on our runtime (also run by `timeline_yield_many`).
async fn yield_many_this() {
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
}

/// `yield_many` on a runtime built with the timeline off (`None`) or
/// recording to `timeline`, dropped (and so the file written) before this
/// returns.
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
fn yield_many_recorded(timeline: Option<&Path>) {
    let rt = match runtime::Builder::new().timeline(timeline).build() {
        Ok(rt) => rt,
        Err(err) => panic!("cannot build our runtime: {err}"),
    };
    rt.block_on(yield_many_this());
    drop(rt);
}

/// What recording a timeline costs on `yield_many` (see
/// `benches::recording`): not a peer row.
fn timeline_yield_many(c: &mut Criterion) {
    let mut files = Files::new("timeline-yield-many");
    let mut group = c.benchmark_group("timeline_yield_many");
    group.sample_size(10);
    group.bench_function("off", |b| b.iter(|| yield_many_recorded(None)));
    group.bench_function("on", |b| {
        b.iter(|| {
            let file = files.next_path();
            yield_many_recorded(Some(&file));
            files.check_and_remove(&file);
        })
    });
    group.finish();
}

/// `YIELD_TASKS` tasks each yield `YIELDS_PER_TASK` times: a run queue that
/// stays `YIELD_TASKS` long for 200,000 polls.
fn yield_many(c: &mut Criterion) {
    let row = &YIELD_MANY;
    let mut group = c.benchmark_group(row.name);
    let this = This::new();
    group.bench_function(Side::This.name(), |b| {
        b.iter(|| this.run(row.shape, yield_many_this()))
    });
    let tokio = Tokio::new(row.drivers);
    group.bench_function(Side::Tokio.name(), |b| {
        b.iter(|| {
            tokio.run(row.shape, async {
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
    let smol = Smol::new(row.drivers);
    let ex = smol.executor();
    group.bench_function(Side::Smol.name(), |b| {
        b.iter(|| {
            smol.run(row.shape, async {
                let tasks: Vec<_> = (0..YIELD_TASKS)
                    .map(|_| {
                        ex.spawn(async {
                            for _ in 0..YIELDS_PER_TASK {
                                smol_yield_now().await;
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
    let mut pool = Pool::new();
    let spawner = pool.spawner();
    group.bench_function(Side::LocalPool.name(), |b| {
        b.iter(|| {
            let spawner = spawner.clone();
            pool.run(row.shape, async move {
                let handles: Vec<_> = (0..YIELD_TASKS)
                    .map(|_| {
                        pool_spawn(&spawner, async {
                            for _ in 0..YIELDS_PER_TASK {
                                smol_yield_now().await;
                            }
                        })
                    })
                    .collect();
                for handle in handles {
                    handle.await;
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

/// The same chain on smol's executor.
fn chain_smol(
    ex: &'static LocalExecutor<'static>,
    n: usize,
) -> Pin<Box<dyn Future<Output = usize>>> {
    Box::pin(async move {
        if n == 0 {
            0
        } else {
            ex.spawn(chain_smol(ex, n - 1)).await + 1
        }
    })
}

/// The same chain on a `LocalPool`.
fn chain_pool(spawner: LocalSpawner, n: usize) -> Pin<Box<dyn Future<Output = usize>>> {
    Box::pin(async move {
        if n == 0 {
            0
        } else {
            pool_spawn(&spawner, chain_pool(spawner.clone(), n - 1)).await + 1
        }
    })
}

/// A chain of `CHAIN` spawns: measures the wake of a parent by its child's exit.
fn chained_spawn(c: &mut Criterion) {
    let row = &CHAINED_SPAWN;
    let mut group = c.benchmark_group(row.name);
    let this = This::new();
    group.bench_function(Side::This.name(), |b| {
        b.iter(|| assert_eq!(this.run(row.shape, chain_this(CHAIN)), CHAIN))
    });
    let tokio = Tokio::new(row.drivers);
    group.bench_function(Side::Tokio.name(), |b| {
        b.iter(|| assert_eq!(tokio.run(row.shape, chain_tokio(CHAIN)), CHAIN))
    });
    let smol = Smol::new(row.drivers);
    group.bench_function(Side::Smol.name(), |b| {
        b.iter(|| {
            assert_eq!(
                smol.run(row.shape, chain_smol(smol.executor(), CHAIN)),
                CHAIN
            )
        })
    });
    let mut pool = Pool::new();
    let spawner = pool.spawner();
    group.bench_function(Side::LocalPool.name(), |b| {
        b.iter(|| {
            assert_eq!(
                pool.run(row.shape, chain_pool(spawner.clone(), CHAIN)),
                CHAIN
            )
        })
    });
    let floor = floor::of(row);
    group.bench_function(Side::Floor.name(), |b| {
        b.iter(|| assert_eq!((floor.run)(), floor.expected))
    });
    group.finish();
}

/// `BLOCKING_ROUND_TRIPS` jobs sent to the blocking pool and awaited one
/// after another; the pool's thread is warm after the first. Each answer
/// wakes the waiting task from another thread.
fn spawn_blocking_round_trip(c: &mut Criterion) {
    let row = &SPAWN_BLOCKING_ROUND_TRIP;
    let mut group = c.benchmark_group(row.name);
    let this = This::new();
    group.bench_function(Side::This.name(), |b| {
        b.iter(|| {
            this.run(row.shape, async {
                for i in 0..BLOCKING_ROUND_TRIPS {
                    let out = runtime::spawn_blocking(move || black_box(i)).await;
                    assert_eq!(out.expect("job ran"), i);
                }
            })
        })
    });
    let tokio = Tokio::new(row.drivers);
    group.bench_function(Side::Tokio.name(), |b| {
        b.iter(|| {
            tokio.run(row.shape, async {
                for i in 0..BLOCKING_ROUND_TRIPS {
                    let out = tokio::task::spawn_blocking(move || black_box(i)).await;
                    assert_eq!(out.expect("job ran"), i);
                }
            })
        })
    });
    let smol = Smol::new(row.drivers);
    group.bench_function(Side::Smol.name(), |b| {
        b.iter(|| {
            smol.run(row.shape, async {
                for i in 0..BLOCKING_ROUND_TRIPS {
                    assert_eq!(blocking::unblock(move || black_box(i)).await, i);
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

criterion_group!(
    benches,
    spawn_many,
    spawn_many_remote,
    basic_scheduler_spawn,
    yield_many,
    chained_spawn,
    spawn_blocking_round_trip,
    timeline_yield_many
);
criterion_main!(benches);
