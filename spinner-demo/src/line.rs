//! The status line that all three modes draw, and the answer they print.
//!
//! A spinner is one line of the terminal redrawn in place: each frame starts
//! with a carriage return (`\r`), which moves the cursor back to column 0
//! without a newline, so the next frame overwrites the previous one. To
//! erase it, the spinner writes `\r`, as many spaces as the frame was wide,
//! and `\r` again, leaving the cursor at column 0 for `Answer: 42`.
//!
//! The book's spinners do the same with `print(status, end='', flush=True)`.
//!
//! ## Terminal or pipe
//!
//! The bytes are the same whether stdout is a terminal or a pipe; only what
//! shows them differs. A terminal animates the frames in place. Through a
//! pipe every frame is kept, so you can read them all:
//!
//! ```text
//! cargo run -p spinner-demo -- async | cat -A          # ^M is each \r
//! cargo run -p spinner-demo -- async | tr '\r' '\n'    # one frame per line
//! ```
//!
//! Every write is flushed at once: stdout is line-buffered in Rust, and a
//! frame has no newline, so without the flush nothing would show until the
//! end.
//!
//! ## Errors
//!
//! Writing can fail (a closed pipe, a full disk). Every function here
//! returns the `io::Error` so the caller can stop and report it; Rust's
//! `print!` would panic instead.

use std::io::{self, Write};
use std::time::Duration;

/// The frames of the spinner, in order: a bar that turns clockwise.
/// (The book cycles `\|/-`; it is the same turn started one step earlier.)
pub const FRAMES: [char; 4] = ['|', '/', '-', '\\'];

/// Time between two frames: the book's `.1` seconds (`done.wait(.1)` in the
/// thread version, `asyncio.sleep(.1)` in the async one).
pub const TICK: Duration = Duration::from_millis(100);

/// What `slow()` computes, in every version of the book.
pub const ANSWER: u32 = 42;

/// Draws one frame: `\r{frame} {msg}`, flushed.
pub fn draw(frame: char, msg: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    write!(out, "\r{frame} {msg}")?;
    out.flush()
}

/// Erases the line a frame drew: `\r`, spaces over the whole frame, `\r`.
pub fn erase(msg: &str) -> io::Result<()> {
    // A frame is the frame char, a space, and the message; counted in chars
    // so that a non-ASCII message is covered too (one column per char is
    // right for most scripts, not for wide CJK characters or emoji).
    let width = 2 + msg.chars().count();
    let mut out = io::stdout().lock();
    write!(out, "\r{:width$}\r", "")?;
    out.flush()
}

/// Prints a whole line, such as `spinner object: ...` or `Answer: 42`.
pub fn print(text: std::fmt::Arguments<'_>) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()
}
