//! Building each runtime the way its own users would for the workload at
//! hand, and running a workload on it in the shape the row asks for.
//!
//! ## Drivers
//!
//! Ours always has a mio reactor and a timer wheel; it cannot leave them
//! out. The peers can, and a user of theirs leaves out what the program does
//! not use, so each row names the [`Drivers`] it needs and the peers get
//! exactly that:
//!
//! | [`Drivers`] | tokio (`current_thread`) | smol (`LocalExecutor`) |
//! |---|---|---|
//! | `None` | `Builder::new_current_thread().build()` | `futures_lite::future::block_on(ex.run(..))` |
//! | `Time` | `.enable_time()` | `async_io::block_on(ex.run(..))` |
//! | `Io` | `.enable_io()` | `async_io::block_on(ex.run(..))` |
//! | `IoTime` | `.enable_all()` | `async_io::block_on(ex.run(..))` |
//!
//! async-io keeps timers and sockets in one reactor, so smol has one choice:
//! drive that reactor from the blocking thread (`async_io::block_on`) or not
//! at all (`futures_lite`'s `block_on`, which only parks the thread).
//! tokio's I/O driver is not free when unused: with it on, a wake of the
//! `block_on` future or a `yield_now` costs an `epoll_wait`, and a timer
//! registration can cost a `write` to its eventfd.
//!
//! ## Shapes
//!
//! [`Shape::Spawned`] runs the workload in one spawned task and has the
//! `block_on` future only await it; [`Shape::BlockOn`] runs it in the
//! `block_on` future itself, as `#[tokio::main]` code does. On tokio the two
//! differ: the `block_on` future is not a task, and each of its wakes goes
//! through the driver (with I/O on, an `epoll_wait` per wake). Ours and
//! smol's treat the `block_on` future much like a task.
//!
//! futures' [`LocalPool`] has no drivers and is used only for rows without
//! timers or sockets.
//!
//! ## One call per iteration
//!
//! The `block_on` and `run` methods here are `#[inline(never)]`: a bench
//! iteration calls one of them once, so a profiler sees one call per
//! iteration (`benches/callgrind-row.sh` counts them to give instructions
//! per iteration). The cost is one function call per iteration.
//!
//! ## What a production harness would do differently
//!
//! Each smol executor is leaked (one per bench function, a few dozen per
//! process) so that task bodies can hold a `&'static` to it and spawn from
//! anywhere, as `tokio::spawn` and `runtime::spawn` do through a
//! thread-local; a long-lived program would pass an `Rc<LocalExecutor>` or
//! use smol's thread-local helpers instead.

use std::future::Future;

use async_executor::{Executor, LocalExecutor};
use futures::executor::LocalPool;
use futures::future::RemoteHandle;
use futures::task::{LocalSpawn, LocalSpawnExt};

/// The drivers a workload needs (see the module doc for what each peer
/// builds from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drivers {
    /// Neither timers nor sockets: tasks and sync primitives only.
    None,
    /// Timers, no sockets.
    Time,
    /// Sockets, no timers.
    Io,
    /// Sockets and timers.
    IoTime,
}

impl Drivers {
    /// How the README names it, e.g. `io+time`.
    pub fn label(self) -> &'static str {
        match self {
            Drivers::None => "none",
            Drivers::Time => "time",
            Drivers::Io => "io",
            Drivers::IoTime => "io+time",
        }
    }
}

/// Where the measured loop runs (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// In one spawned task, awaited by the `block_on` future.
    Spawned,
    /// In the `block_on` future itself.
    BlockOn,
}

impl Shape {
    /// How the README names it.
    pub fn label(self) -> &'static str {
        match self {
            Shape::Spawned => "spawned",
            Shape::BlockOn => "block_on",
        }
    }
}

/// Our runtime, with default settings.
#[derive(Debug)]
pub struct This {
    /// The runtime; its reactor and wheel always exist.
    rt: runtime::Runtime,
}

impl This {
    /// Builds the runtime.
    ///
    /// # Panics
    ///
    /// If the OS refuses an epoll instance: a bench cannot run without one.
    pub fn new() -> This {
        match runtime::Runtime::new() {
            Ok(rt) => This { rt },
            Err(err) => panic!("cannot build our runtime: {err}"),
        }
    }

    /// Builds the runtime with the lost-waker lint off, for the memory
    /// loads whose tasks park forever on purpose (on `pending()`, which
    /// keeps no waker): the lint would rightly name every one of them. In
    /// release builds, where the figures are measured, it is off anyway.
    ///
    /// # Panics
    ///
    /// As [`This::new`].
    pub fn for_tasks_that_never_wake() -> This {
        let built = runtime::Builder::new()
            .lost_waker_lint(runtime::LintLevel::Off)
            .build();
        match built {
            Ok(rt) => This { rt },
            Err(err) => panic!("cannot build our runtime: {err}"),
        }
    }

    /// Runs `future` in the `block_on` future.
    #[inline(never)]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.rt.block_on(future)
    }

    /// A handle that spawns from outside the runtime (its remote queue).
    pub fn handle(&self) -> runtime::Handle {
        self.rt.handle()
    }

    /// Runs `future` in the given shape.
    ///
    /// # Panics
    ///
    /// If the spawned task panics.
    #[inline(never)]
    pub fn run<F>(&self, shape: Shape, future: F) -> F::Output
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        match shape {
            Shape::BlockOn => self.rt.block_on(future),
            Shape::Spawned => self
                .rt
                .block_on(async { runtime::spawn(future).await.expect("the task finished") }),
        }
    }
}

impl Default for This {
    fn default() -> This {
        This::new()
    }
}

/// tokio's `current_thread` runtime with the drivers a row needs.
#[derive(Debug)]
pub struct Tokio {
    /// The runtime.
    rt: tokio::runtime::Runtime,
}

