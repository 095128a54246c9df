//! The doorbell of `loops::channel` under the memory model: senders on
//! other threads race the receiving task's park (the Dekker pattern in
//! `runtime/src/loops/channel.rs`).
//!
//! Miri runs these with weak-memory emulation over many seeds:
//!
//! ```sh
//! MIRIFLAGS="-Zmiri-many-seeds=0..16" cargo +nightly miri test -p runtime --test channel_race
//! ```
//!
//! A lost wake shows up as a deadlock: the receiving task parks on a
//! message (or a close) it did not see, nobody wakes it, and the loop
//! blocks in `epoll_wait`. Miri reports the deadlock; a native run would
//! hang instead, so there each test runs under a watchdog. Weakening the
//! doorbell's two `SeqCst` fences to `AcqRel` makes Miri report that
//! deadlock at the first seed.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use runtime::loops::channel;

/// How long a native run may take before the watchdog calls it a lost
/// wake; each test takes milliseconds when nothing is lost.
const WATCHDOG: Duration = Duration::from_secs(60);

/// Runs `test` on its own thread, failing after [`WATCHDOG`]; under Miri,
/// directly (Miri detects the deadlock, and its clock is virtual).
fn bounded(test: impl FnOnce() + Send + 'static) {
    if cfg!(miri) {
        return test();
    }
    let (done, finished) = mpsc::channel();
    let runner = thread::spawn(move || {
        test();
        let _ = done.send(());
    });
    match finished.recv_timeout(WATCHDOG) {
        Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => runner.join().unwrap(),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("the receiver never finished within {WATCHDOG:?}: a wake was lost")
        }
    }
}

/// Messages each sender sends: few, so that Miri's runs stay short, and
/// more than one, so that a park can fall between two sends.
const MESSAGES: u32 = 3;

#[test]
fn every_message_from_another_thread_wakes_the_receiver() {
    bounded(|| {
        let (tx, mut rx) = channel();
        let sender = thread::spawn(move || {
            for n in 0..MESSAGES {
                tx.send(n).unwrap();
            }
        });
        let got = runtime::run(async move {
            let mut got = Vec::new();
            while let Some(n) = rx.recv().await {
                got.push(n);
            }
            got
        });
        sender.join().unwrap();
        assert_eq!(got, (0..MESSAGES).collect::<Vec<_>>());
    });
}

#[test]
fn two_senders_and_their_drops_wake_the_receiver() {
    bounded(|| {
        let (tx, mut rx) = channel();
        let senders: Vec<_> = (0..2)
            .map(|id| {
                let tx = tx.clone();
                thread::spawn(move || {
                    for n in 0..MESSAGES {
                        tx.send((id, n)).unwrap();
                    }
                })
            })
            .collect();
        drop(tx);
        let count = runtime::run(async move {
            let mut count = 0;
            while rx.recv().await.is_some() {
                count += 1;
            }
            count
        });
        for sender in senders {
            sender.join().unwrap();
        }
        assert_eq!(count, 2 * MESSAGES);
    });
}

#[test]
fn the_last_senders_drop_alone_wakes_a_parked_receiver() {
    bounded(|| {
        let (tx, mut rx) = channel::<()>();
        let dropper = thread::spawn(move || drop(tx));
        let got = runtime::run(async move { rx.recv().await });
        dropper.join().unwrap();
        assert_eq!(got, None);
    });
}
