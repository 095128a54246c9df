//! The size limits that protect the client from a server that sends too much.
//!
//! A server chooses how many bytes it sends; without limits a broken or hostile one could make
//! the client buffer a head or a body until memory runs out. Every limit, when hit, gives
//! [`Error::TooLarge`](crate::Error::TooLarge) naming it — never a panic.

use crate::wire::{MAX_BODY_BYTES, MAX_HEAD_BYTES, MAX_HEADERS};

/// The limits applied while reading one response; copied from the client's builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Maximum bytes in a response head (status line + fields + empty line). Chunked trailers
    /// count against it too.
    pub(crate) max_head_bytes: usize,
    /// Maximum number of header fields in a head (and of trailer fields).
    pub(crate) max_headers: usize,
    /// Maximum body bytes after transfer decoding.
    pub(crate) max_body_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_head_bytes: MAX_HEAD_BYTES,
            max_headers: MAX_HEADERS,
            max_body_bytes: MAX_BODY_BYTES,
        }
    }
}
