//! The neutral HTTP server that both clients fetch from in `http_get_*`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use benches::http_server::{HttpServer, MAX_HEAD, find_head_end};

/// Generous bound on each socket read, so a broken server fails the test
/// instead of hanging it.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads one response with a Content-Length body; returns (head, body).
fn read_response(stream: &mut TcpStream, pending: &mut Vec<u8>) -> (String, Vec<u8>) {
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = find_head_end(pending) {
            break end;
        }
        let n = stream.read(&mut chunk).expect("read head");
        assert_ne!(n, 0, "server closed before a full head");
        pending.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(pending[..head_end].to_vec()).expect("ascii head");
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .expect("content-length")
        .trim()
        .parse()
        .expect("number");
    while pending.len() < head_end + length {
        let n = stream.read(&mut chunk).expect("read body");
        assert_ne!(n, 0, "server closed mid-body");
        pending.extend_from_slice(&chunk[..n]);
    }
    let body = pending[head_end..head_end + length].to_vec();
    pending.drain(..head_end + length);
    (head, body)
}

fn connect(server: &HttpServer) -> TcpStream {
    let stream = TcpStream::connect(server.addr()).expect("connect");
    stream
        .set_read_timeout(Some(READ_TIMEOUT))
        .expect("timeout");
    stream
}

#[test]
fn keeps_the_connection_open_and_answers_each_get_with_the_full_body() {
    let server = HttpServer::start(2048).expect("start");
    let mut stream = connect(&server);
    let mut pending = Vec::new();
    for _ in 0..3 {
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .expect("write");
        let (head, body) = read_response(&mut stream, &mut pending);
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert_eq!(body.len(), 2048);
        assert_eq!(&body[..3], b"abc");
        assert_eq!(body[26], b'a');
    }
    assert_eq!(server.served(), 3);
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let server = HttpServer::start(10).expect("start");
    let mut stream = connect(&server);
    stream
        .write_all(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("write");
    let mut pending = Vec::new();
    let (_, first) = read_response(&mut stream, &mut pending);
    let (_, second) = read_response(&mut stream, &mut pending);
    assert_eq!(first, b"abcdefghij");
    assert_eq!(second, b"abcdefghij");
}

#[test]
fn connection_close_ends_the_connection_after_the_answer() {
    let server = HttpServer::start(4).expect("start");
    let mut stream = connect(&server);
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut pending = Vec::new();
    let (_, body) = read_response(&mut stream, &mut pending);
    assert_eq!(body, b"abcd");
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).expect("read to EOF");
    assert!(rest.is_empty() && pending.is_empty());
}

#[test]
fn an_oversized_head_gets_431_and_a_close() {
    let server = HttpServer::start(4).expect("start");
    let mut stream = connect(&server);
    // One byte over the limit: the server reads all of it before answering,
    // so it closes with nothing unread (a clean FIN, not a reset).
    let junk = vec![b'x'; MAX_HEAD + 1];
    stream.write_all(&junk).expect("write");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    assert!(
        answer.starts_with(b"HTTP/1.1 431 "),
        "{:?}",
        String::from_utf8_lossy(&answer)
    );
}

#[test]
fn dropping_the_server_stops_accepting() {
    let server = HttpServer::start(4).expect("start");
    let addr = server.addr();
    drop(server);
    assert!(
        TcpStream::connect(addr).is_err(),
        "listener still open after drop"
    );
}
