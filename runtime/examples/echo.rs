//! An echo server and a handful of clients on loopback, all on one
//! single-threaded runtime. The program exits by itself.
//!
//! Run it with:
//!
//! ```text
//! cargo run -p runtime --example echo
//! ```
//!
//! The server accepts connections and spawns one task per client, like
//! `asyncio.start_server` with a `handle_echo` coroutine; each client sends
//! a line, reads it back and checks it.

use std::io;
use std::net::SocketAddr;

use runtime::net::{TcpListener, TcpStream};
use runtime::spawn;

/// How many clients connect.
const CLIENTS: usize = 5;

/// Serves one connection: echoes bytes until the client closes.
async fn handle_echo(mut stream: TcpStream, peer: SocketAddr) -> io::Result<()> {
    let mut buf = [0u8; 1024];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            println!("server: {peer} closed");
            return Ok(());
        }
        stream.write_all(&buf[..n]).await?;
    }
}

/// Sends one message and checks that it comes back.
async fn client(id: usize, server: SocketAddr) -> io::Result<()> {
    let mut stream = TcpStream::connect(server).await?;
    let message = format!("hello from client {id}\n");
    stream.write_all(message.as_bytes()).await?;
    let mut reply = vec![0u8; message.len()];
    stream.read_exact(&mut reply).await?;
    print!("client {id} got back: {}", String::from_utf8_lossy(&reply));
    assert_eq!(reply, message.as_bytes());
    Ok(())
}

fn main() -> io::Result<()> {
    runtime::run(async {
        let listener = TcpListener::bind("127.0.0.1:0".parse().expect("a valid address"))?;
        let addr = listener.local_addr()?;
        println!("server: listening on {addr}");
        let server = spawn(async move {
            for _ in 0..CLIENTS {
                let (stream, peer) = listener.accept().await?;
                spawn(handle_echo(stream, peer));
            }
            io::Result::Ok(())
        });
        let clients: Vec<_> = (0..CLIENTS).map(|id| spawn(client(id, addr))).collect();
        for c in clients {
            c.await??;
        }
        server.await??;
        println!("all {CLIENTS} clients were answered");
        Ok(())
    })
}
