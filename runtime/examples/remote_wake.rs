//! A wake from another thread while the loop is parked: the program of the
//! second walk in `docs/INTERNALS.md`.
//!
//! ```text
//! RUNTIME_TRACE=1 cargo run -p runtime --example remote_wake
//! ```
//!
//! One task waits for a value that a plain thread delivers 100 ms later,
//! through a hand-written future: the task leaves its waker in a mutex the
//! thread can reach, and the thread stores the value, then calls `wake`.
//! By then the loop has nothing to run and no timer, so it is parked in
//! `epoll_wait` with no timeout; the wake pushes the task on the loop's
//! remote queue and rings the loop's `mio::Waker`, which ends the park.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use runtime::task;

/// What the two threads share: the value once delivered, and the waker of
/// the task waiting for it.
#[derive(Default)]
struct Mailbox {
    /// The delivered value.
    value: Option<u32>,
    /// The waiting task's waker, left by its last `Pending` poll.
    waker: Option<Waker>,
}

/// A future ready once the mailbox holds a value.
struct Delivery(Arc<Mutex<Mailbox>>);

impl Future for Delivery {
    type Output = u32;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        let mut mailbox = self.0.lock().expect("no thread panicked holding it");
        match mailbox.value.take() {
            Some(value) => Poll::Ready(value),
            None => {
                // Replace the stored waker only if it would wake another task.
                if !mailbox
                    .waker
                    .as_ref()
                    .is_some_and(|w| w.will_wake(cx.waker()))
                {
                    mailbox.waker = Some(cx.waker().clone());
                }
                Poll::Pending
            }
        }
    }
}

fn main() {
    let answer = runtime::run(async {
        let mailbox = Arc::new(Mutex::new(Mailbox::default()));
        let waiter = task::Builder::new()
            .name("waiter")
            .spawn(Delivery(Arc::clone(&mailbox)));
        let sender = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            let waker = {
                let mut mailbox = mailbox.lock().expect("no thread panicked holding it");
                mailbox.value = Some(42);
                mailbox.waker.take()
            };
            // Woken after the lock is released, so the woken task's poll
            // never waits for it.
            if let Some(waker) = waker {
                waker.wake();
            }
        });
        let answer = waiter.await.expect("the waiter finishes");
        sender.join().expect("the sender thread finishes");
        answer
    });
    println!("answer: {answer}");
}
