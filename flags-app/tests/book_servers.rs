//! `flags serve --book` runs the book's three servers in one process: LOCAL (no
//! delay), DELAY (0.5 to 5 s) and ERROR (0.5 to 5 s, a quarter failing). Each is
//! checked by what a client sees: answers, the delay's lower bound, and errors at
//! about the rate (the server's seed fixes its sequence of decisions).

mod util;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use util::{TempDir, counts, run_flags, start_book};

/// The shortest delay of DELAY and ERROR: slow_server.py's `MIN_DELAY`.
const MIN_DELAY: Duration = Duration::from_millis(500);

/// Codes fetched from ERROR: enough for a rate, few enough that the delays (at most
/// 5 s, all at once) keep the test short.
const ERROR_SAMPLE: &str = "60";

/// Downloads `limit` codes from `addr` at once with a timeout above the longest
/// delay; returns the output and the wall time.
fn download(addr: SocketAddr, limit: &str) -> (std::process::Output, Duration) {
    let dest = TempDir::new("book");
    let base = format!("http://{addr}/flags");
    let started = Instant::now();
    let output = run_flags(&[
        "-s",
        &base,
        "-a",
        "-l",
        limit,
        "-m",
        limit,
        "--timeout",
        "10",
        "--dest",
        dest.path.to_str().expect("utf-8"),
    ]);
    (output, started.elapsed())
}

#[test]
fn local_delay_and_error_answer_as_the_books_servers() {
    watchdog::within(
        util::WATCHDOG,
        "local delay and error answer as the books servers",
        || {
            let (_server, [local, delay, error]) =
                start_book(&["--seed", "7", "--error-kinds", "418"]);
            assert!(local.port() != delay.port() && delay.port() != error.port());
            let (from_local, _) = download(local, "20");
            let local_counts = counts(&from_local);
            assert_eq!((local_counts.downloaded, local_counts.errors), (20, 0));

            let slow = std::thread::spawn(move || download(delay, "10"));
            let (from_error, error_took) = download(error, ERROR_SAMPLE);
            let (from_delay, delay_took) = slow.join().expect("DELAY download");

            let delay_counts = counts(&from_delay);
            assert_eq!((delay_counts.downloaded, delay_counts.errors), (10, 0));
            assert!(delay_took >= MIN_DELAY, "DELAY answered in {delay_took:?}");

            // About a quarter of 60 fail, all with the teapot asked for.
            let error_counts = counts(&from_error);
            let stdout = String::from_utf8_lossy(&from_error.stdout);
            assert_eq!(
                error_counts.downloaded + error_counts.errors,
                60,
                "{stdout}"
            );
            assert!((5..=28).contains(&error_counts.errors), "{stdout}");
            assert!(
                stdout.contains(&format!(
                    " errors: {} HTTP 418 I'm a Teapot\n",
                    error_counts.errors
                )),
                "{stdout}"
            );
            assert!(error_took >= MIN_DELAY, "ERROR answered in {error_took:?}");
        },
    );
}
