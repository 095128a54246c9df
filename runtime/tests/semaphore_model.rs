//! The semaphore against a model: random sequences of acquires, drops,
//! closes and releases, checked step by step against a plain `Vec` queue.
//!
//! The futures are polled by hand with wakers that record their wake, so
//! the test also checks that every waiter that becomes ready was woken (a
//! lost wake would hang a real task).

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use proptest::prelude::*;
use runtime::sync::{AcquireError, OwnedSemaphorePermit, Semaphore};

/// A waker that remembers it was woken.
#[derive(Default)]
struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// One step of a test case.
#[derive(Debug, Clone)]
enum Op {
    /// Start an `acquire_many_owned(n)` and poll it once.
    Acquire(usize),
    /// `try_acquire_many(n)`, keeping the permit if it succeeds.
    TryAcquire(usize),
    /// Drop the i-th live future (modulo their number), wherever it is.
    DropFuture(usize),
    /// Drop the i-th held permit (modulo their number).
    DropPermit(usize),
    /// `add_permits(n)`.
    Add(usize),
    /// `close()`.
    Close,
    /// Poll every live future.
    Poll,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1..4usize).prop_map(Op::Acquire),
        1 => (1..3usize).prop_map(Op::TryAcquire),
        2 => any::<usize>().prop_map(Op::DropFuture),
        2 => any::<usize>().prop_map(Op::DropPermit),
        1 => (1..3usize).prop_map(Op::Add),
        1 => Just(Op::Close),
        3 => Just(Op::Poll),
    ]
}

/// What the model says about a live future.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// In the queue, `remaining` of `requested` still missing.
    Queued { requested: usize, remaining: usize },
    /// Fully served; the next poll gives the permit.
    Served,
    /// Closed while queued; the next poll gives the error.
    Failed,
}

/// The reference: free permits and a `Vec` queue of future ids.
#[derive(Default)]
struct Model {
    /// Free permits.
    permits: usize,
    /// Closed yet?
    closed: bool,
    /// Ids of queued futures, oldest first.
    queue: Vec<usize>,
}

/// The boxed acquire future.
type AcquireFuture = Pin<Box<dyn Future<Output = Result<OwnedSemaphorePermit, AcquireError>>>>;

/// A live future and the model's view of it.
struct Live {
    /// Its id in the model's queue.
    id: usize,
    /// The future.
    future: AcquireFuture,
    /// Permits it asked for.
    requested: usize,
    /// Its waker's flag.
    flag: Arc<Flag>,
    /// What it should do.
    expect: Expect,
}

/// Gives `n` permits to the model's queue head first, as rule 1 says.
fn release(model: &mut Model, live: &mut [Live], mut n: usize) {
    while n > 0 {
        let Some(&head) = model.queue.first() else {
            model.permits += n;
            return;
        };
        let entry = live
            .iter_mut()
            .find(|l| l.id == head)
            .expect("queued id is live");
        let Expect::Queued {
            requested,
            remaining,
        } = entry.expect
        else {
            unreachable!("only queued futures are in the queue")
        };
        let given = n.min(remaining);
        n -= given;
        if given == remaining {
            entry.expect = Expect::Served;
            model.queue.remove(0);
        } else {
            entry.expect = Expect::Queued {
                requested,
                remaining: remaining - given,
            };
        }
    }
}

fn run_case(initial: usize, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let sem = Rc::new(Semaphore::new(initial));
    let mut model = Model {
        permits: initial,
        ..Model::default()
    };
    let mut live: Vec<Live> = Vec::new();
    let mut held: Vec<OwnedSemaphorePermit> = Vec::new();
    let mut next_id = 0;
    for op in ops {
        match op {
            Op::Acquire(n) => {
                let flag = Arc::new(Flag::default());
                let waker = Waker::from(flag.clone());
                let mut future: AcquireFuture = Box::pin(sem.clone().acquire_many_owned(n));
                let polled = future.as_mut().poll(&mut Context::from_waker(&waker));
                if model.closed {
                    prop_assert!(matches!(polled, Poll::Ready(Err(_))));
                } else if model.queue.is_empty() && model.permits >= n {
                    model.permits -= n;
                    let Poll::Ready(Ok(permit)) = polled else {
                        return Err(TestCaseError::fail("free permits but no permit"));
                    };
                    held.push(permit);
                } else {
                    prop_assert!(polled.is_pending());
                    let given = model.permits.min(n);
                    model.permits -= given;
                    model.queue.push(next_id);
                    live.push(Live {
                        id: next_id,
                        future,
                        requested: n,
                        flag,
                        expect: Expect::Queued {
                            requested: n,
                            remaining: n - given,
                        },
                    });
                    next_id += 1;
                }
            }
            Op::TryAcquire(n) => {
                let got = sem.clone().try_acquire_many_owned(n);
                let ok = !model.closed && model.queue.is_empty() && model.permits >= n;
                prop_assert_eq!(got.is_ok(), ok);
                if let Ok(permit) = got {
                    model.permits -= n;
                    held.push(permit);
                }
            }
            Op::DropFuture(i) if !live.is_empty() => {
                let gone = live.remove(i % live.len());
                let give_back = match gone.expect {
                    Expect::Queued {
                        requested,
                        remaining,
                    } => {
                        model.queue.retain(|id| *id != gone.id);
                        requested - remaining
                    }
                    // Served but never polled: all of it comes back.
                    Expect::Served => gone.requested,
                    Expect::Failed => 0,
                };
                drop(gone);
                release(&mut model, &mut live, give_back);
            }
            Op::DropPermit(i) if !held.is_empty() => {
                let permit = held.remove(i % held.len());
                let n = permit.num_permits();
                drop(permit);
                release(&mut model, &mut live, n);
            }
            Op::Add(n) => {
                sem.add_permits(n);
                release(&mut model, &mut live, n);
            }
            Op::Close => {
                sem.close();
                model.closed = true;
                for id in std::mem::take(&mut model.queue) {
                    let entry = live.iter_mut().find(|l| l.id == id).expect("live");
                    if let Expect::Queued {
                        requested,
                        remaining,
                    } = entry.expect
                    {
                        model.permits += requested - remaining;
                    }
                    entry.expect = Expect::Failed;
                }
            }
            Op::Poll => {
                let mut still = Vec::new();
                for mut entry in live.drain(..) {
                    let woken = entry.flag.0.swap(false, Ordering::SeqCst);
                    let waker = Waker::from(entry.flag.clone());
                    let polled = entry.future.as_mut().poll(&mut Context::from_waker(&waker));
                    match (entry.expect, polled) {
                        (Expect::Queued { .. }, Poll::Pending) => still.push(entry),
                        (Expect::Served, Poll::Ready(Ok(permit))) => {
                            prop_assert!(woken, "served without a wake");
                            held.push(permit);
                        }
                        (Expect::Failed, Poll::Ready(Err(_))) => {
                            prop_assert!(woken, "closed without a wake");
                        }
                        (expect, polled) => {
                            return Err(TestCaseError::fail(format!(
                                "expected {expect:?}, polled {:?}",
                                polled.map(|r| r.map(|p| p.num_permits()))
                            )));
                        }
                    }
                }
                live = still;
            }
            Op::DropFuture(_) | Op::DropPermit(_) => {}
        }
        prop_assert_eq!(sem.available_permits(), model.permits);
        prop_assert_eq!(sem.is_closed(), model.closed);
    }
    Ok(())
}

proptest! {
    #[test]
    fn semaphore_matches_the_fifo_model(initial in 0..4usize, ops in prop::collection::vec(op(), 1..60)) {
        run_case(initial, ops)?;
    }
}
