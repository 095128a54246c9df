//! `hyper_client_get` and `hyper_server_rps`: the same hyper code on both
//! runtimes, so that only the runtime differs.
//!
//! ```text
//! cargo bench -p benches --bench hyper
//! ```
//!
//! Every other HTTP row compares our HTTP client with hyper, which mixes
//! the cost of a runtime with the cost of a client. Here hyper is on both
//! sides. The hyper code is written once, generic over a small [`Glue`]
//! trait (connect a socket wrapped for hyper, spawn hyper's connection
//! future); the glue is `runtime_hyper` on ours and hyper-util's `TokioIo`
//! and `TokioTimer` on tokio, as a user of each would write it.
//!
//! - `hyper_client_get`: hyper's HTTP/1 client (`client::conn::http1`)
//!   sends `HTTP_SEQUENTIAL` GETs one after another over one keep-alive
//!   connection to the neutral std-thread server ([`benches::http_server`]),
//!   each answered with `HTTP_BODY` bytes, read whole. The connection is
//!   made once per bench function; one iteration is the batch of GETs, in
//!   a spawned task (the request sender is moved in and handed back).
//!   `hyper_client_get_block_on` runs the same batch in the `block_on`
//!   future, where each response wakes tokio's `block_on` through its I/O
//!   driver.
//! - `hyper_server_rps`: hyper's HTTP/1 server (`server::conn::http1`, with
//!   the runtime's timer, so hyper's default 30 s header-read timeout is
//!   armed for every request as in a real deployment) on a thread of its
//!   own, loaded by [`benches::load_generator`]: `SERVER_CONNECTIONS`
//!   keep-alive connections on std threads with blocking sockets, each
//!   sending `SERVER_REQUESTS_PER_CONNECTION` GETs in turn. One iteration
//!   is that whole load; criterion reports it as requests per second.
//! - `hyper_server_rps_2_loops`: the same server code on `SERVER_LOOPS`
//!   threads. Ours is thread-per-core: a `runtime::loops` set, each loop
//!   with its own `SO_REUSEPORT` listener, so the kernel picks each
//!   connection's loop and a connection never changes thread. tokio's is
//!   its multi-thread runtime with that many workers and one listener, as
//!   its users write it: any worker may poll any connection, and idle
//!   workers steal. The load is `SERVER_LOOPS_CONNECTIONS` connections, so
//!   that the hash spreads them over both loops; on a 2-core machine the
//!   load generator's threads share the cores with the server, on both
//!   sides alike.
//!
//! tokio gets the drivers each program needs and no more (the rows in
//! `benches::rows` say which): I/O for the client, I/O and time for the
//! server (its timer). Both sides disable Nagle on every socket. Neither
//! side's load runs on the measured runtime. smol has no hyper glue among
//! its crates, so it has no cell here.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;

use benches::http_server::HttpServer;
use benches::load_generator::LoadGenerator;
use benches::params::{
    HTTP_BODY, HTTP_SEQUENTIAL, SERVER_CONNECTIONS, SERVER_LOOPS, SERVER_LOOPS_CONNECTIONS,
    SERVER_LOOPS_REQUESTS_PER_CONNECTION, SERVER_REQUESTS_PER_CONNECTION,
};
use benches::rows::{
    HYPER_CLIENT_GET, HYPER_CLIENT_GET_BLOCK_ON, HYPER_SERVER_RPS, HYPER_SERVER_RPS_2_LOOPS,
};
use benches::rt::{This as ThisRuntime, Tokio as TokioRuntime};
use benches::side::Side;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::{Bytes, Incoming};
use hyper::client::conn::http1::{Connection, SendRequest};
use hyper::{Request, Response};

/// An ephemeral port on loopback.
const LOOPBACK: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

/// What the hyper code needs from a runtime, and nothing more.
trait Glue {
    /// A connected socket, wrapped for hyper's I/O traits.
    type Io: hyper::rt::Read + hyper::rt::Write + Unpin + 'static;

