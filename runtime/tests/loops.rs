//! A set of loops: one runtime per thread, started, used and stopped
//! together; the channel across them; listeners sharing a port.
//!
//! Every wait is bounded: a loop that never answers fails the test with a
//! message instead of hanging it.

#[cfg(target_os = "linux")]
use std::io::{Read, Write};
#[cfg(unix)]
use std::net::SocketAddr;
#[cfg(target_os = "linux")]
use std::net::TcpStream;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use runtime::loops::{self, Builder, Loops};
#[cfg(target_os = "linux")]
use runtime::net::TcpListener;

/// Longest any test waits for a loop; generous, for a loaded machine.
const PATIENCE: Duration = Duration::from_secs(60);

/// Runs `test` under the watchdog: fails, naming `what`, if it takes longer
/// than [`PATIENCE`].
fn bounded(what: &str, test: impl FnOnce() + Send + 'static) {
    watchdog::within(PATIENCE, what, test);
}

#[test]
fn run_on_each_runs_one_future_per_loop_on_its_own_named_thread() {
    bounded("run_on_each returning every loop's result", || {
        let loops = Builder::new(3).name("shard").build().unwrap();
        assert_eq!(loops.len(), 3);
        let seen = loops.run_on_each(|index| async move {
            // `Rc` makes the future !Send: it is built on the loop.
            let here = Rc::new(thread::current());
            runtime::yield_now().await;
            (index, here.name().unwrap().to_owned(), here.id())
        });
        let names: Vec<_> = seen
            .iter()
            .map(|(i, name, _)| (*i, name.as_str()))
            .collect();
        assert_eq!(names, [(0, "shard-0"), (1, "shard-1"), (2, "shard-2")]);
        assert_ne!(seen[0].2, seen[1].2, "two loops, two threads");
        assert_ne!(seen[1].2, seen[2].2);
        assert_ne!(seen[0].2, thread::current().id());
    });
}

#[test]
fn spawn_on_runs_the_future_on_the_chosen_loop() {
    bounded("the task spawned on loop 1 finishing", || {
        let loops = Loops::new(2).unwrap();
        for index in [1, 0, 1] {
            let name = loops
                .spawn_on(index, async {
                    thread::current().name().unwrap().to_owned()
                })
                .unwrap()
                .join()
                .unwrap();
            assert_eq!(name, format!("loop-{index}"));
        }
    });
}

#[test]
fn run_on_runs_a_future_that_is_not_send_on_the_chosen_loop() {
    bounded("run_on returning the !Send future's result", || {
        let loops = Loops::new(2).unwrap();
        let name = loops.run_on(1, || {
            let here = Rc::new(thread::current()); // !Send, built on loop 1
            async move {
                let task = runtime::spawn(async { 20 });
                let twenty = task.await.unwrap(); // a local JoinHandle: !Send
                (here.name().unwrap().to_owned(), twenty + 1)
            }
        });
        assert_eq!(name, ("loop-1".to_owned(), 21));
    });
}

#[test]
fn each_loop_has_a_handle_to_itself() {
    bounded("each loop answering through its own handle", || {
        let loops = Loops::new(2).unwrap();
        let handle = loops.handle(1).clone();
        let name = handle
            .spawn(async { thread::current().name().unwrap().to_owned() })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(name, "loop-1");
    });
}

/// Counts its drops, to see tasks cancelled at shutdown.
struct DropCounter(Arc<AtomicUsize>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn shutdown_stops_every_loop_and_drops_the_tasks_still_waiting() {
    bounded("shutdown stopping every loop", || {
        let dropped = Arc::new(AtomicUsize::new(0));
        let loops = Loops::new(2).unwrap();
        let counter = Arc::clone(&dropped);
        loops.run_on_each(move |_| {
            let guard = DropCounter(Arc::clone(&counter));
            async move {
                // A task that would wait forever, holding the guard (and
                // its waker, as a real endless wait does: `pending()` would
                // be a lost waker).
                runtime::spawn(async move {
                    let _guard = guard;
                    let mut kept = None;
                    std::future::poll_fn(|cx| {
                        kept = Some(cx.waker().clone());
                        std::task::Poll::<()>::Pending
                    })
                    .await;
                });
            }
        });
        assert_eq!(dropped.load(Ordering::SeqCst), 0, "alive before shutdown");
        loops.shutdown();
        assert_eq!(
            dropped.load(Ordering::SeqCst),
            2,
            "one task per loop dropped"
        );
    });
}

#[test]
fn zero_loops_is_an_error_not_a_panic() {
    let err = Loops::new(0).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

#[test]
fn a_panic_on_one_loop_reaches_the_caller_after_the_others_finish() {
    bounded(
        "the panic reaching the caller after the other loops",
        || {
            let loops = Loops::new(2).unwrap();
            let finished = Arc::new(AtomicUsize::new(0));
            let count = Arc::clone(&finished);
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                loops.run_on_each(move |index| {
                    let count = Arc::clone(&count);
                    async move {
                        if index == 0 {
                            panic!("loop zero gives up");
                        }
                        runtime::time::sleep(Duration::from_millis(20)).await;
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                })
            }));
            let payload = result.expect_err("the panic is re-raised");
            assert_eq!(payload.downcast_ref::<&str>(), Some(&"loop zero gives up"));
            assert_eq!(
                finished.load(Ordering::SeqCst),
                1,
                "loop one finished first"
            );
            // The loops survive a task's panic.
            assert_eq!(loops.run_on_each(|index| async move { index }), [0, 1]);
        },
    );
}

