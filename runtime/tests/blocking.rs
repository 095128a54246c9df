//! `spawn_blocking` and `lookup_host`: the blocking pool seen from tasks.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use runtime::net::lookup_host;
use runtime::{Builder, spawn, spawn_blocking};

/// How long a test may wait for its jobs before the watchdog fails it: a
/// job's completion reaches its task through a remote wake, which a broken
/// wake protocol would lose, leaving the loop asleep.
const WATCHDOG: Duration = Duration::from_secs(60);

#[test]
fn a_blocking_result_comes_back_to_the_awaiting_task() {
    watchdog::within(
        WATCHDOG,
        "every blocking job's completion to wake its task",
        || {
            let out = runtime::run(async {
                let here = std::thread::current().id();
                let there = spawn_blocking(|| std::thread::current().id())
                    .await
                    .unwrap();
                (here, there)
            });
            assert_ne!(out.0, out.1, "the job ran on another thread");
        },
    );
}

#[test]
fn never_more_than_the_cap_run_at_once() {
    watchdog::within(
        WATCHDOG,
        "every blocking job's completion to wake its task",
        || {
            /// The cap under test, and the tasks that share it.
            const CAP: usize = 4;
            const TASKS: usize = 100;
            let rt = Builder::new().max_blocking_threads(CAP).build().unwrap();
            let running = Arc::new(AtomicUsize::new(0));
            let max_seen = Arc::new(AtomicUsize::new(0));
            let done = rt.block_on(async {
                let handles: Vec<_> = (0..TASKS)
                    .map(|i| {
                        let (running, max_seen) = (running.clone(), max_seen.clone());
                        spawn(async move {
                            spawn_blocking(move || {
                                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                                max_seen.fetch_max(now, Ordering::SeqCst);
                                std::thread::sleep(Duration::from_millis(1));
                                running.fetch_sub(1, Ordering::SeqCst);
                                i
                            })
                            .await
                            .unwrap()
                        })
                    })
                    .collect();
                let mut sum = 0;
                for handle in handles {
                    sum += handle.await.unwrap();
                }
                sum
            });
            assert_eq!(done, (0..TASKS).sum::<usize>());
            let max = max_seen.load(Ordering::SeqCst);
            assert!(max <= CAP, "{max} jobs ran at once with a cap of {CAP}");
            assert!(
                max >= 2,
                "the pool ran jobs in parallel (saw at most {max})"
            );
        },
    );
}

#[test]
fn a_panic_in_the_job_is_a_panic_join_error() {
    watchdog::within(
        WATCHDOG,
        "every blocking job's completion to wake its task",
        || {
            let err = runtime::run(async {
                spawn_blocking(|| -> u8 { panic!("boom in a thread") }).await
            })
            .unwrap_err();
            assert!(err.is_panic());
            let payload = err.into_panic();
            assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom in a thread"));
        },
    );
}

#[test]
fn the_runtime_goes_on_after_a_blocking_panic() {
    watchdog::within(
        WATCHDOG,
        "every blocking job's completion to wake its task",
        || {
            let n = runtime::run(async {
                let _ = spawn_blocking(|| panic!("first")).await;
                spawn_blocking(|| 7).await.unwrap()
            });
            assert_eq!(n, 7);
        },
    );
}

#[test]
fn dropping_the_runtime_with_a_job_running_does_not_wait_for_it() {
    watchdog::within(
        WATCHDOG,
        "every blocking job's completion to wake its task",
        || {
            let rt = Builder::new().max_blocking_threads(1).build().unwrap();
            let (release, gate) = std::sync::mpsc::channel::<()>();
            let (started_tx, started) = std::sync::mpsc::channel::<()>();
            let finished = Arc::new(AtomicUsize::new(0));
            let in_job = finished.clone();
            rt.block_on(async move {
                let _detached = spawn_blocking(move || {
                    started_tx.send(()).unwrap();
                    let _ = gate.recv();
                    in_job.fetch_add(1, Ordering::SeqCst);
                });
            });
            started.recv().unwrap();
            drop(rt); // returns while the job is still blocked
            assert_eq!(finished.load(Ordering::SeqCst), 0);
            release.send(()).unwrap();
        },
    );
}

#[test]
fn lookup_of_localhost_gives_a_loopback_address() {
    watchdog::within(
        WATCHDOG,
        "every blocking job's completion to wake its task",
        || {
            let addrs = runtime::run(lookup_host("localhost:8001")).unwrap();
            assert!(!addrs.is_empty());
            assert!(
                addrs
                    .iter()
                    .all(|a| a.ip().is_loopback() && a.port() == 8001),
                "{addrs:?}"
            );
        },
    );
}

#[test]
fn ip_literals_are_parsed_without_a_lookup() {
    // Polled outside any runtime: reaching the blocking pool would panic
    // ("must be called from inside a runtime"), so Ready on the first poll
    // shows that no job was submitted.
    let mut cx = Context::from_waker(Waker::noop());
    for (literal, want) in [("127.0.0.1:80", "127.0.0.1:80"), ("[::1]:443", "[::1]:443")] {
        let polled = pin!(lookup_host(literal)).poll(&mut cx);
        let Poll::Ready(addrs) = polled else {
            panic!("{literal} needed more than one poll");
        };
        assert_eq!(addrs.unwrap(), vec![want.parse::<SocketAddr>().unwrap()]);
    }
}

#[test]
fn a_missing_or_bad_port_is_invalid_input() {
    watchdog::within(
        WATCHDOG,
        "every blocking job's completion to wake its task",
        || {
            for bad in ["localhost", "localhost:http", "localhost:70000", ":80"] {
                let err = runtime::run(lookup_host(bad)).unwrap_err();
                assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{bad}");
            }
        },
    );
}

#[test]
fn an_unknown_name_is_an_error_not_a_panic() {
    watchdog::within(
        WATCHDOG,
        "every blocking job's completion to wake its task",
        || {
            // `.invalid` is reserved (RFC 2606): it never resolves.
            assert!(runtime::run(lookup_host("no-such-host.invalid:80")).is_err());
        },
    );
}
