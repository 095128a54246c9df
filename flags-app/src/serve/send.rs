//! Sending a response: every write bounded by the send timeout, and files streamed
//! in bounded chunks read off the event loop.
//!
//! ## The send timeout
//!
//! [`write_all_within`] writes with [`Transport::write`], one call at a time, each
//! bounded by the send timeout (`timeouts.rs`): a client that takes no byte for
//! that long gets its connection closed, and a client that keeps taking bytes is
//! served however long the whole response takes. Over TLS the last records are then
//! flushed, within one more send timeout.
//!
//! ## Head and body in one system call
//!
//! [`send_response`] sends a head and a [`Body`]. A body in memory (a built-in
//! flag, a cached file) goes out with its head in one `writev(2)` on a plain
//! connection: one system call and, for a flag, usually one TCP segment, where a
//! write for the head and one for the body cost two of each. (nginx sends the
//! head with `writev` and the file with `sendfile`: two calls.) Over TLS the
//! records are built in user space anyway, so the two are written one after the
//! other.
//!
//! ## Streaming a file
//!
//! A file is
//! sent [`FILE_CHUNK`] bytes at a time: the read runs on the blocking pool
//! (`runtime::spawn_blocking`), the file and the buffer move to the pool thread
//! and back with the result, then the chunk is written under the send timeout.
//! One buffer per response, reused for every chunk, so a response costs one chunk
//! of memory whatever the file's size, and the event loop never waits on the disk.
//!
//! The head announced the file's length when it was opened. If the file then
//! shrinks, the body cannot be completed: the send fails with `UnexpectedEof` and
//! the connection is closed, which the client sees as a truncated body. If it
//! grows, only the announced length is sent.
//!
//! What a production server does differently: `sendfile(2)` moves the bytes from
//! the page cache to the socket inside the kernel, with no user-space buffer and
//! no thread hop; and it reads the next chunk while the previous one is being sent
//! (nginx's `output_buffers 2 32k`). One chunk at a time is simpler to follow.
//! We do not use `sendfile(2)`: on the loop it blocks whenever a page is not in
//! memory (nginx accepts that risk unless `aio threads` is on), and on a pool
//! thread it would need to wait for the socket to take more bytes, which this
//! runtime's sockets do not offer as a future apart from a write. Files up to
//! 256 KiB, every flag included, are served from memory by the warm-file cache
//! (`file_cache.rs`), so only larger files take this path.

use std::fs::File;
use std::future::poll_fn;
use std::io::{self, IoSlice, Read};
use std::time::Duration;

use http_client::tls::Transport;

use super::source::Body;

/// Bytes read from a file per blocking-pool job: 64 KiB. Large enough that the hop
/// to a pool thread and back (two thread wake-ups, some microseconds) is small next
/// to copying the chunk; small enough that a thousand streams use 64 MiB.
pub const FILE_CHUNK: usize = 64 * 1024;

/// Writes all of `bytes`; each write may wait at most `limit` for the client to
/// take some. Fails with `TimedOut` when it does not.
pub async fn write_all_within(
    stream: &mut Transport,
    mut bytes: &[u8],
    limit: Duration,
) -> io::Result<()> {
    let no_progress = || no_progress(limit);
    while !bytes.is_empty() {
        let written = runtime::time::timeout(limit, stream.write(bytes))
            .await
            .map_err(|_| no_progress())??;
        if written == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[written..];
    }
    runtime::time::timeout(limit, stream.flush())
        .await
        .map_err(|_| no_progress())?
}

/// The error of a write that waited `limit` for the client to take a byte.
fn no_progress(limit: Duration) -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!("the client took no bytes for {:.1} s", limit.as_secs_f64()),
    )
}

/// Sends `head`, then the first `len` bytes of `body` (all of it, or a prefix for
/// the truncated fault), each write bounded by `limit`; a body in memory in the
/// same system call as the head (module doc).
pub async fn send_response(
    stream: &mut Transport,
    head: &[u8],
    body: Body,
    len: u64,
    limit: Duration,
) -> io::Result<()> {
    match body {
        Body::Bytes(bytes) | Body::Cached { bytes, .. } => {
            let end = usize::try_from(len).unwrap_or(usize::MAX).min(bytes.len());
            write_both_within(stream, head, &bytes[..end], limit).await
        }
        Body::File {
            file,
            len: file_len,
            ..
        } => {
            write_all_within(stream, head, limit).await?;
            send_file(stream, file, len.min(file_len), limit).await
        }
    }
}

/// Writes all of `first` then all of `second`: with `writev(2)` on a plain
/// connection, each call bounded by `limit` as in [`write_all_within`].
async fn write_both_within(
    stream: &mut Transport,
    mut first: &[u8],
    mut second: &[u8],
    limit: Duration,
) -> io::Result<()> {
    let tcp = match stream {
        Transport::Plain(tcp) => tcp,
        tls => {
            write_all_within(tls, first, limit).await?;
            return write_all_within(tls, second, limit).await;
        }
    };
    while !first.is_empty() || !second.is_empty() {
        let slices = [IoSlice::new(first), IoSlice::new(second)];
        let written =
            runtime::time::timeout(limit, poll_fn(|cx| tcp.poll_write_vectored(cx, &slices)))
                .await
                .map_err(|_| no_progress(limit))??;
        if written == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        match written.checked_sub(first.len()) {
            Some(into_second) => {
                second = &second[into_second..];
                first = &[];
            }
            None => first = &first[written..],
        }
    }
    Ok(())
}

/// Streams `len` bytes of `file` from its start, chunk by chunk (module doc).
async fn send_file(
    stream: &mut Transport,
    mut file: File,
    mut len: u64,
    limit: Duration,
) -> io::Result<()> {
    let mut buf = vec![0u8; FILE_CHUNK.min(usize::try_from(len).unwrap_or(FILE_CHUNK))];
    while len > 0 {
        let want = buf.len().min(usize::try_from(len).unwrap_or(usize::MAX));
        let job = runtime::spawn_blocking(move || {
            let read = read_up_to(&mut file, &mut buf[..want]);
            (file, buf, read)
        });
        let (back_file, back_buf, read) = job
            .await
            .map_err(|join| io::Error::other(format!("reading the file failed: {join}")))?;
        (file, buf) = (back_file, back_buf);
        let n = read?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file shrank while it was being sent",
            ));
        }
        write_all_within(stream, &buf[..n], limit).await?;
        len -= n as u64;
    }
    Ok(())
}

/// Reads until `buf` is full or the file ends; returns how many bytes it read.
fn read_up_to(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(filled)
}
