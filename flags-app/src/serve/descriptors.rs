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
//! The soft limit is read with `getrlimit(RLIMIT_NOFILE)` (through `rustix`) on
//! every Unix, Linux and macOS alike, so the code macOS runs is the code the
//! tests run here. Windows has no per-process descriptor limit: a socket is a
//! kernel handle, bounded only by memory (about 16 million per process), so there
//! the limit reads as unlimited and the server holds up to [`MAX_CONNECTIONS`].
//!
//! What production servers do differently: nginx has a fixed `worker_connections`
//! (512 by default) and warns at start-up when it exceeds the descriptor limit;
//! tokio leaves the limit to the application (a `Semaphore` around `accept`, as
//! here, is the usual answer).

/// Descriptors kept out of the connection limit: stdin, stdout and stderr, the
/// event loop's epoll instance and its eventfd, the listener, and ten spare for the
/// process's other needs (the blocking pool's file reads of metadata, the
/// downloader's own descriptors when the server is embedded).
pub const RESERVED_DESCRIPTORS: u64 = 16;

/// Most connections ever held, whatever the descriptor limit: ten thousand (the
/// "C10K" figure). Container runtimes often set `ulimit -n` to a million, and a
/// task with its buffers per connection is not free.
pub const MAX_CONNECTIONS: usize = 10_000;

/// Fewest connections allowed, even when the descriptor limit leaves less: one, so
/// that the server always makes progress.
const MIN_CONNECTIONS: usize = 1;

/// The process's soft `RLIMIT_NOFILE`; `u64::MAX` when unlimited.
#[cfg(unix)]
pub fn open_files_limit() -> u64 {
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    limit.current.unwrap_or(u64::MAX)
}

/// `u64::MAX`: no `RLIMIT_NOFILE` here (see the module doc).
#[cfg(not(unix))]
pub fn open_files_limit() -> u64 {
    u64::MAX
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

    /// The shell's `ulimit -n`, which it reads with the same `getrlimit`.
    #[cfg(unix)]
    #[test]
    fn the_soft_limit_is_the_one_the_shell_reports() {
        let output = std::process::Command::new("sh")
            .args(["-c", "ulimit -n"])
            .output()
            .expect("sh runs");
        let shell = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        let expected = if shell == "unlimited" {
            u64::MAX
        } else {
            shell.parse().expect("ulimit -n prints a number")
        };
        assert_eq!(open_files_limit(), expected);
    }

    #[cfg(not(unix))]
    #[test]
    fn without_rlimit_nofile_the_server_holds_the_cap() {
        assert_eq!(open_files_limit(), u64::MAX);
        assert_eq!(connection_limit(open_files_limit(), 2), MAX_CONNECTIONS);
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
