//! The loads of the memory cases, one function per side.
//!
//! Every side runs the same bodies: [`idle_task`] for `idle_tasks`, a
//! reader holding the same state for `parked_reads`, and boxed sleeps for
//! `armed_timers`. Each body counts itself in a shared [`Progress`] when it
//! reaches its wait, and again if the wait ever ends; the `block_on`
//! future yields until every task has started, so every task has been
//! polled once (and registered its waker) when the peak is read, and a
//! read that returned (its far end closed) fails the case instead of
//! passing for a parked one. The counters sit behind an `Arc` on every
//! side because tokio's `spawn` needs `Send` bodies; the body size is then
//! the same everywhere.
//!
//! Runtimes and loads are leaked (`mem::forget`): the process exits right
//! after the peak is read, and tearing down a million timers is not part of
//! the figure.

use std::future::{Future, poll_fn};
use std::hint::black_box;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;

use futures::task::LocalSpawnExt;
use futures_lite::AsyncReadExt;
use tokio::io::AsyncReadExt as _;

use super::sockets::{Farm, SocketError, abort_on_close};
use super::{Case, CaseError, Load};
use crate::params::{MEMORY_TASK_STATE, TIMER_FAR_DELAY};
use crate::rt::{Pool, Smol, This, Tokio};
use crate::side::Side;

/// What the tasks of a case have done so far (shared by all of them).
#[derive(Debug, Default)]
struct Progress {
    /// Tasks that reached their wait.
    started: AtomicUsize,
    /// Tasks whose wait ended (none should).
    ended: AtomicUsize,
}

/// The progress every task of one case shares.
type Shared = Arc<Progress>;

/// Runs `case` on `side` (a side that supports it).
pub(super) fn run(case: Case, side: Side, load: Load, n: usize) -> Result<(), CaseError> {
    match side {
        Side::This => this(case, load, n),
        Side::Tokio => tokio(case, load, n),
        Side::Smol => smol(case, load, n),
        Side::LocalPool => local_pool(case, load, n),
        Side::Floor => floor(case, load, n),
    }
}

/// An idle task: `MEMORY_TASK_STATE` bytes of state (a small request
/// context) held across a wait that never ends.
async fn idle_task(progress: Shared) {
    let state = [7u8; MEMORY_TASK_STATE];
    progress.started.fetch_add(1, Ordering::Relaxed);
    std::future::pending::<()>().await;
    progress.ended.fetch_add(1, Ordering::Relaxed);
    black_box(&state);
}

/// Yields (with the side's `yield_now`) until `n` tasks have started; fails
/// if any task's wait has ended (a read saw its far end close).
async fn wait_until<Y: Future>(
    progress: &Progress,
    n: usize,
    yield_now: impl Fn() -> Y,
) -> Result<(), CaseError> {
    while progress.started.load(Ordering::Relaxed) < n {
        yield_now().await;
    }
    // One more round, so that a read which would return at once has.
    yield_now().await;
    match progress.ended.load(Ordering::Relaxed) {
        0 => Ok(()),
        ended => Err(CaseError::WaitEnded { ended }),
    }
}

/// Polls each sleep once, which puts it in its runtime's timer structure,
/// and hands them back still armed. Boxed on every side: tokio's `Sleep` is
/// `!Unpin` (ours and async-io's `Timer` are `Unpin` and would not need
/// the box).
async fn arm<F: Future>(mut sleeps: Vec<Pin<Box<F>>>) -> Vec<Pin<Box<F>>> {
    poll_fn(|cx| {
        for sleep in sleeps.iter_mut() {
            // A far-off sleep is Pending; the result is not needed.
            let _ = sleep.as_mut().poll(cx);
        }
        Poll::Ready(())
    })
    .await;
    sleeps
}

fn this(case: Case, load: Load, n: usize) -> Result<(), CaseError> {
    let rt = This::for_tasks_that_never_wake();
    let result = rt.block_on(async {
        let progress = Shared::default();
        match (load, case) {
            (Load::Empty, _) => {}
            (Load::Full, Case::IdleTasks) => {
                for _ in 0..n {
                    drop(runtime::spawn(idle_task(Arc::clone(&progress))));
                }
                wait_until(&progress, n, runtime::yield_now).await?;
            }
            (Load::Full, Case::ParkedReads) => {
                let farm = Farm::start(n)?;
                for addr in farm.targets() {
                    let mut stream = runtime::net::TcpStream::connect(addr)
                        .await
                        .map_err(SocketError::Connect)?;
                    abort_on_close(&stream).map_err(SocketError::Connect)?;
                    let progress = Arc::clone(&progress);
                    drop(runtime::spawn(async move {
                        let mut buf = [0u8; MEMORY_TASK_STATE];
                        progress.started.fetch_add(1, Ordering::Relaxed);
                        let read = stream.read(&mut buf).await;
                        progress.ended.fetch_add(1, Ordering::Relaxed);
                        black_box((read.ok(), &buf));
                    }));
                }
                std::mem::forget(farm);
                wait_until(&progress, n, runtime::yield_now).await?;
            }
            (Load::Full, Case::ArmedTimers) => {
                let sleeps = (0..n)
                    .map(|_| Box::pin(runtime::time::sleep(TIMER_FAR_DELAY)))
                    .collect();
                std::mem::forget(arm(sleeps).await);
            }
        }
        Ok::<(), CaseError>(())
    });
    std::mem::forget(rt);
    result
}

