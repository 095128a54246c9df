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
//!   the timers firing as they come due (each deadline is fixed when its
//!   sleep is made, so they spread over the time the spawns take). The
//!   figure includes the 1 ms itself, plus how late the runtime wakes: a
//!   millisecond tick's rounding for tokio, the kernel's wake-up of the
//!   thread for ours and smol's (both end the wait on a timerfd on Linux).
//! - `timers_insert_cancel_100k`: `TIMERS_INSERTED` sleeps armed at once,
//!   then all dropped: the wheel with many entries per slot and level.
//! - `timeout_ready`: `TIMEOUTS_READY` times, `timeout` around a future that
//!   is ready at once: the cost of the wrapper when no timer is ever needed.
//!
//! Every row here also has a `floor` side: the same work with no runtime,
//! polled in a plain loop (see `benches::floor` for each row's floor and
//! what it leaves out). It is not a peer.
//!
//! tokio runs with its time driver only; smol drives async-io's reactor,
//! whose timers are a `BTreeMap` behind a lock, fed through a queue of
//! pending insertions and removals. smol has no `timeout`; its idiom is
//! `future.or(async { Timer::after(d).await; Err(..) })`, which creates no
//! timer at all when the future is ready first.
//!
//! Every side boxes each stored sleep (`Box::pin`): tokio's `Sleep` is
//! `!Unpin` and needs it to be polled from a `Vec`; ours and async-io's
//! `Timer` are `Unpin` and would not, but identical code keeps the
//! allocation cost the same on all sides.

use std::future::{Future, poll_fn};
use std::hint::black_box;
use std::pin::{Pin, pin};
use std::task::Poll;

