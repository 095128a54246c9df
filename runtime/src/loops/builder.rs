//! [`Builder`]: how many loops, their threads' names, pinning, and each
//! runtime's settings.

use std::io;
use std::sync::mpsc;
use std::thread;

use super::affinity;
use super::channel::channel;
use super::set::{Command, Loops, Member, serve_commands};
use crate::handle::Handle;

/// The threads' names when [`Builder::name`] is not called: `loop-0`,
/// `loop-1`, ...
const DEFAULT_NAME: &str = "loop";

impl Loops {
    /// `count` loops with the default settings: `Builder::new(count).build()`.
    ///
    /// # Errors
    ///
    /// As [`Builder::build`].
    pub fn new(count: usize) -> io::Result<Loops> {
        Builder::new(count).build()
    }
}

/// Settings for a set of [`Loops`].
///
/// ```
/// let loops = runtime::loops::Builder::new(2)
///     .name("shard")
///     .runtime(runtime::Builder::new().max_blocking_threads(2).clone())
///     .build()
///     .unwrap();
/// assert_eq!(loops.len(), 2);
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    /// How many loops; checked by `build`.
    count: usize,
    /// The threads are named `{name}-{index}`.
    name: String,
    /// Pin loop `i` to the `i`-th allowed core (Linux only).
    pin: bool,
    /// Each loop's runtime is built from these settings.
    runtime: crate::Builder,
}

impl Builder {
    /// A set of `count` loops, unpinned, on threads named `loop-0`, ...,
    /// each runtime with the default settings. `count` may be
    /// [`std::thread::available_parallelism`] for one loop per core.
    pub fn new(count: usize) -> Builder {
        Builder {
            count,
            name: DEFAULT_NAME.to_owned(),
            pin: false,
            runtime: crate::Builder::new(),
        }
    }

    /// Names the threads `{name}-0`, `{name}-1`, ... (as they appear in
    /// `top -H`, a debugger, a panic message).
    pub fn name(&mut self, name: impl Into<String>) -> &mut Builder {
        self.name = name.into();
        self
    }

    /// Pins loop `i`'s thread to the `i`-th core the process may run on,
    /// wrapping around past the last. Linux only: elsewhere `build` fails
    /// with `ErrorKind::Unsupported` (see `loops/affinity.rs`).
    pub fn pin_to_cores(&mut self, pin: bool) -> &mut Builder {
        self.pin = pin;
        self
    }

    /// The settings every loop's runtime is built with (each gets its own
    /// blocking pool, of `max_blocking_threads` threads at most).
    pub fn runtime(&mut self, settings: crate::Builder) -> &mut Builder {
        self.runtime = settings;
        self
    }

    /// Starts the loops, each on its own thread, and returns once every
    /// one is running.
    ///
    /// # Errors
    ///
    /// - `InvalidInput` if the count is 0;
    /// - `Unsupported` if pinning is asked for where it is not implemented;
    /// - the error of the first loop that could not start (no thread, no
    ///   core to pin to, no epoll instance), with its index: the loops
    ///   already started are stopped first.
    pub fn build(&self) -> io::Result<Loops> {
        if self.count == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a set of loops needs at least one loop",
            ));
        }
        if self.pin && !affinity::supported() {
            return Err(affinity::unsupported());
        }
        let mut loops = Loops {
            members: Vec::with_capacity(self.count),
        };
        for index in 0..self.count {
            // On error `loops` is dropped, which stops the ones started.
            let member = self.start(index).map_err(|err| {
                io::Error::new(
                    err.kind(),
                    format!(
                        "loop {index} ({}-{index}) could not start: {err}",
                        self.name
                    ),
                )
            })?;
            loops.members.push(member);
        }
        Ok(loops)
    }

    /// Starts loop `index` and waits until it runs (or has failed).
    fn start(&self, index: usize) -> io::Result<Member> {
        let (commands, incoming) = channel::<Command>();
        let (ready, started) = mpsc::channel::<io::Result<(Handle, Option<usize>)>>();
        let settings = self.runtime.clone();
        let pin = self.pin;
        let thread = thread::Builder::new()
            .name(format!("{}-{index}", self.name))
            .spawn(move || {
                let core = if pin {
                    match affinity::pin_current_thread(index) {
                        Ok(core) => Some(core),
                        Err(err) => {
                            let _ = ready.send(Err(err));
                            return;
                        }
                    }
                } else {
                    None
                };
                let runtime = match settings.build() {
                    Ok(runtime) => runtime,
                    Err(err) => {
                        let _ = ready.send(Err(err));
                        return;
                    }
                };
                let _ = ready.send(Ok((runtime.handle(), core)));
                drop(ready);
                runtime.block_on(serve_commands(incoming));
            })?;
        match started.recv() {
            Ok(Ok((handle, core))) => Ok(Member {
                handle,
                commands: Some(commands),
                thread: Some(thread),
                core,
            }),
            Ok(Err(err)) => {
                let _ = thread.join();
                Err(err)
            }
            Err(mpsc::RecvError) => {
                let _ = thread.join();
                Err(io::Error::other("the loop's thread ended during start-up"))
            }
        }
    }
}
