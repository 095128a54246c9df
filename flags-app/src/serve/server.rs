//! Starting the flag server: the accept loop, the standalone `flags serve`, and the
//! embedded server that `-s LOCAL|DELAY|ERROR` runs on a second thread.
//!
//! ## Threads
//!
//! Our runtime is single-threaded, so the embedded server gets a thread of its own
//! with its own `runtime::run`, and the downloader keeps the main thread (or its
//! worker threads). The two sides share nothing but the socket between them, as a
//! separate server process would; the start-up handshake is a std channel carrying
//! the bound address back, and shutdown is an `AtomicBool` plus one connection to
//! our own port to wake the accept loop so it sees the flag.
//!
//! ## Accept loop
//!
//! One task accepts; each connection gets a task (`handle_connection`). An accept
//! error (for example too many open files) is logged and retried after
//! `ACCEPT_BACKOFF`, so a burst of connections cannot spin the loop.
//!
//! What tokio/hyper do differently: a multi-threaded accept loop, graceful shutdown
//! that lets in-flight requests finish, and a connection limit.

use std::cell::RefCell;
use std::fmt;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream as StdTcpStream};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use runtime::net::TcpListener;

use super::chaos::{Chaos, Planner};
use super::connection::{Shared, handle_connection};
use super::source::{BadDir, Source};
use crate::config::ServeConfig;
use crate::gifgen::FlagImages;
use crate::output::stderr_line;

/// Pause after a failed accept before trying again.
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
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Dir(err) => err.fmt(f),
            ServeError::Bind { addr, error } => write!(f, "cannot listen on {addr}: {error}"),
            ServeError::Thread(error) => write!(f, "cannot start the server thread: {error}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// Accepts connections until `stop` is set, one task per connection.
async fn accept_loop(listener: TcpListener, shared: Rc<Shared>, stop: Arc<AtomicBool>) {
    loop {
        match listener.accept().await {
            Ok((stream, _peer)) => {
                if stop.load(Ordering::Acquire) {
                    return;
                }
                // Head and body go out in separate writes; without TCP_NODELAY the
                // last partial segment of the body could wait for the client's ACK.
                let _ = stream.set_nodelay(true);
                runtime::spawn(handle_connection(stream, Rc::clone(&shared)));
            }
            Err(err) => {
                if stop.load(Ordering::Acquire) {
                    return;
                }
                stderr_line(format_args!("flag server: accept failed: {err}"));
                runtime::time::sleep(ACCEPT_BACKOFF).await;
            }
        }
    }
}

/// A seed from the clock, for runs without `--seed`.
fn clock_seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos() as u64)
        .unwrap_or(0)
}

/// The image source of a configuration: `--dir`, or generated images whose cache
/// a background thread fills with the flags of `warm` (the codes about to be
/// asked for), so that first requests rarely wait for drawing.
fn make_source(dir: Option<&std::path::Path>, warm: Vec<String>) -> Result<Source, ServeError> {
    match dir {
        Some(dir) => Source::dir(dir).map_err(ServeError::Dir),
        None => {
            let images = Arc::new(FlagImages::new());
            let cache = Arc::clone(&images);
            // If the thread cannot start, images are drawn on first request instead.
            let _ = thread::Builder::new()
                .name("flag-images".into())
                .spawn(move || cache.warm_up(warm.iter().map(String::as_str)));
            Ok(Source::Generated(images))
        }
    }
}

/// Runs `flags serve` in the foreground until the process is stopped.
pub fn run_standalone(config: &ServeConfig) -> Result<(), ServeError> {
    let all = FlagImages::all_codes().map(str::to_owned).collect();
    let source = make_source(config.dir.as_deref(), all)?;
    let seed = config.seed.unwrap_or_else(clock_seed);
    let what = match &config.dir {
        Some(dir) => format!("files under {}", dir.display()),
        None => "generated images".to_owned(),
    };
    let chaos = config.chaos.clone();
    let addr = config.addr;
    runtime::run(async move {
        let listener = TcpListener::bind(addr).map_err(|error| ServeError::Bind { addr, error })?;
        let local = listener
            .local_addr()
            .map_err(|error| ServeError::Bind { addr, error })?;
        // A closed stdout (the reader went away) must not stop the server, so the
        // banner ignores write errors where `println!` would panic.
        let mut out = io::stdout().lock();
        let _ = writeln!(out, "Serving {what} at http://{local}/flags");
        let _ = writeln!(
            out,
            "delay {}, error rate {}, faults {:?}, seed {seed}",
            chaos.delay, chaos.error_rate, chaos.kinds
        );
        let _ = out.flush();
        drop(out);
        let shared = Rc::new(Shared {
            source,
            planner: RefCell::new(Planner::new(chaos, seed)),
            log: true,
        });
        accept_loop(listener, shared, Arc::new(AtomicBool::new(false))).await;
        Ok(())
    })
}

/// A flag server running on its own thread; stopped when dropped.
#[derive(Debug)]
pub struct EmbeddedServer {
    /// The bound address (127.0.0.1 and an ephemeral port).
    addr: SocketAddr,
    /// Set to ask the accept loop to return.
    stop: Arc<AtomicBool>,
    /// The server thread; joined on drop.
    thread: Option<thread::JoinHandle<()>>,
}

impl EmbeddedServer {
    /// Starts a quiet server on 127.0.0.1 and a free port, serving generated images
    /// (or `dir`) with the given delays and faults; the flags of `warm` are drawn
    /// ahead of the requests on a background thread.
    pub fn start(
        chaos: Chaos,
        seed: Option<u64>,
        dir: Option<&std::path::Path>,
        warm: &[String],
    ) -> Result<EmbeddedServer, ServeError> {
        let source = make_source(dir, warm.to_vec())?;
        let seed = seed.unwrap_or_else(clock_seed);
        let stop = Arc::new(AtomicBool::new(false));
        let stop_flag = Arc::clone(&stop);
        let (ready_tx, ready_rx) = mpsc::channel::<Result<SocketAddr, ServeError>>();
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        let thread = thread::Builder::new()
            .name("flag-server".into())
            .spawn(move || {
                runtime::run(async move {
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
                    let shared = Rc::new(Shared {
                        source,
                        planner: RefCell::new(Planner::new(chaos, seed)),
                        log: false,
                    });
                    accept_loop(listener, shared, stop_flag).await;
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
        self.stop.store(true, Ordering::Release);
        // Wake the accept loop so that it sees the flag.
        let _ = StdTcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
