//! A keep-alive HTTP/1.1 load generator on std threads, for `hyper_server_rps`.
//!
//! The server under test runs on one runtime or the other; the load must
//! come from neither, or the figure would include the cost of the client's
//! runtime too. So the load is plain blocking sockets on std threads, the
//! same for both servers: a fixed number of connections, each on its own
//! thread, each sending a fixed number of GETs one after another over one
//! keep-alive connection (a request, its whole response, the next request).
//! wrk does the same with an event loop per thread; threads are simpler to
//! read, and equal for both sides.
//!
//! ## Parts
//!
//! - [`LoadGenerator::connect`] opens the connections (Nagle off) and starts
//!   one worker thread per connection. The connections stay open for the
//!   generator's life, as a benchmark's keep-alive clients would.
//! - [`LoadGenerator::run`] tells every worker to send `n` requests, waits
//!   for all of them, and returns how many were answered (`n` × workers, or
//!   an error). One criterion iteration is one `run`.
//! - Dropping the generator closes the work channels; each worker ends its
//!   loop and closes its socket, which ends the connection on the server.
//!
//! A response is read by its head's `Content-Length`, and anything but a
//! `200` is an error: the generator is a measuring tool, and a server that
//! answers wrongly must not look fast.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::http_server::{MAX_HEAD, find_head_end};

/// The request every worker sends, again and again.
const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n";

/// Bytes read from the socket at a time.
const READ_CHUNK: usize = 16 * 1024;

/// How long a worker waits for a response before giving up, so that a
/// server that stops answering fails the run instead of hanging it.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(10);

/// What can go wrong while generating load.
#[derive(Debug)]
pub enum LoadError {
    /// A socket call failed (connect, write, read, or the response timeout).
    Io(io::Error),
    /// The server closed a connection before answering a request.
    Closed {
        /// Requests that worker had answered before that.
        answered: usize,
    },
    /// A response the generator does not accept.
    BadResponse(String),
    /// A worker thread is gone (it panicked, or could not be started).
    WorkerGone,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io(err) => write!(f, "load generator socket error: {err}"),
            LoadError::Closed { answered } => write!(
                f,
                "the server closed a connection after answering {answered} requests on it"
            ),
            LoadError::BadResponse(what) => write!(f, "unexpected response: {what}"),
            LoadError::WorkerGone => write!(f, "a load generator thread is gone"),
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::Io(err) => Some(err),
            _ => None,
        }
    }
}

impl From<io::Error> for LoadError {
    fn from(err: io::Error) -> LoadError {
        LoadError::Io(err)
    }
}

/// Open keep-alive connections, each driven by its own thread.
#[derive(Debug)]
pub struct LoadGenerator {
    /// One per connection; the bench thread owns them all.
    workers: Vec<Worker>,
}

/// The bench thread's end of one worker.
#[derive(Debug)]
struct Worker {
    /// "Send this many requests". Dropping it ends the worker.
    work: Option<Sender<usize>>,
    /// The answer to each order: requests answered, or why not.
    done: Receiver<Result<usize, LoadError>>,
    /// The thread, joined on drop.
    thread: Option<JoinHandle<()>>,
}

impl LoadGenerator {
    /// Opens `connections` connections to `addr` and starts their threads.
    pub fn connect(addr: SocketAddr, connections: usize) -> Result<LoadGenerator, LoadError> {
        let mut workers = Vec::with_capacity(connections);
        for i in 0..connections {
            let stream = TcpStream::connect(addr)?;
            stream.set_nodelay(true)?;
            stream.set_read_timeout(Some(RESPONSE_TIMEOUT))?;
            let (work, orders) = mpsc::channel();
            let (report, done) = mpsc::channel();
            let thread = std::thread::Builder::new()
                .name(format!("bench-load-{i}"))
                .spawn(move || worker_loop(stream, &orders, &report))?;
            workers.push(Worker {
                work: Some(work),
                done,
                thread: Some(thread),
            });
        }
        Ok(LoadGenerator { workers })
    }

    /// Has every connection send `per_connection` requests, one after
    /// another, all connections at once; returns the total answered.
    pub fn run(&self, per_connection: usize) -> Result<usize, LoadError> {
        for worker in &self.workers {
            let sent = worker.work.as_ref().map(|w| w.send(per_connection));
            if !matches!(sent, Some(Ok(()))) {
                return Err(LoadError::WorkerGone);
            }
        }
        let mut total = 0;
        let mut first_error = None;
        // Collect every worker's answer, even after an error, so that no
        // answer is left to be mistaken for the next run's.
        for worker in &self.workers {
            match worker.done.recv() {
                Ok(Ok(n)) => total += n,
                Ok(Err(err)) => first_error = first_error.or(Some(err)),
                Err(_) => first_error = first_error.or(Some(LoadError::WorkerGone)),
            }
        }
        match first_error {
            Some(err) => Err(err),
            None => Ok(total),
        }
    }

    /// How many connections it drives.
    pub fn connections(&self) -> usize {
        self.workers.len()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        drop(self.work.take()); // the worker's `recv` fails: it returns
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A worker: waits for an order, sends that many requests, reports.
fn worker_loop(
    mut stream: TcpStream,
    orders: &Receiver<usize>,
    report: &Sender<Result<usize, LoadError>>,
) {
    let mut buffer = Vec::with_capacity(READ_CHUNK);
    let mut chunk = vec![0u8; READ_CHUNK];
    while let Ok(requests) = orders.recv() {
        let result = (0..requests).try_fold(0, |answered, _| {
            stream.write_all(REQUEST)?;
            read_response(&mut stream, &mut buffer, &mut chunk, answered)?;
            Ok(answered + 1)
        });
        let failed = result.is_err();
        if report.send(result).is_err() || failed {
            return; // nobody listens, or the connection is unusable
        }
    }
}

/// Reads one whole `200` response with a `Content-Length` body. Bytes past
/// it stay in `buffer` (there are none unless the server misbehaves).
fn read_response(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    chunk: &mut [u8],
    answered: usize,
) -> Result<(), LoadError> {
    let head_end = loop {
        if let Some(end) = find_head_end(buffer) {
            break end;
        }
        if buffer.len() > MAX_HEAD {
            return Err(LoadError::BadResponse(format!(
                "a head longer than {MAX_HEAD} bytes"
            )));
        }
        fill(stream, buffer, chunk, answered)?;
    };
    let length = parse_head(&buffer[..head_end])?;
    while buffer.len() < head_end + length {
        fill(stream, buffer, chunk, answered)?;
    }
    buffer.drain(..head_end + length);
    Ok(())
}

/// Appends one read's worth of bytes to `buffer`.
fn fill(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    chunk: &mut [u8],
    answered: usize,
) -> Result<(), LoadError> {
    match stream.read(chunk)? {
        0 => Err(LoadError::Closed { answered }),
        n => {
            buffer.extend_from_slice(&chunk[..n]);
            Ok(())
        }
    }
}

/// Checks the status line and returns the `Content-Length`.
fn parse_head(head: &[u8]) -> Result<usize, LoadError> {
    let text = std::str::from_utf8(head)
        .map_err(|_| LoadError::BadResponse("a head that is not UTF-8".into()))?;
    let mut lines = text.split("\r\n");
    let status = lines.next().unwrap_or_default();
    if !status.starts_with("HTTP/1.1 200 ") {
        return Err(LoadError::BadResponse(format!("status line {status:?}")));
    }
    lines
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .ok_or_else(|| LoadError::BadResponse("no valid Content-Length".into()))
}
