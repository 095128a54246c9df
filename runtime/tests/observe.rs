//! Seeing the loop: stats counts, the tick trace, the slow-poll warning.
//!
//! The trace and the warning go to stderr, which a test cannot capture in
//! its own process. So those tests run a *child*: this same test binary,
//! asked to run one `child_*` test, with the environment set. The child
//! tests do nothing unless `OBSERVE_CHILD` is set.

use std::time::Duration;

use runtime::{Builder, Runtime, spawn, task, time, yield_now};

mod util;

/// How long a test may wait for its tasks' wakes before the watchdog fails
/// it (a lost wake leaves the loop asleep with nothing to wake it); each
/// takes milliseconds when none is lost.
const WATCHDOG: Duration = Duration::from_secs(60);

/// Runs the test `name` of this binary in a child process with `env` set,
/// and returns its stderr.
fn run_child(name: &str, env: &[(&str, &str)]) -> String {
    util::run_child_test(
        name,
        "OBSERVE_CHILD",
        &["RUNTIME_TRACE", "RUNTIME_SLOW_POLL_MS"],
        env,
    )
}

fn is_child() -> bool {
    std::env::var_os("OBSERVE_CHILD").is_some()
}

#[test]
fn stats_count_a_small_program_exactly() {
    watchdog::within(WATCHDOG, "stats count a small program exactly", || {
        let rt = Runtime::new().unwrap();
        let sum = rt.block_on(async {
            let a = spawn(async {
                yield_now().await;
                1
            });
            let b = spawn(async { 2 });
            a.await.unwrap() + b.await.unwrap()
        });
        assert_eq!(sum, 3);
        let stats = rt.stats();
        assert_eq!(stats.tasks_spawned, 2);
        assert_eq!(stats.tasks_finished, 2);
        assert_eq!(stats.tasks_alive, 0);
        // main (spawns, waits for a) · a (yields) · b (done) · a (done, wakes
        // main) · main (done): five polls, all within the first batch.
        assert_eq!(stats.polls, 5);
        // The first schedule of main, a and b, a's yield, a's join wake of main.
        assert_eq!(stats.local_wakes, 5);
        assert_eq!(stats.remote_wakes, 0);
        assert_eq!(stats.ticks, 0, "the loop never had to park");
        assert_eq!((stats.timers_armed, stats.timers_fired), (0, 0));
    });
}

