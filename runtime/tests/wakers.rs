//! Wakers are `Send + Sync`: waking from other threads goes through the
//! remote queue and interrupts the loop's poll.

use std::future::poll_fn;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::thread;
use std::time::Duration;

use runtime::{run, spawn};

/// A one-shot flag set by another thread, with the waker of the task
/// waiting for it.
#[derive(Default)]
struct Signal {
    set: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Signal {
    fn fire(&self) {
        self.set.store(true, Ordering::Release);
        let waker = self.waker.lock().unwrap().take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    async fn wait(&self) {
        poll_fn(|cx| {
            *self.waker.lock().unwrap() = Some(cx.waker().clone());
            if self.set.load(Ordering::Acquire) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await
    }
}

/// How long a test may wait for its wakes before the watchdog fails it;
/// each takes milliseconds when none is lost.
const WATCHDOG: Duration = Duration::from_secs(60);

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn wakers_are_send_and_sync() {
    assert_send_sync::<Waker>();
}

#[test]
fn a_waker_moved_to_a_sleeping_thread_completes_the_task() {
    watchdog::within(
        WATCHDOG,
        "the task woken from a sleeping thread to finish",
        || {
            let signal = Arc::new(Signal::default());
            let value = run({
                let signal = signal.clone();
                async move {
                    let task = spawn({
                        let signal = signal.clone();
                        async move {
                            signal.wait().await;
                            "woken from another thread"
                        }
                    });
                    let thread = thread::spawn({
                        let signal = signal.clone();
                        move || {
                            thread::sleep(Duration::from_millis(50));
                            signal.fire();
                        }
                    });
                    // The loop now has nothing to do and blocks in epoll_wait: only
                    // the remote path (channel + mio::Waker) can bring it back.
                    let value = task.await.unwrap();
                    thread.join().unwrap();
                    value
                }
            });
            assert_eq!(value, "woken from another thread");
        },
    );
}

#[test]
fn many_threads_waking_many_tasks_lose_no_wake() {
    watchdog::within(
        WATCHDOG,
        "every task woken from four threads to finish",
        || {
            const TASKS: usize = 64;
            const THREADS: usize = 4;
            let signals: Vec<Arc<Signal>> =
                (0..TASKS).map(|_| Arc::new(Signal::default())).collect();
            let finished = Arc::new(AtomicUsize::new(0));
            run({
                let signals = signals.clone();
                let finished = finished.clone();
                async move {
                    let handles: Vec<_> = signals
                        .iter()
                        .cloned()
                        .map(|signal| {
                            let finished = finished.clone();
                            spawn(async move {
                                signal.wait().await;
                                finished.fetch_add(1, Ordering::Relaxed);
                            })
                        })
                        .collect();
                    let threads: Vec<_> = (0..THREADS)
                        .map(|t| {
                            let mine: Vec<_> =
                                signals.iter().skip(t).step_by(THREADS).cloned().collect();
                            thread::spawn(move || {
                                for signal in mine {
                                    signal.fire();
                                }
                            })
                        })
                        .collect();
                    for handle in handles {
                        handle.await.unwrap();
                    }
                    for thread in threads {
                        thread.join().unwrap();
                    }
                }
            });
            assert_eq!(finished.load(Ordering::Relaxed), TASKS);
        },
    );
}

#[test]
fn a_waker_that_outlives_its_runtime_is_harmless() {
    let stash: Arc<Mutex<Option<Waker>>> = Arc::default();
    run({
        let stash = stash.clone();
        async move {
            spawn(poll_fn(move |cx| {
                *stash.lock().unwrap() = Some(cx.waker().clone());
                Poll::<()>::Pending
            }));
            runtime::yield_now().await;
        }
    });
    let waker = stash.lock().unwrap().take().unwrap();
    thread::spawn(move || waker.wake()).join().unwrap();
}
