//! Timers: `timers_register_cancel`, `timers_fire_1ms`,
//! `timers_insert_cancel_100k` and `timeout_ready`.
//!
//! ```text
//! cargo bench -p benches --bench timers
//! ```
//!
//! - `timers_register_cancel`: `TIMER_REGISTER_CANCEL` times, a sleep is
//!   created, polled once (which puts it in the wheel) and dropped (which
//!   takes it out): the cost of a timeout that does not fire, as around
//!   every request that succeeds in time.
//! - `timers_fire_1ms`: `TIMERS_FIRED` tasks each sleep 1 ms and are awaited:
//!   the wheel firing a full slot at once. The figure includes the 1 ms
//!   itself (plus up to a tick of lateness on either side).
//! - `timers_insert_cancel_100k`: `TIMERS_INSERTED` sleeps armed at once,
//!   then all dropped: the wheel with many entries per slot and level.
//! - `timeout_ready`: `TIMEOUTS_READY` times, `timeout` around a future that
//!   is ready at once: the cost of the wrapper when no timer is ever needed.
//!
//! Both sides box each stored sleep (`Box::pin`): tokio's `Sleep` is
//! `!Unpin` and needs it to be polled from a `Vec`; ours is `Unpin` and would
//! not, but identical code keeps the allocation cost the same on both sides.

use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::task::Poll;

use benches::params::{
    TIMEOUTS_READY, TIMER_FAR_DELAY, TIMER_FIRE_DELAY, TIMER_REGISTER_CANCEL, TIMERS_FIRED,
    TIMERS_INSERTED,
};
use benches::rt;
use criterion::{Criterion, criterion_group, criterion_main};

/// Polls `future` once, expecting `Pending` (a far timer registers itself).
async fn poll_once<F: Future>(future: Pin<&mut F>) {
    let mut future = future;
    poll_fn(|cx| {
        assert!(future.as_mut().poll(cx).is_pending(), "a far timer fired");
        Poll::Ready(())
    })
    .await
}

/// Polls every future of `futures` once, in one poll of the caller.
async fn poll_all_once<F: Future>(futures: &mut [Pin<Box<F>>]) {
    poll_fn(|cx| {
        for future in futures.iter_mut() {
            assert!(future.as_mut().poll(cx).is_pending(), "a far timer fired");
        }
        Poll::Ready(())
    })
    .await
}

fn timers_register_cancel(c: &mut Criterion) {
    let mut group = c.benchmark_group("timers_register_cancel");
    let this = rt::this();
    group.bench_function("this", |b| {
        b.iter(|| {
            this.block_on(async {
                for _ in 0..TIMER_REGISTER_CANCEL {
                    let sleep = pin!(runtime::time::sleep(TIMER_FAR_DELAY));
                    poll_once(sleep).await;
                }
            })
        })
    });
    let tokio = rt::tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            tokio.block_on(async {
                for _ in 0..TIMER_REGISTER_CANCEL {
                    let sleep = pin!(tokio::time::sleep(TIMER_FAR_DELAY));
                    poll_once(sleep).await;
                }
            })
        })
    });
    group.finish();
}

fn timers_fire_1ms(c: &mut Criterion) {
    let mut group = c.benchmark_group("timers_fire_1ms");
    let this = rt::this();
    group.bench_function("this", |b| {
        b.iter(|| {
            this.block_on(async {
                let tasks: Vec<_> = (0..TIMERS_FIRED)
                    .map(|_| runtime::spawn(runtime::time::sleep(TIMER_FIRE_DELAY)))
                    .collect();
                for task in tasks {
                    task.await.expect("sleeper finished");
                }
            })
        })
    });
    let tokio = rt::tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            tokio.block_on(async {
                let tasks: Vec<_> = (0..TIMERS_FIRED)
                    .map(|_| tokio::spawn(tokio::time::sleep(TIMER_FIRE_DELAY)))
                    .collect();
                for task in tasks {
                    task.await.expect("sleeper finished");
                }
            })
        })
    });
    group.finish();
}

fn timers_insert_cancel_100k(c: &mut Criterion) {
    let mut group = c.benchmark_group("timers_insert_cancel_100k");
    let this = rt::this();
    group.bench_function("this", |b| {
        b.iter(|| {
            this.block_on(async {
                let mut sleeps: Vec<_> = (0..TIMERS_INSERTED)
                    .map(|_| Box::pin(runtime::time::sleep(TIMER_FAR_DELAY)))
                    .collect();
                poll_all_once(&mut sleeps).await;
                drop(sleeps);
            })
        })
    });
    let tokio = rt::tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            tokio.block_on(async {
                let mut sleeps: Vec<_> = (0..TIMERS_INSERTED)
                    .map(|_| Box::pin(tokio::time::sleep(TIMER_FAR_DELAY)))
                    .collect();
                poll_all_once(&mut sleeps).await;
                drop(sleeps);
            })
        })
    });
    group.finish();
}

fn timeout_ready(c: &mut Criterion) {
    let mut group = c.benchmark_group("timeout_ready");
    let this = rt::this();
    group.bench_function("this", |b| {
        b.iter(|| {
            this.block_on(async {
                for i in 0..TIMEOUTS_READY {
                    let out = runtime::time::timeout(TIMER_FAR_DELAY, async { i }).await;
                    std::hint::black_box(out.ok());
                }
            })
        })
    });
    let tokio = rt::tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            tokio.block_on(async {
                for i in 0..TIMEOUTS_READY {
                    let out = tokio::time::timeout(TIMER_FAR_DELAY, async { i }).await;
                    std::hint::black_box(out.ok());
                }
            })
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    timeout_ready,
    timers_register_cancel,
    timers_fire_1ms,
    timers_insert_cancel_100k
);
criterion_main!(benches);
