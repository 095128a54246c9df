//! Running out of file descriptors: the program says so plainly and keeps counting.
//! Each test runs `flags` with a lowered `RLIMIT_NOFILE` (`ulimit -n`).

mod util;

use util::{counts, flags_with_open_files_limit, run_command};

/// The descriptor limit of these tests: low enough that 194 worker threads, each
/// needing an epoll instance and an eventfd, cannot all have an event loop.
const LOW_OPEN_FILES: u32 = 64;

#[test]
fn threads_mode_at_the_descriptor_limit_reports_errors_not_panics() {
    watchdog::within(
        util::WATCHDOG,
        "threads mode at the descriptor limit reports errors not panics",
        || {
            let dest = util::TempDir::new("threads-nofile");
            let dest_arg = dest.path.to_str().expect("utf-8 temp path");
            // At this limit the workers' own connections can take every descriptor the
            // embedded server needs to accept them, and those requests end by the
            // client's timeout: a short one keeps the test quick.
            let args = [
                "--mode",
                "threads",
                "-a",
                "-m",
                "500",
                "-v",
                "--timeout",
                "0.5",
                "--dest",
                dest_arg,
            ];
            let output = run_command(flags_with_open_files_limit(LOW_OPEN_FILES, &args), &args);
            let stdout = String::from_utf8_lossy(&output.stdout);
            let stderr = String::from_utf8_lossy(&output.stderr);
            for noise in ["panicked", "stack backtrace", "RUST_BACKTRACE"] {
                assert!(!stderr.contains(noise), "{noise} in stderr:\n{stderr}");
            }
            // Every code is counted once, and every error line says why.
            let got = counts(&output);
            assert_eq!(got.downloaded + got.not_found + got.errors, 194, "{stdout}");
            let error_lines: Vec<&str> = stdout
                .lines()
                .filter(|l| l.starts_with("*** Error for "))
                .collect();
            assert_eq!(error_lines.len(), got.errors, "{stdout}");
            for line in &error_lines {
                let reason = line.split_once(": ").map(|(_, why)| why).unwrap_or("");
                assert!(!reason.is_empty() && reason != "unknown error", "{line}");
            }
            // Workers without an event loop are reported once, not once per thread.
            let worker_lines = stderr
                .lines()
                .filter(|l| l.contains("could not create their event loop"))
                .count();
            assert!(worker_lines <= 1, "{stderr}");
            assert_eq!(util::files(&dest.path).len(), got.downloaded);
            let expected = if got.errors == 0 { 0 } else { 1 };
            assert_eq!(output.status.code(), Some(expected), "{stdout}\n{stderr}");
        },
    );
}

/// Non-reading clients in the slow-reader test: three times the server's
/// connection limit at [`LOW_OPEN_FILES`], so most of them wait in the backlog.
const SLOW_CLIENTS: usize = 150;

/// Requests each slow client pipelines without reading a byte of the answers:
/// about 3.5 MB of responses, far more than the socket buffers hold.
const PIPELINED: usize = 300;

/// The bound on the normal client's wait in the slow-reader test, in seconds:
/// twice the README's figure (about three rounds of the 1 s send timeout).
const RECOVERY_BOUND_SECS: u64 = 6;

/// The server's connection limit at [`LOW_OPEN_FILES`] (see
/// flags_app::serve::descriptors): 64 minus 16 reserved.
const SERVER_LIMIT: usize = 48;

