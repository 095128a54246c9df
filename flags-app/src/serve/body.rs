//! [`Body`]: the bytes of one answer, whichever source they come from (the
//! built-in archive, a page, an error, a `--dir` file from the warm-file cache
//! or opened on the blocking pool). Its own file because both `source.rs`,
//! which chooses where an answer comes from, and `dir.rs`, which reads `--dir`
//! files, make one.

use std::fs::File;
use std::sync::Arc;
use std::time::SystemTime;

use super::validators::FileStamp;

/// The bytes of one answer: in memory, or a file to stream.
#[derive(Debug)]
pub enum Body {
    /// Bytes already in memory (a built-in file, a page, an error body, a
    /// `--dir` file that changed while it was read); no validators.
    Bytes(Arc<[u8]>),
    /// A small `--dir` file's bytes, shared with the warm-file cache.
    Cached {
        /// The whole file.
        bytes: Arc<[u8]>,
        /// Its modification time, for `Last-Modified` and `ETag`.
        modified: SystemTime,
    },
    /// An open file under `--dir` and its length when opened.
    File {
        /// The file, read from its start.
        file: File,
        /// Its length in bytes, which the response head announces.
        len: u64,
        /// Its modification time when opened, for `Last-Modified` and `ETag`.
        modified: SystemTime,
    },
}

impl Body {
    /// The length in bytes.
    pub fn len(&self) -> u64 {
        match self {
            Body::Bytes(bytes) | Body::Cached { bytes, .. } => bytes.len() as u64,
            Body::File { len, .. } => *len,
        }
    }

    /// What `Last-Modified` and `ETag` are made from: a file's time and length.
    pub fn stamp(&self) -> Option<FileStamp> {
        match self {
            Body::Bytes(_) => None,
            Body::Cached { modified, .. } | Body::File { modified, .. } => Some(FileStamp {
                modified: *modified,
                len: self.len(),
            }),
        }
    }

    /// Whether the body has no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
