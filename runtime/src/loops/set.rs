//! [`Loops`]: the running set, and what each loop's thread runs.

use std::fmt;
use std::future::Future;
use std::panic;
use std::sync::Arc;
use std::thread;

use super::channel::{Receiver, Sender, channel};
use crate::context;
use crate::handle::{Handle, RemoteJoinHandle, SpawnError};

/// What a loop runs for the set: a closure called on the loop's thread,
/// inside its `block_on`, which may spawn local tasks.
pub(super) type Command = Box<dyn FnOnce() + Send>;

/// N runtimes on N threads, started together and stopped together. Build
/// one with [`Builder`](super::Builder); see the module doc.
pub struct Loops {
    /// One entry per loop, in index order; filled by the builder.
    pub(super) members: Vec<Member>,
}

/// One running loop, as the set sees it. Touched only by the thread that
/// owns the set.
pub(super) struct Member {
    /// The loop's handle, for `Send` spawns from anywhere.
    pub(super) handle: Handle,
    /// Commands into the loop; `None` once the set is stopping (dropping
    /// the sender is what stops the loop).
    pub(super) commands: Option<Sender<Command>>,
    /// The loop's thread; taken when joined.
    pub(super) thread: Option<thread::JoinHandle<()>>,
    /// The core the thread is pinned to, if pinning was asked for.
    pub(super) core: Option<usize>,
}

impl Loops {
    /// How many loops the set has.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Never true: a set has at least one loop (the builder refuses 0).
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The handle of loop `index` [the loop object of
    /// asyncio.run_coroutine_threadsafe; tokio's `Handle`].
    ///
    /// # Panics
    ///
    /// If `index >= self.len()`, as slice indexing does.
    pub fn handle(&self, index: usize) -> &Handle {
        &self.members[index].handle
    }

    /// The core loop `index` is pinned to, or `None` if pinning was not
    /// asked for ([`Builder::pin_to_cores`](super::Builder::pin_to_cores)).
    ///
    /// # Panics
    ///
    /// If `index >= self.len()`.
    pub fn core(&self, index: usize) -> Option<usize> {
        self.members[index].core
    }

    /// Spawns a `Send` future on loop `index`
    /// [asyncio.run_coroutine_threadsafe(coro, loop)]: the same as
    /// `self.handle(index).spawn(future)`.
    ///
    /// # Errors
    ///
    /// [`SpawnError`] if that loop has stopped.
    ///
    /// # Panics
    ///
    /// If `index >= self.len()`.
    #[track_caller]
    pub fn spawn_on<F>(
        &self,
        index: usize,
        future: F,
    ) -> Result<RemoteJoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.members[index].handle.spawn(future)
    }

    /// Runs `make(index)` on every loop, on that loop's thread, spawns the
    /// future it returns as a task there, and blocks until every one has
    /// finished; returns their outputs in loop order [no asyncio
    /// counterpart; tokio: a `LocalSet` per thread, joined].
    ///
    /// The future is built where it runs, so it may be `!Send` (hold an
    /// `Rc`, a `TcpListener`, a `RefCell`): only `make` and the outputs
    /// cross threads. Tasks the futures spawn keep running after this
    /// returns, until the set is shut down.
    ///
    /// # Panics
    ///
    /// If called on a thread that is running a runtime (it would block
    /// that loop, and deadlock if it is one of the set's); and, after every
    /// loop has finished, with the panic of the first future that panicked.
    #[track_caller]
    pub fn run_on_each<F, Fut>(&self, make: F) -> Vec<Fut::Output>
    where
        F: Fn(usize) -> Fut + Send + Sync + 'static,
        Fut: Future + 'static,
        Fut::Output: Send + 'static,
    {
        let make = Arc::new(make);
        self.run_on_many((0..self.len()).map(|index| {
            let make = Arc::clone(&make);
            (index, move || make(index))
        }))
    }

    /// Runs `make()` on loop `index`, on that loop's thread, spawns the
    /// future it returns as a task there, and blocks until it has finished
    /// [asyncio.run_coroutine_threadsafe(coro, loop).result(), for a
    /// coroutine that is built on the loop]. As [`run_on_each`](Self::run_on_each),
    /// the future may be `!Send`; use [`spawn_on`](Self::spawn_on) for a
    /// `Send` future and a handle instead of a blocked thread.
    ///
    /// # Panics
    ///
    /// If `index >= self.len()`; if called on a thread running a runtime;
    /// and with the future's panic, if it panicked.
    #[track_caller]
    pub fn run_on<F, Fut>(&self, index: usize, make: F) -> Fut::Output
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future + 'static,
        Fut::Output: Send + 'static,
    {
        assert!(
            index < self.len(),
            "Loops::run_on: no loop {index} in a set of {}",
            self.len()
        );
        let outputs = self.run_on_many(std::iter::once((index, make)));
        match outputs.into_iter().next() {
            Some(output) => output,
            None => unreachable!("run_on_many returns one output per loop it was given"),
        }
    }

