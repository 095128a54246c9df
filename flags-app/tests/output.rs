//! Output that cannot be written never takes the program down: `flags serve` keeps
//! answering with its stderr on `/dev/full` or a closed pipe, and the downloader
//! neither panics nor loses files when its stdout or stderr is full or closed.

mod util;

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

use util::{ChildGuard, FLAGS, TempDir, files, start_serve_command};

/// Exit status of a Rust program that panicked in `main`.
const PANIC_EXIT_CODE: i32 = 101;

/// Generous bound for one answer from the server.
const IO_LIMIT: Duration = Duration::from_secs(10);

/// `/dev/full`, where every write fails with "no space left on device".
fn dev_full() -> File {
    File::options()
        .write(true)
        .open("/dev/full")
        .expect("open /dev/full")
}

/// The status code of one `Connection: close` request for `target`.
fn status_of(addr: SocketAddr, target: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(IO_LIMIT)).expect("timeout");
    write!(stream, "GET {target} HTTP/1.1\r\nConnection: close\r\n\r\n").expect("send");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response);
    response.split(' ').nth(1).unwrap_or("no answer").to_owned()
}

/// `flags serve` with its stderr going to `stderr`.
fn serve_with_stderr(stderr: Stdio) -> (ChildGuard, SocketAddr) {
    let mut command = Command::new(FLAGS);
    command.args(["serve", "--port", "0"]);
    start_serve_command(command, stderr)
}

/// Requests that each log a line (good, missing, hostile) all get their answer,
/// and the server is still running after them.
fn server_answers_while_its_log_fails(server: &mut ChildGuard, addr: SocketAddr) {
    for _ in 0..3 {
        assert_eq!(status_of(addr, "/flags/br/br.gif"), "200");
        assert_eq!(status_of(addr, "/flags/xx/xx.gif"), "404");
        assert_eq!(status_of(addr, "/flags/../etc/passwd"), "400");
    }
    let exited = server.child.try_wait().expect("wait");
    assert!(exited.is_none(), "the server died: {exited:?}");
}

#[test]
fn serve_keeps_answering_with_stderr_on_dev_full() {
    let (mut server, addr) = serve_with_stderr(Stdio::from(dev_full()));
    server_answers_while_its_log_fails(&mut server, addr);
}

#[test]
fn serve_keeps_answering_with_stderr_on_a_closed_pipe() {
    let (mut server, addr) = serve_with_stderr(Stdio::piped());
    // Close the read end: every log line now fails with EPIPE.
    drop(server.child.stderr.take());
    server_answers_while_its_log_fails(&mut server, addr);
}

#[test]
fn download_with_stdout_and_stderr_full_fails_cleanly() {
    watchdog::within(
        util::WATCHDOG,
        "download with stdout and stderr full fails cleanly",
        || {
            let dest = TempDir::new("full");
            let status = Command::new(FLAGS)
                .args(["-v", "br", "cn", "--dest"])
                .arg(&dest.path)
                .stdin(Stdio::null())
                .stdout(dev_full())
                .stderr(dev_full())
                .status()
                .expect("run flags");
            // The opening report cannot be written: a failed run, not a panic.
            assert_eq!(status.code(), Some(1));
            assert_ne!(status.code(), Some(PANIC_EXIT_CODE));
        },
    );
}

#[test]
fn download_goes_on_when_its_reader_goes_away() {
    watchdog::within(
        util::WATCHDOG,
        "download goes on when its reader goes away",
        || {
            let dest = TempDir::new("closed");
            let mut child = Command::new(FLAGS)
                .args(["-s", "DELAY", "--delay", "0.3", "-v", "br", "cn", "--dest"])
                .arg(&dest.path)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start flags");
            // Read the three opening lines, then close the pipe as `| head -n 3` would;
            // the per-code lines come at least 0.3 s later and find it closed.
            let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
            for _ in 0..3 {
                let mut line = String::new();
                stdout.read_line(&mut line).expect("opening line");
            }
            drop(stdout);
            let output = child.wait_with_output().expect("wait for flags");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(1), "{stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
            assert!(
                stderr.contains("cannot write the report")
                    && stderr.contains("output lines could not"),
                "{stderr}"
            );
            // The downloads finished and were saved all the same.
            assert_eq!(files(&dest.path), ["BR.gif", "CN.gif"]);
        },
    );
}
