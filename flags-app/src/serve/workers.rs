//! `flags serve` in the foreground, on one event loop or several (`--workers N`).
//!
//! ## Workers
//!
//! Each worker is one loop of a `runtime::loops::Loops` set, on its own thread
//! (`flags-worker-0`, ...), running every server of the run (one, or the book's
//! three) with its own accept loop, its own connection tasks, timers and planner.
//! Workers share nothing but the image source (its cache is thread-safe) and the
//! process's descriptors. With one worker (the default, the book's single loop)
//! each server binds as before; with more, every worker has its own listening
//! socket on each server's port, bound with `SO_REUSEPORT`, and the kernel spreads
//! the connections among them, as nginx's `listen ... reuseport` does. Where the
//! platform has no `SO_REUSEPORT` (Windows), `--workers 2` fails with that error
//! before serving; one worker works everywhere.
//!
//! ## Start-up: all or nothing
//!
//! ```text
//!   main thread                                 each worker (its loop)
//!   bind every shared socket (workers > 1) ─┐
//!   start the loops ────────────────────────┼─► register its sockets (or bind,
//!                                           │   with one worker) ──► ready(addrs)
//!   wait for every ready ◄──────────────────┘
//!   any error: close `go`, report it once ────► go.recv() = None: return
//!   else: banner, Ctrl-C handler, send go ────► go.recv() = Some: serve until
//!   Ctrl-C: drop the go senders ──────────────► go.recv() = None: return counts
//!   print each worker's counts
//! ```
//!
//! A worker that cannot start (its socket cannot be bound or registered, its loop
//! cannot be built) makes the whole command fail before any worker accepts a
//! connection: a server that silently runs on fewer workers than asked would
//! mislead whoever measures it. The error is printed once, by `main`.
//!
//! ## Bounds
//!
//! The connection limit follows the process's descriptor limit
//! (`descriptors.rs`), which all workers share, so each worker holds at most its
//! share: the limit divided by servers times workers. That is nginx's choice too
//! (`worker_connections` is per worker); a worker whose connections all hang does
//! not take the others' slots, at the price that one busy worker cannot borrow an
//! idle one's. The timeouts, the EMFILE back-off and the logging are each
//! worker's own, as in one loop.
//!
//! ## Ctrl-C
//!
//! SIGINT stops every worker (each drops its connections, as a single loop did
//! when the process died) and the server prints, on stderr, the connections and
//! requests of each worker and the total, then exits with status 0.

use std::cell::RefCell;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread;

use runtime::loops;
use runtime::net::TcpListener;

use super::banner::banner;
use super::chaos::Planner;
use super::connection::Shared;
use super::server::{ServeError, accept_loop, clock_seed, connection_limit_for, make_source};
use super::tls::server_config;
use crate::config::{ServeConfig, ServerSpec};
use crate::output::stderr_line;

/// The worker threads are `flags-worker-0`, `flags-worker-1`, ...
const WORKER_THREAD_NAME: &str = "flags-worker";

/// What one worker did, reported at Ctrl-C.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WorkerCounts {
    /// Connections accepted.
    pub connections: u64,
    /// Requests read and answered (or failed on purpose).
    pub requests: u64,
}

/// How a worker gets its listening socket for one server.
#[derive(Debug)]
enum Listen {
    /// Bind `addr` itself, with this backlog (one worker: no port sharing).
    Bind(SocketAddr, u32),
    /// Take this socket, bound with `SO_REUSEPORT` by the main thread.
    Shared(SocketAddr, std::net::TcpListener),
}

impl Listen {
    /// The listener, registered with the worker's loop.
    fn listen(self) -> Result<TcpListener, ServeError> {
        match self {
            Listen::Bind(addr, backlog) => TcpListener::bind_with_backlog(addr, backlog)
                .map_err(|error| ServeError::Bind { addr, error }),
            Listen::Shared(addr, socket) => {
                TcpListener::from_std(socket).map_err(|error| ServeError::Bind { addr, error })
            }
        }
    }
}

