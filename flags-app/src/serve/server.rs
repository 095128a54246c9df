//! Starting the flag server: the accept loop, and the embedded server that
//! `-s LOCAL|DELAY|ERROR` runs on a second thread. The standalone `flags serve`,
//! on one loop or several, is in `workers.rs` ([`run_standalone`](super::workers::run_standalone)).
//!
//! ## Threads
//!
//! Our runtime is single-threaded, so the embedded server gets a thread of its own
//! with its own runtime, and the downloader keeps the main thread (or its worker
//! threads). The two sides share nothing but the socket between them, as a
//! separate server process would; the start-up handshake is a std channel carrying
//! the bound address back, and shutdown is a [`StopSignal`] that the server's main
//! future awaits while the accept loop runs as a task beside it.
//!
//! ## Accept loop
//!
//! One task accepts; each connection gets a task (`handle_connection`), which holds
//! one slot of the connection limit (`descriptors.rs`) until it ends. The slots
//! are a [`Semaphore`] of that many permits: the loop takes a permit before each
//! `accept` and moves it into the connection's task.
//!
//! Two things stop the loop from accepting for a while, instead of spinning:
//!
//! - **At the limit**, it waits for a permit. New connections wait in the kernel's
//!   listen backlog (1024) meanwhile, and are accepted in order as slots free up;
//!   the timeouts (`timeouts.rs`) guarantee that slots do free up.
//! - **A failed accept** (EMFILE or ENFILE when the process or the system is out
//!   of descriptors, ENOBUFS, ENOMEM) is retried after `ACCEPT_BACKOFF` (100 ms).
//!   The pending connection stays in the backlog. A connection the client
//!   aborted before we took it (`ECONNABORTED`) is skipped at once.
//!
//! Either starts an *overload episode*, and the standalone server logs one line
//! when an episode starts and one when it ends, not one per attempt: the episode
//! ends when, with a free slot, the loop finds no connection waiting (it has caught
//! up). The embedded server logs nothing.
//!
//! What tokio/hyper do differently: a multi-threaded accept loop, and graceful
//! shutdown that lets in-flight requests finish; hyper leaves the connection
//! limit to the application, which typically does what we do.

use std::cell::RefCell;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use runtime::net::{TcpListener, TcpStream};
use runtime::sync::{OwnedSemaphorePermit, Semaphore};

use super::chaos::{Chaos, Planner};
use super::connection::{Shared, handle_connection};
use super::descriptors::{connection_limit, open_files_limit};
use super::source::{BadDir, Source};
use super::stop::StopSignal;
use super::timeouts::Timeouts;
use super::tls::TlsSetupError;
use crate::output::stderr_line;

/// What the log says when the connection limit is reached, after the count.
const AT_THE_LIMIT: &str =
    "the limit for this process's descriptors; new ones wait in the listen backlog";

/// Pause after a failed accept before trying again: 100 ms, long enough that a
/// process out of descriptors is not spun on (ten tries a second), short enough
/// that a descriptor freed by a closing connection is used soon.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Why the server could not start.
#[derive(Debug)]
pub enum ServeError {
    /// `--dir` is unusable.
    Dir(BadDir),
    /// The address could not be bound (in use, no permission, ...).
    Bind {
        /// The address we tried.
        addr: SocketAddr,
        /// The error.
        error: io::Error,
    },
    /// The server thread could not be started or died during start-up.
    Thread(io::Error),
    /// The event loop could not be created (usually: out of descriptors).
    Runtime(io::Error),
    /// `--tls-cert` / `--tls-key` are unusable.
    Tls(TlsSetupError),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Dir(err) => err.fmt(f),
            ServeError::Bind { addr, error } => write!(f, "cannot listen on {addr}: {error}"),
            ServeError::Thread(error) => write!(f, "cannot start the server thread: {error}"),
            ServeError::Runtime(error) => write!(f, "cannot create the event loop: {error}"),
            ServeError::Tls(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for ServeError {}

/// Accepts connections forever, one task per connection, at most `limit` at once.
pub(super) async fn accept_loop(listener: TcpListener, shared: Rc<Shared>, limit: usize) {
    let slots = Rc::new(Semaphore::new(limit));
    let mut overload = Overload::default();
    loop {
        let Some(slot) = take_slot(&slots, limit, &mut overload, &shared).await else {
            return; // the semaphore is never closed
        };
        match accept_next(&listener, &mut overload, &shared).await {
            Ok((stream, _peer)) => {
                shared.connections.set(shared.connections.get() + 1);
                // Head and body go out in separate writes; without TCP_NODELAY the
                // last partial segment of the body could wait for the client's ACK.
                let _ = stream.set_nodelay(true);
                let shared = Rc::clone(&shared);
                runtime::spawn(async move {
                    handle_connection(stream, shared).await;
                    drop(slot);
                });
            }
            Err(err) if err.kind() == io::ErrorKind::ConnectionAborted => {}
            Err(err) => {
                overload.begin(
                    &shared,
                    format_args!("accept failed: {err}; pausing accepts"),
                );
                runtime::time::sleep(ACCEPT_BACKOFF).await;
            }
        }
    }
}

/// A slot of the connection limit; at the limit, starts an overload episode and
/// waits for a connection to close. `None` only if the semaphore was closed.
async fn take_slot(
    slots: &Rc<Semaphore>,
    limit: usize,
    overload: &mut Overload,
    shared: &Shared,
) -> Option<OwnedSemaphorePermit> {
    if let Ok(slot) = Rc::clone(slots).try_acquire_owned() {
        return Some(slot);
    }
    overload.begin(
        shared,
        format_args!("{limit} connections open, {AT_THE_LIMIT}"),
    );
    Rc::clone(slots).acquire_owned().await.ok()
}

/// The next connection. During an overload episode the listener is polled once
/// first: if nothing is waiting, the server has caught up and the episode ends.
async fn accept_next(
    listener: &TcpListener,
    overload: &mut Overload,
    shared: &Shared,
) -> io::Result<(TcpStream, SocketAddr)> {
    if overload.active() {
        match runtime::time::timeout(Duration::ZERO, listener.accept()).await {
            Ok(accepted) => return accepted,
            Err(_) => overload.end(shared),
        }
    }
    listener.accept().await
}

/// An overload episode of the accept loop (see the module doc).
#[derive(Debug, Default)]
struct Overload {
    /// When the current episode started; `None` outside an episode.
    since: Option<Instant>,
}

impl Overload {
    /// Whether an episode is going on.
    fn active(&self) -> bool {
        self.since.is_some()
    }

    /// Starts an episode, logging `why`, unless one is going on already.
    fn begin(&mut self, shared: &Shared, why: std::fmt::Arguments<'_>) {
        if self.since.is_none() {
            self.since = Some(Instant::now());
            if shared.log {
                stderr_line(format_args!("flag server: {why}"));
            }
        }
    }

    /// Ends the episode, logging how long it lasted.
    fn end(&mut self, shared: &Shared) {
        if let Some(since) = self.since.take()
            && shared.log
        {
            stderr_line(format_args!(
                "flag server: caught up after {:.1} s, accepting normally",
                since.elapsed().as_secs_f64()
            ));
        }
    }
}

/// The connection limit for a server with `source`, from this process's
/// descriptor limit.
pub(super) fn connection_limit_for(source: &Source) -> usize {
    connection_limit(open_files_limit(), source.descriptors_per_connection())
}

/// A seed from the clock, for runs without `--seed`.
pub(super) fn clock_seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos() as u64)
        .unwrap_or(0)
}