#[test]
#[should_panic(expected = "call them from a thread that runs no runtime")]
fn run_on_each_inside_a_runtime_panics_instead_of_deadlocking() {
    let loops = Loops::new(1).unwrap();
    runtime::run(async move {
        loops.run_on_each(|_| async {});
    });
}

#[cfg(target_os = "linux")]
#[test]
fn pinned_loops_run_on_the_cores_they_report() {
    bounded("the pinned loops reporting their cores", || {
        let loops = Builder::new(2).pin_to_cores(true).build().unwrap();
        let cores = [loops.core(0).unwrap(), loops.core(1).unwrap()];
        let allowed = loops.run_on_each(|_| async { allowed_cpus() });
        for (core, allowed) in cores.iter().zip(&allowed) {
            assert_eq!(
                allowed,
                &format!("{core}"),
                "the thread may run on its core only"
            );
        }
        if thread::available_parallelism().map_or(1, |n| n.get()) >= 2 {
            assert_ne!(cores[0], cores[1], "two cores for two loops");
        }
    });
}

/// The calling thread's `Cpus_allowed_list` from procfs, e.g. `0-1` or `1`.
#[cfg(target_os = "linux")]
fn allowed_cpus() -> String {
    let status = std::fs::read_to_string("/proc/thread-self/status").unwrap();
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix("Cpus_allowed_list:"))
        .unwrap();
    line.trim().to_owned()
}

#[cfg(not(target_os = "linux"))]
#[test]
fn pinning_elsewhere_is_a_clear_error() {
    let err = Builder::new(1).pin_to_cores(true).build().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::Unsupported);
}

#[test]
fn the_channel_carries_every_message_from_many_threads_in_each_senders_order() {
    bounded("every message crossing the channel", || {
        const SENDERS: usize = 4;
        const EACH: usize = 1000;
        let (tx, mut rx) = loops::channel();
        let producers: Vec<_> = (0..SENDERS)
            .map(|sender| {
                let tx = tx.clone();
                thread::spawn(move || {
                    for n in 0..EACH {
                        tx.send((sender, n)).unwrap();
                    }
                })
            })
            .collect();
        drop(tx);
        let got = runtime::run(async move {
            let mut got = Vec::new();
            while let Some(message) = rx.recv().await {
                got.push(message);
            }
            got
        });
        for producer in producers {
            producer.join().unwrap();
        }
        assert_eq!(got.len(), SENDERS * EACH);
        for sender in 0..SENDERS {
            let mine: Vec<usize> = got.iter().filter(|m| m.0 == sender).map(|m| m.1).collect();
            assert_eq!(
                mine,
                (0..EACH).collect::<Vec<_>>(),
                "sender {sender} in order"
            );
        }
    });
}

#[test]
fn one_loop_sends_to_another() {
    bounded("the message from one loop reaching the other", || {
        let loops = Loops::new(2).unwrap();
        let (tx, rx) = loops::channel::<u32>();
        let slot = Arc::new(std::sync::Mutex::new((Some(tx), Some(rx))));
        let sums = loops.run_on_each(move |index| {
            // Loop 0 takes the sending end, loop 1 the receiving end.
            let mut ends = slot.lock().unwrap();
            let tx = if index == 0 { ends.0.take() } else { None };
            let rx = if index == 1 { ends.1.take() } else { None };
            drop(ends);
            async move {
                if index == 0 {
                    let tx = tx.unwrap();
                    for n in 1..=10 {
                        tx.send(n).unwrap();
                        runtime::yield_now().await;
                    }
                    0
                } else {
                    let mut rx = rx.unwrap();
                    let mut sum = 0;
                    while let Some(n) = rx.recv().await {
                        sum += n;
                    }
                    sum
                }
            }
        });
        assert_eq!(sums, [0, 55]);
    });
}

