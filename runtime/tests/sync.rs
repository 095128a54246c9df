//! `runtime::sync`: the semaphore's fairness, cancellation and closing, and
//! the two channels.

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use runtime::sync::{AcquireError, Semaphore, TryAcquireError, mpsc, oneshot};
use runtime::{run, spawn, yield_now};

/// How long a test may wait for its tasks' wakes before the watchdog fails
/// it (a lost wake leaves the loop asleep with nothing to wake it); each
/// takes milliseconds when none is lost.
const WATCHDOG: Duration = Duration::from_secs(60);

/// Lets every task that is ready run until it waits again. Ten turns of the
/// run queue are plenty for the few hops these tests need.
async fn settle() {
    for _ in 0..10 {
        yield_now().await;
    }
}

/// Spawns a task that acquires `n` permits of `sem`, logs `name`, holds the
/// permits until `settle` ends, and releases them.
fn waiter(
    sem: &Rc<Semaphore>,
    n: usize,
    name: &'static str,
    log: &Rc<RefCell<Vec<&'static str>>>,
) -> runtime::JoinHandle<()> {
    let (sem, log) = (sem.clone(), log.clone());
    spawn(async move {
        let _permit = sem.acquire_many(n).await.unwrap();
        log.borrow_mut().push(name);
        settle().await;
    })
}

#[test]
fn waiters_acquire_in_arrival_order_under_contention() {
    watchdog::within(WATCHDOG, "every waiter acquiring its permits", || {
        let order = run(async {
            let sem = Rc::new(Semaphore::new(1));
            let log = Rc::new(RefCell::new(Vec::new()));
            let names = ["a", "b", "c", "d", "e", "f"];
            let handles: Vec<_> = names.iter().map(|n| waiter(&sem, 1, n, &log)).collect();
            for handle in handles {
                handle.await.unwrap();
            }
            assert_eq!(sem.available_permits(), 1);
            log.take()
        });
        assert_eq!(order, ["a", "b", "c", "d", "e", "f"]);
    });
}

#[test]
fn try_acquire_does_not_overtake_a_waiter_that_was_handed_the_permit() {
    watchdog::within(WATCHDOG, "the waiter handed the permit running", || {
        run(async {
            let sem = Rc::new(Semaphore::new(1));
            let held = sem.try_acquire().unwrap();
            let queued = spawn(sem.clone().acquire_owned());
            settle().await; // the task is now in the queue
            drop(held); // the permit goes to the waiter, which has not run yet
            assert_eq!(sem.available_permits(), 0);
            assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
            let permit = queued.await.unwrap().unwrap();
            assert_eq!(permit.num_permits(), 1);
            drop(permit);
            assert_eq!(sem.available_permits(), 1);
        });
    });
}

#[test]
fn dropping_a_waiter_in_the_middle_of_the_queue_lets_the_rest_through() {
    watchdog::within(
        WATCHDOG,
        "the waiters behind the dropped one acquiring",
        || {
            let order = run(async {
                let sem = Rc::new(Semaphore::new(1));
                let log = Rc::new(RefCell::new(Vec::new()));
                let held = sem.clone().try_acquire_owned().unwrap();
                let a = waiter(&sem, 1, "a", &log);
                let b = waiter(&sem, 1, "b", &log);
                let c = waiter(&sem, 1, "c", &log);
                settle().await;
                b.abort(); // drops b's pending acquire: it leaves the queue
                drop(held);
                a.await.unwrap();
                assert!(b.await.unwrap_err().is_cancelled());
                c.await.unwrap();
                assert_eq!(sem.available_permits(), 1, "no permit lost");
                log.take()
            });
            assert_eq!(order, ["a", "c"]);
        },
    );
}

#[test]
fn a_dropped_waiter_hands_its_partial_permits_to_the_next() {
    watchdog::within(
        WATCHDOG,
        "the next waiter getting the partial permits",
        || {
            run(async {
                let sem = Rc::new(Semaphore::new(3));
                let log = Rc::new(RefCell::new(Vec::new()));
                let held = sem.try_acquire_many(3).unwrap();
                let big = waiter(&sem, 2, "big", &log);
                let small = waiter(&sem, 1, "small", &log);
                settle().await;
                sem.add_permits(1); // goes to `big` (1 of its 2); `small` must wait
                settle().await;
                assert!(
                    log.borrow().is_empty(),
                    "small overtook big: {:?}",
                    log.borrow()
                );
                assert_eq!(sem.available_permits(), 0);
                big.abort(); // big's one permit passes on to small
                small.await.unwrap();
                assert_eq!(*log.borrow(), ["small"]);
                drop(held);
                assert_eq!(sem.available_permits(), 4, "3 initial + 1 added");
            });
        },
    );
}

