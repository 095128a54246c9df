//! Spawning: [`spawn`] [asyncio.create_task] and [`Builder`] for a named task.
//!
//! Spawning asks the running loop's scheduler (`schedule.rs`) to make the
//! task: one allocation holding the header and the future (`layout.rs`), put
//! in the task set and queued; it hands back a [`JoinHandle`]. The new task does not run until the spawner yields to the
//! loop, as in asyncio, where `create_task` only schedules the coroutine.

use std::future::Future;
use std::panic::Location;

use super::id::TaskId;
use super::join::JoinHandle;
use crate::context;

/// Spawns `future` as a new task on the current runtime [asyncio.create_task].
///
/// No `Send` bound: every task runs on the runtime's one thread. The task
/// runs whether or not the handle is awaited; dropping the handle detaches it.
///
/// # Panics
///
/// Outside a runtime (not inside `runtime::run` or `Runtime::block_on`).
///
/// # Examples
///
/// ```
/// let answer = runtime::run(async {
///     let handle = runtime::spawn(async { 6 * 7 });
///     handle.await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    spawn_at(future, None, Location::caller())
}

/// Sets a task's options before spawning it [asyncio.create_task(name=...)].
///
/// ```
/// runtime::run(async {
///     let handle = runtime::task::Builder::new().name("spin").spawn(async {});
///     assert_eq!(handle.name(), Some("spin"));
/// });
/// ```
#[derive(Debug, Default)]
pub struct Builder {
    /// The task's name, shown in its repr, in traces and in warnings.
    name: Option<Box<str>>,
}

impl Builder {
    /// A builder with no name set.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Names the task [Task.set_name()].
    pub fn name(mut self, name: impl Into<String>) -> Builder {
        self.name = Some(name.into().into_boxed_str());
        self
    }

    /// Spawns `future` with these options; see [`spawn`].
    #[track_caller]
    pub fn spawn<F>(self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        spawn_at(future, self.name, Location::caller())
    }
}

/// Spawns on the running loop's scheduler, which makes the task
/// (`schedule.rs`).
fn spawn_at<F>(
    future: F,
    name: Option<Box<str>>,
    spawned_at: &'static Location<'static>,
) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let task = context::with("runtime::spawn", |handles| {
        handles
            .scheduler
            .spawn(future, TaskId::next(), name, spawned_at)
    });
    JoinHandle::new(task)
}
