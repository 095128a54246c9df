//! `cpu_pair_from_one_loop`: where work-stealing wins over thread-per-core.
//!
//! ```text
//! cargo bench -p benches --bench loops
//! ```
//!
//! Two CPU-bound tasks (`CPU_TASK_ROUNDS` rounds of arithmetic each, about
//! 10 ms) are spawned from one task, on a runtime of two threads:
//!
//! - ours, a `runtime::loops` set of two loops: the tasks are spawned on
//!   the loop that spawns them, and stay there; they run one after the
//!   other while the second loop idles. Thread-per-core puts the work
//!   where the program (or the kernel's hash of a connection) put it.
//! - tokio's multi-thread runtime with two workers: the second task is
//!   stolen by the idle worker, and the two run at once.
//! - smol's thread-safe `Executor`, run by two threads: both take tasks
//!   from its shared queue, so the two run at once too.
//!
//! The row is the counterpart of `hyper_server_rps_2_loops` (many even
//! connections, where sharing nothing pays); `docs/INTERNALS.md` discusses
//! both. A program on our loops would place the second task itself
//! (`Loops::run_on(1, ..)`); this row measures what happens when it
//! does not.

use std::hint::black_box;
use std::sync::Arc;

use benches::params::{CPU_TASK_ROUNDS, SERVER_LOOPS};
use benches::rows::CPU_PAIR_FROM_ONE_LOOP;
use benches::side::Side;
use criterion::{Criterion, criterion_group, criterion_main};

/// About 10 ms of arithmetic that the optimizer cannot remove.
async fn cpu_task() -> u64 {
    let mut x = black_box(1u64);
    for round in 0..CPU_TASK_ROUNDS {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(round);
    }
    black_box(x)
}

fn cpu_pair_from_one_loop(c: &mut Criterion) {
    let row = &CPU_PAIR_FROM_ONE_LOOP;
    let mut group = c.benchmark_group(row.name);

    let loops = runtime::loops::Loops::new(SERVER_LOOPS).expect("start the loops");
    group.bench_function(Side::This.name(), |b| {
        b.iter(|| {
            black_box(loops.run_on(0, || async {
                let first = runtime::spawn(cpu_task());
                let second = runtime::spawn(cpu_task());
                first.await.expect("first") ^ second.await.expect("second")
            }))
        })
    });
    drop(loops);

    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(SERVER_LOOPS)
        .build()
        .expect("tokio's multi-thread runtime");
    group.bench_function(Side::Tokio.name(), |b| {
        b.iter(|| {
            // Spawned from a worker, as ours is from a loop: the pair
            // starts in that worker's queue, and the other worker steals.
            let pair = tokio.spawn(async {
                let first = tokio::spawn(cpu_task());
                let second = tokio::spawn(cpu_task());
                first.await.expect("first") ^ second.await.expect("second")
            });
            black_box(tokio.block_on(pair).expect("the pair"))
        })
    });
    drop(tokio);

    // smol's thread-safe `Executor`, run by two threads: spawned tasks go
    // to its shared queue, and either runner takes them.
    let executor = Arc::new(async_executor::Executor::new());
    let (stop, stopped) = async_channel::bounded::<()>(1);
    let runners: Vec<_> = (0..SERVER_LOOPS)
        .map(|_| {
            let executor = Arc::clone(&executor);
            let stopped = stopped.clone();
            std::thread::spawn(move || {
                futures_lite::future::block_on(executor.run(async move {
                    let _ = stopped.recv().await;
                }))
            })
        })
        .collect();
    group.bench_function(Side::Smol.name(), |b| {
        b.iter(|| {
            let inner = Arc::clone(&executor);
            let pair = executor.spawn(async move {
                let first = inner.spawn(cpu_task());
                let second = inner.spawn(cpu_task());
                first.await ^ second.await
            });
            black_box(futures_lite::future::block_on(pair))
        })
    });
    drop(stop);
    for runner in runners {
        runner.join().expect("a smol runner");
    }
    group.finish();
}

criterion_group!(benches, cpu_pair_from_one_loop);
criterion_main!(benches);