#[test]
fn stats_count_timers_sockets_and_remote_wakes() {
    watchdog::within(
        WATCHDOG,
        "stats count timers sockets and remote wakes",
        || {
            let rt = Builder::new().start_paused(true).build().unwrap();
            rt.block_on(async {
                time::sleep(Duration::from_secs(5)).await;
                // Registered, then dropped before it fires.
                let _ = time::timeout(Duration::from_secs(60), yield_now()).await;
                let listener =
                    runtime::net::TcpListener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
                let addr = listener.local_addr().unwrap();
                let _client = runtime::net::TcpStream::connect(addr).await.unwrap();
                let (_server, _) = listener.accept().await.unwrap();
                assert_eq!(runtime::stats().io_sources, 3);
                assert_eq!(runtime::spawn_blocking(|| 6).await.unwrap(), 6);
            });
            let stats = rt.stats();
            assert_eq!(stats.timers_armed, 2);
            assert_eq!(stats.timers_fired, 1);
            assert_eq!(stats.timers_cancelled, 1);
            assert_eq!(stats.io_sources, 0, "the sockets deregistered when dropped");
            assert!(stats.io_events >= 1, "{stats:?}");
            assert!(
                stats.remote_wakes >= 1,
                "the blocking job's completion: {stats:?}"
            );
            assert!(stats.ticks >= 2, "{stats:?}");
            // The pool's thread wakes the task first and counts itself idle just
            // after, so give it a moment (bounded) to do so.
            let mut pool = rt.stats();
            for _ in 0..500 {
                if pool.blocking_busy == 0 {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
                pool = rt.stats();
            }
            assert_eq!((pool.blocking_busy, pool.blocking_idle), (0, 1), "{pool:?}");
            // The display is a small table with one row per area.
            let table = stats.to_string();
            for row in [
                "tasks",
                "polls",
                "wakes",
                "loop ticks",
                "reactor",
                "timers",
                "blocking pool",
            ] {
                assert!(
                    table.lines().any(|l| l.starts_with(row)),
                    "{row} in\n{table}"
                );
            }
        },
    );
}

/// The tiny program whose trace is checked: a named task sleeps on the
/// paused clock, then a blocking job answers from another thread.
/// (The trace of socket events, `io: token 5 readable -> wake task 7`, is
/// left out: how many events a connect produces depends on the kernel; it
/// is checked on its own, in `child_io_trace`.)
#[test]
fn child_trace() {
    watchdog::within(WATCHDOG, "child trace", || {
        if !is_child() {
            return;
        }
        let rt = Builder::new().start_paused(true).build().unwrap();
        rt.block_on(async {
            let spin = task::Builder::new().name("spin").spawn(async {
                time::sleep(Duration::from_millis(5)).await;
            });
            spin.await.unwrap();
            // The job sleeps so that its waiting task is surely polled (and
            // parks) before the answer comes back through the remote queue.
            let job = runtime::spawn_blocking(|| {
                std::thread::sleep(Duration::from_millis(200));
                7
            });
            assert_eq!(job.await.unwrap(), 7);
        });
        eprintln!("stats ticks: {}", rt.stats().ticks);
    });
}

/// Strips `tick N: ` so the sequence can be compared without tick numbers,
/// and a park line's measured part (` -> slept 0.2 ms, 0 events`), which
/// depends on the machine.
fn without_tick(line: &str) -> &str {
    let line = match line.split_once(": ") {
        Some((head, rest)) if head.starts_with("tick ") => rest,
        _ => line,
    };
    line.split(" -> slept ").next().unwrap_or(line)
}

/// The tick number of a `tick N: ...` line.
fn tick_of(line: &str) -> Option<u64> {
    line.strip_prefix("tick ")?.split(':').next()?.parse().ok()
}

#[test]
fn the_trace_of_a_tiny_program_has_the_expected_lines_in_order() {
    let stderr = run_child("child_trace", &[("RUNTIME_TRACE", "1")]);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| {
            l.starts_with("tick ")
                || l.starts_with("timer: ")
                || l.starts_with("remote wake: ")
                || l.starts_with("io: ")
        })
        .collect();
    // Task ids are process-wide; this child makes the block_on task first.
    let main = lines[0]
        .split("task ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .unwrap();
    let spin: u64 = main.parse::<u64>().unwrap() + 1;
    let blocking_waiter = spin + 1;
    let expected = [
        format!("poll task {main} 'block_on' -> Pending"),
        format!("poll task {spin} 'spin' -> Pending"),
        // The paused clock: the timeout is zero and the clock jumps.
        "park 0 ms (next timer slot)".to_string(),
        "timer: 1 fired".to_string(),
        format!("poll task {spin} 'spin' -> Ready"),
        format!("poll task {main} 'block_on' -> Pending"),
        format!("poll task {blocking_waiter} 'spawn_blocking' -> Pending"),
        // A paused clock waits for the blocking job: no timeout at all.
        "park forever (nothing queued, no timer)".to_string(),
        format!("remote wake: task {blocking_waiter} 'spawn_blocking'"),
        format!("poll task {blocking_waiter} 'spawn_blocking' -> Ready"),
        format!("poll task {main} 'block_on' -> Ready"),
    ];
    let got: Vec<&str> = lines.iter().map(|l| without_tick(l)).collect();
    assert_eq!(got, expected, "full stderr:\n{stderr}");
    // Ticks are numbered from 1; a park ends its tick, so the polls before
    // it carry its number and the next poll the number after it.
    let numbered: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("tick "))
        .collect();
    assert_eq!(tick_of(numbered[0]), Some(1), "{stderr}");
    for pair in numbered.windows(2) {
        let (a, b) = (tick_of(pair[0]).unwrap(), tick_of(pair[1]).unwrap());
        let step = u64::from(pair[0].contains(": park "));
        assert_eq!(b, a + step, "{pair:?} in\n{stderr}");
    }
    // The stats count the same parks the trace numbers.
    let last_park = numbered
        .iter()
        .rev()
        .find(|l| l.contains(": park "))
        .unwrap();
    let stats_ticks = stderr.lines().find_map(|l| l.strip_prefix("stats ticks: "));
    assert_eq!(
        stats_ticks,
        Some(tick_of(last_park).unwrap().to_string().as_str()),
        "{stderr}"
    );
}