#[test]
fn a_waiter_dropped_after_being_served_gives_its_permits_back() {
    watchdog::within(WATCHDOG, "the served waiter's permits coming back", || {
        run(async {
            let sem = Rc::new(Semaphore::new(1));
            let held = sem.try_acquire().unwrap();
            let served = spawn(sem.clone().acquire_owned());
            settle().await;
            drop(held); // served now, but not polled yet
            served.abort();
            settle().await;
            assert_eq!(sem.available_permits(), 1);
            let again = sem.try_acquire().unwrap();
            drop(again);
        });
    });
}

#[test]
fn acquire_many_keeps_its_place_ahead_of_smaller_requests() {
    watchdog::within(WATCHDOG, "every waiter acquiring, in order", || {
        let order = run(async {
            let sem = Rc::new(Semaphore::new(2));
            let log = Rc::new(RefCell::new(Vec::new()));
            let first = sem.try_acquire().unwrap();
            let second = sem.try_acquire().unwrap();
            let big = waiter(&sem, 2, "big", &log);
            let small = waiter(&sem, 1, "small", &log);
            settle().await;
            drop(first);
            settle().await;
            assert!(
                log.borrow().is_empty(),
                "one free permit must not serve small"
            );
            drop(second);
            big.await.unwrap();
            small.await.unwrap();
            log.take()
        });
        assert_eq!(order, ["big", "small"]);
    });
}

#[test]
fn close_fails_waiters_and_later_acquires_but_held_permits_still_return() {
    watchdog::within(WATCHDOG, "the closed semaphore failing its waiter", || {
        run(async {
            let sem = Rc::new(Semaphore::new(1));
            let held = sem.try_acquire().unwrap();
            let waiting: Vec<_> = (0..3).map(|_| spawn(sem.clone().acquire_owned())).collect();
            settle().await;
            sem.close();
            assert!(sem.is_closed());
            for handle in waiting {
                let err: AcquireError = handle.await.unwrap().unwrap_err();
                assert_eq!(err.to_string(), "semaphore closed");
            }
            assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::Closed);
            assert!(sem.acquire_many(2).await.is_err());
            drop(held);
            assert_eq!(sem.available_permits(), 1);
            assert!(sem.acquire().await.is_err(), "closed stays closed");
        });
    });
}

#[test]
fn zero_permits_are_granted_at_once_unless_closed() {
    watchdog::within(WATCHDOG, "the zero-permit acquires returning", || {
        run(async {
            let sem = Semaphore::new(0);
            assert_eq!(sem.acquire_many(0).await.unwrap().num_permits(), 0);
            sem.close();
            assert!(sem.acquire_many(0).await.is_err());
        });
    });
}

#[test]
fn a_served_waiter_takes_the_permits_it_was_handed_not_free_ones() {
    // Polled by hand, so the permit count can be read between the poll that
    // completes the request and the request's drop.
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().unwrap();
    let mut acquire = pin!(sem.acquire());
    let mut cx = Context::from_waker(Waker::noop());
    assert!(
        acquire.as_mut().poll(&mut cx).is_pending(),
        "queued behind the held permit"
    );
    drop(held); // handed to the queued request
    sem.add_permits(1); // and one more is free
    let Poll::Ready(Ok(permit)) = acquire.as_mut().poll(&mut cx) else {
        panic!("the request that was handed its permit is not ready");
    };
    assert_eq!(permit.num_permits(), 1);
    assert_eq!(
        sem.available_permits(),
        1,
        "the served request took a free permit besides the one it was handed"
    );
    drop(permit);
    assert_eq!(sem.available_permits(), 2);
}

#[test]
fn a_forgotten_permit_stays_taken() {
    let sem = Semaphore::new(2);
    sem.try_acquire().unwrap().forget();
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn oneshot_delivers_its_value() {
    watchdog::within(WATCHDOG, "the oneshot's value arriving", || {
        let got = run(async {
            let (tx, rx) = oneshot::channel();
            spawn(async move { tx.send(String::from("pong")).unwrap() });
            rx.await
        });
        assert_eq!(got.as_deref(), Ok("pong"));
    });
}

#[test]
fn oneshot_sender_dropped_without_sending_is_an_error() {
    watchdog::within(WATCHDOG, "the receiver seeing its sender dropped", || {
        run(async {
            let (tx, rx) = oneshot::channel::<u8>();
            spawn(async move { drop(tx) });
            assert!(rx.await.is_err());
        });
    });
}

#[test]
fn oneshot_send_to_a_dropped_receiver_gives_the_value_back() {
    let (tx, rx) = oneshot::channel();
    assert!(!tx.is_closed());
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(5), Err(5));
}

