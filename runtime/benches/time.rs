//! Timers against tokio's current_thread runtime (with its `time` driver),
//! in one run.
//!
//! ```text
//! cargo bench -p runtime --bench time -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! Each group has two functions, `this` and `tokio`, doing the same work.
//! A runtime is built once per function; the timed loop runs inside one
//! `block_on` (`iter_custom`), so the figure is the timer work, not the cost
//! of entering the runtime.

use std::future::{Future, poll_fn};
use std::hint::black_box;
use std::pin::Pin;
use std::task::Poll;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};

/// A deadline far enough away never to fire during a measurement.
const LONG: Duration = Duration::from_secs(3_600);
/// Sleeps fired per iteration in `fire_1000_sleeps_of_1ms`.
const FIRED: usize = 1_000;
/// Timers per iteration in `insert_cancel_100k`.
const MANY: usize = 100_000;

fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("tokio runtime")
}

fn this_rt() -> runtime::Runtime {
    runtime::Runtime::new().expect("runtime")
}

/// Polls `future` once with the task's own waker, whatever the result.
async fn poll_once<F: Future>(mut future: Pin<&mut F>) {
    poll_fn(|cx| {
        let _ = future.as_mut().poll(cx);
        Poll::Ready(())
    })
    .await
}

/// A sleep created, polled once (registered) and dropped (cancelled).
fn sleep_register_drop(c: &mut Criterion) {
    let mut group = c.benchmark_group("sleep_register_drop");
    let rt = this_rt();
    group.bench_function("this", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let mut nap = std::pin::pin!(runtime::time::sleep(LONG));
                    poll_once(nap.as_mut()).await;
                }
                start.elapsed()
            })
        })
    });
    let rt = tokio_rt();
    group.bench_function("tokio", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let mut nap = std::pin::pin!(tokio::time::sleep(LONG));
                    poll_once(nap.as_mut()).await;
                }
                start.elapsed()
            })
        })
    });
    group.finish();
}

/// `timeout` around a future that is ready at once.
fn timeout_ready(c: &mut Criterion) {
    let mut group = c.benchmark_group("timeout_ready");
    let rt = this_rt();
    group.bench_function("this", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for i in 0..iters {
                    let out = runtime::time::timeout(LONG, async { i }).await;
                    black_box(out.ok());
                }
                start.elapsed()
            })
        })
    });
    let rt = tokio_rt();
    group.bench_function("tokio", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for i in 0..iters {
                    let out = tokio::time::timeout(LONG, async { i }).await;
                    black_box(out.ok());
                }
                start.elapsed()
            })
        })
    });
    group.finish();
}

/// 1,000 tasks each sleeping 1 ms, all awaited. Mostly the millisecond
/// itself; the difference is the cost of registering, firing and waking.
fn fire_1000_sleeps_of_1ms(c: &mut Criterion) {
    let mut group = c.benchmark_group("fire_1000_sleeps_of_1ms");
    let rt = this_rt();
    group.bench_function("this", |b| {
        b.iter(|| {
            rt.block_on(async {
                let handles: Vec<_> = (0..FIRED)
                    .map(|_| runtime::spawn(runtime::time::sleep(Duration::from_millis(1))))
                    .collect();
                for handle in handles {
                    black_box(handle.await.ok());
                }
            })
        })
    });
    let rt = tokio_rt();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(async {
                let handles: Vec<_> = (0..FIRED)
                    .map(|_| tokio::spawn(tokio::time::sleep(Duration::from_millis(1))))
                    .collect();
                for handle in handles {
                    black_box(handle.await.ok());
                }
            })
        })
    });
    group.finish();
}

/// 100,000 sleeps with different deadlines registered, then all dropped.
fn insert_cancel_100k(c: &mut Criterion) {
    let mut group = c.benchmark_group("insert_cancel_100k");
    group.sample_size(20);
    let rt = this_rt();
    group.bench_function("this", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut naps: Vec<_> = (0..MANY)
                    .map(|i| Box::pin(runtime::time::sleep(LONG + Duration::from_millis(i as u64))))
                    .collect();
                for nap in &mut naps {
                    poll_once(nap.as_mut()).await;
                }
                drop(naps);
            })
        })
    });
    let rt = tokio_rt();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut naps: Vec<_> = (0..MANY)
                    .map(|i| Box::pin(tokio::time::sleep(LONG + Duration::from_millis(i as u64))))
                    .collect();
                for nap in &mut naps {
                    poll_once(nap.as_mut()).await;
                }
                drop(naps);
            })
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    sleep_register_drop,
    timeout_ready,
    fire_1000_sleeps_of_1ms,
    insert_cancel_100k
);
criterion_main!(benches);