use async_io::Timer;
use benches::floor;
use benches::params::{
    TIMEOUTS_READY, TIMER_FAR_DELAY, TIMER_FIRE_DELAY, TIMER_REGISTER_CANCEL, TIMERS_FIRED,
    TIMERS_INSERTED,
};
use benches::rows::{TIMEOUT_READY, TIMERS_FIRE_1MS, TIMERS_INSERT_CANCEL, TIMERS_REGISTER_CANCEL};
use benches::rt::{Smol, This, Tokio};
use benches::side::Side;
use criterion::{Criterion, criterion_group, criterion_main};
use futures_lite::FutureExt;

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
    let row = &TIMERS_REGISTER_CANCEL;
    let mut group = c.benchmark_group(row.name);
    let this = This::new();
    group.bench_function(Side::This.name(), |b| {
        b.iter(|| {
            this.run(row.shape, async {
                for _ in 0..TIMER_REGISTER_CANCEL {
                    poll_once(pin!(runtime::time::sleep(TIMER_FAR_DELAY))).await;
                }
            })
        })
    });
    let tokio = Tokio::new(row.drivers);
    group.bench_function(Side::Tokio.name(), |b| {
        b.iter(|| {
            tokio.run(row.shape, async {
                for _ in 0..TIMER_REGISTER_CANCEL {
                    poll_once(pin!(tokio::time::sleep(TIMER_FAR_DELAY))).await;
                }
            })
        })
    });
    let smol = Smol::new(row.drivers);
    group.bench_function(Side::Smol.name(), |b| {
        b.iter(|| {
            smol.run(row.shape, async {
                for _ in 0..TIMER_REGISTER_CANCEL {
                    poll_once(pin!(Timer::after(TIMER_FAR_DELAY))).await;
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

fn timers_fire_1ms(c: &mut Criterion) {
    let row = &TIMERS_FIRE_1MS;
    let mut group = c.benchmark_group(row.name);
    let this = This::new();
    group.bench_function(Side::This.name(), |b| {
        b.iter(|| {
            this.run(row.shape, async {
                let tasks: Vec<_> = (0..TIMERS_FIRED)
                    .map(|_| runtime::spawn(runtime::time::sleep(TIMER_FIRE_DELAY)))
                    .collect();
                for task in tasks {
                    task.await.expect("sleeper finished");
                }
            })
        })
    });
    let tokio = Tokio::new(row.drivers);
    group.bench_function(Side::Tokio.name(), |b| {
        b.iter(|| {
            tokio.run(row.shape, async {
                let tasks: Vec<_> = (0..TIMERS_FIRED)
                    .map(|_| tokio::spawn(tokio::time::sleep(TIMER_FIRE_DELAY)))
                    .collect();
                for task in tasks {
                    task.await.expect("sleeper finished");
                }
            })
        })
    });
    let smol = Smol::new(row.drivers);
    let ex = smol.executor();
    group.bench_function(Side::Smol.name(), |b| {
        b.iter(|| {
            smol.run(row.shape, async {
                let tasks: Vec<_> = (0..TIMERS_FIRED)
                    .map(|_| ex.spawn(Timer::after(TIMER_FIRE_DELAY)))
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

fn timers_insert_cancel_100k(c: &mut Criterion) {
    let row = &TIMERS_INSERT_CANCEL;
    let mut group = c.benchmark_group(row.name);
    let this = This::new();
    group.bench_function(Side::This.name(), |b| {
        b.iter(|| {
            this.run(row.shape, async {
                let mut sleeps: Vec<_> = (0..TIMERS_INSERTED)
                    .map(|_| Box::pin(runtime::time::sleep(TIMER_FAR_DELAY)))
                    .collect();
                poll_all_once(&mut sleeps).await;
                drop(sleeps);
            })
        })
    });
    let tokio = Tokio::new(row.drivers);
    group.bench_function(Side::Tokio.name(), |b| {
        b.iter(|| {
            tokio.run(row.shape, async {
                let mut sleeps: Vec<_> = (0..TIMERS_INSERTED)
                    .map(|_| Box::pin(tokio::time::sleep(TIMER_FAR_DELAY)))
                    .collect();
                poll_all_once(&mut sleeps).await;
                drop(sleeps);
            })
        })
    });
    let smol = Smol::new(row.drivers);
    group.bench_function(Side::Smol.name(), |b| {
        b.iter(|| {
            smol.run(row.shape, async {
                let mut sleeps: Vec<_> = (0..TIMERS_INSERTED)
                    .map(|_| Box::pin(Timer::after(TIMER_FAR_DELAY)))
                    .collect();
                poll_all_once(&mut sleeps).await;
                drop(sleeps);
            })
        })
    });
    let floor = floor::of(row);
    group.bench_function(Side::Floor.name(), |b| {
        b.iter(|| assert_eq!((floor.run)(), floor.expected))
    });
    group.finish();
}

fn timeout_ready(c: &mut Criterion) {
    let row = &TIMEOUT_READY;
    let mut group = c.benchmark_group(row.name);
    let this = This::new();
    group.bench_function(Side::This.name(), |b| {
        b.iter(|| {
            this.run(row.shape, async {
                for i in 0..TIMEOUTS_READY {
                    let out = runtime::time::timeout(TIMER_FAR_DELAY, async { i }).await;
                    black_box(out.ok());
                }
            })
        })
    });
    let tokio = Tokio::new(row.drivers);
    group.bench_function(Side::Tokio.name(), |b| {
        b.iter(|| {
            tokio.run(row.shape, async {
                for i in 0..TIMEOUTS_READY {
                    let out = tokio::time::timeout(TIMER_FAR_DELAY, async { i }).await;
                    black_box(out.ok());
                }
            })
        })
    });
    let smol = Smol::new(row.drivers);
    group.bench_function(Side::Smol.name(), |b| {
        b.iter(|| {
            smol.run(row.shape, async {
                for i in 0..TIMEOUTS_READY {
                    let out = async { Ok(i) }
                        .or(async {
                            Timer::after(TIMER_FAR_DELAY).await;
                            Err(())
                        })
                        .await;
                    black_box(out.ok());
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
    timeout_ready,
    timers_register_cancel,
    timers_fire_1ms,
    timers_insert_cancel_100k
);
criterion_main!(benches);
