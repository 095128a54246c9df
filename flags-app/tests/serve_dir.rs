//! `flags serve --dir` with a large file: it is streamed, not read whole, and not
//! on the event loop, so other requests are answered meanwhile and the server's
//! memory stays small.

mod util;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use util::{TempDir, resident_kib, start_serve};

/// The large file: 200 MB, sparse (its blocks are never written, so it takes no
/// disk space, and reads of it are fast: they return zeros).
const LARGE: u64 = 200 * 1000 * 1000;

/// Clients fetching the large file at once.
const LARGE_FETCHES: usize = 3;

/// What each of them reads before pausing, mid-body.
const FIRST_PART: usize = 1 << 20;

/// Most resident memory the server may use meanwhile: 100 MiB, generous. Reading
/// the file whole, three fetches held 600 MB.
const RSS_LIMIT_KIB: u64 = 100 * 1024;

/// Generous bound for the small file's answer while the large ones stream.
const SMALL_LIMIT: Duration = Duration::from_secs(10);

/// A small flag: a GIF signature and a few bytes.
const SMALL_GIF: &[u8] = b"GIF89a-small";

/// Connects and asks for `target`, keeping the connection open.
fn request(addr: SocketAddr, target: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(stream, "GET {target} HTTP/1.1\r\nConnection: close\r\n\r\n").expect("send");
    stream
}

/// Reads a response's head, byte by byte so that no body byte is taken with it;
/// returns the status line and the Content-Length.
fn read_head(stream: &mut TcpStream) -> (String, u64) {
    let mut got = Vec::new();
    let mut byte = [0u8; 1];
    while !got.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).expect("head byte");
        got.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&got).into_owned();
    let status = head.lines().next().unwrap_or("").to_owned();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no Content-Length in {head:?}"));
    (status, length)
}

#[test]
fn a_large_file_streams_while_a_small_one_is_answered_and_memory_stays_small() {
    let tree = TempDir::new("large-dir");
    for cc in ["zz", "br"] {
        std::fs::create_dir_all(tree.path.join("flags").join(cc)).expect("mkdir");
    }
    let large = std::fs::File::create(tree.path.join("flags/zz/zz.gif")).expect("create");
    large.set_len(LARGE).expect("set_len");
    std::fs::write(tree.path.join("flags/br/br.gif"), SMALL_GIF).expect("write");
    let dir = tree.path.to_str().expect("utf-8 temp path");
    let (server, addr) = start_serve(&["--dir", dir]);
    let pid = server.child.id();

    // Each large fetch reads its first part, says so, waits for the go, then
    // reads the rest and returns how many body bytes it got.
    let (ready_tx, ready_rx) = mpsc::channel();
    let mut go = Vec::new();
    let mut fetches = Vec::new();
    for _ in 0..LARGE_FETCHES {
        let (go_tx, go_rx) = mpsc::channel::<()>();
        go.push(go_tx);
        let ready = ready_tx.clone();
        fetches.push(std::thread::spawn(move || {
            let mut stream = request(addr, "/flags/zz/zz.gif");
            let (status, length) = read_head(&mut stream);
            assert_eq!((status.as_str(), length), ("HTTP/1.1 200 OK", LARGE));
            let mut first = vec![0u8; FIRST_PART];
            stream.read_exact(&mut first).expect("first part");
            ready.send(()).expect("ready");
            go_rx.recv().expect("go");
            let rest = std::io::copy(&mut stream, &mut std::io::sink()).expect("rest");
            FIRST_PART as u64 + rest
        }));
    }
    for _ in 0..LARGE_FETCHES {
        ready_rx
            .recv_timeout(Duration::from_secs(30))
            .expect("large fetches started");
    }

    // Mid-stream, with three large responses in flight: a small one is prompt.
    let started = Instant::now();
    let mut small = request(addr, "/flags/br/br.gif");
    let (status, length) = read_head(&mut small);
    let mut body = Vec::new();
    small.read_to_end(&mut body).expect("small body");
    let waited = started.elapsed();
    assert_eq!(
        (status.as_str(), length),
        ("HTTP/1.1 200 OK", SMALL_GIF.len() as u64)
    );
    assert_eq!(body, SMALL_GIF);
    assert!(waited < SMALL_LIMIT, "the small file took {waited:?}");
    let mut most_kib = resident_kib(pid);

    // Then the large ones run to the end; memory is sampled meanwhile.
    for go_tx in &go {
        go_tx.send(()).expect("go");
    }
    while fetches.iter().any(|fetch| !fetch.is_finished()) {
        most_kib = most_kib.max(resident_kib(pid));
        std::thread::sleep(Duration::from_millis(20));
    }
    for fetch in fetches {
        assert_eq!(fetch.join().expect("large fetch"), LARGE);
    }
    assert!(
        most_kib < RSS_LIMIT_KIB,
        "the server's RSS reached {most_kib} KiB"
    );
    eprintln!(
        "{LARGE_FETCHES} fetches of a {LARGE}-byte file: small file answered in {:.3} s, \
         server RSS at most {most_kib} KiB",
        waited.as_secs_f64()
    );
}
