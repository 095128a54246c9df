//! Helpers shared by the runtime's integration tests.
#![allow(dead_code)]

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// Counts of what happened to a [`Counted`] future.
#[derive(Default, Debug)]
pub struct Counts {
    /// Times `poll` was called.
    pub polls: Cell<usize>,
    /// Times the future was dropped (0 or 1).
    pub drops: Cell<usize>,
}

/// Wraps a future and counts its polls and drops.
pub struct Counted<F> {
    /// The wrapped future.
    inner: Pin<Box<F>>,
    /// Shared with the test.
    counts: Rc<Counts>,
}

impl<F: Future> Counted<F> {
    /// Wraps `inner`; the test keeps the returned `Rc<Counts>`.
    pub fn new(inner: F) -> (Counted<F>, Rc<Counts>) {
        let counts = Rc::new(Counts::default());
        (
            Counted {
                inner: Box::pin(inner),
                counts: counts.clone(),
            },
            counts,
        )
    }
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.counts.polls.set(self.counts.polls.get() + 1);
        self.inner.as_mut().poll(cx)
    }
}

impl<F> Drop for Counted<F> {
    fn drop(&mut self) {
        self.counts.drops.set(self.counts.drops.get() + 1);
    }
}

/// A future that stays pending forever and never wakes itself. It keeps
/// a clone of its waker, as a wait for a socket that never speaks does, so
/// the lost-waker lint (which `std::future::pending` would rightly trip)
/// sees a task that could still be woken.
pub async fn pending_forever() {
    let mut kept: Option<std::task::Waker> = None;
    std::future::poll_fn(|cx| {
        kept = Some(cx.waker().clone());
        Poll::<()>::Pending
    })
    .await
}

/// Sets a flag when dropped: stands in for a `finally:` block.
pub struct DropFlag(pub Rc<Cell<bool>>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

/// How many file descriptors this process has open: the entries of
/// `/proc/self/fd` on Linux, of `/dev/fd` on macOS. Windows has neither, and
/// the tests that count descriptors are ignored there.
pub fn open_fds() -> usize {
    let dir = if cfg!(target_os = "macos") {
        "/dev/fd"
    } else {
        "/proc/self/fd"
    };
    std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{dir} lists this process's descriptors: {err}"))
        .count()
}

/// Runs the test `name` of the current test binary in a child process and
/// returns its stderr, which a test cannot capture in its own process. The
/// child gets `marker` set (so the test knows it is the child), the
/// runtime's settings in `cleared` removed (so the parent's environment
/// does not leak in), and `env` set. Panics, with the child's stderr, if
/// the child test failed.
pub fn run_child_test(name: &str, marker: &str, cleared: &[&str], env: &[(&str, &str)]) -> String {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut command = std::process::Command::new(exe);
    command
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(marker, "1");
    for variable in cleared {
        command.env_remove(variable);
    }
    let output = command
        .envs(env.iter().copied())
        .output()
        .expect("the child test runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "child {name} failed:\n{stderr}");
    stderr
}