    /// Sends each `(index, make)` to its loop as a command that spawns
    /// `make()` there, then collects the outputs: `None` stays in the slot
    /// of a loop that was given nothing. The bodies of `run_on_each` and
    /// `run_on`.
    #[track_caller]
    fn run_on_many<F, Fut>(&self, work: impl Iterator<Item = (usize, F)>) -> Vec<Fut::Output>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future + 'static,
        Fut::Output: Send + 'static,
    {
        if context::is_inside_runtime() {
            panic!(
                "Loops::run_on_each and run_on block their thread until the loops are \
                 done; call them from a thread that runs no runtime (spawn_on returns a \
                 handle to await instead)"
            );
        }
        let (done, mut finished) = channel();
        let mut expected = vec![false; self.len()];
        for (index, make) in work {
            expected[index] = true;
            let done = done.clone();
            let command: Command = Box::new(move || {
                let task = crate::spawn(make());
                crate::spawn(async move {
                    let _ = done.send((index, task.await));
                });
            });
            self.members[index].send(index, command);
        }
        drop(done);
        let mut outputs: Vec<Option<_>> = (0..self.len()).map(|_| None).collect();
        let mut first_panic = None;
        while let Some((index, result)) = finished.recv_blocking() {
            match result {
                Ok(output) => outputs[index] = Some(output),
                Err(err) if err.is_panic() => {
                    first_panic.get_or_insert(err.into_panic());
                }
                Err(err) => panic!("Loops: loop {index}'s future: {err}"),
            }
        }
        if let Some(payload) = first_panic {
            panic::resume_unwind(payload);
        }
        outputs
            .into_iter()
            .zip(expected)
            .enumerate()
            .filter(|(_, (_, expected))| *expected)
            .map(|(index, (output, _))| match output {
                Some(output) => output,
                None => panic!("Loops: loop {index} stopped before its future ended"),
            })
            .collect()
    }

    /// Stops every loop and waits for its thread to end: each loop's
    /// tasks still alive are dropped, as when a runtime is dropped.
    ///
    /// # Panics
    ///
    /// Re-raises the panic of a loop's thread, after every thread has
    /// been joined (a task's panic goes to its handle instead; this is a
    /// panic in the runtime's own shutdown, such as a task's `Drop`).
    pub fn shutdown(mut self) {
        if let Some(payload) = self.stop_all() {
            panic::resume_unwind(payload);
        }
    }

    /// Closes every loop's command channel, then joins every thread;
    /// returns the first panic of a thread, if any.
    fn stop_all(&mut self) -> Option<Box<dyn std::any::Any + Send>> {
        for member in &mut self.members {
            member.commands = None;
        }
        let mut first_panic = None;
        for member in &mut self.members {
            if let Some(thread) = member.thread.take()
                && let Err(payload) = thread.join()
            {
                first_panic.get_or_insert(payload);
            }
        }
        first_panic
    }
}

impl Member {
    /// Sends `command` to this loop.
    ///
    /// # Panics
    ///
    /// If the loop has stopped while the set is alive, which only a panic
    /// inside the loop's own machinery can cause.
    fn send(&self, index: usize, command: Command) {
        let sent = self
            .commands
            .as_ref()
            .map(|commands| commands.send(command));
        if !matches!(sent, Some(Ok(()))) {
            panic!("loop {index} of the set has stopped (its thread panicked)");
        }
    }
}

impl Drop for Loops {
    /// Stops and joins every loop, as [`shutdown`](Loops::shutdown) does; a
    /// panic of a loop's thread is dropped here (call `shutdown` to see it).
    fn drop(&mut self) {
        drop(self.stop_all());
    }
}

impl fmt::Debug for Loops {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Loops")
            .field("len", &self.len())
            .field(
                "cores",
                &self.members.iter().map(|m| m.core).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// The body of each loop's thread, after it has built its runtime: runs
/// commands until the set closes the channel.
pub(super) async fn serve_commands(mut commands: Receiver<Command>) {
    while let Some(command) = commands.recv().await {
        command();
    }
}
