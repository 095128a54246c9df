//! [`Executor`]: hyper's way to start background tasks, on our loop.
//!
//! hyper spawns a future of its own when a connection needs a second task:
//! an HTTP/2 connection drives each stream and its pings in tasks of their
//! own; hyper-util's pooled client runs each connection in one. hyper's
//! HTTP/1 `conn` builders (client and server) spawn nothing: the caller
//! drives the connection future, usually with a `spawn` of its own.
//!
//! `hyper::rt::Executor<F>` is generic over the future type with no bound,
//! so each runtime states what it needs: tokio's multi-threaded executor
//! asks for `F: Send`, ours does not, because every task runs on the loop's
//! one thread. This is the "local executor" case hyper supports for
//! `!Send` bodies and services.
//!
//! ## Outside a runtime
//!
//! [`runtime::spawn`] finds the loop through the thread's running-loop
//! slot, as `asyncio.create_task` does, and panics outside one with a
//! message that says so. `execute` returns nothing, so it has no way to
//! report the failure other than panicking or silently dropping hyper's
//! future (which would leave a connection hanging with no error anywhere);
//! we keep the panic. hyper calls `execute` from inside the futures it
//! runs, so on our runtime it is always inside one. A production crate
//! (hyper-util's `TokioExecutor`) has the same contract with `tokio::spawn`.
//! Code on another thread that wants to start hyper work on the loop uses
//! `runtime::Handle::spawn`, which takes `Send` futures and returns an
//! error, not a panic, once the runtime is gone.

use std::future::Future;

/// Spawns hyper's background futures as tasks on the current runtime
/// [asyncio.create_task], with no `Send` bound. The task is detached: it
/// runs to completion whether or not anyone waits for it.
///
/// # Panics
///
/// `execute` panics when no runtime runs on the calling thread, like
/// [`runtime::spawn`]: "runtime::spawn must be called from inside a
/// runtime ...".
///
/// ```
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use hyper::rt::Executor as _;
///
/// runtime::run(async {
///     let ran = Rc::new(Cell::new(false)); // an Rc: not Send, and that is fine
///     let flag = Rc::clone(&ran);
///     runtime_hyper::Executor.execute(async move { flag.set(true) });
///     runtime::yield_now().await;
///     assert!(ran.get());
/// });
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Executor;

impl<F> hyper::rt::Executor<F> for Executor
where
    F: Future + 'static,
    F::Output: 'static,
{
    #[track_caller]
    fn execute(&self, future: F) {
        // Dropping the `JoinHandle` detaches the task.
        drop(runtime::spawn(future));
    }
}