#[test]
fn sending_to_a_dropped_receiver_gives_the_message_back() {
    let (tx, rx) = loops::channel::<String>();
    drop(rx);
    let err = tx.send("kept".to_owned()).unwrap_err();
    assert_eq!(err.0, "kept");
    assert!(err.to_string().contains("receiving end"), "{err}");
}

#[test]
fn a_receiver_waiting_on_a_loop_wakes_when_the_last_sender_goes() {
    bounded(
        "the waiting receiver waking when the last sender goes",
        || {
            let (tx, mut rx) = loops::channel::<()>();
            let (parked, is_parked) = mpsc::channel();
            let closer = thread::spawn(move || {
                is_parked.recv().unwrap();
                thread::sleep(Duration::from_millis(20));
                drop(tx);
            });
            let got = runtime::run(async move {
                runtime::spawn(async move {
                    runtime::yield_now().await;
                    parked.send(()).unwrap();
                });
                rx.recv().await
            });
            assert_eq!(got, None);
            closer.join().unwrap();
        },
    );
}

#[cfg(target_os = "linux")]
#[test]
fn listeners_with_reuseport_share_a_port_and_the_kernel_spreads_connections() {
    bounded(
        "the listeners sharing the port accepting every connection",
        || {
            const CONNECTIONS: usize = 64;
            let loops = Loops::new(2).unwrap();
            let first =
                runtime::net::reuseport_listener("127.0.0.1:0".parse().unwrap(), 128).unwrap();
            let addr = first.local_addr().unwrap();
            let second = runtime::net::reuseport_listener(addr, 128).unwrap();
            let sockets = Arc::new(std::sync::Mutex::new(vec![Some(first), Some(second)]));
            let (ready, all_ready) = mpsc::channel();
            let ready = Arc::new(std::sync::Mutex::new(ready));
            // Each loop counts what it accepts until its stop channel closes.
            let each_stop: Vec<_> = (0..2).map(|_| loops::channel::<()>()).collect();
            let (stop_senders, stop_receivers): (Vec<_>, Vec<_>) = each_stop.into_iter().unzip();
            let stop_receivers = Arc::new(std::sync::Mutex::new(
                stop_receivers.into_iter().map(Some).collect::<Vec<_>>(),
            ));
            let driver = thread::spawn(move || {
                all_ready.recv().unwrap();
                all_ready.recv().unwrap();
                for _ in 0..CONNECTIONS {
                    let mut stream = TcpStream::connect(addr).unwrap();
                    let mut byte = [0];
                    stream.read_exact(&mut byte).unwrap();
                    stream.write_all(b"x").unwrap();
                }
                drop(stop_senders);
            });
            let counts = loops.run_on_each(move |index| {
                let socket = sockets.lock().unwrap()[index].take().unwrap();
                let mut stop = stop_receivers.lock().unwrap()[index].take().unwrap();
                let ready = ready.lock().unwrap().clone();
                async move {
                    let listener = TcpListener::from_std(socket).unwrap();
                    ready.send(()).unwrap();
                    let mut accepted = 0;
                    loop {
                        let next = runtime::future::select(listener.accept(), stop.recv()).await;
                        match next {
                            runtime::future::Either::Left((Ok((mut stream, _)), _)) => {
                                accepted += 1;
                                stream.write_all(b"!").await.unwrap();
                                let mut byte = [0];
                                stream.read_exact(&mut byte).await.unwrap();
                            }
                            runtime::future::Either::Left((Err(err), _)) => panic!("accept: {err}"),
                            runtime::future::Either::Right(_) => return accepted,
                        }
                    }
                }
            });
            driver.join().unwrap();
            assert_eq!(counts.iter().sum::<usize>(), CONNECTIONS);
            // 64 connections from 64 source ports all hashed to one socket:
            // a chance of 2^-63.
            assert!(
                counts.iter().all(|&n| n > 0),
                "the kernel spread them: {counts:?}"
            );
        },
    );
}

#[cfg(unix)]
#[test]
fn a_second_listener_without_reuseport_cannot_share_the_port() {
    let first = runtime::net::reuseport_listener("127.0.0.1:0".parse().unwrap(), 16).unwrap();
    let addr: SocketAddr = first.local_addr().unwrap();
    let err = std::net::TcpListener::bind(addr).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
}

#[cfg(windows)]
#[test]
fn reuseport_on_windows_is_a_clear_error_not_a_panic() {
    let err = runtime::net::reuseport_listener("127.0.0.1:0".parse().unwrap(), 16).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::Unsupported);
    assert!(err.to_string().contains("SO_REUSEPORT"), "{err}");
}
