//! Idle tasks by the size of their future: what a task costs beyond its
//! body, on every side, at bodies of [`BODY_SIZES`] bytes.
//!
//! The body is an [`IdleBody`]: a future of exactly `N` bytes (`N` bytes of
//! state, no tag, no pointer) that is pending forever. It counts its polls
//! in a static, not through a pointer it would have to hold, so that the
//! body is the future's whole size; each task is polled once (nothing ever
//! wakes it), so the count is the number of tasks that reached their wait.
//! At 0 bytes the body is a zero-sized future: what a task costs is then
//! all header (a `Box` of a zero-sized value allocates nothing, so the
//! floor pays only its pointer).
//!
//! The floor (no runtime) keeps each task as a `Box<dyn Future>` in a `Vec`
//! made with room for all of them, each polled once: the body's own
//! allocation and a 16-byte pointer, the least that can hold a future and
//! poll it again.
//!
//! Where the sizes land: glibc's malloc gives every allocation a chunk of
//! `max(32, round_up(size + 8, 16))` bytes on 64-bit Linux (an 8-byte size
//! field, 16-byte alignment), so a 16-byte and a 24-byte request both cost
//! 32 bytes; [`chunk_spacing`] measures it on the running allocator.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use futures::task::LocalSpawnExt;

use super::{CaseError, Load};
use crate::rt::{Pool, Smol, This, Tokio};
use crate::side::Side;

/// The body sizes the memory binary measures, in bytes of future.
pub const BODY_SIZES: [usize; 4] = [0, 16, 64, 256];

/// Polls of [`IdleBody`] futures in this process (one per task: nothing
/// wakes them).
static POLLED: AtomicUsize = AtomicUsize::new(0);

/// A future of exactly `N` bytes that never completes.
#[derive(Debug)]
pub struct IdleBody<const N: usize> {
    /// The state held across the wait.
    state: [u8; N],
}

impl<const N: usize> IdleBody<N> {
    /// A body with its state filled in (so the bytes are written, as a
    /// real task's would be).
    pub fn new() -> IdleBody<N> {
        IdleBody { state: [7; N] }
    }
}

impl<const N: usize> Default for IdleBody<N> {
    fn default() -> IdleBody<N> {
        IdleBody::new()
    }
}

impl<const N: usize> Future for IdleBody<N> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        std::hint::black_box(&self.state);
        POLLED.fetch_add(1, Ordering::Relaxed);
        Poll::Pending
    }
}

/// Runs `items` idle tasks of a `body`-byte future on `side` (or only the
/// runtime, for [`Load::Empty`]), leaking everything for the caller to
/// read the peak.
pub fn run(side: Side, load: Load, items: usize, body: usize) -> Result<(), CaseError> {
    let n = match load {
        Load::Empty => 0,
        Load::Full => items,
    };
    match body {
        0 => on_side::<0>(side, n),
        16 => on_side::<16>(side, n),
        64 => on_side::<64>(side, n),
        256 => on_side::<256>(side, n),
        other => Err(CaseError::Body(other)),
    }
}

/// [`run`] for one body size.
fn on_side<const N: usize>(side: Side, n: usize) -> Result<(), CaseError> {
    match side {
        Side::This => {
            let rt = This::for_tasks_that_never_wake();
            rt.block_on(async {
                for _ in 0..n {
                    drop(runtime::spawn(IdleBody::<N>::new()));
                }
                while POLLED.load(Ordering::Relaxed) < n {
                    runtime::yield_now().await;
                }
            });
            std::mem::forget(rt);
        }
        Side::Tokio => {
            let rt = Tokio::new(crate::rt::Drivers::None);
            rt.block_on(async {
                for _ in 0..n {
                    drop(tokio::spawn(IdleBody::<N>::new()));
                }
                while POLLED.load(Ordering::Relaxed) < n {
                    tokio::task::yield_now().await;
                }
            });
            std::mem::forget(rt);
        }
        Side::Smol => {
            let smol = Smol::new(crate::rt::Drivers::None);
            let executor = smol.executor();
            smol.block_on(async {
                for _ in 0..n {
                    executor.spawn(IdleBody::<N>::new()).detach();
                }
                while POLLED.load(Ordering::Relaxed) < n {
                    futures_lite::future::yield_now().await;
                }
            });
        }
        Side::LocalPool => {
            let mut pool = Pool::new();
            let spawner = pool.spawner();
            pool.block_on(async {
                for _ in 0..n {
                    if let Err(err) = spawner.spawn_local(IdleBody::<N>::new()) {
                        panic!("the LocalPool is gone: {err}");
                    }
                }
                while POLLED.load(Ordering::Relaxed) < n {
                    futures_lite::future::yield_now().await;
                }
            });
            std::mem::forget(pool);
        }
        Side::Floor => {
            let mut cx = Context::from_waker(Waker::noop());
            let mut tasks: Vec<Pin<Box<dyn Future<Output = ()>>>> = Vec::with_capacity(n);
            for _ in 0..n {
                let mut task: Pin<Box<dyn Future<Output = ()>>> = Box::pin(IdleBody::<N>::new());
                // Pending forever: the poll only brings it to its wait.
                let _ = task.as_mut().poll(&mut cx);
                tasks.push(task);
            }
            std::mem::forget(tasks);
        }
    }
    match POLLED.load(Ordering::Relaxed) {
        polled if polled == n => Ok(()),
        polled => Err(CaseError::Polled {
            polled,
            expected: n,
        }),
    }
}

/// The size of an [`IdleBody`] of `body` bytes, to print beside the figure.
pub fn future_size(body: usize) -> Option<usize> {
    match body {
        0 => Some(size_of::<IdleBody<0>>()),
        16 => Some(size_of::<IdleBody<16>>()),
        64 => Some(size_of::<IdleBody<64>>()),
        256 => Some(size_of::<IdleBody<256>>()),
        _ => None,
    }
}

/// How far apart the allocator puts consecutive allocations of `size`
/// bytes: the median gap between the addresses of `count` blocks made one
/// after another and all kept alive, which on a fresh heap is the chunk
/// size of `size`'s class (a freed chunk reused in between moves a gap or
/// two, not the median). `None` for a zero size (no allocation is made).
pub fn chunk_spacing(size: usize, count: usize) -> Option<usize> {
    if size == 0 || count < 3 {
        return None;
    }
    let blocks: Vec<Vec<u8>> = (0..count).map(|_| Vec::with_capacity(size)).collect();
    let mut gaps: Vec<usize> = blocks
        .windows(2)
        .map(|pair| (pair[1].as_ptr() as usize).abs_diff(pair[0].as_ptr() as usize))
        .collect();
    gaps.sort_unstable();
    Some(gaps[gaps.len() / 2])
}

/// glibc's chunk for a request of `size` bytes on 64-bit Linux: the
/// request plus the 8-byte size field, rounded up to 16, at least 32
/// (`MINSIZE`). What [`chunk_spacing`] should measure there.
pub fn glibc_chunk(size: usize) -> usize {
    (size + 8).next_multiple_of(16).max(32)
}