/// Things handed out to the workers, one each, by index: what a `Fn` closure
/// shared by every loop can give each of them exactly once.
struct Handout<T>(Mutex<Vec<Option<T>>>);

impl<T> Handout<T> {
    fn new(items: Vec<T>) -> Handout<T> {
        Handout(Mutex::new(items.into_iter().map(Some).collect()))
    }

    /// Worker `index`'s item; `None` if it was taken already.
    fn take(&self, index: usize) -> Option<T> {
        let mut items = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        items.get_mut(index).and_then(Option::take)
    }
}

/// The sockets for each worker (outer) and server (inner). With one worker the
/// worker binds; with more, the sockets are bound here, on the main thread, so
/// that a port in use fails the command before any loop starts. Port 0 is
/// resolved by the first worker's socket, and the others join its port.
fn plan_listeners(servers: &[ServerSpec], workers: usize) -> Result<Vec<Vec<Listen>>, ServeError> {
    if workers == 1 {
        return Ok(vec![
            servers
                .iter()
                .map(|spec| Listen::Bind(spec.addr, spec.backlog))
                .collect(),
        ]);
    }
    let mut plan: Vec<Vec<Listen>> = (0..workers).map(|_| Vec::new()).collect();
    for spec in servers {
        let mut addr = spec.addr;
        for sockets in plan.iter_mut() {
            let socket = runtime::net::reuseport_listener(addr, spec.backlog)
                .map_err(|error| ServeError::Bind { addr, error })?;
            addr = socket
                .local_addr()
                .map_err(|error| ServeError::Bind { addr, error })?;
            sockets.push(Listen::Shared(addr, socket));
        }
    }
    Ok(plan)
}