    /// Connects to `addr` with Nagle off.
    fn connect(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Io>>;

    /// Runs hyper's client connection future as a task of this runtime.
    fn spawn_connection(connection: Connection<Self::Io, Empty<Bytes>>);
}

/// Our runtime, through `runtime_hyper`.
struct This;

impl Glue for This {
    type Io = runtime_hyper::Io<runtime::net::TcpStream>;

    async fn connect(addr: SocketAddr) -> io::Result<Self::Io> {
        let stream = runtime::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(runtime_hyper::Io::with_vectored_writes(stream))
    }

    fn spawn_connection(connection: Connection<Self::Io, Empty<Bytes>>) {
        runtime::spawn(async move {
            let _ = connection.await;
        });
    }
}

/// tokio, through hyper-util.
struct Tokio;

impl Glue for Tokio {
    type Io = hyper_util::rt::TokioIo<tokio::net::TcpStream>;

    async fn connect(addr: SocketAddr) -> io::Result<Self::Io> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(hyper_util::rt::TokioIo::new(stream))
    }

    fn spawn_connection(connection: Connection<Self::Io, Empty<Bytes>>) {
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
}

/// Connects and hands the connection to hyper's client: the same code on
/// both runtimes.
async fn client<G: Glue>(addr: SocketAddr) -> SendRequest<Empty<Bytes>> {
    let io = G::connect(addr).await.expect("connect to the HTTP server");
    let (sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .expect("hyper's handshake");
    G::spawn_connection(connection);
    sender
}

/// `count` GETs, one after another, each body read whole: the same code on
/// both runtimes.
async fn get_many(sender: &mut SendRequest<Empty<Bytes>>, host: &str, count: usize) {
    for _ in 0..count {
        sender.ready().await.expect("the connection is open");
        let request = Request::get("/")
            .header(hyper::header::HOST, host)
            .body(Empty::new())
            .expect("a valid request");
        let response = sender.send_request(request).await.expect("GET");
        assert_eq!(response.status(), 200);
        let body = response.into_body().collect().await.expect("body");
        assert_eq!(body.to_bytes().len(), HTTP_BODY);
    }
}

/// [`get_many`] on an owned sender, handed back at the end, so that the
/// batch can run in a spawned task.
async fn get_many_owned(
    mut sender: SendRequest<Empty<Bytes>>,
    host: Arc<str>,
) -> SendRequest<Empty<Bytes>> {
    get_many(&mut sender, &host, HTTP_SEQUENTIAL).await;
    sender
}

fn hyper_client_get(c: &mut Criterion) {
    let server = HttpServer::start(HTTP_BODY).expect("start the HTTP server");
    let host: Arc<str> = server.addr().to_string().into();
    for row in [&HYPER_CLIENT_GET, &HYPER_CLIENT_GET_BLOCK_ON] {
        let mut group = c.benchmark_group(row.name);

        let this = ThisRuntime::new();
        let mut sender = Some(this.block_on(client::<This>(server.addr())));
        group.bench_function(Side::This.name(), |b| {
            b.iter(|| {
                let taken = sender.take().expect("the sender is back");
                sender = Some(this.run(row.shape, get_many_owned(taken, Arc::clone(&host))));
            })
        });
        drop(sender);
        drop(this);

        let tokio = TokioRuntime::new(row.drivers);
        let mut sender = Some(tokio.block_on(client::<Tokio>(server.addr())));
        group.bench_function(Side::Tokio.name(), |b| {
            b.iter(|| {
                let taken = sender.take().expect("the sender is back");
                sender = Some(tokio.run(row.shape, get_many_owned(taken, Arc::clone(&host))));
            })
        });
        group.finish();
    }
}

/// hyper's server side of one connection, with a runtime's timer: the same
/// code on both runtimes.
async fn serve_connection<I, T>(io: I, timer: T, body: Bytes)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + 'static,
    T: hyper::rt::Timer + Send + Sync + 'static,
{
    let service = hyper::service::service_fn(move |_: Request<Incoming>| {
        let body = body.clone();
        async move { Ok::<_, Infallible>(Response::new(Full::new(body))) }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(timer)
        .serve_connection(io, service)
        .await;
}

/// The body every server response carries.
fn response_body() -> Bytes {
    Bytes::from(vec![b'x'; HTTP_BODY])
}

/// A hyper server on a thread of its own, stopped and joined on drop.
struct ServerThread {
    /// Where it listens.
    addr: SocketAddr,
    /// Set on drop; the accept loop checks it after each accept.
    stop: Arc<AtomicBool>,
    /// The server's thread (its runtime lives and dies there).
    thread: Option<JoinHandle<()>>,
}

impl ServerThread {
    /// Runs `serve(listener-address sender, stop flag)` on a new thread and
    /// waits until it listens.
    fn start<F>(serve: F) -> ServerThread
    where
        F: FnOnce(mpsc::Sender<SocketAddr>, Arc<AtomicBool>) + Send + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let (addr_tx, addr_rx) = mpsc::channel();
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || serve(addr_tx, stop))
        };
        let addr = addr_rx.recv().expect("the server thread listens");
        ServerThread {
            addr,
            stop,
            thread: Some(thread),
        }
    }

    /// Our runtime accepting, one task per connection.
    fn this() -> ServerThread {
        ServerThread::start(|addr_tx, stop| {
            ThisRuntime::new().block_on(async move {
                let listener = runtime::net::TcpListener::bind(LOOPBACK).expect("bind");
                let _ = addr_tx.send(listener.local_addr().expect("local address"));
                let body = response_body();
                while let Ok((stream, _)) = listener.accept().await {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let _ = stream.set_nodelay(true);
                    let io = runtime_hyper::Io::with_vectored_writes(stream);
                    runtime::spawn(serve_connection(io, runtime_hyper::Timer, body.clone()));
                }
            })
        })
    }

    /// tokio accepting, one task per connection.
    fn tokio() -> ServerThread {
        ServerThread::start(|addr_tx, stop| {
            TokioRuntime::new(HYPER_SERVER_RPS.drivers).block_on(async move {
                let listener = tokio::net::TcpListener::bind(LOOPBACK).await.expect("bind");
                let _ = addr_tx.send(listener.local_addr().expect("local address"));
                let body = response_body();
                while let Ok((stream, _)) = listener.accept().await {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let _ = stream.set_nodelay(true);
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let timer = hyper_util::rt::TokioTimer::new();
                    tokio::spawn(serve_connection(io, timer, body.clone()));
                }
            })
        })
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept; an error means the server is gone already.
        let _ = std::net::TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts one side's server.
type StartServer = fn() -> ServerThread;

fn hyper_server_rps(c: &mut Criterion) {
    let total = SERVER_CONNECTIONS * SERVER_REQUESTS_PER_CONNECTION;
    let mut group = c.benchmark_group(HYPER_SERVER_RPS.name);
    group.throughput(Throughput::Elements(total as u64));
    let sides: [(&str, StartServer); 2] = [
        (Side::This.name(), ServerThread::this),
        (Side::Tokio.name(), ServerThread::tokio),
    ];
    for (side, start) in sides {
        let server = start();
        let load = LoadGenerator::connect(server.addr, SERVER_CONNECTIONS)
            .unwrap_or_else(|err| panic!("load generator: {err}"));
        group.bench_function(side, |b| {
            b.iter(|| match load.run(SERVER_REQUESTS_PER_CONNECTION) {
                Ok(answered) => assert_eq!(answered, total),
                Err(err) => panic!("{side}: {err}"),
            })
        });
        drop(load); // close the connections before stopping the server
    }
    group.finish();
}

/// The same hyper server on several threads, stopped on drop: ours on a
/// set of loops, tokio's multi-thread runtime.
enum ManyThreads {
    /// Our loops; each runs an accept task on its own listener.
    This {
        /// Dropping the set stops every loop and drops its tasks.
        _loops: runtime::loops::Loops,
        /// Where they listen.
        addr: SocketAddr,
    },
    /// tokio's runtime and its accept task.
    Tokio {
        /// Dropping it stops the workers and drops the tasks.
        _runtime: tokio::runtime::Runtime,
        /// Where it listens.
        addr: SocketAddr,
    },
}

impl ManyThreads {
    /// `SERVER_LOOPS` loops, each accepting on its own `SO_REUSEPORT`
    /// socket on one port, one task per connection: thread-per-core.
    fn this() -> ManyThreads {
        let loops = runtime::loops::Builder::new(SERVER_LOOPS)
            .name("bench-loop")
            .build()
            .expect("start the loops");
        let first = runtime::net::reuseport_listener(LOOPBACK, 1024).expect("bind");
        let addr = first.local_addr().expect("local address");
        let mut sockets = vec![Some(first)];
        for _ in 1..SERVER_LOOPS {
            sockets.push(Some(
                runtime::net::reuseport_listener(addr, 1024).expect("bind"),
            ));
        }
        let sockets = std::sync::Mutex::new(sockets);
        // Each loop takes its socket and spawns its accept task, then the
        // future returns; the task runs until the set is dropped.
        loops.run_on_each(move |index| {
            let socket = sockets.lock().expect("sockets")[index]
                .take()
                .expect("one each");
            async move {
                let listener = runtime::net::TcpListener::from_std(socket).expect("register");
                let body = response_body();
                runtime::spawn(async move {
                    while let Ok((stream, _)) = listener.accept().await {
                        let _ = stream.set_nodelay(true);
                        let io = runtime_hyper::Io::with_vectored_writes(stream);
                        runtime::spawn(serve_connection(io, runtime_hyper::Timer, body.clone()));
                    }
                });
            }
        });
        ManyThreads::This {
            _loops: loops,
            addr,
        }
    }

    /// tokio's multi-thread runtime with `SERVER_LOOPS` workers, one
    /// listener, one task per connection, as a tokio user writes it.
    fn tokio() -> ManyThreads {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(SERVER_LOOPS)
            .enable_io()
            .enable_time()
            .build()
            .expect("tokio's multi-thread runtime");
        let listener = rt
            .block_on(tokio::net::TcpListener::bind(LOOPBACK))
            .expect("bind");
        let addr = listener.local_addr().expect("local address");
        rt.spawn(async move {
            let body = response_body();
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                let io = hyper_util::rt::TokioIo::new(stream);
                let timer = hyper_util::rt::TokioTimer::new();
                tokio::spawn(serve_connection(io, timer, body.clone()));
            }
        });
        ManyThreads::Tokio { _runtime: rt, addr }
    }

    /// Where it listens.
    fn addr(&self) -> SocketAddr {
        match self {
            ManyThreads::This { addr, .. } | ManyThreads::Tokio { addr, .. } => *addr,
        }
    }
}

/// Starts one side's server on several threads.
type StartMany = fn() -> ManyThreads;

fn hyper_server_rps_2_loops(c: &mut Criterion) {
    let total = SERVER_LOOPS_CONNECTIONS * SERVER_LOOPS_REQUESTS_PER_CONNECTION;
    let mut group = c.benchmark_group(HYPER_SERVER_RPS_2_LOOPS.name);
    group.throughput(Throughput::Elements(total as u64));
    let sides: [(&str, StartMany); 2] = [
        (Side::This.name(), ManyThreads::this),
        (Side::Tokio.name(), ManyThreads::tokio),
    ];
    for (side, start) in sides {
        let server = start();
        let load = LoadGenerator::connect(server.addr(), SERVER_LOOPS_CONNECTIONS)
            .unwrap_or_else(|err| panic!("load generator: {err}"));
        group.bench_function(side, |b| {
            b.iter(|| match load.run(SERVER_LOOPS_REQUESTS_PER_CONNECTION) {
                Ok(answered) => assert_eq!(answered, total),
                Err(err) => panic!("{side}: {err}"),
            })
        });
        drop(load); // close the connections before stopping the server
        drop(server);
    }
    group.finish();
}

criterion_group!(
    benches,
    hyper_client_get,
    hyper_server_rps,
    hyper_server_rps_2_loops
);
criterion_main!(benches);