/// The image source of a configuration: `--dir`, or the built-in archive.
pub(super) fn make_source(dir: Option<&std::path::Path>) -> Result<Source, ServeError> {
    match dir {
        Some(dir) => Source::dir(dir).map_err(ServeError::Dir),
        None => Ok(Source::archive()),
    }
}

/// A flag server running on its own thread; stopped when dropped.
#[derive(Debug)]
pub struct EmbeddedServer {
    /// The bound address (127.0.0.1 and an ephemeral port).
    addr: SocketAddr,
    /// Given to stop the server's event loop.
    stop: StopSignal,
    /// The server thread; joined on drop.
    thread: Option<thread::JoinHandle<()>>,
}

impl EmbeddedServer {
    /// Starts a quiet server on 127.0.0.1 and a free port, serving the built-in
    /// flags (or `dir`) with the given delays and faults.
    pub fn start(
        chaos: Chaos,
        seed: Option<u64>,
        dir: Option<&std::path::Path>,
    ) -> Result<EmbeddedServer, ServeError> {
        let source = make_source(dir)?;
        let seed = seed.unwrap_or_else(clock_seed);
        let stop = StopSignal::new();
        let stop_signal = stop.clone();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<SocketAddr, ServeError>>();
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        let thread = thread::Builder::new()
            .name("flag-server".into())
            .spawn(move || {
                // The server is the download's scenery: its loop never records a
                // timeline, even with RUNTIME_TIMELINE set, so that a recording of
                // the download shows the downloader's loops only.
                let runtime = match runtime::Builder::new()
                    .timeline(None::<std::path::PathBuf>)
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = ready_tx.send(Err(ServeError::Runtime(error)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let bound = TcpListener::bind(addr).and_then(|l| Ok((l.local_addr()?, l)));
                    let listener = match bound {
                        Ok((local, listener)) => {
                            let _ = ready_tx.send(Ok(local));
                            listener
                        }
                        Err(error) => {
                            let _ = ready_tx.send(Err(ServeError::Bind { addr, error }));
                            return;
                        }
                    };
                    let limit = connection_limit_for(&source);
                    let shared = Rc::new(Shared {
                        source,
                        planner: RefCell::new(Planner::new(chaos, seed)),
                        log: false,
                        timeouts: Timeouts::default(),
                        tls: None,
                        requests: Default::default(),
                        connections: Default::default(),
                    });
                    // Returning ends `block_on`; dropping the runtime then drops
                    // the accept loop and every connection task.
                    runtime::spawn(accept_loop(listener, shared, limit));
                    stop_signal.stopped().await;
                });
            })
            .map_err(ServeError::Thread)?;
        let addr = match ready_rx.recv() {
            Ok(result) => result?,
            Err(_) => {
                let _ = thread.join();
                return Err(ServeError::Thread(io::Error::other(
                    "server thread ended during start-up",
                )));
            }
        };
        Ok(EmbeddedServer {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to download from, e.g. `http://127.0.0.1:40123/flags`.
    pub fn base_url(&self) -> String {
        format!("http://{}/flags", self.addr)
    }
}

impl Drop for EmbeddedServer {
    fn drop(&mut self) {
        self.stop.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
