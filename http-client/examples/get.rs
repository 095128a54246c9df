//! Run: `cargo run -p http-client --example get`
//!
//! The client against a server this example starts itself: a tiny HTTP/1.1 server on a std
//! thread that answers `/hello` with a short text, `/slow` after a pause, and anything else
//! with 404, keeping connections alive. The client, on the runtime's thread:
//!
//! 1. GETs `/hello` three times, and the server counts one connection: the keep-alive pool
//!    handed the same connection back each time;
//! 2. GETs `/missing`, and `error_for_status` turns the 404 into an error;
//! 3. GETs `/slow` with a read timeout shorter than the pause, and the error names the phase
//!    that ran out.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http_client::{Client, Error};

/// How long the server pauses before answering `/slow`.
const SLOW_ANSWER: Duration = Duration::from_millis(500);

/// The read timeout of the client in step 3: shorter than [`SLOW_ANSWER`].
const READ_TIMEOUT: Duration = Duration::from_millis(200);

fn main() -> Result<(), Error> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let base = format!("http://{}", listener.local_addr()?);
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    // The server's threads end with the process.
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || serve(stream));
        }
    });

    runtime::run(async {
        let client = Client::new();
        for _ in 0..3 {
            let response = client.get(&format!("{base}/hello")).send().await?;
            let status = response.status();
            let text = response.text().await?;
            println!("GET /hello -> {status} {text:?}");
        }
        println!(
            "connections the server accepted: {}",
            connections.load(Ordering::SeqCst)
        );

        let response = client.get(&format!("{base}/missing")).send().await?;
        match response.error_for_status() {
            Ok(_) => println!("GET /missing -> unexpectedly found"),
            Err(err) => println!("GET /missing -> error: {err}"),
        }

        let impatient = Client::builder().read_timeout(READ_TIMEOUT).build();
        match impatient.get(&format!("{base}/slow")).send().await {
            Ok(response) => println!("GET /slow -> {}", response.status()),
            Err(err) => println!("GET /slow -> error: {err}"),
        }
        Ok(())
    })
}

/// Answers every request on `stream` until the client closes it.
fn serve(mut stream: TcpStream) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        while let Some(end) = http_client::wire::find_head_end(&buf) {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            buf.drain(..end);
            let path = head.split_whitespace().nth(1).unwrap_or("/");
            let (status, body) = match path {
                "/hello" => ("200 OK", "hello from the example server\n"),
                "/slow" => {
                    std::thread::sleep(SLOW_ANSWER);
                    ("200 OK", "finally\n")
                }
                _ => ("404 Not Found", "no such page\n"),
            };
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: text/plain\r\n\r\n{body}",
                body.len()
            );
            if stream.write_all(response.as_bytes()).is_err() {
                return;
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}