impl Tokio {
    /// Builds the runtime with exactly `drivers`.
    ///
    /// # Panics
    ///
    /// If the OS refuses an epoll instance.
    pub fn new(drivers: Drivers) -> Tokio {
        let mut builder = tokio::runtime::Builder::new_current_thread();
        match drivers {
            Drivers::None => &mut builder,
            Drivers::Time => builder.enable_time(),
            Drivers::Io => builder.enable_io(),
            Drivers::IoTime => builder.enable_all(),
        };
        match builder.build() {
            Ok(rt) => Tokio { rt },
            Err(err) => panic!("cannot build tokio's runtime: {err}"),
        }
    }

    /// Runs `future` in the `block_on` future.
    #[inline(never)]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.rt.block_on(future)
    }

    /// A handle that spawns from outside the runtime (its injection queue).
    pub fn handle(&self) -> &tokio::runtime::Handle {
        self.rt.handle()
    }

    /// Runs `future` in the given shape.
    ///
    /// # Panics
    ///
    /// If the spawned task panics.
    #[inline(never)]
    pub fn run<F>(&self, shape: Shape, future: F) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match shape {
            Shape::BlockOn => self.rt.block_on(future),
            Shape::Spawned => self
                .rt
                .block_on(async { tokio::spawn(future).await.expect("the task finished") }),
        }
    }
}

/// smol's single-threaded executor, with or without async-io's reactor.
#[derive(Debug, Clone, Copy)]
pub struct Smol {
    /// The executor (leaked: see the module doc).
    executor: &'static LocalExecutor<'static>,
    /// Drive async-io's reactor while blocked (any drivers but `None`).
    reactor: bool,
}

impl Smol {
    /// A fresh executor, run the way a smol user would for `drivers`.
    pub fn new(drivers: Drivers) -> Smol {
        Smol {
            executor: Box::leak(Box::new(LocalExecutor::new())),
            reactor: drivers != Drivers::None,
        }
    }

    /// The executor, for task bodies that spawn.
    pub fn executor(&self) -> &'static LocalExecutor<'static> {
        self.executor
    }

    /// Runs `future` in the `block_on` future (the executor's `run`).
    #[inline(never)]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        smol_block_on(self.reactor, self.executor.run(future))
    }

    /// Runs `future` in the given shape.
    #[inline(never)]
    pub fn run<F>(&self, shape: Shape, future: F) -> F::Output
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        match shape {
            Shape::BlockOn => self.block_on(future),
            Shape::Spawned => self.block_on(self.executor.spawn(future)),
        }
    }
}

/// smol's thread-safe `Executor`, run by the one thread that blocks on it:
/// what smol offers for spawning from other threads (a `LocalExecutor` is
/// `!Send`).
#[derive(Debug, Clone, Copy)]
pub struct SmolShared {
    /// The executor (leaked, as [`Smol`]'s); any thread may spawn on it.
    executor: &'static Executor<'static>,
    /// Drive async-io's reactor while blocked (any drivers but `None`).
    reactor: bool,
}

impl SmolShared {
    /// A fresh executor, run the way a smol user would for `drivers`.
    pub fn new(drivers: Drivers) -> SmolShared {
        SmolShared {
            executor: Box::leak(Box::new(Executor::new())),
            reactor: drivers != Drivers::None,
        }
    }

    /// The executor, to spawn on from any thread.
    pub fn executor(&self) -> &'static Executor<'static> {
        self.executor
    }

    /// Runs the executor on this thread until `future` is done.
    #[inline(never)]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        smol_block_on(self.reactor, self.executor.run(future))
    }
}

/// Blocks this thread on `run` (an executor's `run` future), driving
/// async-io's reactor meanwhile if `reactor`, else only parking the thread.
fn smol_block_on<F: Future>(reactor: bool, run: F) -> F::Output {
    if reactor {
        async_io::block_on(run)
    } else {
        futures_lite::future::block_on(run)
    }
}

/// futures' single-threaded [`LocalPool`]: tasks only, no drivers.
#[derive(Debug, Default)]
pub struct Pool {
    /// The pool; `run_until` takes it by `&mut`.
    pool: LocalPool,
}

impl Pool {
    /// A fresh pool.
    pub fn new() -> Pool {
        Pool::default()
    }

    /// A handle that task bodies spawn with.
    pub fn spawner(&self) -> futures::executor::LocalSpawner {
        self.pool.spawner()
    }

    /// Runs `future` (and every spawned task) until `future` is done.
    #[inline(never)]
    pub fn block_on<F: Future>(&mut self, future: F) -> F::Output {
        self.pool.run_until(future)
    }

    /// Runs `future` in the given shape.
    #[inline(never)]
    pub fn run<F>(&mut self, shape: Shape, future: F) -> F::Output
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        match shape {
            Shape::BlockOn => self.pool.run_until(future),
            Shape::Spawned => {
                let task = pool_spawn(&self.pool.spawner(), future);
                self.pool.run_until(task)
            }
        }
    }
}

/// Spawns `future` on a [`LocalPool`] and returns what awaits its output:
/// futures' executors have no join handle, so `spawn_local_with_handle`
/// wraps the task in a oneshot channel (a `RemoteHandle`).
///
/// # Panics
///
/// If the pool is gone (it outlives every bench body).
pub fn pool_spawn<S, F>(spawner: &S, future: F) -> RemoteHandle<F::Output>
where
    S: LocalSpawn,
    F: Future + 'static,
    F::Output: 'static,
{
    match spawner.spawn_local_with_handle(future) {
        Ok(handle) => handle,
        Err(err) => panic!("the LocalPool is gone: {err}"),
    }
}
