//! `flags serve --dir` with files that would stall a server that read them on its
//! event loop: a large file is streamed, not read whole, and not on the loop, so
//! other requests are answered meanwhile and the server's memory stays small; a
//! FIFO named like a flag (whose `open` waits for a writer that never comes) is
//! refused without holding up anyone. And a file changed on disk is served anew,
//! though small files are served from memory.

mod util;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use util::{TempDir, eventually, require, resident_kib, start_serve};

/// The large file: 200 MB, sparse (its blocks are never written, so it takes no
/// disk space, and reads of it are fast: they return zeros).
const LARGE: u64 = 200 * 1000 * 1000;

/// Clients fetching the large file at once.
const LARGE_FETCHES: usize = 3;

/// What each of them reads before pausing, mid-body.
const FIRST_PART: usize = 1 << 20;

/// Most the server's resident memory may grow while the three stream: 16 MiB.
/// Streaming costs a 64 KiB chunk per response (and socket buffers, which are the
/// kernel's); reading the file whole, three fetches held 600 MB.
const RSS_GROWTH_LIMIT_KIB: u64 = 16 * 1024;

/// Bound for the small file's answer while the large ones are held mid-body: what
/// is checked is that it comes before they finish, at all; the bound only turns a
/// stalled loop into a failure instead of a hang.
const SMALL_LIMIT: Duration = Duration::from_secs(10);

/// Bound for any answer in these tests, for the same reason: a stalled loop fails
/// the test naming what it waited for.
const ANSWER_LIMIT: Duration = Duration::from_secs(10);

/// A small flag: a GIF signature and a few bytes.
const SMALL_GIF: &[u8] = b"GIF89a-small";

/// Connects and asks for `target`, keeping the connection open.
fn request(addr: SocketAddr, target: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(ANSWER_LIMIT))
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
        if let Err(err) = stream.read_exact(&mut byte) {
            panic!("no complete response head within {ANSWER_LIMIT:?} ({err}); got {got:?}");
        }
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

/// GETs `target` on a connection of its own: the status line and the body.
fn fetch(addr: SocketAddr, target: &str) -> (String, Vec<u8>) {
    let mut stream = request(addr, target);
    let (status, length) = read_head(&mut stream);
    let mut body = vec![0u8; usize::try_from(length).expect("small body")];
    stream.read_exact(&mut body).expect("body");
    (status, body)
}

/// Makes `path` a FIFO with `mkfifo`.
fn mkfifo(path: &std::path::Path) {
    require("mkfifo", "coreutils");
    let made = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(made.success(), "mkfifo {}", path.display());
}

/// A FIFO that no one writes blocks an `open` for reading until a writer comes:
/// forever here. A server that opened it on its loop would answer no one again; one
/// that opened it on a pool thread would lose the thread and never answer this
/// request. Ours refuses it (not a regular file) without waiting, and answers the
/// others meanwhile: a small flag asked for on another connection after it, while
/// the FIFO's own connection is left unread, is answered (its first request, so it
/// went through the blocking pool too), and so is the FIFO's request, with 404.
#[test]
fn a_fifo_named_like_a_flag_is_refused_and_stalls_no_one() {
    watchdog::within(
        util::WATCHDOG,
        "a fifo named like a flag is refused and stalls no one",
        || {
            let tree = TempDir::new("fifo-dir");
            for cc in ["ff", "br"] {
                std::fs::create_dir_all(tree.path.join("flags").join(cc)).expect("mkdir");
            }
            mkfifo(&tree.path.join("flags/ff/ff.gif"));
            mkfifo(&tree.path.join("flags/ff/metadata.json"));
            std::fs::write(tree.path.join("flags/br/br.gif"), SMALL_GIF).expect("write");
            let dir = tree.path.to_str().expect("utf-8 temp path");
            let (_server, addr) = start_serve(&["--dir", dir]);

            let mut fifo_requests: Vec<TcpStream> = (0..4)
                .flat_map(|_| ["/flags/ff/ff.gif", "/flags/ff/metadata.json"])
                .map(|target| request(addr, target))
                .collect();
            let (status, body) = fetch(addr, "/flags/br/br.gif");
            assert_eq!(status, "HTTP/1.1 200 OK", "the small flag beside the FIFOs");
            assert_eq!(body, SMALL_GIF);
            for stream in &mut fifo_requests {
                let (status, _) = read_head(stream);
                assert_eq!(status, "HTTP/1.1 404 Not Found", "a FIFO is not a flag");
            }
            // No pool thread is left waiting on a FIFO: the server still answers.
            let (status, _) = fetch(addr, "/flags/ff/ff.gif");
            assert_eq!(status, "HTTP/1.1 404 Not Found");
        },
    );
}

/// Small files are served from memory, but a file changed on disk is served anew
/// (the cache looks at the file again after a second), and a deleted one is 404.
#[test]
fn a_changed_or_deleted_file_is_seen_though_small_files_are_cached() {
    watchdog::within(
        util::WATCHDOG,
        "a changed or deleted file is seen though small files are cached",
        || {
            let tree = TempDir::new("changing-dir");
            std::fs::create_dir_all(tree.path.join("flags/br")).expect("mkdir");
            let path = tree.path.join("flags/br/br.gif");
            std::fs::write(&path, b"GIF89a-first").expect("write");
            let dir = tree.path.to_str().expect("utf-8 temp path");
            let (_server, addr) = start_serve(&["--dir", dir]);
            assert_eq!(fetch(addr, "/flags/br/br.gif").1, b"GIF89a-first");
            assert_eq!(fetch(addr, "/flags/br/br.gif").1, b"GIF89a-first");

            // Rewritten in place, same length, as `cp` over it would.
            std::fs::write(&path, b"GIF89a-other").expect("rewrite");
            let changed = eventually(ANSWER_LIMIT, || {
                fetch(addr, "/flags/br/br.gif").1 == b"GIF89a-other"
            });
            assert!(
                changed,
                "the rewritten file was not served within {ANSWER_LIMIT:?}"
            );

            std::fs::remove_file(&path).expect("delete");
            let gone = eventually(ANSWER_LIMIT, || {
                fetch_status(addr, "/flags/br/br.gif") == "HTTP/1.1 404 Not Found"
            });
            assert!(
                gone,
                "the deleted file was still served after {ANSWER_LIMIT:?}"
            );
        },
    );
}

/// The status line of a GET of `target`.
fn fetch_status(addr: SocketAddr, target: &str) -> String {
    let mut stream = request(addr, target);
    read_head(&mut stream).0
}

#[test]
fn a_large_file_streams_while_a_small_one_is_answered_and_memory_stays_small() {
    watchdog::within(
        util::WATCHDOG,
        "a large file streams while a small one is answered and memory stays small",
        || {
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
            let before_kib = resident_kib(pid);

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
            let growth_kib = most_kib.saturating_sub(before_kib);
            assert!(
                growth_kib < RSS_GROWTH_LIMIT_KIB,
                "the server's RSS grew by {growth_kib} KiB, from {before_kib} to {most_kib} KiB"
            );
            eprintln!(
                "{LARGE_FETCHES} fetches of a {LARGE}-byte file: small file answered in {:.3} s, \
         server RSS {before_kib} KiB before, at most {most_kib} KiB (+{growth_kib} KiB)",
                waited.as_secs_f64()
            );
        },
    );
}
