//! Writing lines to stdout and stderr without ever panicking.
//!
//! `println!` and `eprintln!` panic when the write fails, and writes do fail: stdout
//! piped into `head`, which has exited (EPIPE: Rust ignores SIGPIPE, so the write
//! returns an error instead of killing the process), `2>/dev/full` (ENOSPC), a
//! descriptor the parent closed. In the flag server a panic in the per-request log
//! line killed the connection task, so every client got an empty reply; in the
//! downloader it would abort a run that was saving files correctly.
//!
//! So every line this program prints goes through [`stdout_line`] or
//! [`stderr_line`]: the line is formatted first, then written with one `write_all`
//! on the locked stream (one `write` syscall for a short line, so lines from
//! different threads do not interleave), and a line that cannot be written is
//! dropped. [`dropped_lines`] counts them; when a write works again (the disk had
//! room again, say), the line is preceded by a note saying how many were lost.
//!
//! What a production server does differently: it logs through a logging crate
//! (`log`/`tracing`) whose sinks buffer, rotate and drop in the same way, often on
//! a thread of their own so that a slow terminal cannot slow the server.

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};

/// Lines that could not be written, since the process started.
static DROPPED: AtomicU64 = AtomicU64::new(0);

/// Lines dropped since the last note about them; reset by the next line written.
static UNREPORTED: AtomicU64 = AtomicU64::new(0);

/// Writes `args` and a newline to stdout; drops the line if stdout is closed or full.
pub fn stdout_line(args: fmt::Arguments<'_>) {
    write_line(&mut io::stdout().lock(), args);
}

/// Writes `args` and a newline to stderr; drops the line if stderr is closed or full.
pub fn stderr_line(args: fmt::Arguments<'_>) {
    write_line(&mut io::stderr().lock(), args);
}

/// Writes `text` to stderr as it is (for messages that end in their own newlines);
/// dropped if stderr is closed or full.
pub fn stderr_text(text: &str) {
    write_text(&mut io::stderr().lock(), text.to_owned());
}

/// How many lines were dropped because their stream could not be written.
pub fn dropped_lines() -> u64 {
    DROPPED.load(Ordering::Relaxed)
}

/// Formats `args` plus a newline and writes it to `out` in one call.
fn write_line(out: &mut impl Write, args: fmt::Arguments<'_>) {
    let mut line = args.to_string();
    line.push('\n');
    write_text(out, line);
}

/// Writes `text` in one call and flushes; counts it as dropped if that fails, and
/// puts the note about earlier dropped lines in front when it works.
fn write_text(out: &mut impl Write, mut text: String) {
    let lost = UNREPORTED.swap(0, Ordering::Relaxed);
    if lost > 0 {
        text.insert_str(
            0,
            &format!("({lost} earlier output lines could not be written)\n"),
        );
    }
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        DROPPED.fetch_add(1, Ordering::Relaxed);
        UNREPORTED.fetch_add(lost + 1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that always fails, as `/dev/full` does.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::StorageFull))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_stream_drops_the_line_and_counts_it() {
        let before = dropped_lines();
        write_line(&mut Full, format_args!("GET /flags/br/br.gif -> 200"));
        assert!(dropped_lines() > before);
    }

    #[test]
    fn a_working_stream_gets_the_line_after_a_note_on_lost_ones() {
        let mut out = Vec::new();
        write_line(&mut out, format_args!("{} -> {}", "GET /", 404));
        // Other tests may have dropped lines first: the note, if any, comes first.
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with("GET / -> 404\n"), "{text:?}");
        write_line(&mut Full, format_args!("lost"));
        write_line(&mut Full, format_args!("lost too"));
        let mut out = Vec::new();
        write_line(&mut out, format_args!("back"));
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("(")
                && text.ends_with("earlier output lines could not be written)\nback\n"),
            "{text:?}"
        );
    }
}
