//! Writing a timeline to a file: the format from the extension, atomically.
//!
//! A recording is written when a program ends, which is also when it is
//! most likely to be interrupted. A half-written JSON file opens in no
//! viewer and says nothing about why, so the file is written whole or not
//! at all:
//!
//! 1. the format is chosen from the path (`.json` or `.html`, in any case);
//!    anything else is refused before anything is created;
//! 2. the bytes go to a new temporary file *in the same directory*
//!    (`.<name>.<pid>.<n>.tmp`), so that step 4 is a rename within one
//!    file system;
//! 3. the temporary file is flushed and synced to the disk;
//! 4. it is renamed over the target: `rename(2)` replaces the target in one
//!    step, so a reader sees the old file or the new one, never a mix.
//!
//! If any step fails, or the writing panics, the temporary file is removed
//! (by a guard's `Drop`) and the error says which step failed on which
//! path. The one case this cannot cover is the process being killed while
//! it writes (SIGKILL, or Ctrl-C with no handler): the target is still
//! untouched, but a `.tmp` file may remain. A program that records should
//! let its Ctrl-C handler wait for the write, as `flags` does for its own
//! files.
//!
//! Production tools do the same dance (cargo's `paths::write_atomic`, the
//! `tempfile` crate's `persist`); tempfile also picks random names and
//! opens with `O_EXCL` against a hostile directory. We use the pid and a
//! counter, with `create_new` (which is `O_EXCL`) so two writers never
//! share a temporary file.

use std::ffi::OsString;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::timeline::Timeline;

/// The two formats a timeline file can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Chrome Trace Event JSON, for Perfetto and chrome://tracing.
    Json,
    /// A self-contained HTML page with the JSON and a viewer.
    Html,
}

impl Format {
    /// The format for `path`, from its extension (`.json` or `.html`, in
    /// any letter case).
    pub fn from_path(path: &Path) -> Result<Format, WriteError> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("json") => Ok(Format::Json),
            Some("html") => Ok(Format::Html),
            _ => Err(WriteError::UnknownFormat {
                path: path.to_owned(),
            }),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Json => "JSON",
            Format::Html => "HTML",
        })
    }
}

/// What [`Timeline::write_to_path`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The file written.
    pub path: PathBuf,
    /// Its format.
    pub format: Format,
    /// Its size in bytes.
    pub bytes: u64,
}

impl fmt::Display for Written {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, format, bytes) = (self.path.display(), self.format, self.bytes);
        write!(f, "wrote the timeline to {path} ({format}, {bytes} bytes)")
    }
}

/// Why a timeline file was not written. The target is untouched either way.
#[derive(Debug)]
pub enum WriteError {
    /// The path ends in neither `.json` nor `.html`.
    UnknownFormat {
        /// The path given.
        path: PathBuf,
    },
    /// A file-system step failed.
    Io {
        /// What was being done: "create a temporary file", "write",
        /// "sync" or "rename it to the target".
        step: &'static str,
        /// The file it was done to.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::UnknownFormat { path } => write!(
                f,
                "cannot tell the timeline format of {}: the name must end in .json \
                 (Chrome Trace Event JSON) or .html (a page with a viewer)",
                path.display()
            ),
            WriteError::Io { step, path, source } => write!(
                f,
                "timeline not written: could not {step} ({}): {source}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::UnknownFormat { .. } => None,
            WriteError::Io { source, .. } => Some(source),
        }
    }
}

/// A temporary file that is removed when dropped, unless renamed first.
struct TempFile {
    /// Its path.
    path: PathBuf,
    /// Whether it has been renamed to the target (then nothing to remove).
    persisted: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.persisted {
            // Best effort: if the file cannot be removed, there is no one
            // left to tell.
            let _ = fs::remove_file(&self.path);
        }
    }
}

impl Timeline {
    /// Writes the timeline to `path`, as JSON if it ends in `.json` and as
    /// HTML if it ends in `.html` (any other name is an error), atomically:
    /// the file appears complete or not at all.
    pub fn write_to_path(&self, path: &Path) -> Result<Written, WriteError> {
        write_atomically(self, path)
    }
}

/// Writes `timeline` to `path` in the format its extension names, through a
/// temporary file in the same directory (see the module doc).
fn write_atomically(timeline: &Timeline, path: &Path) -> Result<Written, WriteError> {
    let format = Format::from_path(path)?;
    let (temp, file) = create_temp_beside(path)?;
    let io_error = |step, source| WriteError::Io {
        step,
        path: temp.path.clone(),
        source,
    };

    let mut out = BufWriter::new(file);
    let written = match format {
        Format::Json => timeline.write_json(&mut out),
        Format::Html => timeline.write_html(&mut out),
    };
    written
        .and_then(|()| out.flush())
        .map_err(|e| io_error("write", e))?;
    let file = out
        .into_inner()
        .map_err(|e| io_error("write", e.into_error()))?;
    file.sync_all().map_err(|e| io_error("sync", e))?;
    let bytes = file.metadata().map_err(|e| io_error("write", e))?.len();
    drop(file);

    let mut temp = temp;
    fs::rename(&temp.path, path).map_err(|source| WriteError::Io {
        step: "rename it to the target",
        path: path.to_owned(),
        source,
    })?;
    temp.persisted = true;
    Ok(Written {
        path: path.to_owned(),
        format,
        bytes,
    })
}

/// Creates a new, empty temporary file next to `target`.
fn create_temp_beside(target: &Path) -> Result<(TempFile, File), WriteError> {
    /// Distinguishes the temporary files of one process.
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut name = OsString::from(".");
    name.push(target.file_name().unwrap_or_default());
    name.push(format!(".{}.{n}.tmp", std::process::id()));
    let path = target.with_file_name(name);
    match OpenOptions::new().write(true).create_new(true).open(&path) {
        Ok(file) => Ok((
            TempFile {
                path,
                persisted: false,
            },
            file,
        )),
        Err(source) => Err(WriteError::Io {
            step: "create a temporary file",
            path,
            source,
        }),
    }
}
