//! A hyper HTTP/1.1 server on this project's runtime.
//!
//! ```text
//! cargo run -p hyper-compat --example hello_server            # port 3000
//! cargo run -p hyper-compat --example hello_server -- 8080    # another port
//! curl http://127.0.0.1:3000/ http://127.0.0.1:3000/again     # two requests, one connection
//! ```
//!
//! Each answer says which request it is on its connection, so the curl line
//! above shows keep-alive at work: `request 1`, then `request 2`. Stop the
//! server with Ctrl-C.
//!
//! The program is hyper's own "hello" server with three substitutions, the
//! crate's three seams: `runtime::net::TcpListener` for tokio's,
//! `runtime_hyper::Io` for `TokioIo`, `runtime_hyper::Timer` for
//! `TokioTimer` (which arms hyper's 30 s header-read timeout).

use std::cell::Cell;
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

/// How long to wait after a failed accept before the next one.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

fn main() -> ExitCode {
    let port = match std::env::args().nth(1) {
        None => DEFAULT_PORT,
        Some(arg) => match arg.parse::<u16>() {
            Ok(port) => port,
            Err(_) => {
                eprintln!("hello_server: {arg:?} is not a port number (0-65535)");
                return ExitCode::from(2);
            }
        },
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    match runtime::run(serve(addr)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("hello_server: cannot listen on {addr}: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Accepts connections forever, one task each.
async fn serve(addr: SocketAddr) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr)?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}/");
    println!("try: curl http://{addr}/ http://{addr}/again");
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                runtime::spawn(connection(stream, peer));
            }
            // Out of descriptors, or a connection reset while queued: the
            // listener itself is fine. Pause before the next try, or a
            // lasting error (no free descriptor) would spin the loop.
            Err(err) => {
                eprintln!("accept: {err}");
                runtime::time::sleep(ACCEPT_ERROR_PAUSE).await;
            }
        }
    }
}

/// Serves one connection until the client closes it.
async fn connection(stream: TcpStream, peer: SocketAddr) {
    // One counter per connection, shared by its requests. An `Rc`: the
    // connection never leaves the loop's thread.
    let requests = Rc::new(Cell::new(0u64));
    let service = service_fn(move |request: Request<Incoming>| {
        let requests = Rc::clone(&requests);
        async move {
            requests.set(requests.get() + 1);
            let text = format!(
                "hello from hyper on our runtime: {} {} (request {} on this connection)\n",
                request.method(),
                request.uri().path(),
                requests.get()
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