fn tokio(case: Case, load: Load, n: usize) -> Result<(), CaseError> {
    let rt = Tokio::new(case.drivers());
    let result = rt.block_on(async {
        let progress = Shared::default();
        match (load, case) {
            (Load::Empty, _) => {}
            (Load::Full, Case::IdleTasks) => {
                for _ in 0..n {
                    drop(tokio::spawn(idle_task(Arc::clone(&progress))));
                }
                wait_until(&progress, n, tokio::task::yield_now).await?;
            }
            (Load::Full, Case::ParkedReads) => {
                let farm = Farm::start(n)?;
                for addr in farm.targets() {
                    let mut stream = tokio::net::TcpStream::connect(addr)
                        .await
                        .map_err(SocketError::Connect)?;
                    abort_on_close(&stream).map_err(SocketError::Connect)?;
                    let progress = Arc::clone(&progress);
                    drop(tokio::spawn(async move {
                        let mut buf = [0u8; MEMORY_TASK_STATE];
                        progress.started.fetch_add(1, Ordering::Relaxed);
                        let read = stream.read(&mut buf).await;
                        progress.ended.fetch_add(1, Ordering::Relaxed);
                        black_box((read.ok(), &buf));
                    }));
                }
                std::mem::forget(farm);
                wait_until(&progress, n, tokio::task::yield_now).await?;
            }
            (Load::Full, Case::ArmedTimers) => {
                let sleeps = (0..n)
                    .map(|_| Box::pin(tokio::time::sleep(TIMER_FAR_DELAY)))
                    .collect();
                std::mem::forget(arm(sleeps).await);
            }
        }
        Ok::<(), CaseError>(())
    });
    std::mem::forget(rt);
    result
}

fn smol(case: Case, load: Load, n: usize) -> Result<(), CaseError> {
    let smol = Smol::new(case.drivers());
    let executor = smol.executor();
    smol.block_on(async {
        let progress = Shared::default();
        match (load, case) {
            (Load::Empty, _) => {}
            (Load::Full, Case::IdleTasks) => {
                for _ in 0..n {
                    executor.spawn(idle_task(Arc::clone(&progress))).detach();
                }
                wait_until(&progress, n, futures_lite::future::yield_now).await?;
            }
            (Load::Full, Case::ParkedReads) => {
                let farm = Farm::start(n)?;
                for addr in farm.targets() {
                    let mut stream = async_io::Async::<std::net::TcpStream>::connect(addr)
                        .await
                        .map_err(SocketError::Connect)?;
                    abort_on_close(&stream).map_err(SocketError::Connect)?;
                    let progress = Arc::clone(&progress);
                    executor
                        .spawn(async move {
                            let mut buf = [0u8; MEMORY_TASK_STATE];
                            progress.started.fetch_add(1, Ordering::Relaxed);
                            let read = stream.read(&mut buf).await;
                            progress.ended.fetch_add(1, Ordering::Relaxed);
                            black_box((read.ok(), &buf));
                        })
                        .detach();
                }
                std::mem::forget(farm);
                wait_until(&progress, n, futures_lite::future::yield_now).await?;
            }
            (Load::Full, Case::ArmedTimers) => {
                let sleeps = (0..n)
                    .map(|_| Box::pin(async_io::Timer::after(TIMER_FAR_DELAY)))
                    .collect();
                std::mem::forget(arm(sleeps).await);
            }
        }
        Ok(())
    })
}

fn local_pool(case: Case, load: Load, n: usize) -> Result<(), CaseError> {
    let mut pool = Pool::new();
    let spawner = pool.spawner();
    let result = pool.block_on(async {
        let progress = Shared::default();
        match (load, case) {
            (Load::Empty, _) => {}
            (Load::Full, Case::IdleTasks) => {
                for _ in 0..n {
                    if let Err(err) = spawner.spawn_local(idle_task(Arc::clone(&progress))) {
                        panic!("the LocalPool is gone: {err}");
                    }
                }
                wait_until(&progress, n, futures_lite::future::yield_now).await?;
            }
            (Load::Full, _) => {
                return Err(CaseError::Unsupported {
                    case,
                    side: Side::LocalPool,
                });
            }
        }
        Ok(())
    });
    std::mem::forget(pool);
    result
}

/// No runtime: each idle task a `Box` in a `Vec` sized for all of them,
/// polled once with a no-op waker (only `idle_tasks`).
fn floor(case: Case, load: Load, n: usize) -> Result<(), CaseError> {
    let progress = Shared::default();
    match (load, case) {
        (Load::Empty, _) => {}
        (Load::Full, Case::IdleTasks) => {
            let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
            let mut tasks: Vec<Pin<Box<dyn Future<Output = ()>>>> = Vec::with_capacity(n);
            for _ in 0..n {
                let mut task: Pin<Box<dyn Future<Output = ()>>> =
                    Box::pin(idle_task(Arc::clone(&progress)));
                // Pending forever: the poll only brings it to its wait.
                let _ = task.as_mut().poll(&mut cx);
                tasks.push(task);
            }
            std::mem::forget(tasks);
            match progress.ended.load(Ordering::Relaxed) {
                0 => {}
                ended => return Err(CaseError::WaitEnded { ended }),
            }
        }
        (Load::Full, _) => {
            return Err(CaseError::Unsupported {
                case,
                side: Side::Floor,
            });
        }
    }
    Ok(())
}
