//! The lints: a task that lost its waker, a task that only wakes itself.
//!
//! The warnings go to stderr, which a test cannot capture in its own
//! process, so the warning tests run a *child*: this same test binary,
//! asked to run one `child_*` test, with the environment set (as
//! `observe.rs` does). The `deny` tests run in-process: the lint's panic
//! comes out of `block_on`, naming the task.

use std::cell::Cell;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use runtime::sync::{Semaphore, mpsc, oneshot};
use runtime::{Builder, LintLevel, Runtime, SELF_WAKE_LIMIT, spawn, spawn_blocking, task, time};

mod util;

/// The runtime's settings a child must not inherit from the parent.
const SETTINGS: &[&str] = &[
    "RUNTIME_LOST_WAKER",
    "RUNTIME_SELF_WAKE",
    "RUNTIME_SLOW_POLL_MS",
];

/// Runs the test `name` of this binary in a child process with `env` set,
/// and returns its stderr.
fn run_child(name: &str, env: &[(&str, &str)]) -> String {
    util::run_child_test(name, "LINTS_CHILD", SETTINGS, env)
}

fn is_child() -> bool {
    std::env::var_os("LINTS_CHILD").is_some()
}

/// The lines of `stderr` that are warnings.
fn warnings(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect()
}

/// The planted bug: returns `Pending` once without keeping its waker, then
/// `Ready` if it is ever polled again (it never is). With `keeps_waker`,
/// the fixed version: it stores a clone of the waker in `slot`, which
/// somebody else wakes.
struct ParkOnce {
    /// True once it has returned `Pending`.
    parked: bool,
    /// Where the fixed version leaves its waker; `None` is the bug.
    slot: Option<Rc<Cell<Option<Waker>>>>,
}

impl Future for ParkOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.parked {
            return Poll::Ready(());
        }
        self.parked = true;
        if let Some(slot) = &self.slot {
            slot.set(Some(cx.waker().clone()));
        }
        Poll::Pending
    }
}

/// The bug.
fn lost() -> ParkOnce {
    ParkOnce {
        parked: false,
        slot: None,
    }
}

/// The fixed future, and the slot it leaves its waker in.
fn fixed() -> (ParkOnce, Rc<Cell<Option<Waker>>>) {
    let slot = Rc::new(Cell::new(None));
    let future = ParkOnce {
        parked: false,
        slot: Some(Rc::clone(&slot)),
    };
    (future, slot)
}

/// Two planted bugs (one whose `JoinHandle` is kept, one detached), the
/// fixed future, and tasks waiting in every legitimate way the runtime
/// offers: a timer, a semaphore, a channel, a oneshot, a join, a blocking
/// job, a waker held by another thread, `yield_now`.
#[test]
fn child_only_planted_bugs() {
    if !is_child() {
        return;
    }
    let rt = Builder::new()
        .lost_waker_lint(LintLevel::Warn)
        .build()
        .unwrap();
    rt.block_on(async {
        let kept = task::Builder::new().name("lost").spawn(lost());
        drop(task::Builder::new().name("lost-detached").spawn(lost()));
        let (future, slot) = fixed();
        let good = task::Builder::new().name("fixed").spawn(future);

        let sem = Rc::new(Semaphore::new(0));
        let (tx, mut rx) = mpsc::channel::<u32>(1);
        let (once_tx, once_rx) = oneshot::channel::<u32>();
        let waiters = vec![
            spawn(async { time::sleep(Duration::from_millis(20)).await }),
            spawn({
                let sem = Rc::clone(&sem);
                async move { drop(sem.acquire().await.unwrap()) }
            }),
            spawn(async move { assert_eq!(rx.recv().await, Some(7)) }),
            spawn(async move { assert_eq!(once_rx.await.unwrap(), 8) }),
            spawn(async { spawn(time::sleep(Duration::from_millis(10))).await.unwrap() }),
            spawn(async {
                spawn_blocking(|| std::thread::sleep(Duration::from_millis(10)))
                    .await
                    .unwrap()
            }),
            spawn(another_thread_wakes_it()),
            spawn(async {
                for _ in 0..100 {
                    runtime::yield_now().await;
                }
            }),
        ];
        time::sleep(Duration::from_millis(5)).await;
        sem.add_permits(1);
        tx.send(7).await.unwrap();
        once_tx.send(8).unwrap();
        slot.take().expect("the fixed future kept its waker").wake();
        good.await.unwrap();
        for waiter in waiters {
            waiter.await.unwrap();
        }
        assert!(!kept.is_finished());
    });
}