#[test]
fn slow_readers_cannot_starve_the_server_and_leave_no_descriptor_behind() {
    watchdog::within(
        util::WATCHDOG,
        "slow readers cannot starve the server and leave no descriptor behind",
        || {
            use std::io::{Read, Write};
            use std::net::TcpStream;
            use std::time::{Duration, Instant};

            // The send timeout is shortened from 10 s to 1 s to keep the test quick.
            let args = ["serve", "--port", "0", "--send-timeout", "1"];
            let command = flags_with_open_files_limit(LOW_OPEN_FILES, &args);
            let (mut server, addr) =
                util::start_serve_command(command, std::process::Stdio::piped());
            let pid = server.child.id();
            let mut stderr = server.child.stderr.take().expect("piped stderr");
            // The server logs a line per request: read them all so that it never blocks.
            let log = std::thread::spawn(move || {
                let mut text = String::new();
                let _ = stderr.read_to_string(&mut text);
                text
            });
            let get = |target: &str| -> (String, Duration) {
                let started = Instant::now();
                let mut stream = TcpStream::connect(addr).expect("connect");
                stream
                    .set_read_timeout(Some(Duration::from_secs(60)))
                    .expect("timeout");
                write!(stream, "GET {target} HTTP/1.1\r\nConnection: close\r\n\r\n").expect("send");
                let mut response = Vec::new();
                let _ = stream.read_to_end(&mut response);
                let status =
                    String::from_utf8_lossy(&response[..response.len().min(12)]).into_owned();
                (status, started.elapsed())
            };
            assert_eq!(get("/flags/br/br.gif").0, "HTTP/1.1 200");
            // The server closes that connection just after the client sees its end: the
            // baseline is the fewest descriptors seen over a moment.
            let mut baseline = usize::MAX;
            util::eventually(Duration::from_millis(300), || {
                baseline = baseline.min(util::open_descriptors(pid));
                false
            });

            let pipelined = "GET /flags/ad/ad.gif HTTP/1.1\r\n\r\n".repeat(PIPELINED);
            let slow: Vec<TcpStream> = (0..SLOW_CLIENTS)
                .map(|_| {
                    let socket =
                        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
                            .expect("socket");
                    // A small receive buffer fills at once; the server's writes then wait.
                    socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
                    socket.connect(&addr.into()).expect("connect");
                    let mut stream = TcpStream::from(socket);
                    stream
                        .set_write_timeout(Some(Duration::from_secs(2)))
                        .expect("timeout");
                    let _ = stream.write_all(pipelined.as_bytes());
                    stream
                })
                .collect();
            let mut most = 0;
            let full = util::eventually(Duration::from_secs(20), || {
                most = most.max(util::open_descriptors(pid));
                most >= baseline + SERVER_LIMIT
            });
            assert!(
                full,
                "the server never held {SERVER_LIMIT} connections ({most} descriptors)"
            );

            // A normal client, behind about a hundred non-readers in the backlog,
            // while another thread keeps counting the server's descriptors: the
            // ceiling must hold through the rounds of timeouts, as connections close
            // and the backlog's are accepted.
            let sampling = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
            let sampler = std::thread::spawn({
                let sampling = sampling.clone();
                move || {
                    let mut most = 0;
                    while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                        most = most.max(util::open_descriptors(pid));
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    most
                }
            });
            let (status, recovery) = get("/flags/cn/cn.gif");
            sampling.store(false, std::sync::atomic::Ordering::Relaxed);
            most = most.max(sampler.join().expect("descriptor sampler"));
            assert_eq!(status, "HTTP/1.1 200", "after {recovery:?}");
            // The README's ceiling: the server's own descriptors and SERVER_LIMIT
            // connections, never more.
            assert!(
                most <= baseline + SERVER_LIMIT,
                "{most} descriptors at most, above {baseline} + {SERVER_LIMIT}"
            );
            // The README's figure is about three rounds of the 1 s send timeout
            // (2.95-3.14 s); the bound allows twice that, for a loaded machine, and
            // no less than one round (the client waited behind the non-readers).
            assert!(
                (Duration::from_secs(1)..Duration::from_secs(RECOVERY_BOUND_SECS))
                    .contains(&recovery),
                "served after {recovery:?}"
            );

            drop(slow);
            let mut now = 0;
            let back = util::eventually(Duration::from_secs(20), || {
                now = util::open_descriptors(pid);
                now == baseline
            });
            assert!(back, "{now} descriptors open, {baseline} at the start");
            assert!(
                server.child.try_wait().expect("wait").is_none(),
                "server died"
            );
            let _ = server.child.kill();
            let _ = server.child.wait();
            let log = log.join().expect("log reader");
            // The limit is logged once per overload episode, not once per connection,
            // and it kept accept from ever failing for want of descriptors.
            let episodes = log
                .lines()
                .filter(|l| l.contains("the limit for this process"))
                .count();
            assert!((1..=5).contains(&episodes), "{episodes} limit lines");
            assert!(!log.contains("accept failed"), "accept failed at the limit");
            eprintln!(
                "{SLOW_CLIENTS} slow clients, limit {SERVER_LIMIT} at ulimit -n {LOW_OPEN_FILES}: \
         a normal client served after {:.2} s; descriptors {baseline} before, {most} at most, \
         {now} after",
                recovery.as_secs_f64()
            );
        },
    );
}