/// Runs `flags serve` in the foreground until Ctrl-C: every server of `config` on
/// each of `config.workers` loops. See the module doc.
pub fn run_standalone(config: &ServeConfig) -> Result<(), ServeError> {
    let source = make_source(config.dir.as_deref())?;
    let seed = config.seed.unwrap_or_else(clock_seed);
    let tls = match &config.tls {
        Some(files) => Some(server_config(files).map_err(ServeError::Tls)?),
        None => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let what = match &config.dir {
        Some(dir) => format!("files under {}", dir.display()),
        None => "the built-in flags".to_owned(),
    };
    let workers = config.workers.max(1);
    let servers = config.servers.clone();
    let plan = Handout::new(plan_listeners(&servers, workers)?);
    let loops = loops::Builder::new(workers)
        .name(WORKER_THREAD_NAME)
        .build()
        .map_err(ServeError::Runtime)?;
    // The servers of one process share its descriptors, so they share the limit.
    let limit = (connection_limit_for(&source) / (servers.len() * workers).max(1)).max(1);
    let (ready_tx, ready_rx) = mpsc::channel::<(usize, Result<Vec<SocketAddr>, ServeError>)>();
    let ready_tx = Mutex::new(ready_tx);
    let (go_senders, go_receivers): (Vec<_>, Vec<_>) =
        (0..workers).map(|_| loops::channel::<()>()).unzip();
    let go_receivers = Handout::new(go_receivers);
    let timeouts = config.timeouts;
    let specs = servers.clone();
    let make_worker = move |index: usize| {
        let listens = plan.take(index).unwrap_or_default();
        let go = go_receivers.take(index);
        let ready = ready_tx
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let source = source.clone();
        let tls = tls.clone();
        let specs = specs.clone();
        async move {
            let mut listeners = Vec::with_capacity(listens.len());
            for listen in listens {
                match listen.listen() {
                    Ok(listener) => listeners.push(listener),
                    Err(err) => {
                        let _ = ready.send((index, Err(err)));
                        return WorkerCounts::default();
                    }
                }
            }
            let addrs: io::Result<Vec<SocketAddr>> =
                listeners.iter().map(TcpListener::local_addr).collect();
            let addrs = addrs.map_err(|error| ServeError::Bind {
                addr: specs[0].addr,
                error,
            });
            let _ = ready.send((index, addrs));
            drop(ready);
            let Some(mut go) = go else {
                return WorkerCounts::default();
            };
            if go.recv().await.is_none() {
                return WorkerCounts::default(); // another worker failed to start
            }
            let mut shareds = Vec::with_capacity(listeners.len());
            for (listener, (spec, server)) in listeners.into_iter().zip(specs.iter().zip(0u64..)) {
                // Worker 0's planners are seeded as a single loop's were.
                let stream = seed.wrapping_add(server + index as u64 * specs.len() as u64);
                let shared = Rc::new(Shared {
                    source: source.clone(),
                    planner: RefCell::new(Planner::new(spec.chaos.clone(), stream)),
                    log: true,
                    timeouts,
                    tls: tls.clone(),
                    requests: Default::default(),
                    connections: Default::default(),
                });
                shareds.push(Rc::clone(&shared));
                runtime::spawn(accept_loop(listener, shared, limit));
            }
            // Serves until Ctrl-C drops the sender.
            while go.recv().await.is_some() {}
            shareds
                .iter()
                .fold(WorkerCounts::default(), |sum, shared| WorkerCounts {
                    connections: sum.connections + shared.connections.get(),
                    requests: sum.requests + shared.requests.get(),
                })
        }
    };
    thread::scope(|scope| {
        let running = scope.spawn(|| loops.run_on_each(make_worker));
        let mut addrs: Vec<Option<Vec<SocketAddr>>> = vec![None; workers];
        let mut failure = None;
        for _ in 0..workers {
            match ready_rx.recv() {
                Ok((index, Ok(bound))) => addrs[index] = Some(bound),
                Ok((_, Err(err))) => {
                    failure.get_or_insert(err);
                }
                Err(mpsc::RecvError) => break,
            }
        }
        if let Some(err) = failure {
            drop(go_senders);
            let _ = running.join();
            return Err(err);
        }
        let Some(first) = addrs.into_iter().next().flatten() else {
            drop(go_senders);
            let _ = running.join();
            return Err(ServeError::Thread(io::Error::other(
                "a worker ended during start-up",
            )));
        };
        let described: Vec<_> = servers
            .iter()
            .zip(&first)
            .map(|(spec, local)| (spec.label, *local, &spec.chaos))
            .collect();
        // A closed stdout (the reader went away) must not stop the server, so the
        // banner ignores write errors where `println!` would panic.
        let mut out = io::stdout().lock();
        let _ = out.write_all(banner(&what, scheme, &described, seed).as_bytes());
        if workers > 1 {
            let _ = writeln!(
                out,
                "{workers} workers, one event loop each, sharing each port (SO_REUSEPORT)"
            );
        }
        let _ = out.flush();
        drop(out);
        let stop = Arc::new(Mutex::new(Some(go_senders.clone())));
        let on_interrupt = Arc::clone(&stop);
        if let Err(err) = ctrlc::set_handler(move || {
            // Dropping every sender ends every worker's wait.
            drop(
                on_interrupt
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take(),
            );
        }) {
            stderr_line(format_args!(
                "flag server: cannot catch Ctrl-C ({err}); it will stop without a report"
            ));
        }
        for go in &go_senders {
            let _ = go.send(());
        }
        drop(go_senders);
        let counts = match running.join() {
            Ok(counts) => counts,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        report(&counts);
        Ok(())
    })
}

/// Prints each worker's counts and the total on stderr (never failing).
fn report(counts: &[WorkerCounts]) {
    stderr_line(format_args!("flag server: stopped"));
    let mut total = WorkerCounts::default();
    for (index, worker) in counts.iter().enumerate() {
        stderr_line(format_args!(
            "  worker {index}: {} connections, {} requests",
            worker.connections, worker.requests
        ));
        total.connections += worker.connections;
        total.requests += worker.requests;
    }
    stderr_line(format_args!(
        "  total: {} connections, {} requests",
        total.connections, total.requests
    ));
}
