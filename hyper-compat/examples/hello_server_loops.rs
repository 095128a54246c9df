//! hyper's HTTP/1.1 server on several event loops: one loop per core, each
//! accepting on its own listening socket on the same port (`SO_REUSEPORT`).
//!
//! ```text
//! cargo run -p hyper-compat --example hello_server_loops              # port 3000, one loop per core
//! cargo run -p hyper-compat --example hello_server_loops -- 8080 2    # port 8080, two loops
//! curl http://127.0.0.1:3000/ http://127.0.0.1:3000/again
//! ```
//!
//! Each answer names the loop's thread, so a few curl runs show the kernel
//! spreading connections over the loops (requests on one connection stay on
//! its loop). Stop the server with Ctrl-C.
//!
//! This is `hello_server.rs` with one change: instead of `runtime::run`, a
//! `runtime::loops::Loops` set runs the same accept loop on every loop, each
//! with a listener of its own from `TcpListener::bind_reuseport`. Nothing is
//! shared between the loops, so the connection code keeps its `Rc`.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use runtime::net::{TcpListener, TcpStream};

/// The port when none is given on the command line.
const DEFAULT_PORT: u16 = 3000;

/// The listen backlog of each loop's socket (tokio's default).
const BACKLOG: u32 = 1024;

/// How long to wait after a failed accept before the next one.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let port = match args.next().map(|arg| (arg.parse::<u16>(), arg)) {
        None => DEFAULT_PORT,
        Some((Ok(port), _)) => port,
        Some((Err(_), arg)) => {
            eprintln!("hello_server_loops: {arg:?} is not a port number (0-65535)");
            return ExitCode::from(2);
        }
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let count = match args.next().map(|arg| (arg.parse::<usize>(), arg)) {
        None => cores,
        Some((Ok(count), _)) if count > 0 => count,
        Some((_, arg)) => {
            eprintln!("hello_server_loops: {arg:?} is not a number of loops (1 or more)");
            return ExitCode::from(2);
        }
    };
    // Bind the first socket here, so that port 0 is resolved once and the
    // others join the same port.
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let first = match runtime::net::reuseport_listener(addr, BACKLOG) {
        Ok(socket) => socket,
        Err(err) => {
            eprintln!("hello_server_loops: cannot listen on {addr}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let addr = first.local_addr().unwrap_or(addr);
    let first = std::sync::Mutex::new(Some(first));
    let loops = match runtime::loops::Builder::new(count).name("hello").build() {
        Ok(loops) => loops,
        Err(err) => {
            eprintln!("hello_server_loops: {err}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on http://{addr}/ with {count} loops");
    println!("try: curl http://{addr}/ http://{addr}/again");
    // Every loop serves until the process is stopped; an error binding one
    // loop's socket ends that loop's future and is printed.
    let results = loops.run_on_each(move |index| {
        let taken = if index == 0 {
            first.lock().ok().and_then(|mut first| first.take())
        } else {
            None
        };
        async move {
            let listener = match taken {
                Some(socket) => TcpListener::from_std(socket),
                None => TcpListener::bind_reuseport(addr, BACKLOG),
            };
            match listener {
                Ok(listener) => serve(listener).await,
                Err(err) => Err(err),
            }
        }
    });
    for (index, result) in results.into_iter().enumerate() {
        if let Err(err) = result {
            eprintln!("hello_server_loops: loop {index}: {err}");
        }
    }
    ExitCode::FAILURE
}

/// Accepts connections forever on this loop, one task each.
async fn serve(listener: TcpListener) -> std::io::Result<()> {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                runtime::spawn(connection(stream, peer));
            }
            Err(err) => {
                eprintln!("accept: {err}");
                runtime::time::sleep(ACCEPT_ERROR_PAUSE).await;
            }
        }
    }
}

/// Serves one connection until the client closes it.
async fn connection(stream: TcpStream, peer: SocketAddr) {
    let _ = stream.set_nodelay(true);
    // The loop's thread name, shared by the connection's requests through an
    // `Rc`: the connection never leaves this loop.
    let thread: Rc<str> = std::thread::current().name().unwrap_or("?").into();
    let service = service_fn(move |request: Request<Incoming>| {
        let thread = Rc::clone(&thread);
        async move {
            let text = format!(
                "hello from hyper on loop {thread}: {} {}\n",
                request.method(),
                request.uri().path(),
            );
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(text))))
        }
    });
    let served = http1::Builder::new()
        .timer(runtime_hyper::Timer)
        .serve_connection(runtime_hyper::Io::with_vectored_writes(stream), service)
        .await;
    if let Err(err) = served {
        eprintln!("connection from {peer}: {err}");
    }
}