#[test]
fn oneshot_try_recv_tells_empty_from_closed() {
    let (tx, mut rx) = oneshot::channel();
    assert_eq!(rx.try_recv(), Err(oneshot::TryRecvError::Empty));
    tx.send(1).unwrap();
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Err(oneshot::TryRecvError::Closed));
}

#[test]
fn mpsc_keeps_order_and_ends_when_every_sender_is_gone() {
    watchdog::within(
        WATCHDOG,
        "the receiver getting every message, then its end",
        || {
            let got = run(async {
                let (tx, mut rx) = mpsc::channel(3);
                let tx2 = tx.clone();
                spawn(async move {
                    for n in 0..10 {
                        tx.send(n).await.unwrap();
                    }
                });
                spawn(async move {
                    for n in 100..105 {
                        tx2.send(n).await.unwrap();
                    }
                });
                let mut got = Vec::new();
                while let Some(n) = rx.recv().await {
                    got.push(n);
                }
                got
            });
            let first: Vec<_> = got.iter().copied().filter(|n| *n < 100).collect();
            let second: Vec<_> = got.iter().copied().filter(|n| *n >= 100).collect();
            assert_eq!(first, (0..10).collect::<Vec<_>>());
            assert_eq!(second, (100..105).collect::<Vec<_>>());
        },
    );
}

#[test]
fn mpsc_try_send_on_a_full_channel_gives_the_value_back() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(1).unwrap();
    assert!(matches!(tx.try_send(2), Err(mpsc::TrySendError::Full(2))));
    assert_eq!(rx.try_recv(), Ok(1));
    tx.try_send(3).unwrap();
    assert_eq!(rx.len(), 1);
}

#[test]
fn mpsc_receiver_dropped_fails_waiting_and_later_sends_with_their_values() {
    watchdog::within(
        WATCHDOG,
        "the waiting sender failing once the receiver is dropped",
        || {
            run(async {
                let (tx, rx) = mpsc::channel(1);
                let tx = Rc::new(tx);
                tx.send(1).await.unwrap();
                let blocked = {
                    let tx = tx.clone();
                    spawn(async move { tx.send(2).await })
                };
                settle().await; // the second send waits for room
                drop(rx);
                assert_eq!(blocked.await.unwrap().unwrap_err().0, 2);
                assert!(tx.is_closed());
                assert_eq!(tx.send(3).await.unwrap_err().0, 3);
                assert!(matches!(tx.try_send(4), Err(mpsc::TrySendError::Closed(4))));
            });
        },
    );
}

#[test]
fn mpsc_close_keeps_queued_messages_then_ends() {
    watchdog::within(
        WATCHDOG,
        "the closed channel's queued messages, then its end",
        || {
            run(async {
                let (tx, mut rx) = mpsc::channel(4);
                tx.send("a").await.unwrap();
                tx.send("b").await.unwrap();
                rx.close();
                assert!(tx.send("c").await.is_err());
                assert_eq!(rx.recv().await, Some("a"));
                assert_eq!(rx.recv().await, Some("b"));
                assert_eq!(rx.recv().await, None, "a live sender cannot reopen it");
                drop(tx);
            });
        },
    );
}

#[test]
fn mpsc_senders_waiting_for_room_are_served_in_order() {
    watchdog::within(
        WATCHDOG,
        "every sender waiting for room being served",
        || {
            let got = run(async {
                let (tx, mut rx) = mpsc::channel(1);
                tx.send(0).await.unwrap();
                let tx = Rc::new(tx);
                for n in 1..=5 {
                    let tx = tx.clone();
                    spawn(async move { tx.send(n).await.unwrap() });
                }
                drop(tx);
                let mut got = Vec::new();
                while let Some(n) = rx.recv().await {
                    got.push(n);
                }
                got
            });
            assert_eq!(got, [0, 1, 2, 3, 4, 5]);
        },
    );
}

#[test]
fn mpsc_try_recv_tells_empty_from_disconnected() {
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    assert_eq!(rx.try_recv(), Err(mpsc::TryRecvError::Empty));
    drop(tx);
    assert_eq!(rx.try_recv(), Err(mpsc::TryRecvError::Disconnected));
}