/// Hands its waker to a thread that wakes it 20 ms later: a waker exists,
/// held by another thread, while the task waits.
async fn another_thread_wakes_it() {
    let woken = Arc::new(std::sync::atomic::AtomicBool::new(false));
    std::future::poll_fn(|cx| {
        if woken.load(std::sync::atomic::Ordering::Acquire) {
            return Poll::Ready(());
        }
        let (waker, woken) = (cx.waker().clone(), Arc::clone(&woken));
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            woken.store(true, std::sync::atomic::Ordering::Release);
            waker.wake();
        });
        Poll::Pending
    })
    .await
}

#[test]
fn a_task_that_lost_its_waker_is_named_once_and_nothing_else_is() {
    let stderr = run_child("child_only_planted_bugs", &[]);
    let mut found = warnings(&stderr);
    found.sort();
    assert_eq!(found.len(), 2, "two planted bugs, two warnings:\n{stderr}");
    for (warning, name) in found.iter().zip(["'lost'", "'lost-detached'"]) {
        assert!(
            warning.contains(&format!("{name} (spawned at runtime/tests/lints.rs:")),
            "{warning}"
        );
        assert!(
            warning.ends_with("it will never be polled again (lost waker)"),
            "{warning}"
        );
    }
}

#[test]
fn the_lost_waker_lint_can_be_turned_off_by_the_environment() {
    // The child's builder says `Warn`; the builder wins over the variable,
    // so this child uses the variable's own default path instead.
    let stderr = run_child("child_lost_by_env", &[("RUNTIME_LOST_WAKER", "off")]);
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    let stderr = run_child("child_lost_by_env", &[("RUNTIME_LOST_WAKER", "warn")]);
    assert_eq!(warnings(&stderr).len(), 1, "{stderr}");
}

/// One lost task, with the level left to the environment.
#[test]
fn child_lost_by_env() {
    if !is_child() {
        return;
    }
    runtime::run(async {
        drop(task::Builder::new().name("lost").spawn(lost()));
        runtime::yield_now().await;
        runtime::yield_now().await;
    });
}

/// Runs `future` on a runtime whose lost-waker lint denies, and returns the
/// panic's message if `block_on` panicked.
fn denied<F: Future>(future: F) -> Option<String> {
    let rt = Builder::new()
        .lost_waker_lint(LintLevel::Deny)
        .build()
        .unwrap();
    let result = catch_unwind(AssertUnwindSafe(|| rt.block_on(future)));
    result.err().map(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_else(|| "a panic without a message".into())
    })
}

#[test]
fn deny_fails_the_run_naming_the_lost_task() {
    let message = denied(async {
        let _handle = task::Builder::new().name("lost").spawn(lost());
        time::sleep(Duration::from_millis(10)).await;
    })
    .expect("the lost task fails the run");
    assert!(message.contains("task "), "{message}");
    assert!(
        message.contains("'lost' (spawned at runtime/tests/lints.rs:"),
        "{message}"
    );
    assert!(message.contains("denied"), "{message}");
}

#[test]
fn the_fixed_future_is_not_reported_even_under_deny() {
    let message = denied(async {
        let (future, slot) = fixed();
        let good = task::Builder::new().name("fixed").spawn(future);
        runtime::yield_now().await; // `good` parks, keeping its waker
        slot.take().expect("the fixed future kept its waker").wake();
        good.await.unwrap();
    });
    assert_eq!(message, None);
}

#[test]
fn a_block_on_future_that_lost_its_waker_fails_instead_of_hanging() {
    let message = denied(lost()).expect("block_on's own lost future fails the run");
    assert!(
        message.contains("'block_on' (called at runtime/tests/lints.rs:"),
        "{message}"
    );
}

#[test]
fn a_waker_held_only_by_another_thread_is_a_waker() {
    let message = denied(async {
        let waiters: Vec<_> = (0..20).map(|_| spawn(another_thread_wakes_it())).collect();
        for waiter in waiters {
            waiter.await.unwrap();
        }
    });
    assert_eq!(message, None);
}

/// A future that wakes itself `polls` times with `wake_by_ref`, then is
/// ready: a busy loop on a condition that never needed polling.
struct Spin {
    /// Polls left before it is ready.
    polls: u32,
}

