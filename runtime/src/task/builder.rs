//! Spawning: [`spawn`] [asyncio.create_task] and [`Builder`] for a named task.
//!
//! Spawning builds the two halves of a task (see `header.rs`), puts the
//! cell in the running loop's task set, queues the header through the
//! scheduler (`schedule.rs`), and hands back a [`JoinHandle`]. The new task does not run until the spawner yields to the
//! loop, as in asyncio, where `create_task` only schedules the coroutine.

use std::future::Future;
use std::panic::Location;
use std::rc::Rc;
use std::sync::Arc;

use super::cell::TaskCell;
use super::header::Header;
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

/// The one place where tasks are made: builds the two halves (see
/// `header.rs`), puts the cell in the running loop's task set, and queues
/// the header.
fn spawn_at<F>(
    future: F,
    name: Option<Box<str>>,
    spawned_at: &'static Location<'static>,
) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    context::with("runtime::spawn", |handles| {
        let scheduler = &handles.scheduler;
        let header = Arc::new(Header::new(
            scheduler.vacant_slot(),
            name,
            spawned_at,
            scheduler.remote(),
        ));
        let cell = Rc::new(TaskCell::new(Arc::clone(&header), future));
        scheduler.insert(cell.clone());
        header.schedule();
        JoinHandle::new(cell)
    })
}
