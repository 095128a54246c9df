//! How many connections the server holds at once: a limit that follows the
//! process's descriptor limit.
//!
//! Every open connection holds a socket descriptor, and with `--dir` a connection
//! that is sending a file holds the file open too. When the process has used all
//! the descriptors its `RLIMIT_NOFILE` (`ulimit -n`) allows, `accept` fails with
//! EMFILE, and so does everything else that opens a descriptor: reading a file for
//! a client already connected, or (in the downloader's process) a new client
//! connection. Clients that hold connections without ever finishing them (see
//! `timeouts.rs`) reach that point quickly at a low limit.
//!
//! So the server never holds more connections than
//!
//! ```text
//! (soft RLIMIT_NOFILE - RESERVED_DESCRIPTORS) / descriptors per connection
//! ```
//!
//! capped at [`MAX_CONNECTIONS`]. At the limit the accept loop stops accepting
//! until a connection closes; the kernel keeps new connections waiting in the
//! listen backlog meanwhile (see `server.rs`).
//!
//! The soft limit is read from `/proc/self/limits`, a text file, so no `libc` call
//! is needed; where that file does not exist (not Linux) the limit is taken to be
//! [`FALLBACK_OPEN_FILES`].
//!
//! What production servers do differently: nginx has a fixed `worker_connections`
//! (512 by default) and warns at start-up when it exceeds the descriptor limit;
//! tokio leaves the limit to the application (a `Semaphore` around `accept`, as
//! here, is the usual answer).

use std::fs;

/// Descriptors kept out of the connection limit: stdin, stdout and stderr, the
/// event loop's epoll instance and its eventfd, the listener, and ten spare for the
/// process's other needs (the blocking pool's file reads of metadata, the
/// downloader's own descriptors when the server is embedded).
pub const RESERVED_DESCRIPTORS: u64 = 16;

/// Most connections ever held, whatever the descriptor limit: ten thousand (the
/// "C10K" figure). Container runtimes often set `ulimit -n` to a million, and a
/// task with its buffers per connection is not free.
pub const MAX_CONNECTIONS: usize = 10_000;

/// The soft limit assumed when `/proc/self/limits` cannot be read: 1024, the usual
/// default soft `RLIMIT_NOFILE` on Linux and above macOS's 256.
pub const FALLBACK_OPEN_FILES: u64 = 1024;

/// Fewest connections allowed, even when the descriptor limit leaves less: one, so
/// that the server always makes progress.
const MIN_CONNECTIONS: usize = 1;

/// The process's soft `RLIMIT_NOFILE`, or [`FALLBACK_OPEN_FILES`] if it cannot be
/// read; `u64::MAX` when unlimited.
pub fn open_files_limit() -> u64 {
    fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| parse_open_files(&limits))
        .unwrap_or(FALLBACK_OPEN_FILES)
}

/// The soft limit on the `Max open files` line of `/proc/self/limits`, whose
/// columns are the name, the soft limit, the hard limit and the unit.
fn parse_open_files(limits: &str) -> Option<u64> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let soft = line
        .trim_start_matches("Max open files")
        .split_whitespace()
        .next()?;
    if soft == "unlimited" {
        return Some(u64::MAX);
    }
    soft.parse().ok()
}

/// How many connections a server may hold with `open_files` descriptors when each
/// connection needs `per_connection` of them (see the module doc).
pub fn connection_limit(open_files: u64, per_connection: u64) -> usize {
    let usable = open_files.saturating_sub(RESERVED_DESCRIPTORS) / per_connection.max(1);
    usize::try_from(usable)
        .unwrap_or(usize::MAX)
        .clamp(MIN_CONNECTIONS, MAX_CONNECTIONS)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: &str = "Limit                     Soft Limit           Hard Limit           Units     \n\
        Max processes             127966               127966               processes \n\
        Max open files            1024                 524288               files     \n\
        Max locked memory         8388608              8388608              bytes     \n";

    #[test]
    fn the_soft_limit_is_read_from_proc_self_limits() {
        assert_eq!(parse_open_files(LIMITS), Some(1024));
        let unlimited = LIMITS.replace("1024   ", "unlimited");
        assert_eq!(parse_open_files(&unlimited), Some(u64::MAX));
        assert_eq!(parse_open_files("Max processes 5 5 processes\n"), None);
        // This process has some limit (the test runner's).
        assert!(open_files_limit() > 0);
    }

    #[test]
    fn the_limit_leaves_room_and_counts_descriptors_per_connection() {
        assert_eq!(connection_limit(64, 1), 48);
        assert_eq!(connection_limit(64, 2), 24);
        assert_eq!(connection_limit(1024, 1), 1008);
        assert_eq!(connection_limit(16, 1), 1);
        assert_eq!(connection_limit(3, 2), 1);
        assert_eq!(connection_limit(u64::MAX, 1), MAX_CONNECTIONS);
    }
}
