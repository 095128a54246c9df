//! The load generator of `hyper_server_rps`, against the neutral server and
//! against servers that answer wrongly.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread::JoinHandle;

use benches::http_server::HttpServer;
use benches::load_generator::{LoadError, LoadGenerator};

#[test]
fn every_connection_sends_its_requests_over_keep_alive() {
    let server = HttpServer::start(512).expect("start the HTTP server");
    let load = LoadGenerator::connect(server.addr(), 3).expect("connect");
    assert_eq!(load.connections(), 3);
    assert_eq!(load.run(10).expect("first run"), 30);
    assert_eq!(server.served(), 30);
    assert_eq!(load.run(5).expect("second run, same connections"), 15);
    assert_eq!(server.served(), 45);
}

/// A one-connection server that reads a request and answers `reply` (or
/// closes if it is empty).
fn scripted(reply: &'static [u8]) -> (std::net::SocketAddr, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    let thread = std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(reply);
        }
    });
    (addr, thread)
}

#[test]
fn a_server_that_closes_is_an_error_saying_so() {
    let (addr, thread) = scripted(b"");
    let load = LoadGenerator::connect(addr, 1).expect("connect");
    let err = load.run(3).expect_err("the server closed");
    assert!(matches!(err, LoadError::Closed { answered: 0 }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "the server closed a connection after answering 0 requests on it"
    );
    thread.join().expect("server thread");
    // The worker gave up on its connection; later runs say so.
    assert!(matches!(load.run(1), Err(LoadError::WorkerGone)));
}

#[test]
fn a_status_other_than_200_is_an_error() {
    let (addr, thread) = scripted(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
    let load = LoadGenerator::connect(addr, 1).expect("connect");
    let err = load.run(1).expect_err("a 503 is not a pass");
    assert_eq!(
        err.to_string(),
        "unexpected response: status line \"HTTP/1.1 503 Service Unavailable\""
    );
    thread.join().expect("server thread");
}