impl Future for Spin {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.polls == 0 {
            return Poll::Ready(());
        }
        self.polls -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// A busy loop of three times the limit, a task that yields just under the
/// limit between real waits, a task that yields the limit in a row, and a
/// producer that yields twice the limit, waking its consumer each time.
#[test]
fn child_self_wakes() {
    if !is_child() {
        return;
    }
    let rt = Builder::new()
        .self_wake_lint(LintLevel::Warn)
        .build()
        .unwrap();
    rt.block_on(async {
        let spin = task::Builder::new().name("spin").spawn(Spin {
            polls: 3 * SELF_WAKE_LIMIT,
        });
        let cooperative = task::Builder::new().name("cooperative").spawn(async {
            for _ in 0..3 {
                for _ in 0..SELF_WAKE_LIMIT - 1 {
                    runtime::yield_now().await;
                }
                time::sleep(Duration::from_millis(1)).await;
            }
        });
        let yields_only = task::Builder::new().name("yields-only").spawn(async {
            for _ in 0..SELF_WAKE_LIMIT {
                runtime::yield_now().await;
            }
        });
        // Hands an item to a consumer and yields, twice the limit: each of
        // its polls wakes the consumer, which is progress.
        let (tx, mut rx) = mpsc::channel::<u32>(1);
        let producer = task::Builder::new().name("producer").spawn(async move {
            for i in 0..2 * SELF_WAKE_LIMIT {
                tx.send(i).await.unwrap();
                runtime::yield_now().await;
            }
        });
        let consumer = spawn(async move {
            let mut received = 0;
            while rx.recv().await.is_some() {
                received += 1;
            }
            assert_eq!(received, 2 * SELF_WAKE_LIMIT);
        });
        spin.await.unwrap();
        cooperative.await.unwrap();
        yields_only.await.unwrap();
        producer.await.unwrap();
        consumer.await.unwrap();
    });
}

#[test]
fn a_task_that_only_wakes_itself_is_named_once_and_a_cooperative_one_is_not() {
    let stderr = run_child("child_self_wakes", &[]);
    let mut found = warnings(&stderr);
    found.sort();
    assert_eq!(found.len(), 2, "{stderr}");
    let limit = format!("woke itself in {SELF_WAKE_LIMIT} polls in a row");
    for (warning, name) in found.iter().zip(["'spin'", "'yields-only'"]) {
        assert!(
            warning.contains(&format!("{name} (spawned at runtime/tests/lints.rs:")),
            "{warning}"
        );
        assert!(warning.contains(&limit), "{warning}");
    }
    assert!(!stderr.contains("'cooperative'"), "{stderr}");
    assert!(!stderr.contains("'producer'"), "{stderr}");
}

#[test]
fn both_lints_are_quiet_when_turned_off() {
    let stderr = run_child(
        "child_lost_by_env",
        &[("RUNTIME_LOST_WAKER", "off"), ("RUNTIME_SELF_WAKE", "off")],
    );
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    let rt = Runtime::new().unwrap();
    rt.block_on(async {});
}

/// Tasks spawned from another thread whose `RemoteJoinHandle` is dropped
/// while their one waker sits in a timer: the handle's reference is gone
/// and the timer's waker is the only one left, which is not a lost waker.
/// (Counting a remote handle as a holder would report these.)
#[test]
fn a_detached_remote_task_waiting_on_a_timer_is_not_lost() {
    let rt = Builder::new()
        .lost_waker_lint(LintLevel::Deny)
        .build()
        .unwrap();
    let handle = rt.handle();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let spawner = std::thread::spawn(move || {
        for _ in 0..10 {
            let done = done_tx.clone();
            let task = handle
                .spawn(async move {
                    let deadline = std::time::Instant::now() + Duration::from_millis(5);
                    time::SendSleep::until(deadline).await;
                    let _ = done.send(());
                })
                .unwrap();
            drop(task);
        }
    });
    let result = catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            let mut finished = 0;
            while finished < 10 {
                while done_rx.try_recv().is_ok() {
                    finished += 1;
                }
                time::sleep(Duration::from_millis(1)).await;
            }
        })
    }));
    spawner.join().unwrap();
    assert!(
        result.is_ok(),
        "a detached remote task was reported as lost"
    );
}