#[test]
fn no_trace_without_the_switch() {
    let stderr = run_child("child_trace", &[]);
    assert!(!stderr.contains("tick "), "{stderr}");
}

/// A task that blocks the loop with `std::thread::sleep`, and one that
/// behaves.
#[test]
fn child_slow_poll() {
    watchdog::within(WATCHDOG, "child slow poll", || {
        if !is_child() {
            return;
        }
        runtime::run(async {
            let good = task::Builder::new().name("good").spawn(async {
                for _ in 0..10 {
                    yield_now().await;
                }
            });
            let slow = task::Builder::new().name("slow").spawn(async {
                std::thread::sleep(Duration::from_millis(200));
            });
            good.await.unwrap();
            slow.await.unwrap();
        });
    });
}

#[test]
fn a_task_that_blocks_the_loop_is_named_in_a_warning_and_a_good_one_is_not() {
    let stderr = run_child("child_slow_poll", &[("RUNTIME_SLOW_POLL_MS", "100")]);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    let warning = warnings[0];
    assert!(
        warning.contains("'slow' (spawned at runtime/tests/observe.rs:"),
        "{warning}"
    );
    assert!(
        warning.contains("blocked the event loop for 0."),
        "{warning}"
    );
    assert!(!stderr.contains("'good'"), "{stderr}");
}

#[test]
fn the_slow_poll_warning_can_be_turned_off() {
    let stderr = run_child("child_slow_poll", &[("RUNTIME_SLOW_POLL_MS", "0")]);
    assert!(!stderr.contains("warning:"), "{stderr}");
}

/// A named task parks on a read of a loopback socket; the peer writes once
/// the reader has surely parked (after a few turns of the loop).
#[test]
fn child_io_trace() {
    watchdog::within(WATCHDOG, "child io trace", || {
        if !is_child() {
            return;
        }
        use runtime::net::{TcpListener, TcpStream};
        runtime::run(async {
            let listener = TcpListener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
            let client = TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            let (mut server, _) = listener.accept().await.unwrap();
            let reader = task::Builder::new().name("reader").spawn(async move {
                let mut client = client;
                client.read(&mut [0u8; 1]).await.unwrap()
            });
            for _ in 0..3 {
                yield_now().await;
            }
            server.write(b"x").await.unwrap();
            assert_eq!(reader.await.unwrap(), 1);
        });
    });
}

#[test]
fn the_trace_names_the_socket_and_the_task_of_an_io_wake() {
    let stderr = run_child("child_io_trace", &[("RUNTIME_TRACE", "1")]);
    let reader = stderr
        .lines()
        .find_map(|l| {
            l.split("poll task ")
                .nth(1)?
                .strip_suffix(" 'reader' -> Pending")
        })
        .unwrap_or_else(|| panic!("the reader parked:\n{stderr}"));
    let wake = stderr
        .lines()
        .position(|l| {
            l.strip_prefix("io: token ")
                .and_then(|rest| rest.split_once(' '))
                .is_some_and(|(token, rest)| {
                    token.parse::<usize>().is_ok()
                        && rest == format!("readable -> wake task {reader}")
                })
        })
        .unwrap_or_else(|| panic!("an io wake of task {reader}:\n{stderr}"));
    let ready = stderr
        .lines()
        .position(|l| l.ends_with(&format!("poll task {reader} 'reader' -> Ready")))
        .unwrap_or_else(|| panic!("the reader finished:\n{stderr}"));
    assert!(
        wake < ready,
        "the wake comes before the poll it causes:\n{stderr}"
    );
}
